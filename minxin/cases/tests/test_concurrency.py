"""Two people acting on one case at once: exactly one wins, the other gets Conflict."""

import threading

import pytest
from django.db import connection, connections

from minxin.cases import services as svc
from minxin.cases.models import Case, CaseEvent, CaseState
from minxin.core.errors import Conflict

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write transaction (IMMEDIATE mode), so threads cannot race; run with MINXIN_DATABASE_URL=postgres://…",
)


# Transactional tests flush the database afterwards; serialized_rollback restores the
# rows seeded by migrations (deadline rules, calendar). Only needed where these tests run.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=connection.vendor == "postgresql")


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # the loser's Conflict is the result under test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_stale_expected_version_is_refused_on_any_database(city, register):
    case = register()
    v = case.version
    svc.assign_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"], days=20, expected_version=v)
    with pytest.raises(Conflict, match="请刷新后重试"):
        svc.transfer_case(case, actor=city.staff["east_leader"], unit=city.units["east_hr"], expected_version=v)
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.version == v + 1
    assert case.events.count() == 2


@needs_postgres
@pytest.mark.postgres
@transactional
def test_two_bureau_staff_routing_the_same_case_at_once_one_wins(city, register):
    case = register()
    v = case.version
    results = race(
        lambda: svc.transfer_case(case.pk, actor=city.staff["east_registrar"], unit=city.units["east_housing"], expected_version=v),
        lambda: svc.assign_case(case.pk, actor=city.staff["east_leader"], unit=city.units["east_hr"], days=10, expected_version=v),
    )
    wins = [r for r in results if isinstance(r, Case)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    case.refresh_from_db()
    assert case.version == v + 1
    assert CaseEvent.objects.filter(case=case).count() == 2
    assert case.routings.count() == 1


@needs_postgres
@pytest.mark.postgres
@transactional
def test_without_expected_version_concurrent_acts_still_serialise(city, register):
    case = register()
    results = race(*[
        (lambda who=who: svc.transfer_case(case.pk, actor=city.staff[who], unit=city.units["east_housing"]))
        for who in ("east_registrar", "east_leader", "east_registrar")
    ])
    assert sum(isinstance(r, Case) for r in results) == 1
    assert all(isinstance(r, (Case, Conflict)) or "不能转送" in str(r) for r in results), results


@needs_postgres
@pytest.mark.postgres
@transactional
def test_concurrent_registrations_get_distinct_consecutive_numbers(city, register):
    results = race(*[lambda: register() for _ in range(6)])
    numbers = sorted(r.number for r in results if isinstance(r, Case))
    assert len(numbers) == 6, results
    assert numbers == [f"B-EAST-2026-{i:06d}" for i in range(1, 7)]
