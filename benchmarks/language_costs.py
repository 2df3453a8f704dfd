"""What one short program costs in each PL: compile, one run bare, one run sandboxed.

For each PL its registry example (reads "a b", prints a+b) is compiled once bare and once
in the sandbox (the first of each is a warm-up, not counted), then run `--runs` times each
way on "3 4"; it prints the medians and the sandboxed/bare ratio of a run. The bare way is
the naive harness's (benchmarks/verify_vs_naive.py): the PL's commands, a bare subprocess
in a temporary directory that stands in for the sandbox's /tmp. The sandboxed way is
`Sandbox.execute` with the limits a test run gets: bubblewrap, a cgroup, rlimits.

These are the numbers behind each language module's `compile_s` and `start_s` (the pool
starts the costliest jobs first, see verify/pool.py) and the sandbox's overhead on short
programs.

    python benchmarks/language_costs.py                  # every PL
    python benchmarks/language_costs.py --langs c,python,java --runs 20
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from verify_vs_naive import bare_commands  # noqa: E402

from parallel_sft.languages import Language, parse_languages  # noqa: E402
from parallel_sft.verify.limits import Limits  # noqa: E402
from parallel_sft.verify.sandbox import Sandbox  # noqa: E402

STDIN = "3 4\n"


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(lang: Language, sandbox: Sandbox, runs: int) -> tuple[float, float, float, float]:
    """(bare compile s, sandboxed compile s, bare run s, sandboxed run s), medians."""
    toolchain = lang.find_toolchain()
    if toolchain is None:
        raise SystemExit(f"{lang.name}: toolchain missing ({lang.install_hint()})")
    entry = lang.entry_point(lang.example)
    limits = Limits()
    values = {"src": entry.source_file, "memory_mb": str(limits.memory_mb),
              **lang.placeholders(), **entry.values}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="costs-") as root:
        bare, boxed = Path(root, "bare"), Path(root, "box")
        for d in (bare, boxed):
            d.mkdir()
            (d / entry.source_file).write_text(lang.example)
        (Path(root) / "in").write_text(STDIN)

        fill, env = bare_commands(lang, toolchain, values, str(bare))
        sandbox_env = {k: v.format(**values) for k, v in lang.env.items()}

        def compile_bare() -> None:
            if lang.compile is not None:
                done = subprocess.run([fill(a) for a in lang.compile], cwd=bare, env=env,
                                      capture_output=True)  # fmt: skip
                if done.returncode != 0:
                    raise SystemExit(f"{lang.name}: bare compile failed: {done.stderr[-500:]}")

        def compile_boxed() -> None:
            if lang.compile is not None:
                done = sandbox.execute([a.format(**values) for a in lang.compile], box=boxed,
                                       scratch=Path(root, "c"), limits=limits.for_compile(),
                                       env=sandbox_env, toolchain=toolchain,
                                       ro_paths=lang.sandbox_paths, writable=True,
                                       rlimit_as=lang.rlimit_as)  # fmt: skip
                if done.exit_code != 0:
                    raise SystemExit(f"{lang.name}: sandboxed compile failed: {done.stderr[-500:]}")

        run = entry.run or lang.run

        def run_bare() -> None:
            done = subprocess.run([fill(a) for a in run], cwd=bare, env=env, input=STDIN.encode(),
                                  capture_output=True)  # fmt: skip
            if done.stdout.split() != [b"7"]:
                raise SystemExit(f"{lang.name}: bare run printed {done.stdout[:100]!r}")

        def run_boxed() -> None:
            done = sandbox.execute([a.format(**values) for a in run], box=boxed,
                                   scratch=Path(root, "r"), limits=limits.for_run(lang),
                                   stdin=Path(root, "in"), env=sandbox_env,
                                   toolchain=toolchain, ro_paths=lang.sandbox_paths,
                                   rlimit_as=lang.rlimit_as)  # fmt: skip
            if done.stdout.split() != [b"7"]:
                raise SystemExit(f"{lang.name}: sandboxed run printed {done.stdout[:100]!r}")

        timings = []
        for fn, count in ((compile_bare, 2), (compile_boxed, 2), (run_bare, runs + 1),
                          (run_boxed, runs + 1)):  # fmt: skip
            timings.append(statistics.median([_timed(fn) for _ in range(count)][1:]))
        return tuple(timings)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="all")
    parser.add_argument("--runs", type=int, default=10, help="runs each way (medians)")
    args = parser.parse_args()
    sandbox = Sandbox()
    print(f"one process at a time; {sandbox.describe()}")
    header = (f"{'language':<12}{'compile s':>10}{'sandboxed':>10}{'run ms':>9}"
              f"{'sandboxed':>10}{'run ratio':>11}")  # fmt: skip
    print(header)
    print("-" * len(header))
    ratios = []
    for lang in parse_languages(args.langs):
        c_bare, c_box, r_bare, r_box = measure(lang, sandbox, args.runs)
        ratios.append(r_box / r_bare)
        print(f"{lang.name:<12}{c_bare:>10.2f}{c_box:>10.2f}{r_bare * 1000:>9.1f}"
              f"{r_box * 1000:>10.1f}{r_box / r_bare:>10.2f}x", flush=True)  # fmt: skip
    print("-" * len(header))
    print(f"{'median':<12}{'':>39}{statistics.median(ratios):>10.2f}x")


if __name__ == "__main__":
    main()
