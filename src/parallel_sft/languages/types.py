"""The language-neutral types of function problems, and their values.

A function problem's `signature` is a typed Python signature (`def f(xs: list[int], k: int)
-> list[int]`): Python's annotation syntax is the one notation every function benchmark
already uses, and `ast` reads it without running anything. Its types are those of
`Type`: `int`, `float`, `bool`, `str`, `None`, `list[T]`, `tuple[A, B, ...]` (fixed length,
as written; Python's variable-length `tuple[T, ...]` is `list[T]`), `dict[K, V]`,
`Optional[T]` (also `T | None`), and `Any` for values of no single type. Test values are JSON
(tuples as lists); `conforms` says whether a value has a type, `canonical` writes it the
one way a test driver's result is compared against (`int` in a `float` slot as a float),
and `values_equal` compares expected and actual values structurally, floats to 1e-6
absolute or relative, like the stdio checker: never through a language's own `==`.

Where a benchmark gives no annotations (MBPP), `infer` derives a type from test values,
and refuses (`AmbiguousTypeError`) where the values do not decide it: an empty list's
element type, or a value that is sometimes an int and sometimes a string.

    >>> sig = parse_signature("def f(xs: list[int], k: int) -> Optional[list[int]]")
    >>> [str(t) for _, t in sig.params], str(sig.returns)
    (['list[int]', 'int'], 'Optional[list[int]]')
    >>> str(infer([[1, 2.5], [3]]))
    'list[float]'
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

from ..errors import PsftError

FLOAT_TOLERANCE = 1e-6  # absolute or relative; the stdio checker (verify/checker.py) too
SCALARS = ("int", "float", "bool", "str", "None")
_ALIASES = {"List": "list", "Tuple": "tuple", "Dict": "dict"}


class TypeSyntaxError(PsftError):
    """A signature or annotation outside the supported types."""


class AmbiguousTypeError(PsftError):
    """Test values that do not decide a type (and no annotation that does)."""


@dataclass(frozen=True)
class Type:
    """`name` is a scalar name, "list", "tuple", "dict" or "optional"; `args` its parts."""

    name: str
    args: tuple[Type, ...] = ()

    def __str__(self) -> str:
        if self.name == "optional":
            return f"Optional[{self.args[0]}]"
        if self.args:
            return f"{self.name}[{', '.join(map(str, self.args))}]"
        return self.name


INT, FLOAT, BOOL, STR, NONE = (Type(n) for n in SCALARS)
# Values of no single type (`typing.Any`, or test values that are an int here and a string
# there). Only a language whose functions say `takes_any` (Python) can take such a
# problem; every other one skips it with that reason.
ANY = Type("Any")


def list_of(item: Type) -> Type:
    return Type("list", (item,))


def optional(inner: Type) -> Type:
    return inner if inner.name in ("optional", "None") else Type("optional", (inner,))


@dataclass(frozen=True)
class Signature:
    name: str
    params: tuple[tuple[str, Type], ...]
    returns: Type

    def __str__(self) -> str:
        params = ", ".join(f"{name}: {t}" for name, t in self.params)
        return f"def {self.name}({params}) -> {self.returns}"


def parse_type(text: str) -> Type:
    """A type from its Python spelling.

    >>> str(parse_type("Dict[str, Tuple[int, float]]"))
    'dict[str, tuple[int, float]]'
    >>> str(parse_type("int | None"))
    'Optional[int]'
    """
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise TypeSyntaxError(f"not a type: {text!r}") from None
    return _type(node)


def _type(node: ast.expr) -> Type:
    if isinstance(node, ast.Constant) and node.value is None:
        return NONE
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return parse_type(node.value)  # a string annotation: "list[int]"
    if isinstance(node, ast.Attribute):  # typing.List
        node = ast.Name(node.attr)
    if isinstance(node, ast.Name) and node.id in SCALARS:
        return Type(node.id)
    if isinstance(node, ast.Name) and node.id == "Any":
        return ANY
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _type(node.left), _type(node.right)
        if right == NONE:
            return optional(left)
        if left == NONE:
            return optional(right)
    if isinstance(node, ast.Subscript):
        head = node.value.attr if isinstance(node.value, ast.Attribute) else None
        head = head or (node.value.id if isinstance(node.value, ast.Name) else "")
        head = _ALIASES.get(head, head)
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head == "tuple" and len(parts) == 2 and isinstance(parts[1], ast.Constant):
            if parts[1].value is Ellipsis:  # variable length: a list, as canonical JSON is
                return list_of(_type(parts[0]))
        args = tuple(_type(p) for p in parts)
        if head == "list" and len(args) == 1:
            return Type("list", args)
        if head == "dict" and len(args) == 2:
            return Type("dict", args)
        if head == "tuple" and args:
            return Type("tuple", args)
        if head == "Optional" and len(args) == 1:
            return optional(args[0])
    raise TypeSyntaxError(f"unsupported type: {ast.unparse(node)}")


def parse_signature(code: str, name: str | None = None) -> Signature:
    """The signature of function `name` (default: the first top-level one) in `code`: a
    bare `def ...` line, or a whole prompt with imports and a docstring. Every parameter
    and the return need an annotation.

    >>> str(parse_signature("from typing import List\\ndef g(a: List[str]) -> int:\\n    ..."))
    'def g(a: list[str]) -> int'
    """
    text = code.rstrip()
    tree, error = None, ""
    for attempt in (text, text + "\n    ...", text + ":\n    ..."):  # whole, header:, header
        try:
            tree = ast.parse(attempt)
            break
        except SyntaxError as err:
            error = error or err.msg
    if tree is None:
        raise TypeSyntaxError(f"signature does not parse: {error}")
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    found = next((d for d in defs if name is None or d.name == name), None)
    if found is None:
        raise TypeSyntaxError(f"no function {name or ''} in the signature".replace("  ", " "))
    params = []
    for arg in found.args.posonlyargs + found.args.args:
        if arg.annotation is None:
            raise TypeSyntaxError(f"parameter {arg.arg!r} of {found.name} has no type")
        params.append((arg.arg, _type(arg.annotation)))
    if found.args.vararg or found.args.kwarg or found.args.kwonlyargs:
        raise TypeSyntaxError(f"{found.name} takes *args, **kwargs or keyword-only arguments")
    if found.returns is None:
        raise TypeSyntaxError(f"{found.name} has no return type")
    return Signature(found.name, tuple(params), _type(found.returns))


def conforms(value: Any, t: Type) -> bool:
    """Whether the JSON value `value` has type `t` (a tuple is a list of its length).

    >>> conforms([1, "a"], parse_type("tuple[int, str]")), conforms(True, INT)
    (True, False)
    """
    if t == ANY:
        return True
    if t.name == "optional":
        return value is None or conforms(value, t.args[0])
    if t.name == "None":
        return value is None
    if t.name == "bool":
        return isinstance(value, bool)
    if t.name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if t.name == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if t.name == "str":
        return isinstance(value, str)
    if t.name == "list":
        return isinstance(value, list | tuple) and all(conforms(v, t.args[0]) for v in value)
    if t.name == "tuple":
        return (
            isinstance(value, list | tuple)
            and len(value) == len(t.args)
            and all(conforms(v, a) for v, a in zip(value, t.args, strict=True))
        )
    if t.name == "dict":
        return isinstance(value, dict) and all(
            conforms(k, t.args[0]) and conforms(v, t.args[1]) for k, v in value.items()
        )
    return False


def canonical(value: Any, t: Type) -> Any:
    """`value` (which conforms to `t`) as the one JSON value drivers compare with: tuples
    as lists, ints in float slots as floats.

    >>> canonical((1, 2), parse_type("tuple[float, int]"))
    [1.0, 2]
    """
    if value is None or t.name in ("None", "bool", "int", "str"):
        return value
    if t == ANY:  # as the value is: tuples as lists, dict keys as strings
        if isinstance(value, list | tuple):
            return [canonical(v, ANY) for v in value]
        if isinstance(value, dict):
            return {str(k): canonical(v, ANY) for k, v in value.items()}
        return value
    if t.name == "optional":
        return canonical(value, t.args[0])
    if t.name == "float":
        return float(value)
    if t.name == "list":
        return [canonical(v, t.args[0]) for v in value]
    if t.name == "tuple":
        return [canonical(v, a) for v, a in zip(value, t.args, strict=True)]
    if t.name == "dict":  # JSON object keys are strings: an int key 3 is "3"
        return {str(k): canonical(v, t.args[1]) for k, v in value.items()}
    raise TypeSyntaxError(f"no values of type {t}")


def values_equal(expected: Any, actual: Any) -> bool:
    """Structural equality of two canonical JSON values; floats to 1e-6, absolute or
    relative (NaN equals NaN); an expected int only equals that integer. A bool never
    equals a number.

    >>> values_equal([1.0, {"a": 0.1}], [1.0000001, {"a": 0.1}]), values_equal(1, True)
    (True, False)
    """
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, float) or isinstance(actual, float):
        if not (isinstance(expected, int | float) and isinstance(actual, int | float)):
            return False
        if isinstance(expected, int):  # an int is exact: a float must be that integer
            return actual.is_integer() and int(actual) == expected
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        if math.isinf(expected) or math.isinf(actual):
            return expected == actual
        return abs(expected - actual) <= FLOAT_TOLERANCE * max(1.0, abs(expected))
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            values_equal(e, a) for e, a in zip(expected, actual, strict=True)
        )
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            values_equal(v, actual[k]) for k, v in expected.items()
        )
    return type(expected) is type(actual) and expected == actual


def infer(values: list[Any]) -> Type:
    """The one type all of `values` have, from the values alone.

    Ints and floats together are floats; None with anything else makes it Optional.
    Raises AmbiguousTypeError where the values do not decide (an empty list's items,
    ints with strings). Tuples of several lengths are a list.

    >>> str(infer([None, 3])), str(infer([{"a": [1]}, {}])), str(infer([([], [4]), ([1], [])]))
    ('Optional[int]', 'dict[str, list[int]]', 'tuple[list[int], list[int]]')
    """
    found = UNKNOWN
    for value in values:
        found = _join(found, _infer_one(value))
    if _undecided(found):
        raise AmbiguousTypeError(f"the values do not decide the type: {found}")
    return found


UNKNOWN = Type("?")  # what an empty list's items are, until another value says


def _undecided(t: Type) -> bool:
    return t == UNKNOWN or any(_undecided(a) for a in t.args)


def _infer_one(value: Any) -> Type:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, str):
        return STR
    if isinstance(value, tuple):
        return Type("tuple", tuple(_infer_one(v) for v in value))
    if isinstance(value, list):
        item = UNKNOWN
        for v in value:
            item = _join(item, _infer_one(v))
        return list_of(item)
    if isinstance(value, dict):
        key, item = UNKNOWN, UNKNOWN
        for k, v in value.items():
            key, item = _join(key, _infer_one(k)), _join(item, _infer_one(v))
        return Type("dict", (key, item))
    raise AmbiguousTypeError(f"a value of no supported type: {type(value).__name__}")


def _join(a: Type, b: Type) -> Type:
    if a == b or b == UNKNOWN:
        return a
    if a == UNKNOWN:
        return b
    if a == NONE or b == NONE:
        return optional(b if a == NONE else a)
    if a.name == "optional" or b.name == "optional":
        inner_a = a.args[0] if a.name == "optional" else a
        inner_b = b.args[0] if b.name == "optional" else b
        return optional(_join(inner_a, inner_b))
    if {a, b} == {INT, FLOAT}:
        return FLOAT
    if a.name == b.name and a.name in ("list", "dict"):
        return Type(a.name, tuple(_join(x, y) for x, y in zip(a.args, b.args, strict=True)))
    if a.name == b.name == "tuple" and len(a.args) == len(b.args):
        return Type("tuple", tuple(_join(x, y) for x, y in zip(a.args, b.args, strict=True)))
    if {a.name, b.name} <= {"tuple", "list"}:  # tuples of several lengths: a tuple[T, ...]
        item = UNKNOWN
        for part in (*a.args, *b.args):
            item = _join(item, part)
        return list_of(item)
    raise AmbiguousTypeError(f"values of types {a} and {b} together")
