"""第三十条第三款: the accused unit and person are recorded at registration, and no routing reaches them."""

import pytest

from minxin.cases import services as svc
from minxin.cases.models import Case
from minxin.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def accusation(register, city, **kw):
    return register(category="accusation", accused_unit=city.units["east_housing"], **kw)


def test_a_named_staff_member_of_the_accused_unit_is_linked_to_their_account(register, city):
    case = accusation(register, city, accused_person="东城住建领导")
    assert case.accused_unit == city.units["east_housing"]
    assert case.accused_staff == city.staff["east_housing_leader"] and case.accused_name == ""


def test_a_name_that_is_no_staff_member_is_kept_as_written(register, city):
    case = accusation(register, city, accused_person="王科长")
    assert case.accused_staff is None and case.accused_name == "王科长"


def test_registering_an_accusation_against_ones_own_unit_is_refused(register, city):
    with pytest.raises(ValidationFailed, match="上级信访部门登记") as exc:
        register(category="accusation", accused_unit=city.units["east_bureau"])
    assert "accused_unit" in exc.value.fields and Case.objects.count() == 0


def test_an_over_long_accused_name_is_refused_with_its_limit(register, city):
    with pytest.raises(ValidationFailed, match="最多64个字") as exc:
        accusation(register, city, accused_person="王" * 65)
    assert "accused_person" in exc.value.fields


def test_transfer_to_the_accused_unit_is_refused_citing_the_article(register, city):
    case = accusation(register, city)
    with pytest.raises(PermissionDenied, match="第三十条第三款") as exc:
        svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"], override_reason="确需")
    assert "不得将检举、揭发材料转给被检举、揭发的单位" in exc.value.message
    assert Case.objects.get(pk=case.pk).current_unit == city.units["east_bureau"]


def test_assigning_to_the_accused_persons_unit_is_refused(register, city):
    case = register(category="accusation", accused_unit=city.units["east_hr"], accused_person="东城住建办理人")
    assert case.accused_staff is None  # not in the named unit: kept as text
    case = register(category="accusation", accused_staff=city.staff["east_housing_handler"])
    with pytest.raises(PermissionDenied, match="被检举、揭发的人员在该单位"):
        svc.assign_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"], days=30, override_reason="确需")


def test_the_accused_unit_cannot_be_a_party_to_a_jurisdiction_dispute(register, city):
    case = accusation(register, city)
    with pytest.raises(PermissionDenied, match="第三十条第三款"):
        svc.open_jurisdiction_dispute(case, actor=city.staff["east_registrar"], units=[city.units["east_housing"], city.units["east_hr"]],
                                      reason="两单位均称不属本单位职责")


def test_routing_to_an_unaccused_discipline_body_still_works(register, city):
    case = accusation(register, city)
    moved = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_discipline"])
    assert moved.current_unit == city.units["east_discipline"]


def test_every_registration_problem_is_reported_in_one_round(register, city):
    with pytest.raises(ValidationFailed) as exc:
        register(channel="", category="", subject="", content="", request="", facts="", reasons="",
                 petitioners=[{"name": "", "address": "", "phone": "12"}])
    fields = exc.value.fields
    for key in ("channel", "category", "subject", "content", "request", "facts", "reasons",
                "petitioners.1.name", "petitioners.1.address", "petitioners.1.phone"):
        assert key in fields, key
    assert "请填写：标题、信访内容、请求、事实、理由（《信访工作条例》第十九条）" in exc.value.message


def test_an_over_long_subject_is_refused_with_its_limit_not_cut(register):
    with pytest.raises(ValidationFailed, match="标题最多200个字，现有201个字"):
        register(subject="电" * 201)
    assert Case.objects.count() == 0


def test_validate_only_reports_nothing_for_good_input_and_writes_nothing(register):
    assert register(validate_only=True) is None
    assert Case.objects.count() == 0
