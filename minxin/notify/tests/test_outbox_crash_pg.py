"""A real `manage.py worker` killed with SIGKILL in the middle of a send, then a new worker:
every notice reaches the (fake, deduplicating) gateway exactly once and none is lost."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

from minxin.notify.models import Delivery, DeliveryStatus
from minxin.notify.services import queue_sms
from minxin.notify.tests.fake_gateway import FakeGateway

ROOT = Path(__file__).resolve().parents[3]
SECRET = "crash-test-secret"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _worker_env(gateway_url: str) -> dict:
    db = connection.settings_dict
    env = {
        **os.environ,
        "MINXIN_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTHONPATH": str(ROOT),
        "MINXIN_SMS_BACKEND": "minxin.notify.backends.HttpGatewayBackend",
        "MINXIN_SMS_GATEWAY_URL": gateway_url,
        "MINXIN_SMS_APP_KEY": "minxin-app",
        "MINXIN_SMS_SIGNING_SECRET": SECRET,
        "MINXIN_SMS_TIMEOUT": "60",
        # A long lease: the new worker may only take the dead worker's message because it sees it dead.
        "MINXIN_SMS_LEASE_SECONDS": "3600",
    }
    env.pop("MINXIN_TEST_DATABASE_NAME", None)
    return env


def _register(city, phone: str):
    from minxin.cases.services import register_case

    return register_case(
        actor=city.staff["east_registrar"], channel="visit", category="suggestion", subject="增设公交站",
        content="建议在东一社区增设公交站", request="增设公交站", facts="附近无公交站", reasons="出行不便",
        area=city.areas["east1v"], petitioners=[{"name": "李四", "address": "东一社区", "phone": phone}],
    )


def test_worker_killed_mid_send_then_a_new_worker_sends_every_notice_exactly_once(city, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: worker subprocesses cannot share pytest's in-memory SQLite database")
    from django_tasks_db.models import DBTaskResult

    for i in range(4):  # notices written by the registration service, in its transaction
        _register(city, f"1391234{i:04d}")
    with transaction.atomic():
        for i in range(45):
            queue_sms(f"1380000{i:04d}", f"第{i}条通知", purpose="transfer")
    total = Delivery.objects.count()
    assert total == 49 and DBTaskResult.objects.filter(task_path="minxin.notify.tasks.deliver_task").count() == total

    log = (tmp_path / "worker.log").open("w")
    with FakeGateway(secret=SECRET, delay=0.02, hold_at=20) as gw:
        env = _worker_env(gw.url)
        first = subprocess.Popen([sys.executable, "manage.py", "worker", "--interval", "0.1"], cwd=ROOT, env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
        try:
            for _tick in range(360):  # until the gateway holds a request, or the worker has exited
                if gw.holding.wait(0.5) or first.poll() is not None:
                    break
            assert gw.holding.is_set(), (tmp_path / "worker.log").read_text()
            confirmed = set(Delivery.objects.filter(status=DeliveryStatus.SENT).values_list("idempotency_key", flat=True))
            os.kill(first.pid, signal.SIGKILL)
        finally:
            first.kill()
            first.wait()
        # The dead worker's message: accepted by the gateway, never recorded; its job stuck RUNNING.
        [in_flight] = Delivery.objects.filter(status=DeliveryStatus.SENDING)
        assert in_flight.idempotency_key in gw.ids and in_flight.idempotency_key not in confirmed
        assert DBTaskResult.objects.filter(status="RUNNING").count() == 1
        assert len(confirmed) == 19
        gw.release()

        second = subprocess.run([sys.executable, "manage.py", "worker", "--batch", "--interval", "0.1"], cwd=ROOT, env=env,
                                capture_output=True, timeout=300)
        assert second.returncode == 0, second.stdout.decode() + second.stderr.decode()

    keys = set(Delivery.objects.values_list("idempotency_key", flat=True))
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # Each notice reached a phone exactly once …
    assert len(gw.sent) == total and {m["key"] for m in gw.sent} == keys
    # … the confirmed ones were never posted again, the one in flight was posted again with its key,
    assert all(gw.posts_for(k) == 1 for k in confirmed)
    assert gw.posts_for(in_flight.idempotency_key) == 2 and len(gw.posts) == total + 1
    # … and the stuck job was taken back and finished.
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    assert Delivery.objects.get(pk=in_flight.pk).gateway_id == gw.ids[in_flight.idempotency_key]
