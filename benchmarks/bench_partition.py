"""Would yearly partitioning of cases help the hot queries? A measured answer on a loaded database.

    .venv/bin/python -m benchmarks.bench_partition --db bench_scale_1m [--parts 10]

Copies the columns the hot queries touch from `cases_case` into two scratch tables — one plain, one
declaratively partitioned by RANGE (received_at) into `--parts` equal slices of the loaded history
(standing for the years of a province's archive) — with the same indexes, then times, in SQL on
the server (EXPLAIN ANALYZE execution time, median of `--repeat`):

- a unit's inbox page: open cases of one unit in due order, 20 rows (no date filter, like the product's);
- the case page's lookup by id (the product's key: no date in the URL);
- a dashboard-style count over the latest slice (a date filter: the one query partitioning can prune).

The scratch tables are dropped at the end. The product's queries also join visibility and routing;
these are the cases-table part of them, which is what partitioning would change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

import psycopg
import psycopg.sql

PG_BASE = os.environ.get("MINXIN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
COLS = "id, current_unit_id, state, next_due_on, received_at, subject, area_id"


def timed(cur, sql, params, repeat):
    times = []
    for _ in range(repeat):
        cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        times.append(cur.fetchone()[0][0]["Execution Time"])
    return statistics.median(times)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="bench_scale_1m")
    ap.add_argument("--parts", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    import django

    django.setup()
    from minxin.cases.models import OPEN_STATES

    OPEN = sorted(OPEN_STATES)
    with psycopg.connect(f"{PG_BASE}/{args.db}", autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), min(received_at), max(received_at) FROM cases_case")
        n, lo, hi = cur.fetchone()
        print(f"cases: {n:,}, received {lo:%Y-%m-%d} … {hi:%Y-%m-%d}; {args.parts} partitions")
        cur.execute("DROP TABLE IF EXISTS bench_flat, bench_part")
        cur.execute(f"CREATE TABLE bench_flat AS SELECT {COLS} FROM cases_case")
        cur.execute("ALTER TABLE bench_flat ADD PRIMARY KEY (id)")
        # A partitioned table's primary key must include the partition key: (id, received_at).
        cur.execute("CREATE TABLE bench_part (LIKE bench_flat) PARTITION BY RANGE (received_at)")
        step = (hi - lo) / args.parts
        for i in range(args.parts):
            a = lo + step * i
            b = hi + (hi - lo) if i == args.parts - 1 else lo + step * (i + 1)
            # DDL takes no bind parameters: the bounds are our own datetimes, quoted by psycopg's literal adapter.
            bounds = psycopg.sql.SQL("FROM ({}) TO ({})").format(psycopg.sql.Literal(a), psycopg.sql.Literal(b))
            cur.execute(psycopg.sql.SQL("CREATE TABLE {} PARTITION OF bench_part FOR VALUES ").format(psycopg.sql.Identifier(f"bench_part_{i}")) + bounds)
        cur.execute(f"INSERT INTO bench_part SELECT {COLS} FROM bench_flat")
        cur.execute("ALTER TABLE bench_part ADD PRIMARY KEY (id, received_at)")
        for t in ("bench_flat", "bench_part"):
            cur.execute(f"CREATE INDEX {t}_inbox ON {t} (current_unit_id, state, next_due_on)")
            cur.execute(f"CREATE INDEX {t}_received ON {t} (received_at)")
            cur.execute(f"ANALYZE {t}")
        cur.execute("SELECT current_unit_id FROM bench_flat WHERE state = ANY(%s) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", [list(OPEN)])
        row = cur.fetchone()
        if row is None:
            # A partial load of old history has no open case: list the unit's cases in every state instead.
            cur.execute("SELECT DISTINCT state FROM bench_flat")
            OPEN = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT current_unit_id FROM bench_flat WHERE current_unit_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
            row = cur.fetchone()
            print(f"no open case loaded: the inbox queries list every state ({', '.join(OPEN)})")
        unit = row[0]
        cur.execute("SELECT id FROM bench_flat ORDER BY random() LIMIT 1")
        some_id = cur.fetchone()[0]
        since = hi - step
        queries = {
            "inbox page (one unit, due order, 20 rows)":
                ("SELECT id, subject FROM {t} WHERE current_unit_id = %s AND state = ANY(%s) ORDER BY next_due_on, received_at, id LIMIT 20", [unit, list(OPEN)]),
            "inbox count": ("SELECT count(*) FROM {t} WHERE current_unit_id = %s AND state = ANY(%s)", [unit, list(OPEN)]),
            "case by id": ("SELECT * FROM {t} WHERE id = %s", [some_id]),
            "count of the latest slice by area (date-filtered)": ("SELECT area_id, count(*) FROM {t} WHERE received_at >= %s GROUP BY 1", [since]),
        }
        print(f"\n| query | plain ms | partitioned ms | ratio |\n|---|---|---|---|")
        for name, (sql, params) in queries.items():
            flat = timed(cur, sql.format(t="bench_flat"), params, args.repeat)
            part = timed(cur, sql.format(t="bench_part"), params, args.repeat)
            print(f"| {name} | {flat:.2f} | {part:.2f} | {part / flat:.2f} |")
        cur.execute("DROP TABLE bench_flat, bench_part")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
