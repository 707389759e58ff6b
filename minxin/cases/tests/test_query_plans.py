"""PostgreSQL plans of the hot case queries: none may read the whole cases table.

Each query is EXPLAINed with `enable_seqscan = off`. That setting does not forbid a
sequential scan; it makes it cost 10^10, so the planner still picks one when no index can
serve the query (an OR with an unindexable branch, a function over the column, a missing
index). A test database is too small for the planner's own choice to mean anything (on a
hundred rows a sequential scan is rightly the cheapest), so this asks the question that
matters at a million rows: *can* an index answer this query? The table gets a few
thousand rows and ANALYZE first, so the statistics are those of a filled table.
"""

import re

import pytest
from django.db import connection

from minxin.cases.models import Case
from minxin.cases.queries import all_visible_queryset, apply_filters, by_due_date, inbox_queryset

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]

SEQ_ON_CASES = re.compile(r"Seq Scan on cases_case\b")


def _fill(city, n=3000):
    from minxin.testing import make_case

    first = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")
    cols = [f.column for f in Case._meta.concrete_fields if not f.primary_key]
    keep = ", ".join(cols)
    with connection.cursor() as cur:
        # Copies of one real row with unique keys, spread over units, areas and states.
        cur.execute(
            f"INSERT INTO cases_case ({keep}) SELECT "
            + ", ".join(
                {"number": "c.number || '-' || g", "query_code": "substr(md5(g::text), 1, 16)",
                 "current_unit_id": f"(ARRAY{[u.pk for u in city.units.values()]})[1 + mod(g, {len(city.units)})]",
                 "area_id": f"(ARRAY{[a.pk for a in city.areas.values()]})[1 + mod(g, {len(city.areas)})]",
                 "state": "(ARRAY['registered','assigned','accepted','closed','closed','closed'])[1 + mod(g, 6)]",
                 "next_due_on": "current_date + mod(g, 90)"}.get(col, f"c.{col}")
                for col in cols
            )
            + " FROM cases_case c, generate_series(1, %s) g WHERE c.id = %s",
            [n, first.pk],
        )
        cur.execute("ANALYZE cases_case")
    return first


def plan(qs) -> str:
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        try:
            return qs.explain()
        finally:
            cur.execute("RESET enable_seqscan")


def assert_indexed(qs):
    text = plan(qs)
    assert not SEQ_ON_CASES.search(text), text


@pytest.fixture
def filled(city):
    return _fill(city)


def test_a_units_inbox_is_served_by_an_index(city, filled):
    qs = inbox_queryset(city.staff["east_housing_handler"])
    assert_indexed(qs[:20])
    assert_indexed(qs.order_by())  # the page count


def test_a_county_bureaus_inbox_is_served_by_an_index(city, filled):
    qs = inbox_queryset(city.staff["east_registrar"])
    assert_indexed(qs[:20])
    assert_indexed(qs.order_by())


def test_the_case_page_reads_one_row_by_key(city, filled):
    assert_indexed(Case.objects.visible_to(city.staff["east_registrar"]).filter(pk=filled.pk))


def test_search_by_text_and_by_petitioner_is_served_by_an_index(city, filled):
    base = all_visible_queryset(city.staff["east_registrar"])
    assert_indexed(apply_filters(base, {"q": "测试内容"})[:20])
    assert_indexed(apply_filters(base, {"q": "13912345678"})[:20])


def test_the_text_matches_ranked_are_read_newest_first_by_an_index(city, filled):
    from minxin.cases.search import newest_matches, parse

    base = all_visible_queryset(city.staff["east_registrar"])
    for q in ("测试内容", "测试"):
        assert_indexed(newest_matches(base, parse(q)))


def test_the_api_list_with_filters_is_served_by_an_index(city, filled):
    staff = city.staff["east_housing_handler"]
    assert_indexed(by_due_date(Case.objects.visible_to(staff))[:50])
    assert_indexed(apply_filters(by_due_date(Case.objects.visible_to(staff)), {"state": "accepted"})[:50])


def test_a_later_keyset_page_is_served_by_an_index(city, filled):
    from minxin.cases.queries import after_cursor, encode_cursor

    for staff in (city.staff["east_housing_handler"], city.staff["east_registrar"]):
        qs = by_due_date(Case.objects.visible_to(staff))
        assert_indexed(after_cursor(qs, encode_cursor(qs[100]))[:50])
        inbox = inbox_queryset(staff)
        assert_indexed(after_cursor(inbox, encode_cursor(inbox[10]))[:20])


def test_the_search_count_is_served_by_an_index_without_ranking(city, filled):
    from minxin.cases.queries import MAX_SEARCH_ROWS

    base = all_visible_queryset(city.staff["east_registrar"])
    counted = apply_filters(base, {"q": "测试内容"}).order_by()[:MAX_SEARCH_ROWS]
    assert_indexed(counted)
    # Without an ORDER BY PostgreSQL drops the unused rank from the subquery the count reads.
    assert "ORDER BY" not in str(counted.query)


def test_the_deadline_sweeps_read_only_running_clocks_by_index(city, filled):
    import datetime as dt

    from minxin.rules.models import CaseDeadline, DeadlineState
    from minxin.rules.selectors import deadlines_due_by

    today = dt.date(2026, 3, 2)
    for qs in (deadlines_due_by(today),
               CaseDeadline.objects.filter(state=DeadlineState.RUNNING, paused_at__isnull=True, due_on__gte=today,
                                           due_on__lte=today + dt.timedelta(days=3))):
        text = plan(qs.order_by("pk"))
        assert "Seq Scan on rules_casedeadline" not in text, text
        assert not SEQ_ON_CASES.search(text), text
