"""The grid API and pages: scoping (own grid / area below / nobody else) and audit."""

import pytest
from django.test import Client

from minxin.api.tokens import issue_token
from minxin.grid.models import GridReport
from minxin.grid.tests.conftest import PNG, png, text_file
from minxin.risk.models import DisputeEntry, RiskEvent

pytestmark = pytest.mark.django_db

REPORT = {"kind": "dispute", "domain": "房地产", "area_code": "320902001001001", "description": "小区地下车库漏水，业主与物业争执",
          "people_count": "6", "parties": "6户业主与物业公司", "place": "5栋地库"}


@pytest.fixture
def api(client):
    def call(method, path, username, **kw):
        raw = issue_token(username=username, name="测试")[1]
        return getattr(client, method)(f"/api/v1/grid{path}", HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

    return call


def test_a_grid_worker_reports_with_a_photo_visits_and_resolves_through_the_api(city, api):
    r = api("post", "/reports", "grid1_worker", data=REPORT | {"photo": png()})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["has_photo"] and body["status"] == "handling" and body["grid"] == "东一社区第1网格" and body["place"] == "5栋地库"
    rid = body["id"]
    r = api("post", f"/reports/{rid}/visits", "grid1_worker", data={"description": "约物业和业主代表到现场查看"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["steps"][0]["kind"] == "visit"
    r = api("post", f"/reports/{rid}/resolve", "grid1_worker", data={"note": "物业承诺一周内修复"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "resolved" and r.json()["resolved_at"]
    entry = DisputeEntry.objects.get()
    events = list(RiskEvent.objects.filter(entry=entry).values_list("action", "actor__user__username"))
    assert ("grid_reported", "grid1_worker") in events and ("grid_visit", "grid1_worker") in events
    assert ("grid_resolved", "grid1_worker") in events


def test_reports_are_scoped_to_the_grid_and_the_area_above_it(city, api):
    rid = api("post", "/reports", "grid1_worker", data=REPORT).json()["id"]
    assert [r["id"] for r in api("get", "/reports", "grid1_worker").json()] == [rid]
    assert [r["id"] for r in api("get", "/reports", "east1_handler").json()] == [rid]
    assert api("get", "/reports", "west1_handler").json() == []
    assert api("get", "/reports", "east_housing_handler").json() == []
    assert api("get", f"/reports/{rid}", "west1_handler").status_code == 404
    # The township sees the item but does not work it: the grid does.
    r = api("post", f"/reports/{rid}/visits", "east1_handler", data={"description": "走访"}, content_type="application/json")
    assert r.status_code == 403 and "网格员" in r.json()["error"]["message"]
    assert not RiskEvent.objects.filter(action="grid_visit").exists()


def test_bad_reports_are_refused_in_chinese_and_write_nothing(city, api):
    r = api("post", "/reports", "grid1_worker", data=REPORT | {"photo": text_file()})
    assert r.status_code == 422 and "JPEG 或 PNG" in r.json()["error"]["message"]
    r = api("post", "/reports", "grid1_worker", data=REPORT | {"area_code": "320903001001"})
    assert r.status_code == 404 and "网格" in r.json()["error"]["message"]
    r = api("post", "/reports", "east1_handler", data=REPORT)
    assert r.status_code == 403
    assert not GridReport.objects.exists() and not RiskEvent.objects.exists()


def test_a_registrar_registers_a_report_that_asked_for_a_case(city, api):
    rid = api("post", "/reports", "grid1_worker", data=REPORT | {"wants_case": "true"}).json()["id"]
    r = api("post", f"/reports/{rid}/case", "west_registrar", data={"petitioner_name": "李四", "petitioner_address": "5栋"},
            content_type="application/json")
    assert r.status_code == 404
    r = api("post", f"/reports/{rid}/case", "east_registrar", data={"petitioner_name": "李四", "petitioner_address": "5栋"},
            content_type="application/json")
    assert r.status_code == 201 and r.json()["case_request"] == "registered" and r.json()["case_number"]


def test_the_photo_is_served_only_to_those_who_see_the_report(city, api):
    rid = api("post", "/reports", "grid1_worker", data=REPORT | {"photo": png()}).json()["id"]
    c = Client()
    c.force_login(city.staff["grid1_worker"].user)
    r = c.get(f"/grid/items/{rid}/photo/")
    assert r.status_code == 200 and r.content == PNG and r["Content-Type"] == "image/png"
    c.force_login(city.staff["west1_handler"].user)
    assert c.get(f"/grid/items/{rid}/photo/").status_code == 404


def test_the_phone_page_reports_and_refuses_bad_input_next_to_the_field(city, housing):
    c = Client()
    c.force_login(city.staff["grid1_worker"].user)
    page = c.get("/grid/report/")
    assert page.status_code == 200 and "东一社区第1网格" in page.content.decode()
    form = {"kind": "risk", "domain": housing.pk, "people_count": 1, "description": "河堤护栏缺失，有落水风险",
            "area": city.areas["grid1"].pk, "level": "yellow"}
    bad = c.post("/grid/report/", form | {"parties": "王五 13912345678"})
    assert bad.status_code == 200 and "不得填写身份证号或手机号码" in bad.content.decode() and not GridReport.objects.exists()
    ok = c.post("/grid/report/", form | {"photo": png()})
    rep = GridReport.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/grid/items/{rep.pk}/" and rep.kind == "risk" and rep.photo
