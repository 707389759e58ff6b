"""The actor is explicit: None is refused where it used to mean "all cases"; jobs pass SYSTEM."""

import pytest

from minxin.cases.models import Case
from minxin.cases.policies import visible_cases
from minxin.intake.routing import suggest_units
from minxin.org.policies import SYSTEM
from minxin.risk.hotspots import hotspots_for_cases
from minxin.risk.signals import score_petitioner
from minxin.testing import make_case


def test_hotspots_refuse_a_missing_staff_instead_of_reading_every_case(city):
    with pytest.raises(TypeError, match="SYSTEM"):
        hotspots_for_cases(staff=None, days=30)
    with pytest.raises(TypeError):
        hotspots_for_cases(days=30)


def test_petitioner_score_refuses_a_missing_staff(city):
    from minxin.risk.tests.factories import petitioner

    p = petitioner()
    with pytest.raises(TypeError, match="SYSTEM"):
        score_petitioner(p, staff=None)
    with pytest.raises(TypeError):
        score_petitioner(p)


def test_routing_suggestion_refuses_a_missing_staff(city):
    with pytest.raises(TypeError, match="SYSTEM"):
        suggest_units(area=city.areas["east1v"], staff=None)
    with pytest.raises(TypeError):
        suggest_units(area=city.areas["east1v"])


def test_system_actor_sees_every_case_and_nobody_sees_anything_by_passing_none(city):
    east = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    west = make_case(city, area="west1v", registering_unit="west_bureau", current_unit="west1_office")
    assert set(visible_cases(SYSTEM)) == {east, west}
    assert list(Case.objects.visible_to(None)) == []
    with pytest.raises(TypeError):
        visible_cases(None)
    assert list(visible_cases(city.staff["west1_handler"])) == [west]


def test_loading_a_case_for_an_action_needs_an_actor_and_system_sees_any_area(city):
    from minxin.cases.services.common import load_visible
    from minxin.core.errors import PermissionDenied

    west = make_case(city, area="west1v", registering_unit="west_bureau", current_unit="west1_office")
    with pytest.raises(TypeError, match="SYSTEM"):
        load_visible(west, None)  # used to mean "any case"
    with pytest.raises(PermissionDenied):
        load_visible(west, city.staff["east_registrar"])
    assert load_visible(west, SYSTEM) == west


def test_a_lifecycle_transition_names_no_person_when_the_system_takes_it(city):
    from minxin.cases.statemachine import A, find_transition
    from minxin.core.errors import PermissionDenied

    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    with pytest.raises(TypeError):
        find_transition(A.ASSIGN, case, None)
    # SYSTEM may take only the system's own rows, never a person's action such as 交办.
    with pytest.raises(PermissionDenied):
        find_transition(A.ASSIGN, case, SYSTEM)


def test_escalating_a_supervision_needs_an_explicit_actor(city):
    from minxin.oversight.policies import check_escalate

    with pytest.raises(TypeError, match="SYSTEM"):
        check_escalate(None, object())
    check_escalate(SYSTEM, object())  # the overdue sweep, explicitly
