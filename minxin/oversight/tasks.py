"""Background jobs (Django 6 django.tasks; the database backend runs them in `manage.py worker`)."""

from django.tasks import task


@task(queue_name="default")
def run_sweep_task(name: str, period: str) -> int:
    """One run of one periodic sweep (see minxin.oversight.sweeps). Safe to run more than once."""
    from minxin.oversight.sweeps import run_sweep

    return run_sweep(name, period=period)
