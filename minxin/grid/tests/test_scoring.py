"""小事不出村 on the scorecard: solved at the grid counts for the grid's 村社区/乡镇街道, suppression does not."""

import datetime as dt

import pytest

from minxin.core import clock
from minxin.grid import scoring, services
from minxin.oversight.scorecard import scorecards
from minxin.testing import make_case

pytestmark = pytest.mark.django_db


def _solve(city, rep):
    worker = city.staff["grid1_worker"]
    services.record_visit(rep, actor=worker, description="走访双方，现场调解")
    return services.resolve_at_grid(rep, actor=worker)


def _period():
    today = clock.today()
    return dict(start=today - dt.timedelta(days=1), end=today)


def test_a_report_solved_at_the_grid_counts_for_the_grid_and_the_township(city, report_as):
    solved = _solve(city, report_as())
    report_as(wants_case=True)          # escalated: not solved at the grid
    report_as()                         # still open
    assert scoring.solved_at_grid([solved]) == {solved.pk}
    u = city.units
    local = scoring.local_resolution([u["east1_office"], u["west1_office"], u["east_housing"]], **_period())
    assert local == {u["east1_office"].pk: (1, 3), u["west1_office"].pk: (0, 0)}  # functional departments are not credited
    rows = {r["unit"].code: r for r in scoring.board(city.areas["east"], **_period())}
    assert rows["W-GRID1"] | {"unit": None} == {"unit": None, "kind": "网格", "reports": 3, "solved": 1, "rate": 33.3, "cases": 1}


def test_an_item_marked_solved_that_comes_back_as_a_case_about_the_same_matter_does_not_count(city, report_as, housing):
    solved = _solve(city, report_as())
    other = _solve(city, report_as())
    # The people come back to the 信访局 about the same 领域 in the same 社区 after the grid "solved" it.
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    case.domain = housing
    case.save(update_fields=["domain"])
    assert scoring.solved_at_grid([solved, other]) == set()


def test_a_later_case_about_another_matter_or_place_does_not_cancel_the_credit(city, report_as):
    from minxin.cases.models import Domain

    solved = _solve(city, report_as())
    elsewhere = make_case(city, area="west1v", registering_unit="west_bureau")
    elsewhere.domain = solved.entry.domain
    elsewhere.save(update_fields=["domain"])
    unrelated = make_case(city, area="east1v", registering_unit="east_bureau")
    unrelated.domain = Domain.objects.exclude(pk=solved.entry.domain_id).first()
    unrelated.save(update_fields=["domain"])
    assert scoring.solved_at_grid([solved]) == {solved.pk}


def test_the_scorecard_weighs_local_resolution_only_for_units_with_grid_reports(city, report_as):
    _solve(city, report_as())
    _solve(city, report_as())
    u = city.units
    cards = {c.unit.code: c for c in scorecards(units=[u["east1_office"], u["west1_office"]], **_period())}
    east, west = cards["T-EAST1"], cards["T-WEST1"]
    assert (east.components["local"].rate, east.components["local"].n, east.local_solved) == (1.0, 2, 2)
    assert west.components["local"].rate is None and west.components["local"].n == 0
    assert east.as_dict()["local_solved"] == 2


def test_a_grid_with_no_cases_is_ranked_on_its_grid_work_alone_with_no_free_credit(city, report_as):
    _solve(city, report_as())
    report_as(wants_case=True)
    u = city.units
    cards = {c.unit.code: c for c in scorecards(units=[u["grid1_unit"], u["east_legal"]], **_period())}
    grid, idle = cards["W-GRID1"], cards["L-EAST"]
    assert grid.concluded == 0 and grid.ranked and grid.rank == 1 and not idle.ranked
    local = grid.components["local"]
    assert (local.rate, local.n) == (0.5, 2)
    # Only 就地化解 has data: the empty 化解/满意/按期 rates add nothing (no pooled average for free).
    assert grid.components["resolution"].rate is None
    assert grid.score == pytest.approx(100 * local.shrunk)
