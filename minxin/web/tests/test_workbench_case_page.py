"""The case page: jurisdiction, masked identity, deadlines, documents, timeline and only the allowed actions."""

import io
import re

import docx
import pytest

from minxin.cases import services as svc
from minxin.cases.models import CaseState
from minxin.cases.tests.conftest import person


pytestmark = pytest.mark.django_db


@pytest.fixture
def case(city, clock):
    return svc.register_case(
        actor=city.staff["east_registrar"], channel="visit", category="complaint", subject="小区电梯长期停运",
        content="3号楼电梯停运两个月", request="修复电梯", facts="1月起停运", reasons="影响出行",
        area=city.areas["east1v"], petitioners=[person(name="王小明", phone="13800138000")],
    )


def actions_on_page(html: str) -> list[str]:
    return re.findall(r'<details id="action-([a-z_]+)"', html)


def page(client, staff, case, **params):
    client.force_login(staff.user)
    return client.get(f"/cases/{case.pk}/", params)


def test_registering_bureau_sees_routing_actions_and_the_receiver_sees_none_yet(client, city, case):
    html = page(client, city.staff["east_registrar"], case).content.decode()
    assert actions_on_page(html) == ["transfer", "assign", "refuse", "refuse_repeat", "open_dispute"]
    # The city bureau may look (the area is below it) but may not act for the district bureau.
    html = page(client, city.staff["city_registrar"], case).content.decode()
    assert actions_on_page(html) == [] and "您当前没有可办理的操作" in html


def test_case_outside_the_jurisdiction_is_a_404(client, city, case):
    assert page(client, city.staff["west_registrar"], case).status_code == 404
    assert page(client, city.staff["east_housing_handler"], case).status_code == 404
    client.force_login(city.staff["west_registrar"].user)
    assert client.post(f"/cases/{case.pk}/actions/transfer/", {"version": case.version}).status_code == 404


def test_transfer_through_the_page_then_the_receiver_may_accept_or_object(client, city, case):
    client.force_login(city.staff["east_registrar"].user)
    response = client.post(f"/cases/{case.pk}/actions/transfer/",
                           {"version": case.version, "unit": city.units["east1_office"].pk}, follow=True)
    html = response.content.decode()
    assert "已完成：转送" in html and "已转送" in html
    assert "将事项转送至 东一街道办事处" in html  # timeline in plain Chinese
    assert actions_on_page(html) == []

    html = page(client, city.staff["east1_handler"], case).content.decode()
    assert actions_on_page(html) == ["accept", "object", "refuse", "open_dispute"]
    # The receiver's 15日 notice clock runs; the bureau's 15日 routing clock is done.
    assert "书面告知接收情况" in html and "2026-03-17" in html
    assert "登记并转送交办" in html and "已完成" in html


def test_stale_version_shows_the_conflict_message_and_changes_nothing(client, city, case):
    stale = case.version
    svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east1_office"], expected_version=stale)
    client.force_login(city.staff["east1_handler"].user)
    response = client.post(f"/cases/{case.pk}/actions/accept/", {"version": stale, "route": "opinion"})
    assert response.status_code == 409
    assert "已被他人修改，请刷新后重试" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.TRANSFERRED


def test_service_errors_show_next_to_the_action_fields_and_keep_input(client, city, case):
    svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east1_office"], expected_version=case.version)
    case.refresh_from_db()
    client.force_login(city.staff["east1_handler"].user)
    response = client.post(f"/cases/{case.pk}/actions/accept/", {"version": case.version, "route": "", "note": "先核实材料"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "申诉求决类事项须选择依法分类处理途径" in html
    assert '<details id="action-accept" open>' in html and "先核实材料" in html


def test_an_action_not_allowed_now_is_refused_with_the_reason(client, city, case):
    client.force_login(city.staff["city_registrar"].user)
    response = client.post(f"/cases/{case.pk}/actions/transfer/", {"version": case.version, "unit": city.units["east1_office"].pk})
    assert response.status_code == 403
    assert "须由东城区信访局的有权人员办理" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED


def test_identity_is_masked_and_full_only_for_the_registering_bureau(client, city, case, caplog):
    html = page(client, city.staff["east_registrar"], case).content.decode()
    assert "王**" in html and "138****8000" in html and "王小明" not in html
    with caplog.at_level("INFO", logger="minxin.web.cases"):
        html = page(client, city.staff["east_registrar"], case, identity="full").content.decode()
    assert "王小明" in html and "13800138000" in html
    assert f"petitioner identity viewed case_id={case.pk}" in caplog.text and "王小明" not in caplog.text
    html = page(client, city.staff["city_registrar"], case, identity="full").content.decode()
    assert "王小明" not in html and "查看完整身份信息" not in html


def test_documents_download_as_docx_with_a_chinese_file_name(client, city, case):
    svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east1_office"], expected_version=case.version)
    doc = case.documents.get()
    client.force_login(city.staff["east1_handler"].user)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/documents/{doc.pk}/" in html
    response = client.get(f"/cases/{case.pk}/documents/{doc.pk}/")
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert doc.number in text
    client.force_login(city.staff["west_registrar"].user)
    assert client.get(f"/cases/{case.pk}/documents/{doc.pk}/").status_code == 404


def test_attachments_of_an_online_submission_download_only_within_the_jurisdiction(client, city, case):
    import hashlib

    from django.core.files.base import ContentFile

    from minxin.portal.models import Attachment, Submission

    pdf = b"%PDF-1.4\n% test attachment\n"
    sub = Submission.objects.create(category="complaint", subject="网上反映电梯", content="内容", request="请求",
                                    area=city.areas["east1v"], case=case, created_at=case.received_at)
    att = Attachment(submission=sub, content_type="application/pdf", size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(),
                     original_name="现场照片.pdf")
    att.file.save("x.pdf", ContentFile(pdf), save=True)

    html = page(client, city.staff["east_registrar"], case).content.decode()
    assert f"/cases/{case.pk}/attachments/{att.pk}/" in html and "现场照片.pdf" in html
    response = client.get(f"/cases/{case.pk}/attachments/{att.pk}/")
    assert response.status_code == 200 and response.content == pdf
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "%E9%99%84%E4%BB%B6" in response["Content-Disposition"]  # 附件…, never the uploader's own name

    client.force_login(city.staff["west_registrar"].user)
    assert client.get(f"/cases/{case.pk}/attachments/{att.pk}/").status_code == 404


def test_the_case_page_shows_the_query_code_the_petitioner_uses_online(client, city, case):
    html = page(client, city.staff["east_registrar"], case).content.decode()
    assert f'<code data-testid="query-code">{case.query_code}</code>' in html


def test_a_portal_case_shows_its_facts_once_not_again_as_fact_and_reason(client, city, case):
    from minxin.cases.models import Case

    text = "1号楼电梯自1月起停运，物业称无维修资金。"
    Case.objects.filter(pk=case.pk).update(content=text, facts=text, reasons=text)
    html = page(client, city.staff["east_registrar"], case).content.decode()
    assert html.count(text) == 1
    assert "<dt>事实</dt>" not in html and "<dt>理由</dt>" not in html


def test_oversight_events_read_as_chinese_on_the_timeline(client, city, case, clock):
    from minxin.cases.audit import append_event
    from minxin.cases.events import A
    from minxin.core import clock as now

    append_event(case, at=now.now(), actor=None, action=A.RATE, from_state=case.state, to_state=case.state,
                 payload={"target": "bureau", "unit": "东城区信访局", "score": "satisfied", "channel": "portal", "on_behalf": False})
    html = page(client, city.staff["east_registrar"], case).content.decode()
    timeline = html[html.index('id="timeline-title"'):]
    assert "信访人 信访人评价东城区信访局：满意" in timeline
    assert " rate<" not in timeline and "东城区信访局 rate" not in timeline
