"""Read-only work on a replica: dashboards and exports read from `MINXIN_READ_REPLICA` when one is configured.

Django routes per model, not per page, so the pages that may read slightly stale data say so:
they run inside `replica_reads()` (or carry `@reads_from_replica`), and only there does
`ReplicaRouter` send reads to the replica alias. Everything else — every write, every read of a
page that changes data, and any read inside a transaction on the primary (it must see its own
writes) — goes to `default`. With no replica configured (the default) the router says nothing and
everything runs on `default`, exactly as before.
"""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica_reads = contextvars.ContextVar("minxin_replica_reads", default=False)


def replica_alias() -> str | None:
    """The replica's database alias, or None when reads stay on the primary."""
    alias = getattr(settings, "MINXIN_READ_REPLICA", None)
    return alias if alias and alias in settings.DATABASES else None


@contextmanager
def replica_reads():
    """Within this block, reads that are not part of a transaction on the primary go to the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view):
    """Decorator for a read-only view (a dashboard, an export): its reads may come from the replica."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if alias is None:
            return None
        if _replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return alias
        # Outside a read-only block, objects fetched from the replica must not pull their relations from it.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Explicit: without an answer Django would write an object back to the alias it was read from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        alias = replica_alias()
        if alias is None:
            return None
        aliases = {DEFAULT_DB_ALIAS, alias}
        return True if {obj1._state.db, obj2._state.db} <= aliases else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a copy of the primary's schema (streaming replication): never migrate it.
        return False if db == replica_alias() else None
