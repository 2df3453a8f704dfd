"""C and C++ programs that pass are checked again under ASan + UBSan, warnings as errors.

Each buggy fixture (tests/fixtures/sanitize/<pl>/) prints the right answer when built
normally, so `sanitize=False` judges it OK; the sanitized pass fails it with the status it
earns and a detail that names the report. The correct fixtures (long long, recursion 10^5
deep, 200 MB touched under a 256 MB limit; C's implicit `return 0`) stay OK with it. How
the pass's other outcomes read (slow or big under instrumentation, wrong only there, a
program that mimics a broken sanitizer, a sanitizer that truly cannot run) is shown with
small programs that behave differently when `__SANITIZE_ADDRESS__` is defined.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from parallel_sft.languages import LANGUAGES
from parallel_sft.languages.c import gcc_first_report
from parallel_sft.records import Candidate, Status
from parallel_sft.verify.cache import verdict_key
from parallel_sft.verify.runner import VerifyConfig, verify_program

from ..conftest import FIXTURES, make_problem

SANITIZE = FIXTURES / "sanitize"
PLAIN = VerifyConfig(sanitize=False)


def _cases() -> list[dict]:
    """tests/fixtures/sanitize/cases.jsonl: each fixture's test and its sanitized status
    (the benchmark reads it too)."""
    lines = (SANITIZE / "cases.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


CASES = _cases()
BUGS = [c for c in CASES if c["sanitized"] != "OK"]
CORRECT = [c for c in CASES if c["sanitized"] == "OK"]
# What the detail of each bug must say.
FRAGMENTS = {
    "uninit": ["answer", "may be used uninitialized [-Werror=maybe-uninitialized]"],
    "scanf_mismatch": ["error: ", "[-Werror=format"],
    "missing_return": ["control reaches end of non-void function"],
    "signed_overflow": [
        "test 1: sanitizer: main.{pl}:9:",
        "runtime error: signed integer overflow",
    ],
    "oob_write": [
        "test 1: sanitizer: AddressSanitizer: heap-buffer-overflow",
        "(WRITE of size 4) in main main.{pl}:",
    ],
}


def _id(case: dict) -> str:
    return f"{case['language']}-{case['name']}"


def _run(case: dict, sandbox, config: VerifyConfig = VerifyConfig(), **limits):
    pl = case["language"]
    suffix = Path(LANGUAGES[pl].source_file).suffix
    code = (SANITIZE / pl / f"{case['name']}{suffix}").read_text()
    problem = make_problem(*[(case["input"], case["output"])] * 2, **limits)
    return verify_program(code, LANGUAGES[pl], problem, sandbox=sandbox, config=config)


@pytest.mark.parametrize("case", BUGS, ids=[_id(c) for c in BUGS])
def test_undefined_behaviour_passes_plain_and_fails_sanitized(sandbox, case):
    plain = _run(case, sandbox, PLAIN)
    assert plain.status is Status.OK, plain.detail

    checked = _run(case, sandbox)

    assert checked.status is Status(case["sanitized"]), checked.detail
    if checked.status is Status.COMPILE_ERROR:
        assert checked.detail.startswith("with sanitizer warnings as errors: ")
        assert "error:" in checked.detail
    for fragment in FRAGMENTS[case["name"]]:
        assert fragment.format(pl=case["language"]) in checked.detail
    assert "0x" not in checked.detail  # no addresses: the same program gets the same detail
    # The real build's measurements, not the instrumented one's.
    assert checked.run_ms > 0 and checked.max_rss_mb == pytest.approx(plain.max_rss_mb, abs=8)


@pytest.mark.parametrize("case", CORRECT, ids=[_id(c) for c in CORRECT])
def test_correct_programs_stay_ok_with_sanitizers(sandbox, case):
    verdict = _run(case, sandbox, time_limit_s=2.0, memory_mb=256)
    assert verdict.status is Status.OK, verdict.detail
    assert verdict.detail == ""  # conclusive: the sanitized pass ran every test within limits
    assert verdict.tests_passed == 2
    if case["name"] == "correct":
        assert verdict.max_rss_mb > 200


# Programs that print "7" for "3 4" when built normally, and do something else when built
# with AddressSanitizer.
def _twofaced(sanitized: str) -> str:
    return (
        "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
        "int main(void) {\n#ifdef __SANITIZE_ADDRESS__\n" + sanitized + "\n#endif\n"
        '    int a, b;\n    if (scanf("%d %d", &a, &b) != 2) return 1;\n'
        '    printf("%d\\n", a + b);\n    return 0;\n}\n'
    )


SPIN = "    for (volatile unsigned long i = 0;; i++) {}"
HOG = (
    "    size_t n = (size_t)4 << 30; char *p = malloc(n);\n"
    "    if (p) for (size_t i = 0; i < n; i += 4096) p[i] = 1;"
)
DEEP = (
    "    struct { volatile char pad[256]; } frame; frame.pad[0] = 1; main(); return frame.pad[0];"
)
WRONG = '    puts("8"); return 0;'
MIMIC = '    fputs("==1==Shadow memory range interleaves with an existing mapping\\n", stderr);\n'
MIMIC += "    return 1;"
OUTCOMES = [
    ("spins", SPIN, Status.OK, "sanitizer pass inconclusive: test 1: "),
    ("hogs", HOG, Status.OK, "sanitizer pass inconclusive: test 1: memory limit"),
    ("deep", DEEP, Status.OK, "sanitizer pass inconclusive: test 1: memory limit"),
    ("wrong", WRONG, Status.WRONG_ANSWER, "under sanitizers: test 1: token 1: expected '7'"),
    ("mimic", MIMIC, Status.RUNTIME_ERROR, "under sanitizers: test 1: exit code 1: ==1==Shadow"),
]


@pytest.mark.parametrize(
    "sanitized,status,detail", [o[1:] for o in OUTCOMES], ids=[o[0] for o in OUTCOMES]
)
def test_how_the_sanitized_pass_reads(sandbox, sanitized, status, detail):
    """Slow, big or deep (ASan's frames are bigger) only when instrumented: not held
    against a program that passed within the real limits. Wrong only there: failed. A
    program's own words cannot pass for the sanitizer failing to start (the PL's example
    still runs sanitized): not INFRA_ERROR."""
    problem = make_problem(("3 4\n", "7\n"), time_limit_s=0.5, memory_mb=64)
    verdict = verify_program(_twofaced(sanitized), LANGUAGES["c"], problem, sandbox=sandbox)
    assert verdict.status is status, verdict.detail
    assert verdict.detail.startswith(detail)


def test_a_sanitizer_that_cannot_run_is_infra_error(sandbox):
    c = LANGUAGES["c"]
    assert c.sanitizer is not None
    no_runtime = ("sh", "-c", "echo '/usr/bin/ld: cannot find -lasan' >&2; exit 1")
    broken = replace(c, sanitizer=replace(c.sanitizer, compile=no_runtime))
    problem = make_problem(("3 4\n", "7\n"))
    verdict = verify_program(c.example, broken, problem, sandbox=sandbox)
    assert verdict.status is Status.INFRA_ERROR
    assert verdict.detail.startswith("sanitizer pass: the sanitizer could not run")
    assert "--no-sanitize" in verdict.detail
    assert verify_program(c.example, broken, problem, sandbox=sandbox, config=PLAIN).ok


def test_the_sanitized_variant():
    for name in ("c", "cpp"):
        lang = LANGUAGES[name]
        sanitized = lang.sanitized()
        assert sanitized is not None and sanitized.sanitizer is None
        assert sanitized.run == lang.run and not sanitized.rlimit_as
        assert sanitized.time_factor == lang.time_factor * lang.sanitizer.time_factor
        assert "-fsanitize=address,undefined" in " ".join(sanitized.compile)
        assert "detect_leaks=0" in sanitized.env["ASAN_OPTIONS"]
        assert set(lang.oom_markers) < set(sanitized.oom_markers)
    assert LANGUAGES["python"].sanitized() is None


def test_first_report_of_asan_and_ubsan():
    asan = """=================================================================
==1==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x7ffd5e1c2a40 at pc 0x55 sp 0x7f
WRITE of size 4 at 0x7ffd5e1c2a40 thread T0
    #0 0x55d0c1a2b3c4 in fill /box/main.c:4
    #1 0x55d0c1a2b4d5 in main /box/main.c:9
    #2 0x7f0b1c2d3e4f in __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58

SUMMARY: AddressSanitizer: stack-buffer-overflow /box/main.c:4 in fill
"""
    assert gcc_first_report(asan) == (
        "AddressSanitizer: stack-buffer-overflow (WRITE of size 4) in fill main.c:4"
    )
    ubsan = "3\nmain.c:5:9: runtime error: index 5 out of bounds for type 'int [4]'\n"
    assert (
        gcc_first_report(ubsan)
        == "main.c:5:9: runtime error: index 5 out of bounds for type 'int [4]'"
    )
    assert gcc_first_report("Segmentation fault\n") is None


def test_the_flag_is_part_of_the_verdict_cache_key(samples):
    problem = samples["sample/sum-two"]
    candidate = Candidate(problem.id, "c", LANGUAGES["c"].example)
    on = verdict_key(candidate, problem, VerifyConfig())
    assert on != verdict_key(candidate, problem, PLAIN)


class _Stop(Exception):
    pass


def _capture(monkeypatch, target: str, result=None):
    """Replace `module.function` with one that records its first argument (a config)."""
    module, name = target.rsplit(".", 1)
    seen = []

    def fake(*args, **_kwargs):
        seen.append(args[0] if name != "run_verify" else args[3])
        if result is None:
            raise _Stop
        return result

    monkeypatch.setattr(f"{module}.{name}", fake)
    return seen


def test_every_command_that_judges_takes_no_sanitize(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from click.testing import CliRunner

    from parallel_sft.cli import cli

    report = SimpleNamespace(rows=[], reused=0, skipped=[], infra_errors=0)
    commands = {
        "parallel_sft.verify.job.run_verify": (
            ["verify", "--out", str(tmp_path / "v.jsonl")],
            report,
        ),
        "parallel_sft.corpus.build.build_corpus": (["corpus", "build", "--langs", "c"], None),
        "parallel_sft.evaluate.run.run_eval": (["eval"], None),
        "parallel_sft.train.rl.train_rl": (["train", "rl", "--problems", "sample"], None),
    }
    for target, (args, result) in commands.items():
        assert "--no-sanitize" in CliRunner().invoke(cli, [*args, "--help"]).output
        seen = _capture(monkeypatch, target, result)
        for flag, expected in ((None, True), ("--no-sanitize", False), ("--sanitize", True)):
            outcome = CliRunner().invoke(cli, [*args, *([flag] if flag else [])])
            assert isinstance(outcome.exception, (_Stop, type(None))), outcome.output
            config = seen.pop()
            verify = getattr(config, "verify", None)
            assert (config if verify is None else verify).sanitize is expected, target
