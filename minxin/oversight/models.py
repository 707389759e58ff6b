"""Oversight data: ratings, 督办 (Art. 40), sweep bookkeeping, the notice outbox,
daily rollups for dashboards and the scorecard configuration.

Every table a periodic sweep writes has a unique constraint that makes the
sweep's write idempotent: running a sweep twice, or re-running one that was
killed half-way, lands on the same rows.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.org.models import Area, Staff, Unit


# ---------------------------------------------------------------- ratings (Art. 21)


class RatingTarget(models.TextChoices):
    BUREAU = "bureau", _("信访部门")
    UNIT = "unit", _("责任单位")


class RatingScore(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class RatingWindowState(models.TextChoices):
    PENDING = "pending", _("待评价")
    RATED = "rated", _("已评价")
    EXPIRED = "expired", _("超期未评价")


class RatingWindow(models.Model):
    """The period in which the petitioners of one case may rate (rule "rating_window").

    Opened once per case when the result reaches the petitioner: the 信访处理意见书
    is delivered, or the case ends (办结, 复核终结, 不予受理). The two rated bodies are
    fixed at that moment, so a later 复查 does not change who is being rated.
    """

    case = models.OneToOneField("cases.Case", verbose_name=_("信访事项"), on_delete=models.CASCADE, related_name="rating_window")
    rule = models.ForeignKey("rules.DeadlineRule", verbose_name=_("期限规则"), on_delete=models.PROTECT, related_name="+")
    opens_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("评价截止日"))
    bureau = models.ForeignKey(Unit, verbose_name=_("信访部门"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=RatingWindowState.choices, default=RatingWindowState.PENDING)
    expired_at = models.DateTimeField(_("超期标记时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("评价期限")
        verbose_name_plural = _("评价期限")
        indexes = [models.Index(fields=["state", "due_on"], name="oversight_ratingwin_due_idx")]

    def __str__(self):
        return f"{self.case_id} {self.opens_on}–{self.due_on}"


class Rating(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), on_delete=models.PROTECT, related_name="ratings")
    window = models.ForeignKey(RatingWindow, on_delete=models.PROTECT, related_name="ratings")
    target = models.CharField(_("评价对象"), max_length=10, choices=RatingTarget.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("被评价单位"), on_delete=models.PROTECT, related_name="ratings")
    score = models.CharField(_("评价"), max_length=12, choices=RatingScore.choices)
    comment = models.TextField(_("意见"), blank=True)
    channel = models.CharField(_("评价渠道"), max_length=16)
    rater_petitioner = models.ForeignKey(
        "cases.Petitioner", verbose_name=_("评价人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(Staff, verbose_name=_("代为登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [models.UniqueConstraint(fields=["case", "target"], name="oversight_rating_once_per_target")]
        indexes = [models.Index(fields=["unit", "rated_at"], name="oversight_rating_unit_idx")]

    def __str__(self):
        return f"{self.get_target_display()} {self.get_score_display()}"


# ---------------------------------------------------------------- 督办 (Art. 40)


class SupervisionLevel(models.IntegerChoices):
    GENERAL = 1, _("一般督办")
    KEY = 2, _("重点督办")
    LISTED = 3, _("挂牌督办")


class SupervisionGround(models.TextChoices):
    """信访工作条例 第四十条第一款."""

    BUCK_PASSING = "buck_passing", _("推诿")
    PERFUNCTORY = "perfunctory", _("敷衍")
    DELAY = "delay", _("拖延")
    FALSIFICATION = "falsification", _("弄虚作假")
    REFUSAL = "refusal", _("拒不执行信访处理意见")
    IRREGULAR = "irregular", _("违反规定受理、办理")
    OTHER = "other", _("其他")


class SupervisionState(models.TextChoices):
    OPEN = "open", _("待反馈")
    REPLIED = "replied", _("已反馈待审核")
    CLOSED = "closed", _("已办结")


class Supervision(models.Model):
    """督办单: one 信访部门 supervising one unit about one case."""

    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), on_delete=models.PROTECT, related_name="supervisions")
    issuing_unit = models.ForeignKey(Unit, verbose_name=_("督办单位"), on_delete=models.PROTECT, related_name="supervisions_issued")
    target_unit = models.ForeignKey(Unit, verbose_name=_("被督办单位"), on_delete=models.PROTECT, related_name="supervisions_received")
    level = models.PositiveSmallIntegerField(_("督办级别"), choices=SupervisionLevel.choices, default=SupervisionLevel.GENERAL)
    ground = models.CharField(_("督办事由"), max_length=16, choices=SupervisionGround.choices)
    reason = models.TextField(_("督办说明"))
    requirements = models.TextField(_("督办要求"), blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=SupervisionState.choices, default=SupervisionState.OPEN)
    issued_by = models.ForeignKey(Staff, verbose_name=_("督办人"), on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("督办时间"))
    reply_due_on = models.DateField(_("反馈期限"))
    reply_rule = models.ForeignKey("rules.DeadlineRule", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey("documents.Document", verbose_name=_("督办函"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_replied_at = models.DateTimeField(_("首次反馈时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("最近反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)
    proposal = models.OneToOneField(
        "SupervisionProposal", verbose_name=_("督办建议"), null=True, blank=True, on_delete=models.PROTECT, related_name="supervision"
    )

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["state", "reply_due_on"], name="oversight_sup_due_idx"),
            models.Index(fields=["target_unit", "issued_at"], name="oversight_sup_unit_idx"),
        ]
        constraints = [
            # One live 督办 per case and unit: a second one would split the unit's reply.
            models.UniqueConstraint(
                fields=["case", "target_unit"], condition=~Q(state="closed"), name="oversight_sup_one_open"
            )
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.target_unit} {self.case_id}"


class SupervisionRecordKind(models.TextChoices):
    ISSUE = "issue", _("发出督办")
    REPLY = "reply", _("单位反馈")
    ACCEPT = "accept", _("审核通过")
    REJECT = "reject", _("审核退回")
    ESCALATE = "escalate", _("升级督办")
    INTERVIEW = "interview", _("约谈")
    CIRCULAR = "circular", _("通报")


class SupervisionRecord(models.Model):
    """Everything that happened to a 督办单, in order."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("类型"), max_length=10, choices=SupervisionRecordKind.choices)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(Staff, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("内容"), blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["supervision_id", "at", "pk"]


class ProposalState(models.TextChoices):
    PENDING = "pending", _("待决定")
    ISSUED = "issued", _("已督办")
    DISMISSED = "dismissed", _("不予督办")


class SupervisionProposal(models.Model):
    """督办建议 raised by the overdue sweep; a 督办员 decides (suggest, never decide).

    One per missed clock: the unique deadline makes the sweep safe to repeat.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="supervision_proposals")
    deadline = models.OneToOneField("rules.CaseDeadline", on_delete=models.CASCADE, related_name="supervision_proposal")
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ground = models.CharField(_("建议事由"), max_length=16, choices=SupervisionGround.choices, default=SupervisionGround.DELAY)
    reason = models.TextField(_("说明"))
    state = models.CharField(_("状态"), max_length=10, choices=ProposalState.choices, default=ProposalState.PENDING)
    created_at = models.DateTimeField(_("提出时间"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("督办建议")
        verbose_name_plural = _("督办建议")
        ordering = ["-created_at"]


# ---------------------------------------------------------------- sweeps, outbox, rollups


class SweepRun(models.Model):
    """The claim on one run of one periodic sweep: (sweep, period) is unique, so of
    several schedulers only the first to insert enqueues the job."""

    sweep = models.CharField(max_length=48)
    period = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-claimed_at"]
        constraints = [models.UniqueConstraint(fields=["sweep", "period"], name="oversight_sweeprun_unique")]


class NoticeKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期提醒")
    OVERDUE = "overdue", _("超期提醒")
    SUPERVISION_PROPOSED = "supervision_proposed", _("督办建议")
    SUPERVISION_OVERDUE = "supervision_overdue", _("督办反馈超期")
    RATING_EXPIRED = "rating_expired", _("超期未评价")


class Notice(models.Model):
    """Outbox row: one notice of one kind about one case to one unit per period.

    The unique constraint means a sweep re-run finds the row instead of adding one;
    delivery claims a row with `filter(pk=…, sent_at=None).update(sent_at=now)`.
    """

    kind = models.CharField(_("类型"), max_length=24, choices=NoticeKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey(Unit, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="notices")
    period = models.CharField(_("周期"), max_length=32)
    text = models.TextField(_("内容"))
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("生成时间"))
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "case", "unit", "period"], name="oversight_notice_unique")]
        indexes = [models.Index(fields=["sent_at"], name="oversight_notice_unsent_idx")]


class RollupDay(models.Model):
    """Lock row for recomputing one day of rollups (serialises concurrent workers)."""

    date = models.DateField(unique=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)


class DailyRollup(models.Model):
    """Counts per day × area × handling unit × channel × category × domain, for dashboards.

    Dimension keys use 0 for "none" so the unique constraint holds on every database
    (NULLs are distinct in SQL unique constraints).
    """

    date = models.DateField(_("日期"))
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    unit_id_key = models.BigIntegerField(_("办理单位"), default=0)
    channel = models.CharField(_("信访形式"), max_length=10)
    category = models.CharField(_("信访类别"), max_length=12)
    domain_id_key = models.BigIntegerField(_("领域"), default=0)
    received = models.PositiveIntegerField(_("收到"), default=0)
    accepted = models.PositiveIntegerField(_("受理"), default=0)
    closed = models.PositiveIntegerField(_("办结"), default=0)
    overdue = models.PositiveIntegerField(_("超期在办"), default=0)
    rated = models.PositiveIntegerField(_("参评"), default=0)
    satisfied = models.PositiveIntegerField(_("满意及基本满意"), default=0)
    supervised = models.PositiveIntegerField(_("督办"), default=0)

    class Meta:
        verbose_name = _("每日汇总")
        verbose_name_plural = _("每日汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "area", "unit_id_key", "channel", "category", "domain_id_key"], name="oversight_rollup_unique"
            )
        ]
        indexes = [
            models.Index(fields=["date", "area"], name="oversight_rollup_day_idx"),
            # A unit's own dashboards (no area scope) read the daily rollup by unit.
            models.Index(fields=["unit_id_key", "date"], name="oversight_rollup_unit_idx"),
        ]


class CoarseDim(models.TextChoices):
    CHANNEL = "channel", _("信访形式")
    CATEGORY = "category", _("信访类别")
    DOMAIN = "domain", _("领域")
    AREA = "area", _("区域")
    OVERDUE = "overdue", _("超期在办")


class CoarseRollup(models.Model):
    """DailyRollup summed coarsely, for the dashboards of a city, 区县 or 乡镇街道 (minxin.oversight.rollups).

    The daily rollup is nearly as fine as the cases it sums (date × area × unit × channel × category ×
    domain); a city's 12-month view would add up millions of its rows. Here one dimension at a time:

    - dim channel / category / domain: cases received in one *piece* — the days of one ISO week that fall
      in one calendar month, so week and month buckets are both unions of pieces; `start` is its first
      day — per 乡镇街道 (the case's area cut to that level or above) and value of the dimension (`key`;
      a domain by its id, "0" for none);
    - dim area: cases received in one piece per 村社区 (the case's area cut to that level), key "";
    - dim overdue: cases overdue at the end of one day (`start` is the day) per 乡镇街道, key "".

    Rebuilt from DailyRollup whenever a day of it is recomputed (oversight.sweeps.recompute_rollup).
    """

    dim = models.CharField(_("维度"), max_length=10, choices=CoarseDim.choices)
    start = models.DateField(_("起始日"))
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("取值"), max_length=12, blank=True, default="")
    n = models.PositiveIntegerField(_("件数"), default=0)

    class Meta:
        verbose_name = _("粗粒度汇总")
        verbose_name_plural = _("粗粒度汇总")
        constraints = [models.UniqueConstraint(fields=["dim", "start", "area", "key"], name="oversight_coarse_unique")]
        indexes = [models.Index(fields=["dim", "start"], name="oversight_coarse_dim_idx")]


# ---------------------------------------------------------------- scorecard


class ScorecardConfig(models.Model):
    """Weights and penalties of the unit scorecard (a single active row; defaults below)."""

    name = models.CharField(_("名称"), max_length=64, default="默认")
    is_active = models.BooleanField(_("启用"), default=True)
    weight_resolution = models.DecimalField(_("化解权重"), max_digits=5, decimal_places=2, default=Decimal("0.35"))
    weight_satisfaction = models.DecimalField(_("满意权重"), max_digits=5, decimal_places=2, default=Decimal("0.30"))
    weight_timeliness = models.DecimalField(_("按期权重"), max_digits=5, decimal_places=2, default=Decimal("0.15"))
    weight_first_time = models.DecimalField(_("一次性化解权重"), max_digits=5, decimal_places=2, default=Decimal("0.20"))
    weight_local = models.DecimalField(
        _("就地化解权重"), max_digits=5, decimal_places=2, default=Decimal("0.15"),
        help_text=_("网格上报事项在网格化解（小事不出村）的比例的权重；只对辖区内有网格上报的单位计入"),
    )
    repeat_window_days = models.PositiveSmallIntegerField(_("重复信访回溯天数"), default=90)
    penalty_repeat = models.DecimalField(
        _("重复信访扣分（每占办结1%）"), max_digits=5, decimal_places=2, default=Decimal("0.50"),
        help_text=_("办结后同一信访人在回溯天数内再次信访的比例，每1个百分点扣的分数"),
    )
    penalty_overturned = models.DecimalField(
        _("被撤销/变更扣分（每占办结1%）"), max_digits=5, decimal_places=2, default=Decimal("0.50"),
        help_text=_("不予受理或办理意见在复查、复核中被撤销或变更的比例，每1个百分点扣的分数"),
    )
    prior_cases = models.PositiveSmallIntegerField(
        _("先验件数"), default=5,
        help_text=_("小样本向全区域平均值收缩的强度：件数少的单位不会因偶然的满分而得高分"),
    )
    suppression_drop = models.DecimalField(
        _("压案判定：登记量降幅"), max_digits=4, decimal_places=2, default=Decimal("0.30"),
        help_text=_("本期登记量较上期下降超过该比例"),
    )
    suppression_min_signals = models.PositiveSmallIntegerField(
        _("压案判定：其他信号最少件数"), default=3, help_text=_("越过本单位向上级反映等其他信号本期至少达到的件数"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("考评配置")
        verbose_name_plural = _("考评配置")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from django.db import transaction

        # Exactly one configuration is in force: activating a row retires the others.
        with transaction.atomic():
            super().save(*args, **kwargs)
            if self.is_active:
                ScorecardConfig.objects.filter(is_active=True).exclude(pk=self.pk).update(is_active=False)

    def clean(self):
        from django.core.exceptions import ValidationError

        weights = (self.weight_resolution, self.weight_satisfaction, self.weight_timeliness, self.weight_first_time)
        if any(w is not None and w < 0 for w in weights):
            raise ValidationError(_("权重不能为负数"))
        if all(w is not None for w in weights) and sum(weights) <= 0:
            raise ValidationError(_("权重之和应大于0"))
        if self.suppression_drop is not None and not (0 < self.suppression_drop < 1):
            raise ValidationError({"suppression_drop": _("应在0到1之间")})
