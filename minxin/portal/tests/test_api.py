import datetime as dt

import pytest
import time_machine

from minxin.cases.services import accept_case, close_case, transfer_case
from minxin.portal import services
from minxin.portal.models import Submission
from minxin.portal.tests.conftest import PHONE, VALID_ID

pytestmark = pytest.mark.django_db

BASE = "/api/v1/portal"
START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def post(client, path, body, **extra):
    return client.post(BASE + path, body, content_type="application/json", **extra)


def payload(city, **kw):
    body = {"category": "suggestion", "subject": "增设公交站", "content": "东一社区附近没有公交站", "request": "增设公交站",
            "area_code": city.areas["east1v"].code, "name": "李四", "id_number": VALID_ID, "address": "东一社区8号",
            "phone": PHONE}
    body.update(kw)
    return body


def test_areas_cascade_by_code(client, city):
    top = client.get(BASE + "/areas").json()
    assert [a["name"] for a in top] == ["东城区", "西城区"] and all(a["has_children"] for a in top)
    villages = client.get(BASE + "/areas", {"parent": city.areas["east1"].code}).json()
    assert villages == [{"code": "320902001001", "name": "东一社区", "level": 4, "has_children": False}]


def test_submit_needs_a_verified_phone_and_returns_the_code(client, city, sms):
    r = post(client, "/submissions", payload(city))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error" and "sms_code" in r.json()["error"]["fields"]
    assert post(client, "/codes", {"phone": PHONE}).status_code == 202
    r = post(client, "/submissions", payload(city, sms_code=sms.last_code(PHONE)))
    assert r.status_code == 201
    assert Submission.objects.get().code == r.json()["code"]


def test_invalid_id_number_is_a_json_field_error(client, city):
    r = post(client, "/submissions", payload(city, id_number="110105194912310021", sms_code="1"))
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["id_number"] == ["身份证号码校验位不正确"]


def test_code_requests_are_throttled_with_429_and_a_chinese_message(client, city, settings):
    settings.MINXIN_PORTAL_THROTTLES = {**settings.MINXIN_PORTAL_THROTTLES, "sms_ip": "2/3600"}
    codes = [post(client, "/codes", {"phone": f"1380000000{i}"}).status_code for i in range(3)]
    assert codes == [202, 202, 429]
    r = post(client, "/codes", {"phone": "13800000009"})
    assert r.json()["error"]["code"] == "throttled" and "获取验证码过于频繁" in r.json()["error"]["message"]


def test_follow_then_rate_with_the_token(client, city, sms):
    with time_machine.travel(START, tick=False):
        post(client, "/codes", {"phone": PHONE})
        code = post(client, "/submissions", payload(city, sms_code=sms.last_code(PHONE))).json()["code"]
        sub = Submission.objects.get(code=code)
        case = services.register_submission(sub, actor=city.staff["east_registrar"])
        transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
        accept_case(case, actor=city.staff["east_housing_handler"])
        close_case(case, actor=city.staff["east_housing_handler"], result="已采纳")
        assert post(client, "/follow/start", {"code": code, "phone": PHONE}).status_code == 202
        r = post(client, "/follow", {"code": code, "phone": PHONE, "sms_code": sms.last_code(PHONE)})
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "已办结" and "事项已办结" in [s["text"] for s in body["steps"]]
        token = body["token"]
        assert post(client, "/ratings", {"token": token, "target": "unit", "score": "satisfied"}).status_code == 201
        again = post(client, "/ratings", {"token": token, "target": "unit", "score": "unsatisfied"})
        assert again.status_code == 422 and "只能评价一次" in again.json()["error"]["message"]
        bad = post(client, "/ratings", {"token": token + "x", "target": "bureau", "score": "satisfied"})
        assert bad.status_code == 404 and "查询凭证无效" in bad.json()["error"]["message"]


def test_wrong_sms_code_does_not_reveal_progress(client, city, sms):
    post(client, "/codes", {"phone": PHONE})
    code = post(client, "/submissions", payload(city, sms_code=sms.last_code(PHONE))).json()["code"]
    r = post(client, "/follow", {"code": code, "phone": PHONE, "sms_code": "000000"})
    assert r.status_code == 422 and "steps" not in r.json()
    r = post(client, "/follow", {"code": code, "phone": "13700000000", "sms_code": "000000"})
    assert r.status_code == 404 and r.json()["error"]["message"] == "查询码或手机号不正确"


def test_multipart_submission_checks_attachments_by_content(client, city, sms):
    from minxin.portal.tests.conftest import jpeg_bytes, upload

    post(client, "/codes", {"phone": PHONE})
    form = payload(city, sms_code=sms.last_code(PHONE))
    bad = client.post(BASE + "/submissions/multipart", {**form, "attachments": [upload("a.jpg", b"MZ\x90\x00" + b"\x00" * 40)]})
    assert bad.status_code == 422 and "attachments" in bad.json()["error"]["fields"]
    good = client.post(BASE + "/submissions/multipart", {**form, "attachments": [upload("a.jpg", jpeg_bytes())]})
    assert good.status_code == 201
    assert Submission.objects.get(code=good.json()["code"]).attachments.get().content_type == "image/jpeg"
