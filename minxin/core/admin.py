"""The job queue in the admin, in Chinese: django-tasks-db's own admin is replaced by one for
the TaskRecord proxy whose columns, filters and detail fields carry Chinese labels."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult, get_date_max

from minxin.core.models import TaskRecord

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


def _titled(filter_class, title):
    """A field list filter whose heading is `title` instead of the field's English verbose name."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


@admin.register(TaskRecord)
class TaskRecordAdmin(admin.ModelAdmin):
    list_display = ("short_id", "task", "state", "enqueued", "started", "finished", "priority_", "queue")
    list_filter = (
        ("status", _titled(admin.ChoicesFieldListFilter, _("状态"))),
        ("priority", _titled(admin.AllValuesFieldListFilter, _("优先级"))),
        ("queue_name", _titled(admin.AllValuesFieldListFilter, _("队列"))),
    )
    ordering = ["-enqueued_at"]
    detail_fields = ("short_id", "task", "state", "enqueued", "run_after_", "started", "finished", "priority_", "queue",
                     "arguments", "workers", "result", "exception", "formatted_traceback")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.detail_fields

    def get_fields(self, request, obj=None):
        return self.detail_fields

    @admin.display(description=_("编号"))
    def short_id(self, obj):
        return str(obj.pk)

    @admin.display(description=_("任务"), ordering="task_path")
    def task(self, obj):
        return obj.task_path

    @admin.display(description=_("状态"), ordering="status")
    def state(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("加入队列时间"), ordering="enqueued_at")
    def enqueued(self, obj):
        return obj.enqueued_at

    @admin.display(description=_("计划执行时间"))
    def run_after_(self, obj):
        return self.get_empty_value_display() if obj.run_after == get_date_max() else obj.run_after

    @admin.display(description=_("开始时间"), ordering="started_at")
    def started(self, obj):
        return obj.started_at or self.get_empty_value_display()

    @admin.display(description=_("完成时间"), ordering="finished_at")
    def finished(self, obj):
        return obj.finished_at or self.get_empty_value_display()

    @admin.display(description=_("优先级"), ordering="priority")
    def priority_(self, obj):
        return obj.priority

    @admin.display(description=_("队列"), ordering="queue_name")
    def queue(self, obj):
        return obj.queue_name

    @admin.display(description=_("参数"))
    def arguments(self, obj):
        return obj.args_kwargs

    @admin.display(description=_("处理进程"))
    def workers(self, obj):
        return "、".join(obj.worker_ids or []) or self.get_empty_value_display()

    @admin.display(description=_("返回值"))
    def result(self, obj):
        return obj.return_value

    @admin.display(description=_("异常类型"))
    def exception(self, obj):
        return obj.exception_class_path or self.get_empty_value_display()

    @admin.display(description=_("错误堆栈"))
    def formatted_traceback(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else self.get_empty_value_display()
