"""Every metric on a hand-built month whose answers are worked out in the comments."""

import datetime as dt

import pytest

from minxin.oversight.metrics import METRICS, Scope, compute, definitions_markdown, metric_definitions
from minxin.oversight.tests.conftest import person

pytestmark = pytest.mark.django_db

MARCH = dict(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
APRIL = dict(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))


def at(flow, day):
    from minxin.core import clock

    flow.advance(days=(day - clock.today()).days)


@pytest.fixture
def month(flow, city):
    """
    2026-03-02  A: registered, transferred to 东城住建, accepted (route 六), opinion delivered.
                B, C: registered at 东城区信访局 and left.
                D: 建议意见, assigned to 东城住建 for 5 days, accepted.
                F: 建议意见, transferred to 东城人社, accepted, closed.
                A rated: bureau 满意, unit 基本满意.
    2026-03-10  D: 办结报告 (late: due 03-07), accepted by the bureau → closed. D rated: unit 不满意.
    2026-03-20  B: transferred (late: due 03-17), accepted, opinion delivered.
                督办 on C (to 东城区信访局) and on B (to 东城住建).
    2026-03-22  东城区信访局 replies to the 督办 on C (2 days).
    2026-03-25  A: 复查 requested.   2026-03-28  A: 复查 decision 撤销.
    2026-04-10  E: B's petitioner again.  G: registered at 市信访局 for 东一社区 (越级).
    Evaluated on 2026-04-25, after the rating sweep.
    """
    from minxin.cases.services import assign_case, decide_review, request_review, review_report, submit_report
    from minxin.oversight.ratings import open_rating_windows, record_rating
    from minxin.oversight.supervision import issue_supervision, reply_to_supervision

    s, u = city.staff, city.units
    # 复查 by 市住建局 must name a 复核 body (Art. 36); the test city leaves its 上一级 unset.
    u["city_housing"].parent = u["city_bureau"]
    u["city_housing"].save(update_fields=["parent"])
    # A township 信访办 makes 东城区信访局 the lawful 上一级 and 市信访局 two levels up (Art. 20).
    from minxin.org import services as org

    org.create_unit(code="B-EAST1", name="东一街道信访办", kind="petition", area=city.areas["east1"], parent=u["east_bureau"])
    pB = person("王五")
    A = flow.opinion_case()
    B = flow.register(petitioners=[pB])
    C = flow.register()
    D = flow.register(category="suggestion")
    D = flow.accept(assign_case(D, actor=s["east_registrar"], unit=u["east_housing"], days=5))
    F = flow.register(category="suggestion")
    F = flow.close(flow.accept(flow.transfer(F, unit="east_hr"), handler="east_hr_handler"), handler="east_hr_handler")
    pa = A.parties.first().petitioner
    record_rating(A, target="bureau", score="satisfied", rater_petitioner=pa)
    record_rating(A, target="unit", score="basically", rater_petitioner=pa)

    at(flow, dt.date(2026, 3, 10))
    D = submit_report(D, actor=s["east_housing_handler"], process="已研究", result="已采纳")
    D = review_report(D, actor=s["east_registrar"], accept=True)
    record_rating(D, target="unit", score="unsatisfied", rater_petitioner=D.parties.first().petitioner)

    at(flow, dt.date(2026, 3, 20))
    B = flow.opinion(flow.accept(flow.transfer(B)))
    sup_c = issue_supervision(C, actor=s["city_supervisor"], ground="delay", reason="超期未转送")
    issue_supervision(B, actor=s["city_supervisor"], ground="delay", reason="超期未受理")

    at(flow, dt.date(2026, 3, 22))
    reply_to_supervision(sup_c, actor=s["east_leader"], text="已转送")

    at(flow, dt.date(2026, 3, 25))
    A = request_review(A, actor=s["east_registrar"], request="不服处理意见")
    at(flow, dt.date(2026, 3, 28))
    decide_review(A, actor=s["city_housing_handler"], result="overturned", facts="原意见认定事实不清",
                  opinion="撤销原处理意见，责令重新办理", legal_basis="《信访工作条例》第三十五条")

    at(flow, dt.date(2026, 4, 10))
    flow.register(petitioners=[pB])
    flow.register(registrar="city_registrar")
    at(flow, dt.date(2026, 4, 25))
    open_rating_windows()
    return city


def value(code, **scope):
    return compute(code, Scope(**scope))


def test_timely_acceptance_counts_met_missed_and_overdue_running_clocks(month):
    u = month.units
    # 9 clocks ended or fell overdue in March; B's 登记转送 (missed) and C's (still running, due 03-17) fail.
    v = value("timely_acceptance", **MARCH)
    assert (v.numerator, v.denominator) == (7, 9)
    # Each clock belongs to the unit that had to act: 登记转送 to the bureau, 告知 to the receiving unit.
    assert (value("timely_acceptance", unit=u["east_bureau"], **MARCH).numerator,
            value("timely_acceptance", unit=u["east_bureau"], **MARCH).denominator) == (3, 5)
    housing = value("timely_acceptance", unit=u["east_housing"], **MARCH)
    assert (housing.numerator, housing.denominator) == (3, 3)
    # E and G's clocks are not yet due on 04-25.
    assert value("timely_acceptance", **APRIL).denominator == 0


def test_on_time_completion(month):
    v = value("on_time_completion", **MARCH)
    # A's and B's 60日 met; D's 5-day 交办 report missed.
    assert (v.numerator, v.denominator) == (2, 3)
    assert v.extra["missed"] == 1


def test_participation_and_satisfaction_are_kept_apart_per_target(month):
    u = month.units
    p = value("participation", **MARCH)
    # Rateable pairs: A(bureau ✓, unit ✓), B(✗, ✗), D(✗, unit ✓), F(✗, ✗) — all windows have closed.
    assert (p.numerator, p.denominator) == (3, 8)
    assert (p.extra["bureau_rated"], p.extra["bureau_eligible"], p.extra["unit_rated"], p.extra["unit_eligible"]) == (1, 4, 2, 4)
    s = value("satisfaction", **MARCH)
    assert (s.numerator, s.denominator) == (2, 3)
    assert s.extra["bureau"]["rate"] == 1.0 and s.extra["unit"]["rate"] == 0.5
    housing = value("satisfaction", unit=u["east_housing"], **MARCH)
    assert (housing.numerator, housing.denominator) == (1, 2)


def test_participation_leaves_out_windows_still_open(month, flow):
    from minxin.core import clock

    # Seen from 04-05: B's (due 04-19) and D's (due 04-09) unrated bureau pairs are still open.
    flow.clock.move_to(dt.datetime(2026, 4, 5, 10, 0, tzinfo=clock.now().tzinfo))
    p = value("participation", **MARCH)
    assert (p.numerator, p.denominator) == (3, 5)


def test_first_time_resolution_and_repeat_after_closure(month):
    v = value("first_time_resolution", **MARCH)
    # Concluded in March: A (复查), B (E came back within 90 days), D (不满意), F — only F is resolved at once.
    assert (v.numerator, v.denominator) == (1, 4)
    assert (v.extra["review_requested"], v.extra["repeated_within_90d"], v.extra["unsatisfied"]) == (1, 1, 1)
    r = value("repeat_after_closure", **MARCH)
    assert (r.numerator, r.denominator) == (1, 4)


def test_repeat_rate_and_level_skipping_by_receipt_date(month):
    assert (value("repeat_rate", **MARCH).numerator, value("repeat_rate", **MARCH).denominator) == (0, 5)
    april = value("repeat_rate", **APRIL)
    assert (april.numerator, april.denominator) == (1, 2)
    skip = value("level_skipping", **APRIL)
    # G went to 市信访局, two levels above the township 信访办: 越级. E went to 东城区信访局, the lawful 上一级.
    assert (skip.numerator, skip.denominator) == (1, 2) and skip.extra["above_local"] == 2
    march = value("level_skipping", **MARCH)
    assert march.numerator == 0 and march.extra["above_local"] == 5


def test_review_and_recheck_rates_with_outcomes(month):
    v = value("review_rate", **MARCH)
    assert (v.numerator, v.denominator) == (1, 2)
    assert (v.extra["upheld"], v.extra["overturned"], v.extra["pending"]) == (0, 1, 0)
    r = value("recheck_rate", **MARCH)
    assert (r.numerator, r.denominator) == (0, 1)


def test_supervision_count_and_response_time(month):
    v = value("supervision", **MARCH)
    assert v.extra["count"] == 2 and v.extra["replied"] == 1 and v.value == pytest.approx(2.0)
    housing = value("supervision", unit=month.units["east_housing"], **MARCH)
    assert housing.extra["count"] == 1 and housing.value is None


def test_average_handling_days(month):
    v = value("average_handling_days", **MARCH)
    # A 0, F 0, D 8, B 18 days.
    assert (v.numerator, v.denominator, v.value) == (26, 4, 6.5)


def test_area_scope_excludes_other_districts(month):
    west = month.areas["west"]
    for m in METRICS:
        v = compute(m.code, Scope(area=west, **MARCH))
        assert v.denominator == 0, m.code


def test_every_metric_has_a_complete_definition():
    defs = metric_definitions()
    assert {d["code"] for d in defs} == {m.code for m in METRICS}
    for d in defs:
        assert all(d[k] for k in ("name", "numerator", "denominator", "time_base", "counts", "excludes", "description"))
    assert "满意率" in definitions_markdown()
