"""What the function-level sources (HumanEval, MBPP) share: from a Python reference and
assert statements to a `kind="function"` Problem, or a Skip that says why.

The signature comes from the reference's annotations where every parameter and the
return have one. Otherwise it is inferred from the test values (`types.infer`) and the
problem is tagged `types_inferred`; where the values do not decide a type (an empty
list's items, an int here and a string there) that place is `Any`, never guessed: the
problem is tagged `types_any`, and every language but Python skips it with that reason.
Ints and floats in one place widen to float; Python's driver still passes a test's int as
an int (HumanEval/92 and /151 tell them apart), typed languages get the float. Tests
whose values do not have the signature's types are dropped; a problem left without tests
is skipped (`no_literal_tests`). Asserts that are not literal calls (`sources/asserts.py`) and
dropped tests are counted in `skipped` under `asserts_dropped`, beside the skip reasons,
so a loader's report says how much testing it kept.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..languages.functions import types_in
from ..languages.types import (
    ANY,
    AmbiguousTypeError,
    Signature,
    Type,
    TypeSyntaxError,
    conforms,
    infer,
    parse_signature,
)
from ..records import Problem, Reference, call_test
from .apps import check_source_language
from .asserts import ParsedAsserts
from .base import Row, Skip, run_loader

ASSERTS_DROPPED = "asserts_dropped"


def function_problem(
    *,
    problem_id: str,
    source: str,
    reference: str,
    entry_point: str,
    parsed: ParsedAsserts,
    statement: str | None = None,
    skipped: Counter[str] | None = None,
    time_limit_s: float = 2.0,
) -> Problem | Skip:
    """A function Problem from `reference` (Python code defining `entry_point`) and its
    parsed asserts; `statement` defaults to the function's docstring."""
    if skipped is not None and parsed.dropped:
        skipped[ASSERTS_DROPPED] += len(parsed.dropped)
    try:
        tree = ast.parse(reference)
    except SyntaxError:
        return Skip("reference_does_not_parse")
    found = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == entry_point]
    if not found:
        return Skip("no_entry_point", entry_point)
    function = found[0]
    if not parsed.calls:
        return Skip("no_literal_tests", "; ".join(parsed.dropped[:3]))
    try:
        sig = _signature(reference, function, parsed)
    except AmbiguousTypeError as err:
        return Skip("ambiguous_types", str(err))
    except TypeSyntaxError as err:
        return Skip("unsupported_types", str(err))
    tests = [
        call_test(list(call.args), call.expected)
        for call in parsed.calls
        if len(call.args) == len(sig.params)
        and all(conforms(v, t) for v, (_, t) in zip(call.args, sig.params, strict=True))
        and conforms(call.expected, sig.returns)
    ]
    if skipped is not None and len(tests) < len(parsed.calls):
        skipped[ASSERTS_DROPPED] += len(parsed.calls) - len(tests)
    if not tests:
        return Skip("no_literal_tests", "no test has the signature's types")
    doc = statement if statement is not None else ast.get_docstring(function) or ""
    tags = ["types_inferred"] if str(sig) != _annotated(function) else []
    if ANY in types_in(sig):
        tags.append("types_any")
    return Problem(
        id=problem_id,
        source=source,
        statement=doc.strip(),
        tests=tests,
        reference=Reference("python", reference),
        kind="function",
        time_limit_s=time_limit_s,
        entry_point=entry_point,
        signature=str(sig),
        tags=tags,
    )


def _annotated(function: ast.FunctionDef) -> str | None:
    try:
        return str(parse_signature(ast.unparse(function), function.name))
    except TypeSyntaxError:
        return None


def _signature(reference: str, function: ast.FunctionDef, parsed: ParsedAsserts) -> Signature:
    """The annotated signature where it is complete, else one inferred from the tests."""
    names = [a.arg for a in function.args.posonlyargs + function.args.args]
    annotated = all(
        a.annotation is not None for a in function.args.posonlyargs + function.args.args
    )
    if annotated and function.returns is not None:
        return parse_signature(ast.unparse(function), function.name)
    arity = {len(c.args) for c in parsed.calls}
    if arity != {len(names)}:
        raise AmbiguousTypeError(
            f"{function.name} takes {len(names)} arguments, tests pass {arity}"
        )
    params = tuple(
        (name, _infer_or_any([call.args[i] for call in parsed.calls]))
        for i, name in enumerate(names)
    )
    returns = _infer_or_any([call.expected for call in parsed.calls])
    return Signature(function.name, params, returns)


def _infer_or_any(values: list[Any]) -> Type:
    """The values' type, or `Any` where they have none (an int here, a string there):
    said in the signature, not guessed; only Python's driver takes such a problem."""
    try:
        return infer(values)
    except AmbiguousTypeError:
        return ANY


def make_load(
    source: str, convert: Callable[..., Problem | Skip]
) -> Callable[..., Iterator[Problem]]:
    """The `load(data, *, source_lang, skipped, **options)` of a function-level source
    whose rows `convert(row, skipped=...)` turns into problems (Python references only)."""

    def load(
        data: Iterable[Row],
        *,
        source_lang: str = "python",
        skipped: Counter[str] | None = None,
        **options: Any,
    ) -> Iterator[Problem]:
        check_source_language(source, source_lang)
        return run_loader(data, lambda _, row: convert(row, skipped=skipped), skipped)

    return load


def first_called(parsed_source: str, candidates: list[str]) -> str | None:
    """The first of `candidates` (function names) that `parsed_source` calls."""
    try:
        tree = ast.parse(parsed_source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in candidates:
                return node.func.id
    return None


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value]
