"""Deadline rules, the working-day calendar, per-case deadlines and administrator alerts.

Statutory periods and holidays are data an administrator edits, not code: a
province or city that sets a stricter limit adds a row bound to its scope, and
next year's holidays are entered when the State Council publishes them.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.rules.calendar import PeriodUnit

_PROVINCE_CODE = re.compile(r"^\d{2}$")

# Limits counted from a moment by minxin.rules.timelimits (urgent upward reports, minxin.upward).
# Only these may count in 小时: every other rule drives a case clock (minxin.rules.deadlines), which
# counts whole days on the working-day calendar and cannot run in hours.
MOMENT_LIMIT_CODES = frozenset({"upward_first_report", "upward_follow_up", "upward_instruction_feedback"})


class DeadlineRuleQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(is_active=True, effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))


class DeadlineRule(models.Model):
    """One version of one time limit in one scope.

    Scope: a row with neither `province_code` nor `area` is the national default;
    `province_code` (the first two digits of the GB/T 2260 division code, e.g. "32"
    for 江苏省) covers every area whose code starts with it; `area` covers that area
    and everything below it. The most specific scope wins (area deeper in the tree
    > shallower area > province > national); within a scope, the newest version in
    force on the trigger date wins.
    """

    code = models.SlugField(_("规则代码"), max_length=48)
    name = models.CharField(_("名称"), max_length=64)
    legal_basis = models.CharField(_("依据"), max_length=128, help_text=_("如：《信访工作条例》第三十四条"))
    trigger = models.CharField(_("起算事件"), max_length=200)
    action = models.CharField(_("应办事项"), max_length=200)
    amount = models.PositiveIntegerField(
        _("期限"), null=True, blank=True, help_text=_("留空表示每件事项单独指定（如交办时的指定办理期限）")
    )
    unit = models.CharField(_("单位"), max_length=10, choices=PeriodUnit.choices, default=PeriodUnit.CALENDAR_DAY)
    is_statutory = models.BooleanField(
        _("法定期限"), default=True, help_text=_("条例写明的期限；未勾选表示条例未规定数字、由本地配置的默认值")
    )
    extendable = models.BooleanField(_("可延期"), default=False, help_text=_("如第三十四条办理期限，经负责人批准可延长"))
    province_code = models.CharField(
        _("适用省份代码"), max_length=2, blank=True, help_text=_("区划代码前两位，如32（江苏省）；留空且不选区域表示全国")
    )
    area = models.ForeignKey(
        "org.Area", verbose_name=_("适用区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="deadline_rules",
        help_text=_("本区域及其全部下级区域适用"),
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = DeadlineRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("期限规则")
        verbose_name_plural = _("期限规则")
        ordering = ["code", "effective_from"]
        indexes = [models.Index(fields=["code", "effective_from"], name="rules_rule_code_idx")]

    def __str__(self):
        return f"{self.name}（{self.scope_label}，{self.effective_from:%Y-%m-%d}起）"

    @property
    def scope_label(self) -> str:
        if self.area_id:
            return str(self.area.name)
        if self.province_code:
            return _("省级（%(code)s）") % {"code": self.province_code}
        return str(_("全国"))

    @property
    def limit_label(self) -> str:
        if self.amount is None:
            return str(_("每案指定"))
        return f"{self.amount}{self.get_unit_display()}"

    def specificity(self) -> int:
        if self.area_id:
            return 2 + self.area.depth
        return 1 if self.province_code else 0

    def applies_to(self, area) -> bool:
        if self.area_id:
            return area.path.startswith(self.area.path)
        if self.province_code:
            return area.code.startswith(self.province_code)
        return True

    def clean(self):
        errors = {}
        if self.province_code and self.area_id:
            errors["area"] = _("省份代码和适用区域只能填写一项")
        if self.province_code and not _PROVINCE_CODE.match(self.province_code):
            errors["province_code"] = _("应为两位数字")
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            errors["effective_to"] = _("失效日期不能早于生效日期")
        if self.unit == PeriodUnit.HOUR and self.code and self.code not in MOMENT_LIMIT_CODES:
            errors["unit"] = _("“单位”不能选小时：规则%(code)s用于信访事项办理期限，只能按自然日或工作日计算；"
                               "小时仅用于重大紧急信息报告的时限") % {"code": self.code}
        same = DeadlineRule.objects.filter(
            code=self.code, effective_from=self.effective_from, province_code=self.province_code, area_id=self.area_id
        ).exclude(pk=self.pk)
        if self.code and self.effective_from and same.exists():
            errors["effective_from"] = _("同一规则在同一范围内已有该生效日期的版本")
        if errors:
            raise ValidationError(errors)


class CalendarSource(models.TextChoices):
    PACKAGE = "chinese_calendar", _("chinese_calendar 数据包")
    MANUAL = "manual", _("手工录入")


class CalendarYear(models.Model):
    """A year of the holiday calendar. Working-day arithmetic refuses years not marked complete."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    complete = models.BooleanField(
        _("已完整录入"), default=False, help_text=_("录入国务院办公厅公布的全部放假和调休安排后再勾选")
    )
    source = models.CharField(_("来源"), max_length=20, choices=CalendarSource.choices, default=CalendarSource.MANUAL)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")
        ordering = ["-year"]

    def __str__(self):
        return _("%(year)d年") % {"year": self.year}


class CalendarDay(models.Model):
    """A day that differs from Mon–Fri: a statutory holiday or a 调休 make-up working day."""

    calendar_year = models.ForeignKey(CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选：调休上班日；不勾选：放假"))
    name = models.CharField(_("名称"), max_length=64, blank=True, help_text=_("如：春节、国庆节调休上班"))

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self):
        if self.date and self.calendar_year_id and self.date.year != self.calendar_year.year:
            raise ValidationError({"date": _("日期不属于%(year)d年") % {"year": self.calendar_year.year}})


class AlertKind(models.TextChoices):
    CALENDAR_MISSING = "calendar_missing", _("工作日历缺失")


class AdminAlert(models.Model):
    """Something an administrator must fix. One open alert per (kind, key)."""

    kind = models.CharField(_("类型"), max_length=32, choices=AlertKind.choices)
    key = models.CharField(_("对象"), max_length=64, help_text=_("如缺失日历的年度"))
    message = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("产生时间"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("管理员提醒")
        verbose_name_plural = _("管理员提醒")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], condition=Q(resolved_at__isnull=True), name="rules_alert_open_unique"
            )
        ]

    def __str__(self):
        return self.message


class DeadlineState(models.TextChoices):
    RUNNING = "running", _("计时中")
    MET = "met", _("按期完成")
    MISSED = "missed", _("超期完成")
    CANCELLED = "cancelled", _("已取消")


class CaseDeadline(models.Model):
    """One clock on one case, computed from one rule version (kept for the record)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(DeadlineRule, verbose_name=_("期限规则"), on_delete=models.PROTECT, related_name="case_deadlines")
    # Copied from the rule so lookups by code need no join and edits to rules never rewrite history.
    code = models.SlugField(_("规则代码"), max_length=48)
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"))
    amount = models.PositiveIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=10, choices=PeriodUnit.choices)
    state = models.CharField(_("状态"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.RUNNING)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    extended_days = models.PositiveIntegerField(_("延长天数"), default=0)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_approved_by = models.ForeignKey(
        "org.Staff", verbose_name=_("延期批准人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extended_at = models.DateTimeField(_("延期时间"), null=True, blank=True)
    paused_at = models.DateField(_("暂停日"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("累计暂停天数"), default=0)
    # Counted with a year not yet marked complete (statutory holidays only, no 调休):
    # shown as 暂定 and recomputed when that year's official schedule is entered.
    provisional = models.BooleanField(_("暂定"), default=False, help_text=_("届满日按未公布年度的法定节假日推算，待正式日历录入后重算"))
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("事项期限")
        verbose_name_plural = _("事项期限")
        ordering = ["due_on"]
        indexes = [
            models.Index(fields=["case", "code", "state"], name="rules_deadline_case_idx"),
            models.Index(fields=["state", "due_on"], name="rules_deadline_due_idx"),
        ]
        constraints = [
            # At most one running clock per rule per case; restarting one cancels the old one.
            models.UniqueConstraint(
                fields=["case", "code"], condition=Q(state="running"), name="rules_deadline_one_running"
            )
        ]

    def __str__(self):
        return f"{self.rule.name} {self.due_on:%Y-%m-%d}"
