"""Hand-written functions in every language that takes function problems, on the shared
problems of tests/fixtures/functions/problems.jsonl (between them every type: int, float,
bool, str, None, list, tuple, dict, Optional), through the real sandbox and each language's
test driver.

tests/fixtures/functions/<language>/ holds `<problem>.ok.<ext>` (must pass every test) and
failure variants `<problem>.<case>.<ext>` whose status and exact tests_passed are in that
folder's expected.json. Every language with a driver must have a folder with an `ok`
program for each problem (except one whose signature its `unsupported` refuses: there
is nothing to write): adding a driver without fixtures fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallel_sft.languages import LANGUAGES, get_language
from parallel_sft.languages.types import parse_signature
from parallel_sft.records import Problem, Status
from parallel_sft.verify.pool import verify_batch

from ..conftest import FIXTURES

HERE = FIXTURES / "functions"
PROBLEMS = {
    p.id.removeprefix("fn/"): p
    for p in (Problem.from_dict(json.loads(line)) for line in open(HERE / "problems.jsonl"))
}
WITH_DRIVERS = sorted(name for name, lang in LANGUAGES.items() if lang.functions is not None)


def cases(lang: str) -> list[tuple[str, str, Path]]:
    """(problem, case, file) for every fixture program of `lang`."""
    found = []
    for path in sorted((HERE / lang).iterdir()):
        if path.name == "expected.json":
            continue
        problem, case = path.name.split(".")[:2]
        found.append((problem, case, path))
    return found


def expressible(lang: str) -> set[str]:
    """The shared problems whose signatures `lang` can express."""
    functions = LANGUAGES[lang].functions
    return {
        name
        for name, p in PROBLEMS.items()
        if not functions.unsupported(parse_signature(p.signature, p.entry_point))
    }


def test_every_language_with_a_driver_has_a_correct_program_per_problem():
    assert "python" in WITH_DRIVERS and expressible("python") == set(PROBLEMS)
    for lang in WITH_DRIVERS:
        ok = {problem for problem, case, _ in cases(lang) if case == "ok"}
        assert ok == expressible(lang), lang


@pytest.mark.parametrize("lang", WITH_DRIVERS)
def test_fixtures_get_their_verdicts(lang):
    expected = json.loads((HERE / lang / "expected.json").read_text())
    items = [(_candidate(lang, path), PROBLEMS[problem]) for problem, case, path in cases(lang)]
    verdicts = verify_batch(items, progress=False)
    got = {}
    for (problem, case, _), verdict in zip(cases(lang), verdicts, strict=True):
        got[f"{problem}.{case}"] = (verdict.status.value, verdict.tests_passed, verdict.detail)
    for name, (status, passed, detail) in got.items():
        problem, case = name.split(".")
        if case == "ok":
            want = (Status.OK.value, len(PROBLEMS[problem].tests))
        else:
            want = (expected[name]["status"], expected[name]["tests_passed"])
        assert (status, passed) == want, f"{lang} {name}: {detail}"
    assert set(expected) <= set(got), f"{lang}: expected.json names missing programs"
    failures = {name.split(".")[1] for name in got} - {"ok"}
    assert {"wrong", "raises", "loop", "compile"} <= failures, lang


def _candidate(lang: str, path: Path):
    from parallel_sft.records import Candidate

    get_language(lang)  # the folder is named after the registry key
    return Candidate(f"fn/{path.name.split('.')[0]}", lang, path.read_text())
