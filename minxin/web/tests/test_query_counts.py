"""No N+1: the number of SQL queries a page makes does not grow with the rows it shows.

Each page is requested with 5 rows behind it, then with 50; the query count must be the
same (the inbox shows 20 rows a page, the API list 100).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minxin.cases.history import PetitionerRecord, petitioner_row
from minxin.cases.models import CaseParty, Petitioner
from minxin.core import clock
from minxin.rules.models import CaseDeadline, DeadlineRule
from minxin.testing import make_case, valid_id

pytestmark = pytest.mark.django_db


def _add_cases(city, n):
    rule = DeadlineRule.objects.order_by("pk").first()
    for _ in range(n):
        case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")
        pet = petitioner_row(PetitionerRecord(name="张三", id_number=valid_id(), phone="13912345678"))
        pet.save()
        CaseParty.objects.create(case=case, petitioner=pet, is_representative=True)
        if rule is not None:
            CaseDeadline.objects.create(case=case, rule=rule, code=rule.code, started_on=clock.today(), amount=10, unit=rule.unit, created_at=clock.now(),
                                        due_on=clock.today() + dt.timedelta(days=10))


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url, params or {})
    assert resp.status_code == 200, (url, resp.status_code)
    return len(ctx.captured_queries)


def _same_with_5_and_50(city, client, url, params=None):
    _add_cases(city, 5)
    few = _queries(client, url, params)
    _add_cases(city, 45)
    many = _queries(client, url, params)
    assert few == many, f"{url}: {few} queries with 5 rows, {many} with 50"


def test_inbox_makes_the_same_queries_for_5_or_50_cases(client, city, clock):
    client.force_login(city.staff["east_housing_handler"].user)
    _same_with_5_and_50(city, client, "/cases/")


def test_inbox_search_makes_the_same_queries_for_5_or_50_cases(client, city, clock):
    client.force_login(city.staff["east_registrar"].user)
    _same_with_5_and_50(city, client, "/cases/", {"q": "测试", "scope": "all"})


def test_api_list_makes_the_same_queries_for_5_or_50_cases(client, city, clock):
    client.force_login(city.staff["east_housing_handler"].user)
    _same_with_5_and_50(city, client, "/api/v1/cases", {"page_size": 100})


def test_case_page_makes_the_same_queries_for_5_or_50_petitioners(client, city, clock):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")

    def add(n):
        for _ in range(n):
            pet = petitioner_row(PetitionerRecord(name="李四", id_number=valid_id(), phone="13912345678"))
            pet.save()
            CaseParty.objects.create(case=case, petitioner=pet)

    client.force_login(city.staff["east_registrar"].user)
    add(5)
    few = _queries(client, f"/cases/{case.pk}/")
    add(45)
    assert _queries(client, f"/cases/{case.pk}/") == few
    assert Petitioner.objects.count() == 50


@pytest.mark.parametrize("board", ["volume", "areas", "deadlines", "ratings", "supervision"])
def test_dashboards_make_the_same_queries_for_5_or_50_cases(client, city, clock, board):
    client.force_login(city.staff["city_analyst"].user)
    _same_with_5_and_50(city, client, f"/oversight/dashboards/{board}/data.json",
                        {"from": "2026-02-01", "to": "2026-03-31"})
