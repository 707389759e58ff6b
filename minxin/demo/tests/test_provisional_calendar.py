import datetime as dt

import pytest

from minxin.demo.provisional_calendar import LABEL, ensure_demo_calendar
from minxin.rules.calendar_db import load_working_calendar
from minxin.rules.models import CalendarDay, CalendarYear


@pytest.mark.django_db
def test_demo_fills_next_year_with_labelled_statutory_holidays_only():
    assert not CalendarYear.objects.filter(year=2027, complete=True).exists()
    assert ensure_demo_calendar(dt.date(2026, 11, 25)) == [2027]
    days = CalendarDay.objects.filter(calendar_year__year=2027)
    assert days.count() == 13 and all(d.name.endswith(LABEL) and not d.is_workday for d in days)
    cal = load_working_calendar()
    assert not cal.is_workday(dt.date(2027, 2, 8))  # 春节 (初三)
    assert cal.is_workday(dt.date(2027, 2, 9))


@pytest.mark.django_db
def test_demo_calendar_never_overwrites_a_year_an_administrator_completed():
    CalendarYear.objects.create(year=2027, complete=True)
    assert ensure_demo_calendar(dt.date(2026, 11, 25)) == []
    assert not CalendarDay.objects.filter(calendar_year__year=2027).exists()
