"""The coarse rollup gives the dashboards the same figures as the daily rollup and the cases, on a generated city."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minxin.cases.models import Case
from minxin.demo.build import build_demo
from minxin.demo.city import SMALL_CITY
from minxin.demo.provisional_calendar import ensure_demo_calendar
from minxin.org.models import Area, AreaLevel, Role, Staff
from minxin.oversight import dashboards, rollups
from minxin.oversight.models import CoarseRollup, DailyRollup
from minxin.oversight.sweeps import recompute_rollup

END = dt.date(2026, 11, 20)
FIRST = dt.date(2026, 7, 27)  # a Monday: rollups are computed from here to the last day of history
LAST = END - dt.timedelta(days=1)  # a Thursday: its piece runs to Sunday, on which nothing has happened yet

RANGES = [
    (dt.date(2026, 8, 3), dt.date(2026, 9, 27)),    # whole weeks (the week view's default shape)
    (dt.date(2026, 8, 1), dt.date(2026, 10, 31)),   # whole months (the month view's), not whole weeks
    (dt.date(2026, 8, 13), dt.date(2026, 10, 7)),   # a Thursday to a Wednesday: both ends inside pieces with data beyond
    (dt.date(2026, 9, 2), dt.date(2026, 9, 4)),     # three days inside one piece
    (dt.date(2026, 10, 26), LAST),                  # to the last day with data, inside the current piece
    (FIRST, LAST),
]


@pytest.fixture
def generated(db):
    ensure_demo_calendar(END)
    build_demo(seed=2, cases=900, end_date=END, batch_size=500, size=SMALL_CITY)
    day = FIRST
    while day <= LAST:
        recompute_rollup(day)
        day += dt.timedelta(days=1)
    return Staff.objects.filter(roles__role=Role.ANALYST, unit__area__level=AreaLevel.CITY).first()


def _scopes(staff):
    city = Area.objects.get(level=AreaLevel.CITY)
    county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("code").first()
    township = Area.objects.filter(level=AreaLevel.TOWNSHIP, path__startswith=county.path).order_by("code").first()
    village = Area.objects.filter(level=AreaLevel.VILLAGE, path__startswith=township.path).order_by("code").first()
    return [city, county, township, village]


def test_dashboards_from_the_coarse_rollup_equal_those_from_the_daily_rollup(generated):
    assert CoarseRollup.objects.filter(dim="channel").exists() and CoarseRollup.objects.filter(dim="overdue").exists()
    compared = 0
    for area in _scopes(generated):
        for start, end in RANGES:
            scope = dashboards.DashScope(generated, area, None, start, end)
            for period in ("week", "month"):
                for dim in ("channel", "category", "domain", "area"):
                    coarse = dashboards.volume(scope, dim=dim, period=period)
                    assert coarse == dashboards.volume(scope, dim=dim, period=period, from_daily=True), (area, start, end, period, dim)
                    compared += coarse["total"]
            assert dashboards.areas(scope) == dashboards.areas(scope, from_daily=True), (area, start, end)
            trend = dashboards.deadlines(scope)["trend"]
            assert trend == dashboards.deadlines(scope, from_daily=True)["trend"], (area, start, end)
    assert compared > 0


def test_dashboard_totals_equal_the_cases_received(generated):
    tz = dt.timezone(dt.timedelta(hours=8))
    city = Area.objects.get(level=AreaLevel.CITY)
    for start, end in RANGES:
        lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        cases = Case.objects.filter(received_at__gte=lo, received_at__lt=hi)
        scope = dashboards.DashScope(generated, city, None, start, end)
        assert dashboards.volume(scope, dim="channel", period="week")["total"] == cases.count()
        assert dashboards.areas(scope)["total"] == cases.count()
        county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("code").first()
        in_county = cases.filter(area__path__startswith=county.path).count()
        assert dashboards.areas(dashboards.DashScope(generated, county, None, start, end))["total"] == in_county


def test_a_city_wide_view_of_whole_pieces_reads_only_the_coarse_rollup(generated):
    city = Area.objects.get(level=AreaLevel.CITY)
    scope = dashboards.DashScope(generated, city, None, *RANGES[0])
    with CaptureQueriesContext(connection) as ctx:
        dashboards.volume(scope, dim="domain", period="week")
        dashboards.areas(scope)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "oversight_coarserollup" in sql and "oversight_dailyrollup" not in sql


def test_a_village_view_reads_the_daily_rollup(generated):
    village = _scopes(generated)[3]
    scope = dashboards.DashScope(generated, village, None, *RANGES[0])
    with CaptureQueriesContext(connection) as ctx:
        dashboards.volume(scope, dim="channel", period="week")
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "oversight_dailyrollup" in sql and "oversight_coarserollup" not in sql


def test_rebuilding_day_by_day_leaves_the_rows_a_full_rebuild_gives(generated):
    def snapshot():
        return sorted(CoarseRollup.objects.values_list("dim", "start", "area_id", "key", "n"))

    by_day = snapshot()
    CoarseRollup.objects.all().delete()
    rollups.rebuild_all(daily_model=DailyRollup, coarse_model=CoarseRollup, area_model=Area)
    assert snapshot() == by_day
    # Recomputing one day again changes nothing.
    recompute_rollup(dt.date(2026, 9, 30))
    assert snapshot() == by_day


@pytest.mark.parametrize("day,start,end", [
    (dt.date(2026, 9, 30), dt.date(2026, 9, 28), dt.date(2026, 9, 30)),  # a week cut by the month's end
    (dt.date(2026, 10, 1), dt.date(2026, 10, 1), dt.date(2026, 10, 4)),  # … and the rest of it
    (dt.date(2026, 10, 7), dt.date(2026, 10, 5), dt.date(2026, 10, 11)),
])
def test_a_piece_is_the_part_of_a_week_inside_one_month(day, start, end):
    assert (rollups.piece_start(day), rollups.piece_end(day)) == (start, end)
