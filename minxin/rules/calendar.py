"""Working-day calendar and period arithmetic (民法典 第二百零一条–第二百零四条).

Pure logic with no database access, so it can be property-tested. The database
builds a `WorkingCalendar` through `minxin.rules.calendar_db.load_working_calendar`.

Counting rules (RULES.md "How to count days"):
- the trigger day itself is not counted; counting starts the next day (第二百零一条);
- N 自然日: the last day is trigger + N; weekends and holidays inside the period
  count. If that last day is not a working day (weekend or statutory holiday, as
  recorded in the calendar) it becomes the next working day (第二百零三条);
- N 工作日: the N-th working day after the trigger day (Mon–Fri minus statutory
  holidays, plus the 调休 make-up working days).

A year whose calendar an administrator has not marked complete (typically next
year, before the State Council publishes its holidays) is either refused with
`CalendarMissing` (the pure default) or, when the calendar is built with
`provisional=` (as the database calendar is), counted with the statutory
holidays alone (minxin.rules.provisional): weekends plus the fixed 法定节假日, no
调休. A result that touched such a year is provisional (`is_provisional`), shown
as 暂定 and recomputed when the official schedule is entered. Refusing instead
would stop every 60-day clock from November on; guessing silently would hide
that the date may still move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.core.errors import ConfigurationMissing


class PeriodUnit(models.TextChoices):
    CALENDAR_DAY = "day", gettext_lazy("自然日")
    WORKING_DAY = "workday", gettext_lazy("工作日")
    # Urgent reports (重大紧急信息, minxin.upward) count in hours from the moment, not days.
    # Case clocks never use it: `WorkingCalendar.add` refuses it; minxin.rules.timelimits counts it.
    HOUR = "hour", gettext_lazy("小时")


class CalendarMissing(ConfigurationMissing):
    """The working-day calendar of `year` is not loaded or not marked complete."""

    code = "calendar_missing"

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _("%(year)d年的节假日工作日历尚未录入或未标记为完整，无法计算期限。请系统管理员在“规则与日历 › 工作日历年度”中录入%(year)d年的放假和调休安排。")
            % {"year": year}
        )


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, for the years an administrator has completed.

    `exceptions` holds only the days that differ from the Mon–Fri pattern
    (holidays on weekdays, 调休 make-up working days on weekends); holidays that
    fall on a weekend may be listed too, for their names, without changing anything.
    """

    complete_years: frozenset[int]
    exceptions: Mapping[dt.date, bool] = field(default_factory=dict)
    # Called with the missing year before CalendarMissing is raised, so the
    # database-backed calendar can alert an administrator.
    on_missing: Callable[[int], None] | None = field(default=None, compare=False)
    # year -> stand-in exceptions for a year not complete; None refuses such a year.
    provisional: Callable[[int], Mapping[dt.date, bool]] | None = field(default=None, compare=False)
    _stand_ins: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, exceptions: Mapping[dt.date, bool], *, years: Iterable[int] | None = None, on_missing=None) -> WorkingCalendar:
        years = frozenset(years) if years is not None else frozenset(d.year for d in exceptions)
        return cls(complete_years=years, exceptions=dict(exceptions), on_missing=on_missing)

    def _exceptions_for(self, day: dt.date) -> Mapping[dt.date, bool]:
        year = day.year
        if year in self.complete_years:
            return self.exceptions
        if year not in self._stand_ins:
            # Once per year and calendar: on_missing alerts an administrator.
            if self.on_missing is not None:
                self.on_missing(year)
            if self.provisional is None:
                raise CalendarMissing(year)
            self._stand_ins[year] = self.provisional(year)
        return self._stand_ins[year]

    def is_workday(self, day: dt.date) -> bool:
        exceptions = self._exceptions_for(day)
        if day in exceptions:
            return exceptions[day]
        return day.weekday() < 5

    def is_provisional(self, start: dt.date, end: dt.date) -> bool:
        """Whether a period from `start` to `end` looks at a year counted with the stand-in holidays."""
        return any(year not in self.complete_years for year in range(start.year, end.year + 1))

    def next_workday(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add_calendar_days(self, trigger: dt.date, days: int) -> dt.date:
        """Last day of a period of `days` 自然日 starting the day after `trigger`."""
        if days < 0:
            raise ValueError("days must not be negative")
        return self.next_workday(trigger + dt.timedelta(days=days))

    def add_working_days(self, trigger: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `trigger` (the trigger day never counts).

        Zero days means "by the next working day": a deadline is never a day off.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = trigger
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return self.next_workday(day)

    def add(self, trigger: dt.date, days: int, unit: str) -> dt.date:
        if unit == PeriodUnit.WORKING_DAY:
            return self.add_working_days(trigger, days)
        if unit == PeriodUnit.CALENDAR_DAY:
            return self.add_calendar_days(trigger, days)
        raise ValueError(f"unknown period unit {unit!r}")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open range [start, end)."""
        count = 0
        day = start
        while day < end:
            if self.is_workday(day):
                count += 1
            day += dt.timedelta(days=1)
        return count
