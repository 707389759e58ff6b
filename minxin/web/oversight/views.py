"""Oversight pages: metric definitions, dashboards (ECharts over the daily rollups), exports and reports."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from minxin.core import clock
from minxin.core.errors import NotFound
from minxin.core.errors import PermissionDenied as DomainPermissionDenied
from minxin.oversight import metrics
from minxin.web.context import staff_of
from minxin.oversight import dashboards as boards
from minxin.oversight import policies
from minxin.core.replica import reads_from_replica


@login_required
def metric_definitions(request):
    """Every metric's definition, for any staff member; the figures only for those who may see
    numbers (oversight.policies, the same rule as GET /api/v1/oversight/metrics)."""
    staff = staff_of(request.user)
    if staff is None or not staff.is_active:
        raise PermissionDenied
    end = clock.today()
    start = end.replace(day=1)
    area, unit = policies.own_figures_scope(staff)
    shows_figures = area is not None or unit is not None
    values = metrics.compute_all(metrics.Scope(start=start, end=end, area=area, unit=unit)) if shows_figures else {}
    scope_label = (area.full_name if area is not None else unit.name) if shows_figures else ""
    rows = [{**d, "value": values.get(d["code"])} for d in metrics.metric_definitions()]
    return render(request, "web/oversight/metrics.html", {
        "rows": rows, "start": start, "end": end, "scope_label": scope_label, "shows_figures": shows_figures,
        "refused": policies.ANALYSIS_REFUSED,
    })


# ---------------------------------------------------------------- dashboards

ROLLUP_BOARDS = ("volume", "areas", "deadlines")
DIMENSIONS = {"channel": gettext_lazy("信访形式"), "category": gettext_lazy("信访类别"), "domain": gettext_lazy("领域"), "area": gettext_lazy("区域")}


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _params(request) -> dict:
    g = request.GET
    period = g.get("period") if g.get("period") in ("week", "month") else "week"
    dim = g.get("dim") if g.get("dim") in DIMENSIONS else "channel"
    start, end = boards.default_period(period)
    start = _date(g.get("from")) or start
    end = _date(g.get("to")) or end
    if start > end:
        start, end = end, start
    level = g.get("level", "")
    page = g.get("page", "")
    return {"period": period, "dim": dim, "start": start, "end": end, "area": g.get("area") or None,
            # Scorecards: one group of like units (kind × level), one page of its table.
            "kind": g.get("kind", ""), "level": int(level) if level.isdigit() else None, "page": int(page) if page.isdigit() else 1}


def _scope(request, p: dict) -> boards.DashScope:
    staff = staff_of(request.user)
    if not boards.may_view(staff):
        raise PermissionDenied
    try:
        return boards.scope_for(staff, area_code=p["area"], start=p["start"], end=p["end"])
    except DomainPermissionDenied:
        raise PermissionDenied
    except NotFound as exc:
        raise Http404(str(exc))


def board_data(board: str, scope: boards.DashScope, p: dict) -> dict:
    if board == "volume":
        return boards.volume(scope, dim=p["dim"], period=p["period"])
    if board == "scorecards":
        return boards.scorecards(scope, kind=p["kind"], level=p["level"], page=p["page"])
    return getattr(boards, board)(scope)


@login_required
@reads_from_replica
def dashboard(request, board: str = "volume"):
    if board not in boards.BOARDS:
        raise Http404
    p = _params(request)
    scope = _scope(request, p)
    empty = board in ROLLUP_BOARDS and not boards.has_rollups(scope)
    data = None if empty else board_data(board, scope, p)
    query = request.GET.copy()
    base = request.GET.copy()
    for key in ("kind", "level", "page"):
        base.pop(key, None)
    return render(request, "web/oversight/dashboard.html", {
        "base_query": base.urlencode(),
        # The chart reads this instead of fetching data_url: one computation per page view.
        "chart_data": None if data is None else _chart_payload(scope, data),
        "board": board, "boards": boards.BOARDS, "title": boards.BOARDS[board], "source": boards.SOURCES[board], "scope": scope, "p": p,
        "dimensions": DIMENSIONS, "dim_label": DIMENSIONS[p["dim"]], "data": data, "empty": empty, "no_rollups": boards.NO_ROLLUPS, "query": query.urlencode(),
        "data_url": reverse("web:oversight_dashboard_data", args=[board]) + ("?" + query.urlencode() if query else ""),
        "parent_area": scope.area.parent if scope.area is not None and scope.area != scope.staff.unit.area else None,
        "year": clock.today().year - (1 if clock.today().month < 3 else 0),
        "week": "%d-W%02d" % clock.today().isocalendar()[:2],
    })


@login_required
@reads_from_replica
def dashboard_data(request, board: str):
    if board not in boards.BOARDS:
        raise Http404
    p = _params(request)
    scope = _scope(request, p)
    if board in ROLLUP_BOARDS and not boards.has_rollups(scope):
        return JsonResponse({"empty": True, "message": str(boards.NO_ROLLUPS)})
    return JsonResponse(_chart_payload(scope, board_data(board, scope, p)))


def _chart_payload(scope: boards.DashScope, data: dict) -> dict:
    return {"empty": False, "scope": scope.label, "start": scope.start.isoformat(), "end": scope.end.isoformat(), **data}


# ---------------------------------------------------------------- exports and reports


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    resp = HttpResponse(content, content_type=content_type)
    resp["Content-Disposition"] = content_disposition_header(True, filename)
    return resp


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@reads_from_replica
def export_cases(request):
    """The workbench list with its current filters, as .xlsx (any staff member; scoped; masked)."""
    from minxin.exchange import reports as xlsx
    from minxin.web.cases.forms import InboxFilterForm
    from minxin.cases.queries import all_visible_queryset, apply_filters, inbox_queryset

    staff = staff_of(request.user)
    if staff is None or not staff.is_active:
        raise PermissionDenied
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    base = all_visible_queryset(staff) if data.get("scope") == "all" else inbox_queryset(staff)
    content = xlsx.case_list_xlsx(apply_filters(base, data), staff=staff)
    return _download(content, "信访事项列表_%s.xlsx" % clock.today().strftime("%Y%m%d"), XLSX)


def _metric_scope(scope: boards.DashScope) -> metrics.Scope:
    return metrics.Scope(start=scope.start, end=scope.end, area=scope.area, unit=scope.unit)


@login_required
@reads_from_replica
def export_metrics(request):
    from minxin.exchange import reports as xlsx

    p = _params(request)
    scope = _scope(request, p)
    content = xlsx.metrics_xlsx(_metric_scope(scope), label=scope.label)
    return _download(content, "指标_%s_%s.xlsx" % (scope.start.strftime("%Y%m%d"), scope.end.strftime("%Y%m%d")), XLSX)


@login_required
@reads_from_replica
def export_scorecards(request):
    from minxin.exchange import reports as xlsx

    p = _params(request)
    scope = _scope(request, p)
    content = xlsx.scorecards_xlsx(boards.scorecard_rows(scope), label=scope.label, start=scope.start, end=scope.end)
    return _download(content, "单位考评_%s_%s.xlsx" % (scope.start.strftime("%Y%m%d"), scope.end.strftime("%Y%m%d")), XLSX)


@login_required
@reads_from_replica
def report_annual(request):
    from minxin.oversight.reports import annual

    p = _params(request)
    scope = _scope(request, p)
    try:
        year = int(request.GET.get("year") or clock.today().year - 1)
    except ValueError:
        raise Http404
    if not policies.may_report(scope.staff):
        raise PermissionDenied
    content = annual.render(annual.collect(year=year, area=scope.area, cases=scope.cases()))
    return _download(content, "%s%d年度信访情况报告.docx" % (scope.area.name, year), DOCX)


@login_required
def report_weekly(request):
    from minxin.oversight.reports import weekly

    p = _params(request)
    scope = _scope(request, p)
    if not policies.may_report(scope.staff):
        raise PermissionDenied
    try:
        monday = weekly.parse_week(request.GET.get("week") or "%d-W%02d" % clock.today().isocalendar()[:2])
    except ValueError:
        raise Http404
    content = weekly.render(weekly.collect(monday=monday, area=scope.area, cases=scope.cases()))
    return _download(content, "%s信访工作周报_%s.docx" % (scope.area.name, monday.strftime("%G-W%V")), DOCX)
