"""What one short program costs in each PL: compile, one run bare, one run sandboxed.

For each PL its registry example (reads "a b", prints a+b) is compiled bare, in a sandbox
of its own and in a sandbox session (the first of each is a warm-up, not counted), then
run `--runs` times each way on "3 4"; it prints the medians and the sandboxed/bare ratio
of a run both ways. The bare way is the naive harness's (benchmarks/verify_vs_naive.py):
the PL's commands, a bare subprocess in a temporary directory that stands in for the
sandbox's /tmp. "sandbox" is `Sandbox.execute` with the limits a test run gets
(bubblewrap, a cgroup, rlimits), one bubblewrap per run; "session" is the same run through
an open sandbox session (verify/session.py), which is how the verifier runs a program's
compile and tests.

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
from parallel_sft.verify.session import session_for  # noqa: E402

STDIN = "3 4\n"


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(lang: Language, sandbox: Sandbox, runs: int) -> tuple[float, ...]:
    """Medians, in seconds: compile bare, in a sandbox, in a session; run the same three."""
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
        session = session_for(sandbox, Path(root), toolchain, lang.sandbox_paths)
        if session is None:
            raise SystemExit("sandbox sessions do not work here (see the log)")
        run = entry.run or lang.run

        def boxed_run(way: str, template, limits, **kw):
            argv = [a.format(**values) for a in template]
            if way == "session":  # as the verifier asks: a PL's runs may start from a zygote
                zygote = lang.zygote and template == run
                return session.execute(argv, box=boxed, scratch=Path(root, "s"), limits=limits,
                                       env=sandbox_env, zygote=zygote, **kw)  # fmt: skip
            return sandbox.execute(argv, box=boxed, scratch=Path(root, "r"), limits=limits,
                                   env=sandbox_env, toolchain=toolchain,
                                   ro_paths=lang.sandbox_paths, rlimit_as=lang.rlimit_as,
                                   **kw)  # fmt: skip

        def compile_bare() -> None:
            if lang.compile is not None:
                done = subprocess.run([fill(a) for a in lang.compile], cwd=bare, env=env,
                                      capture_output=True)  # fmt: skip
                if done.returncode != 0:
                    raise SystemExit(f"{lang.name}: bare compile failed: {done.stderr[-500:]}")

        def compile_boxed(way: str) -> None:
            if lang.compile is not None:
                done = boxed_run(way, lang.compile, limits.for_compile(), writable=True)
                if done.exit_code != 0:
                    raise SystemExit(f"{lang.name}: {way} compile failed: {done.stderr[-500:]}")

        def run_bare() -> None:
            done = subprocess.run([fill(a) for a in run], cwd=bare, env=env, input=STDIN.encode(),
                                  capture_output=True)  # fmt: skip
            if done.stdout.split() != [b"7"]:
                raise SystemExit(f"{lang.name}: bare run printed {done.stdout[:100]!r}")

        def run_boxed(way: str) -> None:
            done = boxed_run(way, run, limits.for_run(lang), stdin=Path(root, "in"))
            if done.stdout.split() != [b"7"]:
                raise SystemExit(f"{lang.name}: {way} run printed {done.stdout[:100]!r}")

        steps = (
            (compile_bare, 2),
            (lambda: compile_boxed("sandbox"), 2),
            (lambda: compile_boxed("session"), 2),
            (run_bare, runs + 1),
            (lambda: run_boxed("sandbox"), runs + 1),
            (lambda: run_boxed("session"), runs + 1),
        )
        return tuple(statistics.median([_timed(fn) for _ in range(n)][1:]) for fn, n in steps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="all")
    parser.add_argument("--runs", type=int, default=10, help="runs each way (medians)")
    args = parser.parse_args()
    sandbox = Sandbox()
    print(f"one process at a time; {sandbox.describe()}")
    header = (f"{'language':<12}{'compile s':>10}{'sandbox':>8}{'session':>8}{'run ms':>8}"
              f"{'sandbox':>8}{'session':>8}{'sandbox/bare':>13}{'session/bare':>13}")  # fmt: skip
    print(header)
    print("-" * len(header))
    ratios: list[tuple[float, float]] = []
    for lang in parse_languages(args.langs):
        c_bare, c_box, c_session, r_bare, r_box, r_session = measure(lang, sandbox, args.runs)
        ratios.append((r_box / r_bare, r_session / r_bare))
        print(f"{lang.name:<12}{c_bare:>10.2f}{c_box:>8.2f}{c_session:>8.2f}"
              f"{r_bare * 1000:>8.1f}{r_box * 1000:>8.1f}{r_session * 1000:>8.1f}"
              f"{r_box / r_bare:>12.2f}x{r_session / r_bare:>12.2f}x", flush=True)  # fmt: skip
    print("-" * len(header))
    medians = [statistics.median(column) for column in zip(*ratios, strict=True)]
    print(f"{'median':<12}{'':>50}{medians[0]:>12.2f}x{medians[1]:>12.2f}x")


if __name__ == "__main__":
    main()
