import pytest
from django.test import Client
from django.urls import reverse

from minxin.portal import services
from minxin.portal.models import Submission
from minxin.portal.tests.conftest import OTHER_PHONE, PHONE, VALID_ID, jpeg_bytes, submit_named, upload
from minxin.testing import PASSWORD

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def form_data(city, **overrides):
    data = {
        "category": "complaint", "subject": "电梯停用", "content": "3号楼电梯停用", "request": "修复电梯",
        "area_2": city.areas["east"].pk, "area_3": city.areas["east1"].pk, "area_4": city.areas["east1v"].pk,
        "name": "张三", "id_number": VALID_ID, "address": "东一社区3号楼", "phone": PHONE, "sms_code": "",
    }
    data.update(overrides)
    return data


def send_code(client, phone=PHONE):
    return client.post(reverse("portal:send_code"), {"phone": phone})


def test_landing_page_explains_routes_with_articles(client, city):
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="zh-Hans">' in html
    for text in ("建议意见", "检举控告", "申诉求决", "第二十条", "第二十八条", "第三十一条", "依法逐级", "可以匿名"):
        assert text in html


def test_form_post_without_csrf_token_is_rejected(city):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:submit"), form_data(city))
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_half_filled_form_saves_nothing_and_keeps_what_was_typed(client, city):
    response = client.post(reverse("portal:submit"), {
        "category": "complaint", "subject": "楼道灯坏了", "content": "东一社区5号楼楼道灯坏了一个月",
        "area_2": city.areas["east"].pk, "area_3": city.areas["east1"].pk, "phone": PHONE,
    })
    html = response.content.decode()
    assert response.status_code == 422
    assert not Submission.objects.exists()
    assert 'value="楼道灯坏了"' in html and "东一社区5号楼楼道灯坏了一个月</textarea>" in html
    assert f'value="{PHONE}"' in html and 'value="complaint" checked' in html
    assert f'<option value="{city.areas["east1"].pk}" selected>' in html
    assert "请填写请求事项" in html and "请继续选择到村（社区）一级" in html and "请填写姓名" in html


def test_send_code_button_without_js_keeps_the_form(client, city, sms):
    response = client.post(reverse("portal:submit"), form_data(city, subject="保留我", send_code="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "验证码已发送" in html and 'value="保留我"' in html
    assert sms.last_code(PHONE)


def test_complete_form_submits_and_shows_the_query_code(client, city, sms):
    send_code(client)
    response = client.post(reverse("portal:submit"), form_data(city, sms_code=sms.last_code(PHONE),
                                                               attachments=[upload("a.jpg", jpeg_bytes())]))
    assert response.status_code == 302
    sub = Submission.objects.get()
    done = client.get(response["Location"]).content.decode()
    assert sub.code in done and sub.attachments.count() == 1


def test_invalid_id_checksum_is_shown_next_to_the_field(client, city):
    html = client.post(reverse("portal:submit"), form_data(city, id_number=VALID_ID[:-1] + "1")).content.decode()
    assert "身份证号码校验位不正确" in html
    assert not Submission.objects.exists()


def test_disguised_attachment_is_refused_on_the_page(client, city, sms):
    send_code(client)
    fake = upload("photo.jpg", b"<html><body onload=alert(1)>hi</body></html>")
    response = client.post(reverse("portal:submit"), form_data(city, sms_code=sms.last_code(PHONE), attachments=[fake]))
    html = response.content.decode()
    assert response.status_code == 422
    assert "不是JPEG、PNG 图片或 PDF 文件" in html and "请重新选择" in html
    assert not Submission.objects.exists()


def test_text_fields_are_stored_as_typed_and_shown_escaped(client, city, sms):
    send_code(client)
    fields = {k: XSS for k in ("subject", "content", "request", "reasons", "address")}
    fields["name"] = "<b>张</b>"
    fields["email"] = "<img/src=x>@example.cn"
    client.post(reverse("portal:submit"), form_data(city, sms_code=sms.last_code(PHONE), **fields))
    sub = Submission.objects.get()
    assert sub.subject == XSS and sub.address == XSS and sub.name == "<b>张</b>"
    staff_client = Client()
    staff_client.login(username="east_registrar", password=PASSWORD)
    html = staff_client.get(reverse("portal:staff_detail", args=[sub.pk])).content.decode()
    assert XSS not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    queue = staff_client.get(reverse("portal:staff_queue")).content.decode()
    assert XSS not in queue and "&lt;script&gt;" in queue
    # …and on the public pages: the half-filled form re-render and the progress page.
    again = client.post(reverse("portal:submit"), {"subject": XSS, "content": XSS, "name": XSS, "email": XSS}).content.decode()
    assert XSS not in again and "&lt;script&gt;" in again
    services.start_follow(sub.code, PHONE, ip="127.0.0.1")
    client.post(reverse("portal:follow"), {"step": "verify", "code": sub.code, "phone": PHONE, "sms_code": sms.last_code(PHONE)})
    progress = client.get(reverse("portal:progress")).content.decode()
    assert XSS not in progress and "&lt;script&gt;" in progress


def test_flood_of_submissions_from_one_address_is_throttled(client, city, sms, settings):
    settings.MINXIN_PORTAL_THROTTLES = {**settings.MINXIN_PORTAL_THROTTLES, "submit_ip": "2/3600", "sms_phone": "50/3600"}
    statuses = []
    for i in range(3):
        phone = f"1370000{i:04d}"
        send_code(client, phone)
        response = client.post(reverse("portal:submit"), form_data(city, phone=phone, sms_code=sms.last_code(phone)))
        statuses.append(response.status_code)
    assert statuses == [302, 302, 429]
    assert "提交过于频繁，请于" in response.content.decode() and "后再试" in response.content.decode()
    assert Submission.objects.count() == 2


def test_flood_of_codes_to_one_phone_is_throttled(client, city, settings):
    settings.MINXIN_PORTAL_THROTTLES = {**settings.MINXIN_PORTAL_THROTTLES, "sms_phone": "3/3600"}
    responses = [send_code(client) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert "该手机号获取验证码过于频繁" in responses[-1].content.decode()


def test_guessing_query_codes_is_throttled_per_address(client, city, settings):
    settings.MINXIN_PORTAL_THROTTLES = {**settings.MINXIN_PORTAL_THROTTLES, "follow_ip": "5/3600"}
    statuses = [client.post(reverse("portal:follow"), {"code": f"GUESS{i:09d}", "phone": ""}).status_code for i in range(6)]
    assert statuses == [404] * 5 + [429]
    last = client.post(reverse("portal:follow"), {"code": "Y", "phone": ""})
    assert 0 < int(last["Retry-After"]) <= 3600
    assert "查询过于频繁" in client.post(reverse("portal:follow"), {"code": "X", "phone": ""}).content.decode()


def test_guessing_sms_codes_for_one_query_code_is_throttled(client, city, sms):
    sub = submit_named(city, sms)
    client.post(reverse("portal:follow"), {"code": sub.code, "phone": PHONE})
    answers = [client.post(reverse("portal:follow"), {"step": "verify", "code": sub.code, "phone": PHONE, "sms_code": f"{i:06d}"})
               for i in range(6)]
    assert answers[0].status_code == 422
    assert answers[-1].status_code == 429
    assert "尝试次数过多" in answers[-1].content.decode() or "错误次数过多" in answers[-1].content.decode()


def test_follow_with_a_wrong_phone_shows_nothing(client, city, sms):
    sub = submit_named(city, sms)
    client.post(reverse("portal:follow"), {"code": sub.code, "phone": OTHER_PHONE})
    response = client.post(reverse("portal:follow"), {"step": "verify", "code": sub.code, "phone": OTHER_PHONE, "sms_code": "123456"})
    assert response.status_code == 404 and "查询码或手机号不正确" in response.content.decode()
    assert client.get(reverse("portal:progress")).status_code == 302


def test_area_partial_lists_the_next_level(client, city):
    html = client.get(reverse("portal:areas"), {"area_2": city.areas["east"].pk}).content.decode()
    assert "东一街道" in html and "东二镇" in html and "西一街道" not in html
    assert '<label for="id_area_3">乡镇街道</label>' in html


def test_staff_queue_is_scoped_and_registration_links_the_case(city, sms):
    sub = submit_named(city, sms)
    west = Client()
    west.login(username="west_registrar", password=PASSWORD)
    assert sub.subject not in west.get(reverse("portal:staff_queue")).content.decode()
    assert west.get(reverse("portal:staff_detail", args=[sub.pk])).status_code == 404
    east = Client()
    east.login(username="east_registrar", password=PASSWORD)
    assert "网上信访" in east.get(reverse("web:home")).content.decode()  # NAV_ITEMS entry
    response = east.post(reverse("portal:staff_detail", args=[sub.pk]), {
        "action": "register", "category": "complaint", "subject": sub.subject, "request": "修复", "facts": "停用", "reasons": "不便"})
    sub.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("web:case_detail", args=[sub.case.pk])


def test_attachments_are_served_only_to_scoped_staff(client, city, sms):
    sub = submit_named(city, sms, files=[upload("x.jpg", jpeg_bytes())])
    att = sub.attachments.get()
    url = reverse("portal:staff_attachment", args=[att.pk])
    assert client.get(url).status_code == 302  # to the login page
    west = Client()
    west.login(username="west_registrar", password=PASSWORD)
    assert west.get(url).status_code == 404
    east = Client()
    east.login(username="east_registrar", password=PASSWORD)
    response = east.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content == jpeg_bytes() and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


def test_an_attachment_changed_on_disk_is_refused(client, city, sms):
    sub = submit_named(city, sms, files=[upload("x.jpg", jpeg_bytes())])
    att = sub.attachments.get()
    with open(att.file.path, "ab") as fh:
        fh.write(b"<script>alert(1)</script>")
    east = Client()
    east.login(username="east_registrar", password=PASSWORD)
    response = east.get(reverse("portal:staff_attachment", args=[att.pk]))
    assert response.status_code == 500 and "篡改" in response.content.decode()
