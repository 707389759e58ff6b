"""The warning job: build count series from cases, judge the latest period, raise alerts.

For each active WatchedSeries, cases received in the look-back window are
counted with one grouped query per series row (area × domain-or-category ×
day), rolled up in Python to the ancestor area at the watched level and to
weeks, and handed to `minxin.risk.warning.detect` for the latest complete
period only. An alarm becomes an Alert keyed by (series, area, value, period),
so running the job twice — or on two workers at once — raises it once.

When oversight's DailyRollup has been computed for every day of the window it
is read instead of the cases table (dashboards keep it current; it is much
smaller at scale).
"""

import datetime as dt
import logging
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import Case, Category, Domain
from minxin.core import clock
from minxin.org.models import Area
from minxin.risk.alerts import raise_alert
from minxin.risk.models import AlertKind, Dimension, Frequency, RiskLevel, WatchedSeries
from minxin.risk.warning import EarsConfig, FarringtonConfig, WarningInputError, detect

log = logging.getLogger(__name__)


@dataclass
class WarnSummary:
    series: int = 0
    judged: int = 0
    alarms: int = 0
    created: int = 0
    source: str = "cases"


def latest_period(freq: str, on: dt.date) -> dt.date:
    """Start of the latest complete period before `on` (a Monday for weeks)."""
    if freq == Frequency.DAILY:
        return on - dt.timedelta(days=1)
    monday = on - dt.timedelta(days=on.weekday())
    return monday - dt.timedelta(days=7)


def _day_range(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(end, dt.time.min, tzinfo=tz)


def _rollup_complete(start: dt.date, end: dt.date) -> bool:
    try:
        from minxin.oversight.models import RollupDay
    except ImportError:
        return False
    days = (end - start).days
    return days > 0 and RollupDay.objects.filter(date__gte=start, date__lt=end, computed_at__isnull=False).count() == days


def daily_counts(ws: WatchedSeries, start: dt.date, end: dt.date) -> tuple[dict, str]:
    """{(area_id, value): {date: n}} for leaf areas under the series' root, days in [start, end)."""
    root_path = ws.root.path if ws.root_id else "/"
    dim_case = "domain_id" if ws.dimension == Dimension.DOMAIN else "category"
    out: dict = defaultdict(lambda: defaultdict(int))
    if _rollup_complete(start, end):
        from minxin.oversight.models import DailyRollup

        dim = "domain_id_key" if ws.dimension == Dimension.DOMAIN else "category"
        rows = (DailyRollup.objects.filter(date__gte=start, date__lt=end, area__path__startswith=root_path)
                .values("area_id", dim, "date").annotate(n=Sum("received")))
        for r in rows:
            if r["n"]:
                out[(r["area_id"], r[dim] or 0)][r["date"]] += r["n"]
        return out, "rollup"
    lo, hi = _day_range(start, end)
    rows = (Case.objects.filter(received_at__gte=lo, received_at__lt=hi, area__path__startswith=root_path)
            .annotate(day=TruncDate("received_at")).values("area_id", dim_case, "day").annotate(n=Count("id")).order_by())
    for r in rows:
        out[(r["area_id"], r[dim_case] or 0)][r["day"]] += r["n"]
    return out, "cases"


def _ancestor_map(ws: WatchedSeries, area_ids) -> dict[int, Area]:
    """Leaf area id → its ancestor at the watched level (areas above that level are dropped)."""
    targets = {}
    root_path = ws.root.path if ws.root_id else "/"
    for a in Area.objects.filter(level=ws.area_level, path__startswith=root_path):
        targets[a.path] = a
    paths = dict(Area.objects.filter(pk__in=set(area_ids)).values_list("pk", "path"))
    out = {}
    for pk, path in paths.items():
        parts = path.strip("/").split("/")
        for i in range(len(parts), 0, -1):
            hit = targets.get("/" + "/".join(parts[:i]) + "/")
            if hit is not None:
                out[pk] = hit
                break
    return out


def _level_for(score: float | None) -> str:
    if score is None or not math.isfinite(score) or score >= 3:
        return RiskLevel.RED
    return RiskLevel.ORANGE if score >= 2 else RiskLevel.YELLOW


def _value_label(ws: WatchedSeries, value, domains: dict) -> str:
    if ws.dimension == Dimension.DOMAIN:
        d = domains.get(value)
        return d.name if d else str(_("未分领域"))
    try:
        return str(Category(value).label)
    except ValueError:
        return str(value)


def run_series(ws: WatchedSeries, *, on: dt.date, summary: WarnSummary | None = None) -> WarnSummary:
    summary = summary or WarnSummary()
    summary.series += 1
    period = latest_period(ws.frequency, on)
    step = 7 if ws.frequency == Frequency.WEEKLY else 1
    end = period + dt.timedelta(days=step)  # exclusive
    start = end - dt.timedelta(weeks=ws.history_weeks)
    root_path = ws.root.path if ws.root_id else "/"
    first = Case.objects.filter(area__path__startswith=root_path, received_at__lt=_day_range(end, end)[0]).aggregate(m=Min("received_at"))["m"]
    if first is None:
        return summary
    first_day = timezone.localdate(first)
    if first_day > start:
        start = first_day
    if ws.frequency == Frequency.WEEKLY:
        start = start - dt.timedelta(days=start.weekday())
    periods = list(_periods(start, end, step))
    if len(periods) < 2:
        return summary
    counts, source = daily_counts(ws, start, end)
    summary.source = source
    ancestors = _ancestor_map(ws, {a for a, _v in counts})
    grouped: dict = defaultdict(lambda: defaultdict(int))
    for (area_id, value), days in counts.items():
        target = ancestors.get(area_id)
        if target is None:
            continue
        for day, n in days.items():
            bucket = day - dt.timedelta(days=day.weekday()) if step == 7 else day
            grouped[(target.pk, value)][bucket] += n
    areas = {a.pk: a for a in Area.objects.filter(pk__in={k[0] for k in grouped})}
    domains = {d.pk: d for d in Domain.objects.all()}
    for (area_id, value), by_period in grouped.items():
        series = [by_period.get(p, 0) for p in periods]
        if series[-1] == 0:
            continue  # nothing observed: no alarm is possible (detect never alarms on 0)
        outcome = judge_counts(
            series, periods, dedupe_key=f"stat:{ws.pk}:{area_id}:{value}:{period.isoformat()}", kind=AlertKind.STATISTICAL,
            title_for=lambda p, area=areas[area_id], label=_value_label(ws, value, domains): _("%(area)s%(label)s信访量异常升高（%(period)s）") % {
                "area": area.name, "label": label, "period": period.isoformat()},
            area=areas[area_id], domain=domains.get(value) if ws.dimension == Dimension.DOMAIN else None,
            category=value if ws.dimension == Dimension.CATEGORY else "", series_row=ws,
            method=ws.method, alpha=ws.alpha, ears_threshold=ws.ears_threshold, log_key=ws.pk,
        )
        if outcome is None:
            continue
        summary.judged += 1
        if outcome.point is not None and outcome.point.alarm:
            summary.alarms += 1
            summary.created += outcome.created
    return summary


@dataclass
class Judged:
    point: object  # the detector's WarningPoint for the latest period (None: nothing to judge)
    alert: object = None  # the Alert raised (or found) on an alarm
    created: bool = False


def judge_counts(series: list[int], periods: list[dt.date], *, dedupe_key: str, kind: str, title_for, area: Area,
                 domain: Domain | None = None, category: str = "", series_row: WatchedSeries | None = None,
                 method: str = "auto", alpha: float = 0.005, ears_threshold: float = 3.0, log_key=None,
                 reasons_extra: list[str] | None = None) -> Judged | None:
    """Judge the latest period of one equally spaced count series and, on an alarm, raise an alert.

    The one path from a count series to an alert: the cases job above uses it, and so may any
    domain above risk that counts something of its own per area (public-opinion items, say) --
    risk never imports those domains; they call this with their counts. `title_for(point)` words
    the alert; `dedupe_key` makes a rerun raise it once. None when the series cannot be judged.
    """
    try:
        found = detect(series, periods, method=method, farrington=FarringtonConfig(alpha=alpha),
                       ears_config=EarsConfig(threshold=ears_threshold), only_last=1)
    except WarningInputError as exc:
        log.warning("warning series %s skipped: %s", log_key or dedupe_key, exc)
        return None
    if not found:
        return Judged(point=None)
    p = found[0]
    out = Judged(point=p)
    if not p.alarm:
        return out
    step = (periods[-1] - periods[-2]).days if len(periods) > 1 else 7
    chart_n = 52 if step == 7 else 90
    out.alert, out.created = raise_alert(
        dedupe_key=dedupe_key,
        kind=kind,
        level=_level_for(p.score),
        title=title_for(p),
        area=area,
        domain=domain,
        category=category,
        series=series_row,
        period_start=periods[-1],
        observed=p.observed,
        expected=p.expected,
        upper=p.upper if p.upper is None or math.isfinite(p.upper) else None,
        score=p.score if p.score is None or math.isfinite(p.score) else None,
        explanation=p.explanation,
        reasons=[p.explanation, *(reasons_extra or [])],
        chart={
            "dates": [d.isoformat() for d in periods[-chart_n:]],
            "counts": list(series[-chart_n:]),
            "expected": p.expected,
            "upper": p.as_dict()["upper"],
            "method": p.method,
            "period": p.period,
        },
    )
    return out


def _periods(start: dt.date, end: dt.date, step: int):
    d = start
    while d < end:
        yield d
        d += dt.timedelta(days=step)


def run_warnings(*, on: dt.date | None = None, series_ids=None) -> WarnSummary:
    """Judge the latest complete period of every active watched series. Idempotent."""
    on = on or clock.today()
    summary = WarnSummary()
    qs = WatchedSeries.objects.filter(is_active=True).select_related("root")
    if series_ids:
        qs = qs.filter(pk__in=series_ids)
    for ws in qs:
        run_series(ws, on=on, summary=summary)
    return summary


def sweep(today: dt.date | None = None, *, after_each=None) -> int:
    """Signature of oversight's SweepSpec.func: run the warning job, return the alerts created."""
    summary = run_warnings(on=today)
    if after_each:
        after_each()
    return summary.created
