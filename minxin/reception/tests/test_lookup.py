import datetime as dt
import logging

import pytest

from minxin.cases.models import Case, CaseState
from minxin.cases.services import assign_case, register_case
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.reception.lookup import FLAG_FINAL, FLAG_REPEAT, FLAG_SKIP_LEVEL, person_history
from minxin.reception.tests.conftest import case_fields, person, valid_id

pytestmark = pytest.mark.django_db


def _register(city, actor="east_registrar", id_number=None, area="east1v", **kw):
    p = person(id_number=id_number or valid_id())
    return register_case(actor=city.staff[actor], channel="visit", petitioners=[p],
                         **case_fields(city, area=city.areas[area], **kw))


def codes(history):
    return {f.code for f in history.flags}


def test_lookup_shows_earlier_case_of_the_same_person(city, clock):
    id_number = valid_id()
    case = _register(city, id_number=id_number)
    _register(city)  # someone else

    history = person_history(city.staff["east_registrar"], id_number.lower())

    assert [r.number for r in history.rows] == [case.number]
    row = history.rows[0]
    assert row.registering_unit == "东城区信访局" and row.state_label == "已登记" and row.is_open
    assert FLAG_REPEAT in codes(history)


def test_west_registrar_never_sees_east_cases_of_the_same_person(city, clock):
    id_number = valid_id()
    east = _register(city, id_number=id_number)
    west = _register(city, actor="west_registrar", id_number=id_number, area="west1v")

    west_view = person_history(city.staff["west_registrar"], id_number)
    east_view = person_history(city.staff["east_registrar"], id_number)
    city_view = person_history(city.staff["city_registrar"], id_number)

    assert [r.number for r in west_view.rows] == [west.number]
    assert [r.number for r in east_view.rows] == [east.number]
    assert {r.number for r in city_view.rows} == {east.number, west.number}


def test_open_case_at_a_lower_body_is_flagged_skip_level_for_the_city(city, clock):
    id_number = valid_id()
    case = _register(city, id_number=id_number)
    assign_case(case, actor=city.staff["east_registrar"], unit=city.units["east1_office"], days=30)

    history = person_history(city.staff["city_registrar"], id_number)

    flag = next(f for f in history.flags if f.code == FLAG_SKIP_LEVEL)
    assert flag.cases == [case.number]
    assert "第十九条第三款" in flag.advice


def test_open_case_at_the_own_bureau_is_a_repeat_but_not_skip_level(city, clock):
    id_number = valid_id()
    _register(city, id_number=id_number)

    history = person_history(city.staff["east_registrar"], id_number)

    assert codes(history) == {FLAG_REPEAT}


def test_case_finished_by_recheck_suggests_not_reaccepting(city, clock):
    id_number = valid_id()
    case = _register(city, id_number=id_number)
    # Read-side test: the full 复查/复核 path is covered by the lifecycle tests.
    Case.objects.filter(pk=case.pk).update(state=CaseState.FINAL, closed_at=case.received_at)

    history = person_history(city.staff["east_registrar"], id_number)

    flag = next(f for f in history.flags if f.code == FLAG_FINAL)
    assert flag.cases == [case.number] and "第三十六条第三款" in flag.advice
    assert FLAG_SKIP_LEVEL not in codes(history)


def test_old_closed_case_is_not_a_repeat(city, clock):
    id_number = valid_id()
    case = _register(city, id_number=id_number)
    Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED, received_at=case.received_at - dt.timedelta(days=400))

    history = person_history(city.staff["east_registrar"], id_number)

    assert [r.number for r in history.rows] == [case.number]
    assert history.flags == []


def test_invalid_checksum_is_refused_without_lookup(city, clock, caplog):
    good = valid_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with caplog.at_level(logging.INFO, logger="minxin.reception.lookup"), pytest.raises(ValidationFailed) as err:
        person_history(city.staff["east_registrar"], bad)
    assert "校验位" in err.value.fields["id_number"][0]
    assert not [r for r in caplog.records if "lookup" in r.getMessage()]


def test_lookup_is_logged_with_staff_and_count_but_never_the_id_number(city, clock, caplog):
    id_number = valid_id()
    _register(city, id_number=id_number)
    with caplog.at_level(logging.INFO, logger="minxin.reception.lookup"):
        person_history(city.staff["east_registrar"], id_number)
    lines = [r.getMessage() for r in caplog.records if r.name == "minxin.reception.lookup"]
    assert lines == [f"reception id lookup staff_id={city.staff['east_registrar'].pk} cases=1"]
    assert id_number not in caplog.text


def test_handlers_cannot_look_people_up(city, clock):
    with pytest.raises(PermissionDenied):
        person_history(city.staff["east_housing_handler"], valid_id())


def test_lookup_query_count_does_not_grow_with_the_number_of_cases(city, clock, django_assert_max_num_queries):
    id_number = valid_id()
    for _ in range(8):
        _register(city, id_number=id_number)
    staff = city.staff["city_registrar"]
    staff.role_codes  # noqa: B018 - warm the per-object role cache, as a request would
    with django_assert_max_num_queries(4):
        history = person_history(staff, id_number)
    assert len(history.rows) == 8
