"""Benchmark of the early-warning detectors on simulated outbreaks.

    .venv/bin/python -m benchmarks.bench_warning            # full run (~3 min incl. R)
    .venv/bin/python -m benchmarks.bench_warning --reps 4 --no-r   # quick look

Simulation after Noufaily et al. (2013), see benchmarks/risk/simulate.py.
Every series is judged on its last 49 weeks by: our improved Farrington
(minxin.risk.warning), EARS C1/C2/C3, and -- when Rscript with the
`surveillance` package is installed (Debian: r-cran-surveillance) -- R's
farringtonFlexible with the same settings. R takes ~1.7 s a series, so it runs
on the first --r-reps series of each (scenario, k) cell; our
`r_compatible=True` run reproduces R exactly there (checked week by week) and
stands in for R on the full set.

Floor (exit status 1 if missed): our FPR <= alpha, and our POD >= R's on the
series R ran. POD against the R-compatible stand-in on all series is printed
with the outbreaks only one of the two found.

Per method: FPR = alarms in evaluation weeks without outbreak cases / those
weeks; POD = share of evaluation outbreaks (with >= 1 case) with an alarm in
at least one of their weeks; sensitivity = alarmed outbreak weeks / outbreak
weeks; delay = weeks from outbreak start to first alarm, over detected ones.
"""

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.risk.simulate import N_EVAL, N_WEEKS, SCENARIOS, simulate
from minxin.risk.warning import EarsConfig, FarringtonConfig, ears, farrington_point

R_SCRIPT = Path(__file__).parent / "risk" / "farrington_flexible.R"


def _r_available() -> bool:
    if not shutil.which("Rscript"):
        return False
    probe = subprocess.run(["Rscript", "-e", "library(surveillance)"], capture_output=True)
    return probe.returncode == 0


def run_ours(y, dates, cfg: FarringtonConfig):
    out = []
    for k in range(N_WEEKS - N_EVAL, N_WEEKS):
        r = farrington_point(y.astype(float), dates, k, cfg)
        out.append((r.alarm, r.upper) if r else (False, np.nan))
    return out


def run_r(series, cfg: FarringtonConfig):
    with tempfile.TemporaryDirectory() as tmp:
        inp, outp = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with inp.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["series", "date", "count"])
            for sid, (y, dates, _cur, _meta) in enumerate(series):
                for d, c in zip(dates, y):
                    w.writerow([sid, d.isoformat(), int(c)])
        cmd = [
            "Rscript", str(R_SCRIPT), str(inp), str(outp), str(cfg.b), str(cfg.w), str(cfg.alpha),
            str(cfg.p_threshold_trend), cfg.threshold_method, str(N_EVAL),
        ]
        subprocess.run(cmd, check=True, capture_output=True)
        res = defaultdict(list)
        with outp.open() as f:
            for row in csv.DictReader(f):
                up = float(row["upper"]) if row["upper"] not in ("NA", "") else np.nan
                res[int(row["series"])].append((row["alarm"] == "TRUE", up))
        return [res[i] for i in range(len(series))]


def detected(alarms_by_series, series) -> list[bool | None]:
    """Per series: was its evaluation outbreak detected (None: it had no case)."""
    out = []
    for alarms, (_y, _d, current, _meta) in zip(alarms_by_series, series):
        ob = current[N_WEEKS - N_EVAL :] > 0
        a = np.array([x[0] for x in alarms], dtype=bool)
        out.append(bool((a & ob).any()) if ob.any() else None)
    return out


def metrics(alarms_by_series, series):
    fp = neg = det = n_ob = hit_weeks = ob_weeks = 0
    delays = []
    for alarms, (_y, _d, current, _meta) in zip(alarms_by_series, series):
        a = np.array([x[0] for x in alarms], dtype=bool)
        ob = current[N_WEEKS - N_EVAL :] > 0
        fp += int((a & ~ob).sum())
        neg += int((~ob).sum())
        if ob.any():
            n_ob += 1
            ob_weeks += int(ob.sum())
            hit_weeks += int((a & ob).sum())
            hits = np.flatnonzero(a & ob)
            if hits.size:
                det += 1
                delays.append(int(hits[0] - np.flatnonzero(ob)[0]))
    return {
        "FPR": fp / neg if neg else float("nan"),
        "POD": det / n_ob if n_ob else float("nan"),
        "sens": hit_weeks / ob_weeks if ob_weeks else float("nan"),
        "delay": float(np.mean(delays)) if delays else float("nan"),
        "n_outbreaks": n_ob,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=8, help="series per scenario and outbreak size")
    ap.add_argument("--k", type=float, nargs="+", default=[2, 4, 6, 8, 10], help="evaluation outbreak sizes (x sd)")
    ap.add_argument("--seed", type=int, default=20130401)
    ap.add_argument("--alpha", type=float, default=FarringtonConfig.alpha)
    ap.add_argument("--threshold-method", default=FarringtonConfig.threshold_method, choices=["muan", "nbPlugin"])
    ap.add_argument("--p-trend", type=float, default=FarringtonConfig.p_threshold_trend)
    ap.add_argument("--no-r", action="store_true", help="skip R's farringtonFlexible")
    ap.add_argument("--r-reps", type=int, default=1, help="series per cell also run through R")
    ap.add_argument("--no-r-compatible", action="store_true", help="skip our run that reproduces R's standard errors")
    args = ap.parse_args(argv)

    cfg = FarringtonConfig(alpha=args.alpha, threshold_method=args.threshold_method, p_threshold_trend=args.p_trend)
    ecfg = EarsConfig()
    rng = np.random.default_rng(args.seed)
    series = []
    for sc in SCENARIOS:
        for k in args.k:
            for _ in range(args.reps):
                y, dates, current = simulate(rng, sc, k)
                series.append((y, dates, current, {"scenario": sc.name, "k": k}))
    print(f"{len(series)} series ({len(SCENARIOS)} scenarios x k={args.k} x {args.reps} reps), "
          f"{N_WEEKS} weeks each, last {N_EVAL} judged; seed {args.seed}")
    print(f"Farrington: b={cfg.b} w={cfg.w} noPeriods={cfg.no_periods} alpha={cfg.alpha} "
          f"threshold={cfg.threshold_method} pTrend={cfg.p_threshold_trend} "
          f"pastWeeksNotIncluded={cfg.past_weeks_not_included} limit54={cfg.limit54}; "
          f"EARS z={ecfg.threshold} baseline={ecfg.baseline} min_sigma={ecfg.min_sigma}")

    results, timings = {}, {}
    t0 = time.perf_counter()
    results["farrington (ours)"] = [run_ours(y, d, cfg) for y, d, _c, _m in series]
    timings["farrington (ours)"] = time.perf_counter() - t0
    if not args.no_r_compatible:
        rcfg = replace(cfg, r_compatible=True)
        t0 = time.perf_counter()
        results["farrington (ours, R-compat)"] = [run_ours(y, d, rcfg) for y, d, _c, _m in series]
        timings["farrington (ours, R-compat)"] = time.perf_counter() - t0
    eval_idx = range(N_WEEKS - N_EVAL, N_WEEKS)
    for m in ("C1", "C2", "C3"):
        t0 = time.perf_counter()
        results[f"EARS {m}"] = [
            [(r.alarm, r.upper) for r in ears(y, m, ecfg, indices=eval_idx)] for y, _d, _c, _m in series
        ]
        timings[f"EARS {m}"] = time.perf_counter() - t0
    r_subset = []
    if args.no_r:
        print("R farringtonFlexible: skipped (--no-r)")
    elif not _r_available():
        print("R farringtonFlexible: not available (install r-cran-surveillance)")
    else:
        # R needs ~1.7 s a series, so it runs on the first --r-reps series of
        # every (scenario, k) cell; our R-compatible run reproduces it exactly
        # there (checked below) and stands in for it on the full set.
        seen = defaultdict(int)
        for i, s in enumerate(series):
            key = (s[3]["scenario"], s[3]["k"])
            if seen[key] < args.r_reps:
                r_subset.append(i)
                seen[key] += 1
        t0 = time.perf_counter()
        r_results = run_r([series[i] for i in r_subset], cfg)
        timings["farringtonFlexible (R)"] = time.perf_counter() - t0

    by_method = {name: metrics(res, series) for name, res in results.items()}
    print()
    print(f"{'method':<30}{'FPR':>9}{'POD':>8}{'sens':>8}{'delay':>8}{'seconds':>9}")
    for name, m in by_method.items():
        print(f"{name:<30}{m['FPR']:>9.4f}{m['POD']:>8.3f}{m['sens']:>8.3f}{m['delay']:>8.2f}{timings[name]:>9.1f}")
    print(f"nominal FPR (alpha) = {cfg.alpha}; outbreaks with >=1 case: {by_method['farrington (ours)']['n_outbreaks']}")

    compat = "farrington (ours, R-compat)"
    ref = compat if compat in results else None
    print(f"\nPOD by scenario (ours / EARS C2{' / R-compat' if ref else ''}), FPR ours{' (R-compat)' if ref else ''}")
    for sc_name in [s.name for s in SCENARIOS]:
        idx = [i for i, s in enumerate(series) if s[3]["scenario"] == sc_name]
        sub = [series[i] for i in idx]
        ours = metrics([results["farrington (ours)"][i] for i in idx], sub)
        c2 = metrics([results["EARS C2"][i] for i in idx], sub)
        line = f"  {sc_name:<26} POD {ours['POD']:.3f} / {c2['POD']:.3f}"
        if ref:
            rr = metrics([results[ref][i] for i in idx], sub)
            line += f" / {rr['POD']:.3f}   FPR {ours['FPR']:.4f} ({rr['FPR']:.4f})"
        else:
            line += f"   FPR {ours['FPR']:.4f}"
        print(line)

    print(f"\nPOD by outbreak size k (ours / EARS C2{' / R-compat' if ref else ''})")
    for k in args.k:
        idx = [i for i, s in enumerate(series) if s[3]["k"] == k]
        sub = [series[i] for i in idx]
        line = f"  k={k:<4g} " + " / ".join(
            f"{metrics([results[name][i] for i in idx], sub)['POD']:.3f}"
            for name in ("farrington (ours)", "EARS C2", *([ref] if ref else []))
        )
        print(line)

    fpr_ok = by_method["farrington (ours)"]["FPR"] <= cfg.alpha
    ok, proxy_ok, r_ok = fpr_ok, None, None
    if ref:
        ours, rr = by_method["farrington (ours)"], by_method[ref]
        pairs = list(zip(detected(results["farrington (ours)"], series), detected(results[ref], series)))
        only_ours = sum(1 for a, b in pairs if a and b is False)
        only_r = sum(1 for a, b in pairs if a is False and b)
        print(f"\nours / R-compat (full set): POD ratio {ours['POD'] / rr['POD']:.3f}, FPR ratio "
              f"{(ours['FPR'] / rr['FPR']) if rr['FPR'] else float('nan'):.3f}; outbreaks found by "
              f"ours only {only_ours}, by R-compat only {only_r} (the rest agree)")
        proxy_ok = ours["POD"] >= rr["POD"]
    if r_subset:
        sub = [series[i] for i in r_subset]
        print(f"\nOn the {len(r_subset)} series also run through R ({N_EVAL * len(r_subset)} weeks):")
        rows = {"farringtonFlexible (R)": r_results}
        for name in ("farrington (ours)", compat):
            if name in results:
                rows[name] = [results[name][i] for i in r_subset]
        for name, res in rows.items():
            m = metrics(res, sub)
            print(f"  {name:<30} FPR {m['FPR']:.4f}  POD {m['POD']:.3f}  sens {m['sens']:.3f}  delay {m['delay']:.2f}")
        if compat in rows:
            a_ours = [a for s in rows[compat] for a in s]
            a_r = [a for s in r_results for a in s]
            same_alarm = np.mean([a[0] == b[0] for a, b in zip(a_ours, a_r)])
            both = [(a[1], b[1]) for a, b in zip(a_ours, a_r) if np.isfinite(a[1]) and np.isfinite(b[1])]
            same_upper = np.mean([abs(a - b) < 1e-6 for a, b in both]) if both else float("nan")
            print(f"  R-compat vs R week by week: same alarm {same_alarm:.4f}, identical upper bound "
                  f"{same_upper:.4f} (of {len(both)} weeks where R reports one)")
        per_series_ours = timings["farrington (ours)"] / len(series)
        per_series_r = timings["farringtonFlexible (R)"] / len(r_subset)
        print(f"  time per series: ours {per_series_ours:.2f} s, R {per_series_r:.2f} s "
              f"({per_series_r / per_series_ours:.1f}x)")
        m_ours, m_r = metrics(rows["farrington (ours)"], sub), metrics(r_results, sub)
        r_ok = m_ours["POD"] >= m_r["POD"]
        ok = ok and r_ok
    for name in ("EARS C1", "EARS C2", "EARS C3"):
        m = by_method[name]
        print(f"farrington vs {name}: POD ratio {by_method['farrington (ours)']['POD'] / m['POD']:.2f}, "
              f"FPR ratio {by_method['farrington (ours)']['FPR'] / m['FPR'] if m['FPR'] else float('nan'):.3f}")
    def verdict(flag):
        return "n/a" if flag is None else ("yes" if flag else "NO")

    print(f"\nfloor: FPR <= alpha: {verdict(fpr_ok)}; POD >= farringtonFlexible on the series R ran: "
          f"{verdict(r_ok)}; POD >= R-compat stand-in on all series: {verdict(proxy_ok)} (informative: "
          f"R-compat equals R week by week, so differences there are the trend-test quirk plus noise)")
    print(f"floor {'MET' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
