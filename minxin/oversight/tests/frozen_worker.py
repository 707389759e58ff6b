"""Run `manage.py worker --batch` with the clock frozen at a given day (for the PostgreSQL worker tests).

    frozen_worker.py 2026-04-02 [--die-after N]

--die-after N kills the process (os._exit, no cleanup, like SIGKILL) after the
Nth item of a sweep, leaving that sweep half-done in the database.
"""

import datetime as dt
import os
import sys

import time_machine

if __name__ == "__main__":
    day = dt.date.fromisoformat(sys.argv[1])
    die_after = int(sys.argv[sys.argv.index("--die-after") + 1]) if "--die-after" in sys.argv else None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(at, tick=True):
        import django
        from django.core.management import call_command

        django.setup()
        if die_after is not None:
            from minxin.oversight import sweeps

            # Sweeps commit a chunk of clocks at a time; one clock a chunk lets the kill land between
            # two committed steps, as it would between two chunks of a large sweep.
            sweeps.CHUNK = 1
            original = sweeps.run_sweep
            seen = [0]

            def hook():
                seen[0] += 1
                if seen[0] >= die_after:
                    os._exit(9)

            sweeps.run_sweep = lambda name, *, period=None, after_each=None: original(name, period=period, after_each=hook)
        call_command("worker", "--batch", "--interval", "0.1")
