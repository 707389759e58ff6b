"""Hot pages through the real HTTP stack (gunicorn, several workers, 127.0.0.1) on a loaded PostgreSQL.

    make bench-scale                          # SCALE_CASES (default 1,000,000) demo cases, then measure
    .venv/bin/python -m benchmarks.bench_scale --skip-load --db minxin_bench_search   # measure an existing database

Loading uses the bulk path (`manage.py demo --cases N --cases-only --no-index`: petitioners, events,
clocks and documents through cases.history.load_historical_cases) into its own database. Then gunicorn
serves minxin.wsgi with production settings (MINXIN_DEBUG=0; the field key the data was encrypted with)
and one client requests each hot page in turn, signed in through a real session cookie:

- a unit's inbox (the handling unit with the most open cases), a 区县 信访部门's inbox,
- the case page (random visible cases), search by a content word and by a petitioner's phone,
- `GET /api/v1/cases` with a state filter (page_size 50), each dashboard's data.json.

- a duplicate lookup: the registration form's 智能建议 partial (POST, classifier + duplicate index),
  with the subject and content of a stored case.

Reported: p50/p95/p99 per page, non-200 answers, and each gunicorn worker's resident memory. Then
(`--sweep`) the deadline sweeps (即将到期, 超期) over all open cases, run as jobs by a real
`manage.py worker` whose peak memory is sampled, and (`--load-seconds`) a mixed load: `--load-users`
staff sessions (threads, each with its own connection and session, no think time) choosing among
the pages above, plus `--portal-users` anonymous portal visitors.

`--prepare` first runs ANALYZE and rebuilds the daily rollups, and with them the coarse rollup the
dashboards read, for every day with cases (`oversight.sweeps.recompute_rollup`), timing both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

PG_BASE = os.environ.get("MINXIN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _run(cmd, env):
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, check=True, cwd=ROOT)


def load(db: str, cases: int, env: dict) -> None:
    _run(["psql", f"{PG_BASE}/postgres", "-c", f"DROP DATABASE IF EXISTS {db}", "-c", f"CREATE DATABASE {db}"], env)
    _run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    _run([PY, "manage.py", "demo", "--cases", str(cases), "--cases-only", "--no-index", "--seed", "5"], env)


def _pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=int(os.environ.get("SCALE_CASES", 1_000_000)))
    ap.add_argument("--db", default="minxin_bench_scale")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--requests", type=int, default=100, help="requests per page")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--port", type=int, default=8117)
    ap.add_argument("--prepare", action="store_true", help="ANALYZE and rebuild the daily rollups first")
    ap.add_argument("--sweep", action="store_true", help="run the deadline sweeps through a worker and measure it")
    ap.add_argument("--load-seconds", type=int, default=0, help="length of the mixed load run (0: none)")
    ap.add_argument("--load-users", type=int, default=50)
    ap.add_argument("--portal-users", type=int, default=10)
    ap.add_argument("--only", default="", help="comma-separated page names to measure (default: all)")
    args = ap.parse_args(argv)

    url = f"{PG_BASE}/{args.db}"
    env = {**os.environ, "MINXIN_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "minxin.settings"}
    if not args.skip_load:
        load(args.db, args.cases, env)
    os.environ.update(MINXIN_DATABASE_URL=url, DJANGO_SETTINGS_MODULE="minxin.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count, Q

    from minxin.cases.models import Case, CaseParty, OPEN_STATES
    from minxin.org.models import AreaLevel, Role, Staff, UnitKind

    n = Case.objects.count()
    print(f"cases in {args.db}: {n:,}")
    if args.prepare:
        prepare()

    def session_for(staff):
        s = SessionStore()
        s[SESSION_KEY] = str(staff.user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = staff.user.get_session_auth_hash()
        s.create()
        return s.session_key

    handler = (Staff.objects.filter(is_active=True, roles__role=Role.HANDLER).exclude(unit__kind=UnitKind.PETITION_BUREAU)
               .annotate(n=Count("unit__current_cases", filter=Q(unit__current_cases__state__in=OPEN_STATES)))
               .order_by("-n").select_related("unit", "user").first())
    county = (Staff.objects.filter(is_active=True, roles__role=Role.REGISTRAR, unit__kind=UnitKind.PETITION_BUREAU,
                                   unit__area__level=AreaLevel.COUNTY).select_related("unit", "unit__area", "user").first())
    analyst = Staff.objects.filter(is_active=True, roles__role=Role.ANALYST).select_related("unit", "user").order_by("unit__area__depth").first()
    rng = random.Random(11)
    visible_ids = list(Case.objects.visible_to(county).order_by("-pk").values_list("pk", flat=True)[:5000])
    words = ["物业", "拆迁", "工资", "补偿", "噪音", "停车", "学校", "医疗", "养老", "供暖"]
    phones = []
    for party in CaseParty.objects.filter(case_id__in=visible_ids[:500]).select_related("petitioner")[:200]:
        if party.petitioner.phone:
            phones.append(party.petitioner.phone)  # decrypted here, in the benchmark only, to have real queries
    pages = {
        "unit inbox": (handler, lambda: "/cases/"),
        "区县信访部门 inbox": (county, lambda: "/cases/"),
        "case page": (county, lambda: f"/cases/{rng.choice(visible_ids)}/"),
        "search: text": (county, lambda: f"/cases/?scope=all&q={quote(rng.choice(words))}"),
        "search: petitioner phone": (county, lambda: f"/cases/?scope=all&q={quote(rng.choice(phones))}"),
        "API list state=accepted": (county, lambda: "/api/v1/cases?scope=all&state=accepted&page_size=50"),
    }
    # The dashboards ask for the last 26 weeks of the loaded history (a partial load ends early).
    latest = Case.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    period = f"from={(latest.date() - dt.timedelta(weeks=26)).isoformat()}&to={latest.date().isoformat()}"
    for board in ("volume", "areas", "deadlines", "ratings", "supervision"):
        pages[f"dashboard {board}"] = (analyst, lambda b=board: f"/oversight/dashboards/{b}/data.json?{period}")
    texts = list(Case.objects.filter(pk__in=visible_ids[:300]).values_list("subject", "content"))
    csrf = secrets.token_hex(16)

    def duplicate_form():
        subject, content = rng.choice(texts)
        return "/cases/register/suggestions/", {"subject": subject, "content": content, "category": "complaint"}

    pages["duplicate lookup (智能建议)"] = (county, duplicate_form)
    if args.only:
        wanted = set(args.only.split(","))
        pages = {k: v for k, v in pages.items() if k in wanted}
    print(f"unit: {handler.unit} ; county bureau: {county.unit} ; analyst: {analyst.unit}")
    cookies = {s.pk: session_for(s) for s in {handler, county, analyst}}

    def send(conn, staff_key, target):
        """One request: GET a path, or POST a form (with the CSRF cookie and header Django checks)."""
        headers = {"Host": "127.0.0.1"}
        cookie = f"{settings.CSRF_COOKIE_NAME}={csrf}"
        if staff_key is not None:
            cookie += f"; {settings.SESSION_COOKIE_NAME}={staff_key}"
        headers["Cookie"] = cookie
        if isinstance(target, tuple):
            from urllib.parse import urlencode

            path, form = target
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf})
            conn.request("POST", path, body=urlencode(form).encode(), headers=headers)
        else:
            conn.request("GET", target, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status

    server_env = {**env, "MINXIN_DEBUG": "0", "MINXIN_SECRET_KEY": settings.SECRET_KEY if not settings.DEBUG else secrets.token_urlsafe(50),
                  "MINXIN_FIELD_KEY": settings.FIELD_KEY, "MINXIN_AUDIT_KEY": secrets.token_urlsafe(48),
                  "MINXIN_ALLOWED_HOSTS": "127.0.0.1", "MINXIN_SECURE_COOKIES": "0", "MINXIN_LOG_LEVEL": "WARNING"}
    if settings.DEBUG:
        # Sessions are signed with SECRET_KEY: the server must use the one they were made with.
        server_env["MINXIN_SECRET_KEY"] = settings.SECRET_KEY
    static = ROOT / "var" / "bench_static"
    server_env["MINXIN_STATIC_ROOT"] = str(static)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=server_env, check=True, cwd=ROOT)
    server = subprocess.Popen([PY, "-m", "gunicorn", "minxin.wsgi", "--workers", str(args.workers),
                               "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"], env=server_env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.3)
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        print(f"\n{args.requests} requests a page, one client, {args.workers} gunicorn workers\n")
        print("| page | p50 ms | p95 ms | p99 ms | non-200 |")
        print("|---|---|---|---|---|")
        for name, (staff, path) in pages.items():
            times, bad = [], 0
            for i in range(args.requests + 3):
                p = path()
                t0 = time.perf_counter()
                status = send(conn, cookies[staff.pk], p)
                dt_ = time.perf_counter() - t0
                if i >= 3:  # the first requests warm each worker's caches
                    times.append(dt_)
                    bad += status != 200
                    if status != 200 and bad == 1:
                        print(f"  ({name}: {status} for {p if isinstance(p, str) else p[0]})")
            print(f"| {name} | {_pct(times, 50):.0f} | {_pct(times, 95):.0f} | {_pct(times, 99):.0f} | {bad} |")
        out = subprocess.run(["ps", "-o", "pid=,rss=", "--ppid", str(server.pid)], capture_output=True, text=True).stdout
        rss = [int(line.split()[1]) // 1024 for line in out.strip().splitlines()]
        print(f"\ngunicorn worker RSS (MB): {rss}")
        if args.load_seconds:
            mixed_load(args, pages, send, lambda staff: session_for(staff))
            out = subprocess.run(["ps", "-o", "pid=,rss=", "--ppid", str(server.pid)], capture_output=True, text=True).stdout
            print(f"gunicorn worker RSS after the load run (MB): {[int(line.split()[1]) // 1024 for line in out.strip().splitlines()]}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if args.sweep:
        sweep_through_worker(env)
    return 0


def prepare() -> None:
    """ANALYZE (a bulk load leaves the planner without statistics) and the dashboards' daily rollups."""
    from django.db import connection
    from django.db.models import Max, Min

    from minxin.cases.models import Case
    from minxin.oversight.sweeps import recompute_rollup

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"ANALYZE: {time.perf_counter() - t0:.1f} s")
    span = Case.objects.aggregate(lo=Min("received_at"), hi=Max("received_at"))
    day, last = span["lo"].date() - dt.timedelta(days=1), span["hi"].date() + dt.timedelta(days=1)
    t0, days = time.perf_counter(), 0
    while day <= last:
        recompute_rollup(day)
        day += dt.timedelta(days=1)
        days += 1
    print(f"daily (and coarse) rollups rebuilt for {days} days: {time.perf_counter() - t0:.1f} s")
    # Rebuilding replaces each piece's coarse rows once per day of it: clear the dead rows as autovacuum would.
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE oversight_dailyrollup")
        cur.execute("VACUUM ANALYZE oversight_coarserollup")


def _peak_rss_mb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def sweep_through_worker(env: dict) -> None:
    """The deadline sweeps over all open cases, as the scheduler runs them: jobs for `manage.py worker`."""
    from minxin.cases.models import OPEN_STATES, Case
    from minxin.oversight.sweeps import SWEEPS, period_key
    from minxin.oversight.tasks import run_sweep_task
    from minxin.rules.models import CaseDeadline, DeadlineState

    open_cases = Case.objects.filter(state__in=OPEN_STATES).count()
    running = CaseDeadline.objects.filter(state=DeadlineState.RUNNING).count()
    print(f"\nopen cases: {open_cases:,}; running clocks: {running:,}")
    for name in ("due_soon", "overdue", "due_soon", "overdue"):  # the second round: notices already sent
        run_sweep_task.enqueue(name, period_key(SWEEPS[name]) + ":bench" + secrets.token_hex(3))
        t0 = time.perf_counter()
        worker = subprocess.Popen([PY, "manage.py", "worker", "--batch", "--interval", "0.2"], env={**env, "MINXIN_LOG_LEVEL": "WARNING"}, cwd=ROOT)
        peak = 0
        while worker.poll() is None:
            peak = max(peak, _peak_rss_mb(worker.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - t0
        from django_tasks_db.models import DBTaskResult

        last = DBTaskResult.objects.filter(task_path="minxin.oversight.tasks.run_sweep_task").order_by("-enqueued_at").first()
        job_s = (last.finished_at - last.started_at).total_seconds() if last.finished_at and last.started_at else float("nan")
        print(f"sweep {name}: job {job_s:.1f} s ({elapsed:.1f} s wall with the worker's start), job {last.status}, "
              f"items {last.return_value if last.status == 'SUCCESSFUL' else '-'}, worker peak RSS {peak} MB")


PORTAL_PAGES = ("/xf/", "/xf/submit/", "/xf/follow/")


def mixed_load(args, pages: dict, send, new_session) -> None:
    """`--load-users` staff sessions and `--portal-users` anonymous visitors, each a thread on its own
    connection, requesting pages back to back for `--load-seconds`."""
    stop_at = time.monotonic() + args.load_seconds
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    names = list(pages)

    def staff_user(i):
        rng = random.Random(1000 + i)
        name0 = names[i % len(names)]
        key = new_session(pages[name0][0])  # every virtual user has its own session
        keys = {pages[name0][0].pk: key}
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        while time.monotonic() < stop_at:
            name = rng.choice(names)
            staff, path = pages[name]
            if staff.pk not in keys:
                keys[staff.pk] = new_session(staff)
            t0 = time.perf_counter()
            try:
                status = send(conn, keys[staff.pk], path())
            except (OSError, http.client.HTTPException):
                status = 0
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            with lock:
                results.append((name, time.perf_counter() - t0, status))

    def portal_user(i):
        rng = random.Random(5000 + i)
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        while time.monotonic() < stop_at:
            path = rng.choice(PORTAL_PAGES)
            t0 = time.perf_counter()
            try:
                status = send(conn, None, path)
            except (OSError, http.client.HTTPException):
                status = 0
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            with lock:
                results.append(("portal " + path, time.perf_counter() - t0, status))
            time.sleep(rng.uniform(0.5, 2.0))  # a citizen reads the page before the next click

    threads = [threading.Thread(target=staff_user, args=(i,), daemon=True) for i in range(args.load_users)]
    threads += [threading.Thread(target=portal_user, args=(i,), daemon=True) for i in range(args.portal_users)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    staff_times = [r[1] for r in results if not r[0].startswith("portal ")]
    portal_times = [r[1] for r in results if r[0].startswith("portal ")]
    errors = [r for r in results if r[2] != 200]
    print(f"\nmixed load: {args.load_users} staff + {args.portal_users} portal users, {wall:.0f} s, "
          f"{len(results):,} requests ({len(results) / wall:.1f}/s), errors (non-200 or failed): {len(errors)}")
    if errors:
        print("  first errors:", sorted({(e[0], e[2]) for e in errors})[:10])
    print("| class | requests | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for label, times in (("staff, all pages", staff_times), ("portal", portal_times)):
        if times:
            print(f"| {label} | {len(times):,} | {_pct(times, 50):.0f} | {_pct(times, 95):.0f} | {_pct(times, 99):.0f} |")
    for name in names:
        times = [r[1] for r in results if r[0] == name]
        if times:
            print(f"| {name} | {len(times):,} | {_pct(times, 50):.0f} | {_pct(times, 95):.0f} | {_pct(times, 99):.0f} |")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
