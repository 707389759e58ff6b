from django.core.management.base import BaseCommand

from minxin.notify.services import deliver_pending


class Command(BaseCommand):
    help = "发送所有待发送的短信和邮件（补发因任务丢失而未发送的消息；可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        self.stdout.write(f"已发送 {deliver_pending(limit=limit)} 条")
