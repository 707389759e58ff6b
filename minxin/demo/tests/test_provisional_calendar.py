import datetime as dt

import pytest

from minxin.demo.provisional_calendar import ensure_demo_calendar
from minxin.rules.calendar_db import load_working_calendar
from minxin.rules.models import AdminAlert, CalendarDay, CalendarYear


@pytest.mark.django_db
def test_demo_counts_next_year_provisionally_without_writing_a_calendar():
    assert not CalendarYear.objects.filter(year=2027, complete=True).exists()
    assert ensure_demo_calendar(dt.date(2026, 11, 25)) == [2027]
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert AdminAlert.objects.filter(key="2027", resolved_at__isnull=True).exists()
    cal = load_working_calendar()  # the one production path
    assert not cal.is_workday(dt.date(2027, 2, 8))  # 春节 (初三)
    assert cal.is_workday(dt.date(2027, 2, 9))
    assert cal.is_provisional(dt.date(2026, 12, 1), dt.date(2027, 1, 30))


@pytest.mark.django_db
def test_demo_reports_nothing_when_an_administrator_completed_next_year():
    CalendarYear.objects.create(year=2027, complete=True)
    assert ensure_demo_calendar(dt.date(2026, 11, 25)) == []
    assert not CalendarDay.objects.filter(calendar_year__year=2027).exists()
