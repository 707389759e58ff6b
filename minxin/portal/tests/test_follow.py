import datetime as dt

import pytest

from minxin.cases.models import CaseState
from minxin.cases.services import accept_case, issue_opinion, transfer_case
from minxin.core.errors import InvalidTransition, NotFound, ValidationFailed
from minxin.portal import services
from minxin.portal.models import AppealState
from minxin.portal.tests.conftest import OTHER_PHONE, PHONE, submit_named
from minxin.testing import START

pytestmark = pytest.mark.django_db


def _opinion_delivered(city, sms, clock):
    """Submitted online, registered, transferred, accepted on route (六), opinion delivered today."""
    sub = submit_named(city, sms)
    case = services.register_submission(sub, actor=city.staff["east_registrar"])
    transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    accept_case(case, actor=city.staff["east_housing_handler"], route="opinion")
    clock.shift(dt.timedelta(days=10))
    issue_opinion(case, actor=city.staff["east_housing_handler"], request="修复电梯", facts="经核实电梯故障属实",
                  opinion="责令物业30日内修复", legal_basis="《物业管理条例》第三十五条", outcome="support",
                  delivered_on=dt.date(2026, 3, 12))
    sub.refresh_from_db()
    return sub


def _follow(sub, sms, phone=PHONE, ip="10.1.1.1"):
    services.start_follow(sub.code, phone, ip=ip)
    return services.finish_follow(sub.code.lower(), phone, sms.last_code(phone), ip=ip)


def test_follow_needs_the_code_and_the_verified_phone(city, sms, clock):
    sub = submit_named(city, sms)
    assert _follow(sub, sms).submission.pk == sub.pk
    services.start_follow(sub.code, OTHER_PHONE, ip="10.1.1.2")
    assert sms.texts_to(OTHER_PHONE) == []  # a wrong phone gets no code, and the answer looks the same
    with pytest.raises(NotFound):
        services.finish_follow(sub.code, OTHER_PHONE, "000000", ip="10.1.1.2")
    with pytest.raises(NotFound):
        services.finish_follow("ABCDEFGHJKMNPQ", PHONE, "000000", ip="10.1.1.2")


def test_progress_is_plain_and_petitioner_safe(city, sms, clock):
    sub = _opinion_delivered(city, sms, clock)
    texts = [s.text for s in services.progress(sub)]
    assert texts[0] == "您已在网上提交，等待信访部门登记"
    assert any("东城区信访局已登记" in t for t in texts)
    assert "已转交东城区住房和城乡建设局办理" in texts
    assert "东城区住房和城乡建设局已受理" in texts
    assert "已出具信访处理意见书" in texts
    joined = "".join(texts)
    for staff_name in ("东城登记员", "东城住建办理人"):
        assert staff_name not in joined
    assert "物业管理条例" not in joined  # opinion text lives in the document, not the timeline
    assert [d.kind for d in services.documents(sub)] == ["acceptance", "opinion"]


def test_petitioner_rates_bureau_and_unit_once_each(city, sms, clock):
    sub = _opinion_delivered(city, sms, clock)
    followed = _follow(sub, sms)
    services.rate(followed, target="unit", score="satisfied", comment="<b>谢谢</b>")
    services.rate(followed, target="bureau", score="basically")
    with pytest.raises(ValidationFailed) as exc:
        services.rate(followed, target="unit", score="unsatisfied")
    assert "只能评价一次" in exc.value.message
    from minxin.oversight.models import Rating

    assert Rating.objects.get(case=sub.case, target="unit").comment == "<b>谢谢</b>"


def test_rating_after_the_window_is_refused(city, sms, clock):
    sub = _opinion_delivered(city, sms, clock)
    clock.shift(dt.timedelta(days=60))
    with pytest.raises(ValidationFailed) as exc:
        services.rate(sub, target="bureau", score="satisfied")
    assert "评价期限已于" in exc.value.message and "届满" in exc.value.message


def test_review_request_on_the_portal_is_recorded_by_the_registrar_with_the_portal_date(city, sms, clock):
    sub = _opinion_delivered(city, sms, clock)
    [option] = services.appeal_options(sub)
    assert option["kind"] == "review" and option["due_on"] == dt.date(2026, 4, 13)  # 30日 ends Sat 11 April: next working day
    clock.shift(dt.timedelta(days=5))
    appeal = services.request_appeal(sub, kind="review", request="处理意见未解决电梯问题")
    with pytest.raises(InvalidTransition):
        services.request_appeal(sub, kind="review", request="再次申请")
    clock.shift(dt.timedelta(days=3))
    assert list(services.appeals_for(city.staff["west_registrar"])) == []
    case = services.record_appeal(appeal, actor=city.staff["east_registrar"])
    assert case.state == CaseState.REVIEW_REQUESTED and case.current_unit == city.units["city_housing"]
    appeal.refresh_from_db()
    assert appeal.state == AppealState.RECORDED
    ev = case.events.get(action="request_review")
    assert ev.payload["requested_on"] == appeal.requested_on.isoformat() == "2026-03-17"


def test_review_request_after_30_days_is_refused(city, sms, clock):
    sub = _opinion_delivered(city, sms, clock)
    clock.move_to(dt.datetime(2026, 4, 13, 17, 0, tzinfo=START.tzinfo))  # the last day (weekend-extended) is still open
    assert services.appeal_options(sub)[0]["expired"] is False
    clock.move_to(dt.datetime(2026, 4, 14, 9, 0, tzinfo=START.tzinfo))
    with pytest.raises(InvalidTransition) as exc:
        services.request_appeal(sub, kind="review", request="不服")
    assert "期限" in exc.value.message and "已过" in exc.value.message


def test_registration_and_transfer_send_sms_to_the_petitioner(city, sms, clock, django_capture_on_commit_callbacks):
    sub = submit_named(city, sms)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.register_submission(sub, actor=city.staff["east_registrar"])
    with django_capture_on_commit_callbacks(execute=True):
        transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    texts = sms.texts_to(PHONE)
    assert any("已登记" in t and case.number in t for t in texts)
    assert any("已转交东城区住房和城乡建设局办理" in t for t in texts)
    assert all("张三" not in t for t in texts)


def test_documents_download_only_for_the_followed_case(client, city, sms, clock):
    from django.urls import reverse

    from minxin.documents.models import Document

    sub = _opinion_delivered(city, sms, clock)
    other = submit_named(city, sms, phone=OTHER_PHONE, subject="另一件事")
    other_case = services.register_submission(other, actor=city.staff["east_registrar"])
    transfer_case(other_case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    accept_case(other_case, actor=city.staff["east_housing_handler"], route="opinion")
    foreign = Document.objects.get(case=other_case, kind="acceptance")

    client.post(reverse("portal:follow"), {"code": sub.code, "phone": PHONE})
    client.post(reverse("portal:follow"), {"step": "verify", "code": sub.code, "phone": PHONE, "sms_code": sms.last_code(PHONE)})
    page = client.get(reverse("portal:progress")).content.decode()
    assert "另一件事" not in page and other_case.number not in page
    own = Document.objects.get(case=sub.case, kind="opinion")
    response = client.get(reverse("portal:document", args=[own.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"  # a .docx (zip) file
    assert client.get(reverse("portal:document", args=[foreign.pk])).status_code == 404
    transfer = Document.objects.get(case=sub.case, kind="transfer")  # internal paper, not addressed to the petitioner
    assert client.get(reverse("portal:document", args=[transfer.pk])).status_code == 404


def test_registrar_records_a_portal_review_request_from_the_queue_page(client, city, sms, clock):
    from django.urls import reverse

    from minxin.testing import PASSWORD

    sub = _opinion_delivered(city, sms, clock)
    appeal = services.request_appeal(sub, kind="review", request="电梯仍未修复")
    client.login(username="east_registrar", password=PASSWORD)
    queue = client.get(reverse("portal:staff_queue")).content.decode()
    assert "电梯仍未修复" in queue and sub.case.number in queue
    response = client.post(reverse("portal:staff_record_appeal", args=[appeal.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("web:case_detail", args=[sub.case.pk])
    sub.case.refresh_from_db()
    assert sub.case.state == CaseState.REVIEW_REQUESTED
    texts = [s.text for s in services.progress(sub)]
    assert "已登记复查申请，由示范市住房和城乡建设局复查" in texts


def test_submitter_email_gets_the_progress_notices_too(city, sms, clock, django_capture_on_commit_callbacks, mailoutbox):
    sub = submit_named(city, sms, email="li.si@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.register_submission(sub, actor=city.staff["east_registrar"])
    sms.deliver()
    [mail] = mailoutbox
    assert mail.to == ["li.si@example.cn"] and case.number in mail.body and mail.subject == "信访事项办理进度通知"
    from minxin.notify.models import Delivery

    assert Delivery.objects.get(channel="email").recipient_masked == "l***@example.cn"
