"""A clearly labelled stand-in holiday calendar for demo databases only.

Deadline arithmetic refuses a year whose calendar an administrator has not
completed (never a silent guess). A demo city whose "today" is late in the year
would then refuse every 60-day action until someone enters next year's
schedule. For a demo database — and only there — we enter next year's fixed
statutory holidays (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆 by the 2025
《全国年节及纪念日放假办法》) without the 调休 make-up days, which only the
State Council's annual notice fixes, and name every row so nobody mistakes it
for the real schedule. Production databases never run this.
"""

import datetime as dt

from django.db import transaction

from minxin.rules.models import CalendarDay, CalendarYear

LABEL = "（演示临时日历，未经国务院公布）"

# Lunar-dated holidays by year: (除夕, 清明, 端午, 中秋).
_LUNAR = {
    2027: (dt.date(2027, 2, 5), dt.date(2027, 4, 5), dt.date(2027, 6, 9), dt.date(2027, 9, 15)),
    2028: (dt.date(2028, 1, 25), dt.date(2028, 4, 4), dt.date(2028, 5, 28), dt.date(2028, 10, 3)),
}


def _holidays(year: int) -> list[tuple[dt.date, str]]:
    eve, qingming, duanwu, zhongqiu = _LUNAR[year]
    days = [(dt.date(year, 1, 1), "元旦")]
    days += [(eve + dt.timedelta(days=i), "春节") for i in range(4)]
    days += [(qingming, "清明节"), (dt.date(year, 5, 1), "劳动节"), (dt.date(year, 5, 2), "劳动节"), (duanwu, "端午节")]
    days += [(zhongqiu, "中秋节")] + [(dt.date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    return sorted(set(days))


@transaction.atomic
def ensure_demo_calendar(today: dt.date) -> list[int]:
    """Fill next year's calendar for a demo database if an administrator has not. Returns the years filled."""
    filled = []
    for year in (today.year, today.year + 1):
        if year not in _LUNAR or CalendarYear.objects.filter(year=year, complete=True).exists():
            continue
        cal_year, _ = CalendarYear.objects.update_or_create(year=year, defaults={"complete": True})
        for day, name in _holidays(year):
            CalendarDay.objects.update_or_create(
                date=day, defaults={"calendar_year": cal_year, "is_workday": False, "name": name + LABEL}
            )
        filled.append(year)
    return filled
