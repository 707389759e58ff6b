from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行后台任务进程（数据库任务队列；可同时运行任意多个进程）"

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="处理的队列，* 表示全部")
        parser.add_argument("--batch", action="store_true", help="处理完当前任务后退出（用于测试和定时触发）")
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")

    def handle(self, *args, queue_name, batch, interval, **options):
        # django-tasks-db claims each job with SELECT … FOR UPDATE SKIP LOCKED on
        # PostgreSQL, so any number of workers on any number of machines share the queue.
        argv = ["--queue-name", queue_name, "--interval", str(interval)]
        if batch:
            argv.append("--batch")
        call_command("db_worker", *argv)
