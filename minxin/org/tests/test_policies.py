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
