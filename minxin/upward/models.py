"""重大、紧急信访事项 and their information reports up the line (信访工作条例 第二十五条).

A matter is marked 重大/紧急 by staff (on a case, with a reason) or from a risk alert. Each
matter gets reports: the first report (首报), follow-ups (续报) while it develops and a final
report (终报). A report is drafted, approved by a leader of the reporting unit, then sent to
its recipients (本级党委和政府, 上一级信访部门, 国家信访局, units told for information), each
of which acknowledges it (签收) and may send back instructions (批示) that need feedback by a
deadline. Services in minxin.upward.services are the only writers; every change appends an
UpwardEvent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Case
from minxin.org.models import Area, Staff, Unit
from minxin.risk.models import Alert, DisputeEntry


class Gravity(models.TextChoices):
    MAJOR = "major", _("重大")
    URGENT = "urgent", _("紧急")
    BOTH = "both", _("重大紧急")


class MatterSource(models.TextChoices):
    STAFF = "staff", _("工作人员认定")
    RISK = "risk", _("风险预警转报")


class MatterState(models.TextChoices):
    OPEN = "open", _("处置中")
    CLOSED = "closed", _("已终报")


class UrgentMatter(models.Model):
    title = models.CharField(_("事项名称"), max_length=200)
    gravity = models.CharField(_("性质"), max_length=8, choices=Gravity.choices)
    reason = models.TextField(_("认定理由"))
    source = models.CharField(_("来源"), max_length=8, choices=MatterSource.choices)
    area = models.ForeignKey(Area, verbose_name=_("发生地"), on_delete=models.PROTECT, related_name="+")
    # The unit that must report: the marking person's unit.
    unit = models.ForeignKey(Unit, verbose_name=_("报告单位"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("信访事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    alert = models.ForeignKey(Alert, verbose_name=_("风险预警"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    marked_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("认定时间"))
    # 首报 is due this long after the marking (rule upward_first_report).
    first_report_due_at = models.DateTimeField(_("首报时限"))
    first_report_rule = models.CharField(max_length=48, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=MatterState.choices, default=MatterState.OPEN)
    closed_at = models.DateTimeField(_("终报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("重大紧急事项")
        verbose_name_plural = _("重大紧急事项")
        ordering = ["-marked_at", "-pk"]
        constraints = [
            # One open matter per case and per alert: pressing "mark" twice does not make two.
            models.UniqueConstraint(fields=["case"], condition=models.Q(case__isnull=False, state="open"), name="upward_one_open_matter_per_case"),
            models.UniqueConstraint(fields=["alert"], condition=models.Q(alert__isnull=False), name="upward_one_matter_per_alert"),
        ]

    def __str__(self):
        return self.title


class ReportKind(models.TextChoices):
    FIRST = "first", _("首报")
    FOLLOW_UP = "follow_up", _("续报")
    FINAL = "final", _("终报")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审批")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审批")
    SENT = "sent", _("已报送")


# The contents every report must carry (field, label); the service refuses to submit one without them.
REQUIRED_CONTENTS = (
    ("occurred_at", _("时间")),
    ("location", _("地点")),
    ("people_count", _("涉及人数")),
    ("demands", _("主要诉求")),
    ("development", _("事态发展")),
    ("measures", _("已采取的措施")),
    ("suggestions", _("下一步工作建议")),
    ("contact_name", _("联系人")),
    ("contact_phone", _("联系电话")),
)


class Report(models.Model):
    matter = models.ForeignKey(UrgentMatter, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("报告类型"), max_length=10, choices=ReportKind.choices)
    sequence = models.PositiveIntegerField(_("第几报"))
    title = models.CharField(_("标题"), max_length=200)
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    people_count = models.PositiveIntegerField(_("涉及人数"), null=True, blank=True)
    demands = models.TextField(_("主要诉求"), blank=True)
    development = models.TextField(_("事态发展"), blank=True)
    measures = models.TextField(_("已采取的措施"), blank=True)
    suggestions = models.TextField(_("下一步工作建议"), blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("报告单位"), on_delete=models.PROTECT, related_name="+")
    # A work contact of the reporting unit, never a petitioner.
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    cases = models.ManyToManyField(Case, verbose_name=_("关联信访事项"), blank=True, related_name="+")
    alerts = models.ManyToManyField(Alert, verbose_name=_("关联预警"), blank=True, related_name="+")
    entries = models.ManyToManyField(DisputeEntry, verbose_name=_("关联台账"), blank=True, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    due_at = models.DateTimeField(_("报送时限"), null=True, blank=True)
    due_rule = models.CharField(max_length=48, blank=True)
    drafted_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    return_note = models.TextField(_("退回意见"), blank=True)
    sent_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信息报告")
        verbose_name_plural = _("信息报告")
        ordering = ["matter_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["matter", "sequence"], name="upward_report_sequence")]

    def __str__(self):
        return self.title


class RecipientRole(models.TextChoices):
    PARTY_GOVERNMENT = "party_gov", _("本级党委和政府")
    UPPER_BUREAU = "upper_bureau", _("上一级信访部门")
    NATIONAL_BUREAU = "national", _("国家信访局")
    NOTIFIED = "notified", _("通报")


class Delivery(models.Model):
    """One recipient of one report: sent, 签收."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="deliveries")
    unit = models.ForeignKey(Unit, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("报送关系"), max_length=12, choices=RecipientRole.choices)
    sent_at = models.DateTimeField(_("报送时间"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    # Who signed for it: a person of the receiving body (by name when it has no account here).
    acknowledged_by_name = models.CharField(_("签收人"), max_length=32, blank=True)
    recorded_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("报送")
        verbose_name_plural = _("报送")
        ordering = ["report_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="upward_delivery_once")]


class Instruction(models.Model):
    """A 批示 received on a report, and the feedback on carrying it out (落实批示反馈)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="instructions")
    delivery = models.ForeignKey(Delivery, verbose_name=_("来自"), on_delete=models.PROTECT, related_name="instructions")
    leader = models.CharField(_("批示人"), max_length=64)
    text = models.TextField(_("批示内容"))
    received_at = models.DateTimeField(_("收到时间"))
    feedback_due_at = models.DateTimeField(_("反馈时限"))
    due_rule = models.CharField(max_length=48, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    feedback = models.TextField(_("落实情况"), blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    fed_back_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("批示")
        verbose_name_plural = _("批示")
        ordering = ["report_id", "received_at", "pk"]


# What the matter page's 操作记录 says for each audited action.
ACTION_LABELS = {
    "marked": _("认定为重大紧急"), "report_drafted": _("起草报告"), "report_updated": _("修改报告"),
    "report_submitted": _("提交审批"), "report_approved": _("审批签发"), "report_returned": _("退回修改"),
    "report_sent": _("报出"), "acknowledged": _("签收"), "instruction_recorded": _("登记批示"),
    "feedback_recorded": _("反馈批示落实情况"), "overdue_notified": _("超时提醒"),
}


class UpwardEvent(models.Model):
    """Audit of every change in this app (who, when, what, on which matter/report)."""

    at = models.DateTimeField()
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    matter = models.ForeignKey(UrgentMatter, on_delete=models.CASCADE, related_name="events")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("报告操作记录")
        verbose_name_plural = _("报告操作记录")
        ordering = ["at", "pk"]

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


class ReceivingOffice(models.Model):
    """Which unit receives reports for the 本级党委和政府 of an area (e.g. the 总值班室).

    Configuration an administrator enters once per area; the unit is usually outside the
    petition system (org.Unit.is_external) and has no accounts here.
    """

    area = models.OneToOneField(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("本级党委和政府接收单位"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("本级党委和政府接收单位")
        verbose_name_plural = _("本级党委和政府接收单位")

    def __str__(self):
        return f"{self.area.name}：{self.unit.name}"
