"""Reads for 稳评: the register, matters found near a decision, and the follow-up series.

Nearby matters: the petitions (cases) and ledger entries of the decision's area and
everything below it, in its domain, over the past year, that the person looking may see.
检举控告 are left out: they accuse people, they are not a decision's social risk, and
their content must not travel. The texts are grouped into matters by the hotspot
clustering (minxin.risk.hotspots) and ranked by its heat index, so "the same estate's
demolition compensation" shows as one line with its counts rather than forty rows.

Follow-up: the weekly count of cases in the decision's area and domain is built with the
warning job's own series code (minxin.risk.warn.daily_counts) and judged week by week by
its detector (minxin.risk.warning.detect); the alerts the warning job raised for that area
(or its county above it, or places below it) and domain are listed beside it.
"""

import datetime as dt
import math
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import OPEN_STATES, Case, Category
from minxin.cases.policies import visible_cases
from minxin.core import clock
from minxin.core.errors import NotFound
from minxin.risk import policies as risk_policies
from minxin.risk.alerts import alerts_visible_to
from minxin.risk.models import ACTIVE_DISPUTE_STATUSES, AlertKind, DisputeEntry, Dimension, Frequency, RiskLevel, WatchedSeries
from minxin.stability import policies
from minxin.stability.models import Decision

NEARBY_DAYS = 365
NEARBY_CASE_LIMIT = 2000
NEARBY_TOP = 10
FOLLOW_UP_WEEKS = 8
# The weeks of history the detector sees before the chart window (Farrington wants 3 years).
HISTORY_WEEKS = 5 * 52 + 30
CHART_WEEKS_BEFORE = 26


def decisions_visible_to(staff):
    return policies.decisions_visible(Decision.objects.all(), staff)


def get_decision(staff, pk: int) -> Decision:
    d = (decisions_visible_to(staff).select_related("area", "domain", "responsible_unit", "created_by__unit")
         .filter(pk=pk).first())
    if d is None:
        raise NotFound(_("未找到编号为%(pk)s的决策事项，或您无权查看") % {"pk": pk})
    return d


# ---------------------------------------------------------------- nearby matters


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def nearby_matters(decision: Decision, *, staff, as_of: dt.date | None = None, days: int = NEARBY_DAYS, top: int = NEARBY_TOP) -> dict:
    """Cases and ledger entries near `decision` (its area and below, its domain, the `days` before
    `as_of`), grouped into matters and ranked; JSON-ready so a concluded assessment keeps it."""
    from minxin.risk.hotspots import Message, find_hotspots

    as_of = as_of or clock.today()
    since = as_of - dt.timedelta(days=days)
    path = decision.area.path
    cases = list(
        visible_cases(staff)
        .filter(area__path__startswith=path, domain=decision.domain, received_at__gte=_day_start(since), received_at__lt=_day_start(as_of + dt.timedelta(days=1)))
        .exclude(category=Category.ACCUSATION)
        .order_by("-received_at", "-pk")
        .values("pk", "number", "subject", "content", "received_at", "state", "is_collective", "people_count", "area__code", "area__name")[:NEARBY_CASE_LIMIT]
    )
    entries = list(
        risk_policies.entries_visible(DisputeEntry.objects.all(), staff)
        .filter(area__path__startswith=path, domain=decision.domain, screened_on__gte=since, screened_on__lte=as_of)
        .order_by("-screened_on", "-pk")
        .values("pk", "summary", "screened_on", "status", "level", "people_count", "area__code", "area__name")
    )
    summary = {
        "as_of": as_of.isoformat(),
        "days": days,
        "area": decision.area.name,
        "domain": decision.domain.name,
        # Whose view this is: a 信访部门 sees every case of its area, a unit only those routed to it.
        "viewer": getattr(getattr(staff, "unit", None), "name", ""),
        "cases": {
            "total": len(cases),
            "collective": sum(1 for c in cases if c["is_collective"]),
            "open": sum(1 for c in cases if c["state"] in OPEN_STATES),
            "people": sum(c["people_count"] for c in cases),
        },
        "entries": {
            "total": len(entries),
            "active": sum(1 for e in entries if e["status"] in ACTIVE_DISPUTE_STATUSES),
            "by_level": {lv: sum(1 for e in entries if e["level"] == lv) for lv in RiskLevel.values},
            "people": sum(e["people_count"] for e in entries),
        },
        "matters": [],
    }
    messages = [
        Message(id=("case", c["pk"], c["number"]), title=c["subject"], text=(c["content"] or "")[:1000],
                at=timezone.localdate(c["received_at"]), area=c["area__code"] or "", area_path=(c["area__name"],))
        for c in cases
    ] + [
        Message(id=("entry", e["pk"], ""), title=e["summary"][:200], text=e["summary"], at=e["screened_on"], area=e["area__code"] or "",
                area_path=(e["area__name"],))
        for e in entries
    ]
    if not messages:
        return summary
    people = {m.id: n for m, n in zip(messages, [c["people_count"] for c in cases] + [e["people_count"] for e in entries], strict=True)}
    topics = find_hotspots(messages, min_size=1, start=since, end=as_of)
    for t in topics[:top]:
        ids = [messages[i].id for i in t.members]
        case_ids = [(pk, number) for kind, pk, number in ids if kind == "case"]
        entry_ids = [pk for kind, pk, _n in ids if kind == "entry"]
        summary["matters"].append({
            "title": t.title or (messages[t.members[0]].text[:40]),
            "keywords": t.keywords[:6],
            "cases": len(case_ids),
            "entries": len(entry_ids),
            "people": sum(people[i] for i in ids),
            "newest": t.newest.isoformat() if t.newest else None,
            "heat": round(t.heat, 2),
            "examples": [{"id": pk, "number": number} for pk, number in case_ids[:5]],
            "entry_ids": entry_ids[:5],
            "places": [name for name, _n in t.places[:3]],
        })
    return summary


# ---------------------------------------------------------------- follow-up


def pivot_of(decision: Decision) -> dt.date:
    """The day the decision took effect: the recorded date, else the planned one."""
    return decision.decided_on or decision.planned_on


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_counts(decision: Decision, start: dt.date, end: dt.date) -> tuple[list[dt.date], list[int]]:
    """Cases per week (Mondays in [start, end)) in the decision's area and below, its domain.

    The counting is the warning job's (daily_counts of a watched series rooted at the area),
    so this is the same series the early warning judges, only narrowed to one area."""
    from minxin.risk.warn import daily_counts

    ws = WatchedSeries(name="稳评跟踪", root=decision.area, area_level=decision.area.level, dimension=Dimension.DOMAIN,
                       frequency=Frequency.WEEKLY)
    counts, _source = daily_counts(ws, start, end)
    weeks: dict[dt.date, int] = defaultdict(int)
    for (_area_id, value), by_day in counts.items():
        if value != decision.domain_id:
            continue
        for day, n in by_day.items():
            weeks[_monday(day)] += n
    periods = []
    d = start
    while d < end:
        periods.append(d)
        d += dt.timedelta(days=7)
    return periods, [weeks.get(p, 0) for p in periods]


def compare(before: int, after: int, weeks: int) -> dict:
    """Is `after` higher than `before` beyond chance? Under equal weekly rates the after count,
    given the total, is Binomial(total, 1/2): a one-sided exact test each way."""
    if weeks <= 0:
        return {"verdict": "pending", "label": str(_("决策后尚无完整的周")), "p_value": None}
    from scipy.stats import binomtest

    total = before + after
    if total == 0:
        return {"verdict": "flat", "label": str(_("前后均无信访")), "p_value": 1.0}
    up = binomtest(after, total, 0.5, alternative="greater").pvalue
    down = binomtest(after, total, 0.5, alternative="less").pvalue
    if after > before and up < 0.05:
        return {"verdict": "rise", "label": str(_("明显上升")), "p_value": float(up)}
    if after < before and down < 0.05:
        return {"verdict": "fall", "label": str(_("明显下降")), "p_value": float(down)}
    return {"verdict": "flat", "label": str(_("无明显变化")), "p_value": float(min(up, down))}


def related_alerts(decision: Decision, *, staff, since: dt.date, until: dt.date):
    """Statistical alerts of the decision's domain for its area, an area above it or below it."""
    parts = decision.area.path.strip("/").split("/")
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return (alerts_visible_to(staff).filter(kind=AlertKind.STATISTICAL, domain=decision.domain,
                                            period_start__gte=since, period_start__lt=until)
            .filter(Q(area__path__startswith=decision.area.path) | Q(area__path__in=ancestors))
            .select_related("area").order_by("period_start", "pk"))


def follow_up(decision: Decision, *, staff, on: dt.date | None = None, weeks: int = FOLLOW_UP_WEEKS) -> dict:
    """Weekly series around the decision with the detector's verdict per week, the before/after
    comparison over `weeks` weeks and the related warning alerts. JSON-ready."""
    from minxin.risk.warning import WarningInputError, detect

    on = on or clock.today()
    pivot = pivot_of(decision)
    last_complete = _monday(on)  # exclusive end: the current week is not complete
    chart_start = _monday(pivot) - dt.timedelta(weeks=CHART_WEEKS_BEFORE)
    chart_end = max(last_complete, _monday(pivot) + dt.timedelta(weeks=1))
    history_start = chart_start - dt.timedelta(weeks=HISTORY_WEEKS)
    first = Case.objects.filter(area__path__startswith=decision.area.path).order_by("received_at").values_list("received_at", flat=True).first()
    if first is not None:
        history_start = max(history_start, _monday(timezone.localdate(first)))
    history_start = min(history_start, chart_start)
    periods, counts = weekly_counts(decision, history_start, chart_end)
    shown = [i for i, p in enumerate(periods) if p >= chart_start]
    # The detector judges only the weeks already over; weeks after `on` are not drawn.
    judged = [i for i in shown if periods[i] < last_complete]
    points = {}
    if judged and any(counts[: judged[-1] + 1]):
        try:
            res = detect(counts[: judged[-1] + 1], periods[: judged[-1] + 1], only_last=len(judged))
            points = {p.date: p for p in res}
        except WarningInputError:
            points = {}
    # Before/after: whole weeks on each side; the decision's own week is left out unless it starts on a Monday.
    after_start = pivot if pivot.weekday() == 0 else _monday(pivot) + dt.timedelta(weeks=1)
    before_end = _monday(pivot)
    n_after = max(0, min(weeks, (last_complete - after_start).days // 7))
    idx = {p: i for i, p in enumerate(periods)}

    def total(start: dt.date, n: int) -> int:
        return sum(counts[idx[start + dt.timedelta(weeks=k)]] for k in range(n) if start + dt.timedelta(weeks=k) in idx)

    before = total(before_end - dt.timedelta(weeks=n_after), n_after)
    after = total(after_start, n_after)
    alerts = list(related_alerts(decision, staff=staff, since=chart_start, until=chart_end))

    def num(x):
        return None if x is None or not math.isfinite(x) else round(float(x), 2)

    chart_dates = [periods[i].isoformat() for i in judged]
    return {
        "pivot": pivot.isoformat(),
        "pivot_week": _monday(pivot).isoformat(),
        "weeks": n_after,
        "before": before,
        "after": after,
        **compare(before, after, n_after),
        "chart": {
            "dates": chart_dates,
            "counts": [counts[i] for i in judged],
            "upper": [num(points[periods[i]].upper) if periods[i] in points else None for i in judged],
            "alarms": [bool(points[periods[i]].alarm) if periods[i] in points else False for i in judged],
            "pivot": _monday(pivot).isoformat(),
        },
        "alarm_weeks": [periods[i].isoformat() for i in judged if periods[i] in points and points[periods[i]].alarm],
        "alerts": [
            {"id": a.pk, "title": a.title, "area": a.area.name, "period": a.period_start.isoformat(), "level": a.level,
             "level_label": a.get_level_display(), "observed": a.observed}
            for a in alerts
        ],
    }
