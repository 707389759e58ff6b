"""Next year's calendar in a demo database: the same provisional counting as production.

A demo city whose "today" is late in the year has clocks running into next year.
It used to get a demo-only stand-in calendar written into its tables; now it is
counted exactly like a production database (minxin.rules.provisional): a year not
yet completed by an administrator is counted with the statutory holidays alone,
its deadlines are marked 暂定, and completing the year recomputes them. Nothing is
written to the calendar tables here, so nobody can mistake a guess for the
State Council's schedule.
"""

import datetime as dt

from minxin.rules import alerts


def ensure_demo_calendar(today: dt.date) -> list[int]:
    """The years the demo will count provisionally (this year, and next year from November); alerts the administrator."""
    return alerts.check_calendar_coverage(today)
