import json

import pytest
from django.test import Client

from minxin.api.tokens import issue_token
from minxin.cases.models import Case
from minxin.cases.services import register_case
from minxin.reception.tests.conftest import case_fields, person, valid_id

pytestmark = pytest.mark.django_db


def api(username):
    raw = issue_token(username=username, name="测试")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def post(path, body):
        r = client.post(f"/api/v1/reception{path}", json.dumps(body), content_type="application/json")
        return r.status_code, r.json()

    def get(path):
        r = client.get(f"/api/v1/reception{path}")
        return r.status_code, r.json()

    return post, get


def test_lookup_returns_only_cases_the_caller_may_see(city, clock):
    id_number = valid_id()
    east = register_case(actor=city.staff["east_registrar"], channel="visit", petitioners=[person(id_number=id_number)],
                         **case_fields(city))
    post, _get = api("east_registrar")
    status, body = post("/lookup", {"id_number": id_number})
    assert status == 200 and [c["number"] for c in body["cases"]] == [east.number]
    assert [f["code"] for f in body["flags"]] == ["repeat"]

    post, _get = api("west_registrar")
    assert post("/lookup", {"id_number": id_number}) == (200, {"cases": [], "flags": []})
    status, body = post("/lookup", {"id_number": id_number[:-1] + "Y"})
    assert status == 422 and "id_number" in body["error"]["fields"]


def test_reception_day_booking_outcome_and_turn_into_case_over_the_api(city, clock):
    post, get = api("east_registrar")
    status, day = post("/days", {"leader_id": city.staff["east_leader"].pk, "date": "2026-03-02", "starts_at": "08:00",
                                 "ends_at": "09:00", "place": "接待大厅", "capacity": 3})
    assert status == 201 and day["state"] == "planned"
    assert [d["id"] for d in get("/days")[1]] == [day["id"]]
    assert api("west_registrar")[1]("/days") == (200, [])

    status, booking = post(f"/days/{day['id']}/bookings", {"name": "王五", "id_number": valid_id(), "topic": "电梯",
                                                            "address": "东一社区8号", "area": "320902001001"})
    assert status == 201 and booking["name"] == "王*"

    lead_post, _ = api("east_leader")
    status, err = lead_post(f"/bookings/{booking['id']}/case", {"category": "complaint", "subject": "电梯", "content": "停运",
                                                                 "request": "修复", "facts": "停运", "reasons": "不便",
                                                                 "assign_to": "G-EAST-HOUSING"})
    assert status == 422 and Case.objects.count() == 0
    status, out = lead_post(f"/bookings/{booking['id']}/case", {"category": "complaint", "subject": "电梯", "content": "停运",
                                                                 "request": "修复", "facts": "停运", "reasons": "不便",
                                                                 "assign_to": "G-EAST-HOUSING", "days": 30})
    assert status == 201 and out["case_state"] == "assigned" and out["booking"]["case_number"] == out["case_number"]

    status, b = lead_post(f"/bookings/{booking['id']}/outcome", {"attended": True, "outcome": "已交办住建局", "resolved_on_spot": False})
    assert status == 200 and b["state"] == "attended" and b["resolved_on_spot"] is False
    status, err = api("east_housing_handler")[0](f"/bookings/{booking['id']}/outcome", {"attended": False})
    assert status == 404


def test_only_bureau_registrars_and_leaders_schedule_over_the_api(city, clock):
    body = {"leader_id": city.staff["east_leader"].pk, "date": "2026-03-03", "starts_at": "09:00", "ends_at": "10:00",
            "place": "大厅"}
    status, err = api("east_housing_handler")[0]("/days", body)
    assert status == 403 and err["error"]["code"] == "permission_denied"
    status, err = api("west_registrar")[0]("/days", body)
    assert status == 422 and "leader" in err["error"]["fields"]
    assert api("east_housing_handler")[0]("/lookup", {"id_number": valid_id()})[0] == 403
