"""Whose inbox a case waits in."""

from minxin.cases.models import CaseState
from minxin.cases.queries import inbox_queryset


def test_case_registered_by_the_city_bureau_waits_only_in_the_city_inbox(register, city, clock):
    case = register(actor=city.staff["city_registrar"], area=city.areas["east1v"])
    assert case.state == CaseState.REGISTERED

    assert case in inbox_queryset(city.staff["city_registrar"])
    # The county bureau of the case's area cannot route it (only the registering bureau may),
    # so it must not wait there.
    assert case not in inbox_queryset(city.staff["east_registrar"])


def test_case_registered_by_the_county_bureau_waits_in_its_inbox(register, city, clock):
    case = register()
    assert case in inbox_queryset(city.staff["east_registrar"])
    assert case not in inbox_queryset(city.staff["west_registrar"])
