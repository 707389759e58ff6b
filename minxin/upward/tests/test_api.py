import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from openpyxl import load_workbook

from minxin.api.tokens import issue_token
from minxin.cases.models import CaseParty, Petitioner
from minxin.exchange.kinds import KINDS
from minxin.exchange.models import SpreadsheetJob
from minxin.core import crypto
from minxin.testing import make_case, valid_id
from minxin.upward.models import UpwardEvent
from minxin.upward.tests.factories import CONTENTS, reporting_lines

ID = valid_id()
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def api(client):
    def call(method, path, username, data=None):
        raw = issue_token(username=username, name="测试")[1]
        kw = {"data": data, "content_type": "application/json"} if data is not None else {}
        return getattr(client, method)(f"/api/v1/upward{path}", HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

    return call


@pytest.fixture
def case(city):
    reporting_lines(city)
    c = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    p = Petitioner.objects.create(name_enc=crypto.encrypt("张三丰"), id_number_enc=crypto.encrypt(ID), phone_enc=crypto.encrypt("13912345678"),
                                  name_masked="张*", id_masked="3209**********1234", phone_masked="139****5678")
    CaseParty.objects.create(case=c, petitioner=p)
    return c


def _through_to_sent(api, case):
    r = api("post", "/matters", "east_leader", {"case_number": case.number, "gravity": "both", "reason": "群众聚集"})
    assert r.status_code == 201, r.content
    matter = r.json()
    report_id = matter["reports"][0]["id"]
    assert "已采取的措施" in matter["reports"][0]["missing"]
    assert api("post", f"/reports/{report_id}/submit", "east_leader", {}).status_code == 422
    assert api("patch", f"/reports/{report_id}", "east_leader", CONTENTS).status_code == 200
    assert api("post", f"/reports/{report_id}/submit", "east_leader", {}).status_code == 200
    assert api("post", f"/reports/{report_id}/approve", "east_leader", {}).status_code == 200
    sent = api("post", f"/reports/{report_id}/send", "east_leader", {})
    assert sent.status_code == 200, sent.content
    return matter["id"], sent.json()


def test_the_whole_route_through_the_api_is_audited(city, case, api):
    matter_id, report = _through_to_sent(api, case)
    assert report["state"] == "sent" and {d["unit_name"] for d in report["deliveries"]} == {"东城区委区政府总值班室", "示范市信访局", "国家信访局"}
    upper = next(d for d in report["deliveries"] if d["role"] == "upper_bureau")
    assert api("post", f"/deliveries/{upper['id']}/acknowledge", "city_registrar", {}).status_code == 200
    ins = api("post", f"/deliveries/{upper['id']}/instructions", "city_leader", {"leader": "市信访局局长", "text": "请妥善处置"})
    assert ins.status_code == 201 and ins.json()["overdue"] is False
    fb = api("post", f"/instructions/{ins.json()['id']}/feedback", "east_leader", {"text": "已妥善处置"})
    assert fb.status_code == 200 and fb.json()["fed_back_at"]
    actions = list(UpwardEvent.objects.filter(matter_id=matter_id).values_list("action", flat=True))
    assert actions == ["marked", "report_drafted", "report_updated", "report_submitted", "report_approved", "report_sent",
                       "acknowledged", "instruction_recorded", "feedback_recorded"]
    detail = api("get", f"/matters/{matter_id}", "city_supervisor").json()
    assert detail["first_report_overdue"] is False and detail["unacknowledged"] == 2


def test_matters_are_scoped_to_the_reporting_unit_and_the_bureaus_above(city, case, api):
    matter_id, _report = _through_to_sent(api, case)
    assert [m["id"] for m in api("get", "/matters", "city_analyst").json()] == [matter_id]
    for who in ("west_registrar", "east_hr_handler", "east1_handler"):
        assert api("get", "/matters", who).json() == []
        assert api("get", f"/matters/{matter_id}", who).status_code == 404
    assert api("post", f"/matters/{matter_id}/reports", "west_registrar", {}).status_code == 404
    # The city bureau sees the county's report but may not draft for it.
    assert api("post", f"/matters/{matter_id}/reports", "city_supervisor", {}).status_code == 403


def test_bad_input_is_a_chinese_422_and_writes_nothing(city, case, api):
    before = UpwardEvent.objects.count()
    r = api("post", "/matters", "east_leader", {"case_number": case.number, "gravity": "huge", "reason": ""})
    assert r.status_code == 422 and "性质" in r.json()["error"]["message"]
    assert api("post", "/matters", "east_leader", {"case_number": "NOPE", "gravity": "urgent", "reason": "x"}).status_code == 404
    assert UpwardEvent.objects.count() == before


def test_the_exchange_json_masks_petitioners_unless_full_and_allowed(city, case, api):
    _through_to_sent(api, case)
    data = api("get", "/exchange", "city_supervisor").json()
    assert data["format"] == "minxin.upward/1" and data["masked"] is True
    assert data["reports"][0]["people_count"] == 60 and data["reports"][0]["case_numbers"] == [case.number]
    assert {d["role"] for d in data["deliveries"]} == {"本级党委和政府", "上一级信访部门", "国家信访局"}
    assert data["petitioners"] == [{"case_number": case.number, "name": "张*", "id_number": "3209**********1234",
                                    "phone": "139****5678", "masked": True}]
    # A full export needs a bureau registrar or leader; only the registering bureau sees identities in clear.
    assert api("get", "/exchange?full=true", "city_supervisor").status_code == 403
    assert api("get", "/exchange?full=true", "city_leader").json()["petitioners"][0]["masked"] is True
    full = api("get", "/exchange?full=true", "east_leader").json()
    assert full["petitioners"][0]["id_number"] == ID
    assert SpreadsheetJob.objects.filter(kind="upward", full=True).count() == 2
    assert api("get", "/exchange", "west_registrar").json()["reports"] == []


def test_the_excel_kind_carries_the_same_fields(city, case, api):
    _through_to_sent(api, case)
    data, rows = KINDS["upward"].export(actor=city.staff["city_leader"])
    assert rows == 1
    book = load_workbook(io.BytesIO(data))
    sheet = book["信息报告"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    values = dict(zip(header, [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]))
    assert values["涉及人数"] == 60 and values["报告单位编码"] == "B-EAST" and values["关联信访件编号"] == case.number
    people = book["信访人"]
    assert [c.value for c in next(people.iter_rows(min_row=2, max_row=2))][:3] == [case.number, "张*", "3209**********1234"]


def test_the_export_command_writes_the_json_exchange_format_with_the_same_field_tables(city, case, api, tmp_path):
    import json

    from django.core.management import call_command

    from minxin.exchange.upward import TABLES

    _through_to_sent(api, case)
    out = tmp_path / "upward.json"
    call_command("export", "upward", str(out), "--as", "city_leader")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "minxin.upward/1" and data["masked"] is True
    for key, _title, fields in TABLES:
        assert all(list(row) == [f.key for f in fields] for row in data[key]), key
    assert data["reports"][0]["case_numbers"] == [case.number] and data["reports"][0]["unit_code"] == "B-EAST"
    assert data["petitioners"][0]["id_number"] == "3209**********1234"
    # On record like every export, with the file it went to.
    assert SpreadsheetJob.objects.filter(kind="upward", full=False, file_name=str(out)).count() == 1


def test_the_export_command_refuses_json_for_a_kind_without_a_json_format(city, tmp_path):
    from django.core.management import CommandError, call_command

    out = tmp_path / "cases.json"
    with pytest.raises(CommandError, match="没有 JSON 交换格式"):
        call_command("export", "cases", str(out))
    assert not out.exists()
