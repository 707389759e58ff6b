"""64-bit SimHash over shingles: kept for the benchmark's comparison of methods.

It loses to MinHash-LSH on short Chinese paraphrases (see benchmarks/bench_duplicates.py),
so production matching does not use it.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .text import normalize, shingle_strings

_BITS = np.uint64(1) << np.arange(64, dtype=np.uint64)


def simhash(text: str) -> int:
    grams = set(shingle_strings(normalize(text)))
    if not grams:
        return 0
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "little") for g in grams),
        dtype=np.uint64,
        count=len(grams),
    )
    bits = ((hashes[:, None] & _BITS[None, :]) != 0).sum(axis=0)
    v = 0
    for i, count in enumerate(bits):
        if count * 2 > len(grams):
            v |= 1 << i
    return v


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
