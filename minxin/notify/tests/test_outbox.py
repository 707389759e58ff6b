"""The outbox on any database: notices commit with their event, claims, leases, dead claimants,
idempotency keys, and the jobs a dead worker left RUNNING."""

import datetime as dt
import subprocess
import sys

import pytest
from django.db import transaction
from django.utils import timezone

from minxin.core import workers
from minxin.notify.backends import LocmemBackend
from minxin.notify.models import Delivery, DeliveryStatus
from minxin.notify.services import deliver, deliver_pending, queue_sms, send_sms
from minxin.notify.tests.fake_gateway import FakeGateway

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
SECRET = "outbox-test-secret"


def _dead_worker_id() -> str:
    """The id a worker on this host had, whose process has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{workers.current_worker_id().split(':')[0]}:{proc.pid}:deadbeef"


@pytest.fixture
def gateway(settings):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.HttpGatewayBackend"
    settings.MINXIN_SMS_APP_KEY = "minxin-app"
    settings.MINXIN_SMS_SIGNING_SECRET = SECRET
    settings.MINXIN_SMS_BACKOFF_SECONDS = 0
    with FakeGateway(secret=SECRET) as gw:
        settings.MINXIN_SMS_GATEWAY_URL = gw.url
        yield gw


def _register(city, phone=PHONE):
    from minxin.cases.services import register_case

    return register_case(
        actor=city.staff["east_registrar"], channel="visit", category="suggestion", subject="增设公交站",
        content="建议在东一社区增设公交站", request="增设公交站", facts="附近无公交站", reasons="出行不便",
        area=city.areas["east1v"], petitioners=[{"name": "李四", "address": "东一社区", "phone": phone}],
    )


def test_registration_writes_its_notice_and_delivery_job_before_commit(city):
    from django_tasks_db.models import DBTaskResult

    # No on-commit callback runs in this test's transaction: whatever exists was written inside it.
    case = _register(city)
    [d] = Delivery.objects.filter(case=case)
    assert d.purpose == "register" and d.status == DeliveryStatus.QUEUED
    assert DBTaskResult.objects.filter(task_path="minxin.notify.tasks.deliver_task", args_kwargs__args=[d.pk]).exists()


def test_a_case_action_that_rolls_back_leaves_no_notice(city):
    with pytest.raises(RuntimeError), transaction.atomic():
        _register(city)
        raise RuntimeError("crash before commit")
    assert not Delivery.objects.exists()


def test_every_attempt_carries_the_rows_idempotency_key(gateway):
    d = queue_sms(PHONE, "通知", purpose="close")
    deliver(d.pk)
    d.refresh_from_db()
    [post] = gateway.posts
    assert post["key"] == d.idempotency_key and len(d.idempotency_key) == 32
    assert d.status == DeliveryStatus.SENT and d.gateway_id == "gw-1" and d.lease_until is None


def test_two_messages_get_different_keys():
    a = queue_sms(PHONE, "一", purpose="close")
    b = queue_sms(PHONE, "二", purpose="close")
    assert a.idempotency_key != b.idempotency_key


def test_a_message_left_sending_by_a_dead_worker_is_resent_with_the_same_key_and_delivered_once(gateway):
    d = queue_sms(PHONE, "转交通知", purpose="transfer")
    # The gateway accepted it, then the worker died before recording the answer.
    deliver(d.pk)
    Delivery.objects.filter(pk=d.pk).update(
        status=DeliveryStatus.SENDING, claimed_by=_dead_worker_id(), lease_until=timezone.now() + dt.timedelta(hours=1), gateway_id=""
    )
    assert deliver_pending() == 1
    d.refresh_from_db()
    assert d.status == DeliveryStatus.SENT and d.attempts == 2 and d.gateway_id == "gw-1"
    assert gateway.posts_for(d.idempotency_key) == 2 and len(gateway.sent) == 1


def test_a_message_held_by_a_live_worker_is_left_alone_until_its_lease_runs_out(gateway, settings):
    from django_tasks_db.models import DBTaskResult

    from minxin.notify.tasks import deliver_task

    d = queue_sms(PHONE, "受理通知", purpose="accept")
    lease = timezone.now() + dt.timedelta(minutes=2)
    Delivery.objects.filter(pk=d.pk).update(status=DeliveryStatus.SENDING, claimed_by=workers.current_worker_id() + "x", lease_until=lease)
    # "x": not this process's id, but this process's pid — alive.
    assert deliver(d.pk) is None and gateway.posts == []
    assert deliver_task.call(d.pk) == "held"
    assert DBTaskResult.objects.filter(args_kwargs__args=[d.pk], run_after=lease).exists()
    Delivery.objects.filter(pk=d.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert deliver(d.pk).status == DeliveryStatus.SENT and len(gateway.posts) == 1


def test_a_sent_message_is_never_posted_again(gateway):
    d = queue_sms(PHONE, "办结通知", purpose="close")
    deliver(d.pk)
    assert deliver(d.pk) is None and deliver_pending() == 0
    assert gateway.posts_for(d.idempotency_key) == 1


def test_retries_stop_at_the_limit_counted_across_dead_workers(settings):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.HttpGatewayBackend"
    settings.MINXIN_SMS_APP_KEY, settings.MINXIN_SMS_SIGNING_SECRET = "minxin-app", SECRET
    settings.MINXIN_SMS_GATEWAY_URL, settings.MINXIN_SMS_TIMEOUT = "http://127.0.0.1:9/sms", 1
    settings.MINXIN_SMS_RETRIES, settings.MINXIN_SMS_BACKOFF_SECONDS = 2, 0
    d = queue_sms(PHONE, "通知", purpose="close")
    # Two workers died on it already: one attempt is left.
    Delivery.objects.filter(pk=d.pk).update(status=DeliveryStatus.SENDING, attempts=2, claimed_by=_dead_worker_id(),
                                            lease_until=timezone.now() + dt.timedelta(hours=1))
    deliver(d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED and d.attempts == 3


def test_a_backend_without_the_key_parameter_is_still_called():
    class OldBackend:
        def __init__(self):
            self.calls = []

        def send(self, phone, text):
            self.calls.append((phone, text))
            return "old-1"

    class NewBackend(OldBackend):
        def send(self, phone, text, *, idempotency_key=""):
            self.calls.append((phone, text, idempotency_key))
            return "new-1"

    old, new = OldBackend(), NewBackend()
    assert send_sms(old, PHONE, "t", "k1") == "old-1" and old.calls == [(PHONE, "t")]
    assert send_sms(new, PHONE, "t", "k1") == "new-1" and new.calls == [(PHONE, "t", "k1")]


def test_verification_code_never_sits_readable_in_the_delivery_table(settings):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.LocmemBackend"
    LocmemBackend.outbox.clear()
    d = queue_sms(PHONE, "您的验证码为654321，10分钟内有效。", purpose="verify", sensitive=True)
    d.refresh_from_db()
    row = Delivery.objects.filter(pk=d.pk).values().get()
    assert not any("654321" in str(v) for v in row.values())  # queued: starred out, the real text only encrypted
    assert d.body == "【民心信访】您的验证码为******，10分钟内有效。" and d.body_enc
    deliver_pending()
    d.refresh_from_db()
    assert LocmemBackend.outbox[-1]["text"] == "【民心信访】您的验证码为654321，10分钟内有效。"
    assert d.status == DeliveryStatus.SENT and d.body_enc == "" and "654321" not in d.body


def test_a_verification_code_that_cannot_be_sent_has_its_text_wiped(settings):
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.HttpGatewayBackend"
    settings.MINXIN_SMS_APP_KEY, settings.MINXIN_SMS_SIGNING_SECRET = "minxin-app", SECRET
    settings.MINXIN_SMS_GATEWAY_URL, settings.MINXIN_SMS_TIMEOUT = "http://127.0.0.1:9/sms", 1
    settings.MINXIN_SMS_RETRIES, settings.MINXIN_SMS_BACKOFF_SECONDS = 0, 0
    d = queue_sms(PHONE, "您的验证码为654321", purpose="verify", sensitive=True)
    deliver(d.pk)
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED and d.body_enc == ""


# --- jobs left RUNNING ---------------------------------------------------------------------


def _running_job(worker_id: str, *, started_ago=dt.timedelta(seconds=5), starts: int = 1):
    from django_tasks_db.models import DBTaskResult

    from minxin.notify.tasks import deliver_task

    result = deliver_task.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - started_ago, worker_ids=[worker_id] * starts
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_the_job_of_a_dead_worker_on_this_host_is_requeued_at_once():
    job = _running_job(_dead_worker_id())
    assert workers.reclaim_stale_jobs() == (1, 0)
    job.refresh_from_db()
    assert job.status == "READY" and job.started_at is None


def test_the_job_of_a_live_worker_is_left_running():
    job = _running_job(workers.current_worker_id())
    other_host = _running_job("another-host:4242:cafe")
    assert workers.reclaim_stale_jobs() == (0, 0)
    job.refresh_from_db()
    other_host.refresh_from_db()
    assert job.status == "RUNNING" and other_host.status == "RUNNING"


def test_a_job_of_another_host_is_requeued_once_older_than_the_stale_limit(settings):
    settings.MINXIN_TASK_STALE_SECONDS = 600
    job = _running_job("another-host:4242:cafe", started_ago=dt.timedelta(seconds=601))
    assert workers.reclaim_stale_jobs() == (1, 0)
    job.refresh_from_db()
    assert job.status == "READY"


def test_a_job_that_killed_its_worker_too_often_is_failed_not_retried(settings):
    settings.MINXIN_TASK_MAX_STARTS = 3
    job = _running_job(_dead_worker_id(), starts=3)
    assert workers.reclaim_stale_jobs() == (0, 1)
    job.refresh_from_db()
    assert job.status == "FAILED" and "died 3 times" in job.traceback


@pytest.mark.django_db(transaction=True)  # db_worker closes and reopens connections, as a real worker does
def test_worker_command_requeues_and_runs_a_job_its_dead_predecessor_left_running(settings):
    from django.core.management import call_command

    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.LocmemBackend"
    LocmemBackend.outbox.clear()
    d = queue_sms(PHONE, "遗留任务", purpose="close")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(args_kwargs__args=[d.pk]).update(status="RUNNING", started_at=timezone.now(), worker_ids=[_dead_worker_id()])
    call_command("worker", "--batch", "--interval", "0")
    assert Delivery.objects.get(pk=d.pk).status == DeliveryStatus.SENT
    assert [m["key"] for m in LocmemBackend.outbox] == [d.idempotency_key]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
