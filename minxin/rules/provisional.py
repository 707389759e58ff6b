"""Next year's statutory holidays, for counting before the State Council publishes the schedule.

《全国年节及纪念日放假办法》(as revised in 2025) fixes which days are holidays:
元旦 1 day (1 January), 春节 4 days (农历除夕 and 正月初一至初三), 清明节 1 day
(the 清明 solar term), 劳动节 2 days (1–2 May), 端午节 1 day (农历五月初五),
中秋节 1 day (农历八月十五), 国庆节 3 days (1–3 October). What the annual notice
adds — which days are swapped (调休) and the make-up working days — cannot be
known in advance, so a provisional year has none of them. Deadlines counted with
such a year are marked 暂定 and recomputed once the official schedule is entered
(see minxin.cases.services.recompute).

Lunar dates come from `lunardate`; the 清明 solar term from `chinese_calendar`.
"""

import datetime as dt
import functools

from lunardate import LunarDate

FIXED = (((1, 1), "元旦"), ((5, 1), "劳动节"), ((5, 2), "劳动节"), ((10, 1), "国庆节"), ((10, 2), "国庆节"), ((10, 3), "国庆节"))


def _lunar(year: int, month: int, day: int) -> dt.date:
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> dt.date:
    import chinese_calendar

    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    return next(day for day, name in terms if name == "清明")


@functools.cache
def statutory_holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    """(date, name) of every statutory holiday day of `year`, in date order."""
    new_year = _lunar(year, 1, 1)
    days = [(dt.date(year, m, d), name) for (m, d), name in FIXED]
    days += [(new_year + dt.timedelta(days=i), "春节") for i in range(-1, 3)]  # 除夕 to 初三
    days += [(_qingming(year), "清明节"), (_lunar(year, 5, 5), "端午节"), (_lunar(year, 8, 15), "中秋节")]
    return tuple(sorted(set(days)))


def provisional_exceptions(year: int) -> dict[dt.date, bool]:
    """The days of `year` that differ from Mon–Fri in the provisional calendar: statutory holidays on weekdays."""
    return {day: False for day, _name in statutory_holidays(year) if day.weekday() < 5}
