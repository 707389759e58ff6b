"""Development: the whole system from one command.

Runs the web server (runserver), one job worker and the sweep scheduler as child processes,
each line of their output prefixed with its name. Ctrl-C or SIGTERM stops all three; if one
of them dies, the others are stopped too and the command says which one and exits non-zero.
Production runs the three as separate services instead (README, Production).
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"


class Child:
    def __init__(self, name: str, label: str, argv: list[str]):
        self.name, self.label, self.argv = name, label, argv
        self.process: subprocess.Popen | None = None

    def start(self, out) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Its own session: a Ctrl-C reaches only the supervisor, which then stops each child
        # (and runserver's autoreload grandchild) as a whole process group.
        self.process = subprocess.Popen(
            [sys.executable, str(MANAGE_PY), *self.argv], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=env, start_new_session=True,
        )
        threading.Thread(target=self._pump, args=(out,), daemon=True).start()

    def _pump(self, out) -> None:
        for raw in self.process.stdout:
            out.write(f"[{self.name}] {raw.decode('utf-8', errors='replace').rstrip()}\n")
            out.flush()

    def signal_group(self, signum) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def group_alive(self) -> bool:
        # Reap the leader first: an unreaped zombie would still count as a member of the group.
        self.process.poll()
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class Command(BaseCommand):
    help = "开发环境：一条命令启动整个系统（网页服务、后台任务进程、定时巡检调度），Ctrl-C 全部停止"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="网页服务的地址和端口（默认 127.0.0.1:8000）")
        parser.add_argument("--noreload", action="store_true", help="网页服务不随代码改动自动重启")
        parser.add_argument("--sweep-tick", type=float, default=30.0, help="定时巡检调度的检查间隔（秒）")
        parser.add_argument("--grace", type=float, default=10.0, help="停止时等待各进程自行退出的秒数，超时强制结束")

    def handle(self, *args, addrport, noreload, sweep_tick, grace, **options):
        if sweep_tick <= 0 or grace <= 0:
            raise CommandError("--sweep-tick 和 --grace 必须大于0")
        web = ["runserver", addrport] + (["--noreload"] if noreload else [])
        children = [
            Child("web", "网页服务", web),
            Child("worker", "后台任务进程", ["worker"]),
            Child("sweep", "定时巡检调度", ["sweep", "--tick", str(sweep_tick)]),
        ]
        stop = threading.Event()
        reason: list[str] = []

        def on_signal(signum, frame):
            reason.append(signal.Signals(signum).name)
            stop.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        out = sys.stdout
        exit_code = 0
        try:
            for child in children:
                child.start(out)
            self.stdout.write(
                f"已启动：网页服务 http://{addrport}/、后台任务进程、定时巡检调度；开发发件箱 http://{addrport}/dev/outbox/。按 Ctrl-C 全部停止。"
            )
            while not stop.wait(0.5):
                dead = next((c for c in children if c.process.poll() is not None), None)
                if dead is not None:
                    self.stderr.write(f"{dead.label}（{dead.name}）已退出，退出码 {dead.process.returncode}；正在停止其他进程。")
                    exit_code = 1
                    break
        finally:
            self._stop_all(children, grace)
            for s, handler in previous.items():
                signal.signal(s, handler)
        self.stdout.write("已全部停止。")
        if exit_code:
            raise SystemExit(exit_code)

    def _stop_all(self, children: list[Child], grace: float) -> None:
        started = [c for c in children if c.process is not None]
        for child in started:
            child.signal_group(signal.SIGTERM)  # the worker finishes the job in hand
        deadline = time.monotonic() + grace
        for child in started:
            while child.group_alive() and time.monotonic() < deadline:
                time.sleep(0.1)
        for child in started:
            if child.group_alive():
                self.stderr.write(f"{child.label}未在{grace:g}秒内退出，强制结束。")
                child.signal_group(signal.SIGKILL)
            try:
                child.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
