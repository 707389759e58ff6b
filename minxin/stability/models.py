"""决策风险评估 (稳评): major decisions, their social-stability risk assessment and follow-up.

services.py is the only writer; every change appends a StabilityEvent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Domain
from minxin.org.models import Area, Staff, Unit
from minxin.risk.models import RiskLevel


class DecisionKind(models.TextChoices):
    LAND = "land", _("征地")
    DEMOLITION = "demolition", _("拆迁/房屋征收")
    RESTRUCTURING = "restructuring", _("企业改制")
    FEE_POLICY = "fee_policy", _("收费或政策调整")
    OTHER = "other", _("其他")


class DecisionState(models.TextChoices):
    REGISTERED = "registered", _("待评估")
    ASSESSING = "assessing", _("评估中")
    SUBMITTED = "submitted", _("待审定")
    APPROVED = "approved", _("已审定")


class Conclusion(models.TextChoices):
    """The usual 稳评 outcomes: low risk may go ahead, medium only once the measures are in
    place, high risk is postponed or dropped (中办发〔2012〕 guidance and local 稳评 rules)."""

    PROCEED = "proceed", _("可实施")
    PROCEED_WITH_MEASURES = "with_measures", _("落实化解措施后实施")
    POSTPONE = "postpone", _("暂缓实施")
    REJECT = "reject", _("不予实施")


class Decision(models.Model):
    """A major decision or project on the 重大决策 register."""

    title = models.CharField(_("决策事项名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=16, choices=DecisionKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("涉及区域"), on_delete=models.PROTECT, related_name="+")
    domain = models.ForeignKey(Domain, verbose_name=_("领域"), on_delete=models.PROTECT, related_name="+")
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("评估责任单位"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("决策内容"), blank=True)
    planned_on = models.DateField(_("拟决策日期"))
    decided_on = models.DateField(_("实际决策日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=DecisionState.choices, default=DecisionState.REGISTERED)
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("重大决策事项")
        verbose_name_plural = _("重大决策事项")
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["area", "state"], name="stability_decision_scope_idx")]

    def __str__(self):
        return self.title


class Assessment(models.Model):
    """The social-stability risk assessment of one decision."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="assessment")
    # [{"group": "被征收户", "count": 320}, ...]
    affected_groups = models.JSONField(_("利益相关群体"), default=list, blank=True)
    findings = models.TextField(_("调查论证情况"), blank=True)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, blank=True)
    level_reasons = models.TextField(_("定级理由"), blank=True)
    measures = models.TextField(_("风险防范化解措施"), blank=True)
    conclusion = models.CharField(_("评估结论"), max_length=16, choices=Conclusion.choices, blank=True)
    # The nearby matters as they stood when the assessment was concluded (see selectors.nearby_matters).
    nearby_snapshot = models.JSONField(_("关联信访与矛盾纠纷（结论时）"), default=dict, blank=True)
    started_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("开始评估时间"))
    concluded_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(_("提出结论时间"), null=True, blank=True)
    approved_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approval_note = models.TextField(_("审定意见"), blank=True)

    class Meta:
        verbose_name = _("社会稳定风险评估")
        verbose_name_plural = _("社会稳定风险评估")

    @property
    def affected_total(self) -> int:
        return sum(int(g.get("count") or 0) for g in self.affected_groups)


class FollowUp(models.Model):
    """A look back after the decision: cases of its area and domain before vs after."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="follow_ups")
    as_of = models.DateField(_("跟踪日期"))
    weeks = models.PositiveSmallIntegerField(_("比较周数"))
    before_count = models.PositiveIntegerField(_("决策前信访量"))
    after_count = models.PositiveIntegerField(_("决策后信访量"))
    verdict = models.CharField(_("判断"), max_length=12)
    p_value = models.FloatField(_("显著性"), null=True, blank=True)
    alerts = models.JSONField(_("同期预警"), default=list, blank=True)
    note = models.TextField(_("跟踪意见"), blank=True)
    by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("决策后跟踪")
        verbose_name_plural = _("决策后跟踪")
        ordering = ["decision_id", "as_of", "pk"]


class StabilityEvent(models.Model):
    """Audit of every change to a decision and its assessment."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("稳评操作记录")
        verbose_name_plural = _("稳评操作记录")
        ordering = ["at", "pk"]
