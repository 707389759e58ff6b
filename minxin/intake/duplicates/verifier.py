"""Same-matter verification across writers: a small learned model over pair features.

Two people describing one matter share the place or organisation at the finest level
(the estate, road, company, school) and the problem, and usually state both in the
opening line (a case's subject); they differ in dates, amounts and wording. Two
templated complaints about different estates share most of their wording and differ
exactly in the name. So the verifier weighs:

- name heads: the distinctive part of each place/organisation name (丽发新城 of
  丽发新城小区, 伊景园滨河 of 伊景园滨河苑), each tested for presence in the other text's
  character bigrams (robust to how a writer cuts the name), weighted by its rarity
  among the deployment's cases (or the file's texts), common heads (物业, 小区) ignored;
- the opening line's character bigrams found in the other text, and the two openings'
  overlap (what the matter is, in the writer's own summary);
- whole-text bigram Jaccard and containment, and the two lengths (a short restatement
  of a long letter).
Dates and amounts are not features: writers of one matter rarely agree on them.

Two rules cap the probability below the threshold, for letters closer in wording than any
pair the model was fitted on: both texts name only disjoint rare places, or each names in
its opening an estate, company, school or village the other lacks (`other_place`): the
templated complaint about another estate, whose clauses are the same word for word.

The weights are a logistic regression fitted on the development set of real messages
(benchmarks/intel_dup, read by hand); the threshold was chosen by 5-fold cross-validation
there. `python -m benchmarks.bench_same_matter --fit` refits and rewrites
same_matter_model.json next to this file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .text import (
    _FUNCTION_CHARS, _SUFFIXES, AnchorWeights, _fold, folded_anchors, norm_shingle_hashes, normalize_folded,
    shingle_hashes,
)

MODEL_PATH = Path(__file__).with_name("same_matter_model.json")
HEAD_KEY = "@"  # heads are counted in the anchor frequency table under this prefix
HEAD_LEN = 4  # the last characters before the suffix: enough to tell 丽发新城 from 森宇家园
OPENING_MAX = 50
# A head carried by more than this share of the cases is a common word (物业, 配套), not a name.
COMMON_SHARE = 0.02
RARE_MIN = 5  # in a small file or a new deployment every head counts as rare
PRESENT = 0.99  # share of a head's bigrams the other text must hold

# Suffixes that end a place or organisation name, finest levels included (longest first).
_HEAD_SUFFIXES = sorted(
    {
        "小区", "花园", "家园", "新城", "新村", "华庭", "雅苑", "苑", "公馆", "大厦", "广场", "市场", "中心", "公司", "集团", "厂",
        "站", "学校", "中学", "小学", "学院", "医院", "诊所", "幼儿园", "社区", "街道", "村", "路", "街", "巷", "楼盘", "工地", "项目", "城",
        "园", "馆", "店", "驾校", "银行", "府", "院", "湾", "郡", "里", "桥", "线", "道", "大道", "公园", "酒店", "宾馆", "物业", "网",
        "平台", "局", "所",
    },
    key=len,
    reverse=True,
)
_HEAD = re.compile(r"([\u4e00-\u9fffa-z0-9]{2,}?)(?:" + "|".join(_HEAD_SUFFIXES) + ")+")
# Words that often run into a name from the left (我要投诉阳光小区, 位于梅溪湖…).
_LEAD = re.compile(r"^(?:[的在是了把被给对从到说我你他她们就也又还让每和与及或向为将这那该其要本]|[0-9]+[个家座栋所处条]|这个|那个|区旁|旁|大型|小型|新建|修建|建设|关于|位于|地处|投诉|反映|举报|请问|咨询|希望|建议|请求|要求|附近|周边|旁边|门口|对面|楼下)+")
# Heads that name no particular place in any deployment (the rarity of a head does the rest).
GENERIC_HEADS = frozenset({"物业", "开发", "业主", "政府", "相关", "有关", "当地", "所在", "附近", "周边", "我们", "居民", "住宅", "小区"})
# Names above the finest level (a district, a town, a street office): two letters naming different
# ones can still be about one estate, so they never make two letters different matters.
COARSE_SUFFIXES = frozenset({"区", "县", "市", "镇", "乡", "街道"})
# Names of no particular estate or company (物业服务公司, 建筑工程公司 without a trade name).
GENERIC_NAMES = frozenset({"一个", "该", "本", "某", "各", "所有", "整个", "相关部门", "开发", "物业服务", "房地产开发", "建筑工程"})
ABSENT = 0.6  # a name is missing from the other text when less than this share of its bigrams is there
_NAME_SUFFIX = re.compile("(?:" + "|".join(_SUFFIXES) + ")+$")
_CLAUSE = re.compile(r"[^\u4e00-\u9fffa-z0-9]+")
_OPENING_END = re.compile(r"[。！？!?\n；;]")

FEATURES = (
    "jaccard", "containment", "log_min_length", "length_ratio",
    "name_cover_min", "name_cover_max", "name_shared_max", "name_conflict",
    "opening_jaccard", "opening_cover_min", "opening_cover_max",
)


def heads(text: str) -> frozenset[str]:
    """Distinctive parts of the place and organisation names in a text."""
    return folded_heads(_fold(text or ""))


def folded_heads(folded: str) -> frozenset[str]:
    """`heads` of a text already through `_fold`."""
    out = set()
    for run in _CLAUSE.split(folded):
        for part in _FUNCTION_CHARS.split(run):
            for m in _HEAD.finditer(part):
                head = _LEAD.sub("", m.group(1))[-HEAD_LEN:]
                if len(head) >= 2 and head not in GENERIC_HEADS:
                    out.add(head)
    return frozenset(out)


def fine_names(names) -> list[tuple[str, str]]:
    """(what to look for in another text, the name as counted) for the names of a text below the street level.

    The estate, company, school or village of a letter (`text.anchors` names: 阳光华庭, 宏达置业有限公司),
    without the district or town it is in; generic words (这个小区, 物业公司) are left out. The suffixes a
    writer adds or leaves out (丽发新城 / 丽发新城小区; 宏达置业 / 宏达置业有限公司) are not looked for;
    other suffixes are part of the name (幸福华庭 is not 幸福家园).
    """
    return [(look, name) for name in names if (look := _fine_look(name))]


@lru_cache(maxsize=65536)
def _fine_look(name: str) -> str:
    m = _NAME_SUFFIX.search(name)
    if not m:
        return ""
    suffix, core = m.group(0), _LEAD.sub("", name[: m.start()])
    last = max((s for s in _SUFFIXES if suffix.endswith(s)), key=len)  # 小区 ends in 区 but is no district
    if last in COARSE_SUFFIXES or len(core) < 2 or core in GENERIC_HEADS or core in GENERIC_NAMES or core.isdigit():
        return ""
    return core if suffix == "小区" or last in ("公司", "集团") else core + suffix


def name_of(head: str, text: str) -> str:
    """The head as written with its suffix in `text` (丽发 → 丽发新城小区), for showing to a person."""
    m = re.search(re.escape(head) + "(?:" + "|".join(_HEAD_SUFFIXES) + ")+", _fold(text or ""))
    return m.group(0) if m else head


def opening(text: str) -> str:
    """The first sentence (a case's subject comes first in its matter text), at most OPENING_MAX characters."""
    text = (text or "").strip()
    m = _OPENING_END.search(text)
    return text[: m.start() if m and m.start() > 0 else OPENING_MAX][:OPENING_MAX]


@dataclass(frozen=True)
class Profile:
    """What the verifier needs of one text; a stored case keeps it in its signature row."""

    shingles: np.ndarray
    opening: np.ndarray
    heads: frozenset[str]
    names: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()


def profile(text: str, *, folded: str | None = None) -> Profile:
    """The text's profile; `folded` is `_fold(text)` when the caller has it (the text is folded once for all parts)."""
    if not text:
        folded = ""
    elif folded is None:
        folded = _fold(text)
    names, numbers = folded_anchors(folded) if folded else (frozenset(), frozenset())
    return Profile(norm_shingle_hashes(normalize_folded(folded)), shingle_hashes(opening(text)), folded_heads(folded),
                   names, numbers)


def head_keys(hs) -> set[str]:
    return {HEAD_KEY + h for h in hs}


def weight_keys(p: Profile) -> set[str]:
    """The keys of the anchor frequency table the verifier weighs one text by: its heads and its names."""
    return head_keys(p.heads) | set(p.names)


@lru_cache(maxsize=65536)
def _head_shingles(head: str) -> tuple[int, ...]:
    return tuple(shingle_hashes(head).tolist())


def _present(head: str, other: frozenset) -> bool:
    hs = _head_shingles(head)
    return bool(hs) and sum(h in other for h in hs) >= PRESENT * len(hs)


def _rarity(df: int, total: int) -> float:
    return (math.log((total + 1) / (df + 1)) + 1) / (math.log(total + 1) + 1)


def _share(name: str, other: frozenset) -> float:
    hs = _head_shingles(name)
    return sum(h in other for h in hs) / len(hs) if hs else 0.0


def _rare_heads(hs, weights: AnchorWeights) -> list[tuple[str, float]]:
    """(head, rarity in 0..1) for the heads that are not common words among the counted texts."""
    total = weights.total
    limit = max(RARE_MIN, COMMON_SHARE * total)
    top = math.log(total + 1) + 1
    out = []
    for h in hs:
        df = weights.counts.get(HEAD_KEY + h, 0)
        if df <= limit:
            out.append((h, (math.log((total + 1) / (df + 1)) + 1) / top))
    return out


@dataclass
class PairFeatures:
    values: list[float]
    jaccard: float
    shared_heads: list[str] = field(default_factory=list)
    differing_heads: list[str] = field(default_factory=list)
    opening_cover: float = 0.0
    disjoint: bool = False


def _sets(p: Profile) -> tuple[frozenset, frozenset]:
    cached = p.__dict__.get("_sets")
    if cached is None:
        cached = (frozenset(p.shingles.tolist()), frozenset(p.opening.tolist()))
        object.__setattr__(p, "_sets", cached)
    return cached


def _fine_of(p: Profile) -> list[tuple[str, str]]:
    cached = p.__dict__.get("_fine")
    if cached is None:
        cached = fine_names(p.names)
        object.__setattr__(p, "_fine", cached)
    return cached


def other_place(a: Profile, b: Profile, weights: AnchorWeights) -> bool:
    """Do the two letters name different places or organisations at the finest level?

    Each names, in its opening, an estate/company/school… the other text lacks (most of its bigrams
    missing), and that name is rarer than any such name the two share: 阳光华庭 vs 枫林花园 with the
    same clauses, the same company's shared name outweighs a differing one-off mention. Without
    rarity (two texts compared alone) every name weighs alike, so any shared name prevents it.
    """
    fa, fb = _fine_of(a), _fine_of(b)
    if not fa or not fb:
        return False
    sa, oa = _sets(a)
    sb, ob = _sets(b)
    absent, shared = [], 0.0
    for names, own_opening, other in ((fa, oa, sb), (fb, ob, sa)):
        top = 0.0
        for look, name in names:
            share = _share(look, other)
            if share >= PRESENT:
                shared = max(shared, _rarity(weights.counts.get(name, 0), weights.total))
            elif share < ABSENT and _share(look, own_opening) >= PRESENT:
                top = max(top, _rarity(weights.counts.get(name, 0), weights.total))
        if not top:
            return False
        absent.append(top)
    return min(absent) > shared


def _rare_of(p: Profile, weights: AnchorWeights) -> list[tuple[str, float]]:
    cached = p.__dict__.get("_rare")
    if cached is None or cached[0] is not weights:
        cached = (weights, _rare_heads(p.heads, weights))
        object.__setattr__(p, "_rare", cached)
    return cached[1]


CHEAP = ("jaccard", "containment", "log_min_length", "length_ratio", "opening_jaccard", "opening_cover_min", "opening_cover_max")


def cheap_score(a: Profile, b: Profile, model: Model | None = None) -> float:
    """The model's linear predictor over the features that need no names or rarity: to pick whom to verify fully."""
    model = model or current_model()
    sa, oa = _sets(a)
    sb, ob = _sets(b)
    inter = len(sa & sb)
    jac = inter / (len(sa) + len(sb) - inter) if inter else 0.0
    cont = inter / min(len(sa), len(sb)) if inter else 0.0
    o_inter = len(oa & ob)
    covers = [sum(h in other for h in o) / len(o) if o else 0.0 for o, other in ((oa, sb), (ob, sa))]
    values = dict(zip(CHEAP, (jac, cont, math.log1p(min(len(sa), len(sb))), abs(math.log((len(sa) + 1) / (len(sb) + 1))),
                              o_inter / (len(oa) + len(ob) - o_inter) if o_inter else 0.0, min(covers), max(covers))))
    return sum(c * values[f] for c, f in zip(model.coef, FEATURES) if f in values)


def features(a: Profile, b: Profile, weights: AnchorWeights) -> PairFeatures:
    """The pair's feature vector (FEATURES order) and what explains it; symmetric in a and b."""
    sa, oa = _sets(a)
    sb, ob = _sets(b)
    inter = len(sa & sb)
    jac = inter / (len(sa) + len(sb) - inter) if inter else 0.0
    cont = inter / min(len(sa), len(sb)) if inter else 0.0
    sides = []
    shared, differing = set(), set()
    for p, other in ((a, sb), (b, sa)):
        rare = _rare_of(p, weights)
        total = sum(w for _h, w in rare)
        got = top = 0.0
        for h, w in rare:
            if _present(h, other):
                shared.add(h)
                got += w
                top = max(top, w)
            else:
                differing.add(h)
        sides.append((total, got / total if total else 1.0, top))
    (ta, fa, ma), (tb, fb, mb) = sides
    o_inter = len(oa & ob)
    o_jac = o_inter / (len(oa) + len(ob) - o_inter) if o_inter else 0.0
    covers = [sum(h in other for h in o) / len(o) if o else 0.0 for o, other in ((oa, sb), (ob, sa))]
    values = [
        jac, cont, math.log1p(min(len(sa), len(sb))), abs(math.log((len(sa) + 1) / (len(sb) + 1))),
        min(fa, fb), max(fa, fb), max(ma, mb), float(fa < 0.3 and fb < 0.3 and ta > 0 and tb > 0),
        o_jac, min(covers), max(covers),
    ]
    # Each side names a rare place or organisation and they share none: another matter, however alike the
    # wording (the templated complaint about another estate). On the development set no pair of this kind
    # was the same matter by the model either (0 of 152 negatives, 0 of 8 positives predicted same), so the
    # rule costs nothing there and holds where the wording is closer than any read pair. `other_place` is the same
    # judgement at the finest level, on the names of the openings (see benchmarks/RESULTS.md for what it costs).
    disjoint = (ta > 0 and tb > 0 and not shared) or other_place(a, b, weights)
    return PairFeatures(values, jac, sorted(shared), sorted(differing - shared), min(covers), disjoint)


@dataclass(frozen=True)
class Model:
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # probability at or above which the pair is the same matter
    related: float  # below the threshold but at or above this: shown as 相关

    def probability(self, values, disjoint: bool = False) -> float:
        """The fitted probability; below the threshold when the two texts name disjoint places (see `features`)."""
        z = self.intercept + sum(c * v for c, v in zip(self.coef, values))
        p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
        return min(p, self.threshold - 0.01) if disjoint else p


def load_model(path: Path = MODEL_PATH) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path.name} was fitted on other features; run python -m benchmarks.bench_same_matter --fit")
    return Model(tuple(data["coef"]), float(data["intercept"]), float(data["threshold"]), float(data["related"]))


@lru_cache(maxsize=1)
def current_model() -> Model:
    return load_model()


@dataclass
class Verdict:
    probability: float
    same: bool
    jaccard: float
    opening_cover: float
    shared_heads: list[str]
    differing_heads: list[str]


def compare(a: Profile, b: Profile, weights: AnchorWeights, model: Model | None = None) -> Verdict:
    model = model or current_model()
    f = features(a, b, weights)
    p = model.probability(f.values, f.disjoint)
    return Verdict(round(p, 4), p >= model.threshold, round(f.jaccard, 4), round(f.opening_cover, 3), f.shared_heads, f.differing_heads)


# -- stored form: the opening's bigram hashes and the heads travel in the signature's anchors text ----------


def pack(p: Profile) -> str:
    """names#numbers#heads#opening-hashes (hex): what a signature row keeps besides its shingles."""
    return "#".join((
        "|".join(sorted(p.names)), "|".join(sorted(p.numbers)), "|".join(sorted(p.heads)),
        "".join(f"{int(h):08x}" for h in p.opening),
    ))


def unpack(packed: str, shingles: np.ndarray) -> Profile:
    parts = (packed or "").split("#")
    parts += [""] * (4 - len(parts))
    hexes = parts[3]
    op = np.array([int(hexes[i : i + 8], 16) for i in range(0, len(hexes) - 7, 8)], dtype=np.uint32)
    split = lambda s: frozenset(filter(None, s.split("|")))  # noqa: E731
    return Profile(shingles, op, split(parts[2]), split(parts[0]), split(parts[1]))


def counted_keys(packed: str) -> set[str]:
    """The keys whose case counts the anchor frequency table keeps for one signature: names, figures, heads."""
    parts = (packed or "").split("#")
    parts += [""] * (4 - len(parts))
    keys = set(filter(None, parts[0].split("|"))) | set(filter(None, parts[1].split("|")))
    return keys | head_keys(filter(None, parts[2].split("|")))


def corpus_weights(profiles) -> AnchorWeights:
    """Rarity counted over a set of texts (a file's, or a benchmark's) instead of the deployment's cases."""
    from collections import Counter

    counts: Counter = Counter()
    n = 0
    for p in profiles:
        n += 1
        counts.update(weight_keys(p))
    return AnchorWeights(n, dict(counts))
