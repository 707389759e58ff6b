"""The rollup dashboards (volume, areas, deadlines) from the coarse rollup vs the daily rollup, in process.

    .venv/bin/python -m benchmarks.bench_rollup --db rollup_scale [--repeat 5]

On a loaded PostgreSQL database whose rollups have been built (`benchmarks.bench_scale --prepare`, or the
sweep): the row counts of both rollups, then for the city, its first 区县 and that county's first
乡镇街道, over the last 12 weeks and the last 12 months that have data, the median time of each dashboard
function read the coarse way (what the pages do) and the daily way (`from_daily=True`, what they did
before), checking that both give the same figures. Times are wall time in this process, SQL included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

PG_BASE = os.environ.get("MINXIN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _median_ms(fn, repeat: int) -> tuple[float, float, object]:
    """Median wall ms, median SQL ms (as the database driver saw it), the last result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out, times, sql = None, [], []
    for _i in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        sql.append(sum(float(q["time"]) for q in ctx.captured_queries))
    return statistics.median(times) * 1000, statistics.median(sql) * 1000, out


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="minxin_bench_scale")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    os.environ.update(MINXIN_DATABASE_URL=f"{PG_BASE}/{args.db}", DJANGO_SETTINGS_MODULE="minxin.settings")
    import django

    django.setup()
    from django.db.models import Max

    from minxin.cases.models import Case
    from minxin.org.models import Area, AreaLevel, Role, Staff
    from minxin.oversight import dashboards
    from minxin.oversight.models import CoarseRollup, DailyRollup

    daily_n, coarse_n = DailyRollup.objects.count(), CoarseRollup.objects.count()
    print(f"cases {Case.objects.count():,}; daily rollup rows {daily_n:,}; coarse rollup rows {coarse_n:,} "
          f"(ratio {daily_n / max(coarse_n, 1):.1f})")
    for dim in ("channel", "category", "domain", "area", "overdue"):
        print(f"  coarse dim {dim}: {CoarseRollup.objects.filter(dim=dim).count():,}")
    last = DailyRollup.objects.aggregate(m=Max("date"))["m"]
    staff = Staff.objects.filter(roles__role=Role.ANALYST, unit__area__level=AreaLevel.CITY).first()
    city = Area.objects.get(level=AreaLevel.CITY)
    county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("code").first()
    township = Area.objects.filter(level=AreaLevel.TOWNSHIP, path__startswith=county.path).order_by("code").first()
    rows_read: list[str] = []
    print("| scope | period | board | daily: ms (SQL ms) | coarse: ms (SQL ms) | SQL ratio |")
    print("|---|---|---|---|---|---|")
    for area in (city, county, township):
        for period in ("week", "month"):
            start, end = dashboards.default_period(period, today=last)
            scope = dashboards.DashScope(staff, area, None, start, end)
            boards = {
                "volume (channel)": lambda **kw: dashboards.volume(scope, dim="channel", period=period, **kw),
                "volume (domain)": lambda **kw: dashboards.volume(scope, dim="domain", period=period, **kw),
                "volume (area)": lambda **kw: dashboards.volume(scope, dim="area", period=period, **kw),
                "areas": lambda **kw: dashboards.areas(scope, **kw),
                "deadlines trend": lambda **kw: dashboards.overdue_by_day(scope, **kw),
            }
            daily_rows = DailyRollup.objects.filter(date__gte=start, date__lte=end, area__path__startswith=area.path).count()
            for dim in ("channel", "domain", "area", "overdue"):
                coarse_rows = CoarseRollup.objects.filter(dim=dim, start__gte=start, start__lte=end, area__path__startswith=area.path).count()
                rows_read.append(f"| {area.name} | {start}…{end} | {dim} | {daily_rows:,} | {coarse_rows:,} | {daily_rows / max(coarse_rows, 1):.0f}× |")
            for name, fn in boards.items():
                daily_ms, daily_sql, a = _median_ms(lambda: fn(from_daily=True), args.repeat)
                coarse_ms, coarse_sql, b = _median_ms(fn, args.repeat)
                same = "" if a == b else " **DIFFERENT**"
                print(f"| {area.name} | {start}…{end} | {name} | {daily_ms:.0f} ({daily_sql:.0f}) | {coarse_ms:.0f} ({coarse_sql:.0f}) "
                      f"| {daily_sql / max(coarse_sql, 0.1):.1f}×{same} |")
    print("\nRows each view reads (daily: the period's rows in the scope, any measure; coarse: those of one dimension):")
    print("| scope | period | coarse dim | daily rows | coarse rows | ratio |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows_read))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
