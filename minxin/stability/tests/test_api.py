"""/api/v1/stability: the whole assessment through the API, scoped and audited."""

import datetime as dt

import pytest
import time_machine

from minxin.api.tokens import issue_token
from minxin.cases.models import Case
from minxin.risk.tests.factories import bulk_cases
from minxin.stability.models import Decision, StabilityEvent
from minxin.stability.tests.helpers import NOW, TODAY


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(client):
    def call(method, path, username, data=None):
        raw = issue_token(username=username, name="测试")[1]
        kw = {"data": data, "content_type": "application/json"} if data is not None else {}
        return getattr(client, method)(f"/api/v1/stability{path}", HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

    return call


DECISION = {"title": "东一街道停车收费标准调整", "kind": "fee_policy", "area_code": "320902001000", "domain": "房地产",
            "responsible_unit_code": "G-EAST-HOUSING", "planned_on": "2026-03-02", "description": "路内停车每小时由2元调为3元"}


def test_register_assess_conclude_approve_and_follow_up_through_the_api(city, api):
    cases = bulk_cases(city, area="east1v", per_day={TODAY - dt.timedelta(days=50): 3}, subject="停车收费过高", content="路内停车收费过高")
    # Routed to 住建局, so its handler may see them (nearby matters follow the viewer's case scope).
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(current_unit=city.units["east_housing"])
    r = api("post", "/decisions", "east_housing_handler", DECISION)
    assert r.status_code == 201, r.content
    did = r.json()["id"]
    assert api("post", f"/decisions/{did}/start", "east_housing_handler", {}).json()["state"] == "assessing"
    r = api("post", f"/decisions/{did}/findings", "east_housing_handler",
            {"affected_groups": [{"group": "有车居民", "count": 1200}], "findings": "公示征求意见15天，收到意见23条"})
    assert r.json()["assessment"]["affected_total"] == 1200
    r = api("post", f"/decisions/{did}/conclude", "east_housing_handler",
            {"conclusion": "proceed", "level": "blue", "level_reasons": "涨幅小，意见以理解为主"})
    assert r.status_code == 200, r.content
    snap = r.json()["assessment"]["nearby_snapshot"]
    assert snap["cases"]["total"] == 3 and snap["matters"][0]["cases"] == 3
    assert api("post", f"/decisions/{did}/approve", "east_housing_handler", {"note": ""}).status_code == 403
    assert api("post", f"/decisions/{did}/approve", "east_housing_leader", {"note": "同意"}).json()["state"] == "approved"
    r = api("post", f"/decisions/{did}/follow-ups", "east_housing_handler", {"weeks": 4, "note": "平稳"})
    assert r.status_code == 201, r.content
    assert r.json()["weeks"] == 4 and r.json()["verdict"] in ("flat", "rise", "fall")
    series = api("get", f"/decisions/{did}/follow-up", "east_leader").json()
    assert series["pivot"] == "2026-03-02" and len(series["chart"]["dates"]) == len(series["chart"]["counts"])
    assert list(StabilityEvent.objects.filter(decision_id=did).values_list("action", flat=True)) == [
        "registered", "assessment_started", "findings_recorded", "concluded", "approved", "follow_up_recorded"]


def test_lists_and_details_are_scoped(city, api):
    did = api("post", "/decisions", "east_leader", DECISION).json()["id"]
    assert [d["id"] for d in api("get", "/decisions", "city_analyst").json()] == [did]
    assert [d["id"] for d in api("get", "/decisions", "east_housing_leader").json()] == [did]
    assert api("get", "/decisions", "west_registrar").json() == []
    assert api("get", "/decisions", "east_hr_handler").json() == []
    for who in ("west_registrar", "east_hr_handler"):
        assert api("get", f"/decisions/{did}", who).status_code == 404
        assert api("post", f"/decisions/{did}/start", who, {}).status_code == 404
    assert StabilityEvent.objects.filter(decision_id=did).count() == 1


def test_bad_input_is_422_in_chinese_and_writes_nothing(city, api):
    r = api("post", "/decisions", "east_leader", DECISION | {"kind": "palace", "title": " "})
    assert r.status_code == 422
    body = r.json()["error"]
    assert "请填写决策事项名称" in body["message"] and set(body["fields"]) >= {"title", "kind"}
    assert Decision.objects.count() == 0
    r = api("post", "/decisions", "west_registrar", DECISION)
    assert r.status_code == 404 and "管辖范围" in r.json()["error"]["message"]


def test_a_wrong_state_is_409(city, api):
    did = api("post", "/decisions", "east_leader", DECISION).json()["id"]
    r = api("post", f"/decisions/{did}/conclude", "east_leader", {"conclusion": "proceed"})
    assert r.status_code == 409 and "评估中" in r.json()["error"]["message"]
