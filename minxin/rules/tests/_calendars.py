"""Calendars for pure tests, built from the chinese_calendar package data (no database)."""

import chinese_calendar

from minxin.rules.calendar import WorkingCalendar

YEARS = range(2022, 2027)


def package_calendar(years=YEARS) -> WorkingCalendar:
    exceptions = {d: False for d in chinese_calendar.holidays if d.year in years}
    exceptions.update({d: True for d in chinese_calendar.workdays if d.year in years})
    return WorkingCalendar.from_dict(exceptions, years=years)
