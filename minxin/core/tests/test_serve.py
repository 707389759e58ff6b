"""`manage.py serve` runs the whole development system: web, job worker and sweep scheduler.

These tests start the real command on a free port with a throw-away SQLite database."""

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
WAIT = 90  # seconds: an upper bound on a loaded CI machine, never a timing assertion


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    var = tmp_path_factory.mktemp("serve")
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=_env(var),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return var


def _env(var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINXIN_")}
    env.update(MINXIN_DEBUG="1", MINXIN_VAR_DIR=str(var), MINXIN_DATABASE_URL=f"sqlite:///{var / 'serve.sqlite3'}",
               PYTHONUNBUFFERED="1")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_until(predicate, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"gave up waiting for {what}")


class Serve:
    def __init__(self, var: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = var / f"serve-{self.port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", f"127.0.0.1:{self.port}", "--noreload", "--grace", "20"],
            cwd=REPO, env=_env(var), stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def healthy(self) -> bool:
        assert self.process.poll() is None, self.output()
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def children(self) -> set[int]:
        # runserver, the worker and the scheduler (and any process they started)
        return _wait_until(lambda: (kids := _descendants(self.process.pid)) and len(kids) >= 3 and kids, "three children")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            for pid in _descendants(self.process.pid):
                os.kill(pid, signal.SIGKILL)
            self.process.kill()
            raise


def test_serve_runs_web_worker_and_scheduler_and_sigterm_stops_them_all(var_dir):
    serve = Serve(var_dir)
    try:
        _wait_until(serve.healthy, "/healthz")
        children = serve.children()

        # A portal visitor asks for a verification code: only a running worker delivers it.
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(serve.base + "/xf/submit/", timeout=30).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        request = urllib.request.Request(serve.base + "/xf/code/", data=urllib.parse.urlencode({"phone": "17012345678"}).encode(),
                                         headers={"X-CSRFToken": token})
        assert "验证码已发送" in opener.open(request, timeout=30).read().decode()
        outbox = var_dir / "outbox.jsonl"
        text = _wait_until(lambda: outbox.exists() and next(
            (json.loads(line)["text"] for line in outbox.read_text(encoding="utf-8").splitlines() if "验证码" in line), None
        ), "the SMS in the outbox")
        code = text.split("验证码为", 1)[1][:6]
        assert code.isdigit()
        with urllib.request.urlopen(serve.base + "/dev/outbox/", timeout=30) as page:
            assert code in page.read().decode()
        assert "[worker]" in serve.output() and "[sweep]" in serve.output()
    finally:
        returncode = serve.stop()
    assert returncode == 0, serve.output()
    _wait_until(lambda: not any(_running(pid) for pid in children), "every child to exit")
    assert "已全部停止" in serve.output()


def test_serve_stops_everything_and_says_so_when_one_child_dies(var_dir):
    serve = Serve(var_dir)
    try:
        _wait_until(serve.healthy, "/healthz")
        children = serve.children()
        worker = next(pid for pid in children if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes())
        os.kill(worker, signal.SIGKILL)
        returncode = serve.process.wait(timeout=WAIT)
    finally:
        serve.stop()
    assert returncode == 1
    assert "后台任务进程（worker）已退出" in serve.output()
    _wait_until(lambda: not any(_running(pid) for pid in children), "every child to exit")
