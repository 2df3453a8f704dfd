"""Test calls from a benchmark's assert statements, read with `ast`: never run.

HumanEval's `check(candidate)` and MBPP's `test_list` state their tests as Python asserts.
A function problem's tests are calls (`{"args": [...], "expected": ...}` with literal
values), so each assert is read as one of the shapes below, with every argument and the
expected value a literal (`ast.literal_eval`: numbers, strings, lists, tuples, dicts,
True/False/None, negative numbers):

    assert f(ARGS) == EXPECTED            (or EXPECTED == f(ARGS))
    assert tuple(f(ARGS)) == tuple(EXPECTED)   (list(...) too: both sides compared as lists)
    assert f(ARGS) is True | False | None
    assert f(ARGS)  /  assert not f(ARGS)  (expected True / False)
    assert abs(f(ARGS) - EXPECTED) < EPS   (or <=; math.isclose(f(ARGS), EXPECTED))

where `f` is the entry point's name or `candidate`. A trailing message (`assert x, "msg"`)
is ignored. Every other statement (a loop, an assignment, a call that is not a literal,
a comparison of something else) is dropped with its line and a reason, so a loader can
report how much of a benchmark's testing it kept.

    >>> parsed = calls_from_asserts("assert f([1, 2], k=3) == 3\\nassert f([], 0) == 0", "f")
    >>> parsed.calls, parsed.dropped
    ([Call(args=[[], 0], expected=0)], ['line 1: keyword arguments'])
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    args: list[Any]
    expected: Any


@dataclass
class ParsedAsserts:
    calls: list[Call] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # "line N: reason"


class _Drop(Exception):
    pass


def calls_from_asserts(
    code: str, entry_point: str, *, function: str | None = None
) -> ParsedAsserts:
    """The literal test calls of `entry_point` in the asserts of `code`.

    `function`: read the body of the function of that name (HumanEval's "check") instead
    of the module's top level. Code that does not parse gives no calls and one reason.
    """
    parsed = ParsedAsserts()
    try:
        tree = ast.parse(code)
    except SyntaxError as err:
        parsed.dropped.append(f"line {err.lineno}: the test code does not parse")
        return parsed
    body = tree.body
    if function is not None:
        found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
        if not found:
            parsed.dropped.append(f"line 1: no function {function}()")
            return parsed
        body = found[0].body
    names = {entry_point, "candidate"}
    for node in body:
        if _ignorable(node):
            continue
        try:
            if not isinstance(node, ast.Assert):
                raise _Drop(f"not an assert ({type(node).__name__.lower()})")
            parsed.calls.append(_call(node.test, names))
        except _Drop as why:
            parsed.dropped.append(f"line {node.lineno}: {why}")
    return parsed


def _ignorable(node: ast.stmt) -> bool:
    """Docstrings, `pass`, imports, METADATA = {...} and `assert True` test nothing."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True
    if isinstance(node, ast.Pass | ast.Import | ast.ImportFrom):
        return True
    if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["METADATA"]:
        return True
    return isinstance(node, ast.Assert) and _is_constant(node.test, True)


def _call(test: ast.expr, names: set[str]) -> Call:
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.Eq) and _sequence_cast(left) and _sequence_cast(right):
            left, right = left.args[0], right.args[0]  # tuple(f(x)) == tuple([1, 2])
        if isinstance(op, ast.Eq):
            if _is_call(left, names):
                return Call(_args(left), _literal(right))
            if _is_call(right, names):
                return Call(_args(right), _literal(left))
        if isinstance(op, ast.Is) and _is_call(left, names):
            if isinstance(right, ast.Constant) and right.value in (True, False, None):
                return Call(_args(left), right.value)
        if isinstance(op, ast.Lt | ast.LtE) and _is_abs_difference(left, names):
            inner = left.args[0]
            return Call(_args(inner.left), _number(_literal(inner.right)))
    if _is_call(test, names):
        return Call(_args(test), True)
    if (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and _is_call(test.operand, names)
    ):
        return Call(_args(test.operand), False)
    if _is_isclose(test) and _is_call(test.args[0], names):
        return Call(_args(test.args[0]), _number(_literal(test.args[1])))
    raise _Drop(f"not a literal call of the function: {_clip(ast.unparse(test))}")


def _sequence_cast(node: ast.expr) -> bool:
    """`tuple(x)` or `list(x)`: on both sides of `==` it compares sequences item by item,
    which is what comparing canonical values does (tuples and lists are both lists)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("tuple", "list")
        and len(node.args) == 1
        and not node.keywords
    )


def _is_call(node: ast.expr, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _is_abs_difference(node: ast.expr, names: set[str]) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "abs"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.BinOp)
        and isinstance(node.args[0].op, ast.Sub)
        and _is_call(node.args[0].left, names)
    )


def _is_isclose(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and ast.unparse(node.func) in ("math.isclose", "isclose")
        and len(node.args) == 2
    )


def _args(call: ast.Call) -> list[Any]:
    if call.keywords:
        raise _Drop("keyword arguments")
    if any(isinstance(a, ast.Starred) for a in call.args):
        raise _Drop("*args in the call")
    return [_literal(a) for a in call.args]


def _literal(node: ast.expr) -> Any:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise _Drop(f"not a literal: {_clip(ast.unparse(node))}") from None
    _check_supported(value)
    return value


def _check_supported(value: Any) -> None:
    """Values of the function types only: no sets, bytes or complex numbers."""
    if isinstance(value, list | tuple):
        for v in value:
            _check_supported(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str | int):
                raise _Drop(f"a dict key of type {type(k).__name__}")
            _check_supported(v)
    elif value is not None and not isinstance(value, bool | int | float | str):
        raise _Drop(f"a value of type {type(value).__name__}")


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Drop("an approximate comparison with a non-number")
    return float(value)


def _is_constant(node: ast.expr, value: Any) -> bool:
    return isinstance(node, ast.Constant) and node.value is value


def _clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."
