"""Keeping per-case signatures current: `index_case` after registration, `reindex` in bulk.

Both are idempotent: a case whose normalised text and scheme are unchanged is
skipped, and a rebuilt case's band rows are replaced in the same transaction.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np
from django.db import transaction

from minxin.core import clock
from minxin.intake.models import CaseLshBand, CaseTextSignature

from . import minhash, weights
from . import verifier
from .text import _fold, normalize, normalize_folded

log = logging.getLogger(__name__)

TEXT_FIELDS = ("subject", "content", "request", "facts", "reasons")


def matter_text(values: dict) -> str:
    """The text matched for a case or a draft: subject, content and the Art. 19 fields, each once.

    A field already contained in the content (a form that copies 请求 into 内容) is not added twice.
    """
    parts: list[str] = []
    for name in TEXT_FIELDS:
        value = (values.get(name) or "").strip()
        if value and not any(value in p for p in parts):
            parts.append(value)
    return "。".join(parts)


def _text_hash(text: str) -> str:
    return _norm_hash(normalize(text))


def _norm_hash(norm: str) -> str:
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).hexdigest()


def build(case_id: int, text: str, *, now=None) -> tuple[CaseTextSignature, list[CaseLshBand]]:
    prof = verifier.profile(text)
    shingles = prof.shingles
    sig = CaseTextSignature(
        case_id=case_id,
        scheme=minhash.SCHEME,
        text_hash=_text_hash(text),
        shingles=shingles.astype("<u4").tobytes(),
        anchors=verifier.pack(prof),
        indexed_at=now or clock.now(),
    )
    bands = [] if not len(shingles) else [
        CaseLshBand(band=b, hash=h, case_id=case_id) for b, h in enumerate(minhash.band_hashes(minhash.signature(shingles)))
    ]
    return sig, bands


def build_many(items: list[tuple[int, str]], *, now) -> tuple[list[CaseTextSignature], list[CaseLshBand]]:
    """`build` for a batch: the MinHash step runs once, vectorised, for all texts."""
    profiles = [verifier.profile(text) for _pk, text in items]
    sets = [p.shingles for p in profiles]
    band_rows = minhash.band_hash_array(minhash.signatures(sets)) if items else np.empty((0, minhash.BANDS), dtype=np.int64)
    sigs, bands = [], []
    for (pk, text), prof, shingles, row in zip(items, profiles, sets, band_rows):
        sigs.append(CaseTextSignature(
            case_id=pk, scheme=minhash.SCHEME, text_hash=_text_hash(text), shingles=shingles.astype("<u4").tobytes(),
            anchors=verifier.pack(prof), indexed_at=now,
        ))
        if len(shingles):
            bands.extend(CaseLshBand(band=b, hash=int(h), case_id=pk) for b, h in enumerate(row))
    return sigs, bands


def stored_shingles(packed) -> np.ndarray:
    """A signature row's shingle set, as `verifier.profile` made it."""
    return np.frombuffer(bytes(packed), dtype="<u4").astype(np.uint32)


def index_case(case) -> bool:
    """(Re)build one case's signature; False if it was already current."""
    text = matter_text({f: getattr(case, f) for f in TEXT_FIELDS})
    current = CaseTextSignature.objects.filter(case_id=case.pk).values_list("scheme", "text_hash", "anchors").first()
    if current and current[:2] == (minhash.SCHEME, _text_hash(text)):
        return False
    sig, bands = build(case.pk, text)
    with transaction.atomic():
        weights.apply(weights.case_delta(current[2] if current else None, sig.anchors))
        CaseLshBand.objects.filter(case_id=case.pk).delete()
        CaseTextSignature.objects.update_or_create(
            case_id=case.pk,
            defaults={k: getattr(sig, k) for k in ("scheme", "text_hash", "shingles", "anchors", "indexed_at")},
        )
        CaseLshBand.objects.bulk_create(bands, ignore_conflicts=True)
    return True


def reindex(*, batch_size: int = 1000, full: bool = False, progress: Callable[[int, int], None] | None = None) -> dict:
    """Stream every case in primary-key order, in batches; rebuild those whose text or scheme changed.

    `full` rebuilds everything regardless, then recounts the anchor frequencies from scratch.
    Safe to interrupt and re-run: each batch commits on its own, with its anchor counts.
    """
    from minxin.cases.models import Case

    seen = rebuilt = 0
    last = 0
    while True:
        rows = list(Case.objects.filter(pk__gt=last).order_by("pk").values("pk", *TEXT_FIELDS)[:batch_size])
        if not rows:
            break
        last = rows[-1]["pk"]
        seen += len(rows)
        ids = [r["pk"] for r in rows]
        current = {} if full else dict(
            (cid, (scheme, th))
            for cid, scheme, th in CaseTextSignature.objects.filter(case_id__in=ids).values_list("case_id", "scheme", "text_hash")
        )
        todo = []
        for r in rows:
            text = matter_text(r)
            if current.get(r["pk"]) != (minhash.SCHEME, _text_hash(text)):
                todo.append((r["pk"], text))
        changed = [pk for pk, _text in todo]
        if changed:
            sigs, bands = build_many(todo, now=clock.now())
            _write_batch(changed, sigs, bands)
            rebuilt += len(changed)
        if progress:
            progress(seen, rebuilt)
    if full:
        weights.rebuild()
    return {"cases": seen, "rebuilt": rebuilt}


def _write_batch(case_ids: Iterable[int], sigs, bands) -> None:
    with transaction.atomic():
        delta = Counter()
        old = dict(CaseTextSignature.objects.filter(case_id__in=case_ids).values_list("case_id", "anchors"))
        for sig in sigs:
            delta.update(weights.case_delta(old.get(sig.case_id), sig.anchors))
        weights.apply(delta)
        CaseLshBand.objects.filter(case_id__in=case_ids).delete()
        CaseTextSignature.objects.filter(case_id__in=case_ids).delete()
        CaseTextSignature.objects.bulk_create(sigs)
        CaseLshBand.objects.bulk_create(bands, batch_size=5000, ignore_conflicts=True)


def on_case_changed(sender, *, case_id, action, **kwargs) -> None:
    """`case_changed` receiver (connected in IntakeConfig.ready): index a case once it is registered.

    Runs after commit, so a failure here never undoes a registration; the next
    `manage.py intake reindex` picks up anything missed.
    """
    if action != "register":
        return
    from minxin.cases.models import Case

    case = Case.objects.filter(pk=case_id).only("pk", *TEXT_FIELDS).first()
    if case is None:
        return
    try:
        index_case(case)
    except Exception:  # never let matching break registration; reindex repairs it
        log.exception("duplicate index failed for case id=%s", case_id)


def index_many(case_ids: list[int]) -> int:
    """Index cases that have no signature yet, in one batch (bulk loaders: the history import).

    New cases only, so nothing is replaced. The band rows (BANDS per case) go in as plain
    tuples by COPY (PostgreSQL) or one prepared INSERT: building a model object per band
    cost more than the MinHash itself."""
    from django.db import connections, router

    from minxin.cases.history import _insert_rows
    from minxin.cases.models import Case

    rows = list(Case.objects.filter(pk__in=case_ids).order_by("pk").values("pk", *TEXT_FIELDS))
    if not rows:
        return 0
    now = clock.now()
    todo = [(r["pk"], matter_text(r)) for r in rows]
    folded = [_fold(text) if text else "" for _pk, text in todo]  # once a text, for its profile and its hash
    profiles = [verifier.profile(text, folded=f) for (_pk, text), f in zip(todo, folded)]
    sets = [p.shingles for p in profiles]
    band_rows = minhash.band_hash_array(minhash.signatures(sets))
    sigs, bands = [], []
    for (pk, text), fold, prof, shingles, row in zip(todo, folded, profiles, sets, band_rows):
        sigs.append(CaseTextSignature(
            case_id=pk, scheme=minhash.SCHEME, text_hash=_norm_hash(normalize_folded(fold)), shingles=shingles.astype("<u4").tobytes(),
            anchors=verifier.pack(prof), indexed_at=now,
        ))
        if len(shingles):
            bands.extend((b, int(h), pk) for b, h in enumerate(row.tolist()))
    conn = connections[router.db_for_write(CaseLshBand)]
    qn = conn.ops.quote_name
    cols = [CaseLshBand._meta.get_field(n).column for n in ("band", "hash", "case")]
    table, columns = qn(CaseLshBand._meta.db_table), ", ".join(qn(c) for c in cols)
    with transaction.atomic(using=conn.alias):
        delta = Counter()
        for sig in sigs:
            delta.update(weights.case_delta(None, sig.anchors))
        weights.apply(delta, using=conn.alias)
        _insert_rows(CaseTextSignature, sigs, with_pk=True)
        with conn.cursor() as cur:
            if conn.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    # Integers only: COPY's text form built in one join, not a write_row per band.
                    copy.write("".join([f"{b}\t{h}\t{pk}\n" for b, h, pk in bands]))
            else:
                cur.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)", bands)
    return len(todo)
