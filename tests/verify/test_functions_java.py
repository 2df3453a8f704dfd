"""Function problems in Java through the real sandbox: the Java test driver runs every test
in one JVM, the host compares each result, and the candidate cannot talk its way to a pass
(forged lines, an early exit, printing the answer, objects with their own equals or
toString, raw-typed values, its own tuple class or a class that shadows `java.*`)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from parallel_sft.languages import get_language
from parallel_sft.languages.types import parse_signature
from parallel_sft.records import Problem, Status, call_test
from parallel_sft.verify.runner import verify_program

from .test_functions import PROBLEM as SHARED

JAVA = get_language("java")
# The shared problem of test_functions.py (every type of the signature language), with
# 2 s a test: the JVM starts slower.
PROBLEM = replace(SHARED, time_limit_s=2.0)

BODY = """\
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        Optional<Long> negative = words.values().stream().filter(v -> v < 0).findFirst();
        return Quartet.with(sorted, label + words.size(), negative, !flag);
"""
HEAD = """\
    public static Quartet<List<Double>, String, Optional<Long>, Boolean> summarize(
            List<Double> xs, String label, Map<String, Long> words, boolean flag) {
"""
CORRECT = f"""\
import java.util.*;
import org.javatuples.Quartet;

public class Problem {{
{HEAD}{BODY}    }}

    public static void main(String[] args) {{
        System.out.println(summarize(List.of(1.0), "x", Map.of(), true));
    }}
}}
"""


def judge(code: str, problem: Problem = PROBLEM, sandbox=None):
    return verify_program(code, JAVA, problem, sandbox=sandbox)


def candidate(body: str, before: str = "", members: str = "") -> str:
    return f"import java.util.*;\n{before}\nclass Problem {{\n{members}{HEAD}{body}    }}\n}}\n"


def test_a_correct_function_passes_every_test(sandbox):
    verdict = judge(CORRECT, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (Status.OK, 3, 3)


def test_a_replaced_system_out_and_prints_without_a_newline_do_not_matter(sandbox):
    quiet = "System.setOut(new java.io.PrintStream(new java.io.ByteArrayOutputStream()));\n"
    code = candidate('System.out.print("debug");\n' + quiet + BODY)
    assert judge(code, sandbox=sandbox).status is Status.OK


@pytest.mark.parametrize(
    ("code", "status", "passed", "detail"),
    [
        (candidate(BODY.replace("(sorted,", "(sorted.subList(0, Math.min(2, sorted.size())),")),
         Status.WRONG_ANSWER, 2, 'test 1: summarize([3, 1.5, 2], "a", {"x": 1}, true) returned'),
        (candidate("        xs.get(0);\n" + BODY), Status.RUNTIME_ERROR, 2,
         "test 2: summarize([], \"\", {}, false) raised java.lang.IndexOutOfBoundsException"),
        (candidate("        while (xs.isEmpty()) { }\n" + BODY), Status.TIME_LIMIT, 1, ""),
        (candidate(BODY.replace("!flag);", "!flag)")), Status.COMPILE_ERROR, 0, "error"),
        (candidate(BODY).replace("summarize(", "other(", 1), Status.COMPILE_ERROR, 0,
         "symbol:   method summarize"),
        (candidate("        return null;\n"), Status.RUNTIME_ERROR, 0,
         "returned null where it is a tuple (Quartet)"),
    ],
)  # fmt: skip
def test_failures_get_their_status_and_exact_counts(sandbox, code, status, passed, detail):
    verdict = judge(code, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (status, passed, 3)
    assert detail in verdict.detail


EXPECTED_1 = '[[1.5,2.0,3.0],\\"a1\\",null,false]'
HOSTILE = {
    "forged result lines": candidate(
        "        return null;\n",
        members='    static {\n        for (int i = 0; i < 3; i++) System.out.println(i + " ok '
        f'{EXPECTED_1}");\n        System.out.println("done");\n    }}\n',
    ),
    "early exit at load time": candidate(BODY, members="    static { System.exit(0); }\n"),
    "exit in the function": candidate("        System.exit(0);\n" + BODY),
    "halt in the function": candidate("        Runtime.getRuntime().halt(0);\n" + BODY),
    "print the expected output": candidate(
        f'        System.out.println("{EXPECTED_1}");\n        return null;\n'
    ),
    "always-equal list": candidate(
        BODY.replace("(sorted,", "(new Same(),"),
        before="class Same extends ArrayList<Double> {\n"
        "    public boolean equals(Object o) { return true; }\n"
        "    public int hashCode() { return 0; }\n"
        '    public String toString() { return "[1.5, 2.0, 3.0]"; }\n}\n',
    ),
    "raw-typed object with its own toString": candidate(
        "        Optional raw = Optional.of(new Object() {\n"
        '            public String toString() { return "-2"; }\n'
        "            public boolean equals(Object o) { return true; }\n        });\n"
        + BODY.replace(", negative,", ", (Optional<Long>) raw,")
    ),
    "its own tuple class with hooks": candidate(
        "        return new Quartet<>();\n",
        before="class Quartet<A, B, C, D> {\n"
        "    public boolean equals(Object o) { return true; }\n"
        '    public String toString() { return "[[1.5, 2.0, 3.0], \\"a1\\", null, false]"; }\n'
        "}\n",
    ),
    "a class that shadows java.*": candidate(
        "        return null;\n",
        before="class java { static class lang { static class Long { } } }\n",
    ),
    "steal the token and forge every line": candidate(
        "        try (var in = new java.io.BufferedReader(new java.io.FileReader("
        '"/proc/self/fd/0"))) {\n'
        "            String token = in.readLine().strip();\n"
        "            var out = new java.io.FileOutputStream(java.io.FileDescriptor.out);\n"
        "            for (int i = 0; i < 3; i++) {\n"
        '                out.write(("\\n" + token + " " + i + " ok [[],\\"0\\",null,true]\\n")'
        ".getBytes());\n            }\n"
        '            out.write(("\\n" + token + " done\\n").getBytes());\n'
        "        } catch (java.io.IOException e) {\n            throw new RuntimeException(e);\n"
        "        }\n        Runtime.getRuntime().halt(0);\n        return null;\n"
    ),
    "reflection into the JDK's strings": candidate(
        BODY,
        members="    static {\n        try {\n"
        '            var f = String.class.getDeclaredField("value");\n'
        "            f.setAccessible(true);\n"
        '            f.set("false", "true".getBytes());\n'
        "        } catch (ReflectiveOperationException e) { throw new RuntimeException(e); }\n"
        "    }\n",
    ),
}


@pytest.mark.parametrize("trick", sorted(HOSTILE))
def test_hostile_candidates_fail(sandbox, trick):
    verdict = judge(HOSTILE[trick], sandbox=sandbox)
    allowed = (Status.WRONG_ANSWER, Status.RUNTIME_ERROR, Status.COMPILE_ERROR)
    assert verdict.status in allowed, verdict
    if trick != "steal the token and forge every line":  # test 2 forged right: a pass it earned
        assert verdict.tests_passed == 0, verdict
    assert verdict.tests_passed < 3, verdict


# Literals and results that are easy to get wrong: quotes, backslashes, a `\u` that javac
# would translate early, control and non-ASCII characters (an emoji is a surrogate pair),
# extreme longs and floats, int-keyed maps with nulls, nested lists as List or ArrayList.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], n: int, d: dict[int, Optional[str]], m: list[list[int]])"
    " -> tuple[str, list[float], int, dict[int, Optional[str]], list[list[int]]]"
)
ECHO_ARGS = [
    ['a"b\\c\nd\te\r\x01\x7f */', [0.1, 1e300, 5e-324, -0.0, math.inf], -(2**63),
     {"3": None, "-1": "é"}, [[1], []]],
    ["\\u000a \\\\u0022 \\u \u00e9 \U0001f600 \u2028 \ud7ff", [math.nan, -math.inf], 2**63 - 1,
     {}, []],
    ["", [], 2**63, {}, []],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, time_limit_s=2.0, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
import java.util.*;

class Echo {
    static Quintet<String, List<Double>, Long, Map<Long, Optional<String>>, LIST> echo(
            String s, List<Double> xs, long n, Map<Long, Optional<String>> d, LIST m) {
        return Quintet.with(s, xs, n, d, m);
    }
}
"""


@pytest.mark.parametrize("nested", ["List<List<Long>>", "ArrayList<ArrayList<Long>>"])
def test_values_round_trip_exactly(sandbox, nested):
    verdict = judge(ECHO_CODE.replace("LIST", nested), ECHO, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed) == (Status.RUNTIME_ERROR, 2), verdict
    assert "test 3:" in verdict.detail and "outside Java's long" in verdict.detail


def test_header_is_the_shape_the_driver_calls():
    functions = JAVA.functions
    sig = parse_signature(ECHO_SIG)
    header = functions.header(sig, "Echo \\u0041 back */ its arguments.")
    assert "class Problem {" in header and "record Quintet<A, B, C, D, E>" in header
    assert (
        "    public static Quintet<String, List<Double>, Long, Map<Long, Optional<String>>, "
        "List<List<Long>>> echo(String s, List<Double> xs, long n, Map<Long, Optional<String>> d,"
        " List<List<Long>> m) {"
    ) in header
    assert "\\\\u0041" in header and "*/ its" not in header
    assert functions.literal("é\n", parse_type_str("str")) == '"\\u00e9\\n"'
    assert functions.literal(-0.0, parse_type_str("float")) == "-0.0"
    assert functions.unsupported(parse_signature("def f(d: dict[float, int]) -> int"))
    assert functions.unsupported(parse_signature("def new(x: int) -> int"))
    assert functions.unsupported(sig) is None


def parse_type_str(text: str):
    from parallel_sft.languages.types import parse_type

    return parse_type(text)
