"""登记 (Art. 19, 20, 22) and the refusals 不予受理 / 不再受理."""

import datetime as dt

import pytest

from minxin.cases import services as svc
from minxin.cases.models import Case, CaseEvent, CaseState, Petitioner
from minxin.cases.tests.conftest import person, valid_id
from minxin.core import crypto
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.documents.models import Document


def test_registration_encrypts_personal_data_and_keeps_only_masked_copies_in_clear(city, register):
    case = register(petitioners=[person(name="王小明", id_number="11010519491231002X", phone="13800138000")])
    p = case.petitioners.get()
    assert p.name == "王小明" and p.id_number == "11010519491231002X"
    assert "王小明" not in p.name_enc and "13800138000" not in p.phone_enc
    assert p.name_masked == "王**" and p.phone_masked == "138****8000"
    assert p.id_hash == crypto.blind_index("id", "11010519491231002X")
    payload = str(case.events.get().payload)
    assert "王小明" not in payload and "13800138000" not in payload and "王**" in payload


def test_same_id_number_reuses_the_petitioner(city, register):
    idn = valid_id()
    first = register(petitioners=[person(id_number=idn)])
    second = register(petitioners=[person(id_number=idn)])
    assert first.petitioners.get() == second.petitioners.get()
    assert Petitioner.objects.count() == 1


def test_invalid_id_checksum_is_refused_and_nothing_is_written(city, register):
    good = valid_id()  # one number: two calls give two serials, and the wrong digit could be the right one
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationFailed, match="校验位"):
        register(petitioners=[person(id_number=bad)])
    assert Case.objects.count() == 0 and Petitioner.objects.count() == 0


@pytest.mark.parametrize("missing", ["request", "facts", "reasons"])
def test_article_19_fields_are_required(city, register, missing):
    with pytest.raises(ValidationFailed, match="第十九条"):
        register(**{missing: ""})


def test_name_and_address_are_required_unless_an_anonymous_accusation(city, register):
    with pytest.raises(ValidationFailed, match="住址"):
        register(petitioners=[person(address="")])
    with pytest.raises(ValidationFailed, match="第十九条"):
        register(petitioners=[])
    case = register(category="accusation", petitioners=[], anonymous=True)
    assert case.is_anonymous and case.parties.count() == 0


def test_anonymous_is_only_for_accusations(city, register):
    with pytest.raises(ValidationFailed, match="检举控告"):
        register(petitioners=[], anonymous=True)


def test_channel_is_required(city, register):
    with pytest.raises(ValidationFailed, match="信访形式"):
        register(channel="")


def test_collective_visit_allows_exactly_five_representatives(city, register):
    five = [person(name=f"代表{i}", is_representative=True) for i in range(5)]
    case = register(petitioners=five + [person(name="群众甲")], people_count=40)
    assert case.is_collective and case.people_count == 40
    assert case.parties.filter(is_representative=True).count() == 5


def test_collective_visit_refuses_six_representatives(city, register):
    six = [person(name=f"代表{i}", is_representative=True) for i in range(6)]
    with pytest.raises(ValidationFailed, match="不得超过5人"):
        register(petitioners=six, people_count=50)
    assert Case.objects.count() == 0


def test_people_count_cannot_be_below_the_listed_petitioners(city, register):
    with pytest.raises(ValidationFailed, match="涉及人数"):
        register(petitioners=[person(name="甲"), person(name="乙")], people_count=1)


def test_only_a_petition_bureau_registrar_may_register(city, register):
    with pytest.raises(PermissionDenied, match="信访部门"):
        register(actor=city.staff["east_housing_handler"])
    with pytest.raises(PermissionDenied):
        register(actor=city.staff["city_analyst"])


def test_a_bureau_cannot_register_a_case_in_a_sibling_area(city, register):
    with pytest.raises(PermissionDenied, match="辖区"):
        register(area=city.areas["west1v"])


def test_case_numbers_run_per_unit_and_year_and_query_codes_are_unguessable(city, register):
    a, b = register(), register()
    c = register(actor=city.staff["city_registrar"])
    assert a.number == "B-EAST-2026-000001" and b.number == "B-EAST-2026-000002"
    assert c.number == "B-CITY-2026-000001"
    assert len({a.query_code, b.query_code, c.query_code}) == 3
    assert all(len(x.query_code) == 12 for x in (a, b, c))


def test_refusal_under_article_19_3_needs_a_case_open_at_a_lower_body(city, register):
    s = city.staff
    lower = register()
    lower = svc.transfer_case(lower, actor=s["east_registrar"], unit=city.units["east1_office"])
    upper = register(actor=s["city_registrar"])
    with pytest.raises(ValidationFailed, match="同一信访事项"):
        svc.refuse_case(upper, actor=s["city_registrar"], ground=svc.RefusalGround.DUPLICATE_AT_LOWER, reason="同一事项")
    refused = svc.refuse_case(
        upper, actor=s["city_registrar"], ground=svc.RefusalGround.DUPLICATE_AT_LOWER, reason="同一事项正在办理", related_case=lower,
    )
    assert refused.state == CaseState.NOT_ACCEPTED and refused.related_case == lower
    assert Document.objects.filter(case=refused, kind="non_acceptance").count() == 1
    assert refused.events.order_by("-seq").first().payload["legal_basis"] == "《信访工作条例》第十九条第三款"


def test_refusal_is_refused_for_a_closed_related_case_and_writes_nothing(city, register):
    s = city.staff
    earlier = register()
    svc.refuse_case(earlier, actor=s["east_registrar"], ground="other", reason="不属于信访事项", legal_basis="《信访工作条例》第十七条")
    upper = register(actor=s["city_registrar"])
    before = CaseEvent.objects.count()
    with pytest.raises(ValidationFailed):
        svc.refuse_case(upper, actor=s["city_registrar"], ground="art19_3", reason="同一事项", related_case=earlier)
    assert CaseEvent.objects.count() == before
    upper.refresh_from_db()
    assert upper.state == CaseState.REGISTERED and upper.version == 1


def test_refuse_repeat_needs_an_earlier_case_ended_by_recheck(city, register):
    s = city.staff
    earlier = register()
    later = register()
    with pytest.raises(InvalidTransition, match="复核终结"):
        svc.refuse_repeat(later, actor=s["east_registrar"], earlier_case=earlier, reason="同一事实和理由")
    Case.objects.filter(pk=earlier.pk).update(state=CaseState.FINAL)
    done = svc.refuse_repeat(later, actor=s["east_registrar"], earlier_case=earlier, reason="同一事实和理由")
    assert done.state == CaseState.NOT_REACCEPTED and done.related_case == earlier
    assert Document.objects.filter(case=done, kind="not_reaccepted").exists()


def test_received_in_the_past_counts_the_15_days_from_receipt(city, register):
    from minxin.core import clock

    received = clock.now() - dt.timedelta(days=3)
    case = register(received_at=received)
    # Received 27 Feb: day 15 is Saturday 14 March, so the period ends on Monday 16 March.
    assert case.deadlines.get(code="register_route_15d").due_on == dt.date(2026, 3, 16)
