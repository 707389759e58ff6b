"""Follow-up after a decision: the same weekly series the early warning judges, before vs after,
with the detector's alarm weeks and the warning alerts of the area and domain."""

import datetime as dt

import pytest
import time_machine

from minxin.risk import alerts
from minxin.risk.models import AlertKind, RiskLevel
from minxin.risk.tests.factories import bulk_cases, domain
from minxin.stability import selectors, services
from minxin.stability.tests.helpers import NOW, TODAY, concluded

DECIDED = dt.date(2026, 2, 9)  # a Monday, eight weeks before the frozen Monday 2026-04-06


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def weekly(n_per_week: dict) -> dict:
    """{monday: n} → cases on the Tuesday of each week."""
    return {monday + dt.timedelta(days=1): n for monday, n in n_per_week.items() if n}


def taken(city):
    d = concluded(city, planned_on=DECIDED)
    services.approve_assessment(d, actor=city.staff["city_leader"])
    return d


def test_counts_before_and_after_are_compared_week_for_week(city):
    mondays = [DECIDED + dt.timedelta(weeks=k) for k in range(-30, 8)]
    counts = {m: (1 if m < DECIDED else 4) for m in mondays}
    bulk_cases(city, area="east1v", per_day=weekly(counts))
    bulk_cases(city, area="west1v", per_day=weekly({m: 9 for m in mondays}))  # a sibling: not counted
    d = taken(city)
    f = services.record_follow_up(d, actor=city.staff["east_leader"], weeks=8)
    assert (f.weeks, f.before_count, f.after_count) == (8, 8, 32)
    assert f.verdict == "rise" and f.p_value < 0.001


def test_no_change_is_said_to_be_no_change(city):
    mondays = [DECIDED + dt.timedelta(weeks=k) for k in range(-30, 8)]
    bulk_cases(city, area="grid1", per_day=weekly({m: 2 for m in mondays}))
    d = taken(city)
    out = selectors.follow_up(d, staff=city.staff["east_leader"], weeks=8)
    assert (out["before"], out["after"], out["verdict"]) == (16, 16, "flat")


def test_the_chart_marks_the_decision_week_and_the_detectors_alarm_week(city):
    mondays = [DECIDED + dt.timedelta(weeks=k) for k in range(-30, 8)]
    surge = DECIDED + dt.timedelta(weeks=3)
    bulk_cases(city, area="east1v", per_day=weekly({m: (15 if m == surge else 1 + (m.toordinal() // 7) % 2) for m in mondays}))
    d = taken(city)
    out = selectors.follow_up(d, staff=city.staff["east_leader"])
    chart = out["chart"]
    assert chart["pivot"] == DECIDED.isoformat() and DECIDED.isoformat() in chart["dates"]
    assert chart["dates"][-1] == (TODAY - dt.timedelta(days=TODAY.weekday() + 7)).isoformat()  # last complete week
    assert out["alarm_weeks"] == [surge.isoformat()]
    assert chart["alarms"][chart["dates"].index(surge.isoformat())] is True
    assert len(chart["upper"]) == len(chart["counts"]) == len(chart["dates"])


def test_warning_alerts_of_the_county_above_and_places_below_are_linked_not_the_siblings(city):
    d = taken(city)
    housing = domain("房地产")

    def alert(key, area, period, dom=housing):
        return alerts.raise_alert(dedupe_key=key, kind=AlertKind.STATISTICAL, level=RiskLevel.ORANGE, title=f"{key}异常",
                                  area=city.areas[area], domain=dom, period_start=period)[0]

    above = alert("county", "east", DECIDED + dt.timedelta(weeks=2))
    below = alert("village", "east1v", DECIDED + dt.timedelta(weeks=3))
    alert("sibling", "east2", DECIDED + dt.timedelta(weeks=2))
    alert("other-domain", "east", DECIDED + dt.timedelta(weeks=2), dom=domain("劳动关系"))
    alert("long-ago", "east", DECIDED - dt.timedelta(weeks=60))
    out = selectors.follow_up(d, staff=city.staff["east_leader"])
    assert [a["id"] for a in out["alerts"]] == [above.pk, below.pk]
    f = services.record_follow_up(d, actor=city.staff["east_leader"])
    assert [a["title"] for a in f.alerts] == ["county异常", "village异常"]


@pytest.mark.parametrize("before, after, verdict", [(10, 30, "rise"), (30, 10, "fall"), (12, 15, "flat"), (0, 0, "flat")])
def test_compare_is_an_exact_test_each_way(before, after, verdict):
    assert selectors.compare(before, after, 8)["verdict"] == verdict


def test_compare_without_a_whole_week_after_says_so():
    assert selectors.compare(0, 0, 0)["verdict"] == "pending"
