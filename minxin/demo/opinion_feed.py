"""The demo city's public-opinion feed (舆情): a few dozen fictitious items sent through the opinion services.

As the city's monitoring service would send them (minxin.opinion.services.take_in, as the city
bureau's analyst): posts that retell recent demo cases and ledger disputes, talk about the current
hotspots, or are ordinary background; about half say their area, the rest are placed from the
place names in their text. One 区县 × 领域 (禾城区 · 房地产: a fictitious estate's delayed handover)
has a quiet quarter and then a burst in the last complete week, and the weekly opinion warning
job (minxin.opinion.warning) then raises its alert. Every name, link and number is made up.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from minxin.cases.models import Case, Domain
from minxin.core import clock
from minxin.opinion.services import take_in
from minxin.opinion.warning import run_opinion_warnings
from minxin.org.models import Area, AreaLevel, Staff
from minxin.risk.models import ACTIVE_DISPUTE_STATUSES, DisputeEntry
from minxin.risk.warn import latest_period

SOURCES = ("青禾市网络舆情监测中心·微博", "青禾市网络舆情监测中心·本地论坛", "青禾市网络舆情监测中心·短视频", "青禾市网络舆情监测中心·新闻客户端")
SPIKE_COUNTY = "禾城区"
SPIKE_DOMAIN = "房地产"
SPIKE_ESTATE = "锦澜苑"
QUIET = [1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0]  # the twelve weeks before the burst
BURST = 9
_OPENERS = ("网友发帖称：", "有网民爆料：", "本地论坛热帖：", "短视频博主反映：", "网友留言：")
_BACKGROUND = (
    "{place}一处路口红绿灯时长设置不合理，早晚高峰排长队，网友建议优化配时。",
    "{place}新开的农贸市场周边停车难，网友呼吁增设临时停车位。",
    "{place}公园夜间灯光太暗，散步的居民担心安全。",
    "网友称{place}公交线路调整后换乘不便，希望恢复原线路。",
)


@dataclass
class FeedResult:
    items: int = 0
    matched_cases: int = 0
    alerts: int = 0


def _at(day: dt.date, hour: int) -> str:
    return f"{day.isoformat()} {hour:02d}:{random.Random(day.toordinal() * 31 + hour).randint(0, 59):02d}"


def build_opinion_feed(*, seed: int, end_date: dt.date | None = None) -> FeedResult:
    """Send the feed as on the morning of `end_date` (default today): the clock is moved there, as the
    demo's year is replayed, so a demo built up to another day gets posts up to that day."""
    end = end_date or clock.today()
    with clock.moved_to(dt.datetime.combine(end, dt.time(8), tzinfo=timezone.get_current_timezone())):
        return _build(random.Random(f"opinion:{seed}"), end)


def _build(rng: random.Random, end: dt.date) -> FeedResult:
    actor = Staff.objects.select_related("user", "unit__area").get(user__username="city_analyst")
    link_no = iter(range(100001, 200000))
    rows: list[dict] = []

    def add(day, text, *, area=None, domain=None, heat=None, give_area=True):
        rows.append({
            "source": rng.choice(SOURCES), "published_at": _at(day, rng.randint(7, 22)), "text": text,
            "link": f"https://feed.qinghe.example.cn/p/{next(link_no)}", "heat": heat if heat is not None else rng.randint(50, 4000),
            "area_code": area.code if (area is not None and give_area) else "", "domain": domain.name if domain else "",
        })

    county = Area.objects.filter(name=SPIKE_COUNTY, level=AreaLevel.COUNTY).first()
    housing = Domain.objects.filter(name=SPIKE_DOMAIN).first()
    # Posts about recent cases outside the burst's county × domain (so the burst's series stays its own).
    since = clock.now() - dt.timedelta(days=30)
    cases = list(Case.objects.filter(received_at__gte=since).exclude(Q(area__path__startswith=county.path) & Q(domain=housing) if county else Q(pk=None))
                 .select_related("area", "domain").order_by("-received_at", "pk")[:200])
    rng.shuffle(cases)
    for i, case in enumerate(cases[:14]):
        body = case.content.split("。")[0][:90]
        day = max(timezone.localdate(case.received_at) + dt.timedelta(days=rng.randint(0, 3)), end - dt.timedelta(days=20))
        day = min(day, end - dt.timedelta(days=1))
        add(day, f"{rng.choice(_OPENERS)}{case.area.name}{case.subject}。{body}。", area=case.area, domain=case.domain,
            give_area=i % 2 == 0)
    # Posts about open disputes in the ledger.
    entries = list(DisputeEntry.objects.filter(status__in=ACTIVE_DISPUTE_STATUSES).exclude(
        Q(area__path__startswith=county.path) & Q(domain=housing) if county else Q(pk=None)).select_related("area", "domain")
                   .order_by("-screened_on", "pk")[:60])
    rng.shuffle(entries)
    for entry in entries[:6]:
        add(end - dt.timedelta(days=rng.randint(2, 25)), f"{rng.choice(_OPENERS)}{entry.area.name}{entry.summary}，至今没有解决。",
            area=entry.area, domain=entry.domain, give_area=rng.random() < 0.5)
    # Background chatter that matches nothing in particular.
    villages = list(Area.objects.filter(level=AreaLevel.TOWNSHIP).exclude(path__startswith=county.path if county else "-").order_by("code")[:40])
    for k in range(6):
        place = rng.choice(villages) if villages else None
        add(end - dt.timedelta(days=rng.randint(1, 60)), rng.choice(_BACKGROUND).format(place=place.name if place else "市区"), area=place,
            give_area=False)
    # The burst: a quiet quarter of posts about one estate's delayed handover, then many in one week.
    if county is not None and housing is not None:
        street = Area.objects.filter(parent=county).order_by("code").first() or county
        last = latest_period("weekly", end)
        weeks = [last - dt.timedelta(weeks=len(QUIET) - w) for w in range(len(QUIET))]
        for week, n in zip(weeks, QUIET):
            for _k in range(n):
                add(week + dt.timedelta(days=rng.randint(0, 6)), f"{street.name}{SPIKE_ESTATE}业主询问交房进度，开发商称正在办理竣工验收。",
                    area=street, domain=housing, heat=rng.randint(20, 200))
        for k in range(BURST):
            add(last + dt.timedelta(days=k % 7), f"{rng.choice(_OPENERS)}{street.name}{SPIKE_ESTATE}逾期一年仍未交房，数十名业主聚集售楼处维权，"
                f"要求开发商给出明确交房时间并按合同赔偿（第{k + 1}条相关帖）。", area=street, domain=housing, heat=rng.randint(2000, 30000))
    result = FeedResult()
    for start in range(0, len(rows), 50):
        outcomes = take_in(rows[start:start + 50], actor=actor)
        result.items += sum(o.created for o in outcomes)
        result.matched_cases += sum(1 for o in outcomes if o.item.matches.filter(kind="case").exists())
    result.alerts = run_opinion_warnings(on=end).created
    return result
