from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class TaskRecord(DBTaskResult):
    """django-tasks-db's job rows under a Chinese name in the admin (the library ships English only)."""

    class Meta:
        proxy = True
        verbose_name = _("后台任务记录")
        verbose_name_plural = _("后台任务记录")
