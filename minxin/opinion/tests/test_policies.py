"""Who may read and send opinion items, and the one nav entry shown exactly to the readers."""

import pytest
from django.test import RequestFactory

from minxin import policies_table as T
from minxin.opinion import policies, services
from minxin.org.policies import SYSTEM
from minxin.web.context import navigation

pytestmark = pytest.mark.django_db


def test_readers_and_senders_are_the_bureau_roles_of_the_table(city):
    for persona in T.PERSONAS:
        staff = city.staff[persona]
        assert policies.may_read(staff) == (persona in T.GROUPS["opinion"]), persona
        assert policies.may_intake(staff) == (persona in T.GROUPS["opinion_intake"]), persona
    assert policies.may_read(SYSTEM) and policies.may_intake(SYSTEM)
    with pytest.raises(TypeError):
        policies.may_read(None)


def test_the_nav_entry_is_shown_exactly_to_readers(city):
    for persona in T.PERSONAS:
        request = RequestFactory().get("/")
        request.user = city.staff[persona].user
        labels = [str(i["label"]) for i in navigation(request)["nav_items"]]
        assert ("舆情" in labels) == policies.may_read(city.staff[persona]), persona


def test_an_item_without_area_belongs_to_the_bureau_that_received_it(city, clock):
    [o] = services.take_in([{"source": "监测", "published_at": "2026-03-01 08:00", "text": "某地居民反映噪音扰民"}],
                           actor=city.staff["east_registrar"], match=False)
    assert o.item.area is None and o.item.unit == city.units["east_bureau"]
    seen = {p for p in T.PERSONAS if services.items_visible_to(city.staff[p]).filter(pk=o.item.pk).exists()}
    assert seen == {"east_leader", "city_leader", "city_supervisor", "city_analyst"}


def test_every_intake_is_audited_with_who_and_how(city, clock):
    [o] = services.take_in([{"source": "监测", "published_at": "2026-03-01 08:00", "text": "东二村村民反映垃圾站异味"}],
                           actor=city.staff["east_registrar"], match=False)
    [event] = o.item.events.all()
    assert event.action == "received" and event.actor == city.staff["east_registrar"]
    assert event.payload["via"] == "api" and event.payload["area"] == city.areas["east2v"].code
    assert event.payload["area_inferred"] is True and "东二村" in event.payload["area_reason"]
