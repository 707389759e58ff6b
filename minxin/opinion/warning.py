"""Opinion items as an early-warning series: weekly counts per 区县 × 领域, judged by risk's detectors.

Risk sits below this app and never imports it; this job counts its own items and hands each
series to `minxin.risk.warn.judge_counts`, the same path from counts to an alert that the case
series take (EARS for a short history, Farrington once there are years of it). An alarm is a
risk Alert of kind 舆情预警, raised once per (区县, 领域, week) however often the job runs.
Items without an area cannot be placed in a 区县's series and are not counted.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import Domain
from minxin.core import clock
from minxin.opinion.models import OpinionItem
from minxin.opinion.services import record, rematch
from minxin.org.models import Area, AreaLevel
from minxin.org.policies import SYSTEM
from minxin.risk.models import AlertKind, Frequency
from minxin.risk.warn import judge_counts, latest_period

HISTORY_WEEKS = 104
AREA_LEVEL = AreaLevel.COUNTY


@dataclass
class OpinionWarnSummary:
    series: int = 0
    judged: int = 0
    alarms: int = 0
    created: int = 0


# Items matched again per hourly sweep: enough for any feed's failures, bounded so one run stays short.
REMATCH_BATCH = 500


def _county_of(path: str, counties: dict[str, Area]) -> Area | None:
    parts = path.strip("/").split("/")
    for i in range(len(parts), 0, -1):
        hit = counties.get("/" + "/".join(parts[:i]) + "/")
        if hit is not None:
            return hit
    return None


def weekly_series(*, on: dt.date) -> tuple[list[dt.date], dict[tuple[int, int], dict]]:
    """(weeks, {(county id, domain id or 0): {"counts": [...], "heat": [...]}}) up to the latest complete week."""
    period = latest_period(Frequency.WEEKLY, on)
    end = period + dt.timedelta(days=7)
    tz = timezone.get_current_timezone()
    end_at = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    first = OpinionItem.objects.filter(area__isnull=False, published_at__lt=end_at).aggregate(m=Min("published_at"))["m"]
    if first is None:
        return [], {}
    start = max(timezone.localdate(first), end - dt.timedelta(weeks=HISTORY_WEEKS))
    start -= dt.timedelta(days=start.weekday())
    weeks = []
    d = start
    while d < end:
        weeks.append(d)
        d += dt.timedelta(days=7)
    index = {w: i for i, w in enumerate(weeks)}
    counties = {a.path: a for a in Area.objects.filter(level=AREA_LEVEL)}
    rows = (OpinionItem.objects.filter(area__isnull=False, published_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
                                       published_at__lt=end_at).values_list("area__path", "domain_id", "published_at", "heat"))
    series: dict = defaultdict(lambda: {"counts": [0] * len(weeks), "heat": [0] * len(weeks)})
    for path, domain_id, at, heat in rows:
        county = _county_of(path, counties)
        if county is None:
            continue
        day = timezone.localtime(at).date()
        i = index[day - dt.timedelta(days=day.weekday())]
        key = (county.pk, domain_id or 0)
        series[key]["counts"][i] += 1
        series[key]["heat"][i] += heat
    return weeks, series


def run_opinion_warnings(*, on: dt.date | None = None) -> OpinionWarnSummary:
    """Judge the latest complete week of every 区县 × 领域 series of opinion items. Idempotent."""
    on = on or clock.today()
    summary = OpinionWarnSummary()
    weeks, series = weekly_series(on=on)
    if len(weeks) < 2:
        return summary
    period = weeks[-1]
    areas = {a.pk: a for a in Area.objects.filter(pk__in={k[0] for k in series})}
    domains = {d.pk: d for d in Domain.objects.all()}
    for (area_id, value), s in sorted(series.items()):
        summary.series += 1
        counts = s["counts"]
        if counts[-1] == 0:
            continue
        area, domain = areas[area_id], domains.get(value)
        label = domain.name if domain else _("未分领域")
        outcome = judge_counts(
            counts, weeks, dedupe_key=f"opinion:{area_id}:{value}:{period.isoformat()}", kind=AlertKind.OPINION,
            title_for=lambda p, area=area, label=label: _("%(area)s%(label)s舆情信息异常增多（%(period)s当周）") % {
                "area": area.name, "label": label, "period": period.isoformat()},
            area=area, domain=domain,
            reasons_extra=[_("本周舆情信息%(n)d条，合计热度%(h)d；前%(w)d周平均每周%(avg).1f条") % {
                "n": counts[-1], "h": s["heat"][-1], "w": len(counts) - 1,
                "avg": sum(counts[:-1]) / max(1, len(counts) - 1)}],
            log_key=f"opinion:{area_id}:{value}",
        )
        if outcome is None or outcome.point is None:
            continue
        summary.judged += 1
        if outcome.point.alarm:
            summary.alarms += 1
            if outcome.created:
                summary.created += 1
                record("alert_raised", actor=SYSTEM, alert=outcome.alert.pk, area=area.code, domain=label,
                       period=period.isoformat(), observed=counts[-1])
    return summary


def sweep(today: dt.date | None = None, *, after_each=None) -> int:
    """Signature of oversight's SweepSpec.func: match again the items whose matching failed at intake
    (a bounded batch each hour), then run the opinion warning job; returns the alerts created."""
    rematch(list(OpinionItem.objects.filter(matched_at__isnull=True).order_by("pk")[:REMATCH_BATCH]))
    summary = run_opinion_warnings(on=today)
    if after_each:
        after_each()
    return summary.created
