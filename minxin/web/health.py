from pathlib import Path

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _sqlite_file_missing() -> bool:
    # Connecting to SQLite creates a missing file; an empty database would then pass a bare
    # SELECT 1 while every page fails. Look for the file before any connection is made.
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return False
    return not Path(connection.settings_dict["NAME"]).is_file()


@never_cache
def healthz(request):
    """Liveness and readiness for load balancers: 200 only if the migrated database answers."""
    if _sqlite_file_missing():
        return JsonResponse({"status": "error", "database": "missing"}, status=503)
    try:
        with connection.cursor() as cursor:
            # The migrations table: a database that answers but was never migrated is not ready.
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
            if cursor.fetchone() is None:
                raise LookupError("no migration applied")
    except Exception:  # any database failure means "not ready"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
