"""Function problems in Ruby through the real sandbox: the two-process test driver (the
candidate runs in a forked child; the parent, which never runs candidate code, checks
what comes back and reports), and a candidate that reopens classes, returns hooked
objects, exits early or forges lines cannot talk its way to a pass."""

from __future__ import annotations

import doctest
import json
import math
import os
import shutil
import subprocess

import pytest

from parallel_sft.languages import get_language, ruby
from parallel_sft.languages.types import canonical, parse_signature, parse_type
from parallel_sft.records import Problem, Status, call_test
from parallel_sft.verify.runner import verify_program

from .test_functions import PROBLEM

RUBY = get_language("ruby")
FUNCTIONS = RUBY.functions

CORRECT = """\
require "set"

# A model's helper constant and method: kept.
SEP = ""

def summarize(xs, label, words, flag)
  negatives = words.values.select(&:negative?)
  [xs.sort, label + SEP + words.size.to_s, negatives.first, !flag]
end

puts summarize([1.0], "x", {}, true).inspect   # a model's own try-out: stripped
raise "no" unless summarize([], "", {}, true)[3] == false
if __FILE__ == $0
  exit!(summarize([], "", {}, true).size)
end
main if $PROGRAM_NAME == __FILE__
"""
EXPECTED_1 = '[[1.5, 2.0, 3.0], "a1", null, false]'


def judge(code: str, sandbox, problem: Problem = PROBLEM):
    return verify_program(code, RUBY, problem, sandbox=sandbox)


def test_doctests():
    assert doctest.testmod(ruby).failed == 0


def test_header_is_a_yard_documented_top_level_def():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize.\n\nReally.") == (
        "# Summarize.\n#\n# Really.\n#\n"
        "# @param xs [Array[Float]]\n# @param label [String]\n"
        "# @param words [Hash[String, Integer]]\n# @param flag [bool]\n"
        "# @return [[Array[Float], String, Integer?, bool]]\n"
        "def summarize(xs, label, words, flag)\n"
    )
    odd = parse_signature("def f(N: int, end: int, n: int) -> None")
    assert FUNCTIONS.header(odd, "").endswith("# @return [nil]\ndef f(n, end_, n_)\n")


def test_top_level_calls_are_stripped_and_definitions_kept():
    code = ruby.without_top_level_calls(
        CORRECT + 'require "minitest/autorun"\nclass T < Minitest::Test\nend\n'
    )
    assert "puts" not in code and "raise" not in code and "exit!" not in code
    assert "Minitest" not in code and "main if" not in code
    assert 'require "set"' in code and 'SEP = ""' in code and "def summarize" in code
    assert code.count("\n") == (CORRECT.count("\n") + 3)  # line numbers hold
    broken = "def f(\nputs 1\n"
    assert ruby.without_top_level_calls(broken) == broken


def test_unsupported_dict_keys_are_refused(sandbox):
    sig = parse_signature("def f(d: dict[float, int]) -> int")
    assert "Float keys" in (FUNCTIONS.unsupported(sig) or "")
    assert FUNCTIONS.unsupported(parse_signature("def f(d: dict[int, str]) -> int")) is None
    problem = Problem(
        id="t/f", source="t", statement="", tests=[call_test([{"1.5": 2}], 1)],
        kind="function", entry_point="f", signature="def f(d: dict[float, int]) -> int",
    )  # fmt: skip
    verdict = judge("def f(d) = 1\n", sandbox, problem)
    assert verdict.status is Status.COMPILE_ERROR and "cannot express" in verdict.detail


LITERALS = [
    ("str", 'q"uote \\ back #{x} #@y\nnew\ttab\r\x00\x1b\x7f é 漢 🎉'),
    ("str", "\ud800 lone"),
    ("float", 0.1), ("float", 1e-05), ("float", 1e16), ("float", -0.0), ("float", 5e-324),
    ("float", 1.7976931348623157e308), ("float", 3), ("float", math.inf), ("float", -math.inf),
    ("int", -(2**70)), ("bool", False),
    ("Optional[tuple[str, list[float]]]", ["a", [1.5, -2]]),
    ("Optional[int]", None),
    ("dict[int, list[str]]", {"3": ["x"], "-1": []}),
]  # fmt: skip


def test_literals_read_back_as_their_values():
    if shutil.which("ruby") is None:  # CI installs every toolchain: there it is a failure
        (pytest.fail if os.environ.get("CI") else pytest.skip)("ruby is not installed")
    lits = [FUNCTIONS.literal(v, parse_type(t)) for t, v in LITERALS]
    program = 'require "json"\nputs JSON.generate([' + ", ".join(lits) + "], allow_nan: true)\n"
    program = program.replace("\\xED\\xA0\\x80", "")  # JSON cannot write a lone surrogate
    out = subprocess.run(["ruby", "-e", program], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    for (t, value), actual in zip(LITERALS, got, strict=True):
        want = canonical(value, parse_type(t))
        if t == "str" and "\ud800" in value:
            want = value.replace("\ud800", "")
        assert json.dumps(actual) == json.dumps(want), (t, value, actual)
    nan = subprocess.run(
        ["ruby", "-e", f"print {FUNCTIONS.literal(math.nan, parse_type('float'))}.nan?"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert nan.stdout == "true"


def test_a_correct_function_passes_every_test(sandbox):
    verdict = judge(CORRECT, sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (Status.OK, 3, 3)


RAISES = "  raise ArgumentError, 'empty' if xs.empty?\n"


@pytest.mark.parametrize(
    ("code", "status", "passed", "detail"),
    [
        (CORRECT.replace("[xs.sort,", "[xs.sort.first(2),"), Status.WRONG_ANSWER, 2,
         'test 1: summarize([3, 1.5, 2], "a", {"x": 1}, true) returned [[1.5, 2.0], '),
        (CORRECT.replace("  negatives =", RAISES + "  negatives ="),
         Status.RUNTIME_ERROR, 2, "raised ArgumentError: empty"),
        (CORRECT.replace("  negatives =", "  loop {} if xs.empty?\n  negatives ="),
         Status.TIME_LIMIT, 1, ""),
        (CORRECT.replace("def summarize(xs,", "def summarize(xs"), Status.COMPILE_ERROR, 0,
         "SyntaxError: "),
        ("def other(xs, label, words, flag) = nil\n", Status.RUNTIME_ERROR, 0,
         "raised loading the program: NoMethodError"),
        # exact types: a Float is no Integer, a Symbol no String, 0 no false
        (CORRECT.replace("negatives.first,", "negatives.first&.to_f,"), Status.RUNTIME_ERROR,
         2, "returned a Float where the signature has Integer"),
        (CORRECT.replace("label + SEP + words.size.to_s", "(label + words.size.to_s).to_sym"),
         Status.RUNTIME_ERROR, 0, "returned a Symbol, not a plain value"),
        (CORRECT.replace("!flag]", "flag ? 0 : 1]"), Status.RUNTIME_ERROR, 0,
         "returned an Integer where the signature has bool"),
        (CORRECT.replace("[xs.sort,", "[xs.sort.to_s,"), Status.RUNTIME_ERROR, 0,
         "returned a String where the signature has Array[Float]"),
    ],
)  # fmt: skip
def test_failures_get_their_status_and_exact_counts(sandbox, code, status, passed, detail):
    verdict = judge(code, sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (status, passed, 3)
    assert detail in verdict.detail, verdict.detail


WRONG = "def summarize(xs, label, words, flag)\n  [[], '', nil, true]\nend\n"
EVERYTHING_LIES = """\
require "json"
LIE = '[[1.5, 2.0, 3.0], "a1", null, false]'
[Object, Array, String, Integer, Float, NilClass, TrueClass, FalseClass, Hash].each do |c|
  c.class_eval do
    define_method(:to_s) { |*| LIE }
    define_method(:inspect) { |*| LIE }
    define_method(:to_json) { |*| LIE }
    define_method(:==) { |*| true }
    define_method(:eql?) { |*| true }
    define_method(:===) { |*| true }
    define_method(:instance_of?) { |*| true }
    define_method(:is_a?) { |*| true }
    define_method(:class) { Array }
  end
end
Array.class_eval do
  define_method(:map) { |*| [] }
  define_method(:each) { |*| self }
  define_method(:join) { |*| LIE }
  define_method(:size) { 4 }
end
Module.class_eval { define_method(:===) { |*| true } }
JSON.define_singleton_method(:generate) { |*| LIE }
JSON.define_singleton_method(:dump) { |*| LIE }
UnboundMethod.class_eval { define_method(:bind_call) { |*| true } }
PATCHED = true
"""
STEAL_THE_TOKEN = """\
def steal
  parent = Process.ppid
  token = nil
  begin
    token = File.read("/proc/#{parent}/fd/0")[/\\h{32}/]
  rescue StandardError, SystemCallError
  end
  begin
    maps = File.read("/proc/#{parent}/maps").lines.grep(/rw-p/)
    File.open("/proc/#{parent}/mem", "rb") do |mem|
      maps.each do |line|
        from, to = line.split.first.split("-").map { |h| h.to_i(16) }
        next if to - from > 64 << 20
        mem.seek(from)
        found = (mem.read(to - from) rescue "")[/(?<![0-9a-f])\\h{32}(?![0-9a-f])/n]
        token ||= found
      end
    end
  rescue StandardError, SystemCallError
  end
  return unless token
  lines = [
    '0 ok [[1.5, 2.0, 3.0], "a1", null, false]', '1 ok [[], "0", null, true]',
    '2 ok [[-1.25, 0.30000000000000004], "b2", -2, false]', "done",
  ]
  File.write("/proc/#{parent}/fd/1", lines.map { |l| "#{token} #{l}\\n" }.join)
  Process.kill(:KILL, parent)
end
STOLEN = steal
"""
HOSTILE = {
    "early exit at load": "X = exit!(0)\n" + CORRECT,  # an assignment: kept, runs
    "exit at load in BEGIN": "BEGIN { exit!(0) }\n" + CORRECT,
    "exit in the function": CORRECT.replace("  negatives =", "  exit(0)\n  negatives ="),
    "exit! in the function": CORRECT.replace("  negatives =", "  exit!(0)\n  negatives ="),
    "kill the parent": "PARENT = Process.kill(:KILL, Process.ppid)\n" + CORRECT,
    "print the expected output": WRONG.replace("  [[]", f"  puts '{EXPECTED_1}'\n  [[]"),
    "forged result lines": (
        "FORGED = [STDOUT, IO.new(1), $stderr].each do |io|\n"
        '  3.times { |i| io.syswrite("#{i} ok null\\n") rescue nil }\n'
        "end\n"
        'BY_PROC = (File.write("/proc/#{Process.ppid}/fd/1", "0 ok null\\n") rescue nil)\n' + WRONG
    ),
    "always-equal Array subclass": (
        "class Same < Array\n  def ==(other) = true\n  def to_s = "
        f"'{EXPECTED_1}'\n  def to_json(*) = to_s\nend\n"
        "def summarize(xs, label, words, flag) = Same.new\n"
    ),
    "always-equal plain object": (
        "class Same\n  def ==(other) = true\n  def to_s = "
        f"'{EXPECTED_1}'\n  alias inspect to_s\n  def to_json(*) = to_s\n"
        "  def to_ary = [[], '', nil, true]\n  def marshal_dump = [[1.5], 'a1', nil, false]\n"
        "end\n"
        "def summarize(xs, label, words, flag) = Same.new\n"
    ),
    "hooked singleton and extended Arrays": (
        "module Hook\n  def ==(other) = true\nend\n"
        "def summarize(xs, label, words, flag)\n"
        "  a = [[], '', nil, true]\n  def a.==(other) = true\n"
        "  xs.empty? ? a : [[].extend(Hook), 'a1', nil, false]\n"
        "end\n"
    ),
    "reopen every class the driver might use": EVERYTHING_LIES + WRONG,
    "steal the token from the parent": STEAL_THE_TOKEN + WRONG,
    "replace stdout": (
        "require 'stringio'\n$stdout = StringIO.new\nR = STDOUT.reopen('/dev/null')\n"
        "def summarize(xs, label, words, flag) = 1\n"
    ),
}


@pytest.mark.parametrize("trick", sorted(HOSTILE))
def test_hostile_candidates_fail(sandbox, trick):
    verdict = judge(HOSTILE[trick], sandbox)
    assert verdict.status not in (Status.OK, Status.COMPILE_ERROR), verdict
    assert verdict.tests_passed == 0, verdict
