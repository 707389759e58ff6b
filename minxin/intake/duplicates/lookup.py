"""Near-duplicate lookup: indexed LSH candidates, then exact verification and an explanation.

Candidates come from the band rows, at most PER_BAND_CAP newest cases per band:
a band hash shared by more cases than that is a stock phrase and says little, and
the cap bounds the work per lookup however large the table grows. The best
MAX_VERIFY candidates by shared bands are verified on their stored shingle sets
(exact Jaccard and containment) and anchors (places, parties, figures).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connections

from minxin.intake.models import CaseLshBand, CaseTextSignature

from . import minhash
from .index import stored_shingles
from .text import MATCH_THRESHOLD, anchors, match_score, shingle_hashes, unpack_anchors

PER_BAND_CAP = 200
MAX_VERIFY = 100

# Per band, at most cap + 1 newest case ids; a band with more than `cap` cases is a stock
# phrase (its rows say nothing about this matter) and is dropped, unless every band is.
_PG_CANDIDATES = """
SELECT c.band, c.case_id
FROM unnest(%s::smallint[], %s::bigint[]) AS q(band, hash)
CROSS JOIN LATERAL (
    SELECT b.band, b.case_id FROM {table} b
    WHERE b.band = q.band AND b.hash = q.hash
    ORDER BY b.case_id DESC
    LIMIT %s
) c
"""


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
    connection = connections[using]
    per_band_rows: dict[int, list[int]] = {}
    if connection.vendor == "postgresql":
        sql = _PG_CANDIDATES.format(table=connection.ops.quote_name(CaseLshBand._meta.db_table))
        with connection.cursor() as cur:
            cur.execute(sql, [list(range(len(bands))), bands, per_band + 1])
            for band, case_id in cur.fetchall():
                per_band_rows.setdefault(band, []).append(case_id)
    else:
        for b, h in enumerate(bands):
            ids = list(CaseLshBand.objects.using(using).filter(band=b, hash=h).order_by("-case_id").values_list("case_id", flat=True)[: per_band + 1])
            if ids:
                per_band_rows[b] = ids
    informative = [ids for ids in per_band_rows.values() if len(ids) <= per_band]
    hits: Counter = Counter()
    for ids in informative or [ids[:per_band] for ids in per_band_rows.values()]:
        hits.update(ids)
    for cid in exclude:
        hits.pop(cid, None)
    return sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]


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
    out = []
    for sig in CaseTextSignature.objects.using(using).filter(case_id__in=list(hits)).only("case_id", "shingles", "anchors"):
        m = verify(q, names, numbers, stored_shingles(sig), sig.anchors, case_id=sig.case_id, band_hits=hits[sig.case_id])
        if m.score >= threshold:
            out.append(m)
    out.sort(key=lambda m: (-m.score, -m.case_id))
    return out[:limit]


def verify(q: np.ndarray, names, numbers, s: np.ndarray, stored_anchors: str, *, case_id: int, band_hits: int = 0) -> Match:
    s_names, s_numbers = unpack_anchors(stored_anchors)
    inter = len(np.intersect1d(q, s, assume_unique=True)) if len(q) and len(s) else 0
    jac = inter / (len(q) + len(s) - inter) if inter else 0.0
    score, name_agree, number_agree = match_score(jac, names, s_names, numbers, s_numbers)
    return Match(
        case_id=case_id, score=round(score, 4), jaccard=round(jac, 4), containment=round(inter / min(len(q), len(s)), 4) if inter else 0.0,
        band_hits=band_hits, name_agreement=round(name_agree, 3), number_agreement=round(number_agree, 3),
        shared_names=sorted(names & s_names), shared_numbers=sorted(numbers & s_numbers, key=lambda x: (len(x), x)),
        differing_names=sorted(names ^ s_names),
    )


def compare_texts(a: str, b: str, *, case_id: int = 0) -> Match:
    """Verify two texts directly (no index): for a petitioner's own few earlier cases."""
    from .text import pack_anchors

    names, numbers = anchors(a)
    return verify(shingle_hashes(a), names, numbers, shingle_hashes(b), pack_anchors(*anchors(b)), case_id=case_id)
