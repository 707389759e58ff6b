"""Two real `manage.py worker` processes sweeping the same PostgreSQL database at once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from minxin.oversight import sweeps
from minxin.oversight.models import DailyRollup, Notice, RatingWindow, SupervisionProposal

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshot():
    return (
        sorted(Notice.objects.values_list("kind", "case_id", "unit_id", "period")),
        sorted(SupervisionProposal.objects.values_list("deadline_id", "unit_id")),
        sorted(RatingWindow.objects.values_list("case_id", "state")),
        sorted(DailyRollup.objects.values_list("date", "area_id", "unit_id_key", "channel", "category", "received", "overdue")),
    )


def _worker_env():
    db = connection.settings_dict
    env = {
        **os.environ,
        "MINXIN_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MINXIN_TEST_DATABASE_NAME", None)
    return env


def test_two_workers_running_the_same_sweeps_at_once_write_no_duplicates(flow, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so two workers cannot race")
    from django_tasks_db.models import DBTaskResult

    flow.register()
    flow.register()
    flow.transfer(flow.register())
    flow.opinion_case()
    flow.advance(days=31)
    from minxin.core import clock
    from minxin.oversight.tasks import run_sweep_task

    today = clock.today()
    # Every sweep twice (two periods) so both workers get the same work at the same time.
    for copy in ("a", "b"):
        for name in sweeps.SWEEPS:
            run_sweep_task.enqueue(name, f"test-{copy}")
    cmd = [sys.executable, str(Path(__file__).with_name("frozen_worker.py")), today.isoformat()]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=_worker_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    statuses = list(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses and set(statuses) == {"SUCCESSFUL"}, outputs
    together = _snapshot()
    assert together[0] and together[1] and together[3]
    # One more sequential run changes nothing: the workers left a complete, duplicate-free state.
    for name in sweeps.SWEEPS:
        sweeps.run_sweep(name)
    assert _snapshot() == together


def test_two_simultaneous_ratings_of_the_same_body_record_one(flow):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so two requests cannot race")
    import threading

    from django.db import connections

    from minxin.core.errors import ValidationFailed
    from minxin.oversight.models import Rating
    from minxin.oversight.ratings import record_rating

    case = flow.opinion_case()
    petitioner = case.parties.first().petitioner
    barrier = threading.Barrier(2)
    outcomes = []

    def rate(score):
        try:
            barrier.wait()
            record_rating(case, target="unit", score=score, rater_petitioner=petitioner)
            outcomes.append("ok")
        except ValidationFailed as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rate, args=(s,)) for s in ("satisfied", "unsatisfied")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2 and outcomes.count("ok") == 1
    assert any("只能评价一次" in o for o in outcomes)
    assert Rating.objects.filter(case=case).count() == 1
    assert case.events.filter(action="rate").count() == 1


def test_worker_killed_mid_sweep_then_next_run_completes_without_duplicates(flow, city):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: worker subprocesses cannot share pytest's in-memory SQLite database")
    from minxin.core import clock
    from minxin.oversight.tasks import run_sweep_task

    flow.register()
    flow.register()
    flow.transfer(flow.register())
    flow.advance(days=16)  # three clocks overdue: two 登记转送 at the bureau, one 告知 at 住建局
    today = clock.today().isoformat()
    script = str(Path(__file__).with_name("frozen_worker.py"))

    run_sweep_task.enqueue("overdue", "period-1")
    killed = subprocess.run([sys.executable, script, today, "--die-after", "2"], cwd=ROOT, env=_worker_env(),
                            capture_output=True, timeout=300)
    assert killed.returncode == 9, killed.stdout.decode() + killed.stderr.decode()
    assert SupervisionProposal.objects.count() == 2  # half-done: the third clock was never reached

    run_sweep_task.enqueue("overdue", "period-2")  # the scheduler's next period
    done = subprocess.run([sys.executable, script, today], cwd=ROOT, env=_worker_env(), capture_output=True, timeout=300)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert SupervisionProposal.objects.count() == 3
    kinds = sorted(Notice.objects.values_list("kind", flat=True))
    assert kinds == ["overdue"] * 3 + ["supervision_proposed"] * 3
    assert len(set(Notice.objects.values_list("kind", "case_id", "unit_id", "period"))) == 6
