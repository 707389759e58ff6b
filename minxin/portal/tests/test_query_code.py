"""One 查询码 per case whatever the channel: told by SMS, and working on the portal with the petitioner's phone."""

import re

import pytest

from minxin.cases.services import register_case, transfer_case
from minxin.core.errors import NotFound
from minxin.portal import services
from minxin.portal.throttle import Throttled
from minxin.portal.tests.conftest import OTHER_PHONE, PHONE, submit_named
from minxin.testing import person

pytestmark = pytest.mark.django_db


def _desk_case(city, channel="visit", phone=PHONE):
    return register_case(
        actor=city.staff["east_registrar"], channel=channel, category="complaint", subject="小区电梯长期停运",
        content="小区3号楼电梯停运两个月。", request="尽快修复电梯", facts="电梯自1月起停运", reasons="影响老人出行",
        area=city.areas["east1v"], petitioners=[person(phone=phone)],
    )


def _code_in(text: str) -> str:
    return re.search(r"查询码([0-9A-Z]+)", text).group(1)


def _follow(code, sms, phone=PHONE, ip="10.2.2.2"):
    services.start_follow(code, phone, ip=ip)
    return services.finish_follow(code, phone, sms.last_code(phone), ip=ip)


@pytest.mark.parametrize("channel", ["visit", "letter", "phone"])
def test_a_desk_letter_or_call_case_is_told_its_code_by_sms_and_the_code_and_phone_work_on_the_portal(
        city, sms, clock, django_capture_on_commit_callbacks, channel):
    with django_capture_on_commit_callbacks(execute=True):
        case = _desk_case(city, channel=channel)
    [text] = [t for t in sms.texts_to(PHONE) if "已登记" in t]
    assert _code_in(text) == case.query_code

    tracked = _follow(case.query_code.lower(), sms)
    assert tracked.case.pk == case.pk and tracked.submission is None
    assert services.status_text(tracked) == "已登记"
    assert [s.text for s in services.progress(tracked)] == [f"东城区信访局已登记，信访件编号{case.number}"]


def test_a_desk_case_code_with_another_phone_is_refused_and_sends_nothing(city, sms, clock):
    case = _desk_case(city)
    services.start_follow(case.query_code, OTHER_PHONE, ip="10.2.2.3")
    assert sms.texts_to(OTHER_PHONE) == []
    with pytest.raises(NotFound, match="查询码或手机号不正确"):
        services.finish_follow(case.query_code, OTHER_PHONE, "000000", ip="10.2.2.3")


def test_guessing_at_a_desk_case_code_is_throttled_like_a_portal_code(city, sms, clock):
    case = _desk_case(city)
    with pytest.raises(Throttled):
        for i in range(20):
            try:
                services.finish_follow(case.query_code, OTHER_PHONE, "000000", ip=f"10.3.0.{i}")
            except NotFound:
                pass


def test_a_portal_case_keeps_the_citizens_code_and_the_sms_repeats_it(city, sms, clock, django_capture_on_commit_callbacks):
    sub = submit_named(city, sms)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.register_submission(sub, actor=city.staff["east_registrar"])
    assert case.query_code == sub.code
    [text] = [t for t in sms.texts_to(PHONE) if "已登记" in t]
    assert _code_in(text) == sub.code
    tracked = _follow(sub.code, sms)
    assert tracked.case.pk == case.pk and tracked.submission.pk == sub.pk


def test_a_code_already_held_by_another_case_is_refused_at_registration(city, clock):
    case = _desk_case(city)
    with pytest.raises(Exception, match="查询码"):
        register_case(
            actor=city.staff["east_registrar"], channel="online", category="complaint", subject="s", content="c",
            request="r", facts="f", reasons="r", area=city.areas["east1v"], petitioners=[person()], query_code=case.query_code,
        )


def test_a_desk_petitioner_following_online_sees_public_steps_and_their_documents(city, sms, clock):
    case = _desk_case(city)
    case = transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    from minxin.cases.services import accept_case

    accept_case(case, actor=city.staff["east_housing_handler"], route="opinion")
    tracked = _follow(case.query_code, sms)
    texts = [s.text for s in services.progress(tracked)]
    assert texts[1:] == ["已转交东城区住房和城乡建设局办理", "东城区住房和城乡建设局已受理"]
    assert [d.kind for d in services.documents(tracked)] == ["acceptance"]
    assert services.petitioner_of(tracked) is not None


def test_the_progress_page_of_a_desk_case_opens_with_the_code_and_phone(client, city, sms, clock):
    case = _desk_case(city)
    client.post("/xf/follow/", {"code": case.query_code, "phone": PHONE})
    response = client.post("/xf/follow/", {"step": "verify", "code": case.query_code, "phone": PHONE,
                                               "sms_code": sms.last_code(PHONE)}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and case.number in html and case.subject in html
    assert "东城区信访局已登记" in html


def test_a_desk_petitioner_asks_for_review_online_and_the_registrar_records_it(city, sms, clock):
    from minxin.cases.models import CaseState
    from minxin.cases.services import Outcome, accept_case, issue_opinion
    from minxin.core import clock as now

    case = transfer_case(_desk_case(city), actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    accept_case(case, actor=city.staff["east_housing_handler"], route="opinion")
    tracked = _follow(case.query_code, sms)
    assert services.appeal_options(tracked) == []
    issue_opinion(case, actor=city.staff["east_housing_handler"], request="修复", facts="属实", opinion="修复", legal_basis="条例",
                  outcome=Outcome.SUPPORT, delivered_on=now.today())
    tracked = _follow(case.query_code, sms, ip="10.2.2.9")
    assert [o["kind"] for o in services.appeal_options(tracked)] == ["review"]
    appeal = services.request_appeal(tracked, kind="review", request="对处理意见不服")
    assert appeal.case_id == case.pk and appeal.submission is None
    assert list(services.appeals_for(city.staff["east_registrar"])) == [appeal]
    case = services.record_appeal(appeal, actor=city.staff["east_registrar"])
    assert case.state == CaseState.REVIEW_REQUESTED


def test_a_case_registered_through_the_cases_api_is_followed_with_its_code_and_phone(client, city, sms, clock):
    import json

    from minxin.testing import valid_id

    body = {
        "channel": "letter", "category": "complaint", "area": city.areas["east1v"].code, "subject": "拖欠工资",
        "content": "工地拖欠工资三个月", "request": "支付工资", "facts": "2025年12月起未发", "reasons": "生活困难",
        "petitioners": [{"name": "李四", "id_number": valid_id(), "address": "东一社区2号", "phone": PHONE}],
    }
    client.force_login(city.staff["east_registrar"].user)
    created = client.post("/api/v1/cases", json.dumps(body), content_type="application/json").json()
    assert created["query_code"]
    client.logout()
    tracked = _follow(created["query_code"], sms)
    assert tracked.case.number == created["number"]
