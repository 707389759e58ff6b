"""Records of the exchange domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------- spreadsheets (Excel in/out)


class JobDirection(models.TextChoices):
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未导入")


class SpreadsheetJob(models.Model):
    """One import (from the upload page or `manage.py import`) or export, with its progress.

    Imports from the page run in the worker; the page polls this row. Exports are logged
    here too, so a full (unmasked) export is always on record: who, when, how many rows."""

    kind = models.CharField(_("数据类型"), max_length=16)
    direction = models.CharField(_("方向"), max_length=8, choices=JobDirection.choices)
    actor = models.ForeignKey("org.Staff", verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("操作人"), max_length=64, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    upload = models.CharField(max_length=300, blank=True)  # path of the stored upload, removed when done
    dry_run = models.BooleanField(_("仅检查"), default=False)
    full = models.BooleanField(_("完整个人信息"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    phase = models.CharField(_("阶段"), max_length=32, blank=True)
    rows_read = models.PositiveIntegerField(_("已读行数"), default=0)
    rows_written = models.PositiveIntegerField(_("写入条数"), default=0)
    message = models.TextField(_("结果"), blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_at = models.DateTimeField(_("提交时间"))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入导出记录")
        verbose_name_plural = _("导入导出记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_direction_display()} {self.kind} #{self.pk}"


# ---------------------------------------------------------------- end of spreadsheets

# --- webhooks (outbound case events) and Open311 (inbound service requests): each keeps its models in its own package ---
from minxin.exchange.open311.models import Open311Request  # noqa: E402,F401
from minxin.exchange.webhooks.models import WebhookDelivery, WebhookStatus, WebhookSubscription  # noqa: E402,F401
