"""属地管理: who sees which case, for every role at each level."""

import pytest

from minxin.cases.models import Case
from minxin.testing import make_case


@pytest.fixture
def cases(city):
    return {
        "east_township": make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office"),
        "east_housing": make_case(city, area="east2v", registering_unit="east_bureau", current_unit="east_housing"),
        "west_township": make_case(city, area="west1v", registering_unit="west_bureau", current_unit="west1_office"),
        "city_level": make_case(city, area="city", registering_unit="city_bureau", current_unit="city_housing"),
        "accuses_east_housing": make_case(
            city, area="east2v", registering_unit="east_bureau", current_unit="east_discipline",
            category="accusation", accused_unit="east_housing",
        ),
    }


def visible(staff):
    return set(Case.objects.visible_to(staff).values_list("pk", flat=True))


def keys(cases, *names):
    return {cases[n].pk for n in names}


# Every role at a unit sees the same cases: visibility is by unit and area, roles gate actions.
EXPECTED = {
    "city_registrar": {"east_township", "east_housing", "west_township", "city_level", "accuses_east_housing"},
    "city_leader": {"east_township", "east_housing", "west_township", "city_level", "accuses_east_housing"},
    "city_supervisor": {"east_township", "east_housing", "west_township", "city_level", "accuses_east_housing"},
    "city_analyst": {"east_township", "east_housing", "west_township", "city_level", "accuses_east_housing"},
    "city_admin": {"east_township", "east_housing", "west_township", "city_level", "accuses_east_housing"},
    "east_registrar": {"east_township", "east_housing", "accuses_east_housing"},
    "east_leader": {"east_township", "east_housing", "accuses_east_housing"},
    "west_registrar": {"west_township"},
    "east_housing_handler": {"east_housing"},
    "east_housing_leader": {"east_housing"},
    "city_housing_handler": {"city_level"},
    "east_hr_handler": set(),
    "east_legal_handler": set(),
    "east_discipline_handler": {"accuses_east_housing"},
    "east1_handler": {"east_township"},
    "west1_handler": {"west_township"},
}


@pytest.mark.parametrize("staff_key", sorted(EXPECTED))
def test_each_staff_member_sees_exactly_their_jurisdiction(city, cases, staff_key):
    assert visible(city.staff[staff_key]) == keys(cases, *EXPECTED[staff_key])


def test_county_bureau_sees_its_townships_but_not_the_neighbouring_county(city, cases):
    seen = visible(city.staff["east_registrar"])
    assert cases["east_township"].pk in seen
    assert cases["west_township"].pk not in seen


def test_accusation_is_never_visible_to_the_accused_unit_even_when_routed_there(city, cases):
    case = cases["accuses_east_housing"]
    case.current_unit = city.units["east_housing"]
    case.save()
    assert case.pk not in visible(city.staff["east_housing_handler"])


def test_accusation_is_never_visible_to_the_accused_person(city, cases):
    case = cases["east_township"]
    case.accused_staff = city.staff["east_registrar"]
    case.save()
    assert case.pk not in visible(city.staff["east_registrar"])
    assert case.pk in visible(city.staff["east_leader"])


def test_a_unit_keeps_sight_of_a_case_it_handled_after_it_moves_on(city, cases):
    case = cases["east_housing"]
    case.current_unit = city.units["city_housing"]
    case.save()
    assert case.pk in visible(city.staff["east_housing_handler"])


def test_inactive_staff_see_nothing(city, cases):
    staff = city.staff["city_registrar"]
    staff.is_active = False
    staff.save()
    assert visible(staff) == set()


def test_no_staff_sees_nothing(db):
    assert not Case.objects.visible_to(None).exists()

