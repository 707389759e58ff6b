"""/api/v1/cases: scoped list and detail, 登记, and every lifecycle endpoint's jurisdiction, permission and locking."""

import datetime as dt
import io
import json

import docx
import pytest
import time_machine

from minxin.api.tests.conftest import bearer
from minxin.cases import services as svc
from minxin.cases.models import Case, CaseState
from minxin.cases.tests.conftest import person, valid_id
from minxin.org import services as org
from minxin.org.models import Role
from minxin.testing import PASSWORD
from minxin.cases.actions import ACTIONS

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = "2026-03-02"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def east1_leader(city):
    # 延期 needs the 负责人 of the handling unit (Art. 34); the test city has none at 东一街道.
    staff = org.create_staff(username="east1_leader", password=PASSWORD, unit=city.units["east1_office"],
                             roles=[Role.REVIEWER], full_name="东一街道领导")
    city.staff["east1_leader"] = staff
    return staff


def post(client, staff, path, body):
    client.force_login(staff.user)
    return client.post(path, json.dumps(body), content_type="application/json")


# --- Building cases in each state, through the services --------------------------------------


def registered(city, subject="小区电梯长期停运"):
    return svc.register_case(
        actor=city.staff["east_registrar"], channel="visit", category="complaint", subject=subject,
        content="3号楼电梯停运两个月", request="修复电梯", facts="1月起停运", reasons="影响出行",
        area=city.areas["east1v"], petitioners=[person(name="王小明", phone="13800138000")],
    )


def transferred(city):
    c = registered(city)
    return svc.transfer_case(c, actor=city.staff["east_registrar"], unit=city.units["east1_office"])


def assigned(city):
    c = registered(city)
    return svc.assign_case(c, actor=city.staff["east_registrar"], unit=city.units["east1_office"], days=30)


def accepted(city):
    return svc.accept_case(transferred(city), actor=city.staff["east1_handler"], route="opinion")


def opinion(city, delivered=True):
    return svc.issue_opinion(
        accepted(city), actor=city.staff["east1_handler"], request="修复电梯", facts="维保合同到期", opinion="责成物业修复",
        legal_basis="《物业管理条例》", outcome="support", delivered_on=dt.date(2026, 3, 2) if delivered else None,
    )


def review_requested(city):
    return svc.request_review(opinion(city), actor=city.staff["east_registrar"], request="不服处理意见")


def review_decided(city):
    return svc.decide_review(review_requested(city), actor=city.staff["east_leader"], result="upheld", facts="事实清楚",
                             opinion="维持", legal_basis="《信访工作条例》第三十五条", delivered_on=dt.date(2026, 3, 2))


def recheck_requested(city):
    return svc.request_recheck(review_decided(city), actor=city.staff["east_registrar"], request="不服复查意见")


def final(city):
    return svc.decide_recheck(recheck_requested(city), actor=city.staff["city_leader"], result="upheld", facts="事实清楚",
                              opinion="维持", legal_basis="《信访工作条例》第三十六条")


def in_hearing(city):
    return svc.start_hearing(recheck_requested(city), actor=city.staff["city_leader"])


def objected(city):
    return svc.object_to_transfer(transferred(city), actor=city.staff["east1_handler"], reason="不属本单位职责")


def disputed(city):
    return svc.open_jurisdiction_dispute(registered(city), actor=city.staff["east_registrar"],
                                         units=[city.units["east_housing"], city.units["east_hr"]], reason="职责交叉")


def referred(city):
    return svc.accept_case(transferred(city), actor=city.staff["east1_handler"], route="perform_duty")


def assigned_referred(city):
    return svc.accept_case(assigned(city), actor=city.staff["east1_handler"], route="perform_duty")


def reported(city):
    return svc.submit_report(assigned_referred(city), actor=city.staff["east1_handler"], process="约谈物业", result="已修复")


# action: (build, allowed, visible but not allowed, body, state after)
SCENARIOS = {
    "transfer": (registered, "east_registrar", "city_registrar", lambda c, city: {"unit": "T-EAST1"}, CaseState.TRANSFERRED),
    "assign": (registered, "east_registrar", "city_registrar", lambda c, city: {"unit": "T-EAST1", "days": 20}, CaseState.ASSIGNED),
    "accept": (transferred, "east1_handler", "east_registrar", lambda c, city: {"route": "opinion"}, CaseState.ACCEPTED),
    "object": (transferred, "east1_handler", "east_registrar", lambda c, city: {"reason": "不属本单位职责"}, CaseState.OBJECTED),
    "decide_objection": (objected, "east_registrar", "east1_handler", lambda c, city: {"agree": True}, CaseState.REGISTERED),
    "refuse": (registered, "east_registrar", "city_registrar",
               lambda c, city: {"ground": "other", "legal_basis": "《信访工作条例》第三十一条", "reason": "已进入诉讼程序"},
               CaseState.NOT_ACCEPTED),
    "refuse_repeat": (registered, "east_registrar", "city_registrar",
                      lambda c, city: {"earlier_case": final(city).number, "reason": "同一事实和理由"}, CaseState.NOT_REACCEPTED),
    "open_dispute": (registered, "east_registrar", "city_registrar",
                     lambda c, city: {"units": ["G-EAST-HOUSING", "G-EAST-HR"], "reason": "职责交叉"}, CaseState.DISPUTED),
    "settle_dispute": (disputed, "east_registrar", "city_registrar", lambda c, city: {"unit": "G-EAST-HR"}, CaseState.TRANSFERRED),
    "start_hearing": (recheck_requested, "city_leader", "east_registrar", lambda c, city: {}, CaseState.RECHECK_REQUESTED),
    "end_hearing": (in_hearing, "city_leader", "east_registrar", lambda c, city: {"summary": "听证完毕"}, CaseState.RECHECK_REQUESTED),
    "extend": (accepted, "east1_leader", "east1_handler", lambda c, city: {"days": 30, "reason": "需多部门会商"}, CaseState.ACCEPTED),
    "issue_opinion": (accepted, "east1_handler", "east_registrar",
                      lambda c, city: {"outcome": "explain", "request": "修复电梯", "facts": "经核实", "opinion": "已协调",
                                       "legal_basis": "《物业管理条例》"}, CaseState.OPINION_ISSUED),
    "record_delivery": (lambda city: opinion(city, delivered=False), "east1_handler", "east_registrar",
                        lambda c, city: {"delivered_on": TODAY}, CaseState.OPINION_ISSUED),
    "submit_report": (assigned_referred, "east1_handler", "east_registrar",
                      lambda c, city: {"process": "约谈物业", "result": "已修复"}, CaseState.REPORTED),
    "review_report": (reported, "east_registrar", "city_registrar", lambda c, city: {"accept": True}, CaseState.CLOSED),
    "close": (referred, "east1_handler", "east_registrar", lambda c, city: {"result": "已依法履行职责"}, CaseState.CLOSED),
    "request_review": (opinion, "east_registrar", "east1_handler", lambda c, city: {"request": "不服处理意见"},
                       CaseState.REVIEW_REQUESTED),
    "decide_review": (review_requested, "east_leader", "east1_handler",
                      lambda c, city: {"result": "changed", "facts": "部分事实有误", "opinion": "变更", "legal_basis": "第三十五条"},
                      CaseState.REVIEW_DECIDED),
    "request_recheck": (review_decided, "east_registrar", "east1_handler", lambda c, city: {"request": "不服复查意见"},
                        CaseState.RECHECK_REQUESTED),
    "decide_recheck": (recheck_requested, "city_leader", "east_registrar",
                       lambda c, city: {"result": "upheld", "facts": "事实清楚", "opinion": "维持", "legal_basis": "第三十六条"},
                       CaseState.FINAL),
}


def test_every_action_endpoint_has_a_scenario():
    assert set(SCENARIOS) == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(SCENARIOS))
def test_action_endpoint_scopes_checks_permission_locks_and_succeeds(client, city, east1_leader, action):
    build, allowed, denied, body, after = SCENARIOS[action]
    case = build(city)
    path = f"/api/v1/cases/{case.pk}/{ACTIONS[action].slug}"
    payload = body(case, city)
    case.refresh_from_db()
    version = case.version

    outside = post(client, city.staff["west_registrar"], path, {**payload, "expected_version": version})
    assert outside.status_code == 404, outside.content
    assert outside.json()["error"]["code"] == "not_found"

    refused = post(client, city.staff[denied], path, {**payload, "expected_version": version})
    assert refused.status_code == 403, refused.content
    assert refused.json()["error"]["code"] == "permission_denied"

    stale = post(client, city.staff[allowed], path, {**payload, "expected_version": version - 1})
    assert stale.status_code == 409, stale.content
    assert stale.json()["error"]["code"] == "conflict"
    assert "已被他人修改，请刷新后重试" in stale.json()["error"]["message"]
    assert Case.objects.get(pk=case.pk).version == version

    done = post(client, city.staff[allowed], path, {**payload, "expected_version": version})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == after and done.json()["version"] == version + 1


def test_unknown_case_is_404_and_missing_version_is_422(client, city):
    case = registered(city)
    response = post(client, city.staff["east_registrar"], "/api/v1/cases/999999/transfer", {"unit": "T-EAST1", "expected_version": 1})
    assert response.status_code == 404
    response = post(client, city.staff["east_registrar"], f"/api/v1/cases/{case.pk}/transfer", {"unit": "T-EAST1"})
    assert response.status_code == 422 and response.json()["error"]["fields"] == {"payload.expected_version": ["必填"]}


def test_service_validation_errors_come_back_as_field_errors(client, city):
    case = transferred(city)
    response = post(client, city.staff["east1_handler"], f"/api/v1/cases/{case.pk}/accept", {"expected_version": case.version})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"route": ["必填"]}
    assert "第三十一条" in response.json()["error"]["message"]


def test_list_is_scoped_filtered_paginated_and_sorted_by_deadline(client, city):
    first = registered(city, "电梯")
    second = registered(city, "工资")
    svc.register_case(actor=city.staff["west_registrar"], channel="letter", category="suggestion", subject="西城", content="x",
                      request="x", facts="x", reasons="x", area=city.areas["west1v"], petitioners=[person()])
    client.force_login(city.staff["east_registrar"].user)
    body = client.get("/api/v1/cases").json()
    assert body["count"] == 2 and [i["number"] for i in body["items"]] == [first.number, second.number]
    assert body["items"][0]["deadline"]["key"] == "normal" and body["items"][0]["deadline"]["due_on"] == "2026-03-17"
    assert client.get("/api/v1/cases", {"q": "工资"}).json()["items"][0]["number"] == second.number
    page2 = client.get("/api/v1/cases", {"page": 2, "page_size": 1}).json()
    assert page2["count"] == 2 and [i["number"] for i in page2["items"]] == [second.number]
    assert client.get("/api/v1/cases", {"overdue": "true"}).json()["count"] == 0
    assert client.get("/api/v1/cases", {"page_size": 500}).status_code == 422

    svc.transfer_case(first, actor=city.staff["east_registrar"], unit=city.units["east1_office"])
    client.force_login(city.staff["east1_handler"].user)
    assert [i["number"] for i in client.get("/api/v1/cases", {"scope": "inbox"}).json()["items"]] == [first.number]
    client.force_login(city.staff["east_registrar"].user)
    assert [i["number"] for i in client.get("/api/v1/cases", {"scope": "inbox"}).json()["items"]] == [second.number]


def test_detail_has_masked_people_deadlines_documents_timeline_and_allowed_actions(client, city):
    case = transferred(city)
    client.force_login(city.staff["east1_handler"].user)
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert body["petitioners"] == [{"name": "王**", "id_number": body["petitioners"][0]["id_number"], "phone": "138****8000",
                                    "address": "", "is_representative": False}]
    assert "13800138000" not in json.dumps(body, ensure_ascii=False) and "王小明" not in json.dumps(body, ensure_ascii=False)
    assert {d["code"] for d in body["deadlines"] if d["state"] == "running"} == {"accept_notice_15d", "objection_5wd"}
    assert [d["kind"] for d in body["documents"]] == ["transfer"]
    assert body["timeline"][1]["text"].startswith("2026年3月2日 东城区信访局 东城登记员 将事项转送至 东一街道办事处")
    assert [a["code"] for a in body["actions"]] == ["accept", "object", "refuse", "open_dispute"]
    assert body["actions"][0]["endpoint"] == f"/api/v1/cases/{case.pk}/accept"

    client.force_login(city.staff["west_registrar"].user)
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_document_download_is_a_docx_for_those_who_may_see_the_case(client, city, token_for):
    case = transferred(city)
    doc = case.documents.get()
    url = f"/api/v1/cases/{case.pk}/documents/{doc.pk}"
    response = client.get(url, **bearer(token_for("east1_handler")))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert doc.number in text
    outside = client.get(url, **bearer(token_for("west_registrar")))
    assert outside.status_code == 404 and outside.json()["error"]["code"] == "not_found"


def test_register_through_the_api(client, city):
    body = {
        "channel": "letter", "category": "complaint", "area": city.areas["east1v"].code, "subject": "拖欠工资",
        "content": "工地拖欠工资三个月", "request": "支付工资", "facts": "2025年12月起未发", "reasons": "生活困难",
        "petitioners": [{"name": "李四", "id_number": valid_id(), "address": "东一社区2号", "phone": "13912345678"}],
    }
    client.force_login(city.staff["east_registrar"].user)
    response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == CaseState.REGISTERED and created["petitioners"][0]["name"] == "李*"
    assert [a["code"] for a in created["actions"]][:2] == ["transfer", "assign"]

    missing = client.post("/api/v1/cases", json.dumps({**body, "facts": ""}), content_type="application/json")
    assert missing.status_code == 422 and missing.json()["error"]["fields"] == {"facts": ["必填"]}

    client.force_login(city.staff["east1_handler"].user)
    refused = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert refused.status_code == 403
    assert Case.objects.count() == 1


def test_full_identity_only_for_the_registering_bureau_and_it_is_logged(client, city, caplog):
    case = transferred(city)
    client.force_login(city.staff["east1_handler"].user)
    assert client.get(f"/api/v1/cases/{case.pk}", {"identity": "full"}).status_code == 403
    client.force_login(city.staff["east_registrar"].user)
    with caplog.at_level("INFO", logger="minxin.api.cases"):
        body = client.get(f"/api/v1/cases/{case.pk}", {"identity": "full"}).json()
    assert body["petitioners"][0]["name"] == "王小明" and body["petitioners"][0]["phone"] == "13800138000"
    assert f"case_id={case.pk}" in caplog.text and "王小明" not in caplog.text
