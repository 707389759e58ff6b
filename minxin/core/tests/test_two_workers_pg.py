"""Several `manage.py worker` processes on one PostgreSQL database: django-tasks-db claims each job
with SELECT … FOR UPDATE SKIP LOCKED, so two workers started together share the queue and every
job runs exactly once."""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
JOBS = 60

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _worker_env() -> dict:
    db = connection.settings_dict
    env = {**os.environ, "MINXIN_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "PYTHONPATH": str(ROOT)}
    env.pop("MINXIN_TEST_DATABASE_NAME", None)
    return env


def test_two_workers_on_one_database_run_every_job_exactly_once_and_both_do_work(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: worker subprocesses cannot share pytest's in-memory SQLite database")
    from django_tasks_db.models import DBTaskResult

    from minxin.core.tests.worker_probe import probe

    runs = tmp_path / "runs.txt"
    runs.touch()
    # Job 0 holds its worker until the other worker has run something; the rest are plain.
    probe.enqueue(0, str(runs), wait_for_both=True)
    for n in range(1, JOBS):
        probe.enqueue(n, str(runs))
    assert DBTaskResult.objects.filter(status="READY").count() == JOBS

    env = _worker_env()
    workers = [subprocess.Popen([sys.executable, "manage.py", "worker", "--batch", "--interval", "0.1"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = []
    try:
        for w in workers:
            out, _ = w.communicate(timeout=300)
            outputs.append(out.decode())
    finally:
        for w in workers:
            w.kill()
            w.wait()
    assert all(w.returncode == 0 for w in workers), "\n".join(outputs)

    lines = [line.split() for line in runs.read_text().splitlines() if line.strip()]
    per_job = Counter(int(n) for n, _pid in lines)
    # Every job ran, and none ran twice …
    assert per_job == Counter(range(JOBS))
    # … by both processes (each is a worker pid, not the test's) …
    pids = {int(pid) for _n, pid in lines}
    assert pids == {w.pid for w in workers}
    # … and the queue records each job once, finished.
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert DBTaskResult.objects.count() == JOBS
