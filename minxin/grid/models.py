"""Grid workers' reports (网格上报): a dispute or risk seen in a 网格, its photo and what the
grid did about it. The report's substance is a line of the 矛盾纠纷排查台账 (risk.DisputeEntry,
source 网格), written and changed only through risk.ledger; this app keeps what the ledger
does not: the photo, the place within the grid, who reported it, whether the grid worker
asked for a case and which case it became, and which 化解 steps were visits.
"""

import os
import secrets

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Case
from minxin.org.models import Staff, Unit
from minxin.risk.models import DisputeEntry, ResolutionStep


class GridStorage(FileSystemStorage):
    """MEDIA_ROOT/grid/, outside every web root; photos are served only by a checked view (like portal uploads)."""

    @cached_property
    def base_location(self):
        from django.conf import settings

        return os.path.join(settings.MEDIA_ROOT, "grid")


grid_storage = GridStorage()


def _photo_path(instance, filename):
    # The phone's file name is never used on disk (it may carry a name or a place).
    ext = {"image/jpeg": "jpg", "image/png": "png"}[instance.photo_type]
    return f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{ext}"


class ReportKind(models.TextChoices):
    DISPUTE = "dispute", _("矛盾纠纷")
    RISK = "risk", _("风险隐患")


class CaseRequest(models.TextChoices):
    NONE = "none", _("网格处理")
    PENDING = "pending", _("待登记为信访事项")
    REGISTERED = "registered", _("已登记为信访事项")


class GridReport(models.Model):
    entry = models.OneToOneField(DisputeEntry, verbose_name=_("台账条目"), on_delete=models.PROTECT, related_name="grid_report")
    grid = models.ForeignKey(Unit, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=ReportKind.choices)
    place = models.CharField(_("具体位置"), max_length=100, blank=True)
    photo = models.FileField(storage=grid_storage, upload_to=_photo_path, max_length=120, blank=True)
    photo_type = models.CharField(max_length=40, blank=True)
    photo_size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    reported_by = models.ForeignKey(Staff, verbose_name=_("上报人"), on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("上报时间"))
    case_request = models.CharField(_("转信访事项"), max_length=12, choices=CaseRequest.choices, default=CaseRequest.NONE)
    case = models.ForeignKey(Case, verbose_name=_("信访事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("网格化解时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网格上报")
        verbose_name_plural = _("网格上报")
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["grid", "reported_at"], name="grid_report_grid_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.entry.summary[:30]}"

    # stored_file_response reads `file`, `content_type` and `sha256`.
    @property
    def file(self):
        return self.photo

    @property
    def content_type(self) -> str:
        return self.photo_type


class VisitKind(models.TextChoices):
    VISIT = "visit", _("走访")
    STEP = "step", _("化解措施")


class GridVisit(models.Model):
    """Which of the entry's 化解 steps were visits to the people concerned."""

    report = models.ForeignKey(GridReport, on_delete=models.CASCADE, related_name="visits")
    step = models.OneToOneField(ResolutionStep, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=VisitKind.choices)

    class Meta:
        verbose_name = _("走访与化解记录")
        verbose_name_plural = _("走访与化解记录")
        ordering = ["step__taken_on", "pk"]
