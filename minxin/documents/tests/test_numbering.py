import datetime as dt
import threading
import zoneinfo

import pytest
import time_machine
from django.db import connection, connections, transaction

from minxin.documents.kinds import DocumentKind
from minxin.documents.models import Document
from minxin.documents.services import issue_document
from minxin.documents.tests.samples import FULL_CONTEXT

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class Boom(Exception):
    pass


def issue(case, unit, actor, kind=DocumentKind.ACCEPTANCE):
    return issue_document(case, kind=kind, unit=unit, actor=actor, context=FULL_CONTEXT[kind])


@pytest.fixture
def bureau(city):
    unit = city.units["east_bureau"]
    unit.short_name = "东信"
    unit.save()
    return unit, city.staff["east_registrar"]


def test_numbers_run_one_two_three_per_unit_and_year(case, bureau):
    unit, actor = bureau
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), tick=False):
        numbers = [issue(case, unit, actor).number for _ in range(3)]
    assert numbers == ["东信信受告〔2026〕1号", "东信信受告〔2026〕2号", "东信信受告〔2026〕3号"]


def test_numbering_restarts_in_a_new_year_by_local_date(case, bureau):
    unit, actor = bureau
    # 2026-12-31 23:30 in Shanghai is still 2026; 00:30 on 1 January is 2027 (UTC is still 2026).
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI), tick=False):
        issue(case, unit, actor)
        last_2026 = issue(case, unit, actor)
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        first_2027 = issue(case, unit, actor)
    assert (last_2026.year, last_2026.seq) == (2026, 2)
    assert (first_2027.year, first_2027.seq) == (2027, 1)
    assert first_2027.number == "东信信受告〔2027〕1号"


def test_units_and_kinds_number_independently(case, city, bureau):
    unit, actor = bureau
    west, west_actor = city.units["west_bureau"], city.staff["west_registrar"]
    a1 = issue(case, unit, actor)
    w1 = issue(case, west, west_actor)
    t1 = issue(case, unit, actor, kind=DocumentKind.TRANSFER)
    a2 = issue(case, unit, actor)
    assert [a1.seq, w1.seq, t1.seq, a2.seq] == [1, 1, 1, 2]
    assert t1.number.startswith("东信信转〔")
    # Without a short name the full unit name heads the 文号.
    assert w1.number.startswith("西城区信访局信受告〔")


def test_rolled_back_issue_leaves_no_gap(case, bureau):
    unit, actor = bureau
    issue(case, unit, actor)
    with pytest.raises(Boom), transaction.atomic():
        rolled_back = issue(case, unit, actor)
        assert rolled_back.seq == 2
        raise Boom  # e.g. the lifecycle service fails after issuing
    assert issue(case, unit, actor).seq == 2
    assert list(Document.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_leaves_no_gap_after_real_commits(city):
    from minxin.testing import make_case

    case = make_case(city, area="east1", registering_unit="east_bureau")
    unit, actor = city.units["east_bureau"], city.staff["east_registrar"]
    with transaction.atomic():
        issue(case, unit, actor)
    with pytest.raises(Boom), transaction.atomic():
        issue(case, unit, actor)
        raise Boom
    with transaction.atomic():
        third = issue(case, unit, actor)
    assert third.seq == 2
    assert sorted(Document.objects.values_list("seq", flat=True)) == [1, 2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_distinct_gapless_numbers(city):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer (IMMEDIATE transactions), so row-lock contention can only be tested on PostgreSQL")
    from minxin.testing import make_case

    case = make_case(city, area="east1", registering_unit="east_bureau")
    unit, actor = city.units["east_bureau"], city.staff["east_registrar"]
    threads_n, per_thread = 8, 5
    start = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def worker():
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    issue(case, unit, actor)
                # Interleave rollbacks: their numbers must be reused, not skipped.
                if i % 2 == 0:
                    try:
                        with transaction.atomic():
                            issue(case, unit, actor)
                            raise Boom
                    except Boom:
                        pass
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    total = threads_n * per_thread
    seqs = sorted(Document.objects.filter(unit=unit).values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    assert Document.objects.filter(unit=unit).values("number").distinct().count() == total
