"""Background jobs (django.tasks; the database backend runs them in the worker). All idempotent."""

from django.tasks import task


@task(queue_name="default")
def run_warnings_task(on: str | None = None) -> dict:
    """Judge the latest complete period of every watched series; alarms become alerts once."""
    import datetime as dt
    from dataclasses import asdict

    from minxin.risk.warn import run_warnings

    return asdict(run_warnings(on=dt.date.fromisoformat(on) if on else None))


@task(queue_name="default")
def score_cases_task(since_days: int = 365) -> dict:
    """Score open cases; high-risk ones go to the alert inbox once per case and level."""
    from minxin.risk.signals import score_open_cases

    return score_open_cases(since_days=since_days)
