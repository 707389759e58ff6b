"""Reads: which rule applies to a case, and a case's clocks."""

import datetime as dt

from django.utils.translation import gettext as _

from minxin.core.errors import ConfigurationMissing
from minxin.rules.models import CaseDeadline, DeadlineRule, DeadlineState


def resolve_rule(code: str, *, area, on: dt.date) -> DeadlineRule:
    """The version of rule `code` in force on `on` for a case in `area`.

    The most specific scope wins (deeper area > shallower area > province >
    national); within one scope the latest `effective_from` wins.
    """
    candidates = [r for r in DeadlineRule.objects.in_force(on).filter(code=code).select_related("area") if r.applies_to(area)]
    if not candidates:
        raise ConfigurationMissing(
            _("没有适用于“%(area)s”在%(date)s生效的期限规则“%(code)s”，请系统管理员在“规则与日历 › 期限规则”中配置。")
            % {"area": area.name, "date": on.isoformat(), "code": code}
        )
    return max(candidates, key=lambda r: (r.specificity(), r.effective_from, r.pk))


def running_deadlines(case):
    return CaseDeadline.objects.filter(case=case, state=DeadlineState.RUNNING).select_related("rule").order_by("due_on", "pk")


def case_deadlines(case):
    """All clocks of a case, newest first: the history shown on the case page."""
    return CaseDeadline.objects.filter(case=case).select_related("rule").order_by("-created_at", "-pk")


def deadlines_due_by(day: dt.date):
    """Running, unpaused clocks due on or before `day`: the input of reminder and 督办 sweeps.

    Callers that return cases to people still scope them with Case.objects.visible_to(staff).
    """
    return (
        CaseDeadline.objects.filter(state=DeadlineState.RUNNING, paused_at__isnull=True, due_on__lte=day)
        .select_related("rule", "case")
        .order_by("due_on", "pk")
    )
