"""Case lists shared by the workbench pages and the cases API (always scoped by visible_to)."""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q

from minxin.cases.models import Case, CaseState, JurisdictionDispute
from minxin.core import clock
from minxin.org.models import Staff
from minxin.rules.deadlines import deadline_status
from minxin.rules.models import CaseDeadline, DeadlineState


def by_due_date(qs):
    return qs.order_by(F("next_due_on").asc(nulls_last=True), "received_at", "pk")


def inbox_queryset(staff: Staff):
    """Open cases waiting for the staff member's unit, soonest deadline first.

    Waiting means the unit may be the one to act next: it holds the case (a registered
    case is held by the bureau that registered it, the only one allowed to route it),
    it sent a case now back with an objection or a 办结报告, or it must settle a dispute.
    A lower bureau is not shown cases that a higher bureau registered in its area: it
    could not act on them, and two bureaus watching one case invites double handling.
    """
    unit = staff.unit
    waiting = Q(current_unit_id=unit.pk) | Q(
        state__in=[CaseState.OBJECTED, CaseState.REPORTED], dispatching_unit_id=unit.pk
    ) | Q(
        Exists(JurisdictionDispute.objects.filter(case_id=OuterRef("pk"), arbiter_id=unit.pk, settled_at__isnull=True)),
        state=CaseState.DISPUTED,
    )
    return by_due_date(Case.objects.visible_to(staff).open().filter(waiting).select_related("current_unit", "area"))


def apply_filters(qs, data: dict):
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
    if data.get("overdue"):
        qs = qs.filter(next_due_on__lt=clock.today())
    qs = apply_drill_filters(qs, data)
    if data.get("q"):
        from minxin.cases.search import search

        # Ranked: best match first instead of the list's own order (cases/search.py).
        qs = search(qs, data["q"])
    return qs


def apply_drill_filters(qs, data: dict):
    """Filters the oversight dashboards drill down with: area subtree, domain, unit, received dates, clock status."""
    from minxin.cases.models import CaseRouting
    from minxin.org.models import Area

    if data.get("area"):
        area = Area.objects.filter(code=data["area"]).first()
        qs = qs.filter(area__path__startswith=area.path) if area is not None else qs.none()
    if data.get("domain"):
        qs = qs.filter(domain__code=data["domain"])
    if data.get("unit"):
        routed = CaseRouting.objects.filter(case_id=OuterRef("pk"), unit__code=data["unit"])
        qs = qs.filter(Q(current_unit__code=data["unit"]) | Exists(routed))
    if data.get("received_from"):
        qs = qs.filter(received_at__date__gte=data["received_from"])
    if data.get("received_to"):
        qs = qs.filter(received_at__date__lte=data["received_to"])
    if data.get("due") in ("normal", "soon"):
        from minxin.rules.deadlines import due_soon_days

        today = clock.today()
        soon = today + dt.timedelta(days=due_soon_days())
        window = {"due_on__gt": soon} if data["due"] == "normal" else {"due_on__gte": today, "due_on__lte": soon}
        running = CaseDeadline.objects.filter(case_id=OuterRef("pk"), state=DeadlineState.RUNNING, paused_at__isnull=True)
        qs = qs.filter(Exists(running.filter(**window)))
        if data["due"] == "normal":
            # Counted under 正常 only when no clock of the case is sooner.
            qs = qs.exclude(Exists(running.filter(due_on__lte=soon)))
        else:
            qs = qs.exclude(Exists(running.filter(due_on__lt=today)))
    if data.get("supervised"):
        from minxin.oversight.models import Supervision

        qs = qs.filter(Exists(Supervision.objects.filter(case_id=OuterRef("pk"))))
    return qs


def all_visible_queryset(staff: Staff):
    """Every case the staff member may see (drill-down from the dashboards), soonest deadline first."""
    return by_due_date(Case.objects.visible_to(staff).select_related("current_unit", "area"))


def nearest_status(cases) -> dict:
    """Status of each case's nearest running clock, computed by rules.deadline_status (the one function)."""
    nearest: dict[int, CaseDeadline] = {}
    rows = CaseDeadline.objects.filter(
        case_id__in=[c.pk for c in cases], state=DeadlineState.RUNNING, paused_at__isnull=True
    ).select_related("rule").order_by("due_on", "pk")
    for dl in rows:
        nearest.setdefault(dl.case_id, dl)
    today = clock.today()
    return {case_id: (dl, deadline_status(dl, today)) for case_id, dl in nearest.items()}


# --- Keyset pagination -------------------------------------------------------------------
#
# Lists in `by_due_date` order page by the last row seen instead of OFFSET: page 5,000 costs
# what page 1 costs (an index range scan from the cursor), and a case that moves while
# someone pages never makes a row appear twice or vanish. The cursor is opaque to clients:
# base64 of (next_due_on, received_at, pk) of the last row. Ranked search results are not in
# that order and page by offset, capped at MAX_SEARCH_ROWS.

MAX_SEARCH_ROWS = 1000


class BadCursor(ValueError):
    pass


def encode_cursor(case) -> str:
    import base64
    import json

    raw = json.dumps([case.next_due_on.isoformat() if case.next_due_on else None, case.received_at.isoformat(), case.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.date | None, dt.datetime, int]:
    import base64
    import binascii
    import json

    try:
        due, received, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return (dt.date.fromisoformat(due) if due else None), dt.datetime.fromisoformat(received), int(pk)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise BadCursor(cursor) from exc


def after_cursor(qs, cursor: str):
    """The rows of a `by_due_date` list after the cursor's row (raises BadCursor for a malformed one)."""
    due, received, pk = decode_cursor(cursor)
    later = Q(received_at__gt=received) | Q(received_at=received, pk__gt=pk)
    if due is None:
        return qs.filter(Q(next_due_on__isnull=True) & later)
    return qs.filter(Q(next_due_on__gt=due) | Q(next_due_on=due) & later | Q(next_due_on__isnull=True))


def keyset_page(qs, cursor: str | None, size: int) -> tuple[list, str | None]:
    """One page of a `by_due_date` list and the cursor of the next page (None on the last)."""
    if cursor:
        qs = after_cursor(qs, cursor)
    rows = list(qs[:size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (encode_cursor(rows[-1]) if more and rows else None)
