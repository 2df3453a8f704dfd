"""psft's verification against a naive harness: the same candidates, same machine, same run.

The naive harness is what one writes in an afternoon: per candidate, write the file, run
the PL's compile command once, then one bare `subprocess.run` per test with a timeout and
the output compared token-wise; a thread pool of the same worker count; no isolation, no
cgroup, no rlimits. It takes each PL's commands from the registry, as psft does. psft
judges the same candidates with its default pool (bubblewrap, a cgroup per run, rlimits)
and `sanitize=False`, so that both build each program once.

The sets:
- `fixtures`: in every PL, the registry example on sample/sum-two and the `count-words`
  and `average` fixtures (tests/fixtures/programs/) on their sample problems;
- `c`, `cpp`: `--generated` programs each (contest style: C++ includes <bits/stdc++.h>),
  every one distinct, on sum-two's 8 tests (`--tests 1`: compile-bound, one test each);
- `java`, `python`: `--generated` programs each on a problem with 20 tests;
- `scala`: `--generated` programs each on sum-two's tests (compile-bound: scalac takes
  about 1.4 s a program).

psft compiles Java and Scala with a compile server in each worker's sandbox session
(verify/compile_server.py); `PSFT_COMPILE_SERVERS=0` measures it without.

Each set is judged naive, psft, psft, naive (each goes first once; `--turns 1`: naive,
psft); it prints per set and PL the programs, tests, seconds both ways and naive/psft:
above 1, psft is faster.

    python benchmarks/verify_vs_naive.py                      # everything
    python benchmarks/verify_vs_naive.py --sets c,cpp --generated 300
    python benchmarks/verify_vs_naive.py --sets fixtures --langs c,java,python
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from parallel_sft.languages import get_language, parse_languages
from parallel_sft.languages.base import SYSTEM_PATH
from parallel_sft.records import Candidate, Problem, Test
from parallel_sft.samples import load_sample_problems
from parallel_sft.verify.checker import compare
from parallel_sft.verify.limits import Limits
from parallel_sft.verify.pool import verify_batch
from parallel_sft.verify.runner import VerifyConfig

PROGRAMS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "programs"
SETS = ("fixtures", "c", "cpp", "java", "python", "scala")


def bare_commands(lang, toolchain, values: dict[str, str], work: str):
    """How the naive harness fills a command template, and its environment. The sandbox
    gives each run a private /tmp; here `work` stands in for it (Nim's --nimcache:/tmp/...,
    HOME=/tmp), so concurrent candidates do not collide."""

    def fill(arg: str) -> str:
        return re.sub(r"(?<![\w/])/tmp(?=/|$)", work, arg.format(**values))

    env = {
        "PATH": ":".join((*toolchain.bin_dirs, *SYSTEM_PATH)), "HOME": work,
        "TMPDIR": work, "LANG": "C.UTF-8", **{k: fill(v) for k, v in lang.env.items()},
    }  # fmt: skip
    return fill, env


def naive_one(cand: Candidate, problem: Problem) -> bool:
    """Compile once, run each test bare; True when every test passes."""
    lang = get_language(cand.language)
    toolchain = lang.find_toolchain()
    if toolchain is None:
        raise SystemExit(f"{lang.name}: toolchain missing")
    entry = lang.entry_point(cand.code)
    limits = Limits().for_problem(problem)
    values = {"src": entry.source_file, "memory_mb": str(limits.memory_mb),
              **lang.placeholders(), **entry.values}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="naive-") as work:
        fill, env = bare_commands(lang, toolchain, values, work)
        Path(work, entry.source_file).write_text(cand.code)
        if lang.compile is not None:
            argv = [fill(a) for a in lang.compile]
            built = subprocess.run(argv, cwd=work, env=env, capture_output=True,
                                   timeout=limits.for_compile().wall_s)  # fmt: skip
            if built.returncode != 0:
                return False
        argv = [fill(a) for a in (entry.run or lang.run)]
        wall = limits.for_run(lang).wall_s
        for test in problem.tests:
            try:
                ran = subprocess.run(argv, cwd=work, env=env, input=test.input.encode(),
                                     capture_output=True, timeout=wall)  # fmt: skip
            except subprocess.TimeoutExpired:
                return False
            if ran.returncode != 0 or not compare(test.output, ran.stdout.decode())[0]:
                return False
    return True


def naive(items, workers: int) -> list[bool]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda item: naive_one(*item), items))


def fixture_set(samples: dict[str, Problem], langs) -> list[tuple[Candidate, Problem]]:
    items = []
    for lang in langs:
        sum_two = samples["sample/sum-two"]
        items.append((Candidate(sum_two.id, lang.name, lang.example), sum_two))
        for name in ("count-words", "average"):
            code = (PROGRAMS / lang.name / f"{name}{Path(lang.source_file).suffix}").read_text()
            items.append((Candidate(f"sample/{name}", lang.name, code), samples[f"sample/{name}"]))
    return items


C_PROGRAM = """#include <stdio.h>
int main(void) {{
    long long a, b, k = {k};
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    for (long long i = 0; i < k; i++) a += i % 2 ? -1 : 1;
    printf("%lld\\n", a + b - (k % 2));
    return 0;
}}
"""
CPP_PROGRAM = """#include <bits/stdc++.h>
using namespace std;
int main() {{
    ios::sync_with_stdio(false);
    long long a, b;
    cin >> a >> b;
    vector<long long> v = {{a, b, {k}LL}};
    long long s = accumulate(v.begin(), v.begin() + 2, 0LL);
    cout << s << "\\n";
    return 0;
}}
"""
JAVA_PROGRAM = """import java.util.*;
public class Main {{
    public static void main(String[] args) {{
        Scanner in = new Scanner(System.in);
        long a = in.nextLong(), b = in.nextLong(), k = {k}L;
        System.out.println(a + b + k - {k}L);
    }}
}}
"""
SCALA_PROGRAM = """object Main {{
  def main(args: Array[String]): Unit = {{
    val Array(a, b) = scala.io.StdIn.readLine().trim.split(" +").map(_.toLong)
    val k = {k}L
    println(a + b + k - k)
  }}
}}
"""
PYTHON_PROGRAM = """import sys
a, b = map(int, sys.stdin.readline().split())
k = {k}
print(a + b + k - {k})
"""
TEMPLATES = {"c": C_PROGRAM, "cpp": CPP_PROGRAM, "java": JAVA_PROGRAM, "python": PYTHON_PROGRAM,
             "scala": SCALA_PROGRAM}  # fmt: skip


def generated_set(name: str, count: int, samples: dict[str, Problem], tests: int | None = None):
    problem = samples["sample/sum-two"]
    if tests is not None and name in ("c", "cpp", "scala"):  # compile-bound: `--tests 1`
        problem = replace(problem, id=f"bench/sum-{tests}", tests=problem.tests[:tests])
    if name in ("java", "python"):  # many tests per program
        tests = [Test(f"{i} {3 * i - 7}\n", f"{4 * i - 7}\n") for i in range(20)]
        problem = replace(problem, id="bench/sum-20", tests=tests)
    return [(Candidate(problem.id, name, TEMPLATES[name].format(k=k)), problem)
            for k in range(count)]  # fmt: skip


def measure(items, workers: int, turns: int = 2, psft_workers: int | None = None):
    """(naive s, psft s), each summed over `turns` turns, the two taking turns going first."""
    config = VerifyConfig(sanitize=False)
    spent = {"naive": 0.0, "psft": 0.0}
    for order in ((("naive", "psft"), ("psft", "naive")) * turns)[:turns]:
        for way in order:
            start = time.perf_counter()
            if way == "naive":
                passed = naive(items, workers)
            else:
                passed = [v.ok for v in verify_batch(items, config, workers=psft_workers or workers,
                                                     progress=False)]  # fmt: skip
            spent[way] += time.perf_counter() - start
            if not all(passed):
                bad = items[passed.index(False)][0]
                raise SystemExit(f"{way}: a {bad.language} program failed: {bad.code[:200]}")
    return spent["naive"], spent["psft"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--langs", default="all", help="PLs of the fixtures set")
    parser.add_argument("--generated", type=int, default=150, help="programs per generated set")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--psft-workers", type=int, default=None,
                        help="psft's pool size (default: --workers)")  # fmt: skip
    parser.add_argument("--tests", type=int, default=None,
                        help="c and cpp sets: only the first N of sum-two's 8 tests")  # fmt: skip
    parser.add_argument("--turns", type=int, default=2, help="runs each way (1 for big sets)")
    args = parser.parse_args()
    samples = {p.id: p for p in load_sample_problems()}
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    psft_workers = args.psft_workers or args.workers
    print(f"{args.workers} naive threads, {psft_workers} psft workers; each way {args.turns}x;"
          " sanitized pass off")  # fmt: skip
    header = (f"{'set':<10}{'language':<12}{'programs':>9}{'tests':>7}{'naive s':>9}"
              f"{'psft s':>8}{'naive/psft':>12}")  # fmt: skip
    print(header)
    print("-" * len(header))
    total = [0.0, 0.0]
    for name in sets:
        if name == "fixtures":
            groups = {}
            for item in fixture_set(samples, parse_languages(args.langs)):
                groups.setdefault(item[0].language, []).append(item)
        elif name in TEMPLATES:
            groups = {name: generated_set(name, args.generated, samples, args.tests)}
        else:
            raise SystemExit(f"unknown set {name!r}; known: {', '.join(SETS)}")
        for lang, items in groups.items():
            t_naive, t_psft = measure(items, args.workers, args.turns, args.psft_workers)
            total[0] += t_naive
            total[1] += t_psft
            tests = sum(len(p.tests) for _, p in items)
            print(f"{name:<10}{lang:<12}{len(items):>9}{tests:>7}{t_naive:>9.1f}{t_psft:>8.1f}"
                  f"{t_naive / t_psft:>11.2f}x")  # fmt: skip
    print("-" * len(header))
    print(f"{'all':<22}{'':>16}{total[0]:>9.1f}{total[1]:>8.1f}{total[0] / total[1]:>11.2f}x")


if __name__ == "__main__":
    main()
