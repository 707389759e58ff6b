"""Background jobs of the exchange domain (django.tasks; `manage.py worker` runs them)."""

import datetime as dt

from django.tasks import task


@task(queue_name="default")
def run_import_job(job_id: int) -> str:
    """An import submitted on the upload page: reads the stored file, records progress and the result."""
    from minxin.exchange.jobs import run_import

    return run_import(job_id)


@task(queue_name="default")
def recompute_rollups(days: list[str]) -> int:
    """The daily rollups of the days an import touched (imported cases were received, accepted or closed on them)."""
    from minxin.oversight.sweeps import recompute_rollup

    for day in days:
        recompute_rollup(dt.date.fromisoformat(day))
    return len(days)
