"""Administrator alerts: things only an administrator can fix (e.g. next year's calendar).

The hard case: a missing calendar is usually met inside a lifecycle service's
transaction, and the error it raises rolls that transaction back — an alert row
written there would vanish with it. So an alert is also remembered in a
per-thread "pending" set and written again once no transaction is open:
right after the rules services' own atomic block (`alerting_atomic`), at the end
of every web/API request (`request_finished`) and of every background task
(`task_finished`); see `RulesConfig.ready`. Alerts are deduplicated per
(kind, key) while open, so writing one twice is harmless. `check_calendar_coverage`
(periodic sweep, `manage.py calendar check`) raises the same alert proactively.
"""

import datetime as dt
import functools
import threading

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from minxin.core import clock
from minxin.rules.calendar import CalendarMissing
from minxin.rules.models import AdminAlert, AlertKind, CalendarYear

# The State Council usually publishes next year's holidays in October/November;
# from this date on, a missing next-year calendar is worth an alert.
NEXT_YEAR_WARNING_FROM = (11, 1)


def raise_alert(*, kind: str, key: str, message: str) -> AdminAlert:
    """The open alert for (kind, key), created if there is none."""
    existing = AdminAlert.objects.filter(kind=kind, key=key, resolved_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        # A savepoint: losing a race on the partial unique index must not poison the caller's transaction.
        with transaction.atomic():
            return AdminAlert.objects.create(kind=kind, key=key, message=message, created_at=clock.now())
    except IntegrityError:
        return AdminAlert.objects.get(kind=kind, key=key, resolved_at__isnull=True)


def resolve_alerts(*, kind: str, key: str) -> int:
    return AdminAlert.objects.filter(kind=kind, key=key, resolved_at__isnull=True).update(resolved_at=clock.now())


_pending = threading.local()


def _pending_years() -> set[int]:
    if not hasattr(_pending, "calendar_years"):
        _pending.calendar_years = set()
    return _pending.calendar_years


def _in_transaction() -> bool:
    # Test cases wrap every test in atomic blocks of their own; those do not count,
    # as they stand in for the autocommit a real caller would be in.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def missing_message(year: int) -> str:
    return _(
        "%(year)d年的节假日工作日历尚未录入或未标记为完整。落入%(year)d年的期限暂按法定节假日（不含调休）推算，"
        "在页面和文书上标注“暂定”。请系统管理员在“规则与日历 › 工作日历年度”中录入%(year)d年的放假和调休安排"
        "（或运行 manage.py calendar seed --year %(year)d），系统将重新计算所有暂定期限。"
    ) % {"year": year}


def calendar_missing(year: int) -> AdminAlert:
    """Alert that `year` has no complete calendar; survives a rollback of the caller (see module doc)."""
    alert = raise_alert(kind=AlertKind.CALENDAR_MISSING, key=str(year), message=missing_message(year))
    if _in_transaction():
        _pending_years().add(year)
    return alert


def flush_pending() -> None:
    """Write remembered alerts whose transaction may have rolled back, if none is open now."""
    years = _pending_years()
    if not years or _in_transaction():
        return
    for year in sorted(years):
        raise_alert(kind=AlertKind.CALENDAR_MISSING, key=str(year), message=missing_message(year))
    years.clear()


def flush_pending_on_signal(**kwargs) -> None:
    try:
        flush_pending()
    except Exception:  # noqa: BLE001 - an alert must never break the end of a request
        import logging

        logging.getLogger(__name__).exception("could not record pending administrator alerts")


def alerting_atomic(fn):
    """`transaction.atomic` that writes pending alerts after its own rollback, when nothing encloses it."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except CalendarMissing:
            flush_pending()
            raise

    return wrapper


def record_for(exc: Exception) -> AdminAlert | None:
    """Record the alert an error stands for; for handlers running after a rollback."""
    if isinstance(exc, CalendarMissing):
        return calendar_missing(exc.year)
    return None


def open_alerts():
    return AdminAlert.objects.filter(resolved_at__isnull=True)


def check_calendar_coverage(today: dt.date | None = None) -> list[int]:
    """Alert for this year's calendar, and next year's once November has come, if not complete.

    Returns the years found missing. Idempotent.
    """
    today = today or clock.today()
    needed = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_WARNING_FROM:
        needed.append(today.year + 1)
    complete = set(CalendarYear.objects.filter(year__in=needed, complete=True).values_list("year", flat=True))
    missing = [y for y in needed if y not in complete]
    for year in missing:
        calendar_missing(year)
    return missing

