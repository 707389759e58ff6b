"""小事不出村: what the grids solve, credited to the grid and the 村社区/乡镇街道 above it.

A grid report counts as 就地化解 (solved at the grid) when
- it was marked resolved at the grid (services.resolve_at_grid), and
- it did not become a case: the grid worker did not ask for one, it was not registered
  as one, and no case about the same matter was received afterwards — a case in the
  same 领域 about the report's place (the report's area, a place below it, or its
  村社区) received after the report and no later than `repeat_window_days` (the
  scorecard's window for repeats) after the resolution. Cases registered from other grid
  reports are left out: they are those reports' own matters.

So marking an item "resolved" and sending the people away does not pay: if they come
back as petitioners, the item does not count. The denominator is every grid report
made in the period, so escalated and unfinished items lower the rate; a unit with no
grid reports is not scored on it at all (see oversight.scorecard).
"""

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from minxin.cases.models import Case
from minxin.grid.models import CaseRequest, GridReport
from minxin.org.models import Area, AreaLevel, Unit, UnitKind

# The 就地化解 table's default period (days up to today), on the page and in the API.
BOARD_DAYS = 90

# Units credited for their grids' work: the grids themselves and the 属地 units above them.
CREDITED_KINDS = (UnitKind.GRID, UnitKind.VILLAGE, UnitKind.TOWNSHIP)


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    return lo, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def _window_days() -> int:
    from minxin.oversight.scorecard import active_config

    return active_config().repeat_window_days


def _matter_areas(candidates) -> dict[int, list[str]]:
    """area id → paths a later case may carry and still be about the report's place: an
    ancestor down to its 村社区 (the place itself and below are matched by prefix)."""
    ids = {int(p) for r in candidates for p in r.entry.area.path.strip("/").split("/") if p}
    ancestors = dict(Area.objects.filter(pk__in=ids, level__gte=AreaLevel.VILLAGE).values_list("pk", "path"))
    return {r.entry.area_id: [ancestors[int(p)] for p in r.entry.area.path.strip("/").split("/") if p and int(p) in ancestors]
            for r in candidates}


def solved_at_grid(reports) -> set[int]:
    """The ids of `reports` that count as 就地化解 (see the module docstring)."""
    candidates = [r for r in reports if r.resolved_at is not None and r.case_request == CaseRequest.NONE and r.case_id is None]
    if not candidates:
        return set()
    window = dt.timedelta(days=_window_days())
    domains = {r.entry.domain_id for r in candidates}
    earliest = min(r.reported_at for r in candidates)
    # A case registered from another grid report is that report's matter, accounted for there.
    later = list(Case.objects.filter(domain_id__in=domains, received_at__gte=earliest)
                 .exclude(pk__in=GridReport.objects.filter(case__isnull=False).values("case_id"))
                 .values_list("domain_id", "area__path", "received_at"))
    matter = _matter_areas(candidates)
    out = set()
    for r in candidates:
        paths, own = matter[r.entry.area_id], r.entry.area.path
        hi = r.resolved_at + window
        if not any(d == r.entry.domain_id and r.reported_at <= at <= hi and (path in paths or path.startswith(own))
                   for d, path, at in later):
            out.add(r.pk)
    return out


def _reports_in(start: dt.date, end: dt.date, area_paths):
    lo, hi = _bounds(start, end)
    qs = GridReport.objects.filter(reported_at__gte=lo, reported_at__lt=hi).select_related("entry", "entry__area")
    return [r for r in qs if any(r.entry.area.path.startswith(p) for p in area_paths)]


def local_resolution(units, start: dt.date, end: dt.date) -> dict[int, tuple[int, int]]:
    """unit id → (solved at the grid, grid reports) for the 属地 units among `units` (scorecard hook)."""
    credited = [u for u in units if u.kind in CREDITED_KINDS]
    # One query whatever the units (the scorecard's cost must not depend on which units it scores).
    reports = _reports_in(start, end, [u.area.path for u in credited])
    solved = solved_at_grid(reports)
    out = {}
    for u in credited:
        mine = [r for r in reports if r.entry.area.path.startswith(u.area.path)]
        out[u.pk] = (sum(1 for r in mine if r.pk in solved), len(mine))
    return out


def grid_reports_signal(area, start: dt.date, end: dt.date) -> int:
    """Grid reports about the area in the period: a signal that the area's problems did not go away
    (the scorecard's 疑似压案 check compares it with the unit's own intake)."""
    lo, hi = _bounds(start, end)
    return GridReport.objects.filter(reported_at__gte=lo, reported_at__lt=hi, entry__area__path__startswith=area.path).count()


def _report_paths(start: dt.date, end: dt.date) -> list[str]:
    lo, hi = _bounds(start, end)
    return list(GridReport.objects.filter(reported_at__gte=lo, reported_at__lt=hi).values_list("entry__area__path", flat=True))


grid_reports_signal.signal_name = "grid_reports"
# The scorecard asks for the paths once per period instead of counting once per unit.
grid_reports_signal.paths = _report_paths


def board(area, start: dt.date, end: dt.date) -> list[dict]:
    """Per grid and 村社区 under `area`: reports, solved at the grid, 就地化解率, became cases."""
    units = list(Unit.objects.filter(is_active=True, kind__in=(UnitKind.GRID, UnitKind.VILLAGE),
                                     area__path__startswith=area.path).select_related("area").order_by("area__path", "code"))
    reports = _reports_in(start, end, [area.path])
    solved = solved_at_grid(reports)
    rows = []
    for u in units:
        mine = [r for r in reports if r.entry.area.path.startswith(u.area.path)]
        n, k = len(mine), sum(1 for r in mine if r.pk in solved)
        rows.append({"unit": u, "kind": u.get_kind_display(), "reports": n, "solved": k,
                     "rate": round(100 * k / n, 1) if n else None,
                     "cases": sum(1 for r in mine if r.case_request != CaseRequest.NONE)})
    return rows
