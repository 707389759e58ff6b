"""Dashboard data: one function per chart, all read from the rollups (coarse or daily) or small aggregates.

Every function takes a DashScope (the viewer's area subtree, or the viewer's own unit)
and returns plain JSON-able dicts: the chart series, and for each data point the
/cases/ URL that lists the cases behind it (drill-down).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import CharField, Count, Min, Q, Sum, Value
from django.db.models.functions import StrIndex, Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.cases.models import Case, Category, Channel, Domain
from minxin.core import clock
from minxin.org.models import Area, AreaLevel, Staff, Unit, UnitKind
from minxin.oversight import policies, rollups
from minxin.oversight.models import (
    CoarseRollup, DailyRollup, Rating, RatingScore, RatingTarget, Supervision, SupervisionLevel, SupervisionState,
)

DASHBOARD_ROLES = policies.ANALYSIS_ROLES
MAX_BUCKETS = 120


@dataclass(frozen=True)
class DashScope:
    staff: Staff
    area: Area | None  # 信访部门: an area of its subtree
    unit: Unit | None  # any other unit: itself
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return self.area.full_name if self.area is not None else self.unit.name

    def rollups(self):
        qs = DailyRollup.objects.filter(date__gte=self.start, date__lte=self.end)
        if self.area is not None:
            return qs.filter(area__path__startswith=self.area.path)
        return qs.filter(unit_id_key=self.unit.pk)

    def cases(self):
        qs = Case.objects.visible_to(self.staff)
        if self.area is not None:
            qs = qs.filter(area__path__startswith=self.area.path)
        return qs

    def case_url(self, **filters) -> str:
        """The workbench list of every visible case behind a number (not only the inbox)."""
        params = {"scope": "all"}
        if self.area is not None:
            params["area"] = self.area.code
        params.update({k: v for k, v in filters.items() if v not in (None, "")})
        return reverse("web:case_inbox") + "?" + urlencode(params)

    def period_filters(self) -> dict:
        return {"received_from": self.start.isoformat(), "received_to": self.end.isoformat()}


def may_view(staff: Staff | None) -> bool:
    return staff is not None and policies.may_analyse(staff)


def scope_for(staff: Staff, *, area_code: str | None, start: dt.date, end: dt.date) -> DashScope:
    area, unit = policies.analysis_scope(staff, area_code=area_code)
    return DashScope(staff, area, unit, start, end)


def default_period(period: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last 12 weeks (from a Monday) or 12 months (from the 1st), ending today."""
    today = today or clock.today()
    if period == "month":
        y, m = today.year, today.month - 11
        while m < 1:
            y, m = y - 1, m + 12
        return dt.date(y, m, 1), today
    monday = today - dt.timedelta(days=today.weekday())
    return monday - dt.timedelta(weeks=11), today


def bucket_of(day: dt.date, period: str) -> dt.date:
    if period == "month":
        return day.replace(day=1)
    return day - dt.timedelta(days=day.weekday())


def buckets(start: dt.date, end: dt.date, period: str) -> list[dt.date]:
    out, b = [], bucket_of(start, period)
    while b <= end and len(out) < MAX_BUCKETS:
        out.append(b)
        b = (b.replace(day=28) + dt.timedelta(days=4)).replace(day=1) if period == "month" else b + dt.timedelta(weeks=1)
    return out


def bucket_label(b: dt.date, period: str) -> str:
    if period == "month":
        return f"{b.year}-{b.month:02d}"
    y, w, _d = b.isocalendar()
    return f"{y}-W{w:02d}"


def bucket_range(b: dt.date, period: str) -> tuple[dt.date, dt.date]:
    last = buckets(b, b + dt.timedelta(days=40), period)[1] - dt.timedelta(days=1)
    return b, last


# Shown to leaders: says what will appear and when, never how to run a job (the scheduler does).
NO_ROLLUPS = gettext_lazy(
    "所选范围和期间还没有汇总数据。系统每15分钟自动汇总一次收件、受理、办结、超期、评价和督办情况，"
    "汇总完成后这里即显示图表；新部署的系统在首次汇总后显示。"
)


def has_rollups(scope: DashScope) -> bool:
    return scope.rollups().exists()


# ---------------------------------------------------------------- reading the rollups


def _daily_rows_between(lo: dt.date, hi: dt.date) -> bool:
    return lo <= hi and DailyRollup.objects.filter(date__gte=lo, date__lte=hi).exists()


def _coarse_split(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date, list[tuple[dt.date, dt.date]]]:
    """Which coarse pieces (by first day, lo..hi) and which days of the daily rollup make up start..end.

    A piece partly outside the period is read from the coarse rollup only if the daily rollup has
    nothing on its days outside (the current piece: its remaining days have not happened); otherwise
    its days inside the period are read from the daily rollup.
    """
    daily = []
    lo, hi = rollups.piece_start(start), end
    if lo < start and _daily_rows_between(lo, start - dt.timedelta(days=1)):
        head_end = min(rollups.piece_end(start), end)
        daily.append((start, head_end))
        lo = head_end + dt.timedelta(days=1)
    last = rollups.piece_start(end)
    if last >= lo and rollups.piece_end(end) > end and _daily_rows_between(end + dt.timedelta(days=1), rollups.piece_end(end)):
        daily.append((max(last, start), end))
        hi = last - dt.timedelta(days=1)
    return lo, hi, daily


def _child_path(base: Area):
    """The path of the child of `base` an area path lies under (`base`'s own path for `base` itself), in SQL."""
    n = len(base.path)
    return Substr("area__path", 1, Value(n) + StrIndex(Substr("area__path", n + 1), Value("/")), output_field=CharField())


def received_by(scope: DashScope, dim: str, *, deepest: int | None = None, by_date: bool = True,
                by_child: bool = False, from_daily: bool = False) -> list[tuple]:
    """Cases received in the scope and period as (date, key, n), or (key, n) without `by_date`.

    key: the channel or category, the domain's id (0: none), or for dim "area" the path of the case's
    area cut to the deepest level asked for (`deepest`: the level of the deepest area the caller counts;
    its own area's level if not given) — with `by_child`, the path of the scope area's child it lies
    under (the scope area's own path for cases of the area itself). The date is a day of the bucket the
    number belongs to (a coarse piece's first day). Reads the coarse rollup where it is exact, the daily
    rollup otherwise or with `from_daily` (the tests compare the two).
    """
    level = scope.area.level if scope.area is not None and deepest is None else deepest
    coarse = (not from_daily and scope.area is not None and level is not None
              and level <= rollups.RECEIVED_LEVELS[dim] and scope.area.level <= rollups.RECEIVED_LEVELS[dim])
    ranges = [(scope.start, scope.end)]
    out: list[tuple] = []
    if coarse:
        lo, hi, ranges = _coarse_split(scope.start, scope.end)
        qs = CoarseRollup.objects.filter(dim=dim, start__gte=lo, start__lte=hi, area__path__startswith=scope.area.path)
        field = "key" if dim != "area" else "area__path" if not by_child else "child"
        if by_child:
            qs = qs.annotate(child=_child_path(scope.area))
        fields = ("start", field) if by_date else (field,)
        for row in qs.values_list(*fields).annotate(n=Sum("n")).order_by():
            key = int(row[-2]) if dim == "domain" else row[-2]
            out.append((*row[:-2], key, row[-1]))
    field = {"channel": "channel", "category": "category", "domain": "domain_id_key", "area": "area__path"}[dim]
    for lo, hi in ranges:
        qs = DailyRollup.objects.filter(date__gte=lo, date__lte=hi, received__gt=0)
        qs = qs.filter(area__path__startswith=scope.area.path) if scope.area is not None else qs.filter(unit_id_key=scope.unit.pk)
        if by_child and scope.area is not None:
            qs, field = qs.annotate(child=_child_path(scope.area)), "child"
        fields = ("date", field) if by_date else (field,)
        out.extend(qs.values_list(*fields).annotate(n=Sum("received")).order_by())
    return out


def overdue_by_day(scope: DashScope, *, from_daily: bool = False) -> dict[dt.date, int]:
    """Cases overdue at the end of each day of the period, in the scope."""
    if not from_daily and scope.area is not None and scope.area.level <= rollups.OVERDUE_LEVEL:
        qs = CoarseRollup.objects.filter(dim="overdue", start__gte=scope.start, start__lte=scope.end,
                                         area__path__startswith=scope.area.path)
        return dict(qs.values_list("start").annotate(n=Sum("n")).order_by().values_list("start", "n"))
    qs = scope.rollups().filter(overdue__gt=0)
    return dict(qs.values_list("date").annotate(n=Sum("overdue")).order_by().values_list("date", "n"))


# ---------------------------------------------------------------- volume over time


def _child_of(scope_area: Area, children: list[Area], path: str) -> Area | None:
    for c in children:
        if path.startswith(c.path):
            return c
    return None


def volume(scope: DashScope, *, dim: str, period: str, from_daily: bool = False) -> dict:
    """Cases received per week/month, split by channel, category, domain or sub-area."""
    keys = buckets(scope.start, scope.end, period)
    index = {b: i for i, b in enumerate(keys)}
    series: dict = defaultdict(lambda: [0] * len(keys))
    names: dict = {}
    drill: dict = {}
    if dim == "area":
        base = scope.area if scope.area is not None else scope.unit.area
        children = list(base.children.all())
        deepest = max((c.level for c in children), default=base.level)
        for date, path, n in received_by(scope, "area", deepest=deepest, by_child=True, from_daily=from_daily):
            child = _child_of(base, children, path)
            key = child.code if child else base.code
            names[key] = child.name if child else _("%(area)s本级") % {"area": base.name}
            series[key][index[bucket_of(date, period)]] += n or 0
            drill[key] = {"area": key} if child else {"area": base.code}
    else:
        labels = {"channel": dict(Channel.choices), "category": dict(Category.choices)}.get(dim)
        domains = {d.pk: d for d in Domain.objects.all()} if dim == "domain" else {}
        for date, key, n in received_by(scope, dim, from_daily=from_daily):
            if dim == "domain":
                d = domains.get(key)
                names[key] = d.name if d else _("未分领域")
                drill[key] = {"domain": d.code} if d else {}
            else:
                names[key] = str(labels.get(key, key))
                drill[key] = {dim: key}
            series[key][index[bucket_of(date, period)]] += n or 0
    out_series = []
    for key in sorted(series, key=lambda k: (-sum(series[k]), str(k))):  # ties in a fixed order
        points = []
        for b, n in zip(keys, series[key]):
            lo, hi = bucket_range(b, period)
            lo, hi = max(lo, scope.start), min(hi, scope.end)
            points.append({"value": n, "url": scope.case_url(**drill[key], received_from=lo.isoformat(), received_to=hi.isoformat())})
        out_series.append({"key": str(key), "name": names[key], "data": points, "total": sum(series[key]),
                           "url": scope.case_url(**drill[key], **scope.period_filters())})
    return {"buckets": [bucket_label(b, period) for b in keys], "series": out_series,
            "total": sum(s["total"] for s in out_series)}


# ---------------------------------------------------------------- areas (treemap)


def areas(scope: DashScope, *, from_daily: bool = False) -> dict:
    """Received cases per sub-area of the scope area, two levels deep, for the treemap."""
    base = scope.area if scope.area is not None else scope.unit.area
    subtree = list(Area.objects.within(base).filter(depth__lte=base.depth + 2).order_by("path"))
    totals: dict[str, int] = defaultdict(int)
    deepest = max(a.level for a in subtree)
    for path, n in received_by(scope, "area", deepest=deepest, by_date=False, from_daily=from_daily):
        totals[path] += n or 0

    def count(a: Area) -> int:
        return sum(n for p, n in totals.items() if p.startswith(a.path))

    def node(a: Area, depth: int) -> dict:
        n = {"name": a.name, "code": a.code, "value": count(a),
             "url": scope.case_url(area=a.code, **scope.period_filters()),
             "dashboard": reverse("web:oversight_dashboard", args=["areas"]) + "?" + urlencode({"area": a.code})}
        if depth < 2:
            kids = [node(c, depth + 1) for c in subtree if c.parent_id == a.pk]
            kids = [k for k in kids if k["value"]]
            if kids:
                n["children"] = kids
        return n

    root = node(base, 0)
    own = root["value"] - sum(k["value"] for k in root.get("children", []))
    rows = [{"name": k["name"], "code": k["code"], "value": k["value"], "url": k["url"], "dashboard": k["dashboard"],
             "has_children": bool(k.get("children"))} for k in root.get("children", [])]
    return {"root": root, "rows": rows, "own": own, "total": root["value"]}


# ---------------------------------------------------------------- deadline status


def deadlines(scope: DashScope, *, from_daily: bool = False) -> dict:
    """Running clocks now (正常 / 即将到期 / 已超期) and the overdue count at the end of each day (rollups)."""
    from minxin.rules.deadlines import due_soon_days
    from minxin.rules.models import CaseDeadline, DeadlineState

    today = clock.today()
    soon = today + dt.timedelta(days=due_soon_days())
    running = CaseDeadline.objects.filter(
        state=DeadlineState.RUNNING, paused_at__isnull=True, case__in=scope.cases().values("pk"))
    # Each case counts once, by its nearest running clock (as the case list shows it).
    agg = {"overdue": 0, "due_soon": 0, "normal": 0}
    for nearest in running.values("case").annotate(m=Min("due_on")).values_list("m", flat=True):
        agg["overdue" if nearest < today else "due_soon" if nearest <= soon else "normal"] += 1
    status = [
        {"key": "normal", "name": _("正常"), "value": agg["normal"], "url": scope.case_url(due="normal")},
        {"key": "due_soon", "name": _("即将到期"), "value": agg["due_soon"], "url": scope.case_url(due="soon")},
        {"key": "overdue", "name": _("已超期"), "value": agg["overdue"], "url": scope.case_url(overdue="on")},
    ]
    by_day = overdue_by_day(scope, from_daily=from_daily)
    days = [scope.start + dt.timedelta(days=i) for i in range((scope.end - scope.start).days + 1)][-MAX_BUCKETS:]
    return {"status": status, "trend": {"dates": [d.isoformat() for d in days], "overdue": [by_day.get(d, 0) or 0 for d in days]}}


# ---------------------------------------------------------------- ratings


def ratings(scope: DashScope) -> dict:
    """满意 / 基本满意 / 不满意 for 信访部门 and 责任单位 separately, by rating time."""
    lo = dt.datetime.combine(scope.start, dt.time.min, tzinfo=clock.now().tzinfo)
    hi = dt.datetime.combine(scope.end + dt.timedelta(days=1), dt.time.min, tzinfo=lo.tzinfo)
    qs = Rating.objects.filter(rated_at__gte=lo, rated_at__lt=hi, case__in=scope.cases().values("pk"))
    if scope.unit is not None:
        qs = qs.filter(unit=scope.unit)
    counts = {(t, s): n for t, s, n in qs.values_list("target", "score").annotate(n=Count("pk")).values_list("target", "score", "n")}
    targets = [(t, str(label)) for t, label in RatingTarget.choices]
    series = []
    for score, label in RatingScore.choices:
        series.append({"key": score, "name": str(label), "data": [counts.get((t, score), 0) for t, _l in targets]})
    summary = []
    for t, label in targets:
        total = sum(counts.get((t, s), 0) for s, _l in RatingScore.choices)
        good = counts.get((t, RatingScore.SATISFIED), 0) + counts.get((t, RatingScore.BASICALLY), 0)
        summary.append({"target": label, "total": total, "satisfied": good,
                        "rate": round(100 * good / total, 1) if total else None})
    return {"targets": [label for _t, label in targets], "series": series, "summary": summary}


# ---------------------------------------------------------------- scorecards


def scorecard_rows(scope: DashScope) -> list[dict]:
    from minxin.oversight import scorecard

    if scope.area is not None:
        cards = scorecard.scorecards(start=scope.start, end=scope.end, area=scope.area)
    else:
        cards = scorecard.scorecards(start=scope.start, end=scope.end, units=[scope.unit])
    rows = []
    for c in cards:
        d = c.as_dict()
        d["url"] = scope.case_url(unit=c.unit.code)
        d["kind"], d["level"] = c.unit.kind, c.unit.area.level
        rows.append(d)
    return rows


SCORECARD_CHART_N = 10  # top and bottom N of a group in the chart: readable bars at any city's size
SCORECARD_PAGE_SIZE = 25


def _group_label(kind: str, level: int) -> str:
    kind_label, level_label = str(UnitKind(kind).label), str(AreaLevel(level).label)
    return kind_label if kind_label == level_label else f"{level_label}级{kind_label}"


def scorecards(scope: DashScope, *, kind: str = "", level: int | None = None, page: int = 1) -> dict:
    """Scorecards of one group of like units (kind × level of area), ranked within the group.

    A 乡镇街道 and a 市级职能部门 are not compared: each group has its own ranking. The
    chart shows the group's top and bottom N; the table pages through the whole group.
    """
    rows = scorecard_rows(scope)
    kinds = [k for k, _l in UnitKind.choices]
    counts: dict[tuple[str, int], int] = {}
    for r in rows:
        counts[(r["kind"], r["level"])] = counts.get((r["kind"], r["level"]), 0) + 1
    keys = sorted(counts, key=lambda kl: (kl[1], kinds.index(kl[0])))
    groups = [{"kind": k, "level": lv, "label": _group_label(k, lv), "count": counts[(k, lv)]} for k, lv in keys]
    chosen = (kind, level) if (kind, level) in counts else (keys[0] if keys else None)
    members = [r for r in rows if (r["kind"], r["level"]) == chosen]
    # Units with nothing concluded are listed after the ranked ones, without rank or score.
    ranked = [r for r in members if r["ranked"]]
    for i, r in enumerate(ranked, start=1):
        r["group_rank"] = i
    n = SCORECARD_CHART_N
    if len(ranked) > 2 * n:
        chart = [r | {"band": "top"} for r in ranked[:n]] + [r | {"band": "bottom"} for r in ranked[-n:]]
    else:
        chart = [r | {"band": "all"} for r in ranked]
    pages = max(1, -(-len(members) // SCORECARD_PAGE_SIZE))
    page = min(max(1, page), pages)
    table = members[(page - 1) * SCORECARD_PAGE_SIZE: page * SCORECARD_PAGE_SIZE]
    for g in groups:
        g["current"] = (g["kind"], g["level"]) == chosen
    return {
        "rows": chart, "table": table, "groups": groups, "total": len(rows), "group_total": len(members),
        "group": _group_label(*chosen) if chosen else "", "kind": chosen[0] if chosen else "", "level": chosen[1] if chosen else None,
        "page": page, "pages": pages, "page_numbers": list(range(1, pages + 1)), "chart_n": n, "split": len(ranked) > 2 * n,
        "unranked": len(members) - len(ranked),
        "flagged": sum(1 for r in members if r["suppression"]["flagged"]),
    }


# ---------------------------------------------------------------- 督办


def supervision(scope: DashScope) -> dict:
    """督办单 issued in the period by level × state."""
    lo = dt.datetime.combine(scope.start, dt.time.min, tzinfo=clock.now().tzinfo)
    hi = dt.datetime.combine(scope.end + dt.timedelta(days=1), dt.time.min, tzinfo=lo.tzinfo)
    qs = Supervision.objects.filter(issued_at__gte=lo, issued_at__lt=hi, case__in=scope.cases().values("pk"))
    if scope.unit is not None:
        qs = qs.filter(Q(target_unit=scope.unit) | Q(issuing_unit=scope.unit))
    counts = {(lv, st): n for lv, st, n in qs.values_list("level", "state").annotate(n=Count("pk")).values_list("level", "state", "n")}
    levels = list(SupervisionLevel.choices)
    series = [{"key": st, "name": str(label), "data": [counts.get((lv, st), 0) for lv, _l in levels]}
              for st, label in SupervisionState.choices]
    return {"levels": [str(label) for _lv, label in levels], "series": series, "total": sum(counts.values()),
            "url": scope.case_url(supervised="on", **scope.period_filters())}


BOARDS = {
    "volume": gettext_lazy("信访量趋势"),
    "areas": gettext_lazy("区域分布"),
    "deadlines": gettext_lazy("期限状态"),
    "ratings": gettext_lazy("满意度评价"),
    "scorecards": gettext_lazy("单位考评"),
    "supervision": gettext_lazy("督办情况"),
}

SOURCES = {
    "volume": gettext_lazy("数据来自每日汇总。"),
    "areas": gettext_lazy("数据来自每日汇总。"),
    "deadlines": gettext_lazy("当前期限状态按每件事项最近的计时期限统计；超期趋势来自每日汇总。"),
    "ratings": gettext_lazy("按评价时间统计信访人评价，信访部门与责任单位分列。"),
    "scorecards": gettext_lazy("考评口径见“指标口径”页和考评配置；本期无有结果事项的单位无数据、不排名；“疑似压案”只提示核查，不计入得分。"),
    "supervision": gettext_lazy("按督办发出时间统计督办单。"),
}
