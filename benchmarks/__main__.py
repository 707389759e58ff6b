"""`make bench`: run every benchmark in turn; each prints its figures and its baseline ratios.

Individual benchmarks run on their own with `python -m benchmarks.<name>`.
"""

import importlib
import sys

BENCHMARKS = ["bench_classify", "bench_same_matter", "bench_duplicates", "bench_topics", "bench_warning", "bench_hotspots"]


def main(argv: list[str]) -> int:
    selected = argv or BENCHMARKS
    failures = 0
    for name in selected:
        print(f"\n===== benchmarks.{name} =====", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        try:
            rc = module.main([])
        except SystemExit as exc:  # a benchmark may exit on a missed floor
            rc = exc.code or 0
        failures += 1 if rc else 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
