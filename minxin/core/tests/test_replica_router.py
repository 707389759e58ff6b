"""Dashboards and exports read from the replica alias when one is configured; writes never go there.

Tests run with a second alias, `replica`, mirroring the test database on its own connection
(minxin/conftest.py): queries captured on that connection are the ones the router sent there."""

import datetime as dt

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from minxin.core.replica import ReplicaRouter, replica_reads
from minxin.oversight.models import DailyRollup

WRITES = ("INSERT", "UPDATE", "DELETE")


def _statements(ctx):
    return [q["sql"].lstrip().upper() for q in ctx.captured_queries]


@pytest.fixture
def with_replica(settings):
    settings.MINXIN_READ_REPLICA = "replica"


def test_without_a_replica_the_router_leaves_everything_on_default(settings):
    settings.MINXIN_READ_REPLICA = None
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(DailyRollup) is None
    assert router.db_for_write(DailyRollup) == "default"
    assert router.allow_migrate("default", "oversight") is None


def test_the_replica_is_never_migrated(with_replica):
    assert ReplicaRouter().allow_migrate("replica", "cases") is False
    assert ReplicaRouter().allow_migrate("default", "cases") is None


def test_reads_go_to_the_replica_only_inside_a_read_only_block(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(DailyRollup) == "default"
    with replica_reads():
        assert router.db_for_read(DailyRollup) == "replica"
        assert router.db_for_write(DailyRollup) == "default"
    assert router.db_for_read(DailyRollup) == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_read_inside_a_transaction_on_the_primary_stays_on_the_primary(city, with_replica):
    with replica_reads(), transaction.atomic():
        DailyRollup.objects.create(date=dt.date(2026, 3, 2), area=city.areas["east1v"], channel="visit", category="complaint", received=1)
        # The replica could not see this uncommitted row yet: the read must be on the primary.
        assert DailyRollup.objects.filter(received=1).count() == 1
        assert DailyRollup.objects.get(received=1)._state.db == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_dashboard_reads_from_the_replica_and_writes_nothing_there(client, city, with_replica):
    from minxin.oversight.sweeps import rebuild_coarse_rollup

    DailyRollup.objects.create(date=dt.date(2026, 3, 2), area=city.areas["east1v"], channel="visit", category="complaint", received=3)
    rebuild_coarse_rollup(dt.date(2026, 3, 2))
    client.force_login(city.staff["city_analyst"].user)
    with CaptureQueriesContext(connections["replica"]) as on_replica, CaptureQueriesContext(connections["default"]) as on_default:
        resp = client.get("/oversight/dashboards/volume/data.json", {"from": "2026-03-02", "to": "2026-03-15"})
    assert resp.status_code == 200, resp.content
    assert sum(s["data"][0]["value"] for s in resp.json()["series"]) == 3
    replica = _statements(on_replica)
    assert any("OVERSIGHT_COARSEROLLUP" in q for q in replica)
    assert not any(q.startswith(WRITES) for q in replica)
    # The primary answered only the session and the signed-in user, never the dashboard's figures.
    assert not any("OVERSIGHT_DAILYROLLUP" in q or "OVERSIGHT_COARSEROLLUP" in q for q in _statements(on_default))


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_an_export_reads_the_cases_from_the_replica_and_logs_itself_on_the_primary(client, city, with_replica):
    from minxin.exchange.models import SpreadsheetJob
    from minxin.testing import make_case

    make_case(city, area="east1v", registering_unit="city_bureau", current_unit="east_housing")
    registrar = city.staff["city_registrar"]
    client.force_login(registrar.user)
    with CaptureQueriesContext(connections["replica"]) as on_replica, CaptureQueriesContext(connections["default"]) as on_default:
        resp = client.get("/exchange/cases/export.xlsx")
    assert resp.status_code == 200, resp.content
    replica, default = _statements(on_replica), _statements(on_default)
    assert any('FROM "CASES_CASE"' in q for q in replica)
    assert not any(q.startswith(WRITES) for q in replica)
    # The export's own record is a write: on the primary, where it is found afterwards.
    assert any(q.startswith("INSERT") and "EXCHANGE_SPREADSHEETJOB" in q for q in default)
    assert not any('FROM "CASES_CASE"' in q for q in default)
    assert SpreadsheetJob.objects.using("default").filter(actor=registrar).count() == 1


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_an_object_read_from_the_replica_is_saved_to_the_primary(city, with_replica):
    row = DailyRollup.objects.create(date=dt.date(2026, 3, 2), area=city.areas["east1v"], channel="visit", category="complaint", received=3)
    with replica_reads():
        fetched = DailyRollup.objects.get(pk=row.pk)
    assert fetched._state.db == "replica"
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        fetched.received = 4
        fetched.save()
    assert not _statements(on_replica)
    assert DailyRollup.objects.using("default").get(pk=row.pk).received == 4
