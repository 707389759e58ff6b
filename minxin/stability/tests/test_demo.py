"""The demo city's two worked 稳评 (minxin.stability.demo), made by the demo build."""

import datetime as dt

import pytest

from minxin.demo.build import build_demo
from minxin.demo.city import SMALL_CITY
from minxin.demo.generate import surge_week
from minxin.demo.provisional_calendar import ensure_demo_calendar
from minxin.stability.models import Decision, DecisionState

END = dt.date(2026, 11, 20)


@pytest.fixture
def worked_demo(db):
    ensure_demo_calendar(END)
    return build_demo(seed=1, cases=400, end_date=END, batch_size=200, size=SMALL_CITY, work_year=True)


def test_the_demo_has_a_postponed_demolition_and_a_decided_policy_change_whose_follow_up_finds_the_surge(worked_demo):
    assert worked_demo.year.counts["stability_assessments"] == 2
    demolition = Decision.objects.get(kind="demolition")
    a = demolition.assessment
    assert demolition.state == DecisionState.APPROVED and demolition.decided_on is None
    assert (a.level, a.conclusion) == ("red", "postpone") and a.approved_by.user.username == "county1_housing_leader"
    assert a.nearby_snapshot["cases"]["total"] > 0 and a.nearby_snapshot["matters"]
    policy = Decision.objects.get(kind="fee_policy")
    assert policy.decided_on == END - dt.timedelta(weeks=6)
    f = policy.follow_ups.get()
    assert f.verdict == "rise" and f.after_count > f.before_count
    assert surge_week(END).isoformat() in {al["period"] for al in f.alerts}
