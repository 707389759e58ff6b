"""Weekly opinion counts per 区县 × 领域 judged by risk's detectors; a spike raises one risk alert."""

import datetime as dt

import pytest

from minxin.opinion import services
from minxin.opinion.models import OpinionEvent
from minxin.opinion.warning import run_opinion_warnings, weekly_series
from minxin.org.policies import SYSTEM
from minxin.risk.models import Alert, AlertKind

pytestmark = pytest.mark.django_db

BASELINE = [1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0]  # 12 weeks before the judged one
FIRST_MONDAY = dt.date(2025, 12, 1)  # the judged week (clock: Mon 2026-03-02) is 2026-02-23


def _feed(city, counts, *, area="east1v", domain="房地产"):
    rows = []
    for w, n in enumerate(counts):
        day = FIRST_MONDAY + dt.timedelta(weeks=w, days=2)
        for k in range(n):
            rows.append({"source": "市网络舆情监测中心", "published_at": f"{day.isoformat()} {9 + k % 10}:00",
                         "text": f"网友反映小区问题（第{w}周第{k}条）", "link": f"https://example.cn/{area}/{w}/{k}", "heat": 10 * (k + 1),
                         "area_code": city.areas[area].code, "domain": domain})
    services.take_in(rows, actor=SYSTEM, via="excel", match=False)


def test_the_series_counts_items_by_county_domain_and_week(city, clock):
    _feed(city, [*BASELINE, 3])
    weeks, series = weekly_series(on=dt.date(2026, 3, 2))
    assert weeks[0] == FIRST_MONDAY and weeks[-1] == dt.date(2026, 2, 23)
    [(key, s)] = series.items()
    assert key[0] == city.areas["east"].pk
    assert s["counts"] == [*BASELINE, 3] and s["heat"][-1] == 60


def test_a_spike_raises_one_opinion_alert_for_the_county_and_domain(city, clock):
    _feed(city, [*BASELINE, 9])
    summary = run_opinion_warnings(on=dt.date(2026, 3, 2))
    assert summary.alarms == 1 and summary.created == 1
    alert = Alert.objects.get(kind=AlertKind.OPINION)
    assert alert.area == city.areas["east"] and alert.domain.name == "房地产"
    assert alert.period_start == dt.date(2026, 2, 23) and alert.observed == 9
    assert "舆情信息异常增多" in alert.title and any("本周舆情信息9条" in r for r in alert.reasons)
    assert alert.chart["counts"][-1] == 9
    assert OpinionEvent.objects.filter(action="alert_raised").count() == 1
    again = run_opinion_warnings(on=dt.date(2026, 3, 2))
    assert again.alarms == 1 and again.created == 0
    assert Alert.objects.filter(kind=AlertKind.OPINION).count() == 1


def test_an_ordinary_week_raises_nothing(city, clock):
    _feed(city, [*BASELINE, 1])
    summary = run_opinion_warnings(on=dt.date(2026, 3, 2))
    assert summary.judged == 1 and summary.alarms == 0
    assert not Alert.objects.filter(kind=AlertKind.OPINION).exists()


def test_the_spike_is_visible_in_the_alert_inbox_of_the_county(city, clock):
    _feed(city, [*BASELINE, 9])
    run_opinion_warnings(on=dt.date(2026, 3, 2))
    from minxin.risk.alerts import alerts_visible_to

    assert alerts_visible_to(city.staff["east_leader"]).filter(kind=AlertKind.OPINION).count() == 1
    assert not alerts_visible_to(city.staff["west_registrar"]).filter(kind=AlertKind.OPINION).exists()


def test_the_hourly_sweep_matches_items_whose_matching_has_not_run(city, clock):
    from minxin.opinion.models import OpinionItem
    from minxin.opinion.warning import sweep

    _feed(city, [1])  # taken in with match=False, as if matching had failed at intake
    assert OpinionItem.objects.filter(matched_at__isnull=True).count() == 1
    sweep(dt.date(2026, 3, 2))
    assert OpinionItem.objects.filter(matched_at__isnull=True).count() == 0
