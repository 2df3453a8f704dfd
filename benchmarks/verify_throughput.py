"""Programs verified per second per PL with the full worker pool, and the sandbox's cost.

For each PL, `--copies` copies of its registry example (reads a b, prints a+b) are judged
on every test of the bundled `sample/sum-two` problem, three ways, in this one process:

- sandboxed: bubblewrap + per-run cgroup + rlimits (what `psft verify` does);
- limits only: no bubblewrap, same cgroup and rlimits (`--no-sandbox`);
- bare: no bubblewrap, no cgroup, rlimits only (the cheapest way to run a program at all).

It prints programs/s per PL for each way and the ratio sandboxed / bare of wall time, so
the numbers compare runs on the same machine at the same moment.

    python benchmarks/verify_throughput.py                 # every PL, 4 copies each
    python benchmarks/verify_throughput.py --langs c,python,java --copies 8
"""

from __future__ import annotations

import argparse
import os
import time

from parallel_sft.languages import parse_languages
from parallel_sft.records import Candidate
from parallel_sft.samples import load_sample_problems
from parallel_sft.verify import pool
from parallel_sft.verify.runner import VerifyConfig
from parallel_sft.verify.sandbox import Sandbox


def _bare_worker(isolate: bool) -> None:
    pool._worker_sandbox = Sandbox(isolate=False)
    pool._worker_sandbox.cgroups = None


def measure(items, isolate: bool, bare: bool, workers: int) -> float:
    """Wall seconds to judge `items`; every verdict must be OK for the number to count."""
    if bare:
        pool._init_worker = _bare_worker  # each pool worker builds its sandbox through this
    try:
        start = time.perf_counter()
        verdicts = pool.verify_batch(
            items, VerifyConfig(isolate=isolate), workers=workers, progress=False
        )
        elapsed = time.perf_counter() - start
    finally:
        pool._init_worker = _original_init
    bad = [v for v in verdicts if not v.ok]
    if bad:
        raise SystemExit(f"benchmark programs failed: {bad[0].status} {bad[0].detail}")
    return elapsed


_original_init = pool._init_worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="all")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()

    problem = next(p for p in load_sample_problems() if p.id == "sample/sum-two")
    langs = parse_languages(args.langs)
    print(
        f"{len(problem.tests)} tests per program, {args.copies} programs per PL, "
        f"{args.workers} workers, {Sandbox().describe()}"
    )
    header = f"{'language':<12}{'sandboxed/s':>12}{'limits/s':>10}{'bare/s':>9}{'sandbox/bare':>14}"
    print(header)
    print("-" * len(header))
    totals = {"sandboxed": 0.0, "limits": 0.0, "bare": 0.0}
    for lang in langs:
        items = [(Candidate(problem.id, lang.name, lang.example), problem)] * args.copies
        t_box = measure(items, isolate=True, bare=False, workers=args.workers)
        t_lim = measure(items, isolate=False, bare=False, workers=args.workers)
        t_bare = measure(items, isolate=False, bare=True, workers=args.workers)
        for key, t in zip(totals, (t_box, t_lim, t_bare), strict=True):
            totals[key] += t
        n = args.copies
        print(
            f"{lang.name:<12}{n / t_box:>12.2f}{n / t_lim:>10.2f}{n / t_bare:>9.2f}"
            f"{t_box / t_bare:>13.2f}x"
        )
    n = args.copies * len(langs)
    print("-" * len(header))
    print(
        f"{'all':<12}{n / totals['sandboxed']:>12.2f}{n / totals['limits']:>10.2f}"
        f"{n / totals['bare']:>9.2f}{totals['sandboxed'] / totals['bare']:>13.2f}x"
    )


if __name__ == "__main__":
    main()
