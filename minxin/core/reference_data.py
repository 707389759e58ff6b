"""Replay the data migrations that seed reference data (deadline rules, the holiday
calendar, domains, lexicons, default configuration).

A transactional test (live server, `transaction=True`) ends by flushing every
table, reference data included, so the tests after it would find no deadline
rules. Tests call `ensure_reference_data()` to put the seeded rows back exactly
as the migrations wrote them; the seed functions are the single source.
"""

from django.apps import apps as global_apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython


class _SchemaEditorStandIn:
    """What data migrations use of the schema editor: `.connection`, and `.execute` for the
    idempotent SQL some of them run (CREATE INDEX IF NOT EXISTS)."""

    def __init__(self, conn):
        self.connection = conn

    def execute(self, sql, params=()):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params or None)


def seed_functions():
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan = loader.graph.forwards_plan_for_all() if hasattr(loader.graph, "forwards_plan_for_all") else None
    if plan is None:
        plan = []
        for leaf in loader.graph.leaf_nodes():
            for node in loader.graph.forwards_plan(leaf):
                if node not in plan:
                    plan.append(node)
    for app_label, name in plan:
        if not loader.disk_migrations.get((app_label, name)) or not global_apps.get_app_config(app_label).name.startswith("minxin."):
            continue
        for operation in loader.disk_migrations[(app_label, name)].operations:
            if isinstance(operation, RunPython):
                yield operation.code


def ensure_reference_data() -> bool:
    """Re-seed if a flush emptied the reference tables; True if it had to."""
    from minxin.cases.models import Domain

    if Domain.objects.exists():
        return False
    editor = _SchemaEditorStandIn(connection)
    for code in seed_functions():
        code(global_apps, editor)
    return True
