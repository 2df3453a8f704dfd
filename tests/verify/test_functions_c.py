"""C function problems through the real sandbox: the C test driver runs each call in a
fork()ed child (a crash fails that test only), serialises results itself and writes with
raw syscalls, and the candidate cannot talk its way to a pass."""

from __future__ import annotations

import pytest

from parallel_sft.languages import get_language
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Problem, Status, call_test
from parallel_sft.verify.runner import verify_program

from .test_functions import PROBLEM as SHARED

C = get_language("c")
# The shared problem of test_functions.py (every type of the signature language).
PROBLEM = SHARED
RET = "tuple4_list_float_str_opt_int_bool"
EXPECTED_1 = r"[[1.5, 2.0, 3.0], \"a1\", null, false]"  # test 1's answer, as a C string

CORRECT = """\
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

RET summarize(list_float xs, const char *label, dict_str_int words, bool flag) {
    list_float sorted = { malloc((xs.len + 1) * sizeof(double)), xs.len };
    memcpy(sorted.items, xs.items, xs.len * sizeof(double));
    qsort(sorted.items, sorted.len, sizeof(double), cmp);
    char *text = malloc(strlen(label) + 24);
    sprintf(text, "%s%zu", label, words.len);
    opt_int negative = { .has_value = false };
    for (size_t i = 0; i < words.len && !negative.has_value; i++)
        if (words.items[i].value < 0) negative = (opt_int){ true, words.items[i].value };
    return (RET){ sorted, text, negative, !flag };
}

int main(void) {  /* a model's own try-out: stripped */
    printf("trying\\n");
    return 1;
}
""".replace("RET", RET)
WRONG_BODY = "RET summarize(list_float xs, const char *label, dict_str_int words, bool flag) {\n"
WRONG = (
    "#include <stdlib.h>\n" + WRONG_BODY + "    (void)xs; (void)label; (void)words; (void)flag;\n"
    "    return (RET){ { NULL, 0 }, \"\", { false, 0 }, false };\n}\n"
).replace("RET", RET)  # fmt: skip


def judge(code: str, problem: Problem = PROBLEM, sandbox=None):
    return verify_program(code, C, problem, sandbox=sandbox)


def test_a_correct_function_passes_every_test(sandbox):
    verdict = judge(CORRECT, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (Status.OK, 3, 3), verdict


def _before(code: str, line: str) -> str:
    return code.replace("    list_float sorted", line + "\n    list_float sorted")


@pytest.mark.parametrize(
    ("code", "status", "passed", "detail"),
    [
        (CORRECT.replace("!flag }", "flag }"), Status.WRONG_ANSWER, 0,
         'test 1: summarize([3, 1.5, 2], "a", {"x": 1}, true) returned [[1.5, 2.0, 3.0], '),
        (_before(CORRECT, "    if (!xs.len) abort();"), Status.RUNTIME_ERROR, 2,
         "raised killed by signal 6 (SIGABRT)"),
        (_before(CORRECT, "    if (!xs.len) { volatile int *p = NULL; *p = 1; }"),
         Status.RUNTIME_ERROR, 2, "raised killed by signal 11 (SIGSEGV)"),
        (_before(CORRECT, "    if (!xs.len) exit(3);"), Status.RUNTIME_ERROR, 2,
         "raised the call ended the process with exit code 3"),
        (_before(CORRECT, "    volatile int spin = 0;\n    while (!xs.len) spin++;"),
         Status.TIME_LIMIT, 1, ""),
        (CORRECT.replace("!flag }", "!flag }\n"), Status.OK, 3, ""),
        (CORRECT.replace("return (x > y)", "return (x > y"), Status.COMPILE_ERROR, 0, "expected"),
        ("int other(void) { return 0; }\n", Status.COMPILE_ERROR, 0, "summarize"),
        (CORRECT.replace("return (RET){ sorted,".replace("RET", RET),
                         "sorted.items = NULL; sorted.len = 1;\n    return (" + RET + "){ sorted,"),
         Status.RUNTIME_ERROR, 0, "returned NULL items with a len"),
        (CORRECT.replace("return (RET){ sorted, text,".replace("RET", RET),
                         "text[0] = (char)0xff;\n    return (" + RET + "){ sorted, text,"),
         Status.RUNTIME_ERROR, 0, "returned a str that is not UTF-8"),
    ],
)  # fmt: skip
def test_failures_get_their_status_and_exact_counts(sandbox, code, status, passed, detail):
    verdict = judge(code, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (status, passed, 3)
    assert detail in verdict.detail, verdict.detail


FORGE = (  # writes the driver's line for test 1, guessing everything but the token
    '    static const char line[] = "0 ok ' + EXPECTED_1 + '\\n";\n'
)
HOSTILE = {
    "early exit at load time": (
        "#include <stdlib.h>\n__attribute__((constructor)) static void bye(void) { exit(0); }\n"
        + CORRECT
    ),
    "exit(0) in the function": _before(CORRECT, "    exit(0);"),
    "print the expected output": WRONG.replace(
        "    (void)xs;", '    printf("' + EXPECTED_1 + '\\n"); fflush(stdout);\n    (void)xs;'
    ).replace("#include <stdlib.h>", "#include <stdio.h>\n#include <stdlib.h>"),
    "forged result lines on fd 1": WRONG.replace(
        "    (void)xs;",
        FORGE + "    write(1, line, sizeof line - 1);\n    (void)xs;",
    ).replace("#include <stdlib.h>", "#include <stdlib.h>\n#include <unistd.h>"),
    "a result line written into the driver's pipe": WRONG.replace(
        "    (void)xs;",
        '    static const char line[] = "ok ' + EXPECTED_1 + '\\n";\n'
        "    for (int fd = 3; fd < 10; fd++) write(fd, line, sizeof line - 1);\n    (void)xs;",
    ).replace("#include <stdlib.h>", "#include <stdlib.h>\n#include <unistd.h>"),
    "steal the token and forge every line": (
        "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n"
        "__attribute__((constructor(0))) static void steal(void) {\n"
        "    char token[200] = {0};\n"
        "    if (!fgets(token, sizeof token, stdin)) return;\n"
        '    token[strcspn(token, "\\n")] = 0;\n'
        '    printf("%s 0 ok '
        + EXPECTED_1
        + '\\n%s 1 ok [[], \\"0\\", null, true]\\n", token, token);\n'  # noqa: E501
        '    printf("%s 2 ok [[-1.25, 0.3], \\"b2\\", -2, false]\\n%s done\\n", token, token);\n'
        "    fflush(stdout);\n    _exit(0);\n}\n"
        "#include <string.h>\n" + WRONG
    ),
    "redefine write, printf, puts and fwrite": (
        "#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n#include <sys/syscall.h>\n"
        "static void forge(int fd, const char *buf, size_t n) {\n"
        "    const char *at = memchr(buf, ' ', n);  /* after the token */\n"
        "    char out[512];\n"
        "    if (!at || at - buf > 100) { syscall(SYS_write, fd, buf, n); return; }\n"
        '    int len = snprintf(out, sizeof out, "%.*s 0 ok ' + EXPECTED_1 + '\\n",\n'
        "                       (int)(at - buf), buf);\n"
        "    syscall(SYS_write, fd, out, (size_t)len);\n}\n"
        "ssize_t write(int fd, const void *buf, size_t n) { forge(fd, buf, n); return (ssize_t)n; }\n"  # noqa: E501
        "int puts(const char *s) { forge(1, s, strlen(s)); return 1; }\n"
        "int printf(const char *fmt, ...) { forge(1, fmt, strlen(fmt)); return 1; }\n"
        "size_t fwrite(const void *p, size_t size, size_t n, FILE *f) {\n"
        "    (void)f; forge(1, p, size * n); return n;\n}\n" + WRONG
    ),
    "redefine fork": "int fork(void) { return 0; }\n" + CORRECT,
    "a main hidden from the stripper": WRONG
    + (
        "#include <stdio.h>\n#undef main\n#define ENTRY main\n"
        'int ENTRY(void) { printf("0 ok ' + EXPECTED_1 + '\\n"); return 0; }\n'
    ),
    "macros over the driver's names": (
        '#define psft_put_float(b, x) psft_puts(b, "1.5")\n#define true 1\n' + WRONG
    ),
}


@pytest.mark.parametrize("trick", sorted(HOSTILE))
def test_hostile_candidates_fail(sandbox, trick):
    verdict = judge(HOSTILE[trick], sandbox=sandbox)
    assert verdict.status in (
        Status.WRONG_ANSWER, Status.RUNTIME_ERROR, Status.COMPILE_ERROR
    ), verdict  # fmt: skip
    assert verdict.tests_passed == 0, verdict


ROUND_TRIP = "def echo(s: str, xs: list[float], d: dict[int, str], n: list[int]) -> " \
    "tuple[str, list[float], dict[int, str], list[int]]"  # fmt: skip
NASTY = 'a"b\\c\nd\te\x01\x7f é 😀 ??= ??/ \\x41 %d %s'


def test_values_survive_the_trip_exactly(sandbox):
    values = [NASTY, [0.1, -0.0, 1e300, 5e-324, float("inf"), -float("inf"), 1 / 3],
              {-3: "x", 7: NASTY}, [-(2**63), 2**63 - 1, 0]]  # fmt: skip
    problem = Problem(
        id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
        signature=ROUND_TRIP, tests=[call_test(values, values), call_test(
            ["", [], {}, []], ["", [], {}, []])],
    )  # fmt: skip
    code = (
        "tuple4_str_list_float_dict_int_str_list_int echo(const char *s, list_float xs,"
        " dict_int_str d, list_int n) {\n"
        "    return (tuple4_str_list_float_dict_int_str_list_int){ s, xs, d, n };\n}\n"
    )
    verdict = judge(code, problem, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed) == (Status.OK, 2), verdict
    twice = code.replace("return (", "d.items[1].key = d.items[0].key;\n    return (")
    verdict = judge(twice, problem, sandbox=sandbox)
    assert verdict.status is Status.RUNTIME_ERROR and "a key twice" in verdict.detail


def test_an_int_out_of_range_is_a_compile_error(sandbox):
    problem = Problem(
        id="test/big", source="test", statement="Big.", kind="function", entry_point="f",
        signature="def f(x: int) -> int", tests=[call_test([2**64], 1)],
    )  # fmt: skip
    verdict = judge("long long f(long long x) { return x; }\n", problem, sandbox=sandbox)
    assert verdict.status is Status.COMPILE_ERROR and "long long" in verdict.detail


def test_header_literals_and_unsupported():
    fn = C.functions
    sig = parse_signature(PROBLEM.signature)
    header = fn.header(sig, "Summarize.")
    assert "typedef struct { double *items; size_t len; } list_float;" in header
    assert header.endswith(
        f"{RET} summarize(list_float xs, const char *label, dict_str_int words, bool flag) {{\n"
    )
    assert fn.literal('a"\\\n?é', parse_type("str")) == '"a\\"\\\\\\012\\?\\303\\251"'
    assert fn.literal(None, parse_type("Optional[int]")) == "(opt_int){ .has_value = false }"
    assert fn.literal([1, 2], parse_type("list[float]")) == (
        "(list_float){ .items = (double[]){1.0, 2.0}, .len = 2 }"
    )
    assert fn.literal(float("-inf"), parse_type("float")) == "(-__builtin_inf())"
    assert fn.unsupported(parse_signature("def f(x: dict[float, int]) -> int"))
    assert fn.unsupported(parse_signature("def f(x: None) -> int"))
    assert fn.unsupported(parse_signature("def f(x: int) -> None")) is None
