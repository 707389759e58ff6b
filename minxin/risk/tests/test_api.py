import datetime as dt
import io

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from minxin.api.tokens import issue_token
from minxin.risk import alerts
from minxin.exchange.ledger import COLUMNS
from minxin.risk.models import AlertKind, DisputeEntry, RiskLevel
from minxin.risk.tests.factories import TZ

NOW = dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(client):
    def call(method, path, username, **kw):
        raw = issue_token(username=username, name="测试")[1]
        return getattr(client, method)(f"/api/v1/risk{path}", HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

    return call


ENTRY = {"area_code": "320902001001001", "domain": "房地产", "summary": "延期交房纠纷", "level": "orange",
         "level_reasons": "业主计划聚集", "responsible_unit_code": "G-EAST-HOUSING", "people_count": 40, "amount_wan": "300"}


def test_ledger_create_list_and_reassess_through_the_api(city, api):
    r = api("post", "/ledger", "east_leader", data=ENTRY, content_type="application/json")
    assert r.status_code == 201, r.content
    entry_id = r.json()["id"]
    assert [e["id"] for e in api("get", "/ledger", "east_leader").json()] == [entry_id]
    assert api("get", "/ledger", "west_registrar").json() == []
    assert api("get", f"/ledger/{entry_id}", "west_registrar").status_code == 404
    rnd = api("post", "/rounds", "east_leader", data={"area_code": "320902000000", "cadence": "weekly"}, content_type="application/json").json()
    assert rnd["pending_entry_ids"] == [entry_id]
    r = api("post", f"/rounds/{rnd['id']}/reassess", "east_leader", data={"entry_id": entry_id, "new_level": "red", "note": "业主已聚集"},
            content_type="application/json")
    assert r.status_code == 201 and r.json()["done"] == 1
    assert DisputeEntry.objects.get().level == RiskLevel.RED


def test_ledger_create_outside_jurisdiction_is_404_with_chinese_message(city, api):
    r = api("post", "/ledger", "west_registrar", data=ENTRY, content_type="application/json")
    assert r.status_code == 404 and "管辖范围" in r.json()["error"]["message"]


def test_import_errors_come_back_as_422_naming_row_and_column(city, api):
    wb = Workbook()
    wb.active.append(COLUMNS)
    wb.active.append([1, "2026-04-01", "320902001001001", "房地产", "纠纷", "很多", 1, "红", "B-EAST", "", "", "在办"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.name = "ledger.xlsx"
    buf.seek(0)
    r = api("post", "/ledger/import", "east_leader", data={"file": buf})
    assert r.status_code == 422
    assert "第2行“涉及人数”" in r.json()["error"]["message"]
    assert not DisputeEntry.objects.exists()


def test_export_is_an_xlsx_in_the_bureaus_format(city, api):
    api("post", "/ledger", "east_leader", data=ENTRY, content_type="application/json")
    r = api("get", "/ledger/export", "east_leader")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == COLUMNS and ws.max_row == 2


def test_alert_inbox_actions_and_scoping(city, api):
    a, _ = alerts.raise_alert(dedupe_key="t", kind=AlertKind.STATISTICAL, level=RiskLevel.RED, title="东城区异常", area=city.areas["east"],
                              chart={"dates": ["2026-03-30"], "counts": [9]})
    assert [x["id"] for x in api("get", "/alerts", "east_leader").json()] == [a.pk]
    assert api("get", "/alerts", "west_registrar").json() == []
    r = api("post", f"/alerts/{a.pk}/ack", "east_leader", data={}, content_type="application/json")
    assert r.json()["state"] == "acknowledged"
    r = api("post", f"/alerts/{a.pk}/close", "east_leader", data={"note": ""}, content_type="application/json")
    assert r.status_code == 422
    r = api("post", f"/alerts/{a.pk}/escalate", "east_leader", data={"reason": "需市级协调"}, content_type="application/json")
    assert r.json()["escalated_to"] == "示范市信访局"
    # A functional department in the county sees the alert but may not handle it.
    assert api("post", f"/alerts/{a.pk}/ack", "east_housing_handler", data={}, content_type="application/json").status_code == 403


def test_overview_counts_the_callers_subtree(city, api):
    api("post", "/ledger", "east_leader", data=ENTRY, content_type="application/json")
    city_view = api("get", "/overview", "city_leader").json()
    assert city_view["ledger_levels"]["orange"] == 1
    assert city_view["treemap"][0]["name"] == "东城区" and city_view["treemap"][0]["children"][0]["name"] == "房地产"
    assert api("get", "/overview", "west_registrar").json()["ledger_active"] == 0


def test_case_and_petitioner_scores_are_scoped(city, api):
    from minxin.risk.tests.factories import bulk_cases, link, petitioner

    first, second = bulk_cases(city, area="east1v", per_day={dt.date(2026, 4, 1): 2})
    p = petitioner()
    link(first, p)
    link(second, p)
    r = api("get", f"/cases/{second.number}/score", "east_registrar").json()
    assert r["reasons"][0]["code"] == "repeat"
    rows = api("get", f"/cases/{second.number}/petitioners", "east_registrar").json()
    assert rows[0]["name"] == "张*" and "共2件" in rows[0]["reasons"][-1]["detail"]
    assert api("get", f"/cases/{second.number}/score", "west_registrar").status_code == 404


def test_plans_are_created_activated_and_drilled_through_the_api(city, api):
    plan = {"name": "劳动关系群体性事件预案", "area_code": "320900000000", "trigger_kinds": ["statistical"], "min_level": "orange",
            "task_templates": [{"title": "通知人社部门", "role": "协调组", "due_hours": 1}]}
    assert api("post", "/plans", "east_leader", data=plan, content_type="application/json").status_code == 404  # city area: not theirs
    own = {**plan, "area_code": "320902000000"}
    assert api("post", "/plans", "east_registrar", data=own, content_type="application/json").status_code == 403  # role
    r = api("post", "/plans", "city_leader", data=plan, content_type="application/json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    # The county sees and may start the city's plan; it applies to its area too.
    assert [p["id"] for p in api("get", "/plans", "east_leader").json()] == [pid]
    act = api("post", f"/plans/{pid}/activate", "east_leader", data={"reason": "某工地欠薪聚集"}, content_type="application/json").json()
    task_id = act["tasks"][0]["id"]
    done = api("post", f"/plan-tasks/{task_id}/done", "east_leader", data={"note": "已通知"}, content_type="application/json").json()
    assert done["done_at"] is not None
    r = api("post", f"/plans/{pid}/drills", "city_leader", data={"held_on": "2026-04-01", "scenario": "欠薪聚集"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["tasks"] == 1
