"""Near-duplicate lookup: indexed LSH candidates, then exact verification and an explanation.

Candidates come from the band rows. Per band, the cases sharing its first MIN_DEPTH
rows are read first; if they are more than PER_BAND_CAP (a stock phrase, or simply a
large store), the band narrows to three rows, then four: an LSH forest, so the work
per lookup stays bounded however large the table grows while small stores keep the
recall of two-row bands. A band still stock at full depth gives only its newest
cases, and is used only if every band is. The best MAX_VERIFY candidates by shared
bands are scored by the cheap part of the same-matter model (stored shingle sets and
opening lines), and the best FULL_VERIFY of them verified by `verifier`, with place and
organisation name heads weighted by their rarity among stored cases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connections

from minxin.intake.models import CaseLshBand, CaseTextSignature

from . import minhash, verifier, weights
from . import weights as weights_mod
from .index import stored_shingles
from .text import UNIFORM, AnchorWeights

PER_BAND_CAP = 200
MAX_VERIFY = 100

# The whole descent in one statement, for 4-row bands: per band, read (up to cap + 1) the
# cases sharing its first 2 rows, and only if they are stock the first 3, then all 4
# (newest first); keep the shallowest informative read; count shared bands per case over
# the informative bands (over the stock ones only if no band is informative), best first.
# MATERIALIZED keeps each read to one evaluation per band.
_PG_DESCENT = """
WITH d2 AS MATERIALIZED (
    SELECT q.band, q.lo3, q.hi3, q.key,
           ARRAY(SELECT b.case_id FROM {table} b WHERE b.band = q.band AND b.hash BETWEEN q.lo2 AND q.hi2 LIMIT %(cap1)s) AS ids
    FROM unnest(%(band)s::smallint[], %(lo2)s::bigint[], %(hi2)s::bigint[], %(lo3)s::bigint[], %(hi3)s::bigint[], %(key)s::bigint[])
         AS q(band, lo2, hi2, lo3, hi3, key)
), d3 AS MATERIALIZED (
    SELECT d.band, d.key, ARRAY(SELECT b.case_id FROM {table} b WHERE b.band = d.band AND b.hash BETWEEN d.lo3 AND d.hi3 LIMIT %(cap1)s) AS ids
    FROM d2 d WHERE cardinality(d.ids) > %(cap)s
), d4 AS MATERIALIZED (
    SELECT d.band, ARRAY(SELECT b.case_id FROM {table} b WHERE b.band = d.band AND b.hash = d.key ORDER BY b.case_id DESC LIMIT %(cap1)s) AS ids
    FROM d3 d WHERE cardinality(d.ids) > %(cap)s
), pick AS MATERIALIZED (
    SELECT ids, true AS informative FROM d2 WHERE cardinality(ids) BETWEEN 1 AND %(cap)s
    UNION ALL SELECT ids, true FROM d3 WHERE cardinality(ids) BETWEEN 1 AND %(cap)s
    UNION ALL SELECT ids, cardinality(ids) <= %(cap)s FROM d4 WHERE cardinality(ids) > 0
), hit AS MATERIALIZED (
    SELECT p.informative, c.case_id
    FROM pick p CROSS JOIN LATERAL unnest(p.ids[1:%(cap)s]) AS c(case_id)
    WHERE c.case_id <> ALL(%(exclude)s::bigint[])
)
SELECT case_id, count(*) AS hits FROM hit
WHERE informative OR NOT EXISTS (SELECT 1 FROM hit WHERE informative)
GROUP BY case_id
ORDER BY hits DESC, case_id DESC
LIMIT %(limit)s
"""

# One call reads, for each (band, low, high), up to n case ids in that key range
# (newest first when asked): SQLite's way through the ORM, or the benchmark's in memory.
Fetch = Callable[[list[tuple[int, int, int]], int, bool], dict[int, list[int]]]


@dataclass
class Match:
    case_id: int
    score: float  # the verifier's probability that the two texts are the same matter
    same: bool  # score at or above the verifier's threshold: 可能同一事项 (else 相关)
    jaccard: float
    opening_cover: float
    band_hits: int = 0
    shared_names: list[str] = field(default_factory=list)  # place/organisation name heads found in both
    differing_names: list[str] = field(default_factory=list)  # rare name heads found in one text only
    shared_numbers: list[str] = field(default_factory=list)


def candidate_ids(bands: list[int], *, exclude: set[int] = frozenset(), per_band: int = PER_BAND_CAP, limit: int = MAX_VERIFY,
                  using: str = DEFAULT_DB_ALIAS) -> list[tuple[int, int]]:
    """(case id, shared band count), most shared first."""
    if not bands:
        return []
    if connections[using].vendor == "postgresql" and minhash.ROWS == 4 and minhash.MIN_DEPTH == 2:
        return _pg_candidates(bands, exclude=exclude, per_band=per_band, limit=limit, using=using)
    return gather(bands, _orm_fetch(using), exclude=exclude, per_band=per_band, limit=limit)


def gather(bands: list[int], fetch: Fetch, *, exclude: set[int] = frozenset(), per_band: int = PER_BAND_CAP,
           limit: int = MAX_VERIFY) -> list[tuple[int, int]]:
    """Narrow each stock band until it holds at most `per_band` cases, then count shared bands."""
    informative: dict[int, list[int]] = {}
    stock: dict[int, list[int]] = {}
    pending = list(range(len(bands)))
    for depth in range(minhash.MIN_DEPTH, minhash.ROWS + 1):
        if not pending:
            break
        last = depth == minhash.ROWS
        rows = fetch([(b, *minhash.prefix_range(bands[b], depth)) for b in pending], per_band + 1, last)
        narrower = []
        for b in pending:
            ids = rows.get(b, [])
            if len(ids) <= per_band:
                informative[b] = ids
            elif last:
                stock[b] = ids[:per_band]
            else:
                narrower.append(b)
        pending = narrower
    return _count_hits(informative, stock, exclude=exclude, limit=limit)


def _count_hits(informative: dict[int, list[int]], stock: dict[int, list[int]], *, exclude, limit) -> list[tuple[int, int]]:
    hits: Counter = Counter()
    for ids in [ids for ids in informative.values() if ids] or stock.values():
        hits.update(ids)
    for cid in exclude:
        hits.pop(cid, None)
    return sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]


def _pg_candidates(bands: list[int], *, exclude, per_band: int, limit: int, using: str) -> list[tuple[int, int]]:
    """`gather` in one round trip that returns only the best `limit` candidates."""
    connection = connections[using]
    r2 = [minhash.prefix_range(k, 2) for k in bands]
    r3 = [minhash.prefix_range(k, 3) for k in bands]
    params = {
        "band": list(range(len(bands))), "lo2": [r[0] for r in r2], "hi2": [r[1] for r in r2], "lo3": [r[0] for r in r3],
        "hi3": [r[1] for r in r3], "key": list(bands), "cap": per_band, "cap1": per_band + 1, "exclude": sorted(exclude), "limit": limit,
    }
    with connection.cursor() as cur:
        cur.execute(_PG_DESCENT.format(table=connection.ops.quote_name(CaseLshBand._meta.db_table)), params)
        return [(case_id, hits) for case_id, hits in cur.fetchall()]


def _orm_fetch(using: str) -> Fetch:
    def fetch(ranges, n, newest):
        out: dict[int, list[int]] = {}
        for band, lo, hi in ranges:
            qs = CaseLshBand.objects.using(using).filter(band=band, hash__gte=lo, hash__lte=hi)
            ids = list((qs.order_by("-case_id") if newest else qs).values_list("case_id", flat=True)[:n])
            if ids:
                out[band] = ids
        return out

    return fetch


FULL_VERIFY = 20  # candidates verified with names and rarity, chosen by the cheap part of the model


def find_similar(text: str, *, exclude: set[int] = frozenset(), threshold: float | None = None, limit: int = 20,
                 using: str = DEFAULT_DB_ALIAS) -> list[Match]:
    """Stored cases most likely to be the same matter as `text`, best first (unscoped: callers filter by visibility).

    Returns every verified candidate whose probability reaches `threshold` (default: the model's
    floor for a 相关 suggestion); `Match.same` tells those above the same-matter threshold.
    """
    q = verifier.profile(text)
    if not len(q.shingles):
        return []
    model = verifier.current_model()
    floor = model.related if threshold is None else threshold
    bands = minhash.band_hashes(minhash.signature(q.shingles))
    cands = candidate_ids(bands, exclude=set(exclude), using=using)
    if not cands:
        return []
    hits = dict(cands)
    stored = [(case_id, verifier.unpack(packed, stored_shingles(sh))) for case_id, sh, packed in _signatures(list(hits), using)]
    stored.sort(key=lambda cp: -verifier.cheap_score(q, cp[1], model))
    stored = stored[:FULL_VERIFY]
    keys = verifier.weight_keys(q)
    for _cid, p in stored:
        keys |= verifier.weight_keys(p)
    w = weights.load(keys, using=using)
    out = []
    for case_id, p in stored:
        m = verify(q, p, case_id=case_id, band_hits=hits[case_id], weights=w)
        if m.score >= floor:
            out.append(m)
    out.sort(key=lambda m: (-m.score, -m.case_id))
    return out[:limit]


def _signatures(case_ids: list[int], using: str):
    """(case id, shingles, anchors) of the given cases; on PostgreSQL one array parameter, not a hundred."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return CaseTextSignature.objects.using(using).filter(case_id__in=case_ids).values_list("case_id", "shingles", "anchors")
    table = connection.ops.quote_name(CaseTextSignature._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT case_id, shingles, anchors FROM {table} WHERE case_id = ANY(%s)", [case_ids])
        return cur.fetchall()


def verify(q: verifier.Profile, s: verifier.Profile, *, case_id: int, band_hits: int = 0, weights: AnchorWeights = UNIFORM) -> Match:
    """The verifier's verdict on a query and one stored case, with what explains it."""
    v = verifier.compare(q, s, weights)
    figures = sorted(q.numbers & s.numbers, key=lambda x: (len(x), x))
    return Match(
        case_id=case_id, score=v.probability, same=v.same, jaccard=v.jaccard, opening_cover=v.opening_cover, band_hits=band_hits,
        shared_names=v.shared_heads, differing_names=v.differing_heads, shared_numbers=figures,
    )


def compare_texts(a: str, b: str, *, case_id: int = 0, using: str = DEFAULT_DB_ALIAS, weigh: bool = False,
                  weights: AnchorWeights | None = None) -> Match:
    """Verify two texts directly (no LSH): for a petitioner's own few earlier cases, or a pair of a file.

    Rarity comes from `weights` if given, else from the index when `weigh`, else every name head is rare.
    """
    pa, pb = verifier.profile(a), verifier.profile(b)
    if weights is None:
        weights = weights_mod.load(verifier.weight_keys(pa) | verifier.weight_keys(pb), using=using) if weigh else UNIFORM
    return verify(pa, pb, case_id=case_id, weights=weights)
