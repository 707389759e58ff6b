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

Reported: p50/p95/p99 per page, non-200 answers, and each gunicorn worker's resident memory.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import subprocess
import sys
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
    for board in ("volume", "areas", "deadlines", "ratings", "supervision"):
        pages[f"dashboard {board}"] = (analyst, lambda b=board: f"/oversight/dashboards/{b}/data.json?from=2026-01-01&to=2026-11-30")
    print(f"unit: {handler.unit} ; county bureau: {county.unit} ; analyst: {analyst.unit}")
    cookies = {s.pk: session_for(s) for s in {handler, county, analyst}}

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
                conn.request("GET", p, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookies[staff.pk]}", "Host": "127.0.0.1"})
                resp = conn.getresponse()
                resp.read()
                dt_ = time.perf_counter() - t0
                if i >= 3:  # the first requests warm each worker's caches
                    times.append(dt_)
                    bad += resp.status != 200
                    if resp.status != 200 and bad == 1:
                        print(f"  ({name}: {resp.status} for {p})")
            print(f"| {name} | {_pct(times, 50):.0f} | {_pct(times, 95):.0f} | {_pct(times, 99):.0f} | {bad} |")
        out = subprocess.run(["ps", "-o", "pid=,rss=", "--ppid", str(server.pid)], capture_output=True, text=True).stdout
        rss = [int(line.split()[1]) // 1024 for line in out.strip().splitlines()]
        print(f"\ngunicorn worker RSS (MB): {rss}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
