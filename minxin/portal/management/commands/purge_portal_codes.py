from django.core.management.base import BaseCommand

from minxin.portal.services import purge_phone_codes


class Command(BaseCommand):
    help = "删除已过期一天以上的短信验证码记录（可重复运行，适合每日定时执行）"

    def handle(self, *args, **options):
        self.stdout.write(f"已删除 {purge_phone_codes()} 条过期验证码")
