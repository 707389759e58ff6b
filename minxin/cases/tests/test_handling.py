"""受理, 延期, 处理意见书, 复查/复核 windows, hearings and the expiry sweep (Art. 31–36)."""

import datetime as dt

import pytest

from minxin.cases import services as svc
from minxin.cases.models import CaseState
from minxin.cases.statemachine import A, available_actions
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.documents.models import Document

OPINION = dict(request="修复电梯", facts="经核实", opinion="责成物业修复", legal_basis="《物业管理条例》", outcome="support")


@pytest.fixture
def accepted(city, register):
    case = register()
    case = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    return svc.accept_case(case, actor=city.staff["east_housing_handler"], route=svc.Route.OPINION)


def test_complaint_needs_an_article_31_route(city, register):
    case = svc.transfer_case(register(), actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    with pytest.raises(ValidationFailed, match="第三十一条"):
        svc.accept_case(case, actor=city.staff["east_housing_handler"])


@pytest.mark.parametrize("route", ["litigation", "arbitration", "party_appeal", "administrative", "perform_duty"])
def test_routes_one_to_five_are_referred_without_the_60_day_clock(city, register, route):
    case = svc.transfer_case(register(), actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    case = svc.accept_case(case, actor=city.staff["east_housing_handler"], route=route)
    assert case.state == CaseState.REFERRED
    assert not case.deadlines.filter(code="handle_60d").exists()
    assert case.deadlines.get(code="accept_notice_15d").state == "met"


def test_suggestion_is_accepted_without_a_route_and_closed_with_a_reply(city, register):
    case = svc.transfer_case(register(category="suggestion"), actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    case = svc.accept_case(case, actor=city.staff["east_housing_handler"])
    assert available_actions(case, city.staff["east_housing_handler"]).count(A.CLOSE) == 1
    case = svc.close_case(case, actor=city.staff["east_housing_handler"], result="建议已采纳并回复")
    assert case.state == CaseState.CLOSED


def test_acceptance_by_a_sibling_unit_or_wrong_role_is_refused(city, register):
    case = svc.transfer_case(register(), actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    for who in ("east_hr_handler", "west1_handler", "east_registrar", "city_housing_handler"):
        with pytest.raises(PermissionDenied):
            svc.accept_case(case, actor=city.staff[who], route="opinion")


def test_extension_once_up_to_exactly_30_days_by_a_leader_with_notice(city, accepted):
    s = city.staff
    due = accepted.deadlines.get(code="handle_60d").due_on
    with pytest.raises(PermissionDenied):
        svc.extend_handling(accepted, actor=s["east_housing_handler"], days=10, reason="情况复杂")
    with pytest.raises(ValidationFailed, match="30"):
        svc.extend_handling(accepted, actor=s["east_housing_leader"], days=31, reason="情况复杂")
    with pytest.raises(ValidationFailed, match="延期理由"):
        svc.extend_handling(accepted, actor=s["east_housing_leader"], days=30, reason="")
    case = svc.extend_handling(accepted, actor=s["east_housing_leader"], days=30, reason="需现场鉴定")
    assert case.extension_days == 30
    # 90 days from 2 March is Sunday 31 May → Monday 1 June (the holiday shift of the old due day is not added).
    assert due == dt.date(2026, 5, 6)
    assert case.deadlines.get(code="handle_60d").due_on == dt.date(2026, 6, 1)
    assert Document.objects.get(case=case, kind="extension").context["reason"] == "需现场鉴定"
    with pytest.raises(InvalidTransition, match="只能延期一次"):
        svc.extend_handling(case, actor=s["east_housing_leader"], days=5, reason="再延")


def test_opinion_requires_the_article_32_contents(city, accepted):
    with pytest.raises(ValidationFailed, match="法律法规依据"):
        svc.issue_opinion(accepted, actor=city.staff["east_housing_handler"], **{**OPINION, "legal_basis": ""})
    with pytest.raises(ValidationFailed, match="第三十二条"):
        svc.issue_opinion(accepted, actor=city.staff["east_housing_handler"], **{**OPINION, "outcome": "maybe"})


def test_review_window_starts_at_delivery_and_late_requests_need_a_reason(city, accepted, clock):
    s = city.staff
    case = svc.issue_opinion(accepted, actor=s["east_housing_handler"], **OPINION)
    with pytest.raises(InvalidTransition, match="送达"):
        svc.request_review(case, actor=s["east_registrar"], request="不服")
    case = svc.record_delivery(case, actor=s["east_housing_handler"], delivered_on=dt.date(2026, 3, 2))
    assert case.deadlines.get(code="review_request_30d").due_on == dt.date(2026, 4, 1)
    assert Document.objects.get(case=case, kind="opinion").delivered_on == dt.date(2026, 3, 2)
    clock.shift(dt.timedelta(days=31))
    with pytest.raises(InvalidTransition, match="已过"):
        svc.request_review(case, actor=s["east_registrar"], request="不服")
    case = svc.request_review(case, actor=s["east_registrar"], request="不服", override_reason="住院，有证明")
    assert case.state == CaseState.REVIEW_REQUESTED and case.current_unit == city.units["city_housing"]
    assert case.events.order_by("-seq").first().payload["late"] is True


def test_review_is_decided_only_by_the_superior_of_the_deciding_body(city, accepted):
    s = city.staff
    case = svc.issue_opinion(accepted, actor=s["east_housing_handler"], delivered_on=dt.date(2026, 3, 2), **OPINION)
    case = svc.request_review(case, actor=s["east_registrar"], request="不服")
    decision = dict(result="upheld", facts="事实清楚", opinion="维持", legal_basis="第三十五条")
    for who in ("east_housing_leader", "east_leader", "west_registrar"):
        with pytest.raises(PermissionDenied):
            svc.decide_review(case, actor=s[who], **decision)
    # 市住建局 has no 上一级 configured: the 复查意见书 cannot name a 复核 body.
    with pytest.raises(ValidationFailed, match="上一级"):
        svc.decide_review(case, actor=s["city_housing_handler"], **decision)


def test_expired_review_window_is_closed_by_the_sweep_once(city, accepted, clock):
    s = city.staff
    case = svc.issue_opinion(accepted, actor=s["east_housing_handler"], delivered_on=dt.date(2026, 3, 2), **OPINION)
    assert svc.close_expired_review_window(case) is False
    clock.shift(dt.timedelta(days=31))
    assert svc.close_expired_review_window(case) is True
    assert svc.close_expired_review_window(case) is False
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.events.filter(action=A.CLOSE_EXPIRED).count() == 1


def test_hearing_outside_recheck_does_not_pause_the_handling_clock(city, accepted, clock):
    s = city.staff
    due = accepted.deadlines.get(code="handle_60d").due_on
    case = svc.start_hearing(accepted, actor=s["east_housing_handler"])
    with pytest.raises(InvalidTransition):
        svc.start_hearing(case, actor=s["east_housing_handler"])
    clock.shift(dt.timedelta(days=3))
    case = svc.end_hearing(case, actor=s["east_housing_handler"])
    assert case.deadlines.get(code="handle_60d").due_on == due
    assert case.hearing_since is None


def test_available_actions_follow_role_unit_and_state(city, accepted):
    s = city.staff
    assert set(available_actions(accepted, s["east_housing_handler"])) == {A.START_HEARING, A.ISSUE_OPINION}
    assert set(available_actions(accepted, s["east_housing_leader"])) == {A.START_HEARING, A.EXTEND, A.ISSUE_OPINION}
    assert available_actions(accepted, s["east_registrar"]) == []
    assert available_actions(accepted, s["west1_handler"]) == []
