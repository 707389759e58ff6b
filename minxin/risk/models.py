"""Risk before it erupts: the dispute ledger, screening rounds, watched series, alerts and plans.

Services in this app are the only writers (ledger.py, screening.py, warn.py,
signals.py, alerts.py, plans.py); every change appends a RiskEvent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Case, Domain, Petitioner
from minxin.org.models import Area, AreaLevel, Staff, Unit


class RiskLevel(models.TextChoices):
    RED = "red", _("红")
    ORANGE = "orange", _("橙")
    YELLOW = "yellow", _("黄")
    BLUE = "blue", _("蓝")


# Higher is more serious; used for "at least orange" comparisons.
LEVEL_RANK = {RiskLevel.BLUE: 1, RiskLevel.YELLOW: 2, RiskLevel.ORANGE: 3, RiskLevel.RED: 4}


def level_rank(level: str) -> int:
    return LEVEL_RANK.get(level, 0)


class DisputeSource(models.TextChoices):
    GRID = "grid", _("网格")
    UNIT = "unit", _("单位")
    CASE = "case", _("信访事项")


class DisputeStatus(models.TextChoices):
    HANDLING = "handling", _("在办")
    RESOLVED = "resolved", _("已化解")
    STABLE = "stable", _("稳控")
    ESCALATED = "escalated", _("上交")


# Entries that still need screening: not yet 化解.
ACTIVE_DISPUTE_STATUSES = (DisputeStatus.HANDLING, DisputeStatus.STABLE, DisputeStatus.ESCALATED)


class DisputeEntry(models.Model):
    """One line of the 矛盾纠纷排查台账."""

    source = models.CharField(_("来源"), max_length=8, choices=DisputeSource.choices)
    case = models.ForeignKey(Case, verbose_name=_("关联信访事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    screened_on = models.DateField(_("排查日期"))
    domain = models.ForeignKey(Domain, verbose_name=_("领域"), on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("矛盾纠纷简况"))
    # Who is in dispute, described in words: never ID numbers or phones.
    parties = models.CharField(_("当事方"), max_length=255, blank=True)
    people_count = models.PositiveIntegerField(_("涉及人数"), default=1)
    amount_wan = models.DecimalField(_("涉及金额(万元)"), max_digits=14, decimal_places=2, default=0)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices)
    level_reasons = models.TextField(_("定级理由"), blank=True)
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    responsible_staff = models.ForeignKey(Staff, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Imported ledgers name a person who may have no account.
    responsible_name = models.CharField(_("责任人姓名"), max_length=32, blank=True)
    measures = models.TextField(_("化解措施"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.HANDLING)
    last_assessed_at = models.DateTimeField(_("最近评估时间"))
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷排查台账")
        ordering = ["-screened_on", "-pk"]
        indexes = [models.Index(fields=["area", "status", "level"], name="risk_entry_scope_idx")]

    def __str__(self):
        return f"{self.get_level_display()} {self.summary[:30]}"


class ResolutionStep(models.Model):
    """One 化解 step taken on a dispute."""

    entry = models.ForeignKey(DisputeEntry, on_delete=models.CASCADE, related_name="steps")
    taken_on = models.DateField(_("日期"))
    description = models.TextField(_("措施"))
    by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("化解步骤")
        verbose_name_plural = _("化解步骤")
        ordering = ["entry_id", "taken_on", "pk"]


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    WEEKLY = "weekly", _("每周")


CADENCE_DAYS = {Cadence.MONTHLY: 31, Cadence.WEEKLY: 7}


class ScreeningRound(models.Model):
    """A rolling 排查 round: every entry in scope at or above `min_level` must be reassessed."""

    area = models.ForeignKey(Area, verbose_name=_("排查范围"), on_delete=models.PROTECT, related_name="+")
    cadence = models.CharField(_("周期"), max_length=8, choices=Cadence.choices)
    min_level = models.CharField(_("最低风险等级"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.BLUE)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("截止日期"))
    opened_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # The entries that had to be reassessed when the round opened (a snapshot).
    entries = models.ManyToManyField(DisputeEntry, related_name="rounds", blank=True)

    class Meta:
        verbose_name = _("排查轮次")
        verbose_name_plural = _("排查轮次")
        ordering = ["-period_start", "-pk"]

    def __str__(self):
        return f"{self.area} {self.get_cadence_display()} {self.period_start}–{self.period_end}"


class Reassessment(models.Model):
    round = models.ForeignKey(ScreeningRound, on_delete=models.CASCADE, related_name="reassessments")
    entry = models.ForeignKey(DisputeEntry, on_delete=models.CASCADE, related_name="reassessments")
    old_level = models.CharField(_("原等级"), max_length=8, choices=RiskLevel.choices)
    new_level = models.CharField(_("新等级"), max_length=8, choices=RiskLevel.choices)
    note = models.TextField(_("评估意见"))
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("重新评估")
        verbose_name_plural = _("重新评估")
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="risk_reassessment_once_per_round")]


class Dimension(models.TextChoices):
    DOMAIN = "domain", _("领域")
    CATEGORY = "category", _("信访类别")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("按周")
    DAILY = "daily", _("按日")


class WatchedSeries(models.Model):
    """Configuration: which count series the warning job watches and how it judges them.

    One row expands to one series per area at `area_level` under `root` (or the
    whole tree) × each value of the dimension.
    """

    name = models.CharField(_("名称"), max_length=64)
    root = models.ForeignKey(Area, verbose_name=_("范围"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area_level = models.PositiveSmallIntegerField(_("区域层级"), choices=AreaLevel.choices, default=AreaLevel.COUNTY)
    dimension = models.CharField(_("维度"), max_length=10, choices=Dimension.choices, default=Dimension.DOMAIN)
    frequency = models.CharField(_("频度"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    method = models.CharField(_("方法"), max_length=12, default="auto", help_text=_("auto、farrington、C1、C2、C3"))
    alpha = models.FloatField(_("显著性水平"), default=0.005)
    ears_threshold = models.FloatField(_("EARS阈值"), default=3.0)
    history_weeks = models.PositiveIntegerField(_("回看周数"), default=5 * 52 + 30)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("监测序列")
        verbose_name_plural = _("监测序列")

    def __str__(self):
        return self.name


class AlertKind(models.TextChoices):
    STATISTICAL = "statistical", _("统计预警")
    CASE_RISK = "case_risk", _("事项风险")
    LEDGER = "ledger", _("台账风险")
    MANUAL = "manual", _("人工上报")
    # Raised from the weekly count of public-opinion items (minxin.opinion calls warn.judge_counts).
    OPINION = "opinion", _("舆情预警")


class AlertState(models.TextChoices):
    NEW = "new", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    ESCALATED = "escalated", _("已上报")
    CLOSED = "closed", _("已关闭")


class Alert(models.Model):
    kind = models.CharField(_("类型"), max_length=12, choices=AlertKind.choices)
    level = models.CharField(_("等级"), max_length=8, choices=RiskLevel.choices)
    title = models.CharField(_("标题"), max_length=200)
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    domain = models.ForeignKey(Domain, verbose_name=_("领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("信访类别"), max_length=12, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    petitioner = models.ForeignKey(Petitioner, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(DisputeEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    series = models.ForeignKey(WatchedSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    period_start = models.DateField(_("统计期"), null=True, blank=True)
    observed = models.FloatField(_("观测值"), null=True, blank=True)
    expected = models.FloatField(_("预期值"), null=True, blank=True)
    upper = models.FloatField(_("上限"), null=True, blank=True)
    score = models.FloatField(_("得分"), null=True, blank=True)
    explanation = models.TextField(_("说明"), blank=True)
    reasons = models.JSONField(_("理由"), default=list, blank=True)
    # {"dates": [...], "counts": [...], "expected": .., "upper": ..} for the chart.
    chart = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=14, choices=AlertState.choices, default=AlertState.NEW)
    assignee = models.ForeignKey(Staff, verbose_name=_("承办人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalated_to = models.ForeignKey(Unit, verbose_name=_("上报至"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("生成时间"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # Makes every producer idempotent: "stat:<series>:<area>:<dim>:<period>", "case:<id>:<level>", ...
    dedupe_key = models.CharField(max_length=120, unique=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="risk_alert_inbox_idx")]

    def __str__(self):
        return self.title


class AlertAction(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("预警处置记录")
        verbose_name_plural = _("预警处置记录")
        ordering = ["alert_id", "at", "pk"]


class SensitiveDate(models.Model):
    """A period when petitions are more sensitive (春节, 两会, 国庆…): data, not code."""

    name = models.CharField(_("名称"), max_length=32)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    recurs_yearly = models.BooleanField(_("每年重复"), default=False, help_text=_("按月日每年重复（如国庆）；农历节日请逐年登记"))
    lead_days = models.PositiveSmallIntegerField(_("提前天数"), default=7)

    class Meta:
        verbose_name = _("敏感节点")
        verbose_name_plural = _("敏感节点")
        ordering = ["start"]

    def __str__(self):
        return self.name


class RiskScoringConfig(models.Model):
    """Weights and thresholds of the case-feature risk score (one row, pk=1)."""

    weights = models.JSONField(_("权重"), default=dict, blank=True)
    alert_threshold = models.FloatField(_("生成预警的分值"), default=60)
    red_threshold = models.FloatField(_("红色分值"), default=80)
    orange_threshold = models.FloatField(_("橙色分值"), default=60)
    yellow_threshold = models.FloatField(_("黄色分值"), default=35)
    long_open_days = models.PositiveIntegerField(_("久拖未决天数"), default=90)
    many_people = models.PositiveIntegerField(_("人数较多"), default=5)
    large_amount_wan = models.FloatField(_("金额较大(万元)"), default=100)

    class Meta:
        verbose_name = _("风险评分配置")
        verbose_name_plural = _("风险评分配置")


class ContingencyPlan(models.Model):
    """应急预案: when it applies, who does what, whom to call, which tasks to create."""

    name = models.CharField(_("预案名称"), max_length=100)
    area = models.ForeignKey(Area, verbose_name=_("适用区域"), on_delete=models.PROTECT, related_name="+")
    trigger_kinds = models.JSONField(_("触发预警类型"), default=list, blank=True)
    min_level = models.CharField(_("最低触发等级"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.ORANGE)
    domain = models.ForeignKey(Domain, verbose_name=_("领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # [{"role": "现场处置组", "duty": "..."}]
    roles = models.JSONField(_("职责分工"), default=list, blank=True)
    # [{"name": "...", "unit": "...", "phone": "..."}] — work numbers, not petitioners'.
    contacts = models.JSONField(_("联系人"), default=list, blank=True)
    # [{"title": "...", "role": "...", "due_hours": 2}]
    task_templates = models.JSONField(_("任务清单"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")

    def __str__(self):
        return self.name


class PlanActivation(models.Model):
    plan = models.ForeignKey(ContingencyPlan, on_delete=models.PROTECT, related_name="activations")
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.PROTECT, related_name="activations")
    is_drill = models.BooleanField(_("演练"), default=False)
    reason = models.TextField(_("启动理由"))
    activated_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("预案启动")
        verbose_name_plural = _("预案启动")
        constraints = [
            # An alert activates a given plan once, however often someone presses the button.
            models.UniqueConstraint(fields=["plan", "alert"], condition=models.Q(alert__isnull=False, is_drill=False), name="risk_activation_once_per_alert")
        ]


class PlanTask(models.Model):
    activation = models.ForeignKey(PlanActivation, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    role = models.CharField(_("责任组"), max_length=64, blank=True)
    due_at = models.DateTimeField(_("完成时限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("预案任务")
        verbose_name_plural = _("预案任务")
        ordering = ["activation_id", "pk"]


class Drill(models.Model):
    plan = models.ForeignKey(ContingencyPlan, on_delete=models.PROTECT, related_name="drills")
    activation = models.OneToOneField(PlanActivation, null=True, blank=True, on_delete=models.PROTECT, related_name="drill")
    held_on = models.DateField(_("演练日期"))
    scenario = models.TextField(_("演练情景"))
    participants = models.TextField(_("参演单位"), blank=True)
    findings = models.TextField(_("发现问题及改进"), blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("演练记录")
        verbose_name_plural = _("演练记录")
        ordering = ["-held_on"]


class RiskEvent(models.Model):
    """Audit of every change in this app (who, when, what, on which object)."""

    at = models.DateTimeField()
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    entry = models.ForeignKey(DisputeEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    plan = models.ForeignKey(ContingencyPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("风险操作记录")
        verbose_name_plural = _("风险操作记录")
        ordering = ["at", "pk"]
