"""cases.services.mark_urgent: 重大紧急 set after registration, on the record, only on a visible case."""

import pytest

from minxin.cases.events import A
from minxin.cases.models import CaseEvent
from minxin.cases.services import mark_urgent
from minxin.core.errors import PermissionDenied
from minxin.testing import make_case

pytestmark = pytest.mark.django_db


def test_marking_a_case_urgent_sets_the_flag_bumps_the_version_and_records_the_event(city):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    event = mark_urgent(case, actor=city.staff["east_leader"], payload={"gravity_label": "紧急", "reason": "聚集"})
    before = case.version
    case.refresh_from_db()
    assert case.is_urgent and case.version == before + 1
    assert (event.action, event.actor, event.payload["reason"], event.payload["was_urgent"]) == (
        A.UPWARD_MARK, city.staff["east_leader"], "聚集", False)
    assert event.from_state == event.to_state == case.state


def test_a_case_outside_the_actors_jurisdiction_is_refused_and_unchanged(city):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    with pytest.raises(PermissionDenied):
        mark_urgent(case, actor=city.staff["west_registrar"], payload={"reason": "聚集"})
    case.refresh_from_db()
    assert not case.is_urgent
    assert not CaseEvent.objects.filter(case=case, action=A.UPWARD_MARK).exists()


def test_no_actor_is_an_error():
    with pytest.raises(TypeError):
        mark_urgent(1, actor=None, payload={})
