"""The provisional calendar: the statutory holidays of the 2025 放假办法, and counting with them."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lunardate import LunarDate

from minxin.rules.calendar import CalendarMissing, PeriodUnit, WorkingCalendar
from minxin.rules.provisional import provisional_exceptions, statutory_holidays

from ._calendars import package_calendar

years = st.integers(min_value=2027, max_value=2098)


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_a_holiday_in_the_published_schedule(year):
    # The years the 2025 revision governs and the package already covers.
    assert all(chinese_calendar.is_holiday(day) for day, _name in statutory_holidays(year))


def test_2027_holidays_by_name():
    days = {}
    for day, name in statutory_holidays(2027):
        days.setdefault(name, []).append(day)
    assert days["春节"] == [dt.date(2027, 2, d) for d in (5, 6, 7, 8)]  # 除夕 to 初三
    assert days["清明节"] == [dt.date(2027, 4, 5)]
    assert days["端午节"] == [dt.date(2027, 6, 9)] and days["中秋节"] == [dt.date(2027, 9, 15)]
    assert days["国庆节"] == [dt.date(2027, 10, d) for d in (1, 2, 3)]


@given(years)
def test_spring_festival_is_new_years_eve_to_the_third_day(year):
    spring = [day for day, name in statutory_holidays(year) if name == "春节"]
    first = LunarDate(year, 1, 1).to_solar_date()
    assert spring == [first + dt.timedelta(days=i) for i in range(-1, 3)]
    assert len(statutory_holidays(year)) == 13 and all(day.year == year for day, _ in statutory_holidays(year))


@given(st.dates(min_value=dt.date(2026, 6, 1), max_value=dt.date(2026, 12, 31)), st.integers(1, 90),
       st.sampled_from([PeriodUnit.CALENDAR_DAY, PeriodUnit.WORKING_DAY]))
def test_counting_provisionally_equals_counting_with_the_stand_in_entered_as_official(trigger, n, unit):
    official = package_calendar()
    provisional = WorkingCalendar(complete_years=official.complete_years, exceptions=official.exceptions,
                                  provisional=provisional_exceptions)
    entered = WorkingCalendar(complete_years=official.complete_years | {2027},
                              exceptions={**official.exceptions, **provisional_exceptions(2027)})
    due = provisional.add(trigger, n, unit)
    assert due == entered.add(trigger, n, unit)
    assert provisional.is_provisional(trigger, due) == (due.year == 2027)
    assert not entered.is_provisional(trigger, due)


def test_without_a_stand_in_a_missing_year_is_still_refused():
    cal = WorkingCalendar(complete_years=frozenset({2026}))
    with pytest.raises(CalendarMissing):
        cal.add(dt.date(2026, 12, 20), 30, PeriodUnit.CALENDAR_DAY)
