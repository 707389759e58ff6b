"""Hotspot discovery on real citizen messages (2020 泰迪杯 C题 附件3, with support counts).

    .venv/bin/python -m benchmarks.bench_hotspots [--top 10] [--show-keywords]

Reads ../shared/data/teddy2020/hotspots.csv relative to the repository root, or
$MINXIN_SHARED_DATA/teddy2020/hotspots.csv. The data stays there: nothing of its
text is written anywhere; keywords are printed only with --show-keywords.

The file has no topic labels, so quality is measured without them:
- silhouette (cosine, on the LSA embedding every method shares), over all messages
  and over the messages a method put in a group of >= 2 (singletons score 0);
- same-author agreement: messages by one account (留言用户) with several messages
  are usually about one matter; we report the share of such pairs a method puts in
  one group (recall proxy) against the share of random pairs it groups together
  (chance level), and their ratio (lift).
Baselines in the same run: keyword grouping (each message goes to its top TF-IDF
word), random labels with the same group sizes as our method, and k = 1.
"""

import argparse
import csv
import datetime as dt
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from minxin.risk.hotspots import Message, cluster_agglomerative, cluster_kmeans, find_hotspots, merge_close_groups, vectorize

REPO = Path(__file__).resolve().parent.parent


def data_path() -> Path:
    root = os.environ.get("MINXIN_SHARED_DATA")
    base = Path(root) if root else REPO.parent / "shared" / "data"
    return base / "teddy2020" / "hotspots.csv"


def _when(text: str) -> dt.datetime:
    text = text.strip().replace("/", "-")
    day, _, clock = text.partition(" ")
    y, m, d = (int(p) for p in day.split("-"))
    hh, mm, ss = ((int(p) for p in clock.split(":")) if clock else (0, 0, 0))
    return dt.datetime(y, m, d, hh, mm, ss)


def load(path: Path) -> list[Message]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        Message(id=r["留言编号"], title=r["留言主题"].strip(), text=" ".join(r["留言详情"].split()), at=_when(r["留言时间"]),
                petitioner=r["留言用户"], support=int(r["点赞数"] or 0) + int(r["反对数"] or 0))
        for r in rows
    ]


def silhouettes(z, labels) -> tuple[float, float]:
    from sklearn.metrics import silhouette_samples

    if len(set(labels)) < 2 or len(set(labels)) >= len(labels):
        return float("nan"), float("nan")
    s = silhouette_samples(z, labels, metric="cosine")
    sizes = Counter(labels)
    grouped = np.array([sizes[lb] >= 2 for lb in labels])
    return float(s.mean()), float(s[grouped].mean()) if grouped.any() else float("nan")


def author_agreement(messages, labels, rng) -> tuple[float, float]:
    by_author = defaultdict(list)
    for i, m in enumerate(messages):
        by_author[m.petitioner].append(i)
    pairs = [(a, b) for idx in by_author.values() if len(idx) > 1 for j, a in enumerate(idx) for b in idx[j + 1:]]
    same = np.mean([labels[a] == labels[b] for a, b in pairs]) if pairs else float("nan")
    n = len(messages)
    ra, rb = rng.integers(0, n, 20000), rng.integers(0, n, 20000)
    keep = ra != rb
    chance = float(np.mean(labels[ra[keep]] == labels[rb[keep]]))
    return float(same), chance


def keyword_baseline(xw) -> np.ndarray:
    top = np.asarray(xw.argmax(axis=1)).ravel()
    return top


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--show-keywords", action="store_true", help="print the top topics' keywords (text from the data set)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    path = data_path()
    if not path.exists():
        print(f"data not found: {path} (set MINXIN_SHARED_DATA)")
        return 1
    rng = np.random.default_rng(args.seed)
    messages = load(path)
    print(f"messages: {len(messages)} from {min(m.at for m in messages):%Y-%m-%d} to {max(m.at for m in messages):%Y-%m-%d}")
    t0 = time.perf_counter()
    z, xw, vocab = vectorize([f"{m.title} {m.text}" for m in messages], seed=args.seed)
    print(f"vectorise (char 2-3-grams + jieba words → LSA 100): {time.perf_counter() - t0:.1f} s")

    results = []

    def report(name, labels, secs):
        labels = np.asarray(labels)
        sizes = Counter(labels.tolist())
        groups = sum(1 for s in sizes.values() if s >= 2)
        covered = sum(s for s in sizes.values() if s >= 2) / len(labels)
        s_all, s_grp = silhouettes(z, labels)
        same, chance = author_agreement(messages, labels, np.random.default_rng(args.seed))
        lift = same / chance if chance > 0 else float("inf")
        results.append((name, groups, covered, s_all, s_grp, same, chance, lift, secs))

    for thr in (0.4, 0.5, 0.6):
        t = time.perf_counter()
        labels = cluster_agglomerative(z, threshold=thr)
        report(f"agglomerative cos<{thr}", labels, time.perf_counter() - t)
        if thr == 0.4:
            for sim in (0.7, 0.8):
                t = time.perf_counter()
                merged = merge_close_groups(z, labels, min_similarity=sim)
                report(f"agglomerative cos<0.4 + merge≥{sim}", merged, time.perf_counter() - t)
                if sim == 0.8:
                    ours = merged
    t = time.perf_counter()
    km, k = cluster_kmeans(z, seed=args.seed)
    report(f"MiniBatchKMeans k={k} (silhouette)", km, time.perf_counter() - t)
    t = time.perf_counter()
    report("baseline: top keyword", keyword_baseline(xw), time.perf_counter() - t)
    report("baseline: random, same sizes as ours", rng.permutation(ours), 0.0)
    report("baseline: k=1", np.zeros(len(messages), dtype=int), 0.0)

    print()
    print(f"{'method':36} {'groups≥2':>8} {'covered':>8} {'sil(all)':>9} {'sil(grp)':>9} {'same-author':>11} {'chance':>7} {'lift':>7} {'secs':>6}")
    for name, groups, covered, s_all, s_grp, same, chance, lift, secs in results:
        print(f"{name:36} {groups:8d} {covered:8.3f} {s_all:9.3f} {s_grp:9.3f} {same:11.3f} {chance:7.4f} {lift:7.1f} {secs:6.1f}")

    # Hotspots as the product ranks them: the last 90 days against the 90 before.
    end = max(m.at for m in messages).date()
    cur = [m for m in messages if (end - m.at.date()).days < 90]
    prev = [m for m in messages if 90 <= (end - m.at.date()).days < 180]
    t = time.perf_counter()
    topics = find_hotspots(cur, previous=prev, end=end)
    print(f"\nhotspots in the last 90 days: {len(cur)} messages → {len(topics)} topics (≥2 messages) in {time.perf_counter() - t:.1f} s")
    print(f"{'rank':>4} {'heat':>6} {'n':>4} {'prev':>4} {'authors':>7} {'support':>7}  keywords")
    for i, tp in enumerate(topics[: args.top], start=1):
        kw = "、".join(tp.keywords[:6]) if args.show_keywords else "(--show-keywords)"
        print(f"{i:4d} {tp.heat:6.2f} {tp.size:4d} {tp.previous:4d} {tp.petitioners:7d} {tp.support:7d}  {kw}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
