from django.core.management.base import BaseCommand

from minxin.exchange.webhooks.services import deliver_due


class Command(BaseCommand):
    help = "发送所有到期的回调（补发因任务丢失或进程中断而未发送的回调；可与 worker 同时运行，可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        self.stdout.write(f"已送达 {deliver_due(limit=limit)} 条")
