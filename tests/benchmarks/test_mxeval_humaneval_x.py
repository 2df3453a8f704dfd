"""MBXP and HumanEval-X as sources: rows of our own in each benchmark's real schema
(tests/fixtures/sources/{mbxp,humaneval_x}), read into problems with one harness per PL,
and every canonical solution judged by its benchmark's tests in the real sandbox. A wrong
solution fails in every PL: a harness that passes anything would pass it too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallel_sft.benchmarks import completion_of, protocol
from parallel_sft.errors import PsftError
from parallel_sft.records import Candidate, Harness, Problem, Status
from parallel_sft.sources import load_source
from parallel_sft.verify.pool import verify_batch

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
MBXP = f"mbxp:{FIXTURES / 'mbxp'}"
HUMANEVAL_X = f"humaneval-x:{FIXTURES / 'humaneval_x'}"

# A wrong body per PL for the canonical solutions' tasks: same shape, wrong answer.
WRONG = {
    ("mbxp/1", "python"): "\treturn a - b",
    ("mbxp/2", "python"): "\treturn len(s)",
    ("mbxp/1", "java"): "        return a * b;\n    }\n}",
    ("mbxp/1", "javascript"): "  return a * b;\n}",
    ("mbxp/2", "typescript"): "\treturn s.length;\n};",
    ("mbxp/2", "ruby"): "  s.length\nend",
    ("mbxp/1", "php"): "    return $a * $b;\n}",
    ("mbxp/2", "cpp"): "    return s.size();\n}",
    ("mbxp/2", "csharp"): "\n            return s.Length;\n        }",
    ("humaneval-x/0", "python"): "    return sum(numbers)\n",
    ("humaneval-x/0", "cpp"): "    int t=0;\n    for (int x : numbers) t+=x;\n    return t;\n}\n",
    ("humaneval-x/0", "java"): "        return numbers.size();\n    }\n}",
    ("humaneval-x/0", "javascript"): "  return numbers.length;\n}\n",
    ("humaneval-x/0", "go"): "    return len(numbers)\n}\n",
    ("humaneval-x/0", "rust"): "\n    return numbers.len() as i32;\n}\n",
    ("humaneval-x/1", "python"): "    return sum(1 for c in s if c.islower())\n",
    ("humaneval-x/1", "cpp"): "    return s.size();\n}\n",
    ("humaneval-x/1", "java"): "        return s.length();\n    }\n}",
}


@pytest.fixture(scope="module")
def mbxp() -> tuple[list[Problem], dict[str, int]]:
    return load_source(MBXP)


@pytest.fixture(scope="module")
def humaneval_x() -> tuple[list[Problem], dict[str, int]]:
    return load_source(HUMANEVAL_X)


def test_mbxp_rows_become_problems_with_a_harness_per_language(mbxp):
    problems, skipped = mbxp
    by_id = {p.id: p for p in problems}
    assert sorted(by_id) == ["mbxp/1", "mbxp/2"]
    add, vowels = by_id["mbxp/1"], by_id["mbxp/2"]
    assert sorted(add.harnesses) == ["java", "javascript", "perl", "php", "python"]
    assert sorted(vowels.harnesses) == ["cpp", "csharp", "python", "ruby", "typescript"]
    # Swift is a PL we do not have: its row is counted, not guessed at.
    assert skipped == {"unknown_language_swift": 1}
    java = add.harnesses["java"]
    assert (java.benchmark, java.entry_point, java.task_id) == ("mbxp", "addTwo", "MBJP/1")
    assert java.solution and java.prompt.rstrip().endswith("{")
    assert add.harnesses["perl"].solution is None  # MBXP has no Perl solutions
    # The Python row gives typed tests and the signature, beside the harnesses.
    assert add.signature == "def add_two(a: int, b: int) -> int"
    assert [t.args for t in add.tests] == [[1, 2], [-4, 4], [10, 5]]
    assert add.reference.language == "python" and "return a + b" in add.reference.code
    assert add.statement == "Write a function to add two integers."


def test_humaneval_x_rows_read_their_entry_points_and_go_and_rust_pieces(humaneval_x):
    problems, skipped = humaneval_x
    assert [p.id for p in problems] == ["humaneval-x/0", "humaneval-x/1"] and not skipped
    p = problems[0]
    assert sorted(problems[1].harnesses) == ["cpp", "java", "python"]
    assert sorted(p.harnesses) == ["cpp", "go", "java", "javascript", "python", "rust"]
    names = {lang: h.entry_point for lang, h in p.harnesses.items()}
    assert names == {"cpp": "sum_squares", "go": "SumSquares", "java": "sumSquares",
                     "javascript": "sumSquares", "python": "sum_squares",
                     "rust": "sum_squares"}  # fmt: skip
    go, rust = p.harnesses["go"], p.harnesses["rust"]
    assert go.head.startswith("package main") and '"math"' not in go.prompt
    assert rust.prompt.startswith("\nuse std::") and "fn main()" in rust.head
    assert p.signature == "def sum_squares(numbers: list[int]) -> int" and len(p.tests) == 3


def _programs(problems: list[Problem]) -> list[tuple[str, Candidate, Problem]]:
    out = []
    for p in problems:
        for lang, h in sorted(p.harnesses.items()):
            if h.solution is None:
                continue
            for kind, body in (("right", h.solution), ("wrong", WRONG[(p.id, lang)])):
                out.append((kind, Candidate(p.id, lang, h.prompt + body), p))
    return out


@pytest.fixture(scope="module")
def judged(mbxp, humaneval_x):
    items = _programs(mbxp[0]) + _programs(humaneval_x[0])
    verdicts = verify_batch([(c, p) for _, c, p in items], workers=2, progress=False)
    return {
        (kind, c.problem_id, c.language): v for (kind, c, _), v in zip(items, verdicts, strict=True)
    }


def test_every_canonical_solution_passes_and_every_wrong_one_fails(judged):
    assert len(judged) == 2 * (9 + 6 + 3)
    for (kind, pid, lang), verdict in judged.items():
        assert verdict.status is not Status.INFRA_ERROR, (pid, lang, verdict.detail)
        if kind == "right":
            assert verdict.ok, (pid, lang, verdict.detail)
            assert (verdict.tests_passed, verdict.tests_total) == (1, 1)
        else:
            assert not verdict.ok, (pid, lang, "a wrong solution passed")


def test_a_javascript_console_assert_that_only_prints_fails_humaneval_x(humaneval_x, sandbox):
    # HumanEval-X's JavaScript tests use console.assert, which prints and exits 0: the
    # benchmark's rule (any output fails) is what catches the wrong answer.
    p = humaneval_x[0][0]
    from parallel_sft.languages import get_language
    from parallel_sft.verify.runner import verify_program

    h = p.harnesses["javascript"]
    verdict = verify_program(h.prompt + WRONG[(p.id, "javascript")], get_language("javascript"),
                             p, sandbox=sandbox)  # fmt: skip
    assert verdict.status is Status.WRONG_ANSWER and "Assertion failed" in verdict.detail


def test_a_model_program_is_spliced_into_the_benchmark_prompt():
    h = Harness(
        benchmark="mbxp", entry_point="addTwo", tests="",
        prompt="class AddTwo {\n    /** doc */\n    public static int addTwo(int a, int b) {\n",
    )  # fmt: skip
    answer = (
        "import java.util.*;\n\nclass AddTwo {\n    public static int addTwo(int a, int b) {\n"
        "        return a + b;\n    }\n}\n"
    )
    assert completion_of(answer, h, "addTwo") == h.prompt + "        return a + b;\n    }\n}\n"
    # A sample that already starts with the prompt is left as it is.
    assert completion_of(h.prompt + "x", h, "addTwo") == h.prompt + "x"
    # MultiPL-E's tests close the function: a spliced body stops at the first stop token.
    cut = Harness(benchmark="multipl-e", entry_point="f", tests="", stop_tokens=("\n}",),
                  prompt="function f(x) {\n")  # fmt: skip
    for answer in ("function f(x) {\n  return x;\n}\nf(1);\n",
                   "// the answer\nfunction f(x) {\n  return x;\n}\nf(1);\n"):  # fmt: skip
        assert completion_of(answer, cut, "f") == "function f(x) {\n  return x;"


def test_humaneval_x_go_gets_the_imports_its_solution_uses(humaneval_x):
    h = humaneval_x[0][0].harnesses["go"]
    program = protocol("humaneval-x").assemble(h.prompt + h.solution, h, "go")
    assert program.startswith(h.head) and 'import (\n"math"\n)' in program
    assert program.rstrip().endswith(h.tests.rstrip())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1 is not JSON"),
        ('{"task_id": "MBJP/3", "language": "java"}\n', None),
        ("[1, 2]\n", None),
    ],
)
def test_bad_benchmark_files_are_one_line_errors_or_counted_skips(tmp_path, content, message):
    (tmp_path / "mbjp_release_v1.2.jsonl").write_text(content)
    if message is not None:
        with pytest.raises(PsftError, match=message):
            load_source(f"mbxp:{tmp_path}")
        return
    problems, skipped = load_source(f"mbxp:{tmp_path}")
    assert problems == [] and skipped.get("malformed_row", 0) == (1 if "task_id" in content else 0)


def test_unknown_languages_in_a_benchmark_file_are_counted(tmp_path):
    row = {"task_id": "MBXYZ/1", "language": "cobol", "prompt": "x", "test": "y",
           "entry_point": "f", "canonical_solution": None, "description": ""}  # fmt: skip
    (tmp_path / "rows.jsonl").write_text(json.dumps(row) + "\n")
    problems, skipped = load_source(f"mbxp:{tmp_path}")
    assert problems == [] and skipped == {"unknown_language_cobol": 1}


def test_a_missing_local_copy_is_one_line(tmp_path):
    with pytest.raises(PsftError, match="no such file or directory"):
        load_source(f"humaneval-x:{tmp_path / 'nowhere.jsonl'}")


def test_hub_copies_offline_are_one_line_errors(tmp_path):
    # In a process of its own: huggingface_hub reads HF_HUB_OFFLINE when it is imported.
    from ..evaluate.test_eval_scripted import psft as psft_offline

    for name in ("mbxp", "humaneval-x", "multipl-e:humaneval"):
        result = psft_offline("verify", "--problems", name, "--out", str(tmp_path / "v.jsonl"))
        assert result.returncode != 0, name
        assert "HF_HUB_OFFLINE=1" in result.stderr and "Traceback" not in result.stderr, name
    with pytest.raises(PsftError, match="neither a local path nor one of humaneval, mbpp"):
        load_source("multipl-e:codeforces")


def test_verify_without_candidates_checks_every_canonical_solution(tmp_path):
    from ..test_cli import psft

    out = tmp_path / "v.jsonl"
    result = psft("verify", "--problems", MBXP, "--langs", "python,php", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "│ php      │ 1  │ 1     │ 100.0%" in result.stdout
    assert "│ python   │ 2  │ 2     │ 100.0%" in result.stdout
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["model"] for r in rows} == {"canonical"} and len(rows) == 3
    # MultiPL-E ships no solutions: nothing to check, said in one line.
    bare = psft("verify", "--problems", f"multipl-e:{FIXTURES / 'multipl_e'}",
                "--out", str(tmp_path / "w.jsonl"))  # fmt: skip
    assert bare.returncode != 0 and "--candidates" in bare.stderr
    assert "Traceback" not in bare.stderr


def test_the_csharp_comparison_library_compares_deeply_and_by_type(sandbox):
    # MBXP's C# tests compare with CompareNETObjects; our stand-in must agree with its
    # defaults: equal collections and tuples are equal, an int is not a long.
    from parallel_sft.languages import get_language
    from parallel_sft.verify.runner import verify_program

    checks = [
        ("new List<int> {1, 2}", "new List<int> {1, 2}", True),
        ("new List<int> {1, 2}", "new List<int> {2, 1}", False),
        (
            'new List<List<string>> {new List<string> {"a"}}',
            'new List<List<string>> {new List<string> {"a"}}',
            True,
        ),  # fmt: skip
        (
            'new Dictionary<string, int> {{"a", 1}}',
            'new Dictionary<string, int> {{"a", 1}}',
            True,
        ),  # fmt: skip
        (
            'new Dictionary<string, int> {{"a", 1}}',
            'new Dictionary<string, int> {{"a", 2}}',
            False,
        ),  # fmt: skip
        ('(1, "x")', '(1, "x")', True),
        ("Tuple.Create(1, 2.5)", "Tuple.Create(1, 2.5)", True),
        ("1", "1L", False),
        ("(string)null", "(string)null", True),
    ]
    body = "".join(
        f"            if (logic.Compare({a}, {b}).AreEqual != {str(want).lower()}) "
        f'throw new Exception("check {i}");\n'
        for i, (a, b, want) in enumerate(checks)
    )
    harness = Harness(
        benchmark="mbxp", entry_point="Id", task_id="MBCSP/0",
        prompt="using System;\nusing System.Collections.Generic;\n"
        "using KellermanSoftware.CompareNetObjects;\n\nnamespace Solution\n{\n"
        "    public class Program\n    {\n        public static int Id (int x) \n        {",
        tests="\n\n        public static void Main(string[] args)\n        {\n"
        "            CompareLogic logic = new CompareLogic();\n" + body + "        }\n    }\n}\n",
    )  # fmt: skip
    problem = Problem("mbxp/0", "mbxp", "", [], kind="function", harnesses={"csharp": harness})
    code = harness.prompt + "\n            return x;\n        }"
    verdict = verify_program(code, get_language("csharp"), problem, sandbox=sandbox)
    assert verdict.ok, verdict.detail


def test_prompts_show_the_benchmark_prompt_and_pls_without_tests_are_not_asked(mbxp):
    from parallel_sft.languages import get_language
    from parallel_sft.prompts import render_solve, render_translate
    from parallel_sft.verify.functions import cannot_run

    vowels = {p.id: p for p in mbxp[0]}["mbxp/2"]
    chat = render_solve(vowels, "cpp").chat[-1]["content"]
    assert vowels.harnesses["cpp"].prompt.strip() in chat  # the benchmark's own header
    turn = render_translate(vowels, "csharp").chat[-1]["content"]
    assert "public static int CountVowels (string s)" in turn
    # A PL without a harness is judged by the typed tests (the Python row's asserts)...
    assert cannot_run(vowels, get_language("lua")) is None
    # ...and where there are none, it is not asked, with a counted reason.
    bare = Problem("mbxp/9", "mbxp", "", [], kind="function",
                   harnesses={"java": vowels.harnesses["cpp"]})  # fmt: skip
    assert cannot_run(bare, get_language("lua")) == "the benchmark has no tests in this language"
    assert cannot_run(bare, get_language("java")) is None
