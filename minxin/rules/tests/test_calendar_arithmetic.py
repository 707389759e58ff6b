"""Period arithmetic of 民法典 第二百零一条–第二百零三条 on the real 2022–2026 holiday data."""

import datetime as dt

import pytest

from minxin.core.errors import ConfigurationMissing
from minxin.rules.calendar import CalendarMissing, PeriodUnit, WorkingCalendar

from ._calendars import package_calendar

D = dt.date
CAL = package_calendar()


def test_received_3_march_15_days_ends_18_march():
    assert CAL.add_calendar_days(D(2025, 3, 3), 15) == D(2025, 3, 18)


def test_trigger_day_is_not_counted_for_working_days():
    # Mon 3 March 2025: Tue 4 is the first working day, Mon 10 the fifth.
    assert CAL.add_working_days(D(2025, 3, 3), 5) == D(2025, 3, 10)


def test_calendar_days_count_weekends_inside_the_period():
    # Fri 7 March + 3 日 = Mon 10 March: Saturday and Sunday count.
    assert CAL.add_calendar_days(D(2025, 3, 7), 3) == D(2025, 3, 10)


def test_last_day_on_national_day_2025_moves_to_first_working_day_after():
    # 16 Sep + 15 = 1 Oct 2025; holiday 1–8 Oct, so the last day is Thu 9 Oct.
    assert CAL.add_calendar_days(D(2025, 9, 16), 15) == D(2025, 10, 9)


def test_last_day_on_ordinary_sunday_moves_to_monday():
    # 1 March 2025 + 15 = Sun 16 March → Mon 17 March.
    assert CAL.add_calendar_days(D(2025, 3, 1), 15) == D(2025, 3, 17)


def test_working_days_and_calendar_days_differ():
    assert CAL.add(D(2025, 3, 7), 5, PeriodUnit.CALENDAR_DAY) == D(2025, 3, 12)
    assert CAL.add(D(2025, 3, 7), 5, PeriodUnit.WORKING_DAY) == D(2025, 3, 14)


class TestSpringFestival2025:
    """Holiday Tue 28 Jan – Tue 4 Feb 2025; make-up working days Sun 26 Jan and Sat 8 Feb."""

    def test_holiday_days_are_not_working_days(self):
        assert not any(CAL.is_workday(D(2025, 1, 28) + dt.timedelta(days=i)) for i in range(8))

    def test_make_up_sunday_and_saturday_are_working_days(self):
        assert CAL.is_workday(D(2025, 1, 26))
        assert CAL.is_workday(D(2025, 2, 8))

    def test_five_working_days_from_friday_before_the_holiday(self):
        # Sun 26 (1), Mon 27 (2), holiday, Wed 5 Feb (3), Thu 6 (4), Fri 7 (5).
        assert CAL.add_working_days(D(2025, 1, 24), 5) == D(2025, 2, 7)

    def test_five_working_days_count_the_make_up_saturday(self):
        # Thu 6 (1), Fri 7 (2), Sat 8 make-up (3), Mon 10 (4), Tue 11 (5).
        assert CAL.add_working_days(D(2025, 2, 5), 5) == D(2025, 2, 11)

    def test_calendar_period_ending_in_the_holiday_moves_to_5_february(self):
        assert CAL.add_calendar_days(D(2025, 1, 20), 15) == D(2025, 2, 5)

    def test_calendar_period_ending_on_make_up_saturday_stays_there(self):
        assert CAL.add_calendar_days(D(2025, 1, 24), 15) == D(2025, 2, 8)


class TestSpringFestival2026:
    """Holiday Sun 15 – Mon 23 Feb 2026; make-up working days Sat 14 Feb and Sat 28 Feb."""

    def test_holiday_and_make_up_days(self):
        assert not any(CAL.is_workday(D(2026, 2, 15) + dt.timedelta(days=i)) for i in range(9))
        assert CAL.is_workday(D(2026, 2, 14))
        assert CAL.is_workday(D(2026, 2, 28))
        assert CAL.is_workday(D(2026, 2, 24))

    def test_five_working_days_across_the_holiday(self):
        # Thu 12 (1), Fri 13 (2), Sat 14 make-up (3), Tue 24 (4), Wed 25 (5).
        assert CAL.add_working_days(D(2026, 2, 11), 5) == D(2026, 2, 25)

    def test_calendar_period_ending_in_the_holiday_moves_to_24_february(self):
        assert CAL.add_calendar_days(D(2026, 2, 5), 15) == D(2026, 2, 24)


class TestNationalDay:
    def test_2025_week_with_make_up_sunday_before(self):
        # Holiday 1–8 Oct 2025, make-up Sun 28 Sep and Sat 11 Oct.
        # From Fri 26 Sep: Sun 28 (1), Mon 29 (2), Tue 30 (3), Thu 9 Oct (4), Fri 10 (5).
        assert CAL.add_working_days(D(2025, 9, 26), 5) == D(2025, 10, 10)
        assert CAL.is_workday(D(2025, 10, 11))

    def test_2026_week_with_make_up_saturday_after(self):
        # Holiday 1–7 Oct 2026, make-up Sun 20 Sep and Sat 10 Oct.
        # From Mon 28 Sep: Tue 29 (1), Wed 30 (2), Thu 8 Oct (3), Fri 9 (4), Sat 10 (5).
        assert CAL.add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 10)
        assert CAL.is_workday(D(2026, 9, 20))

    def test_2026_calendar_period_ending_on_1_october_moves_to_8_october(self):
        assert CAL.add_calendar_days(D(2026, 9, 16), 15) == D(2026, 10, 8)


def test_year_without_calendar_raises_configuration_missing_naming_the_year():
    with pytest.raises(ConfigurationMissing) as info:
        CAL.add_calendar_days(D(2026, 12, 20), 15)
    assert isinstance(info.value, CalendarMissing)
    assert info.value.year == 2027
    assert "2027年" in info.value.message


def test_working_day_count_into_missing_year_raises_even_if_it_would_be_a_weekday():
    with pytest.raises(CalendarMissing):
        CAL.add_working_days(D(2026, 12, 30), 5)


def test_missing_year_callback_is_told_the_year():
    seen = []
    cal = WorkingCalendar.from_dict({}, years=[2025], on_missing=seen.append)
    with pytest.raises(CalendarMissing):
        cal.is_workday(D(2024, 6, 3))
    assert seen == [2024]


def test_working_days_between_is_half_open():
    # [Mon 3 Mar, Fri 7 Mar) holds Mon–Thu.
    assert CAL.working_days_between(D(2025, 3, 3), D(2025, 3, 7)) == 4
    assert CAL.working_days_between(D(2025, 3, 3), D(2025, 3, 3)) == 0
