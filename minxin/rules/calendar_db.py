"""The working-day calendar in the database: loading it and seeding it from `chinese_calendar`."""

import datetime as dt

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from minxin.core import clock
from minxin.core.errors import ConfigurationMissing
from minxin.rules.calendar import WorkingCalendar

# Years seeded by the data migration: the 2022 regulation is in force from 2022-05-01.
FIRST_SEEDED_YEAR = 2022
LAST_SEEDED_YEAR = 2026

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def load_working_calendar() -> WorkingCalendar:
    """The calendar of every complete year; a missing year is counted provisionally and alerts an administrator."""
    from minxin.rules import alerts
    from minxin.rules.provisional import provisional_exceptions
    from minxin.rules.models import CalendarDay, CalendarYear

    years = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    exceptions = dict(CalendarDay.objects.filter(calendar_year__year__in=years).values_list("date", "is_workday"))
    return WorkingCalendar(
        complete_years=years, exceptions=exceptions, on_missing=alerts.calendar_missing, provisional=provisional_exceptions
    )


def package_years() -> set[int]:
    import chinese_calendar

    return {d.year for d in chinese_calendar.holidays} & {d.year for d in chinese_calendar.workdays}


def package_days(year: int) -> list[tuple[dt.date, bool, str]]:
    """(date, is_workday, Chinese name) for every holiday and make-up working day of `year`."""
    import chinese_calendar

    if year not in package_years():
        raise ConfigurationMissing(
            _("已安装的 chinese_calendar 数据包不含%(year)d年的放假安排，请升级该软件包，或在管理后台手工录入%(year)d年的节假日和调休上班日。")
            % {"year": year}
        )
    days = []
    for day, name in chinese_calendar.holidays.items():
        if day.year == year:
            days.append((day, False, HOLIDAY_NAMES.get(str(name), str(name))))
    for day, name in chinese_calendar.workdays.items():
        if day.year == year:
            days.append((day, True, _("%(name)s调休上班") % {"name": HOLIDAY_NAMES.get(str(name), str(name))}))
    return sorted(days)


def seed_year_rows(year: int, *, calendar_year_model, calendar_day_model, force: bool = False, now=None) -> bool:
    """Write `year` from the package into the given models (real or migration-historical).

    Returns False without writing when the year was entered by hand and `force` is off:
    an administrator's corrections are never overwritten silently.
    """
    days = package_days(year)
    existing = calendar_year_model.objects.filter(year=year).first()
    if existing is not None and existing.source == "manual" and not force:
        return False
    cal_year, _created = calendar_year_model.objects.update_or_create(
        year=year, defaults={"complete": True, "source": "chinese_calendar", "edited_by": None, "edited_at": now}
    )
    calendar_day_model.objects.filter(calendar_year=cal_year).delete()
    # Stray rows of this year attached elsewhere would violate the unique date.
    calendar_day_model.objects.filter(date__year=year).delete()
    calendar_day_model.objects.bulk_create(
        [calendar_day_model(calendar_year=cal_year, date=d, is_workday=w, name=n) for d, w, n in days]
    )
    return True


@transaction.atomic
def seed_year(year: int, *, force: bool = False) -> bool:
    from minxin.rules.models import CalendarDay, CalendarYear

    written = seed_year_rows(year, calendar_year_model=CalendarYear, calendar_day_model=CalendarDay, force=force, now=clock.now())
    if written:
        year_completed(year)
    return written


# Sent when a year's official schedule is complete; receivers recount what was counted provisionally.
calendar_year_completed = Signal()


def year_completed(year: int) -> int:
    """An official schedule for `year` is in: close its alert, recompute the provisional clocks.

    Called by `seed_year` and by the admin when a year is saved complete. The clocks belong to
    cases, a layer above: it listens on `calendar_year_completed` (minxin.cases.apps).
    Returns what the receivers report (how many cases had their provisional clocks recounted).
    """
    from minxin.rules import alerts
    from minxin.rules.models import AlertKind

    alerts.resolve_alerts(kind=AlertKind.CALENDAR_MISSING, key=str(year))
    return sum(result or 0 for _receiver, result in calendar_year_completed.send(sender=None, year=year))
