import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from minxin.core import workers


class Command(BaseCommand):
    help = "运行后台任务进程（数据库任务队列；可同时运行任意多个进程）"

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="处理的队列，* 表示全部")
        parser.add_argument("--batch", action="store_true", help="处理完当前任务后退出（用于测试和定时触发）")
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")
        parser.add_argument("--reload", action="store_true", help="代码改动时自动重启（仅供开发）")

    def handle(self, *args, queue_name, batch, interval, reload, **options):
        # Jobs left RUNNING by a worker that died (SIGKILL, OOM) would otherwise never run again.
        self._reclaim()
        stop = threading.Event()
        if not batch:
            threading.Thread(target=self._maintain, args=(stop,), name="worker-maintenance", daemon=True).start()
        # django-tasks-db claims each job with SELECT … FOR UPDATE SKIP LOCKED on
        # PostgreSQL, so any number of workers on any number of machines share the queue.
        # Our id says host and pid, so a survivor can tell when this process has died.
        argv = ["--queue-name", queue_name, "--interval", str(interval), "--worker-id", workers.current_worker_id()]
        # Off unless asked: a reloading worker is a parent and a child, and killing the parent leaves the child.
        argv.append("--reload" if reload and not batch else "--no-reload")
        if batch:
            argv.append("--batch")
        try:
            call_command("db_worker", *argv)
        finally:
            stop.set()

    def _reclaim(self):
        requeued, failed = workers.reclaim_stale_jobs()
        if requeued or failed:
            self.stderr.write(f"已收回失联进程遗留的任务：重新排队 {requeued} 个，放弃 {failed} 个")

    def _maintain(self, stop: threading.Event):
        while not stop.wait(settings.MINXIN_WORKER_MAINTENANCE_SECONDS):
            try:
                self._reclaim()
            except Exception:  # a database hiccup must not end the thread; the next round retries
                workers.log.exception("reclaiming stale jobs failed")
            finally:
                connections.close_all()
