import pytest
from django.tasks import task_backends

from minxin.notify.backends import LocmemBackend
from minxin.notify.models import Delivery, DeliveryStatus
from minxin.notify.services import queue_sms

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def immediate_tasks(settings):
    """Django 6's ImmediateBackend runs the task at enqueue time, i.e. right after commit."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.LocmemBackend"
    task_backends._settings = None
    if hasattr(task_backends._connections, "default"):
        del task_backends["default"]
    LocmemBackend.outbox.clear()
    yield
    task_backends._settings = None
    if hasattr(task_backends._connections, "default"):
        del task_backends["default"]


def test_message_is_sent_by_the_task_after_commit_not_before(immediate_tasks):
    from django.db import transaction

    with transaction.atomic():
        d = queue_sms("13912345678", "提交后才发送", purpose="close")
        assert LocmemBackend.outbox == []  # nothing leaves while the transaction may still roll back
    assert Delivery.objects.get(pk=d.pk).status == DeliveryStatus.SENT
    assert LocmemBackend.outbox[-1]["text"].endswith("提交后才发送")


def test_rolled_back_message_is_never_sent(immediate_tasks):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_sms("13912345678", "不应发送", purpose="close")
        raise RuntimeError("rollback")
    assert LocmemBackend.outbox == [] and not Delivery.objects.exists()


def test_default_backend_queues_a_job_for_the_worker(settings):
    from django_tasks_db.models import DBTaskResult

    settings.MINXIN_SMS_BACKEND = "minxin.notify.backends.LocmemBackend"
    task_backends._settings = None
    if hasattr(task_backends._connections, "default"):
        del task_backends["default"]
    LocmemBackend.outbox.clear()
    d = queue_sms("13912345678", "由工作进程发送", purpose="close")
    assert Delivery.objects.get(pk=d.pk).status == DeliveryStatus.QUEUED and LocmemBackend.outbox == []
    assert DBTaskResult.objects.filter(task_path="minxin.notify.tasks.deliver_task").count() == 1
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--queue-name", "*")
    assert Delivery.objects.get(pk=d.pk).status == DeliveryStatus.SENT
