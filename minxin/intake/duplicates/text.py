"""Normalisation and character shingles for short Chinese texts.

Petition texts are short (tens to a few hundred characters) and unsegmented; word
segmentation would make matching depend on jieba's dictionary, so matching works on
overlapping character n-grams (shingles) of the normalised text. Punctuation and
spaces are dropped and full-width forms folded, so "3 个月，" and "3个月," match.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable

import numpy as np

SHINGLE_K = 2  # chosen by benchmarks/bench_duplicates.py (bigrams survive synonyms and typos best)

# Everything that is not a letter or digit carries no meaning for matching.
_DROP = re.compile(r"[\W_]+", re.UNICODE)
_CN_DIGITS = {"零": "0", "〇": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# Small numbers written in Chinese before a measure word (三个月, 两年) become digits, so
# "3个月" and "三个月" are the same shingles; larger or compound numerals are left alone.
_CN_SMALL = re.compile(r"(?<![零〇一二两三四五六七八九十百千万])([一二两三四五六七八九])(?=[个年月天日周次名位户人间套万元])")


def _fold(text: str) -> str:
    """Full-width forms folded, lower case, small Chinese numbers as digits; punctuation still there."""
    text = str(text)
    if not unicodedata.is_normalized("NFKC", text):  # the check is far cheaper than normalising
        text = unicodedata.normalize("NFKC", text)
    return _CN_SMALL.sub(lambda m: _CN_DIGITS[m.group(1)], text.lower())


def normalize(text) -> str:
    if not text:
        return ""
    return _DROP.sub("", _fold(text))


def normalize_folded(folded: str) -> str:
    """`normalize` of a text already through `_fold` (bulk paths fold each text once for all its uses)."""
    return _DROP.sub("", folded)


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
    return norm_shingle_hashes(normalize(text), k)


def norm_shingle_hashes(norm: str, k: int = SHINGLE_K) -> np.ndarray:
    """`shingle_hashes` of an already normalised text."""
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
# most of their wording; their anchors differ. A name is a run of characters ending in a
# place or organisation suffix (阳光小区, 宏达物业服务公司, 白沙镇), cut at punctuation and
# at particles (的, 在, 我们…) so that it never spans two clauses; a run holding
# several (南湖区滨河街道阳光小区) gives one name per level. Numbers are digit runs, long ones hashed.
_SUFFIXES = sorted(
    {
        "小区", "花园", "家园", "新村", "华庭", "雅苑", "公馆", "苑", "大厦", "广场", "市场", "中心", "公司", "集团", "厂", "场",
        "站", "学校", "中学", "小学", "医院", "诊所", "幼儿园", "街道", "镇", "乡", "村", "社区", "区", "县", "市", "路", "街",
        "巷", "楼盘", "工地", "项目",
    },
    key=len,
    reverse=True,  # longest first, so 街道 wins over 街
)
_NAME = re.compile(r"(.+?)((?:" + "|".join(_SUFFIXES) + r")+)")
# Particles and pronouns that almost never stand inside a place or organisation name; 和, 向, 都,
# 前, 时… are left out on purpose (和平街道, 向阳小区, 成都市, 前进村, 时代广场).
_FUNCTION_CHARS = re.compile(r"[的在是了把被给对从到说我你他她们就也又还让每]+")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_NUMBER = re.compile(r"\d+")
NAME_HEAD_MAX = 8
# A run of this many digits may be a phone, ID or account number: it is kept only as a keyed
# hash (still an exact match, never readable in the index or its frequency table).
LONG_NUMBER = 7
HASHED = "~"


def _number_anchor(digits: str) -> str:
    if len(digits) < LONG_NUMBER:
        return digits
    from minxin.core import crypto

    return HASHED + crypto.blind_index("anchor", digits)[:16]


def anchors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(names, numbers) of a text; punctuation is kept until the text is cut into runs."""
    if not text:
        return frozenset(), frozenset()
    return folded_anchors(_fold(text))


def folded_anchors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """`anchors` of a text already through `_fold`."""
    return _names(text), frozenset(map(_number_anchor, _NUMBER.findall(text)))


def names_in(text: str) -> frozenset[str]:
    """The place and organisation names of a text, as `anchors` finds them (no numbers: no key needed)."""
    return _names(_fold(text)) if text else frozenset()


def _names(folded: str) -> frozenset[str]:
    names = set()
    for han in _HAN_RUN.findall(folded):
        for run in _FUNCTION_CHARS.split(han):
            for m in _NAME.finditer(run):
                if len(m.group(1)) >= 2:
                    names.add(m.group(1)[-NAME_HEAD_MAX:] + m.group(2))
    return frozenset(names)


def _masked(m: re.Match, fill: str) -> str:
    head = m.group(1)
    return m.group(0) if len(head) < 2 else head[:-NAME_HEAD_MAX] + fill


def mask_names(text: str, fill: str = " ") -> str:
    """The text with its place and organisation names and its numbers replaced by `fill`: what is
    left is how the writer puts the matter ("反映青湖卓越物流有限公司供暖温度不足" → "反映 供暖温度不足").
    Names are found as `anchors` finds them (a run ending in a name suffix, cut at particles; its
    last NAME_HEAD_MAX characters before the suffix), and masked where `anchors` would cut them."""
    if not text:
        return ""
    out = []
    for piece in re.split(r"([\u4e00-\u9fff]+)", _fold(text)):
        if not _HAN_RUN.fullmatch(piece):
            out.append(_NUMBER.sub(fill, piece))
            continue
        for part in re.split(f"({_FUNCTION_CHARS.pattern})", piece):
            out.append(part if _FUNCTION_CHARS.fullmatch(part or "的") else _NAME.sub(lambda m: _masked(m, fill), part))
    return "".join(out)


def pack_anchors(names, numbers) -> str:
    return "|".join(sorted(names)) + "#" + "|".join(sorted(numbers))


def unpack_anchors(value: str) -> tuple[frozenset[str], frozenset[str]]:
    names, _sep, numbers = (value or "").partition("#")
    return frozenset(filter(None, names.split("|"))), frozenset(filter(None, numbers.split("|")))


def same_name(x: str, y: str) -> bool:
    """Two spellings of one name: equal, one ending the other (我要反映阳光小区 / 阳光小区, 宏达物业公司 /
    物业公司), or, from four characters on, one mistyped character apart (己/已, 公/工)."""
    if x == y or x.endswith(y) or y.endswith(x):
        return True
    return len(x) == len(y) >= 4 and sum(a != b for a, b in zip(x, y)) == 1


def agreement(a: frozenset, b: frozenset, weight: Callable[[str], float], *, names: bool = True) -> tuple[float, list[str], list[str]]:
    """Weighted share of the two anchor sets' union found in both, with the shared and the differing anchors.

    The weight is the anchor's rarity among stored cases (see `AnchorWeights`): a shared
    estate says far more than a shared 物业公司. Names match by `same_name`, figures (names=False)
    only exactly. 1.0 when neither has any (nothing contradicts).
    """
    if not a and not b:
        return 1.0, [], []
    shared = a & b
    only_a, only_b = a - b, b - a
    if names and only_a and only_b:
        fuzzy_a = {x for x in only_a if any(same_name(x, y) for y in only_b)}
        fuzzy_b = {y for y in only_b if any(same_name(x, y) for x in fuzzy_a)}  # same_name is symmetric
        shared = shared | fuzzy_a  # a pair counts once, from a's side
        differing = (only_a - fuzzy_a) | (only_b - fuzzy_b)
    else:
        differing = only_a | only_b
    s = sum(map(weight, shared))
    d = sum(map(weight, differing))
    return (s / (s + d) if s + d else 1.0), sorted(shared), sorted(differing)


class AnchorWeights:
    """Inverse document frequency of anchors: log((N + 1) / (df + 1)) + 1 over N indexed cases."""

    def __init__(self, total: int, counts: dict[str, int]):
        self.total = max(0, total)
        self.counts = counts
        self._memo: dict[str, float] = {}  # one lookup weighs the query's anchors against up to 100 candidates

    def __call__(self, anchor: str) -> float:
        w = self._memo.get(anchor)
        if w is None:
            w = self._memo[anchor] = math.log((self.total + 1) / (self.counts.get(anchor, 0) + 1)) + 1
        return w


UNIFORM = AnchorWeights(0, {})  # every anchor weighs 1: for comparing two texts with no index behind them

# Score = Jaccard(bigrams) x name agreement x figure agreement. Floors and the threshold were
# chosen on a generated set (seed 3, 2,000 matters) that the benchmark does not use.
NAME_FLOOR, NUMBER_FLOOR = 0.1, 0.4
MATCH_THRESHOLD = 0.24


def match_score(jac: float, name_agree: float, number_agree: float) -> float:
    return jac * (NAME_FLOOR + (1 - NAME_FLOOR) * name_agree) * (NUMBER_FLOOR + (1 - NUMBER_FLOOR) * number_agree)
