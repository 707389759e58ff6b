import pytest
from django_tasks_db.models import DBTaskResult

from minxin.notify.tasks import deliver_task

pytestmark = pytest.mark.django_db


def test_the_job_queue_appears_in_the_admin_in_chinese(admin_client):
    index = admin_client.get("/admin/").content.decode()
    assert "后台任务记录" in index
    assert "Task Results" not in index and "Tasks Database Backend" not in index


def test_a_job_is_listed_and_shown_with_chinese_labels(admin_client):
    deliver_task.enqueue(12345)
    job = DBTaskResult.objects.get()
    listing = admin_client.get("/admin/core/taskrecord/").content.decode()
    for label in ("任务", "状态", "加入队列时间", "优先级", "队列"):
        assert label in listing
    assert "minxin.notify.tasks.deliver_task" in listing
    assert "enqueued at" not in listing.lower()
    detail = admin_client.get(f"/admin/core/taskrecord/{job.pk}/change/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "参数" in page and "12345" in page and "计划执行时间" in page
