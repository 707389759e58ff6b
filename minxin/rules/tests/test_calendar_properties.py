"""Properties of period arithmetic that must hold for every trigger day and length."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from minxin.rules.calendar import PeriodUnit

from ._calendars import package_calendar

CAL = package_calendar()
# Triggers early enough that even 120 working days plus a pause stay inside 2026.
triggers = st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2026, 4, 30))
lengths = st.integers(min_value=1, max_value=90)
units = st.sampled_from([PeriodUnit.CALENDAR_DAY, PeriodUnit.WORKING_DAY])


@given(triggers, lengths)
def test_calendar_day_due_date_is_never_before_trigger_plus_amount(trigger, n):
    assert CAL.add_calendar_days(trigger, n) >= trigger + dt.timedelta(days=n)


@given(triggers, lengths)
def test_calendar_day_due_date_moves_only_over_days_off(trigger, n):
    due = CAL.add_calendar_days(trigger, n)
    day = trigger + dt.timedelta(days=n)
    while day < due:
        assert not CAL.is_workday(day)
        day += dt.timedelta(days=1)


@given(triggers, lengths, units)
def test_due_date_is_always_a_working_day(trigger, n, unit):
    assert CAL.is_workday(CAL.add(trigger, n, unit))


@given(triggers, lengths, st.integers(min_value=0, max_value=30), units)
def test_more_days_never_give_an_earlier_date(trigger, n, more, unit):
    assert CAL.add(trigger, n + more, unit) >= CAL.add(trigger, n, unit)


@given(triggers, lengths)
def test_working_day_period_contains_exactly_n_working_days(trigger, n):
    due = CAL.add_working_days(trigger, n)
    assert CAL.working_days_between(trigger + dt.timedelta(days=1), due + dt.timedelta(days=1)) == n


@given(triggers, lengths, units, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=20))
def test_pausing_never_makes_a_deadline_earlier(trigger, n, unit, pause_start_offset, pause_length):
    # Resume adds the paused days (in the clock's unit) on top of amount + extension.
    pause_from = trigger + dt.timedelta(days=pause_start_offset)
    pause_to = pause_from + dt.timedelta(days=pause_length)
    paused = CAL.working_days_between(pause_from, pause_to) if unit == PeriodUnit.WORKING_DAY else pause_length
    assert CAL.add(trigger, n + paused, unit) >= CAL.add(trigger, n, unit)


@given(triggers, lengths, units, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=20))
def test_resuming_a_paused_clock_never_moves_its_due_day_earlier(trigger, n, unit, pause_start_offset, pause_length):
    from minxin.rules.deadlines import _apply_resume
    from minxin.rules.models import CaseDeadline

    dl = CaseDeadline(started_on=trigger, amount=n, unit=unit)
    dl.due_on = CAL.add(trigger, n, unit)
    before = dl.due_on
    dl.paused_at = trigger + dt.timedelta(days=pause_start_offset)
    _apply_resume(dl, on=dl.paused_at + dt.timedelta(days=pause_length), cal=CAL)
    assert dl.due_on >= before
    assert dl.paused_at is None
    if unit == PeriodUnit.CALENDAR_DAY:
        assert dl.paused_days == pause_length
