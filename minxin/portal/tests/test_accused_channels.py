"""第三十条第三款 on every channel: the accused unit is recorded, never routed to, never shown the case."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from minxin.cases.models import Case, CaseRouting
from minxin.portal import services as portal
from minxin.portal.models import Submission
from minxin.portal.tests.conftest import submit_named
from minxin.reception.tests.conftest import upload
from minxin.testing import PASSWORD, valid_id

pytestmark = pytest.mark.django_db

SUBJECT = "检举东城区住建局违规发放补贴"


def client_for(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def matter(city, **overrides):
    data = {
        "category": "accusation", "area_1": city.areas["east1"].code, "area_2": city.areas["east1v"].code,
        "subject": SUBJECT, "content": "该局工作人员违规发放补贴", "request": "依法查处", "facts": "2025年发放",
        "reasons": "违反规定", "accused_unit": str(city.units["east_housing"].pk), "accused_person": "东城住建领导",
        "p-TOTAL_FORMS": "5", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "赵六", "p-0-id_number": valid_id(), "p-0-phone": "13800001111", "p-0-address": "东一社区2号",
    }
    data.update(overrides)
    return data


def assert_recorded(city, case):
    assert case.accused_unit == city.units["east_housing"]
    assert case.accused_staff == city.staff["east_housing_leader"]


def test_workbench_registration_records_the_accused_unit_and_person(city, clock):
    data = matter(city, channel="visit", **{"p-TOTAL_FORMS": "6", "p-MAX_NUM_FORMS": "6"})
    r = client_for("east_registrar").post(reverse("web:case_register"), data)
    assert r.status_code == 302
    assert_recorded(city, Case.objects.get())


def test_desk_records_the_accused_unit_and_person(city, clock):
    r = client_for("east_registrar").post(reverse("web:reception_desk"), matter(city))
    assert r.status_code == 302
    assert_recorded(city, Case.objects.get())


def test_letter_records_the_accused_unit_and_person(city, clock):
    r = client_for("east_registrar").post(reverse("web:reception_letter"), matter(city) | {"files": [upload()]})
    assert r.status_code == 302
    assert_recorded(city, Case.objects.get())


def test_call_records_the_accused_unit_and_a_free_text_name(city, clock):
    data = {k: v for k, v in matter(city, accused_person="王科长").items() if not k.startswith("p-")}
    data |= {"caller_name": "李四", "phone": "13900001111", "address": "东一社区5号"}
    r = client_for("east_registrar").post(reverse("web:reception_call"), data)
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.accused_unit == city.units["east_housing"] and case.accused_staff is None and case.accused_name == "王科长"


def test_portal_submission_carries_the_accused_to_the_registrar_who_records_it(city, clock, sms):
    sub = submit_named(city, sms, category="accusation", accused_unit_name="东城区住房和城乡建设局", accused_person="东城住建领导")
    assert sub.accused_unit_name == "东城区住房和城乡建设局"
    c = client_for("east_registrar")
    page = c.get(reverse("portal:staff_detail", args=[sub.pk])).content.decode()
    # The unit the petitioner named is preselected for the registrar.
    assert f'<option value="{city.units["east_housing"].pk}" selected>' in page
    r = c.post(reverse("portal:staff_detail", args=[sub.pk]), {
        "action": "register", "category": "accusation", "subject": sub.subject, "request": sub.request, "facts": sub.content,
        "reasons": sub.content, "accused_unit": str(city.units["east_housing"].pk), "accused_person": "东城住建领导",
    })
    assert r.status_code == 302
    case = Submission.objects.get(pk=sub.pk).case
    assert_recorded(city, case)


def test_portal_api_takes_the_accused_unit_and_refuses_an_over_long_one(city, clock, client):
    body = {"category": "accusation", "subject": "违规发放补贴", "content": "该局违规发放补贴", "request": "依法查处",
            "area_code": city.areas["east1v"].code, "anonymous": True, "accused_unit_name": "局" * 101}
    r = client.post("/api/v1/portal/submissions", json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and "最多100个字，现有101个字" in r.json()["error"]["fields"]["accused_unit_name"][0]
    r = client.post("/api/v1/portal/submissions", json.dumps(body | {"accused_unit_name": "东城区住房和城乡建设局"}),
                    content_type="application/json")
    assert r.status_code == 201
    assert Submission.objects.get().accused_unit_name == "东城区住房和城乡建设局"


def test_api_registration_records_the_accused_and_transfer_to_it_is_refused(city, clock, client):
    client.force_login(city.staff["east_registrar"].user)
    body = {"channel": "letter", "category": "accusation", "area": city.areas["east1v"].code, "subject": SUBJECT,
            "content": "违规发放补贴", "request": "依法查处", "facts": "2025年", "reasons": "违规",
            "petitioners": [{"name": "赵六", "address": "东一社区2号"}],
            "accused_unit": "G-EAST-HOUSING", "accused_staff": "east_housing_handler"}
    r = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    case = Case.objects.get()
    assert case.accused_unit == city.units["east_housing"] and case.accused_staff == city.staff["east_housing_handler"]
    r = client.post(f"/api/v1/cases/{case.pk}/transfer", json.dumps({"unit": "G-EAST-HOUSING", "expected_version": case.version,
                                                                       "override_reason": "确需"}), content_type="application/json")
    assert r.status_code == 403
    assert "第三十条第三款" in r.json()["error"]["message"]
    assert Case.objects.get().current_unit == city.units["east_bureau"]


def test_api_registration_reports_unknown_codes_with_every_other_problem(city, clock, client):
    client.force_login(city.staff["east_registrar"].user)
    body = {"channel": "letter", "category": "accusation", "area": city.areas["east1v"].code, "accused_unit": "NO-SUCH"}
    r = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    fields = r.json()["error"]["fields"]
    assert r.status_code == 422 and {"accused_unit", "subject", "request", "petitioners"} <= set(fields)


def test_the_accused_unit_never_sees_the_case_even_if_it_got_there(city, clock):
    r = client_for("east_registrar").post(reverse("web:reception_desk"), matter(city))
    case = Case.objects.get()
    # Even were the case at the accused unit (a route that bypassed the rule), it stays out of its sight.
    Case.objects.filter(pk=case.pk).update(current_unit=city.units["east_housing"])
    CaseRouting.objects.create(case=case, unit=city.units["east_housing"], kind="transfer", at=case.registered_at)
    for username in ("east_housing_handler", "east_housing_leader"):
        c = client_for(username)
        assert SUBJECT not in c.get(reverse("web:case_inbox")).content.decode()
        assert SUBJECT not in c.get(reverse("web:case_inbox"), {"q": "住建局", "scope": "all"}).content.decode()
        assert c.get(reverse("web:case_detail", args=[case.pk])).status_code == 404
        assert c.get("/api/v1/cases", {"scope": "all"}).json()["count"] == 0
        assert c.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert r.status_code == 302
