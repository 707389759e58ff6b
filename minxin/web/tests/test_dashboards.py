"""Dashboard JSON endpoints: numbers from hand-built daily rollups, scoping, roles, drill-down URLs."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from minxin.cases.models import Domain
from minxin.org import services as org
from minxin.org.models import Role
from minxin.oversight import sweeps
from minxin.oversight.models import DailyRollup
from minxin.testing import PASSWORD, make_case

TODAY = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PERIOD = {"from": "2026-03-02", "to": "2026-03-15"}  # two ISO weeks: W10 and W11


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def rollups(city):
    housing = Domain.objects.create(code="housing-t", name="住房测试")
    a = city.areas

    def row(day, area, channel, category, n, domain=None, unit=0):
        DailyRollup.objects.create(date=dt.date(2026, 3, day), area=a[area], channel=channel, category=category,
                                   received=n, domain_id_key=domain.pk if domain else 0, unit_id_key=unit)

    row(2, "east1v", "visit", "complaint", 3, housing, city.units["east_housing"].pk)   # W10
    row(4, "east2v", "letter", "complaint", 2)                                          # W10
    row(10, "east1v", "visit", "suggestion", 4, housing, city.units["east_housing"].pk)  # W11
    row(11, "west1v", "visit", "complaint", 5)                                          # W11
    row(20, "east1v", "visit", "complaint", 7)                                          # outside the period
    for day in (2, 4, 10, 11, 20):  # the coarse rollup the sweep builds from the daily rows
        sweeps.rebuild_coarse_rollup(dt.date(2026, 3, day))
    return housing


@pytest.fixture
def east_analyst(city):
    return org.create_staff(username="east_analyst", password=PASSWORD, unit=city.units["east_bureau"],
                            roles=[Role.ANALYST], full_name="东城分析员")


def get_json(client, staff, board, **params):
    client.force_login(staff.user)
    resp = client.get(f"/oversight/dashboards/{board}/data.json", {**PERIOD, **params})
    assert resp.status_code == 200, resp.content
    return resp.json()


def series_by_name(data):
    return {s["name"]: [p["value"] for p in s["data"]] for s in data["series"]}


def test_volume_by_channel_sums_rollups_per_week_for_the_city(client, city, rollups):
    data = get_json(client, city.staff["city_analyst"], "volume", dim="channel", period="week")
    assert data["buckets"] == ["2026-W10", "2026-W11"]
    assert series_by_name(data) == {"来访": [3, 9], "来信": [2, 0]}
    assert data["total"] == 14


def test_volume_by_category_and_domain(client, city, rollups):
    cat = get_json(client, city.staff["city_analyst"], "volume", dim="category")
    assert series_by_name(cat) == {"申诉求决": [5, 5], "建议意见": [0, 4]}
    dom = get_json(client, city.staff["city_analyst"], "volume", dim="domain")
    assert series_by_name(dom) == {"住房测试": [3, 4], "未分领域": [2, 5]}
    url = next(s for s in dom["series"] if s["name"] == "住房测试")["url"]
    assert parse_qs(urlsplit(url).query)["domain"] == ["housing-t"]


def test_volume_by_month_puts_both_weeks_in_march(client, city, rollups):
    data = get_json(client, city.staff["city_analyst"], "volume", dim="channel", period="month")
    assert data["buckets"] == ["2026-03"]
    assert series_by_name(data) == {"来访": [12], "来信": [2]}


def test_volume_by_area_groups_into_the_child_areas(client, city, rollups):
    data = get_json(client, city.staff["city_analyst"], "volume", dim="area")
    assert series_by_name(data) == {"东城区": [5, 4], "西城区": [0, 5]}


def test_a_county_analyst_sees_only_its_subtree(client, city, rollups, east_analyst):
    data = get_json(client, east_analyst, "volume", dim="channel")
    assert series_by_name(data) == {"来访": [3, 4], "来信": [2, 0]}
    areas = get_json(client, east_analyst, "areas")
    assert {r["name"]: r["value"] for r in areas["rows"]} == {"东一街道": 7, "东二镇": 2}
    client.force_login(east_analyst.user)
    assert client.get("/oversight/dashboards/volume/data.json", {"area": city.areas["west"].code}).status_code == 404


def test_areas_treemap_nests_two_levels_and_links_to_the_case_list(client, city, rollups):
    data = get_json(client, city.staff["city_leader"], "areas")
    assert data["total"] == 14
    east = next(c for c in data["root"]["children"] if c["name"] == "东城区")
    assert east["value"] == 9
    assert {c["name"]: c["value"] for c in east["children"]} == {"东一街道": 7, "东二镇": 2}
    q = parse_qs(urlsplit(east["url"]).query)
    assert q["area"] == [city.areas["east"].code] and q["scope"] == ["all"]
    assert q["received_from"] == ["2026-03-02"] and q["received_to"] == ["2026-03-15"]


def test_week_drill_down_url_covers_only_that_week(client, city, rollups):
    data = get_json(client, city.staff["city_analyst"], "volume", dim="channel")
    visit = next(s for s in data["series"] if s["name"] == "来访")
    q = parse_qs(urlsplit(visit["data"][1]["url"]).query)
    assert q["channel"] == ["visit"] and q["received_from"] == ["2026-03-09"] and q["received_to"] == ["2026-03-15"]


@pytest.mark.parametrize("who", ["east_housing_handler", "east_registrar", "city_admin"])
def test_staff_without_an_analysis_role_get_403(client, city, rollups, who):
    client.force_login(city.staff[who].user)
    assert client.get("/oversight/dashboards/volume/").status_code == 403
    assert client.get("/oversight/dashboards/volume/data.json").status_code == 403
    assert client.get("/oversight/export/metrics.xlsx").status_code == 403


@pytest.mark.parametrize("who", ["city_analyst", "city_supervisor", "city_leader", "east_housing_leader"])
def test_every_dashboard_opens_for_analysts_supervisors_and_leaders(client, city, rollups, who):
    client.force_login(city.staff[who].user)
    for board in ("volume", "areas", "deadlines", "ratings", "scorecards", "supervision"):
        resp = client.get(f"/oversight/dashboards/{board}/", PERIOD)
        assert resp.status_code == 200, board
        assert 'id="dash-chart"' in resp.content.decode()


def test_empty_rollups_say_what_will_appear_and_name_no_command(client, city):
    client.force_login(city.staff["city_analyst"].user)
    html = client.get("/oversight/dashboards/volume/").content.decode()
    assert "每15分钟自动汇总" in html
    assert "manage.py" not in html
    data = client.get("/oversight/dashboards/areas/data.json").json()
    assert data["empty"] is True
    assert "manage.py" not in data["message"] and "汇总完成后" in data["message"]


def test_supervision_and_ratings_count_by_level_state_and_target(client, city, rollups):
    from minxin.oversight.models import Rating, RatingWindow, Supervision
    from minxin.rules.models import DeadlineRule
    from minxin.core import clock

    rule = DeadlineRule.objects.first()
    now = clock.now()
    c1 = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")
    c2 = make_case(city, area="west1v", registering_unit="west_bureau", current_unit="west1_office")
    for case, unit, level, state in ((c1, "east_housing", 2, "open"), (c1, "east_housing", 1, "closed"), (c2, "west1_office", 2, "open")):
        Supervision.objects.create(case=case, issuing_unit=city.units["city_bureau"], target_unit=city.units[unit], level=level,
                                   ground="delay", reason="拖延", state=state, issued_by=city.staff["city_supervisor"],
                                   issued_at=now, reply_due_on=now.date(), reply_rule=rule)
    win = RatingWindow.objects.create(case=c1, rule=rule, opens_on=now.date(), due_on=now.date(), bureau=city.units["east_bureau"],
                                      unit=city.units["east_housing"], created_at=now)
    Rating.objects.create(case=c1, window=win, target="bureau", unit=city.units["east_bureau"], score="satisfied", channel="web", rated_at=now)
    Rating.objects.create(case=c1, window=win, target="unit", unit=city.units["east_housing"], score="unsatisfied", channel="web", rated_at=now)
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    sup = get_json(client, city.staff["city_supervisor"], "supervision", **period)
    assert sup["levels"] == ["一般督办", "重点督办", "挂牌督办"]
    assert series_by_name({"series": [{"name": s["name"], "data": [{"value": n} for n in s["data"]]} for s in sup["series"]]}) == {
        "待反馈": [0, 2, 0], "已反馈待审核": [0, 0, 0], "已办结": [1, 0, 0]}
    client.force_login(city.staff["east_leader"].user)
    east = client.get("/oversight/dashboards/supervision/data.json", period).json()
    assert east["total"] == 2
    rt = get_json(client, city.staff["city_analyst"], "ratings", **period)
    assert rt["targets"] == ["信访部门", "责任单位"]
    assert {s["name"]: s["data"] for s in rt["series"]} == {"满意": [1, 0], "基本满意": [0, 0], "不满意": [0, 1]}


def test_drill_down_filters_the_case_list_to_the_area_subtree_and_dates(client, city):
    inside = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")
    sibling = make_case(city, area="west1v", registering_unit="west_bureau", current_unit="west1_office")
    client.force_login(city.staff["city_leader"].user)
    html = client.get("/cases/", {"scope": "all", "area": city.areas["east"].code, "received_from": "2026-03-20",
                                  "received_to": "2026-03-20"}).content.decode()
    assert inside.number in html and sibling.number not in html
    html = client.get("/cases/", {"scope": "all", "area": city.areas["east"].code, "received_to": "2026-03-19"}).content.decode()
    assert inside.number not in html
    html = client.get("/cases/", {"scope": "all", "unit": "T-WEST1"}).content.decode()
    assert sibling.number in html and inside.number not in html


def test_deadline_status_counts_running_clocks_and_links_to_the_overdue_list(client, city, rollups):
    from minxin.cases import services as svc
    from minxin.cases.tests.conftest import person

    def register(subject):
        return svc.register_case(actor=city.staff["east_registrar"], channel="visit", category="complaint", subject=subject,
                                 content="内容", request="请求", facts="事实", reasons="理由", area=city.areas["east1v"],
                                 petitioners=[person()])

    with time_machine.travel(TODAY - dt.timedelta(days=40), tick=False):
        old = register("四十天前登记未转送")
    new = register("今天登记")
    data = get_json(client, city.staff["city_analyst"], "deadlines")
    assert {s["key"]: s["value"] for s in data["status"]} == {"normal": 1, "due_soon": 0, "overdue": 1}
    overdue_url = next(s["url"] for s in data["status"] if s["key"] == "overdue")
    html = client.get(overdue_url).content.decode()
    assert old.number in html and new.number not in html
    normal_url = next(s["url"] for s in data["status"] if s["key"] == "normal")
    html = client.get(normal_url).content.decode()
    assert new.number in html and old.number not in html


def test_the_api_serves_the_same_chart_data_with_the_same_scoping(client, city, rollups, east_analyst):
    client.force_login(east_analyst.user)
    r = client.get("/api/v1/oversight/dashboards/volume", {**PERIOD, "dim": "channel"})
    assert r.status_code == 200
    assert series_by_name(r.json()) == {"来访": [3, 4], "来信": [2, 0]}
    assert client.get("/api/v1/oversight/dashboards/volume", {"area": city.areas["west"].code}).status_code == 404
    client.force_login(city.staff["east_housing_handler"].user)
    assert client.get("/api/v1/oversight/dashboards/volume").status_code == 403


def test_a_responsible_units_leader_sees_only_its_own_units_rollups(client, city, rollups):
    data = get_json(client, city.staff["east_housing_leader"], "volume", dim="channel")
    assert series_by_name(data) == {"来访": [3, 4]}
    client.force_login(city.staff["east_housing_leader"].user)
    assert client.get("/oversight/reports/annual.docx").status_code == 403  # the annual report is the 信访部门's
