"""Historical case import from Excel against a raw COPY of the same rows, on PostgreSQL.

    make bench-exchange            # 100,000 cases (PG_URL, default postgres://postgres@127.0.0.1:5432/test)
    MINXIN_DATABASE_URL=postgres://… .venv/bin/python -m benchmarks.bench_exchange [--cases 100000]

In a scratch database (created and dropped here): the small demo city and N demo cases,
exported with `export_cases` (full identities) to an .xlsx; the case tables emptied; the file
imported with `import_cases` (the `manage.py import cases` path: read-only streaming, every
row validated, demo bulk loader, clocks, audit chain, duplicate index) — timed. Then every
row the import wrote, in every table it wrote (petitioners, cases, parties, routings, events,
clocks, duplicate-index signatures and bands, case-number sequences), is copied out, the
tables emptied again, and the same rows written back with one raw `COPY … FROM STDIN` per
table — timed. The figure that counts is COPY's time over the import's (the share of raw
COPY speed the import reaches); floor 0.25, goal 0.5; and the import under 30 s.

Wall time on a shared machine mostly measures who got the CPU: the import's work is in this
(niced) Python process, COPY's in the PostgreSQL backend, which is not niced. So each phase's
CPU time is printed too — this process's plus its backend's (read from /proc when the server
runs on this machine) — and the same ratio of CPU seconds, which other work does not move.

At 100,000 cases generating and exporting the file take longer than importing it: `--save-xlsx PATH`
keeps the export, and `--xlsx PATH --cases N` imports such a file in a later run (only the city is
built then — it does not depend on the case count, so the file's codes and accounts all exist).
"""

import argparse
import io
import os
import shutil
import sys
import tempfile
import time

FLOOR, GOAL, LIMIT_SECONDS = 0.25, 0.5, 30.0


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    os.environ.setdefault("MINXIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    os.environ.setdefault("MINXIN_TEST_DATABASE_NAME", "bench_exchange")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    ap.add_argument("--save-xlsx", metavar="PATH", help="keep a copy of the exported file (for --xlsx in a later run)")
    ap.add_argument("--xlsx", metavar="PATH", help="import PATH, an earlier export of the same demo city (seed 1), "
                    "instead of generating and exporting N cases: only the city is built; N must be its case count")
    args = ap.parse_args(argv)
    if connection.vendor != "postgresql":
        print("bench_exchange needs PostgreSQL (MINXIN_DATABASE_URL=postgres://…)")
        return 1
    settings.MINXIN_XLSX_MAX_BYTES = settings.MINXIN_XLSX_MAX_UNPACKED_BYTES = 1 << 40
    settings.MINXIN_XLSX_MAX_ROWS = 10 * args.cases + 10
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    old_name = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return _run(args.cases, connection, transaction, save=args.save_xlsx, given=args.xlsx)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        else:
            print(f"kept database {name}")


def _run(n: int, connection, transaction, *, save: str | None = None, given: str | None = None) -> int:
    from minxin.cases.models import Case, CaseEvent, CaseNumberSequence, CaseParty, CaseRouting, Petitioner
    from minxin.demo.build import build_demo
    from minxin.demo.city import SMALL_CITY
    from minxin.demo.provisional_calendar import ensure_demo_calendar
    from minxin.exchange.cases import export_cases, import_cases
    from minxin.intake.models import CaseLshBand, CaseTextSignature
    from minxin.org.policies import SYSTEM
    from minxin.rules.models import CaseDeadline

    tables = [m._meta.db_table for m in (Petitioner, Case, CaseParty, CaseRouting, CaseEvent, CaseDeadline,
                                          CaseTextSignature, CaseLshBand, CaseNumberSequence)]

    def empty():
        with connection.cursor() as cur:
            cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")

    from minxin.core import clock

    ensure_demo_calendar(clock.today())
    t0 = time.perf_counter()
    build_demo(seed=1, cases=0 if given else n, size=SMALL_CITY)  # the city does not depend on the case count
    print(f"demo: {0 if given else n:,} cases in {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cur:  # planner statistics for the freshly loaded tables, as autovacuum would give them
        cur.execute("ANALYZE")
    with tempfile.TemporaryDirectory() as tmp:
        path = given or os.path.join(tmp, "cases.xlsx")
        if given:
            print(f"file: {given}, {os.path.getsize(given) / 1e6:.1f} MB (an earlier export, not timed here)")
        else:
            connection.ensure_connection()
            cpu_export = _Cpu(connection).start()
            t0 = time.perf_counter()
            with open(path, "wb") as fh:
                export_cases(Case.objects.all(), actor=SYSTEM, full=True, out=fh)
            t_export = time.perf_counter() - t0
            cpu_export.stop()
            size = os.path.getsize(path)
            counts = {t: _count(connection, t) for t in tables}
            print(f"export: {t_export:.1f} s ({n / t_export:,.0f} cases/s), {size / 1e6:.1f} MB; rows: "
                  + ", ".join(f"{t.split('_', 1)[1]}={c:,}" for t, c in counts.items()))
            print(f"  {cpu_export}" + (f"; {n / cpu_export.total:,.0f} cases per CPU-second" if cpu_export.total else ""))
            if save:
                shutil.copyfile(path, save)
        empty()
        connection.ensure_connection()
        cpu_import = _Cpu(connection).start()
        t0 = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            prof = cProfile.Profile()
            result = prof.runcall(import_cases, path, actor=SYSTEM)
            pstats.Stats(prof).sort_stats(os.environ.get("BENCH_PROFILE")).print_stats(35)
        else:
            result = import_cases(path, actor=SYSTEM)
        t_import = time.perf_counter() - t0
        cpu_import.stop()
        t0 = time.perf_counter()
        cells = _read_only(path)
        t_read = time.perf_counter() - t0
    assert result.cases == n, result
    written = {t: _count(connection, t) for t in tables}
    dumps = {}
    for t in tables:
        buf = io.BytesIO()
        with connection.cursor() as cur, cur.cursor.copy(f'COPY "{t}" TO STDOUT') as copy:
            for chunk in copy:
                buf.write(chunk)
        dumps[t] = buf.getvalue()
    empty()
    cpu_copy = _Cpu(connection).start()
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for t in tables:
            with cur.cursor.copy(f'COPY "{t}" FROM STDIN') as copy:
                copy.write(dumps[t])
    t_copy = time.perf_counter() - t0
    cpu_copy.stop()
    assert {t: _count(connection, t) for t in tables} == written
    ratio = t_copy / t_import
    total = sum(written.values())
    print(f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1 / 5 / 15 min)")
    print(f"import: {n:,} cases ({total:,} rows in {len(tables)} tables) in {t_import:.1f} s ({n / t_import:,.0f} cases/s)")
    print(f"  of which reading the file alone (streaming reader, {cells:,} cells, no checks): {t_read:.1f} s")
    print(f"  {cpu_import}")
    print(f"raw COPY of the same rows: {t_copy:.1f} s ({n / t_copy:,.0f} cases/s)")
    print(f"  {cpu_copy}")
    print(f"import speed / COPY speed = {ratio:.2f}  (floor {FLOOR}, goal {GOAL}); import under {LIMIT_SECONDS:.0f} s: "
          f"{'yes' if t_import < LIMIT_SECONDS else 'NO'}")
    if cpu_import.total and cpu_copy.total:
        print(f"same ratio in CPU seconds (import + backend vs COPY + backend) = {cpu_copy.total / cpu_import.total:.2f}; "
              f"import CPU {n / cpu_import.total:,.0f} cases per CPU-second")
    return 0 if ratio >= FLOOR and t_import < LIMIT_SECONDS else 1


def _read_only(path: str) -> int:
    from minxin.exchange.cases import SHEETS
    from minxin.exchange.sheets import read

    streams, _errors = read(path, SHEETS, name="bench")
    return sum(len(values) for rows in streams.values() for _n, values in rows)


def _backend_cpu(connection) -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, if it runs on this machine."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class _Cpu:
    """CPU seconds of this process and of its database backend between start() and stop()."""

    def __init__(self, connection):
        self.connection = connection

    def start(self):
        self.client, self.server = time.process_time(), _backend_cpu(self.connection)
        return self

    def stop(self):
        server = _backend_cpu(self.connection)
        self.client = time.process_time() - self.client
        self.server = None if server is None or self.server is None else server - self.server
        return self

    @property
    def total(self) -> float | None:
        return None if self.server is None else self.client + self.server

    def __str__(self):
        if self.server is None:
            return f"CPU: this process {self.client:.1f} s (backend not on this machine)"
        return f"CPU: this process {self.client:.1f} s + database backend {self.server:.1f} s = {self.total:.1f} s"


def _count(connection, table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f'SELECT count(*) FROM "{table}"')
        return cur.fetchone()[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
