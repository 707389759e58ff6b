"""Normalisation and character shingles for short Chinese texts.

Petition texts are short (tens to a few hundred characters) and unsegmented; word
segmentation would make matching depend on jieba's dictionary, so matching works on
overlapping character n-grams (shingles) of the normalised text. Punctuation and
spaces are dropped and full-width forms folded, so "3 个月，" and "3个月," match.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

SHINGLE_K = 2  # chosen by benchmarks/bench_duplicates.py (bigrams survive synonyms and typos best)

# Everything that is not a letter or digit carries no meaning for matching.
_DROP = re.compile(r"[\W_]+", re.UNICODE)
_CN_DIGITS = {"零": "0", "〇": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# Small numbers written in Chinese before a measure word (三个月, 两年) become digits, so
# "3个月" and "三个月" are the same shingles; larger or compound numerals are left alone.
_CN_SMALL = re.compile(r"(?<![零〇一二两三四五六七八九十百千万])([一二两三四五六七八九])(?=[个年月天日周次名位户人间套万元])")


def normalize(text) -> str:
    if not text:
        return ""
    text = str(text)
    if not unicodedata.is_normalized("NFKC", text):  # the check is far cheaper than normalising
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    text = _CN_SMALL.sub(lambda m: _CN_DIGITS[m.group(1)], text)
    return _DROP.sub("", text)


def shingle_strings(norm: str, k: int = SHINGLE_K) -> list[str]:
    if not norm:
        return []
    if len(norm) <= k:
        return [norm]
    return [norm[i : i + k] for i in range(len(norm) - k + 1)]


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised: a fixed, well-spread hash of 64-bit keys (no seeds to keep)."""
    # uint64 array arithmetic wraps silently (only scalar overflow warns), which is what hashing wants
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def shingle_hashes(text: str, k: int = SHINGLE_K) -> np.ndarray:
    """Sorted unique uint32 hashes of the text's character k-grams (the set compared by Jaccard).

    A k-gram's code points (< 2^21 each) are packed into a 64-bit key and mixed, all in numpy:
    ~10 µs for a 150-character text, so a million cases are hashed in seconds, not minutes.
    """
    norm = normalize(text)
    if not norm:
        return np.empty(0, dtype=np.uint32)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    if len(codes) < k:
        codes = np.concatenate([codes, np.zeros(k - len(codes), dtype=np.uint64)])
    n = len(codes) - k + 1
    key = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        key = (key << np.uint64(21)) ^ codes[j : j + n] if j < 3 else mix64(key) ^ codes[j : j + n]
    return np.unique((mix64(key) >> np.uint64(32)).astype(np.uint32))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller set found in the larger: a short restatement of a long letter still matches."""
    if not len(a) or not len(b):
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))


def shared_phrases(a: str, b: str, *, min_len: int = 4, limit: int = 5) -> list[str]:
    """Longest common runs of the two normalised texts, longest first: the "why" of a match."""
    from difflib import SequenceMatcher

    na, nb = normalize(a), normalize(b)
    matcher = SequenceMatcher(None, na, nb, autojunk=False)
    runs = sorted((m for m in matcher.get_matching_blocks() if m.size >= min_len), key=lambda m: -m.size)
    return [na[m.a : m.a + m.size] for m in runs[:limit]]


# Anchors: what makes two similar-sounding complaints the same matter — the place, the
# party and the figures. Templated complaints ("开发商延期交房…") from two estates share
# most of their wording; their anchors differ. A name is the two characters before a
# place or organisation suffix (阳光小区, 宏达公司, 白沙镇); numbers are digit runs.
_SUFFIXES = (
    "小区|花园|家园|新村|华庭|雅苑|公馆|苑|大厦|广场|市场|中心|公司|集团|厂|场|站|学校|中学|小学|医院|诊所|幼儿园|"
    "街道|镇|乡|村|社区|区|县|路|街|巷|楼盘|工地|项目"
)
_NAME = re.compile(r"([\u4e00-\u9fff]{2})(?:" + _SUFFIXES + ")")
_NUMBER = re.compile(r"\d+")


def anchors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(names, numbers) found in the normalised text."""
    norm = normalize(text)
    return frozenset(m.group(0) for m in _NAME.finditer(norm)), frozenset(_NUMBER.findall(norm))


def pack_anchors(names, numbers) -> str:
    return ("|".join(sorted(names)) + "#" + "|".join(sorted(numbers)))[:500]


def unpack_anchors(value: str) -> tuple[frozenset[str], frozenset[str]]:
    names, _sep, numbers = (value or "").partition("#")
    return frozenset(filter(None, names.split("|"))), frozenset(filter(None, numbers.split("|")))


def overlap(a: frozenset, b: frozenset) -> float:
    """Jaccard of two anchor sets; 1.0 when neither has any (nothing contradicts)."""
    union = a | b
    return len(a & b) / len(union) if union else 1.0


# Score = Jaccard(bigrams) x name agreement x figure agreement; weights and the
# threshold were chosen on a generated set (seed 3, 2,000 matters) that the benchmark does not use.
NAME_FLOOR, NUMBER_FLOOR = 0.1, 0.4
MATCH_THRESHOLD = 0.23


def match_score(jac: float, names_a, names_b, numbers_a, numbers_b) -> tuple[float, float, float]:
    name_agree = overlap(names_a, names_b)
    number_agree = overlap(numbers_a, numbers_b)
    score = jac * (NAME_FLOOR + (1 - NAME_FLOOR) * name_agree) * (NUMBER_FLOOR + (1 - NUMBER_FLOOR) * number_agree)
    return score, name_agree, number_agree
