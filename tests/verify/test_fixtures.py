"""Every PL end to end: correct programs are OK, broken ones get the verdict they earn.

Per PL (tests/fixtures/programs/<pl>/ plus the registry's own example):
- the registry example on `sample/sum-two`, and `count-words` and `average` on their
  sample problems, every test: OK;
- `wrong`, `loop`, `crash`, `compile_error` on sum-two: WRONG_ANSWER, TIME_LIMIT,
  RUNTIME_ERROR, COMPILE_ERROR (Clojure has no compile step: its unparsable program fails
  when run).

The whole suite runs once through the worker pool (a session fixture), and the stability
test runs it once more while both cores are kept busy: the verdicts must not change. (It
ran three more times until CI neared its time budget; one loaded run covers the same
timing margins, and `benchmarks/` is where repeated runs belong.)
"""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest

from parallel_sft.languages import LANGUAGES
from parallel_sft.records import Candidate, Problem, Status
from parallel_sft.verify.pool import verify_batch

from ..conftest import PROGRAMS

EXPECTED = {
    "example": Status.OK,
    "count-words": Status.OK,
    "average": Status.OK,
    "wrong": Status.WRONG_ANSWER,
    "loop": Status.TIME_LIMIT,
    "crash": Status.RUNTIME_ERROR,
    "compile_error": Status.COMPILE_ERROR,
}
CASES = [(lang, name) for lang in sorted(LANGUAGES) for name in EXPECTED]


def expected(lang: str, name: str) -> Status:
    if name == "compile_error" and LANGUAGES[lang].compile is None:
        return Status.RUNTIME_ERROR
    return EXPECTED[name]


def suite(samples: dict[str, Problem]) -> list[tuple[Candidate, Problem]]:
    sum_two = samples["sample/sum-two"]
    # The broken variants need no more than a second to show what they are.
    quick = replace(sum_two, time_limit_s=1.0)
    items = []
    for lang, name in CASES:
        language = LANGUAGES[lang]
        if name == "example":
            code, problem = language.example, sum_two
        else:
            path = PROGRAMS / lang / f"{name}{Path(language.source_file).suffix}"
            code = path.read_text()
            problem = samples[f"sample/{name}"] if EXPECTED[name] is Status.OK else quick
        items.append((Candidate(problem.id, lang, code), problem))
    return items


@pytest.fixture(scope="module")
def verdicts(suite_verdicts):
    return suite_verdicts  # one local run of the suite, shared with the Ray tests


@pytest.mark.parametrize("lang,name", CASES, ids=[f"{lang}-{name}" for lang, name in CASES])
def test_fixture_verdict(verdicts, samples, lang, name):
    verdict = verdicts[(lang, name)]
    assert verdict.status is expected(lang, name), verdict.detail
    if verdict.ok:
        problem = samples[f"sample/{'sum-two' if name == 'example' else name}"]
        assert verdict.tests_passed == verdict.tests_total == len(problem.tests)


def _burn() -> None:
    while True:
        pass


@pytest.mark.slow
@pytest.mark.timeout(900)  # a full run at half speed: about 3 minutes on 2 cores
def test_verdicts_are_stable_while_both_cores_are_busy(verdicts, samples):
    burners = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(2)]
    for b in burners:
        b.start()
    try:
        runs = [verify_batch(suite(samples), progress=False)]
    finally:
        for b in burners:
            b.kill()
            b.join()
    baseline = [(verdicts[c].status, verdicts[c].tests_passed) for c in CASES]
    for run in runs:
        statuses = [(v.status, v.tests_passed) for v in run]
        changed = {
            CASES[i]: (base, now, run[i].detail)
            for i, (base, now) in enumerate(zip(baseline, statuses, strict=True))
            if base != now
        }
        assert changed == {}
