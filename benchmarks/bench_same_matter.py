"""Same-matter detection on real messages (issue #14): the development set and the generated set.

    .venv/bin/python -m benchmarks.bench_same_matter          # figures (~2 min)
    .venv/bin/python -m benchmarks.bench_same_matter --fit    # refit the verifier, rewrite same_matter_model.json, then figures

Development set: benchmarks/intel_dup (989 pairs and 98 groups of real messages read by hand,
ids only; the text is read in place from ../shared/data/teddy2020). Rarity of name heads is
counted over the 7,142 messages, as production counts it over the deployment's cases.

1. Pairs: the verifier's decision (probability >= threshold) against the baseline (plain char
   2-3-gram TF-IDF cosine >= 0.3, IDF over the 7,142 messages) and the previous product score
   (bigram Jaccard x name and figure agreement >= 0.24). 5-fold cross-validation grouped by the
   connected components of the pair graph (no message is in two folds); the model of each fold
   never saw its test pairs; the threshold is the one that maximises the pooled out-of-fold F1.
   Reported: pooled P/R/F1, mean and standard deviation of the fold F1.
2. Retrieval: for each message of a same-matter group, are any of its group in the top 5 of the
   7,142 messages shown to the registrar (MinHash-LSH candidates as production, the best 20 by the
   cheap part of the model verified by the model of the fold that did not see that group)? Also: queries that show nothing at all.
   Baseline: top 5 by TF-IDF cosine over all messages (brute force).
3. Generated sets (benchmarks/intel_dup/generator.py, seeds 11, 12, 13, 1,000 matters each): best
   stored match per query, precision and recall as in bench_duplicates, mean ± sd over the seeds
   (`--generated-only` runs only this part, with the shipped model).

Floors (exit 1 if missed): pair F1 >= 0.80, retrieval top-5 >= 0.90.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEV = HERE / "intel_dup"
FLOOR_F1, FLOOR_TOP5 = 0.80, 0.90
BASELINE_COS = 0.3
FOLDS = 5
RELATED = 0.1  # probability floor of a 相关 (related) suggestion below the threshold


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)


def prf(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = int(((pred == 1) & (y == 1)).sum())
    fp = int(((pred == 1) & (y == 0)).sum())
    fn = int(((pred == 0) & (y == 1)).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def components(pairs: list[dict]) -> np.ndarray:
    parent: dict[str, str] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p["id_a"])] = find(p["id_b"])
    return np.array([find(p["id_a"]) for p in pairs]), find


def fit(X: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=5000).fit(X, y)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", action="store_true", help="refit the verifier on the whole development set and rewrite its JSON")
    ap.add_argument("--generated", type=int, default=1000, help="matters in the generated set")
    ap.add_argument("--pairs-only", action="store_true", help="only the pair figures of the development set (quick)")
    ap.add_argument("--seeds", type=lambda v: [int(x) for x in v.split(",")], default=[11, 12, 13],
                    help="seeds of the generated sets (comma-separated)")
    ap.add_argument("--generated-only", action="store_true", help="only the generated sets, with the shipped model")
    args = ap.parse_args(argv)
    _setup_django()
    if args.generated_only:
        from minxin.intake.duplicates import verifier

        generated_figures(verifier.current_model(), args.generated, args.seeds)
        return 0
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import GroupKFold

    from benchmarks.intel_dup.corpus import load
    from minxin.intake.duplicates import verifier
    from minxin.intake.duplicates.text import AnchorWeights, agreement, match_score

    messages = load()
    if not messages:
        print("data not found: ../shared/data/teddy2020/hotspots.csv (set MINXIN_SHARED_DATA); skipped")
        return 0
    t0 = time.perf_counter()
    ids = [m.id for m in messages]
    pos = {m.id: k for k, m in enumerate(messages)}
    texts = [m.text for m in messages]
    profiles = [verifier.profile(t) for t in texts]
    weights = verifier.corpus_weights(profiles)
    pairs = list(csv.DictReader(open(DEV / "dev_pairs.csv", encoding="utf-8")))
    groups: dict[str, list[str]] = {}
    for row in csv.DictReader(open(DEV / "dev_groups.csv", encoding="utf-8")):
        groups.setdefault(row["group_id"], []).append(row["message_id"])
    y = np.array([int(p["label"]) for p in pairs])
    feats = [verifier.features(profiles[pos[p["id_a"]]], profiles[pos[p["id_b"]]], weights) for p in pairs]
    X = np.array([f.values for f in feats])
    disjoint = np.array([f.disjoint for f in feats])
    comp, find = components(pairs)
    folds = list(GroupKFold(FOLDS).split(X, y, comp))

    # -- 1. pairs --------------------------------------------------------------------------------------------
    oof = np.zeros(len(y))
    fold_models = []
    for tr, te in folds:
        m = fit(X[tr], y[tr])
        fold_models.append(m)
        oof[te] = m.predict_proba(X[te])[:, 1]
    raw = oof.copy()
    grid = np.round(np.arange(0.2, 0.81, 0.02), 2)
    threshold = float(max(grid, key=lambda t: (prf(((oof >= t) & ~disjoint).astype(int), y)[2], -abs(t - 0.5))))
    oof = np.where(disjoint, np.minimum(oof, threshold - 0.01), oof)  # the verifier's rule for disjoint names
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit(texts)
    T = vec.transform(texts)
    cos = np.array([float(T[pos[p["id_a"]]].multiply(T[pos[p["id_b"]]]).sum()) for p in pairs])
    counts: Counter = Counter()
    for pr in profiles:
        counts.update(pr.names | pr.numbers)
    legacy_w = AnchorWeights(len(profiles), counts)

    def legacy(a, b):
        from minxin.intake.duplicates.text import jaccard

        pa, pb = profiles[pos[a]], profiles[pos[b]]
        na = agreement(pa.names, pb.names, legacy_w)[0]
        nu = agreement(pa.numbers, pb.numbers, legacy_w, names=False)[0]
        return match_score(jaccard(pa.shingles, pb.shingles), na, nu)

    old = np.array([legacy(p["id_a"], p["id_b"]) for p in pairs])
    decisions = {
        "verifier (this build)": (oof >= threshold).astype(int),
        "  the same without the disjoint-names rule": (raw >= threshold).astype(int),
        f"baseline: char 2-3-gram TF-IDF cosine >= {BASELINE_COS}": (cos >= BASELINE_COS).astype(int),
        "previous product: Jaccard x name x figure agreement >= 0.24": (old >= 0.24).astype(int),
    }
    print(f"development set: {len(pairs)} pairs ({int(y.sum())} same matter), {len(groups)} groups, "
          f"{sum(map(len, groups.values()))} messages; {FOLDS}-fold CV grouped by pair-graph component; threshold {threshold:.2f}")
    results = {}
    for name, pred in decisions.items():
        p, r, f = prf(pred, y)
        fold_f = [prf(pred[te], y[te])[2] for _tr, te in folds]
        results[name] = f
        print(f"  {name:62s} P {p:.3f} R {r:.3f} F1 {f:.3f}   fold F1 {np.mean(fold_f):.3f} ± {np.std(fold_f):.3f} "
              f"(min {min(fold_f):.3f}, max {max(fold_f):.3f})")
    notes = np.array([f"{p['note']}/{p['writers']}" for p in pairs])
    print("  verifier accuracy by kind: " + ", ".join(
        f"{n} {((decisions['verifier (this build)'][notes == n]) == y[notes == n]).mean():.2f} ({(notes == n).sum()})" for n in sorted(set(notes))))

    final = fit(X, y)
    if args.fit:
        data = {
            "features": list(verifier.FEATURES),
            "coef": [round(float(c), 6) for c in final.coef_[0]],
            "intercept": round(float(final.intercept_[0]), 6),
            "threshold": threshold,
            "related": RELATED,
            "fitted_on": f"benchmarks/intel_dup/dev_pairs.csv ({len(pairs)} pairs), logistic regression C=1; "
                         f"threshold by {FOLDS}-fold grouped CV (python -m benchmarks.bench_same_matter --fit)",
        }
        verifier.MODEL_PATH.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {verifier.MODEL_PATH}")
    if args.pairs_only:
        return 0 if results["verifier (this build)"] >= FLOOR_F1 else 1

    # -- 2. retrieval ----------------------------------------------------------------------------------------
    from minxin.intake.duplicates import lookup, minhash

    from .bench_duplicates import MemoryIndex

    index = MemoryIndex.__new__(MemoryIndex)
    keys = minhash.band_hash_array(minhash.signatures([p.shingles for p in profiles]))
    order = np.argsort(keys, axis=0, kind="stable")
    index.band_keys = [keys[order[:, b], b] for b in range(minhash.BANDS)]
    index.band_ids = [order[:, b] for b in range(minhash.BANDS)]
    fold_of_msg = {}
    for k, (_tr, te) in enumerate(folds):
        for i in te:
            fold_of_msg[pairs[i]["id_a"]] = k
            fold_of_msg[pairs[i]["id_b"]] = k
    fold_params = [verifier.Model(tuple(m.coef_[0]), float(m.intercept_[0]), threshold, RELATED) for m in fold_models]
    hit = hit_brute = hit_base = empty = shown_same = 0
    n_q = 0
    lookup_s = 0.0
    for g, members in groups.items():
        member_set = set(members)
        for q in members:
            model = fold_params[fold_of_msg.get(q, 0)]
            qi = pos[q]
            t1 = time.perf_counter()
            cands = lookup.gather(minhash.band_hashes(minhash.signature(profiles[qi].shingles)), index.fetch, exclude={qi})
            best = sorted((c for c, _n in cands), key=lambda c: -verifier.cheap_score(profiles[qi], profiles[c], model))[: lookup.FULL_VERIFY]
            ranked = sorted(((verifier.compare(profiles[qi], profiles[c], weights, model).probability, c) for c in best), reverse=True)
            lookup_s += time.perf_counter() - t1
            shown = [(p, c) for p, c in ranked if p >= RELATED][:5]
            n_q += 1
            empty += not shown
            shown_same += any(p >= threshold for p, _c in shown)
            hit += any(ids[c] in member_set for _p, c in shown)
            sims = (T @ T[qi].T).toarray().ravel()
            sims[qi] = -1
            hit_base += any(ids[c] in member_set for c in np.argsort(-sims)[:5])
    print(f"retrieval over all {len(ids)} messages, {n_q} queries (members of same-matter groups):")
    print(f"  verifier over LSH candidates: top-5 holds one of the group {hit / n_q:.3f}; nothing shown {empty}; "
          f"a 可能同一事项 shown {shown_same / n_q:.3f}; {lookup_s / n_q * 1000:.1f} ms per query in memory")
    print(f"  baseline TF-IDF cosine top-5 (brute force):  {hit_base / n_q:.3f}")
    results["top5"] = hit / n_q

    # -- 3. generated set --------------------------------------------------------------------------------------
    model = verifier.Model(tuple(float(c) for c in final.coef_[0]), float(final.intercept_[0]), threshold, RELATED)
    generated_figures(model, args.generated, args.seeds)

    print(f"({time.perf_counter() - t0:.0f} s)")
    missed = results["verifier (this build)"] < FLOOR_F1 or results["top5"] < FLOOR_TOP5
    if missed:
        print(f"FLOOR MISSED: pair F1 >= {FLOOR_F1}, retrieval top-5 >= {FLOOR_TOP5}")
    return 1 if missed else 0


def generated_figures(model, n_matters: int, seeds: list[int]) -> None:
    """Best stored match per query on the generator's sets, one per seed: P/R/F1 and their spread."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from benchmarks.intel_dup.generator import labelled_set
    from minxin.intake.duplicates import lookup, minhash, verifier

    from .bench_duplicates import MemoryIndex

    rows = {"verifier over LSH candidates": [], f"baseline TF-IDF cosine >= {BASELINE_COS}": []}
    for seed in seeds:
        ls = labelled_set(n_matters, seed=seed)
        st_prof = [verifier.profile(t) for _m, t in ls.stored]
        st_w = verifier.corpus_weights(st_prof)
        gen = MemoryIndex.__new__(MemoryIndex)
        keys = minhash.band_hash_array(minhash.signatures([p.shingles for p in st_prof]))
        order = np.argsort(keys, axis=0, kind="stable")
        gen.band_keys = [keys[order[:, b], b] for b in range(minhash.BANDS)]
        gen.band_ids = [order[:, b] for b in range(minhash.BANDS)]
        stored_ids = {mid for mid, _t in ls.stored}
        gvec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit([t for _m, t in ls.stored])
        GS = gvec.transform([t for _m, t in ls.stored])
        shown = correct = shown_b = correct_b = 0
        positives = sum(1 for mid, _t in ls.queries if mid in stored_ids)
        for mid, text in ls.queries:
            qp = verifier.profile(text)
            cands = lookup.gather(minhash.band_hashes(minhash.signature(qp.shingles)), gen.fetch)
            pool = sorted((c for c, _n in cands), key=lambda c: -verifier.cheap_score(qp, st_prof[c], model))[: lookup.FULL_VERIFY]
            best = max(((verifier.compare(qp, st_prof[c], st_w, model).probability, c) for c in pool), default=None)
            if best and best[0] >= model.threshold:
                shown += 1
                correct += ls.stored[best[1]][0] == mid
            sims = (GS @ gvec.transform([text]).T).toarray().ravel()
            j = int(np.argmax(sims))
            if sims[j] >= BASELINE_COS:
                shown_b += 1
                correct_b += ls.stored[j][0] == mid
        for name, ok, n_shown in (("verifier over LSH candidates", correct, shown), (f"baseline TF-IDF cosine >= {BASELINE_COS}", correct_b, shown_b)):
            p, r = ok / max(1, n_shown), ok / max(1, positives)
            rows[name].append((p, r, 2 * p * r / max(1e-9, p + r)))
        print(f"  seed {seed}: {len(ls.queries)} queries, {positives} with a stored match; "
              + "; ".join(f"{name.split(' ')[0]} P {v[-1][0]:.3f} R {v[-1][1]:.3f} F1 {v[-1][2]:.3f}" for name, v in rows.items()), flush=True)
    print(f"generated set ({n_matters} matters a seed, seeds {', '.join(map(str, seeds))}; mean ± sd over seeds, min–max of F1):")
    for name, values in rows.items():
        v = np.array(values)
        print(f"  {name:36s} P {v[:, 0].mean():.3f} ± {v[:, 0].std():.3f}  R {v[:, 1].mean():.3f} ± {v[:, 1].std():.3f}  "
              f"F1 {v[:, 2].mean():.3f} ± {v[:, 2].std():.3f} ({v[:, 2].min():.3f}–{v[:, 2].max():.3f})")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
