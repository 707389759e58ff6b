"""单位考评 at a city's size: like units ranked together, top and bottom N in the chart, the table paged."""

import io

import openpyxl
import pytest

from minxin.org import services as org
from minxin.org.models import AreaLevel, UnitKind

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2026-03-02", "to": "2026-03-15"}


@pytest.fixture
def many_villages(city, monkeypatch):
    """30 村社区 units under 东一街道: more than the chart's top + bottom 10 and one table page.

    A unit with nothing to score is not ranked (oversight.scorecard), so each village has grid
    work to be ranked on: i + 1 of 40 grid reports solved at the grid, through the scorecard's
    就地化解 hook (building 1,200 grid reports through the services would only slow the test)."""
    from minxin.oversight import scorecard

    parent = city.areas["east1"]
    villages = {}
    for i in range(30):
        area = org.create_area(code=f"3209020011{i:02d}", name=f"测试{i}社区", level=AreaLevel.VILLAGE, parent=parent)
        villages[org.create_unit(code=f"V-T{i:02d}", name=f"测试{i}社区居委会", kind=UnitKind.VILLAGE, area=area).pk] = i

    def grid_work(units, start, end):
        return {u.pk: (villages[u.pk] + 1, 40) for u in units if u.pk in villages}

    monkeypatch.setattr(scorecard, "LOCAL_RESOLUTION", [grid_work])


def test_units_are_grouped_by_kind_and_level_and_ranked_within_the_group(client, city, many_villages):
    client.force_login(city.staff["city_analyst"].user)
    data = client.get("/oversight/dashboards/scorecards/data.json", PERIOD).json()
    labels = {g["label"]: g["count"] for g in data["groups"]}
    assert labels["村社区"] == 30 and labels["乡镇街道"] == 2
    assert "区县级党政机关/职能部门" in labels and "市级党政机关/职能部门" in labels
    village = client.get("/oversight/dashboards/scorecards/data.json", PERIOD | {"kind": "village", "level": "4"}).json()
    assert village["group"] == "村社区" and village["group_total"] == 30
    # The chart: the 10 best and the 10 worst, not all 30.
    assert len(village["rows"]) == 20 and village["split"] is True
    assert [r["group_rank"] for r in village["rows"]] == list(range(1, 11)) + list(range(21, 31))
    assert {r["band"] for r in village["rows"][:10]} == {"top"} and {r["band"] for r in village["rows"][10:]} == {"bottom"}


def test_the_table_pages_through_the_whole_group(client, city, many_villages):
    client.force_login(city.staff["city_analyst"].user)
    first = client.get("/oversight/dashboards/scorecards/", PERIOD | {"kind": "village", "level": "4"}).content.decode()
    assert first.count("居委会</a>") == 25 and "page=2" in first and 'aria-current="page">1<' in first
    second = client.get("/oversight/dashboards/scorecards/", PERIOD | {"kind": "village", "level": "4", "page": "2"}).content.decode()
    assert second.count("居委会</a>") == 5
    # An unknown group or page falls back to the first group and the last page, never an error.
    assert client.get("/oversight/dashboards/scorecards/", PERIOD | {"kind": "nope", "page": "99"}).status_code == 200


def test_the_export_still_lists_every_unit(client, city, many_villages):
    client.force_login(city.staff["city_analyst"].user)
    resp = client.get("/oversight/export/scorecards.xlsx", PERIOD)
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    names = [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str) and v.endswith("社区居委会")]
    assert len(names) == 30


def test_the_scorecard_page_carries_its_chart_data_and_its_queries_do_not_grow_with_the_units(client, city, django_assert_max_num_queries):
    """One computation per page view (the chart reads the inline data) and no per-unit queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(city.staff["city_analyst"].user)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/oversight/dashboards/scorecards/", PERIOD)
    assert page.status_code == 200 and b'id="dash-data"' in page.content
    parent = city.areas["east1"]
    for i in range(30):
        area = org.create_area(code=f"3209020011{i:02d}", name=f"测试{i}社区", level=AreaLevel.VILLAGE, parent=parent)
        org.create_unit(code=f"V-T{i:02d}", name=f"测试{i}社区居委会", kind=UnitKind.VILLAGE, area=area)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/oversight/dashboards/scorecards/", PERIOD | {"kind": "village", "level": "4"}).status_code == 200
    assert len(many) <= len(few)
    with django_assert_max_num_queries(len(few)):
        assert client.get("/api/v1/oversight/scorecards", PERIOD).status_code == 200
