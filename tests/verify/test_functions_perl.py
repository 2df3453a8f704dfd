"""Function problems in Perl: the driver reads the token and takes what it uses first,
compiles the candidate's code from a string in a sub that sees none of its lexicals,
and reads each result against the signature's type (blessed, tied and overloaded values
refused). The sandbox cases run as one batch (`verify_batch`)."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, perl
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

PERL = get_language("perl")
FUNCTIONS = PERL.functions


def problem(signature: str, *tests, name: str = "f") -> Problem:
    return Problem(
        id=f"t/{name}", source="t", statement="", kind="function", entry_point=name,
        signature=signature, tests=[call_test(a, e) for a, e in tests],
    )  # fmt: skip


# Values that are easy to get wrong: quotes, backslashes, `$x`/`@y` interpolation, control
# and non-ASCII characters, -0.0, the extreme doubles, NaN and the infinities, both ends
# of a 64-bit integer, int keys (negative ones too), undef in a hash and in a tuple.
ECHO_SIG = (
    "def mirror(s: str, xs: list[float], d: dict[int, Optional[tuple[str, Optional[int]]]], "
    "flag: bool) -> tuple[str, list[float], dict[int, Optional[tuple[str, Optional[int]]]], "
    "bool]"
)
HARD = "q\"uote ' back\\slash $x @y %z ${w} \n\t\r\x00\x1b\x7f é 漢 🎉"
ECHO_ARGS = [
    [HARD, [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 3],
     {"3": None, "-1": [HARD, -(2**63)], "0": ["", None]}, True],
    ["", [math.inf, -math.inf, math.nan], {}, False],
]  # fmt: skip
ECHO = problem(ECHO_SIG, *[(a, a) for a in ECHO_ARGS], name="mirror")
ECHO_CODE = """\
use strict;
use warnings;

sub mirror {
    my ($s, $xs, $d, $flag) = @_;
    my %copy = map { $_ => (defined $d->{$_} ? [@{ $d->{$_} }] : undef) } keys %$d;
    return [join('', split //, $s), [map { $_ } @$xs], \\%copy, $flag ? 1 : 0];
}
"""
RUNNING = problem("def f(xs: list[int]) -> int", ([[1]], 1), ([[]], 0), ([[2, 3]], 3))
MUTATES = problem("def f(xs: list[int]) -> int", ([[1, 2]], 3), ([[1, 2]], 3))
PAIR = problem("def f(s: str) -> Optional[tuple[str, int]]", (["ab"], ["ab", 2]), ([""], None))
LABEL = problem("def f(n: int) -> str", ([3], "3"), ([-1], "-1"))
SQUARES = problem("def f(n: int) -> list[int]", ([2], [1, 4]), ([0], []))
ACCENT = problem("def f(s: str) -> str", (["é"], "1!"))
MAX = "    my $m = 0;\n    for (@$xs) { $m = $_ if $_ > $m }\n    return $m;\n}\n"

CASES = {
    "echo": (ECHO_CODE, ECHO, Status.OK, 2),
    # the try-out around the sub would fail the run if it ran; the table stays
    "try-out stripped": (
        "#!/usr/bin/perl\nuse strict;\nuse warnings;\nuse Test::More;\nmy @ZERO;\n"
        "push @ZERO, 0 for 1 .. 3;\nsub f {\n    my ($xs) = @_;\n    my $m = $ZERO[0];\n"
        "    for (@$xs) { $m = $_ if $_ > $m }\n    return $m;\n}\n"
        "is(f([1]), 99);\ndone_testing();\nfor my $xs ([5]) { die 'try-out ran' if f($xs) }\n"
        "my $r = f([2]);\nsub main { exit 2 }\nmain() unless caller;\nmain();\n"
        "END { print \"bye\\n\"; exit 3 }\n1;\n",
        RUNNING, Status.OK, 3,
    ),
    "a tuple as a list of values": (
        "sub f {\n    my ($s) = @_;\n    return undef if $s eq '';\n"
        "    return ($s, length $s);\n}\n",
        PAIR, Status.OK, 2,
    ),
    "a number in a Str slot is its string": ("sub f { return $_[0] }\n", LABEL, Status.OK, 2),
    # the source is read as perl reads a file: bytes, unless it says `use utf8`
    "use utf8 and a literal é": (
        "use utf8;\nsub f {\n    my ($s) = @_;\n"
        "    return length($s) . ($s eq 'é' ? '!' : '');\n}\n",
        ACCENT, Status.OK, 1,
    ),
    "no use utf8: é is two bytes": (
        "sub f {\n    my ($s) = @_;\n    return length('é') . ($s eq 'é' ? '!' : '');\n}\n",
        ACCENT, Status.WRONG_ANSWER, 0,
    ),
    "exit in the sub": (
        "sub f {\n    my ($xs) = @_;\n    exit 0 unless @$xs;\n" + MAX,
        RUNNING, Status.RUNTIME_ERROR, 1,
    ),
    "forged lines without the token": (
        "sub f {\n    print \"0 ok 1\\n1 ok 0\\n2 ok 3\\ndone\\n\";\n    return -1;\n}\n",
        RUNNING, Status.WRONG_ANSWER, 0,
    ),
    "a print without a newline, STDOUT reopened": (
        "sub f {\n    my ($xs) = @_;\n    print 'debug';\n"
        "    open(STDOUT, '>', '/dev/null') unless @$xs;\n    $, = 'x'; $\\ = 'y';\n" + MAX,
        RUNNING, Status.OK, 3,
    ),
    "mutated argument": (
        "sub f {\n    my ($xs) = @_;\n    push @$xs, 0;\n    return scalar @$xs;\n}\n",
        MUTATES, Status.OK, 2,
    ),
    "redefined subs and an overloaded object": (
        "no warnings 'redefine';\n*Scalar::Util::blessed = sub { undef };\n"
        "*Scalar::Util::reftype = sub { 'ARRAY' };\n*PsftDriver::main = sub { 1 };\n"
        "package Fake { use overload '@{}' => sub { [1, 4] }, '\"\"' => sub { '[1, 4]' },"
        " 'bool' => sub { 1 }; }\n"
        "sub f {\n    my ($n) = @_;\n    return $n ? bless({}, 'Fake') : [];\n}\n",
        SQUARES, Status.RUNTIME_ERROR, 1,
    ),
    "a list flattened where a list ref is": (
        "sub f {\n    my ($n) = @_;\n    return map { $_ * $_ } 1 .. $n;\n}\n",
        SQUARES, Status.RUNTIME_ERROR, 0,
    ),
    "no such sub": ("sub g {\n    my ($xs) = @_;\n" + MAX, RUNNING, Status.RUNTIME_ERROR, 0),
    "a syntax error": ("sub f {\n    my ($xs) = @_\n    return 1;\n}\n", RUNNING,
                       Status.COMPILE_ERROR, 0),
}  # fmt: skip
DETAILS = {
    "redefined subs and an overloaded object": "returned a Fake object (blessed or tied)",
    "a list flattened where a list ref is": "returned a list of 2 values where the signature",
    "no such sub": "loading the program: no sub f is defined in package main",
    "a syntax error": "syntax error at solution.pl line 3",
    "no use utf8: é is two bytes": 'f("\\u00e9") returned "2", expected "1!"',
}


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "perl", code), p) for code, p, _, _ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("case", sorted(CASES))
def test_sandbox_cases(verdicts, case):
    _, _, status, passed = CASES[case]
    verdict = verdicts[case]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert DETAILS.get(case, "") in verdict.detail


def test_doctests():
    assert doctest.testmod(perl).failed == 0


def test_header_is_a_sub_under_comments_with_types_standard_types():
    sig = parse_signature(ECHO_SIG)
    assert FUNCTIONS.header(sig, "Mirror.\n\nBack.") == (
        "# Mirror.\n#\n# Back.\n#\n# Arguments:\n#   $s     Str\n#   $xs    ArrayRef[Num]\n"
        "#   $d     Map[Int, Maybe[Tuple[Str, Maybe[Int]]]]\n#   $flag  Bool\n"
        "# Returns: Tuple[Str, ArrayRef[Num], Map[Int, Maybe[Tuple[Str, Maybe[Int]]]], Bool]\n"
        "sub mirror {\n    my ($s, $xs, $d, $flag) = @_;\n"
    )
    odd = parse_signature("def f(a: dict[str, int], b: None) -> None")
    assert FUNCTIONS.header(odd, "").endswith(
        "#   $b_  Undef\n# Returns: Undef\nsub f {\n    my ($a_, $b_) = @_;\n"
    )


def test_unsupported_names_and_keys():
    def reason(signature: str) -> str:
        return FUNCTIONS.unsupported(parse_signature(signature)) or ""

    assert "builtin" in reason("def reverse(xs: list[int]) -> list[int]")
    assert "keys" in reason("def f(d: dict[bool, int]) -> int")
    assert reason(ECHO_SIG) == ""
    big = problem("def f(x: int) -> int", ([2**63], 0))
    with pytest.raises(FunctionProblemError, match="beyond Perl's 64-bit integers"):
        function_program("sub f { 0 }", PERL, big)


def test_literals():
    t = parse_type
    assert FUNCTIONS.literal({"3": [True]}, t("dict[int, list[bool]]")) == "{3 => [!!1]}"
    assert FUNCTIONS.literal(-(2**63), t("int")) == "(-9223372036854775807 - 1)"
    assert FUNCTIONS.literal(None, t("Optional[str]")) == "undef"
    floats = [FUNCTIONS.literal(x, t("float")) for x in (math.nan, -math.inf, 3)]
    assert floats == ["(9**9**9 / 9**9**9)", "-9**9**9", "3.0"]
    assert perl.perl_string("\x00@\U0001f389") == '"\\x{0}\\@\\x{1f389}"'


def test_try_out_code_is_stripped_and_line_numbers_hold():
    code = CASES["try-out stripped"][0]
    stripped = perl.without_top_level_calls(code, "f")
    assert stripped.count("\n") == code.count("\n")
    for gone in ("Test::More", "is(", "done_testing", "die", "my $r", "unless caller", "END"):
        assert gone not in stripped, gone
    for kept in ("use strict;", "my @ZERO;", "push @ZERO", "sub f {", "sub main", "1;"):
        assert kept in stripped, kept
    broken = "sub f {\nprint 1;\n"
    assert perl.without_top_level_calls(broken, "f") == broken
