"""Every problem of a registration form comes back in one round, next to its field; over-long text is refused, never cut."""

import pytest
from django.urls import reverse

from minxin.cases.models import Case
from minxin.testing import valid_id

pytestmark = pytest.mark.django_db

PEOPLE = {"p-TOTAL_FORMS": "6", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "6"}


def test_an_empty_registration_reports_every_missing_item_at_once(client, city, clock):
    client.force_login(city.staff["east_registrar"].user)
    r = client.post(reverse("web:case_register"), PEOPLE | {"people_count": "x"})
    html = r.content.decode()
    assert r.status_code == 422
    # Form parsing (channel, category, people count) and the service's Art. 19 rules in the same response.
    assert "请填写：标题、信访内容、请求、事实、理由（《信访工作条例》第十九条）" in html
    assert "请填写信访人姓名和住址" in html
    assert html.count('class="form__error') >= 8 or html.count("必填") >= 5
    assert Case.objects.count() == 0


def test_over_long_subject_is_refused_with_its_limit_and_the_page_does_not_cut_it(client, city, clock):
    client.force_login(city.staff["east_registrar"].user)
    page = client.get(reverse("web:case_register")).content.decode()
    assert "maxlength" not in page
    data = PEOPLE | {"channel": "visit", "category": "complaint", "area_1": city.areas["east1"].code, "subject": "电" * 201,
                     "content": "内容", "request": "请求", "facts": "事实", "reasons": "理由",
                     "p-0-name": "王小明", "p-0-id_number": valid_id(), "p-0-address": "东一社区1号"}
    html = client.post(reverse("web:case_register"), data).content.decode()
    assert "最多200个字，现有201个字" in html and "电" * 201 in html
    assert Case.objects.count() == 0


def test_desk_reports_parse_errors_and_rule_errors_together(client, city, clock):
    client.force_login(city.staff["east_registrar"].user)
    data = {"category": "", "area_1": city.areas["east1"].code, "subject": "", "content": "内容", "request": "", "facts": "事实",
            "reasons": "理由", "people_count": "abc", "p-TOTAL_FORMS": "5", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0",
            "p-MAX_NUM_FORMS": "5", "p-0-name": "赵六", "p-0-address": "", "p-0-phone": "12"}
    html = client.post(reverse("web:reception_desk"), data).content.decode()
    assert "请填写：标题、请求" in html and "第1位信访人的住址必填" in html and "第1位信访人的手机号码格式不正确" in html
    assert "请输入整数" in html or "整数" in html
    assert Case.objects.count() == 0


def test_an_empty_call_form_names_every_missing_item_at_once(client, city, clock):
    client.force_login(city.staff["east_registrar"].user)
    html = client.post(reverse("web:reception_call"), {"area_1": city.areas["east1"].code, "phone": "12"}).content.decode()
    for text in ("请填写来电人姓名（名称）", "请填写来电人住址", "请填写11位手机号码，便于回访", "请填写：标题、信访内容、请求、事实、理由"):
        assert text in html, text
    assert Case.objects.count() == 0
