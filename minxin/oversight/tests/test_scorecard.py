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


def test_weights_come_from_the_configuration_row(contest):
    u = contest.units
    ScorecardConfig.objects.create(name="只看按期", weight_resolution=0, weight_satisfaction=0, weight_timeliness=1,
                                   weight_first_time=0, penalty_repeat=0, penalty_overturned=0)
    cards = _by_code(scorecards(units=[u["east_housing"], u["east_hr"]], **MARCH))
    # With only speed counted and no penalties, the fast unit is no longer behind: gaming would pay,
    # which is why the default weights and penalties are what they are.
    assert cards["G-EAST-HOUSING"].score >= cards["G-EAST-HR"].score


@pytest.fixture
def quiet_and_suppressing(flow, city):
    """First half of March: 4 cases each to 东一街道 and 西一街道. Second half: 1 each — but three people
    from 东一社区 take their problem straight to 市信访局."""
    for _ in range(4):
        flow.transfer(flow.register(area="east1v"), unit="east1_office")
        flow.transfer(flow.register(area="west1v", registrar="west_registrar"), unit="west1_office", actor="west_registrar")
    at(flow, dt.date(2026, 3, 20))
    flow.transfer(flow.register(area="east1v"), unit="east1_office")
    flow.transfer(flow.register(area="west1v", registrar="west_registrar"), unit="west1_office", actor="west_registrar")
    for _ in range(3):
        flow.register(area="east1v", registrar="city_registrar")
    return city


def test_unit_whose_intake_falls_while_petitions_skip_it_is_flagged(quiet_and_suppressing):
    u = quiet_and_suppressing.units
    second_half = dict(start=dt.date(2026, 3, 17), end=dt.date(2026, 3, 31))
    s = suppression_check(u["east1_office"], **second_half)
    assert s.flagged and str(s.label) == "疑似压案"
    assert (s.own_previous, s.own_current, s.signals_previous, s.signals_current) == (4, 1, 0, 3)
    quiet = suppression_check(u["west1_office"], **second_half)
    assert not quiet.flagged and (quiet.own_previous, quiet.own_current, quiet.signals_current) == (4, 1, 0)


def test_suppression_hooks_add_signals(quiet_and_suppressing):
    u = quiet_and_suppressing.units

    def grid_reports(area, start, end):
        return 5 if area.code.startswith("320903") else 0

    SUPPRESSION_SIGNALS.append(grid_reports)
    try:
        s = suppression_check(u["west1_office"], start=dt.date(2026, 3, 17), end=dt.date(2026, 3, 31))
    finally:
        SUPPRESSION_SIGNALS.remove(grid_reports)
    assert s.flagged and s.detail["signals_by_kind_current"] == {"skipped_over": 0, "grid_reports": 5}


def test_scorecard_components_are_the_per_unit_metric_definitions(contest):
    """The scorecard computes every unit at once; each figure must still be metrics.py's figure for that unit."""
    from minxin.oversight import metrics
    from minxin.oversight.scorecard import overturned_decisions

    u = contest.units
    units = [u["east_housing"], u["east_hr"], u["east1_office"]]
    cards = _by_code(scorecards(units=units, **MARCH))
    for unit in units:
        card, scope = cards[unit.code], metrics.Scope(unit=unit, **MARCH)
        ftr, t1, t2 = metrics.first_time_resolution(scope), metrics.timely_acceptance(scope), metrics.on_time_completion(scope)
        assert (card.components["first_time"].rate, card.components["first_time"].n) == (ftr.value, ftr.denominator)
        assert card.components["timeliness"].n == t1.denominator + t2.denominator
        assert card.components["timeliness"].rate == ((t1.numerator + t2.numerator) / (t1.denominator + t2.denominator)
                                                      if t1.denominator + t2.denominator else None)
        assert card.suppression == suppression_check(unit, cfg=None, **MARCH)
        assert len(overturned_decisions(unit, **MARCH)) == round(card.overturned_rate * card.concluded)
    assert cards["G-EAST-HOUSING"].components["first_time"].n == 4  # the fixture really has cases to compare


def test_scorecards_take_as_many_queries_for_all_units_as_for_one(contest):
    """No per-unit queries (N+1): the cost of a scorecard does not grow with the number of units."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from minxin.org.models import Unit

    u = contest.units
    with CaptureQueriesContext(connection) as one:
        scorecards(units=[u["east_housing"]], **MARCH)
    every = Unit.objects.exclude(kind__in=("petition", "grid"))
    assert every.count() >= 5
    with CaptureQueriesContext(connection) as many:
        scorecards(units=every, **MARCH)
    assert len(many) <= len(one) + 1 <= 40  # + 1: a 信访部门 among `units` has its registered cases looked up


def test_units_outside_the_deployment_are_not_scored(contest):
    from minxin.org import services as org
    from minxin.org.models import UnitKind

    city_area = contest.units["city_housing"].area
    province = org.create_unit(code="P-HOUSING", name="某省住房和城乡建设厅", kind=UnitKind.GOVERNMENT, area=city_area,
                               is_external=True)
    codes = {c.unit.code for c in scorecards(area=city_area, **MARCH)}
    assert "G-CITY-HOUSING" in codes and province.code not in codes
