from django.core.management.base import BaseCommand

from minxin.oversight.readme import readme_text


class Command(BaseCommand):
    help = "输出督查督办的说明（指标口径、考评配置、后台任务运行方式），供 README 使用"

    def handle(self, *args, **options):
        self.stdout.write(readme_text())
