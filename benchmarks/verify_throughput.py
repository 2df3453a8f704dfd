"""Programs verified per second per PL with the full worker pool, and the sandbox's cost.

For each PL, `--copies` copies of its registry example (reads a b, prints a+b) are judged
on every test of the bundled `sample/sum-two` problem, three ways, in this one process:

- sandboxed: bubblewrap + per-run cgroup + rlimits (what `psft verify --no-sanitize`
  does: this table is the sandbox's cost, the sanitized pass has its own below);
- limits only: no bubblewrap, same cgroup and rlimits (`--no-sandbox`);
- bare: no bubblewrap, no cgroup, rlimits only (the cheapest way to run a program at all).

It prints programs/s per PL for each way and the ratio sandboxed / bare of wall time, so
the numbers compare runs on the same machine at the same moment.

The sanitizer table (C and C++ only) judges, sandboxed, the registry example on sum-two,
the `count-words` and `average` fixtures (tests/fixtures/programs/) on their sample
problems and every fixture of tests/fixtures/sanitize/ on its test, `--copies` times each,
without and with the sanitized pass (`--no-sanitize` and the default), and prints both
wall times and their ratio: what the pass costs. The buggy sanitize fixtures stop early
under sanitizers (a compile error or the first report), as such programs would.

    python benchmarks/verify_throughput.py                 # every PL, 4 copies each
    python benchmarks/verify_throughput.py --langs c,python,java --copies 8
    python benchmarks/verify_throughput.py --only sanitizer --copies 2
    python benchmarks/verify_throughput.py --only functions --copies 8
    python benchmarks/verify_throughput.py --executor ray --copies 8
    python benchmarks/verify_throughput.py --executor ray --ray-address 10.0.0.5:6379

`--executor ray` prints one table instead: the registry examples through the local pool
and through Ray sandbox actors (as many as local workers), both started and warmed up once,
then judged in turns (local, ray, ray, local), programs/s each and the ratio ray/local:
Ray's overhead on the same machine in the same run. Without --ray-address it starts a
private Ray instance in this process with --workers CPUs; with one it joins that cluster
(its actors may then sit on other machines: the ratio is no longer like for like).

The function table (every PL with a test driver) judges the hand-written correct functions
of tests/fixtures/functions/ on their problems, all tests in one driver process, and again
split into one problem per test, as a harness that starts a process per test would.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from pathlib import Path

from parallel_sft.languages import parse_languages
from parallel_sft.records import Candidate, Problem, Status, Test, Verdict
from parallel_sft.samples import load_sample_problems
from parallel_sft.verify import executors, pool
from parallel_sft.verify.runner import VerifyConfig
from parallel_sft.verify.sandbox import Sandbox

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def _bare_worker(isolate: bool) -> None:
    executors._worker_sandbox = Sandbox(isolate=False)
    executors._worker_sandbox.cgroups = None


def timed(items, config: VerifyConfig, workers: int) -> tuple[float, list[Verdict]]:
    """Wall seconds to judge `items` with `config`, and the verdicts."""
    start = time.perf_counter()
    verdicts = pool.verify_batch(items, config, workers=workers, progress=False)
    return time.perf_counter() - start, verdicts


def measure(items, isolate: bool, bare: bool, workers: int) -> float:
    """Wall seconds to judge `items`; every verdict must be OK for the number to count."""
    if bare:
        executors._init_worker = _bare_worker  # each pool worker builds its sandbox through this
    try:
        # The sandbox against bare runs, like for like: the sanitized pass is the other table.
        elapsed, verdicts = timed(items, VerifyConfig(isolate=isolate, sanitize=False), workers)
    finally:
        executors._init_worker = _original_init
    bad = [v for v in verdicts if not v.ok]
    if bad:
        raise SystemExit(f"benchmark programs failed: {bad[0].status} {bad[0].detail}")
    return elapsed


_original_init = executors._init_worker


def sandbox_table(problem: Problem, langs, copies: int, workers: int) -> None:
    header = f"{'language':<12}{'sandboxed/s':>12}{'limits/s':>10}{'bare/s':>9}{'sandbox/bare':>14}"
    print(header)
    print("-" * len(header))
    totals = {"sandboxed": 0.0, "limits": 0.0, "bare": 0.0}
    for lang in langs:
        items = [(Candidate(problem.id, lang.name, lang.example), problem)] * copies
        t_box = measure(items, isolate=True, bare=False, workers=workers)
        t_lim = measure(items, isolate=False, bare=False, workers=workers)
        t_bare = measure(items, isolate=False, bare=True, workers=workers)
        for key, t in zip(totals, (t_box, t_lim, t_bare), strict=True):
            totals[key] += t
        print(
            f"{lang.name:<12}{copies / t_box:>12.2f}{copies / t_lim:>10.2f}"
            f"{copies / t_bare:>9.2f}{t_box / t_bare:>13.2f}x"
        )
    n = copies * len(langs)
    print("-" * len(header))
    print(
        f"{'all':<12}{n / totals['sandboxed']:>12.2f}{n / totals['limits']:>10.2f}"
        f"{n / totals['bare']:>9.2f}{totals['sandboxed'] / totals['bare']:>13.2f}x"
    )


def sanitizer_items(lang, samples: dict[str, Problem]):
    """(candidate, problem, status expected under sanitizers) for one of C, C++."""
    items = [(Candidate("sample/sum-two", lang.name, lang.example), samples["sample/sum-two"])]
    suffix = Path(lang.source_file).suffix  # the registry says how a program file ends
    for name in ("count-words", "average"):
        code = (FIXTURES / "programs" / lang.name / f"{name}{suffix}").read_text()
        items.append((Candidate(f"sample/{name}", lang.name, code), samples[f"sample/{name}"]))
    expected = [Status.OK] * len(items)
    for line in (FIXTURES / "sanitize" / "cases.jsonl").read_text().splitlines():
        case = json.loads(line)
        if case["language"] != lang.name:
            continue
        code = (FIXTURES / "sanitize" / lang.name / f"{case['name']}{suffix}").read_text()
        test = Test(case["input"], case["output"])
        problem = Problem(f"sanitize/{case['name']}", "sanitize", "", [test])
        items.append((Candidate(problem.id, lang.name, code), problem))
        expected.append(Status(case["sanitized"]))
    return items, expected


def sanitizer_table(samples: dict[str, Problem], langs, copies: int, workers: int) -> None:
    """Rows per PL: the programs that pass under sanitizers (the pass's full cost), those it
    fails (it stops at their first report), and both."""
    header = (
        f"{'language':<10}{'programs':<10}{'n':>4}{'plain s':>9}{'sanitized s':>13}{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    totals = [0.0, 0.0]
    for lang in langs:
        base, expected = sanitizer_items(lang, samples)
        groups = {
            "passing": [i for i, e in zip(base, expected, strict=True) if e is Status.OK],
            "buggy": [i for i, e in zip(base, expected, strict=True) if e is not Status.OK],
        }
        times = []
        for group, items in groups.items():
            t_plain, plain = timed(items * copies, VerifyConfig(sanitize=False), workers)
            t_san, checked = timed(items * copies, VerifyConfig(), workers)
            bad = [v for v in plain if not v.ok]
            if bad:
                raise SystemExit(f"failed without sanitizers: {bad[0].status} {bad[0].detail}")
            if [v.ok for v in checked] != [group == "passing"] * len(checked):
                raise SystemExit(f"{lang.name} {group}: unexpected verdicts under sanitizers")
            times.append((t_plain, t_san))
            print(
                f"{lang.name:<10}{group:<10}{len(checked):>4}{t_plain:>9.2f}{t_san:>13.2f}"
                f"{t_san / t_plain:>7.2f}x"
            )
        t_plain, t_san = (sum(t) for t in zip(*times, strict=True))
        totals[0] += t_plain
        totals[1] += t_san
        print(f"{lang.name:<10}{'all':<14}{t_plain:>9.2f}{t_san:>13.2f}{t_san / t_plain:>7.2f}x")
    print("-" * len(header))
    print(f"{'all':<24}{totals[0]:>9.2f}{totals[1]:>13.2f}{totals[1] / totals[0]:>7.2f}x")


def function_items(lang, per_test: bool):
    """The hand-written correct functions of tests/fixtures/functions/<lang>/ on their
    problems: as they are (all tests in one driver process), or split into one problem per
    test (a driver per test: one process each, and one build each for compiled PLs)."""
    problems = {}
    for line in (FIXTURES / "functions" / "problems.jsonl").read_text().splitlines():
        problem = Problem.from_dict(json.loads(line))
        problems[problem.id.removeprefix("fn/")] = problem
    items = []
    for path in sorted((FIXTURES / "functions" / lang.name).glob("*.ok.*")):
        problem = problems[path.name.split(".")[0]]
        code = path.read_text()
        singles = [replace(problem, tests=[t]) for t in problem.tests] if per_test else [problem]
        items += [(Candidate(problem.id, lang.name, code), p) for p in singles]
    return items


def function_table(langs, copies: int, workers: int) -> None:
    """Rows per PL with a test driver: function candidates per second, all tests in one
    process against one process per test, and the ratio of their wall times."""
    header = (
        f"{'language':<12}{'candidates':>11}{'tests':>7}{'one/s':>8}{'per-test/s':>12}{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for lang in langs:
        if lang.functions is None or not (FIXTURES / "functions" / lang.name).is_dir():
            continue
        together = function_items(lang, per_test=False) * copies
        apart = function_items(lang, per_test=True) * copies
        t_one, one = timed(together, VerifyConfig(sanitize=False), workers)
        t_apart, split = timed(apart, VerifyConfig(sanitize=False), workers)
        bad = [v for v in one + split if not v.ok]
        if bad:
            raise SystemExit(f"{lang.name} functions failed: {bad[0].status} {bad[0].detail}")
        print(
            f"{lang.name:<12}{len(together):>11}{len(apart):>7}{len(together) / t_one:>8.2f}"
            f"{len(together) / t_apart:>12.2f}{t_apart / t_one:>7.2f}x"
        )


def ray_table(problem: Problem, langs, copies: int, workers: int, address: str | None) -> None:
    import ray

    from parallel_sft.verify.executors import LocalWorkers
    from parallel_sft.verify.ray_workers import RayWorkers

    if address is None:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    config = VerifyConfig(sanitize=False)
    local, actors = LocalWorkers(workers), RayWorkers(address, workers)
    header = f"{'language':<12}{'local/s':>9}{'ray/s':>8}{'ray/local':>11}"
    print(header)
    print("-" * len(header))
    totals = {"local": 0.0, "ray": 0.0}
    try:
        warm = [(Candidate(problem.id, lang.name, lang.example), problem) for lang in langs]
        for pool_ in (local, actors):  # workers started, toolchains' files in the page cache
            pool.verify_batch(warm, config, pool=pool_, progress=False)
        for lang in langs:
            items = [(Candidate(problem.id, lang.name, lang.example), problem)] * copies
            spent = {"local": 0.0, "ray": 0.0}
            turns = [("local", local), ("ray", actors)]
            for turn in (turns, turns[::-1]):  # each goes first once
                for name, pool_ in turn:
                    start = time.perf_counter()
                    verdicts = pool.verify_batch(items, config, pool=pool_, progress=False)
                    spent[name] += time.perf_counter() - start
                    if not all(v.ok for v in verdicts):
                        bad = next(v for v in verdicts if not v.ok)
                        raise SystemExit(f"{lang.name} on {name}: {bad.status} {bad.detail}")
            for key in totals:
                totals[key] += spent[key]
            n = 2 * copies
            print(f"{lang.name:<12}{n / spent['local']:>9.2f}{n / spent['ray']:>8.2f}"
                  f"{spent['local'] / spent['ray']:>10.2f}x")  # fmt: skip
    finally:
        local.close()
        actors.close()
    n = 2 * copies * len(langs)
    print("-" * len(header))
    print(f"{'all':<12}{n / totals['local']:>9.2f}{n / totals['ray']:>8.2f}"
          f"{totals['local'] / totals['ray']:>10.2f}x")  # fmt: skip
    print(actors.summary())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="all")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--only", choices=("sandbox", "sanitizer", "functions"), default=None)
    parser.add_argument("--executor", choices=("local", "ray"), default="local")
    parser.add_argument("--ray-address", default=None)
    args = parser.parse_args()

    samples = {p.id: p for p in load_sample_problems()}
    problem = samples["sample/sum-two"]
    langs = parse_languages(args.langs)
    print(f"{args.copies} copies of each program, {args.workers} workers, {Sandbox().describe()}")
    if args.executor == "ray":
        print(f"registry examples on {problem.id}, the local pool against Ray actors:")
        ray_table(problem, langs, args.copies, args.workers, args.ray_address)
        return
    if args.only in (None, "sandbox"):
        print(f"registry examples on {problem.id} ({len(problem.tests)} tests each):")
        sandbox_table(problem, langs, args.copies, args.workers)
    sanitized = [lang for lang in langs if lang.sanitizer is not None]
    if args.only in (None, "sanitizer") and sanitized:
        print()
        print("the sanitized pass (ASan + UBSan, warnings as errors), sandboxed:")
        sanitizer_table(samples, sanitized, args.copies, args.workers)
    if args.only in (None, "functions"):
        print()
        print("function problems (tests/fixtures/functions), all tests in one process or one")
        print("process per test (a driver each, built each time for compiled PLs):")
        function_table(langs, args.copies, args.workers)


if __name__ == "__main__":
    main()
