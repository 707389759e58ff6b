"""How many indexed cases carry each anchor (place, party, figure, name head "@…"): the rarity weights of verification.

Counts move with the index: `index.index_case` and `index.reindex` apply each case's
change (old anchors out, new anchors in) in the transaction that rewrites its
signature, and `rebuild` recounts from the signatures after a full reindex. The row
keyed TOTAL holds the number of indexed cases (no anchor is the empty string).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from minxin.intake.models import AnchorFrequency, CaseTextSignature

from .text import AnchorWeights
from .verifier import counted_keys

TOTAL = ""
_CHUNK = 500


def load(keys: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> AnchorWeights:
    wanted = sorted({k[: AnchorFrequency.MAX_LENGTH] for k in keys} | {TOTAL})
    connection = connections[using]
    counts: dict[str, int] = {}
    if connection.vendor == "postgresql":  # one array parameter instead of hundreds of placeholders
        with connection.cursor() as cur:
            cur.execute(f"SELECT anchor, cases FROM {connection.ops.quote_name(AnchorFrequency._meta.db_table)} WHERE anchor = ANY(%s)", [wanted])
            counts.update(cur.fetchall())
    else:
        for i in range(0, len(wanted), _CHUNK):
            counts.update(AnchorFrequency.objects.using(using).filter(anchor__in=wanted[i : i + _CHUNK]).values_list("anchor", "cases"))
    return AnchorWeights(counts.pop(TOTAL, 0), counts)


def case_delta(old: str | None, new: str | None) -> Counter:
    """The change one case's re-indexing makes: its old packed anchors out, its new ones in."""
    delta: Counter = Counter()
    if old is not None:
        delta.subtract(dict.fromkeys(counted_keys(old) | {TOTAL}, 1))
    if new is not None:
        delta.update(dict.fromkeys(counted_keys(new) | {TOTAL}, 1))
    return delta


def apply(delta: Counter, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Add `delta` to the counts (an upsert per chunk; keys in sorted order so concurrent writers never deadlock)."""
    merged: Counter = Counter()
    for k, v in delta.items():  # truncation may fold two long keys into one
        merged[k[: AnchorFrequency.MAX_LENGTH]] += v
    rows = sorted((k, v) for k, v in merged.items() if v)
    if not rows:
        return
    table = connections[using].ops.quote_name(AnchorFrequency._meta.db_table)
    with connections[using].cursor() as cur:
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i : i + _CHUNK]
            cur.execute(
                f"INSERT INTO {table} (anchor, cases) VALUES {', '.join(['(%s, %s)'] * len(chunk))} "
                f"ON CONFLICT (anchor) DO UPDATE SET cases = {table}.cases + excluded.cases",
                [x for row in chunk for x in row],
            )


def rebuild(*, using: str = DEFAULT_DB_ALIAS, batch_size: int = 5000) -> int:
    """Recount every anchor from the stored signatures; returns the number of cases counted."""
    counts: Counter = Counter()
    n = 0
    last = 0
    while True:
        rows = list(
            CaseTextSignature.objects.using(using).filter(case_id__gt=last).order_by("case_id").values_list("case_id", "anchors")[:batch_size]
        )
        if not rows:
            break
        last = rows[-1][0]
        for _cid, packed in rows:
            counts.update({k[: AnchorFrequency.MAX_LENGTH] for k in counted_keys(packed)})
        n += len(rows)
    counts[TOTAL] = n
    with transaction.atomic(using=using):
        AnchorFrequency.objects.using(using).all().delete()
        AnchorFrequency.objects.using(using).bulk_create(
            (AnchorFrequency(anchor=k, cases=v) for k, v in counts.items()), batch_size=5000
        )
    return n
