"""转送/交办 destinations (Art. 22 §2, Art. 30 §3), objections (Art. 23 §3) and disputes (Art. 24)."""

import datetime as dt

import pytest

from minxin.cases import services as svc
from minxin.cases.models import CaseEvent, CaseState
from minxin.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from minxin.documents.models import Document


def test_transfer_issues_a_numbered_transfer_slip_and_completes_the_15_day_clock(city, register, clock):
    case = register()
    clock.shift(dt.timedelta(days=16))
    case = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    slip = Document.objects.get(case=case, kind="transfer")
    assert slip.unit == city.units["east_bureau"] and slip.seq == 1
    assert case.deadlines.get(code="register_route_15d").state == "missed"
    assert case.events.order_by("-seq").first().payload["route_clock_late"] is True


def test_litigation_must_go_to_a_political_legal_unit_unless_overridden(city, register):
    case = register(is_litigation=True)
    with pytest.raises(ValidationFailed, match="政法"):
        svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    done = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"], override_reason="系行政争议")
    payload = done.events.order_by("-seq").first().payload
    assert payload["override"] == "litigation" and payload["override_reason"] == "系行政争议"


def test_litigation_goes_to_the_political_legal_unit_without_a_reason(city, register):
    case = register(is_litigation=True)
    done = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_legal"])
    assert done.current_unit == city.units["east_legal"]


def test_accusation_must_go_to_discipline(city, register):
    case = register(category="accusation")
    with pytest.raises(ValidationFailed, match="纪检监察"):
        svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_hr"])
    assert svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_discipline"]).state == CaseState.TRANSFERRED


def test_never_to_the_accused_unit_even_with_a_reason(city, register):
    case = register(category="accusation", accused_unit=city.units["east_housing"])
    for kwargs in ({}, {"override_reason": "主管部门"}):
        with pytest.raises(PermissionDenied, match="第三十条第三款"):
            svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"], **kwargs)
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_a_bureau_cannot_send_to_a_unit_outside_its_area(city, register):
    case = register()
    with pytest.raises(PermissionDenied, match="辖区"):
        svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["west1_office"])
    with pytest.raises(PermissionDenied, match="辖区"):
        svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["city_housing"])


def test_only_the_registering_bureau_intake_roles_may_transfer(city, register):
    case = register()
    for who in ("east_housing_handler", "west_registrar", "city_analyst"):
        with pytest.raises(PermissionDenied):
            svc.transfer_case(case, actor=city.staff[who], unit=city.units["east_housing"])


def test_assign_requires_a_time_limit_and_starts_the_report_clock(city, register):
    case = register()
    with pytest.raises(ValidationFailed, match="办理期限"):
        svc.assign_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"], days=0)
    case = svc.assign_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"], days=20)
    assert case.deadlines.get(code="assigned_report", state="running").amount == 20
    assert Document.objects.filter(case=case, kind="assignment").count() == 1


def test_objection_within_five_working_days_and_agreed_sends_the_case_back(city, register, clock):
    s = city.staff
    case = register()
    case = svc.transfer_case(case, actor=s["east_registrar"], unit=city.units["east_hr"])
    clock.shift(dt.timedelta(days=6))  # Mon 2 Mar + 6 = Sun 8 Mar: 4 working days used
    case = svc.object_to_transfer(case, actor=s["east_hr_handler"], reason="属于住建部门职责")
    assert case.state == CaseState.OBJECTED
    with pytest.raises(PermissionDenied):
        svc.decide_objection(case, actor=s["east_hr_handler"], agree=True)
    case = svc.decide_objection(case, actor=s["east_leader"], agree=True)
    assert case.state == CaseState.REGISTERED and case.current_unit == city.units["east_bureau"]
    assert case.deadlines.filter(code="register_route_15d", state="running").exists()
    case = svc.transfer_case(case, actor=s["east_registrar"], unit=city.units["east_housing"])
    assert case.current_unit == city.units["east_housing"]


def test_disagreed_objection_keeps_the_case_with_the_unit(city, register):
    s = city.staff
    case = register()
    case = svc.assign_case(case, actor=s["east_registrar"], unit=city.units["east_hr"], days=30)
    case = svc.object_to_transfer(case, actor=s["east_hr_handler"], reason="不属于本单位")
    with pytest.raises(ValidationFailed):
        svc.decide_objection(case, actor=s["east_leader"], agree=False)
    case = svc.decide_objection(case, actor=s["east_leader"], agree=False, note="属于人社职责")
    assert case.state == CaseState.ASSIGNED and case.current_unit == city.units["east_hr"]


def test_late_objection_is_refused_unless_a_reason_is_recorded_and_flagged(city, register, clock):
    s = city.staff
    case = register()
    case = svc.transfer_case(case, actor=s["east_registrar"], unit=city.units["east_hr"])
    clock.shift(dt.timedelta(days=8))  # Tue 10 Mar: 6 working days after receipt
    with pytest.raises(InvalidTransition, match="5个工作日"):
        svc.object_to_transfer(case, actor=s["east_hr_handler"], reason="不属于本单位")
    case = svc.object_to_transfer(case, actor=s["east_hr_handler"], reason="不属于本单位", override_reason="材料迟到")
    payload = case.events.order_by("-seq").first().payload
    assert payload["late"] is True and payload["override_reason"] == "材料迟到"


def test_dispute_goes_to_the_common_superior_who_names_the_receiving_unit(city, register):
    s = city.staff
    case = register()
    case = svc.open_jurisdiction_dispute(
        case, actor=s["east_registrar"], units=[city.units["east1_office"], city.units["east_housing"]], reason="两单位均认为不属本单位",
    )
    assert case.state == CaseState.DISPUTED
    dispute = case.disputes.get()
    # 东一街道办事处's 上一级 is 东城区信访局 and 东城区住建局's is 市住建局: no common one → the registering bureau.
    assert dispute.arbiter == city.units["east_bureau"]
    with pytest.raises(ValidationFailed):
        svc.settle_dispute(case, actor=s["east_leader"], unit=city.units["east_hr"])
    case = svc.settle_dispute(case, actor=s["east_leader"], unit=city.units["east_housing"])
    assert case.state == CaseState.TRANSFERRED and case.current_unit == city.units["east_housing"]


def test_common_superior_is_the_nearest_shared_parent(city):
    from minxin.cases.services.routing import common_superior

    u = city.units
    assert common_superior([u["east1_office"], u["west1_office"]]) == u["city_bureau"]
    assert common_superior([u["east_bureau"], u["west_bureau"]]) == u["city_bureau"]
    assert common_superior([u["east_hr"], u["east_legal"]]) is None


def test_stale_version_is_a_conflict_and_writes_nothing(city, register):
    case = register()
    svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"], expected_version=case.version)
    with pytest.raises(Conflict, match="已被他人修改"):
        svc.refuse_case(case, actor=city.staff["east_registrar"], ground="other", reason="x", legal_basis="y",
                        expected_version=case.version)


def test_anonymous_accusation_has_no_notice_duty_and_no_letters(city, register):
    case = register(category="accusation", petitioners=[], anonymous=True)
    case = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_discipline"])
    assert not case.deadlines.filter(code="accept_notice_15d").exists()
    case = svc.accept_case(case, actor=city.staff["east_discipline_handler"])
    assert case.state == CaseState.ACCEPTED
    assert list(Document.objects.filter(case=case).values_list("kind", flat=True)) == ["transfer"]
