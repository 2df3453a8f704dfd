"""The records that pass between stages: Problem, Test, Candidate, Verdict.

They are plain dataclasses with ``from_dict``/``to_dict`` so that a stage can take rows
from JSONL, parquet or a Hugging Face dataset alike. ``*_features()`` give the matching
``datasets.Features`` (imported lazily: ``datasets`` is slow to import and the CLI's
help should not pay for it).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any


class Status(str, Enum):
    """How a candidate program fared. Every executor returns one of these."""

    OK = "OK"
    WRONG_ANSWER = "WRONG_ANSWER"
    RUNTIME_ERROR = "RUNTIME_ERROR"
    TIME_LIMIT = "TIME_LIMIT"
    MEMORY_LIMIT = "MEMORY_LIMIT"
    OUTPUT_LIMIT = "OUTPUT_LIMIT"
    COMPILE_ERROR = "COMPILE_ERROR"
    SYNTAX_ERROR = "SYNTAX_ERROR"
    # The sandbox or toolchain failed, not the program: retried, never held against it.
    INFRA_ERROR = "INFRA_ERROR"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Test:
    """One test. Of a stdio problem: stdin and the expected stdout. Of a function problem:
    `input` is the JSON list of arguments and `output` the JSON expected value (so both
    kinds share one schema on disk); `call_test` builds one, `args`/`expected` read it."""

    __test__ = False  # not a pytest test class

    input: str
    output: str

    @property
    def args(self) -> list[Any]:
        return json.loads(self.input)

    @property
    def expected(self) -> Any:
        return json.loads(self.output)


def call_test(args: list[Any], expected: Any) -> Test:
    """A function problem's test: the call `f(*args)` must return `expected`.

    >>> call_test([[1, 2], 3], None)
    Test(input='[[1, 2], 3]', output='null')
    """
    return Test(json.dumps(list(args)), json.dumps(expected))


def _test(row: dict[str, Any]) -> Test:
    """A test row: `{"input", "output"}`, or a function test's `{"args", "expected"}`."""
    if "args" in row and "input" not in row:
        return call_test(row["args"], row.get("expected"))
    return Test(str(row["input"]), str(row["output"]))


@dataclass(frozen=True)
class Reference:
    """A solution in the problem's source language."""

    language: str
    code: str


@dataclass(frozen=True)
class Harness:
    """A benchmark's own test program for one PL (MultiPL-E, MBXP, HumanEval-X ship one
    per language). A program is judged the way the benchmark's authors run it: `prompt`
    is the code a completion continues (imports, doc comment, the function's header),
    `tests` the test code after it, `head` any code the benchmark puts before the prompt
    (HumanEval-X's Go `package` and test imports); `benchmarks/` assembles and runs them.
    `solution` is the benchmark's canonical completion, where it has one: prompt +
    solution + tests passes."""

    __test__ = False  # not a pytest test class

    benchmark: str  # "multipl-e", "mbxp", "multi-humaneval" or "humaneval-x"
    prompt: str
    tests: str
    stop_tokens: tuple[str, ...] = ()
    solution: str | None = None
    head: str = ""
    task_id: str = ""  # the row's own id in the benchmark ("MBJP/1", "HumanEval_0_...")
    entry_point: str = ""  # the function's name in this PL (`minCost`, `MinCost`)

    @property
    def program(self) -> str | None:
        """The canonical program (prompt + solution), or None where there is no solution."""
        return self.prompt + self.solution if self.solution else None

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Harness:
        return cls(
            benchmark=str(row["benchmark"]),
            prompt=str(row.get("prompt") or ""),
            tests=str(row.get("tests") or ""),
            stop_tokens=tuple(row.get("stop_tokens") or ()),
            solution=row.get("solution") or None,
            head=str(row.get("head") or ""),
            task_id=str(row.get("task_id") or ""),
            entry_point=str(row.get("entry_point") or ""),
        )


def harnesses_field(value: Any) -> dict[str, Harness]:
    """A problem's harnesses from a dict of PL -> Harness or row, or its JSON text (how a
    corpus stores them: one string column keeps every PL's)."""
    if not value:
        return {}
    if isinstance(value, str):
        value = json.loads(value)
    return {
        str(lang): h if isinstance(h, Harness) else Harness.from_dict(h)
        for lang, h in value.items()
    }


def harnesses_json(harnesses: dict[str, Harness]) -> str:
    """The JSON text of a problem's harnesses ("" for none): a corpus column."""
    if not harnesses:
        return ""
    return json.dumps({lang: asdict(h) for lang, h in sorted(harnesses.items())})


@dataclass
class Problem:
    id: str
    source: str
    statement: str
    tests: list[Test]
    reference: Reference | None = None
    kind: str = "stdio"  # or "function"
    time_limit_s: float = 2.0
    memory_limit_mb: int = 256
    tags: list[str] = field(default_factory=list)
    difficulty: str | None = None
    # Function problems: the function's name and its typed Python signature
    # ("def f(xs: list[int], k: int) -> list[int]"); the statement is its docstring.
    entry_point: str | None = None
    signature: str | None = None
    # Benchmarks that ship tests per PL (MultiPL-E, MBXP, HumanEval-X): PL -> its harness.
    # A PL with one is judged by it; the typed tests judge the others.
    harnesses: dict[str, Harness] = field(default_factory=dict)

    @property
    def judged(self) -> bool:
        """Whether anything can judge a program: typed or stdio tests, or a harness."""
        return bool(self.tests or self.harnesses)

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Problem:
        missing = [k for k in ("id", "statement", "tests") if row.get(k) is None]
        if missing:
            raise ValueError(f"problem is missing {', '.join(missing)}")
        ref = row.get("reference")
        return cls(
            id=str(row["id"]),
            source=str(row.get("source") or str(row["id"]).split("/")[0]),
            statement=row["statement"],
            tests=[_test(t) for t in row["tests"]],
            reference=Reference(ref["language"], ref["code"]) if ref else None,
            kind=row.get("kind") or "stdio",
            time_limit_s=float(row.get("time_limit_s") or 2.0),
            memory_limit_mb=int(row.get("memory_limit_mb") or 256),
            tags=list(row.get("tags") or []),
            difficulty=row.get("difficulty"),
            entry_point=row.get("entry_point") or None,  # a corpus writes "" for stdio
            signature=row.get("signature") or None,
            harnesses=harnesses_field(row.get("harnesses")),
        )

    def to_dict(self) -> dict[str, Any]:
        """A row (`problem_features`): the harnesses as one JSON string column."""
        row = asdict(self)
        row["harnesses"] = harnesses_json(self.harnesses)
        return row


@dataclass
class Candidate:
    """A program proposed as a solution of ``problem_id`` in ``language``.

    ``extra`` keeps any column the caller's rows carried beyond ours (an ``id``, say),
    so that verdicts join back to inputs without relying on row order.
    """

    problem_id: str
    language: str
    code: str
    response: str = ""
    model: str = ""
    prompt_hash: str = ""
    sample: int = 0
    round: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Candidate:
        missing = [k for k in ("problem_id", "language", "code") if row.get(k) is None]
        if missing:
            raise ValueError(f"candidate is missing {', '.join(missing)}")
        known = {f.name for f in fields(cls)} - {"extra"}
        return cls(
            problem_id=str(row["problem_id"]),
            language=str(row["language"]),
            code=str(row["code"]),
            response=row.get("response") or "",
            model=row.get("model") or "",
            prompt_hash=row.get("prompt_hash") or "",
            sample=int(row.get("sample") or 0),
            round=int(row.get("round") or 0),
            extra={k: v for k, v in row.items() if k not in known},
        )

    def key(self) -> dict[str, Any]:
        """The columns a verdict row keeps: everything but the program text."""
        return {
            "problem_id": self.problem_id,
            "language": self.language,
            "sample": self.sample,
            "round": self.round,
            "model": self.model,
            "prompt_hash": self.prompt_hash,
            **self.extra,
        }


@dataclass
class Verdict:
    status: Status
    tests_passed: int = 0
    tests_total: int = 0
    compile_ms: float = 0.0
    run_ms: float = 0.0
    max_rss_mb: float = 0.0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        return d

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Verdict:
        return cls(
            status=Status(row["status"]),
            tests_passed=int(row.get("tests_passed") or 0),
            tests_total=int(row.get("tests_total") or 0),
            compile_ms=float(row.get("compile_ms") or 0.0),
            run_ms=float(row.get("run_ms") or 0.0),
            max_rss_mb=float(row.get("max_rss_mb") or 0.0),
            detail=row.get("detail") or "",
        )


def problem_features():  # -> datasets.Features
    from datasets import Features, Value

    return Features(
        {
            "id": Value("string"),
            "source": Value("string"),
            "statement": Value("string"),
            "tests": [{"input": Value("string"), "output": Value("string")}],
            "reference": {"language": Value("string"), "code": Value("string")},
            "kind": Value("string"),
            "time_limit_s": Value("float64"),
            "memory_limit_mb": Value("int64"),
            "tags": [Value("string")],
            "difficulty": Value("string"),
            "entry_point": Value("string"),
            "signature": Value("string"),
            "harnesses": Value("string"),  # JSON: PL -> a benchmark's harness ("" for none)
        }
    )


def verdict_features():  # -> datasets.Features
    from datasets import Features, Value

    return Features(
        {
            "status": Value("string"),
            "tests_passed": Value("int64"),
            "tests_total": Value("int64"),
            "compile_ms": Value("float64"),
            "run_ms": Value("float64"),
            "max_rss_mb": Value("float64"),
            "detail": Value("string"),
        }
    )
