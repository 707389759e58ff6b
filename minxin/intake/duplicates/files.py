"""Same-matter detection over a bureau's own files: pairs to judge, or a corpus to search.

`match_pairs` judges given pairs of texts; `neighbours` finds each row's most similar
other rows (MinHash-LSH candidates in memory, as the index does, then the verifier).
Rarity of name heads is counted over the file's texts, or taken from the deployment's
indexed cases. Used by `manage.py intake match` and `manage.py intake neighbours`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from . import lookup, minhash, verifier, weights
from .text import AnchorWeights


def _decision(m: lookup.Match, model: verifier.Model) -> str:
    if m.same:
        return "可能同一事项"
    return "相关" if m.score >= model.related else "不同"


def reasons_text(m: lookup.Match, a: str = "", b: str = "") -> str:
    from .detect import explain

    return "；".join(explain(m, a, b))


def rarity(profiles: list[verifier.Profile], source: str) -> AnchorWeights:
    if source == "cases":
        keys = set()
        for p in profiles:
            keys |= verifier.weight_keys(p)
        return weights.load(keys)
    return verifier.corpus_weights(profiles)


def match_pairs(pairs: Iterable[tuple[str, str]], *, source: str = "file") -> list[dict]:
    """For each (text a, text b): same (是/否), score, decision and reasons."""
    pairs = list(pairs)
    cache: dict[str, verifier.Profile] = {}
    for a, b in pairs:
        for t in (a, b):
            if t not in cache:
                cache[t] = verifier.profile(t)
    w = rarity(list(cache.values()), source)
    model = verifier.current_model()
    out = []
    for a, b in pairs:
        m = lookup.verify(cache[a], cache[b], case_id=0, weights=w)
        out.append({"same": "是" if m.same else "否", "score": m.score, "decision": _decision(m, model), "reasons": reasons_text(m, a, b)})
    return out


@dataclass
class _Bands:
    keys: list[np.ndarray]
    ids: list[np.ndarray]

    @classmethod
    def build(cls, shingle_sets: list[np.ndarray]) -> _Bands:
        keys = minhash.band_hash_array(minhash.signatures(shingle_sets)) if shingle_sets else np.empty((0, minhash.BANDS), np.int64)
        order = np.argsort(keys, axis=0, kind="stable")
        return cls([keys[order[:, b], b] for b in range(minhash.BANDS)], [order[:, b] for b in range(minhash.BANDS)])

    def fetch(self, ranges, n, newest):
        out = {}
        for b, lo, hi in ranges:
            k = self.keys[b]
            found = self.ids[b][np.searchsorted(k, lo, side="left") : np.searchsorted(k, hi, side="right")]
            if len(found):
                out[b] = (np.sort(found)[::-1] if newest else found)[:n].tolist()
        return out


def neighbours(texts: list[str], *, top: int = 5, source: str = "file") -> list[list[tuple[int, lookup.Match, str]]]:
    """Per row, up to `top` other rows (index, match, decision), most likely the same matter first.

    Candidates come from MinHash-LSH bands over the file (the production scheme, held in memory);
    the best `lookup.FULL_VERIFY` of them by the cheap part of the model are verified fully.
    """
    profiles = [verifier.profile(t) for t in texts]
    w = rarity(profiles, source)
    model = verifier.current_model()
    bands = _Bands.build([p.shingles for p in profiles])
    out = []
    for i, p in enumerate(profiles):
        if not len(p.shingles):
            out.append([])
            continue
        cands = lookup.gather(minhash.band_hashes(minhash.signature(p.shingles)), bands.fetch, exclude={i})
        best = sorted((c for c, _n in cands), key=lambda c: -verifier.cheap_score(p, profiles[c], model))[: max(top, lookup.FULL_VERIFY)]
        matches = sorted((lookup.verify(p, profiles[c], case_id=c, weights=w) for c in best), key=lambda m: (-m.score, m.case_id))
        out.append([(m.case_id, m, _decision(m, model)) for m in matches[:top]])
    return out
