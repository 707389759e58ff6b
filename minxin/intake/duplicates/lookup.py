"""Near-duplicate lookup: indexed LSH candidates, then exact verification and an explanation.

Candidates come from the band rows. Per band, the cases sharing its first MIN_DEPTH
rows are read first; if they are more than PER_BAND_CAP (a stock phrase, or simply a
large store), the band narrows to three rows, then four: an LSH forest, so the work
per lookup stays bounded however large the table grows while small stores keep the
recall of two-row bands. A band still stock at full depth gives only its newest
cases, and is used only if every band is. The best MAX_VERIFY candidates by shared
bands are verified on their stored shingle sets (exact Jaccard and containment) and
anchors (places, parties, figures), each anchor weighted by its rarity among stored cases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connections

from minxin.intake.models import CaseLshBand, CaseTextSignature

from . import minhash, weights
from .index import stored_shingles
from .text import MATCH_THRESHOLD, UNIFORM, AnchorWeights, agreement, anchors, jaccard, match_score, shingle_hashes, unpack_anchors

PER_BAND_CAP = 200
MAX_VERIFY = 100

# Per band, at most cap + 1 case ids whose key lies in the band's prefix range.
_PG_RANGE = """
SELECT c.band, c.case_id
FROM unnest(%s::smallint[], %s::bigint[], %s::bigint[]) AS q(band, lo, hi)
CROSS JOIN LATERAL (
    SELECT b.band, b.case_id FROM {table} b
    WHERE b.band = q.band AND b.hash BETWEEN q.lo AND q.hi
    {order}
    LIMIT %s
) c
"""

# One call reads, for each (band, low, high), up to n case ids in that key range
# (newest first when asked): the database's way, or the benchmark's in memory.
Fetch = Callable[[list[tuple[int, int, int]], int, bool], dict[int, list[int]]]


@dataclass
class Match:
    case_id: int
    score: float
    jaccard: float
    containment: float
    band_hits: int
    name_agreement: float
    number_agreement: float
    shared_names: list[str] = field(default_factory=list)
    shared_numbers: list[str] = field(default_factory=list)
    differing_names: list[str] = field(default_factory=list)


def candidate_ids(bands: list[int], *, exclude: set[int] = frozenset(), per_band: int = PER_BAND_CAP, limit: int = MAX_VERIFY,
                  using: str = DEFAULT_DB_ALIAS) -> list[tuple[int, int]]:
    """(case id, shared band count), most shared first."""
    if not bands:
        return []
    fetch = _pg_fetch(using) if connections[using].vendor == "postgresql" else _orm_fetch(using)
    return gather(bands, fetch, exclude=exclude, per_band=per_band, limit=limit)


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
    hits: Counter = Counter()
    for ids in [ids for ids in informative.values() if ids] or stock.values():
        hits.update(ids)
    for cid in exclude:
        hits.pop(cid, None)
    return sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]


def _pg_fetch(using: str) -> Fetch:
    connection = connections[using]
    table = connection.ops.quote_name(CaseLshBand._meta.db_table)

    def fetch(ranges, n, newest):
        sql = _PG_RANGE.format(table=table, order="ORDER BY b.case_id DESC" if newest else "")
        out: dict[int, list[int]] = {}
        with connection.cursor() as cur:
            cur.execute(sql, [[r[0] for r in ranges], [r[1] for r in ranges], [r[2] for r in ranges], n])
            for band, case_id in cur.fetchall():
                out.setdefault(band, []).append(case_id)
        return out

    return fetch


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


def find_similar(text: str, *, exclude: set[int] = frozenset(), threshold: float = MATCH_THRESHOLD, limit: int = 20,
                 using: str = DEFAULT_DB_ALIAS) -> list[Match]:
    """Stored cases whose text is a near-duplicate of `text`, best first (unscoped: callers filter by visibility)."""
    q = shingle_hashes(text)
    if not len(q):
        return []
    bands = minhash.band_hashes(minhash.signature(q))
    cands = candidate_ids(bands, exclude=set(exclude), using=using)
    if not cands:
        return []
    hits = dict(cands)
    names, numbers = anchors(text)
    # The score is the Jaccard times factors of at most 1, so a candidate whose Jaccard alone
    # misses the threshold is dropped before its anchors are weighed.
    stored = []
    for sig in CaseTextSignature.objects.using(using).filter(case_id__in=list(hits)).only("case_id", "shingles", "anchors"):
        s = stored_shingles(sig)
        if jaccard(q, s) >= threshold:
            stored.append((sig.case_id, s, unpack_anchors(sig.anchors)))
    keys = set(names) | set(numbers)
    for _cid, _s, (s_names, s_numbers) in stored:
        keys |= s_names | s_numbers
    w = weights.load(keys, using=using)
    out = []
    for case_id, s, stored_anchors in stored:
        m = verify(q, names, numbers, s, stored_anchors, case_id=case_id, band_hits=hits[case_id], weights=w)
        if m.score >= threshold:
            out.append(m)
    out.sort(key=lambda m: (-m.score, -m.case_id))
    return out[:limit]


def verify(q: np.ndarray, names, numbers, s: np.ndarray, stored_anchors: tuple[frozenset, frozenset], *, case_id: int,
           band_hits: int = 0, weights: AnchorWeights = UNIFORM) -> Match:
    """Exact comparison of a query with one stored case: bigram Jaccard x rarity-weighted anchor agreement."""
    s_names, s_numbers = stored_anchors
    inter = len(np.intersect1d(q, s, assume_unique=True)) if len(q) and len(s) else 0
    jac = inter / (len(q) + len(s) - inter) if inter else 0.0
    name_agree, shared_names, differing_names = agreement(names, s_names, weights)
    number_agree, shared_numbers, _differing = agreement(numbers, s_numbers, weights, names=False)
    score = match_score(jac, name_agree, number_agree)
    return Match(
        case_id=case_id, score=round(score, 4), jaccard=round(jac, 4), containment=round(inter / min(len(q), len(s)), 4) if inter else 0.0,
        band_hits=band_hits, name_agreement=round(name_agree, 3), number_agreement=round(number_agree, 3),
        shared_names=shared_names, shared_numbers=sorted(shared_numbers, key=lambda x: (len(x), x)), differing_names=differing_names,
    )


def compare_texts(a: str, b: str, *, case_id: int = 0, using: str = DEFAULT_DB_ALIAS, weigh: bool = False) -> Match:
    """Verify two texts directly (no LSH): for a petitioner's own few earlier cases.

    `weigh` takes anchor rarity from the index (as `find_similar` does); without it every anchor weighs the same.
    """
    names, numbers = anchors(a)
    other = anchors(b)
    w = weights.load(set(names) | set(numbers) | other[0] | other[1], using=using) if weigh else UNIFORM
    return verify(shingle_hashes(a), names, numbers, shingle_hashes(b), other, case_id=case_id, weights=w)
