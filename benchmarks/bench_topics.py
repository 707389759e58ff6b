"""Topics a person can read (issue #14, item 5): does one real issue come out as one topic?

    .venv/bin/python -m benchmarks.bench_topics            # dev groups + generated set
    .venv/bin/python -m benchmarks.bench_topics --quick    # the default setting only

Real data: all 7,142 messages of ../shared/data/teddy2020/hotspots.csv and replies.csv
(or $MINXIN_SHARED_DATA/teddy2020/...), read in place, clustered together as
`minxin.risk.hotspots.find_hotspots` does; scored on the same-matter development groups
of benchmarks/intel_dup/dev_groups.csv (98 groups, 497 messages, made by reading; ids only,
from the `dup` helper's item 1). Generated data: matters of benchmarks/intel_dup/generator.py,
each written 2–12 times in other words, with same-kind matters at other places as hard
negatives (groups = matters).

Measures on the labelled messages (every other message is clustered too, so it can pull
a group apart or into a wrong topic, but is not scored):
- completeness: share of a group's messages in its largest topic, pooled over groups
  ("one real issue, one topic"); also how many groups land whole in one topic;
- purity: share of a topic's labelled messages that belong to its main group, pooled over
  topics (a topic mixing two real issues scores low);
- the largest group: into how many topics it falls (the known case: the ~53-message issue
  came out as 28 + 25);
- silhouette (cosine, on the LSA embedding) over messages in groups of >= 2, beside them.
Baseline in the same run: plain char 2–3-gram TF-IDF cosine, agglomerative at 0.7 distance.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEV_GROUPS = REPO / "benchmarks" / "intel_dup" / "dev_groups.csv"


def data_dir() -> Path:
    root = os.environ.get("MINXIN_SHARED_DATA")
    return (Path(root) if root else REPO.parent / "shared" / "data") / "teddy2020"


def _when(text: str) -> dt.datetime:
    day, _, clock = text.strip().replace("/", "-").partition(" ")
    y, m, d = (int(p) for p in day.split("-"))
    hh, mm, ss = (int(p) for p in clock.split(":")) if clock else (0, 0, 0)
    return dt.datetime(y, m, d, hh, mm, ss)


def load_real(folder: Path):
    from minxin.risk.hotspots import Message

    out = []
    for name in ("hotspots.csv", "replies.csv"):
        with (folder / name).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                out.append(Message(id=r["留言编号"].strip(), title=r["留言主题"].strip(), text=" ".join(r["留言详情"].split()),
                                   at=_when(r["留言时间"]), petitioner=r["留言用户"]))
    return out


def load_groups(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        return {r["message_id"].strip(): r["group_id"] for r in csv.DictReader(fh)}


def generated(n_matters: int = 120, seed: int = 7):
    """(messages, {id: group}) from the duplicate generator: each matter 2–12 times, plus same-kind matters elsewhere."""
    from benchmarks.intel_dup.generator import hard_negative, make_matter, paraphrase
    from minxin.risk.hotspots import Message

    rng = random.Random(seed)
    start = dt.date(2026, 1, 5)
    messages, groups = [], {}
    taken: set = set()  # each matter its own place and party (see generator.labelled_set)
    mid = 0
    for _ in range(n_matters):
        base = make_matter(mid, rng, taken=taken)
        mid += 1
        copies = [base.text()] + [paraphrase(base, rng, strength=rng.choice((1, 2, 3))) for _ in range(rng.randint(1, 11))]
        for text in copies:
            mid_id = f"m{len(messages)}"
            messages.append(Message(id=mid_id, title=text.split("，")[0], text=text, at=start + dt.timedelta(days=rng.randint(0, 89))))
            groups[mid_id] = f"g{base.mid}"
        neg = hard_negative(base, mid, rng, taken)
        mid += 1
        messages.append(Message(id=f"m{len(messages)}", title=neg.text().split("，")[0], text=neg.text(),
                                at=start + dt.timedelta(days=rng.randint(0, 89))))
    return messages, groups


def demo_texts(per_topic: int = 40, seed: int = 11):
    """(messages, {id: topic key}) rendered by the demo city's own templates (minxin.demo.texts): one kind of
    matter per group, at places of an invented county, over one winter quarter. In the demo, heating
    complaints came out as several topics: the kind's fact sentences share no words, only its subjects do."""
    from minxin.demo.texts import TOPICS, Place, render
    from minxin.risk.hotspots import Message

    rng = random.Random(seed)
    places = [Place("东城区", f"{t}街道", f"{v}社区") for t in ("望岳", "金桥", "湘江", "桂花") for v in ("阳光", "幸福", "和平")]
    start = dt.date(2026, 12, 1)
    messages, groups = [], {}
    for topic in TOPICS:
        for _ in range(per_topic):
            place, day = rng.choice(places), start + dt.timedelta(days=rng.randint(0, 89))
            subject, content, _request, _facts = render(rng, topic, place, day, rng.randint(3, 60))
            mid = f"d{len(messages)}"
            messages.append(Message(id=mid, title=subject, text=content, at=day))
            groups[mid] = topic.key
    return messages, groups


def demo_window(seed: int, size: int = 250):
    """(messages, {id: topic key}): one 30-day December window as the demo city draws it (kinds by the demo's
    December weights, `minxin.demo.generate`), rendered by its templates at places of an invented county.
    The demo database holds about 250 cases in its last 30 days; in a window this small a kind has 5–40 messages."""
    from minxin.demo.texts import TOPICS, Place, days_to_spring_festival, render
    from minxin.risk.hotspots import Message

    rng = random.Random(seed)
    places = [Place("东城区", f"{t}街道", f"{v}社区") for t in ("望岳", "金桥", "湘江", "桂花") for v in ("阳光", "幸福", "和平")]
    start = dt.date(2026, 11, 4)
    messages, groups = [], {}
    for _ in range(size):
        day = start + dt.timedelta(days=rng.randint(0, 29))
        to_sf = days_to_spring_festival(day)
        topic = rng.choices(TOPICS, [t.weight * t.season(day.month, to_sf) for t in TOPICS])[0]
        subject, content, _request, _facts = render(rng, topic, rng.choice(places), day, rng.randint(3, 60))
        mid = f"w{len(messages)}"
        messages.append(Message(id=mid, title=subject, text=content, at=day))
        groups[mid] = topic.key
    return messages, groups


def demo_windows(settings, seeds=range(1, 7)):
    """Demo-sized windows: pooled scores over the seeds, and the pieces heating and wage arrears fall into."""
    from minxin.risk.hotspots import find_hotspots

    print(f"\ndemo windows (250 messages drawn as the demo's December, seeds {seeds.start}–{seeds.stop - 1}; groups = kinds)")
    print("| setting | completeness | purity | groups whole | heating's topics per seed | wage arrears' topics per seed |")
    print("|---|---|---|---|---|---|", flush=True)
    windows = [demo_window(seed) for seed in seeds]
    for label, kw in settings:
        pooled = {"completeness": 0.0, "purity": 0.0, "whole": 0.0}
        pieces = {"heating": [], "wage_arrears": []}
        for messages, groups in windows:
            _topics, labels = find_hotspots(messages, return_labels=True, **kw)
            s = scores([m.id for m in messages], labels, groups)
            for key in pooled:
                pooled[key] += s[key] / len(windows)
            for kind, out in pieces.items():
                sizes = Counter(int(lb) for m, lb in zip(messages, labels) if groups[m.id] == kind)
                out.append("+".join(str(n) for _l, n in sizes.most_common()))
        print(f"| {label} | {pooled['completeness']:.3f} | {pooled['purity']:.3f} | {pooled['whole']:.3f} | "
              f"{' / '.join(pieces['heating'])} | {' / '.join(pieces['wage_arrears'])} |", flush=True)


def scores(ids, labels, groups: dict[str, str], z=None) -> dict:
    labelled = [(groups[i], int(lb)) for i, lb in zip(ids, labels) if i in groups]
    by_group: dict[str, Counter] = defaultdict(Counter)
    by_topic: dict[int, Counter] = defaultdict(Counter)
    for g, lb in labelled:
        by_group[g][lb] += 1
        by_topic[lb][g] += 1
    n = len(labelled)
    completeness = sum(c.most_common(1)[0][1] for c in by_group.values()) / n
    # a message left alone is its own topic of one; purity counts topics with >= 2 labelled messages
    multi = [c for c in by_topic.values() if sum(c.values()) >= 2]
    purity = sum(c.most_common(1)[0][1] for c in multi) / max(1, sum(sum(c.values()) for c in multi))
    whole = sum(1 for c in by_group.values() if len(c) == 1) / len(by_group)
    largest = max(by_group.values(), key=lambda c: sum(c.values()))
    out = {"completeness": completeness, "purity": purity, "whole": whole, "groups": len(by_group), "messages": n,
           "largest": sorted(largest.values(), reverse=True)}
    if z is not None:
        from sklearn.metrics import silhouette_score

        lab = np.asarray(labels)
        counts = Counter(lab.tolist())
        keep = np.array([counts[x] >= 2 for x in lab.tolist()])
        out["silhouette"] = float(silhouette_score(z[keep], lab[keep], metric="cosine", sample_size=min(4000, int(keep.sum())),
                                                   random_state=0)) if len(set(lab[keep].tolist())) >= 2 else float("nan")
    return out


def heating_split(messages, groups, settings):
    from minxin.risk.hotspots import find_hotspots

    ids = [m.id for m in messages]
    for label, kw in settings:
        _topics, labels = find_hotspots(messages, return_labels=True, **kw)
        sizes = Counter(int(lb) for i, lb in zip(ids, labels) if groups.get(i) == "heating")
        print(f"  {label}: heating's {sum(sizes.values())} messages fall into topics of " + " + ".join(str(n) for _l, n in sizes.most_common()))


def baseline_labels(messages):
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2).fit_transform(
        [f"{m.title} {m.text}" for m in messages])
    distance = 1.0 - (x @ x.T).toarray()
    np.clip(distance, 0.0, 2.0, out=distance)
    return AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average", distance_threshold=0.7).fit_predict(distance)


def _row(label, s, cpu) -> str:
    largest = " + ".join(str(v) for v in s["largest"][:4]) + (" + …" if len(s["largest"]) > 4 else "")
    return f"| {label} | {s['completeness']:.3f} | {s['purity']:.3f} | {s['whole']:.3f} | {largest} | {s['silhouette']:.3f} | {cpu:.0f} |"


def run(name, messages, groups, settings, *, baseline=True):
    """Score each setting; rows are printed as they come (the real set takes minutes per setting)."""
    from minxin.risk.hotspots import find_hotspots, vectorize

    ids = [m.id for m in messages]
    z, _xw, _v = vectorize([f"{m.title} {m.text}" for m in messages])
    n_labelled = sum(1 for i in ids if i in groups)
    print(f"\n{name}: {len(messages)} messages clustered, {n_labelled} labelled in {len(set(groups.values()))} groups")
    print("| setting | completeness | purity | groups whole | largest group's topics | silhouette | CPU s |")
    print("|---|---|---|---|---|---|---|", flush=True)
    rows = []
    for label, kw in settings:
        started = time.process_time()
        _topics, labels = find_hotspots(messages, return_labels=True, **kw)
        rows.append((label, scores(ids, labels, groups, z), time.process_time() - started))
        print(_row(*rows[-1]), flush=True)
    if baseline:
        started = time.process_time()
        labels = baseline_labels(messages)
        rows.append(("baseline: char 2-3 TF-IDF cosine, agglomerative 0.7", scores(ids, labels, groups, z), time.process_time() - started))
        print(_row(*rows[-1]), flush=True)
    return rows


SETTINGS = [
    ("default (find_hotspots: agglomerative 0.4, merge 0.8, subjects 0.7 with or without their names)", {}),
]
PREVIOUS = {"mask_subject_names": False}
ABLATION = [
    ("subjects compared with their names only (the previous default)", PREVIOUS),
    ("without the subject merge", {"subject_similarity": None}),
    ("agglomerative 0.5, merge 0.8", {"threshold": 0.5, "merge_similarity": 0.8}),
    ("agglomerative 0.45, merge 0.8", {"threshold": 0.45, "merge_similarity": 0.8}),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--real-only", action="store_true", help="skip the generated and demo sets")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    settings = SETTINGS + ([] if args.quick else ABLATION)
    if not args.real_only:
        generated_and_demo(settings)
    return real(settings)


def generated_and_demo(settings):
    messages, groups = generated()
    run("generated set", messages, groups, settings)
    messages, groups = demo_texts()
    run("demo city texts (groups = kinds of matter)", messages, groups, settings, baseline=False)
    heating_split(messages, groups, settings)
    previous = [] if any(kw == PREVIOUS for _l, kw in settings) else [("subjects compared with their names only (the previous default)", PREVIOUS)]
    demo_windows(settings + previous)


def real(settings) -> int:
    folder = data_dir()
    if not (folder / "hotspots.csv").is_file() or not DEV_GROUPS.is_file():
        print(f"\nreal data or dev groups not found ({folder}, {DEV_GROUPS}): dev-group figures not measured")
        return 0
    groups = load_groups(DEV_GROUPS)
    run("development groups (real messages)", load_real(folder), groups, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
