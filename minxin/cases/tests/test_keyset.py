"""Keyset pagination of case lists (cases/queries.py), on the workbench and in the API."""

import datetime as dt
import re

import pytest

from minxin.cases.models import Case
from minxin.cases.queries import BadCursor, by_due_date, decode_cursor, keyset_page
from minxin.testing import make_case

pytestmark = pytest.mark.django_db


def _cases(city, n):
    made = [make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing") for _ in range(n)]
    # Ties on the due date and some without one: the cursor must still order them exactly.
    for i, case in enumerate(made):
        due = None if i % 5 == 0 else dt.date(2026, 4, 1) + dt.timedelta(days=i % 3)
        Case.objects.filter(pk=case.pk).update(next_due_on=due)
    return made


def test_paging_by_cursor_visits_every_case_once_in_list_order(city, clock):
    _cases(city, 23)
    qs = by_due_date(Case.objects.visible_to(city.staff["east_housing_handler"]))
    seen, cursor = [], None
    while True:
        rows, cursor = keyset_page(qs, cursor, 5)
        seen += [c.pk for c in rows]
        if cursor is None:
            break
    assert seen == [c.pk for c in qs]


def test_a_malformed_cursor_is_refused():
    for bad in ("nonsense", "e30", ""):
        with pytest.raises(BadCursor):
            decode_cursor(bad)


def test_api_list_gives_a_cursor_and_pages_through(client, city, clock):
    _cases(city, 7)
    client.force_login(city.staff["east_housing_handler"].user)
    first = client.get("/api/v1/cases", {"page_size": 3}).json()
    assert first["count"] == 7 and first["next_cursor"]
    numbers = [i["number"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        body = client.get("/api/v1/cases", {"page_size": 3, "cursor": cursor}).json()
        numbers += [i["number"] for i in body["items"]]
        cursor = body["next_cursor"]
    assert len(numbers) == len(set(numbers)) == 7
    bad = client.get("/api/v1/cases", {"cursor": "nonsense"})
    assert bad.status_code == 422 and "cursor" in bad.content.decode()


def test_workbench_inbox_pages_with_a_next_link(client, city, clock):
    _cases(city, 27)
    client.force_login(city.staff["east_housing_handler"].user)
    first = client.get("/cases/").content.decode()
    assert "共27件" in first
    after = re.search(r'after=([A-Za-z0-9_-]+)"', first).group(1)
    second = client.get("/cases/", {"after": after}).content.decode()
    row = re.compile(r'data-case="([^"]+)"')
    assert len(row.findall(first)) == 20 and len(row.findall(second)) == 7
    assert not set(row.findall(first)) & set(row.findall(second))
    assert "回到第一页" in second and "after=" not in second.split("回到第一页")[1]
    # A tampered cursor shows the first page instead of an error.
    assert row.findall(client.get("/cases/", {"after": "%%%"}).content.decode()) == row.findall(first)
