"""Portal forms: an empty form reports every problem at once; over-long text is refused with its limit, never cut."""

import json

import pytest
from django.urls import reverse

from minxin.portal.models import Submission
from minxin.portal.tests.conftest import submit_named

pytestmark = pytest.mark.django_db


def test_an_empty_portal_form_reports_every_missing_field_at_once(client, city):
    html = client.post(reverse("portal:submit"), {}).content.decode()
    for text in ("请选择信访类别", "请填写标题", "请填写事实和经过", "请填写请求事项"):
        assert text in html, text
    assert Submission.objects.count() == 0


def test_the_portal_form_has_no_silent_length_cut_and_names_the_limit(client, city):
    page = client.get(reverse("portal:submit")).content.decode()
    assert "maxlength" not in page
    r = client.post("/api/v1/portal/submissions", json.dumps({"category": "", "content": "字" * 5001}), content_type="application/json")
    fields = r.json()["error"]["fields"]
    assert r.status_code == 422 and fields["content"] == ["最多5000个字，现有5001个字，请删减"]
    assert {"category", "subject", "request"} <= set(fields)


def test_the_registrar_sees_every_problem_next_to_its_field(client, city, clock, sms):
    sub = submit_named(city, sms)
    client.force_login(city.staff["east_registrar"].user)
    r = client.post(reverse("portal:staff_detail", args=[sub.pk]),
                    {"action": "register", "category": "complaint", "subject": "电" * 201, "request": "", "facts": "", "reasons": "理由"})
    html = r.content.decode()
    assert r.status_code == 422
    assert "最多200个字，现有201个字" in html and "请填写：请求、事实" in html
    assert Submission.objects.get(pk=sub.pk).case is None
