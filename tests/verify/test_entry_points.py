"""Programs name their entry points as people write them, and still verify.

tests/fixtures/entry/<pl>/ holds sum-two solutions in the shapes contest archives and
models produce: `public class atcoder_ABC043_B`, a package, `object Solution extends App`,
`module Solution where`, a namespace, an AtCoder-style Elixir `Main.main`, a Clojure
`-main`; and, for the PLs whose runner needs nothing from the program, the shapes that
might have tripped it (D's `module` line, a Nim `proc main`, an OCaml module, Racket's
`main` submodule, a named Fortran `program`, PHP's namespace, TypeScript's `export`, a
Python main guard and numpy). A file's name says what it must get: `ok-*` is OK on every
test, `ambiguous-*` and `none-*` are a COMPILE_ERROR whose detail says there are several
entry points, or none. All of them run once through the worker pool, in the real sandbox.

The conventional shape is unchanged: every program of the fixture suite (the three sample
problems' solutions and the broken variants, in every PL) and every registry example keep
the default entry point, so they run exactly as before (test_fixtures.py then checks
their verdicts through the same runner).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parallel_sft.languages import LANGUAGES, get_language
from parallel_sft.languages.entry import EntryPoint, EntryPointError
from parallel_sft.records import Candidate, Status
from parallel_sft.verify.pool import verify_batch

from ..conftest import FIXTURES, PROGRAMS

ENTRY = FIXTURES / "entry"
CASES = sorted((p.parent.name, p.name) for p in ENTRY.glob("*/*") if p.is_file())
IDS = [f"{lang}-{Path(name).stem}" for lang, name in CASES]


def resolved(lang, entry: EntryPoint) -> tuple:
    """What the runner does with an entry point: file name, placeholders, run command."""
    return entry.source_file, {**lang.placeholders(), **entry.values}, entry.run or lang.run


def is_default(lang, code: str) -> bool:
    return resolved(lang, lang.entry_point(code)) == resolved(lang, EntryPoint(lang.source_file))


@pytest.fixture(scope="module")
def verdicts(samples):
    problem = samples["sample/sum-two"]
    items = [
        (Candidate(problem.id, lang, (ENTRY / lang / name).read_text()), problem)
        for lang, name in CASES
    ]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


def test_every_kind_of_fixture_is_there():
    kinds = {name.split("-")[0] for _, name in CASES}
    assert kinds == {"ok", "ambiguous", "none"}
    langs = {lang for lang, _ in CASES}
    assert {"java", "kotlin", "scala", "haskell", "csharp", "go", "elixir", "clojure"} <= langs
    assert {"d", "nim", "ocaml", "racket", "fortran", "php", "typescript", "python"} <= langs


@pytest.mark.parametrize("lang,name", CASES, ids=IDS)
def test_program_in_the_shape_people_write_gets_its_verdict(verdicts, samples, lang, name):
    verdict = verdicts[(lang, name)]
    if name.startswith("ok-"):
        assert verdict.status is Status.OK, verdict.detail
        assert verdict.tests_passed == len(samples["sample/sum-two"].tests)
    else:
        assert verdict.status is Status.COMPILE_ERROR
        wanted = "ambiguous entry point" if name.startswith("ambiguous-") else "no entry point"
        assert verdict.detail.startswith(wanted), verdict.detail
        assert verdict.compile_ms == 0.0  # named before any compiler ran


def test_java_names_the_file_after_the_public_class_and_runs_the_class_with_main():
    java = get_language("java")
    entry = java.entry_point((ENTRY / "java" / "ok-package.java").read_text())
    assert entry.source_file == "Solution.java"
    assert entry.values == {"main_class": "codeforces.round1.Solution"}
    code = "public class Util {}\nclass Runner { public static void main(String[] a) {} }\n"
    entry = java.entry_point(code)
    assert (entry.source_file, entry.values["main_class"]) == ("Util.java", "Runner")


def test_kotlin_scala_and_haskell_entry_points():
    kotlin = get_language("kotlin").entry_point((ENTRY / "kotlin" / "ok-jvmname.kt").read_text())
    assert kotlin.values == {"main_class": "abc043.AtCoder"}
    scala = get_language("scala").entry_point((ENTRY / "scala" / "ok-package.scala").read_text())
    assert scala.values == {"main_class": "atcoder.abc.Sol"}
    haskell = get_language("haskell").entry_point(
        (ENTRY / "haskell" / "ok-hierarchical-exports.hs").read_text()
    )
    assert haskell.values == {"main_module": "Contest.ABC043.B"}


def test_a_program_that_does_not_parse_keeps_the_default_for_the_compiler_to_judge():
    for lang, code in [
        ("java", "class A { public static void main(String[] a) { int x = ; } }\n"
         "class B { public static void main(String[] a) {} }\n"),
        ("scala", "object A extends App { val = }\nobject B extends App {}\n"),
        ("kotlin", "object A { @JvmStatic fun main(a: Array<String>) { val = } }\n"),
    ]:  # fmt: skip
        assert is_default(get_language(lang), code)


def test_an_ambiguous_program_is_named_with_its_candidates():
    with pytest.raises(EntryPointError, match=r"2 classes .*\(First, Second\)"):
        get_language("java").entry_point((ENTRY / "java" / "ambiguous-two-mains.java").read_text())


PROGRAM_FILES = sorted(
    (lang, path.name)
    for lang in LANGUAGES
    for path in (PROGRAMS / lang).iterdir()
    if path.suffix == Path(LANGUAGES[lang].source_file).suffix
)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_the_registry_example_keeps_the_conventional_entry_point(lang):
    assert is_default(LANGUAGES[lang], LANGUAGES[lang].example)


@pytest.mark.parametrize("lang,name", PROGRAM_FILES, ids=[f"{a}-{b}" for a, b in PROGRAM_FILES])
def test_the_fixture_suite_keeps_the_conventional_entry_point(lang, name):
    assert is_default(LANGUAGES[lang], (PROGRAMS / lang / name).read_text())
