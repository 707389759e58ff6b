"""Scorecard page and API on the demo city: wall time and SQL queries per request.

    .venv/bin/python manage.py demo --seed 1 --cases 3000 --if-empty
    .venv/bin/python -m benchmarks.bench_scorecards [--user city_analyst] [--repeat 3]

Runs against the configured database (var/minxin.sqlite3 by default) with Django's
test client, logged in as a demo analyst (no 2FA for that role), over the default
period of the page (this week) and the whole demo year.
"""

import argparse
import os
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from minxin.core import clock
    from minxin.org.models import Unit

    ap = argparse.ArgumentParser()
    ap.add_argument("--user", default="city_analyst")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    year_end = clock.today()
    year_start = year_end.replace(year=year_end.year - 1)
    print(f"units: {Unit.objects.count()}  user: {args.user}")
    urls = [
        ("page, this week", "/oversight/dashboards/scorecards/"),
        ("chart data, this week", "/oversight/dashboards/scorecards/data.json"),
        ("page, one year", f"/oversight/dashboards/scorecards/?from={year_start}&to={year_end}"),
        ("chart data, one year", f"/oversight/dashboards/scorecards/data.json?from={year_start}&to={year_end}"),
    ]
    for label, url in urls:
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                resp = client.get(url)
                times.append(time.perf_counter() - t0)
            if resp.status_code != 200:
                print(f"{label}: HTTP {resp.status_code}")
                return 1
        print(f"{label:24s} best {min(times):7.2f} s  median {sorted(times)[len(times) // 2]:7.2f} s  queries {len(ctx.captured_queries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
