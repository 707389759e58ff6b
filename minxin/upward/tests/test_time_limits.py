"""The 首报 and 续报 limits count hours from the moment; 批示 feedback ends at 24:00 of its last day."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minxin.rules.calendar import PeriodUnit
from minxin.rules.timelimits import due_after, is_overdue

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 12, 1), timezones=st.just(TZ))


# No timing limits: the machine is shared, and these tests are about dates, not speed.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(start=moments, hours=st.integers(0, 96), probe=st.integers(-600, 600))
def test_an_hour_limit_is_overdue_exactly_after_its_due_moment(start, hours, probe):
    due = due_after(start, hours, PeriodUnit.HOUR)
    assert due - start == dt.timedelta(hours=hours)
    now = due + dt.timedelta(seconds=probe)
    with time_machine.travel(now, tick=False):
        assert is_overdue(due, None) is (probe > 0)
    # Done in time stays in time however late we look.
    assert is_overdue(due, due, now=due + dt.timedelta(days=30)) is False


class _Weekdays:
    """Mon–Fri working days, no holidays: enough to check where a day limit ends."""

    def add(self, trigger, days, unit):
        day, counted = trigger, 0
        if unit == PeriodUnit.CALENDAR_DAY:
            day = trigger + dt.timedelta(days=days)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            return day
        while counted < days:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                counted += 1
        return day


@RELAXED
@given(start=moments, days=st.integers(1, 20), unit=st.sampled_from([PeriodUnit.CALENDAR_DAY, PeriodUnit.WORKING_DAY]))
def test_a_day_limit_ends_at_midnight_after_its_last_day(start, days, unit):
    due = due_after(start, days, unit, calendar=_Weekdays())
    local = due.astimezone(TZ)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    last_day = local.date() - dt.timedelta(days=1)
    assert last_day > start.astimezone(TZ).date()  # the start day itself never counts
    assert last_day.weekday() < 5  # never ends on a day off
    with time_machine.travel(due - dt.timedelta(seconds=1), tick=False):
        assert not is_overdue(due, None)
    with time_machine.travel(due + dt.timedelta(seconds=1), tick=False):
        assert is_overdue(due, None)


def test_a_negative_limit_is_refused():
    with pytest.raises(ValueError):
        due_after(dt.datetime(2026, 1, 1, tzinfo=TZ), -1, PeriodUnit.HOUR)
