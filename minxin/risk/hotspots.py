"""Hotspots: cluster recent messages into topics and rank them by a heat index.

Text → TF-IDF over character 2–3-grams plus jieba words → 100-dim LSA (TruncatedSVD)
→ L2-normalised → agglomerative clustering with average linkage on cosine
distance and a distance threshold (0.4), then groups whose centroids have cosine
similarity ≥ 0.8 are joined (a tight threshold can split one large matter in two), and so are
groups whose subject lines say the same (subject centroids ≥ 0.7, texts ≥ 0.25: people
describing one issue with different facts, see `merge_same_subject`; subjects are also compared
with their place and organisation names masked, unless the groups are about different places). Short petition texts about one concrete
matter (one estate, one employer, one road) are near-duplicates of each other and
unrelated to the rest, so a threshold that keeps tight groups and leaves the rest
as singletons fits better than forcing every message into one of k clusters
(benchmarks/bench_hotspots.py measures both, with baselines).

Heat index of a topic (all terms ≥ 0, weights in HeatWeights):

    heat = (w_v·ln(1+n) + w_p·ln(1+petitioners) + w_a·ln(1+areas) + w_s·ln(1+support)
            + w_g·max(0, ln((n+1)/(n_prev+1)))) × (0.5 + 0.5·2^(−age/half_life))

n = messages in the window, n_prev = messages of the previous window of the same
length that fall into the topic (nearest topic with similarity above the
threshold), support = likes + objections where the data has them, age = days
from the topic's newest message to the end of the window.

What a person reads (issue #14): each topic is titled by its most representative
subject (the subject of the message nearest the topic's centre), its keywords are
distinctive jieba words without function words or petition boilerplate (stop lists as
data: intake/classify/data/stopwords_zh.txt and risk/data/topic_stopwords_zh.txt; and no
word jieba's dictionary tags as a function word, nor a fixed phrase opening with a
preposition such as 按规定: `function_like`), it
carries a weekly trend over the window and where it happens: the areas at the first
level of the area tree at which its messages differ (the districts when it spans
districts, the streets of one district, the communities of one street), or the one
area they share.
"""

import datetime as dt
import logging
import math
import functools
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


@dataclass
class Message:
    id: object
    text: str
    at: dt.datetime | dt.date
    petitioner: str = ""
    area: str = ""
    support: int = 0
    title: str = ""
    # names of the message's area and its ancestors, the city first (empty when unknown)
    area_path: tuple[str, ...] = ()


@dataclass
class HeatWeights:
    volume: float = 1.0
    petitioners: float = 1.0
    areas: float = 0.5
    support: float = 0.5
    growth: float = 0.5
    half_life_days: float = 14.0


@dataclass
class Topic:
    keywords: list[str]
    size: int
    heat: float
    members: list[int] = field(default_factory=list)  # indexes into the window's messages
    examples: list[object] = field(default_factory=list)  # message ids, most central first
    previous: int = 0
    petitioners: int = 0
    areas: int = 0
    support: int = 0
    newest: object = None
    label: int = -1
    title: str = ""
    trend: list[tuple[dt.date, int]] = field(default_factory=list)  # (Monday of the week, messages)
    places: list[tuple[str, int]] = field(default_factory=list)  # (area name, messages), most first

    def as_dict(self) -> dict:
        return {
            "title": self.title, "keywords": self.keywords, "size": self.size, "heat": round(self.heat, 2),
            "examples": [str(e) for e in self.examples],
            "previous": self.previous, "petitioners": self.petitioners, "areas": self.areas, "support": self.support,
            "newest": self.newest.isoformat() if self.newest else None,
            "trend": [{"week": week.isoformat(), "count": count} for week, count in self.trend],
            "places": [{"name": name, "count": count} for name, count in self.places],
        }

    def chart(self) -> dict:
        """The weekly trend as the hotspot page's chart reads it."""
        return {"weeks": [week.strftime("%m-%d") for week, _n in self.trend], "counts": [n for _w, n in self.trend]}


TOPIC_STOPWORDS_FILE = Path(__file__).with_name("data") / "topic_stopwords_zh.txt"


@functools.cache
def keyword_stopwords() -> frozenset[str]:
    """Function words and petition boilerplate: never a topic keyword (both lists are data files)."""
    from minxin.intake.classify.text import read_word_list, stopwords

    return stopwords() | read_word_list(TOPIC_STOPWORDS_FILE)


# jieba's part-of-speech classes of function words: conjunctions, prepositions, adverbs, locatives,
# pronouns, numerals, quantifiers, particles, modal particles, interjections, onomatopoeia (the first
# letter of the tag: dg, mq, rr, uj… belong to their class).
FUNCTION_CLASSES = frozenset("cpdfrmquyeo")


@functools.cache
def _dictionary_tags() -> dict[str, str]:
    """The tag of each word of jieba's dictionary that is a function word or a fixed phrase (l)."""
    from minxin.intake.classify.text import segmenter

    tags = {}
    with segmenter().dt.get_dict_file() as fh:
        for line in fh:
            parts = line.decode("utf-8").split()
            if len(parts) >= 3 and (parts[2][0] in FUNCTION_CLASSES or parts[2] == "l"):
                tags[parts[0]] = parts[2]
    return tags


def function_like(word: str) -> bool:
    """A word that says how, not what: a function word by jieba's dictionary (以来, 只有, 一直, 多次),
    or a fixed phrase opening with a preposition (按规定, 对此)."""
    tags = _dictionary_tags()
    tag = tags.get(word, "")
    if tag and tag[0] in FUNCTION_CLASSES:
        return True
    return tag == "l" and tags.get(word[0], "") == "p"


def _is_keyword(word: str, stop: frozenset[str]) -> bool:
    # at least two characters, some of them CJK (no bare figures, dates or place codes like "A3")
    return len(word) >= 2 and word not in stop and any("\u4e00" <= ch <= "\u9fff" for ch in word)


def _jieba_tokens(text: str) -> list[str]:
    from minxin.intake.classify.text import segmenter

    stop = keyword_stopwords()
    return [w for w in segmenter().lcut(text.lower()) if _is_keyword(w, stop)]


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def vectorize(texts: list[str], *, dims: int = 100, seed: int = 0):
    """(LSA matrix with unit rows, word TF-IDF matrix, word vocabulary)."""
    from scipy.sparse import hstack
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    texts = [_clean(t) for t in texts]
    n = len(texts)
    # In small windows a rare n-gram still matters; min_df=2 would leave only the shared ones.
    min_df = 2 if n >= 500 else 1
    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=min_df, sublinear_tf=True, max_features=50000)
    words = TfidfVectorizer(tokenizer=_jieba_tokens, token_pattern=None, lowercase=False, min_df=min_df, sublinear_tf=True, max_features=30000)
    xc = chars.fit_transform(texts)
    xw = words.fit_transform(texts)
    x = normalize(hstack([xc, xw]).tocsr())
    k = max(1, min(dims, x.shape[1] - 1, n - 1))
    if k >= 2:
        with warnings.catch_warnings():
            # Tiny corpora give zero total variance; the ratio is unused here.
            warnings.filterwarnings("ignore", category=RuntimeWarning)
            z = TruncatedSVD(n_components=k, random_state=seed).fit_transform(x)
    else:
        z = x.toarray()
    z = normalize(z)
    return z, xw, np.array(words.get_feature_names_out())


def cluster_agglomerative(z: np.ndarray, *, threshold: float = 0.4) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    n = len(z)
    # A message with no shared feature (all its n-grams are unique) is its own singleton.
    nonzero = np.flatnonzero(np.linalg.norm(z, axis=1) > 1e-12)
    labels = np.arange(n, dtype=int) + n
    if len(nonzero) >= 2:
        model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold)
        labels[nonzero] = model.fit_predict(z[nonzero])
    elif len(nonzero) == 1:
        labels[nonzero] = 0
    return labels


def merge_close_groups(z: np.ndarray, labels: np.ndarray, *, min_similarity: float = 0.8, min_size: int = 2) -> np.ndarray:
    """Join groups whose centroids are nearly parallel.

    Average linkage with a tight threshold can split one large matter in two halves
    whose members are each closer to their own half; their centroids stay close.
    """
    labels = labels.copy()
    groups = [lb for lb, n in Counter(labels.tolist()).items() if n >= min_size]
    if len(groups) < 2:
        return labels
    cents = np.vstack([z[labels == lb].mean(axis=0) for lb in groups])
    cents /= np.linalg.norm(cents, axis=1, keepdims=True) + 1e-12
    sims = cents @ cents.T
    parent = list(range(len(groups)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(sims, 1) >= min_similarity)):
        parent[find(i)] = find(j)
    for i, lb in enumerate(groups):
        root = groups[find(i)]
        if root != lb:
            labels[labels == lb] = root
    return labels


def _spelled_alike(x: str, y: str) -> bool:
    # 阳光小区 / 反映阳光小区: a name's head can take in the verb before it
    return x == y or x.endswith(y) or y.endswith(x)


def _main_names(names: list[frozenset[str]]) -> list[str]:
    """The places and organisations a group is about: names (as `anchors` finds them) in at least
    two and at least half of its messages, other spellings counted."""
    counts = Counter(name for n in names for name in n)
    out = []
    for name, _count in counts.most_common(20):
        share = sum(1 for n in names if any(_spelled_alike(x, name) for x in n))
        if share >= 2 and 2 * share >= len(names):
            out.append(name)
    return out


def _about_other_places(a: list[str], b: list[str]) -> bool:
    """Whether one group is about a place or organisation the other is not about."""
    return any(not any(_spelled_alike(x, y) for y in b) for x in a) or any(not any(_spelled_alike(y, x) for x in a) for y in b)


def _subject_profiles(subjects: list[str], members: list[np.ndarray]):
    """Unit char 2–3-gram TF-IDF centroids of each group's subject lines (None: no n-gram at all)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    if not any(s.strip() for s in subjects):
        return None
    try:
        xt = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(subjects)
    except ValueError:  # every subject shorter than two characters
        return None
    return normalize(np.vstack([np.asarray(xt[m].mean(axis=0)) for m in members]))


def merge_same_subject(z: np.ndarray, labels: np.ndarray, titles: list[str], *, texts: list[str] | None = None,
                       min_subject: float = 0.7, min_similarity: float = 0.25, min_size: int = 2,
                       mask_names: bool = True) -> np.ndarray:
    """Join groups whose writers sum the matter up alike: subject lines close, texts related.

    People who write about one issue describe it with different facts (one says the rooms
    are at 12 degrees, another that the radiators stay cold although the fee was paid),
    so the bodies can fall into groups whose centroids are far apart (cosine 0.3–0.7), while
    their subject lines (供暖不达标, 供暖温度不足) say the same thing. Measured on the real
    development groups (benchmarks/bench_topics.py), topics about different concrete matters
    of one kind have subject centroids below 0.5 (each matter's subjects carry its own place
    or organisation, which the centroid keeps); on the generated set one pair of a matter and
    its same-kind neighbour reaches 0.7 (its "subjects" are first clauses that share the
    place), none above. So the two conditions together join the halves of one issue without
    joining neighbouring matters. Messages without a subject contribute nothing.

    With `mask_names`, subject lines are also compared with their place and organisation names
    and numbers masked (intake.duplicates.text.mask_names): when every writer cites another estate
    or company (书香新城供暖不达标 / 反映卓越物流有限公司供暖温度不足), small groups' centroids
    are dominated by those names. The masked comparison counts only between two groups that are
    not about different places: a group is about the names in at least two and half of its messages
    (subject and text), and a pair is kept apart by it when one group is about a name the other is
    not about. A concrete matter keeps its place; two matters of one kind at two estates stay two.
    """
    labels = labels.copy()
    groups = [lb for lb, n in Counter(labels.tolist()).items() if n >= min_size]
    cleaned = [_clean(t) for t in titles]
    if len(groups) < 2 or not any(cleaned):
        return labels
    members = [np.flatnonzero(labels == lb) for lb in groups]
    subjects = _subject_profiles(cleaned, members)
    if subjects is None:
        return labels
    subject_sims = subjects @ subjects.T
    if mask_names:
        from minxin.intake.duplicates.text import mask_names as masked
        from minxin.intake.duplicates.text import names_in

        bodies = texts if texts is not None else [""] * len(cleaned)
        names = [names_in(f"{t}，{b}") for t, b in zip(cleaned, bodies, strict=True)]
        about = [_main_names([names[i] for i in m]) for m in members]
        wording = _subject_profiles([masked(t) for t in cleaned], members)
        if wording is not None:
            wording_sims = wording @ wording.T
            for i, j in zip(*np.nonzero(np.triu(wording_sims, 1) >= min_subject)):
                if not _about_other_places(about[i], about[j]):
                    subject_sims[i, j] = max(subject_sims[i, j], wording_sims[i, j])
    cents = np.vstack([z[m].mean(axis=0) for m in members])
    cents /= np.linalg.norm(cents, axis=1, keepdims=True) + 1e-12
    close = (np.triu(subject_sims, 1) >= min_subject) & (cents @ cents.T >= min_similarity)
    parent = list(range(len(groups)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(close)):
        parent[find(i)] = find(j)
    for i, lb in enumerate(groups):
        root = groups[find(i)]
        if root != lb:
            labels[members[i]] = root
    return labels


def cluster_kmeans(z: np.ndarray, *, k_values=None, seed: int = 0) -> tuple[np.ndarray, int]:
    """MiniBatchKMeans with k chosen by the best silhouette (cosine) over k_values."""
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.metrics import silhouette_score

    n = len(z)
    k_values = [k for k in (k_values or (5, 10, 20, 40, 80, 160)) if 2 <= k < n]
    if not k_values:
        return np.zeros(n, dtype=int), 1
    best = (-2.0, None, 1)
    sample = min(n, 3000)
    for k in k_values:
        labels = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=1024).fit_predict(z)
        if len(set(labels)) < 2:
            continue
        s = silhouette_score(z, labels, metric="cosine", sample_size=sample, random_state=seed)
        if s > best[0]:
            best = (s, labels, k)
    return (best[1], best[2]) if best[1] is not None else (np.zeros(n, dtype=int), 1)


def _keywords(xw, vocab, members, *, top: int = 8) -> list[str]:
    if xw.shape[1] == 0:
        return []
    inside = np.asarray(xw[members].mean(axis=0)).ravel()
    overall = np.asarray(xw.mean(axis=0)).ravel()
    # Distinctive words: frequent in the topic and rarer elsewhere.
    score = inside * np.log1p(inside / (overall + 1e-9))
    idx = [i for i in np.argsort(-score)[: top * 3] if inside[i] > 0 and not function_like(str(vocab[i]))]
    return [str(vocab[i]) for i in idx[:top]]


def _as_date(at) -> dt.date:
    return at.date() if isinstance(at, dt.datetime) else at


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_trend(dates: list[dt.date], *, start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    """Messages per week (weeks start on Monday) from the week of `start` to the week of `end`, empty weeks included."""
    counts = Counter(_monday(d) for d in dates)
    weeks = []
    week = _monday(start)
    while week <= end:
        weeks.append((week, counts.get(week, 0)))
        week += dt.timedelta(days=7)
    return weeks


def places_of(paths: list[tuple[str, ...]], *, top: int = 3) -> list[tuple[str, int]]:
    """Where a topic happens: its areas at the first level where they differ, most messages first.

    All in one community: that community. All in one street but several communities:
    the communities. Several districts: the districts. Messages without an area are
    not counted.
    """
    paths = [p for p in paths if p]
    if not paths:
        return []
    depth = 0
    while True:
        at_depth = {p[depth] if len(p) > depth else None for p in paths}
        if len(at_depth) > 1 or all(len(p) <= depth + 1 for p in paths):
            break
        depth += 1
    counts = Counter(p[min(depth, len(p) - 1)] for p in paths)
    return counts.most_common(top)


def _title(messages, order) -> str:
    for i in order:
        title = " ".join((messages[i].title or "").split())
        if title:
            return title
    first = " ".join((messages[order[0]].text or "").split())
    return first[:30] + ("…" if len(first) > 30 else "")


def heat_of(*, n: int, previous: int, petitioners: int, areas: int, support: int, age_days: float, w: HeatWeights) -> float:
    growth = max(0.0, math.log((n + 1) / (previous + 1)))
    base = (w.volume * math.log1p(n) + w.petitioners * math.log1p(petitioners) + w.areas * math.log1p(areas)
            + w.support * math.log1p(max(0, support)) + w.growth * growth)
    recency = 0.5 + 0.5 * 2 ** (-max(0.0, age_days) / w.half_life_days)
    return base * recency


def find_hotspots(messages: list[Message], *, previous: list[Message] | None = None, start: dt.date | None = None, end: dt.date | None = None,
                  method: str = "agglomerative", threshold: float = 0.4, merge_similarity: float | None = 0.8, min_size: int = 2,
                  subject_similarity: float | None = 0.7, mask_subject_names: bool = True,
                  weights: HeatWeights | None = None, seed: int = 0, return_labels: bool = False):
    """Topics among `messages` ranked by heat (hottest first); optionally also the cluster labels."""
    w = weights or HeatWeights()
    previous = previous or []
    if not messages:
        return ([], np.zeros(0, dtype=int)) if return_labels else []
    texts = [f"{m.title} {m.text}" for m in messages] + [f"{m.title} {m.text}" for m in previous]
    z_all, xw_all, vocab = vectorize(texts, seed=seed)
    n_cur = len(messages)
    z, xw = z_all[:n_cur], xw_all[:n_cur]
    if method == "kmeans":
        labels, _k = cluster_kmeans(z, seed=seed)
    else:
        labels = cluster_agglomerative(z, threshold=threshold)
        if merge_similarity:
            labels = merge_close_groups(z, labels, min_similarity=merge_similarity, min_size=min_size)
        if subject_similarity:
            labels = merge_same_subject(z, labels, [m.title for m in messages], texts=[m.text for m in messages], min_subject=subject_similarity, min_size=min_size,
                                        mask_names=mask_subject_names)
    end = end or max(_as_date(m.at) for m in messages)
    start = start or min(_as_date(m.at) for m in messages)
    counts = Counter(labels.tolist())
    centroids = {}
    topics = []
    for label, size in counts.items():
        if size < min_size:
            continue
        members = np.flatnonzero(labels == label)
        c = z[members].mean(axis=0)
        c /= np.linalg.norm(c) or 1.0
        centroids[label] = c
        sims = z[members] @ c
        order = members[np.argsort(-sims)]
        newest = max(_as_date(messages[i].at) for i in members)
        topics.append(Topic(
            keywords=_keywords(xw, vocab, members),
            size=int(size),
            heat=0.0,
            members=members.tolist(),
            examples=[messages[i].id for i in order[:5]],
            petitioners=len({messages[i].petitioner for i in members if messages[i].petitioner}),
            areas=len({messages[i].area for i in members if messages[i].area}),
            support=int(sum(messages[i].support for i in members)),
            newest=newest,
            label=int(label),
            title=_title(messages, order),
            trend=weekly_trend([_as_date(messages[i].at) for i in members], start=start, end=end),
            places=places_of([messages[i].area_path for i in members]),
        ))
    if previous and centroids:
        labels_list = list(centroids)
        cmat = np.vstack([centroids[lb] for lb in labels_list])
        sims = z_all[n_cur:] @ cmat.T
        best = sims.argmax(axis=1)
        prev_counts = Counter(labels_list[b] for b, s in zip(best, sims.max(axis=1)) if s >= 1 - threshold)
        for t in topics:
            t.previous = prev_counts.get(t.label, 0)
    for t in topics:
        t.heat = heat_of(n=t.size, previous=t.previous, petitioners=t.petitioners, areas=t.areas, support=t.support,
                         age_days=(end - t.newest).days, w=w)
    topics.sort(key=lambda t: (-t.heat, -t.size))
    return (topics, labels) if return_labels else topics


def hotspots_for_cases(*, staff, days: int = 30, end: dt.date | None = None, limit: int = 5000, **kw) -> list[Topic]:
    """Hotspots among cases received in the last `days` days that `staff` may see (jobs pass SYSTEM)."""
    from django.utils import timezone

    from minxin.cases.policies import visible_cases
    from minxin.core import clock

    end = end or clock.today()
    tz = timezone.get_current_timezone()
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    lo = hi - dt.timedelta(days=days)
    prev_lo = lo - dt.timedelta(days=days)
    base = visible_cases(staff)
    area_ids: dict = {}

    def load(a, b):
        rows = (base.filter(received_at__gte=a, received_at__lt=b).order_by("-received_at")
                .values("pk", "number", "subject", "content", "received_at", "area_id", "area__code", "parties__petitioner__id_hash",
                        "parties__petitioner_id")[:limit])
        by_case: dict = {}
        for r in rows:
            m = by_case.get(r["pk"])
            if m is None:
                m = by_case[r["pk"]] = Message(id=r["number"], title=r["subject"], text=r["content"][:2000],
                                               at=timezone.localdate(r["received_at"]), area=r["area__code"] or "")
                area_ids[r["number"]] = r["area_id"]
            if not m.petitioner and (r["parties__petitioner__id_hash"] or r["parties__petitioner_id"]):
                m.petitioner = r["parties__petitioner__id_hash"] or str(r["parties__petitioner_id"])
        return list(by_case.values())

    current = load(lo, hi)
    _name_area_paths(current, area_ids)
    return find_hotspots(current, previous=load(prev_lo, lo), start=lo.date(), end=end, **kw)


def _name_area_paths(messages: list[Message], area_ids: dict) -> None:
    """Set each message's area_path: the names of its case's area and that area's ancestors, the city first."""
    from minxin.org.models import Area

    ids = {area_ids[m.id] for m in messages if area_ids.get(m.id)}
    areas = {a["pk"]: a for a in Area.objects.filter(pk__in=ids).values("pk", "name", "path")}
    chains = {pk: [int(x) for x in a["path"].strip("/").split("/") if x] for pk, a in areas.items()}
    names = dict(Area.objects.filter(pk__in={x for c in chains.values() for x in c}).values_list("pk", "name"))
    for m in messages:
        chain = chains.get(area_ids.get(m.id))
        m.area_path = tuple(names[x] for x in chain if x in names) if chain else ()
