"""Staff search (minxin.cases.search): relevance on known-answer queries, latency, and the index choice.

    # load a demo city into its own database once (same path as `manage.py demo`, the bulk loader):
    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE minxin_bench_search'
    MINXIN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_bench_search .venv/bin/python manage.py migrate
    MINXIN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_bench_search .venv/bin/python manage.py demo --cases 20000 --cases-only --no-index --seed 3
    # then:
    MINXIN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_bench_search .venv/bin/python -m benchmarks.bench_search

Known-answer queries are generated from the stored cases (seed 7): a 2–6 character piece of
a case's content, its whole subject, its place (village/community name), its number, and
one of its petitioners' full name, phone and ID number. The known answer of a query is
*every* case that contains the text (computed in Python over all cases' text) or has a
petitioner with that exact identity. recall@10 = |top 10 ∩ answer| / min(10, |answer|),
averaged per kind; the query runs as the city 信访局's registrar (who sees every case), so
scoping does not hide answers.

Index comparison, same stored cases and the same text queries: the production
bigram tsvector + GIN against pg_trgm (GIN, gin_trgm_ops) on the concatenated text with
ILIKE — index size, build time, and p50/p95 per query kind.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import sys
import time

SEED = 7
PER_KIND = 60


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    import django

    django.setup()


def _ms(samples):
    s = sorted(samples)
    return statistics.median(s) * 1000, s[min(len(s) - 1, int(len(s) * 0.95))] * 1000


def main(argv):
    _setup()
    from django.db import connection

    from minxin.cases.models import Case, CaseParty, Petitioner
    from minxin.cases.search import search
    from minxin.core import crypto
    from minxin.org.models import Area, Role, Staff, UnitKind

    if connection.vendor != "postgresql":
        print("bench_search needs MINXIN_DATABASE_URL to point at PostgreSQL (see the module docstring)")
        return 1
    n = Case.objects.count()
    print(f"cases: {n:,}")
    rng = random.Random(SEED)
    registrar = (Staff.objects.filter(unit__kind=UnitKind.PETITION_BUREAU, roles__role=Role.REGISTRAR, is_active=True)
                 .select_related("unit", "unit__area", "user").order_by("unit__area__depth", "pk").first())
    visible = Case.objects.visible_to(registrar)
    print(f"searching as {registrar} (sees {visible.count():,} cases)")

    # Ground truth: every case's searchable text, and identities (decrypted here, in the benchmark only).
    places = {a.pk: a for a in Area.objects.all()}

    def place_chain(area_id):
        a = places[area_id]
        return "".join(places[int(p)].name for p in a.path.strip("/").split("/") if p)

    texts, rows = {}, list(Case.objects.values_list("pk", "number", "subject", "content", "request", "facts", "reasons", "area_id",
                                                     "registering_unit__name", "current_unit__name"))
    for pk, number, subject, content, request, facts, reasons, area_id, reg, cur in rows:
        texts[pk] = "\n".join([number, subject, place_chain(area_id), reg or "", cur or "", content, request, facts, reasons])
    by_case = {r[0]: (r[2], r[3], r[7], r[1]) for r in rows}
    people = {}
    for pet in Petitioner.objects.all().iterator(chunk_size=2000):
        people[pet.pk] = (pet.name, pet.phone, pet.id_number)
    cases_of: dict[tuple[str, str], set[int]] = {}
    for case_id, pet_id in CaseParty.objects.values_list("case_id", "petitioner_id"):
        name, phone, idn = people[pet_id]
        for kind, value in (("name", crypto.normalise(name)), ("phone", crypto.normalise(phone)), ("id", crypto.normalise(idn))):
            if value:
                cases_of.setdefault((kind, value), set()).add(case_id)
    parties = list(CaseParty.objects.values_list("case_id", "petitioner_id"))

    def containing(q):
        return {pk for pk, t in texts.items() if q in t}

    sample = rng.sample(list(by_case), min(len(by_case), PER_KIND * 3))
    queries: dict[str, list[tuple[str, set[int]]]] = {k: [] for k in ("content piece", "subject", "place", "number", "name", "phone", "id number")}
    han = re.compile(r"[\u4e00-\u9fff]{2,}")
    for pk in sample:
        subject, content, area_id, number = by_case[pk]
        runs = [m.group(0) for m in han.finditer(content)]
        if runs and len(queries["content piece"]) < PER_KIND:
            run = rng.choice(runs)
            k = rng.randint(2, min(6, len(run)))
            start = rng.randint(0, len(run) - k)
            piece = run[start:start + k]
            queries["content piece"].append((piece, containing(piece)))
        if len(queries["subject"]) < PER_KIND:
            queries["subject"].append((subject, containing(subject)))
        if len(queries["place"]) < PER_KIND:
            name = places[area_id].name
            queries["place"].append((name, containing(name)))
        if len(queries["number"]) < PER_KIND:
            queries["number"].append((number, {pk}))
    for case_id, pet_id in rng.sample(parties, min(len(parties), PER_KIND)):
        name, phone, idn = people[pet_id]
        queries["name"].append((name, cases_of[("name", crypto.normalise(name))]))
        if phone:
            queries["phone"].append((phone, cases_of[("phone", crypto.normalise(phone))]))
        if idn:
            queries["id number"].append((idn, cases_of[("id", crypto.normalise(idn))]))

    print("\n| query kind | queries | mean answer size | recall@10 | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    all_recall = []
    for kind, qs in queries.items():
        recalls, times = [], []
        for q, truth in qs:
            t0 = time.perf_counter()
            top = list(search(visible, q).values_list("pk", flat=True)[:10])
            times.append(time.perf_counter() - t0)
            recalls.append(len(set(top) & truth) / min(10, len(truth)) if truth else 1.0)
        all_recall += recalls
        p50, p95 = _ms(times)
        print(f"| {kind} | {len(qs)} | {statistics.mean(len(t) for _q, t in qs):.1f} | {statistics.mean(recalls):.3f} | {p50:.1f} | {p95:.1f} |")
    print(f"\noverall recall@10: {statistics.mean(all_recall):.3f} over {len(all_recall)} queries")

    if "--no-compare" in argv:
        return 0
    # pg_trgm against the bigram tsvector on the same text queries (raw SQL, no scoping, LIMIT 10).
    text_queries = [(k, q) for k in ("content piece", "subject", "place") for q, _t in queries[k]]
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_relation_size('cases_search_gin')), pg_relation_size('cases_search_gin')")
        gin_size = cur.fetchone()
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cur.execute("DROP TABLE IF EXISTS bench_trgm")
        cur.execute("CREATE TABLE bench_trgm (id bigint primary key, body text)")
        with cur.cursor.copy("COPY bench_trgm (id, body) FROM STDIN") as copy:
            for pk, t in texts.items():
                copy.write_row([pk, t])
        t0 = time.perf_counter()
        cur.execute("CREATE INDEX bench_trgm_gin ON bench_trgm USING gin (body gin_trgm_ops)")
        trgm_build = time.perf_counter() - t0
        cur.execute("ANALYZE bench_trgm")
        cur.execute("SELECT pg_size_pretty(pg_relation_size('bench_trgm_gin')), pg_relation_size('bench_trgm_gin')")
        trgm_size = cur.fetchone()
        t0 = time.perf_counter()
        cur.execute("CREATE INDEX bench_bigram_gin ON cases_case USING gin (search_document)")
        bigram_build = time.perf_counter() - t0
        cur.execute("DROP INDEX bench_bigram_gin")
        from minxin.cases.search import parse, tsquery

        results = {}
        for label, sql, arg in (
            ("bigram tsvector + GIN (production)", "SELECT id FROM cases_case WHERE search_document @@ %s::tsquery "
             "ORDER BY ts_rank(search_document, %s::tsquery) DESC LIMIT 10", lambda q: [tsquery(parse(q))] * 2),
            ("bigram tsvector + GIN, unranked", "SELECT id FROM cases_case WHERE search_document @@ %s::tsquery LIMIT 10",
             lambda q: [tsquery(parse(q))]),
            ("pg_trgm GIN, ILIKE, unranked", "SELECT id FROM bench_trgm WHERE body ILIKE %s LIMIT 10", lambda q: ["%" + q + "%"]),
        ):
            per = {}
            for kind, q in text_queries:
                t0 = time.perf_counter()
                cur.execute(sql, arg(q))
                cur.fetchall()
                per.setdefault(kind, []).append(time.perf_counter() - t0)
            results[label] = per
        # What each index does with a two-character word when it must use the index (enable_seqscan off).
        cur.execute("SET enable_seqscan = off")
        for q2 in ("拆迁", "工资", "物业"):
            for label, sql, args in (
                ("pg_trgm", "EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM bench_trgm WHERE body ILIKE %s", ["%" + q2 + "%"]),
                ("bigram", "EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM cases_case WHERE search_document @@ %s::tsquery",
                 [tsquery(parse(q2))]),
            ):
                cur.execute(sql, args)
                lines = [r[0].strip() for r in cur.fetchall()]
                keep = [ln for ln in lines if ln.startswith(("Rows Removed by Index Recheck", "Heap Blocks", "Buffers", "Execution Time"))
                        or "rows=" in ln and "Bitmap Heap" in ln]
                print(f"{label:8} {q2}: " + " | ".join(keep[:5]))
        cur.execute("RESET enable_seqscan")
        cur.execute("DROP TABLE bench_trgm")
    print(f"\nindex sizes: bigram tsvector GIN {gin_size[0]} (build {bigram_build:.1f} s), pg_trgm GIN {trgm_size[0]} (build {trgm_build:.1f} s)")
    print("\n| index | kind | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    for label, per in results.items():
        for kind, times in per.items():
            p50, p95 = _ms(times)
            print(f"| {label} | {kind} | {p50:.1f} | {p95:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
