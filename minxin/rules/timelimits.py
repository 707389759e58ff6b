"""Time limits of objects that are not cases (urgent reports, 批示 feedback): a due moment.

Case clocks (minxin.rules.deadlines) count whole days and keep CaseDeadline rows. Urgent
reports (minxin.upward) are counted from a moment: a limit in hours ends that many hours
later; a limit in 日 or 工作日 ends at 24:00 of the last day, found with the same working-day
calendar as the case clocks (民法典 第二百零一条、第二百零三条). The limits themselves are
DeadlineRule rows like every other limit, so a city changes them without a code change.
"""

import datetime as dt

from django.utils import timezone

from minxin.core import clock
from minxin.rules.calendar import PeriodUnit
from minxin.rules.calendar_db import load_working_calendar
from minxin.rules.models import DeadlineRule
from minxin.rules.selectors import resolve_rule


def due_after(start: dt.datetime, amount: int, unit: str, calendar=None) -> dt.datetime:
    """The moment a limit of `amount` `unit`s that started at `start` runs out."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if unit == PeriodUnit.HOUR:
        return start + dt.timedelta(hours=amount)
    calendar = calendar if calendar is not None else load_working_calendar()
    local = timezone.localtime(start) if timezone.is_aware(start) else start
    last_day = calendar.add(local.date(), amount, unit)
    # The period ends at 24:00 of its last day, i.e. the start of the next day.
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(end) if timezone.is_aware(start) else end


def due_at(code: str, *, area, start: dt.datetime) -> tuple[DeadlineRule, dt.datetime]:
    """(the rule in force for `area` on the start day, the due moment)."""
    rule = resolve_rule(code, area=area, on=timezone.localdate(start) if timezone.is_aware(start) else start.date())
    return rule, due_after(start, rule.amount or 0, rule.unit)


def is_overdue(due: dt.datetime | None, done: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    """Late: done after the due moment, or not done and the due moment has passed."""
    if due is None:
        return False
    if done is not None:
        return done > due
    return (now or clock.now()) > due
