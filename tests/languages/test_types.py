"""The language-neutral types of function problems: parsing signatures, checking and
inferring values, and the structural comparison drivers report against."""

from __future__ import annotations

import doctest

import pytest

from parallel_sft.languages import types
from parallel_sft.languages.types import (
    FLOAT,
    INT,
    AmbiguousTypeError,
    TypeSyntaxError,
    canonical,
    conforms,
    infer,
    parse_signature,
    parse_type,
    values_equal,
)


def test_doctests():
    assert doctest.testmod(types).failed == 0


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("int", "int"),
        ("List[float]", "list[float]"),
        ("typing.List[str]", "list[str]"),
        ("tuple[int, str, bool]", "tuple[int, str, bool]"),
        ("Dict[str, List[int]]", "dict[str, list[int]]"),
        ("Optional[str]", "Optional[str]"),
        ("None | list[int]", "Optional[list[int]]"),
        ("Optional[Optional[int]]", "Optional[int]"),
        ("'list[int]'", "list[int]"),
        ("None", "None"),
        ("tuple[str, ...]", "list[str]"),  # variable length: a list, as canonical JSON is
        ("typing.Any", "Any"),
        ("List[Any]", "list[Any]"),
    ],
)
def test_types_parse_to_one_spelling(text, spelled):
    assert str(parse_type(text)) == spelled


@pytest.mark.parametrize(
    "text", ["set[int]", "tuple[int, int, ...]", "Union[int, str]", "int | str", "list[int"]
)
def test_unsupported_types_are_named(text):
    with pytest.raises(TypeSyntaxError):
        parse_type(text)


def test_signature_from_a_humaneval_style_prompt():
    prompt = (
        "from typing import List, Tuple\n\n\n"
        "def helper(x: int) -> int:\n    return x\n\n\n"
        "def sum_product(numbers: List[int], scale: float = 1.0) -> Tuple[int, int]:\n"
        '    """ Return the sum and the product of the numbers.\n    """\n'
    )
    sig = parse_signature(prompt, "sum_product")
    assert str(sig) == "def sum_product(numbers: list[int], scale: float) -> tuple[int, int]"
    assert str(parse_signature("def f(xs: list[int], k: int) -> list[int]")) == (
        "def f(xs: list[int], k: int) -> list[int]"
    )


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("def f(x) -> int: ...", "parameter 'x' of f has no type"),
        ("def f(x: int): ...", "f has no return type"),
        ("def f(*xs: int) -> int: ...", "*args"),
        ("x = 1", "no function"),
        ("def f(x: int -> int", "does not parse"),
    ],
)
def test_bad_signatures_say_why(code, reason):
    with pytest.raises(TypeSyntaxError, match=reason.replace("*", r"\*")):
        parse_signature(code)


def test_values_conform_exactly():
    pair = parse_type("tuple[int, Optional[str]]")
    assert conforms([3, None], pair) and conforms((3, "a"), pair)
    assert not conforms([3], pair) and not conforms([3, 4], pair)
    assert conforms(2, FLOAT) and not conforms(2.5, INT)
    assert not conforms(True, INT) and not conforms(1, parse_type("bool"))
    assert conforms({"a": [1]}, parse_type("dict[str, list[int]]"))
    assert not conforms({"a": [1.5]}, parse_type("dict[str, list[int]]"))


def test_canonical_values_are_what_drivers_compare():
    t = parse_type("dict[str, tuple[float, list[int]]]")
    assert canonical({"a": (1, [2])}, t) == {"a": [1.0, [2]]}
    assert isinstance(canonical({"a": (1, [2])}, t)["a"][0], float)


@pytest.mark.parametrize(
    ("expected", "actual", "equal"),
    [
        (0.1 + 0.2, 0.3, True),
        (1e9, 1e9 + 0.5, True),  # relative
        (1.0, 1.01, False),
        (float("nan"), float("nan"), True),
        (float("inf"), float("inf"), True),
        (1, 1.0, True),
        (2.0, 2, True),  # JSON from JavaScript writes 2.0 as 2
        (10**20, 1e20 + 1, True),
        (7, 7.000001, False),  # an expected int is exact
        (1, True, False),
        (False, 0, False),
        ([1, 2], [1, 2, 3], False),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ("1", 1, False),
        (None, [], False),
        ([[1.0], {"k": None}], [[1.0000001], {"k": None}], True),
    ],
)
def test_structural_equality(expected, actual, equal):
    assert values_equal(expected, actual) is equal


@pytest.mark.parametrize(
    ("values", "spelled"),
    [
        ([1, 2], "int"),
        ([1, 2.5], "float"),
        ([True, False], "bool"),
        (["a"], "str"),
        ([None, "x"], "Optional[str]"),
        ([[1], [], [2.0]], "list[float]"),
        ([(1, "a"), (2, "b")], "tuple[int, str]"),
        ([{"a": 1}, {}], "dict[str, int]"),
        ([[None, 1]], "list[Optional[int]]"),
        ([(1, 2), (1, 2, 3)], "list[int]"),  # tuples of several lengths: tuple[int, ...]
        ([("a", "b"), ()], "list[str]"),
    ],
)
def test_inference_from_values(values, spelled):
    assert str(infer(values)) == spelled


@pytest.mark.parametrize(
    "values",
    [[[]], [[], []], [1, "a"], [True, 1], [(1, "a"), (1, 2, 3)], [[], {}], [{1, 2}]],
)
def test_inference_refuses_what_the_values_do_not_decide(values):
    with pytest.raises(AmbiguousTypeError):
        infer(values)


def test_any_takes_every_value_and_compares_it_as_it_is():
    from parallel_sft.languages.types import ANY, canonical, conforms, values_equal

    assert conforms({"a": [1, "b"]}, ANY) and conforms(None, ANY)
    assert canonical((1, {2: "x"}), ANY) == [1, {"2": "x"}]
    assert not values_equal(canonical(-1, ANY), "-1")  # an int is not its string


def test_python_keeps_a_tests_int_in_a_float_place_and_writes_any_as_its_repr():
    from parallel_sft.languages import get_language

    python = get_language("python").functions
    assert python.literal(3, parse_type("float")) == "3"  # int where float goes: PEP 484
    assert python.literal(3.0, parse_type("float")) == "3.0"
    assert python.literal([1, "a", None], parse_type("Any")) == "[1, 'a', None]"
    header = python.header(parse_signature("def f(x: Any) -> int"), "Doc.")
    assert header.startswith("from typing import Any\n")
