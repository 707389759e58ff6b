"""Simulations: the scorecard must reward resolution, not speed, silence or small numbers."""

import datetime as dt

import pytest

from minxin.oversight.models import ScorecardConfig
from minxin.oversight.scorecard import SUPPRESSION_SIGNALS, scorecards, suppression_check
from minxin.oversight.tests.conftest import person

pytestmark = pytest.mark.django_db

MARCH = dict(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def at(flow, day):
    from minxin.core import clock

    flow.advance(days=(day - clock.today()).days)


@pytest.fixture
def contest(flow, city):
    """东城住建 (A) answers four complaints the same day, badly; 东城人社 (B) takes ten days and resolves four;
    东一街道 (C) has a single, perfect case."""
    from minxin.cases.services import decide_review, request_review
    from minxin.oversight.ratings import record_rating

    s, u = city.staff, city.units
    u["city_housing"].parent = u["city_bureau"]
    u["city_housing"].save(update_fields=["parent"])
    people_a = [person(f"甲{i}") for i in range(4)]
    a_cases = [flow.opinion_case(petitioners=[p]) for p in people_a]
    for case in a_cases[:3]:
        record_rating(case, target="unit", score="unsatisfied", rater_petitioner=case.parties.first().petitioner)
    b_cases = [flow.accept(flow.transfer(flow.register(category="suggestion", petitioners=[person(f"乙{i}")]), unit="east_hr"),
                           handler="east_hr_handler") for i in range(4)]
    c_case = flow.accept(flow.transfer(flow.register(category="suggestion", petitioners=[person("丙")]), unit="east1_office"),
                         handler="east1_handler")

    at(flow, dt.date(2026, 3, 5))
    request_review(a_cases[3], actor=s["east_registrar"], request="不服")
    at(flow, dt.date(2026, 3, 12))
    # Two of A's petitioners come back: the matter was closed, not solved.
    flow.register(petitioners=[people_a[0]])
    flow.register(petitioners=[people_a[1]])
    for case in b_cases:
        case = flow.close(case, handler="east_hr_handler")
        record_rating(case, target="unit", score="satisfied", rater_petitioner=case.parties.first().petitioner)
    c_case = flow.close(c_case, handler="east1_handler")
    record_rating(c_case, target="unit", score="satisfied", rater_petitioner=c_case.parties.first().petitioner)
    at(flow, dt.date(2026, 3, 20))
    decide_review(a_cases[3], actor=s["city_housing_handler"], result="overturned", facts="事实不清",
                  opinion="撤销原意见", legal_basis="《信访工作条例》第三十五条")
    at(flow, dt.date(2026, 4, 25))
    return city


def _by_code(cards):
    return {c.unit.code: c for c in cards}


def test_fast_but_bad_closure_ranks_below_resolution(contest):
    u = contest.units
    cards = _by_code(scorecards(units=[u["east_housing"], u["east_hr"], u["east1_office"]], **MARCH))
    a, b = cards["G-EAST-HOUSING"], cards["G-EAST-HR"]
    assert a.components["timeliness"].rate == 1.0  # A was never late…
    assert a.repeat_rate == 0.5 and a.overturned_rate == 0.25 and a.components["satisfaction"].rate == 0.0
    assert b.components["resolution"].rate == 1.0 and b.penalty == 0
    assert b.score > a.score and b.rank < a.rank
    assert a.penalty > 0


def test_few_cases_earn_no_bonus(contest):
    u = contest.units
    cards = _by_code(scorecards(units=[u["east_housing"], u["east_hr"], u["east1_office"]], **MARCH))
    # One perfect case is pulled towards the average; four perfect cases are not outranked by it.
    c, b = cards["T-EAST1"], cards["G-EAST-HR"]
    assert c.components["resolution"].rate == 1.0
    assert c.score < b.score
    # A unit with no cases at all is not scored, so it cannot sit above the unit that resolved its cases.
    idle = _by_code(scorecards(units=[u["east_hr"], u["east_legal"], u["east_housing"]], **MARCH))
    assert idle["L-EAST"].concluded == 0 and idle["L-EAST"].score is None and idle["G-EAST-HR"].rank == 1


def test_unit_with_nothing_resolved_cannot_outrank_units_that_resolved_cases(contest):
    """政绩观: a unit with 0 有结果件数 used to be shrunk to the pooled average (about 88 points) and
    ranked above units with real but imperfect results. It now has no score and no rank."""
    u = contest.units
    cards = scorecards(units=[u["east_housing"], u["east_legal"], u["east_hr"]], **MARCH)
    by = _by_code(cards)
    idle, weak = by["L-EAST"], by["G-EAST-HOUSING"]
    assert idle.concluded == 0 and weak.concluded > 0
    assert idle.components["resolution"].rate is None and idle.components["first_time"].rate is None
    assert (idle.score, idle.rank, idle.ranked) == (None, None, False)
    assert weak.ranked and weak.rank == 2  # the weakest unit with results still ranks above the idle one
    assert [c.unit.code for c in cards][-1] == "L-EAST"
    d = idle.as_dict()
    assert d["score"] is None and d["rank"] is None and "无数据" in d["unranked_reason"]


def test_dashboard_and_export_show_no_data_for_a_unit_with_nothing_resolved(contest):
    from io import BytesIO

    from openpyxl import load_workbook

    from minxin.exchange.reports import scorecards_xlsx
    from minxin.oversight import dashboards

    u = contest.units
    rows = [c.as_dict() | {"kind": c.unit.kind, "level": c.unit.area.level, "url": ""}
            for c in scorecards(units=[u["east_housing"], u["east_legal"], u["east_hr"]], **MARCH)]
    ws = load_workbook(BytesIO(scorecards_xlsx(rows, label="东城区", **MARCH))).active
    values = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert values["L-EAST"][0] == "不排名" and values["L-EAST"][3] == "无数据"
    assert isinstance(values["G-EAST-HR"][3], float)

    # The dashboard ranks only scored units within the group and keeps the idle one out of the chart.
    import pytest as _pytest

    with _pytest.MonkeyPatch.context() as mp:
        mp.setattr(dashboards, "scorecard_rows", lambda scope: rows)
        board = dashboards.scorecards(None, kind=u["east_legal"].kind, level=u["east_legal"].area.level)
    legal = next(r for r in board["table"] if r["unit_code"] == "L-EAST")
    assert "group_rank" not in legal and board["unranked"] == 1
    assert "L-EAST" not in {r["unit_code"] for r in board["rows"]}
