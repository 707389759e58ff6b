"""Build the development set's two CSV files from the reading record `dev_labels.txt`.

    .venv/bin/python -m benchmarks.intel_dup.build_dev      # rewrites dev_groups.csv and dev_pairs.csv

`dev_labels.txt` is what was decided by reading (ids and the reader's own short tags, no text):
  G tag: id id …        the messages read as one same matter (a tag may continue on later lines)
  N kind: item item …   every pair across the listed items (a group tag, or one message id) was read as
                        a different matter; kind = other_place (the same kind of problem at another place,
                        organisation or person), other_problem (another problem at the same place or
                        organisation), other_both (neither shared: typically one writer's template reused)
Pairs are then drawn deterministically: per group up to POS_PER_GROUP positive pairs, half the least
alike by plain character TF-IDF (the hard ones: other wording, usually other writers) and half at
random; per cross of two items in an N line up to NEG_PER_CROSS negative pairs, the most alike first.
The text is read only to rank pairs by likeness and to note whether the two writers differ.
"""

from __future__ import annotations

import csv
import itertools
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "dev_labels.txt"
GROUPS_CSV = HERE / "dev_groups.csv"
PAIRS_CSV = HERE / "dev_pairs.csv"
POS_PER_GROUP = 6
NEG_PER_CROSS = 3
SEED = 14


def parse(path: Path = LABELS) -> tuple[dict[str, list[str]], list[tuple[str, list[str]]]]:
    groups: dict[str, list[str]] = {}
    negatives: list[tuple[str, list[str]]] = []
    owner: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        tag, _sp, rest = line.partition(" ")
        name, _colon, ids = rest.partition(":")
        name, ids = name.strip(), ids.split()
        if tag == "G":
            for i in ids:
                if owner.setdefault(i, name) != name:
                    raise ValueError(f"line {n}: {i} is in {owner[i]} and {name}")
            groups.setdefault(name, []).extend(i for i in ids if i not in groups.get(name, []))
        elif tag == "N":
            negatives.append((name, ids))
        else:
            raise ValueError(f"line {n}: unknown tag {tag!r}")
    return groups, negatives


def build() -> tuple[list[tuple[str, str]], list[dict]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .corpus import load

    messages = {m.id: m for m in load()}
    if not messages:
        sys.exit("data not found: ../shared/data/teddy2020/hotspots.csv (set MINXIN_SHARED_DATA)")
    groups, negatives = parse()
    ids = sorted({i for g in groups.values() for i in g} | {i for _k, items in negatives for i in items if i not in groups})
    missing = [i for i in ids if i not in messages]
    if missing:
        sys.exit(f"ids not in the data: {missing[:10]}")
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit([m.text for m in messages.values()])
    row = {i: k for k, i in enumerate(ids)}
    X = vec.transform([messages[i].text for i in ids])

    def cos(a, b):
        return float(X[row[a]].multiply(X[row[b]]).sum())

    def writers(a, b):
        return "same" if messages[a].user == messages[b].user else "different"

    rng = random.Random(SEED)
    group_rows = []
    pairs = []
    names = sorted(groups, key=lambda g: min(int(i) for i in groups[g]))
    gid = {g: f"g{k + 1:03d}" for k, g in enumerate(names)}
    for g in names:
        members = sorted(groups[g], key=int)
        group_rows += [(gid[g], i) for i in members]
        cands = sorted(itertools.combinations(members, 2), key=lambda p: (writers(*p) == "same", cos(*p)))
        hard = cands[: POS_PER_GROUP // 2]
        rest = [p for p in cands if p not in hard]
        chosen = hard + rng.sample(rest, min(len(rest), POS_PER_GROUP - len(hard)))
        pairs += [dict(id_a=a, id_b=b, label=1, note="same_matter", writers=writers(a, b), group=gid[g]) for a, b in chosen]
    seen = {frozenset((p["id_a"], p["id_b"])) for p in pairs}
    for kind, items in negatives:
        sets = [groups.get(x, [x]) for x in items]
        for sa, sb in itertools.combinations(sets, 2):
            cross = sorted(((a, b) for a in sa for b in sb), key=lambda p: -cos(*p))
            for a, b in cross[:NEG_PER_CROSS]:
                key = frozenset((a, b))
                if a != b and key not in seen:
                    seen.add(key)
                    pairs.append(dict(id_a=a, id_b=b, label=0, note=kind, writers=writers(a, b), group=""))
    return group_rows, pairs


def main() -> int:
    group_rows, pairs = build()
    with open(GROUPS_CSV, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["group_id", "message_id"])
        w.writerows(group_rows)
    with open(PAIRS_CSV, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id_a", "id_b", "label", "note", "writers", "group"])
        w.writeheader()
        w.writerows(pairs)
    from collections import Counter

    print(f"{len({g for g, _i in group_rows})} groups, {len(group_rows)} messages; {len(pairs)} pairs:",
          dict(Counter((p["label"], p["note"], p["writers"]) for p in pairs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
