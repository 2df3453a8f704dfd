"""Worker count and job order for a batch that mixes compile-bound and run-bound PLs.

The batch: the fixture set of benchmarks/verify_vs_naive.py (every PL: its registry
example and two fixture programs on their sample problems), shuffled with `--seed`. It is
judged (sandboxed, sanitized pass off) with 2, 3 and 4 workers (`--workers`), each in the
given order and longest first (verify/pool.py's `longest_first`, from each PL's measured
`compile_s` and `start_s`), and prints the wall times and the gain of ordering.

    python benchmarks/verify_schedule.py
    python benchmarks/verify_schedule.py --workers 2,3 --langs c,java,kotlin,python,scala
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from verify_vs_naive import fixture_set  # noqa: E402

from parallel_sft.languages import parse_languages  # noqa: E402
from parallel_sft.samples import load_sample_problems  # noqa: E402
from parallel_sft.verify import pool  # noqa: E402
from parallel_sft.verify.runner import VerifyConfig  # noqa: E402


def timed(items, workers: int, ordered: bool) -> float:
    keep = pool.longest_first
    if not ordered:
        pool.longest_first = lambda work: work
    try:
        start = time.perf_counter()
        verdicts = pool.verify_batch(items, VerifyConfig(sanitize=False), workers=workers,
                                     progress=False)  # fmt: skip
        elapsed = time.perf_counter() - start
    finally:
        pool.longest_first = keep
    bad = [
        (c.language, v.status.value) for (c, _), v in zip(items, verdicts, strict=True) if not v.ok
    ]
    if bad:
        raise SystemExit(f"not every program passed: {bad[:5]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="all")
    parser.add_argument("--workers", default="2,3,4")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    samples = {p.id: p for p in load_sample_problems()}
    items = fixture_set(samples, parse_languages(args.langs))
    random.Random(args.seed).shuffle(items)
    print(f"{len(items)} programs in {len({c.language for c, _ in items})} PLs, shuffled "
          f"(seed {args.seed}); sanitized pass off")  # fmt: skip
    header = f"{'workers':<9}{'given order s':>15}{'longest first s':>17}{'gain':>8}"
    print(header)
    print("-" * len(header))
    for workers in (int(w) for w in args.workers.split(",")):
        given = timed(items, workers, ordered=False)
        ordered = timed(items, workers, ordered=True)
        print(f"{workers:<9}{given:>15.1f}{ordered:>17.1f}{given / ordered:>7.2f}x", flush=True)


if __name__ == "__main__":
    main()
