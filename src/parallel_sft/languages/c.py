"""C, compiled with gcc as GNU C17 with optimisation, linked against libm.

It also holds what the toolkit knows about gcc's sanitizers, which C++ (g++) shares: a
program that passed is built once more with AddressSanitizer and UBSan, and with the
warnings that are almost always bugs made errors, and run on every test again (see
`base.Sanitizer` and verify/runner.py). Two commands make that build:

- a warnings check, uninstrumented and at the real build's -O2: -Wmaybe-uninitialized
  comes from the optimiser's flow analysis, and ASan's instrumentation gives it false
  positives inside libstdc++ (std::regex's std::function); format/argument mismatches,
  reads of uninitialised variables and a non-void function (other than main, whose
  `return 0` C99 makes implicit) that can fall off its end are errors;
- the instrumented build: -O1, line tables for the reports, no recovery (the first report
  ends the run with a non-zero exit).

Function problems: `c_functions.CFunctions` (the types' C spelling and the test driver).
"""

from __future__ import annotations

import re
import shlex

from .base import Language, Sanitizer
from .c_functions import CFunctions

# Warnings that are almost always bugs, as errors. -Werror=format also enables -Wformat,
# whose zero-length and snprintf-truncation checks are about legal code: left off.
# -Werror=uninitialized brings -Wmaybe-uninitialized along (gcc 12).
BUG_WARNINGS = (
    "-Werror=format",
    "-Wno-format-zero-length",
    "-Wno-format-truncation",
    "-Werror=uninitialized",
    "-Werror=return-type",
)
SANITIZE_FLAGS = (
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
    "-O1",
    "-g1",
)
# detect_leaks: contest programs need not free, and LeakSanitizer needs ptrace.
# allocator_may_return_null: a failed malloc returning NULL is legal C (operator new
# still reports). hard_rss_limit_mb: the memory bound where no cgroup holds one (the
# instrumented build never gets RLIMIT_AS: ASan reserves terabytes of address space).
GCC_SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=0:halt_on_error=1:abort_on_error=0:"
    "allocator_may_return_null=1:hard_rss_limit_mb={memory_mb}:quarantine_size_mb=64",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=0",
}
# Out of memory under instrumentation, the stack included: ASan's frames are bigger, so a
# recursion that fit the real build's stack may not fit the sanitized one's.
GCC_SANITIZER_OOM = (
    "hard rss limit exhausted",
    "AddressSanitizer: stack-overflow",
    "allocator is out of memory",
    "allocator exceeded the RSS limit",
    "allocation-size-too-big",
    "ERROR: Failed to mmap",
)
# The sanitizer could not run at all: a runtime library missing, no room for its shadow
# memory, or ASan's start-up crash loop where vm.mmap_rnd_bits is too high for this gcc.
GCC_SANITIZER_INFRA = (
    "cannot find -lasan",
    "cannot find -lubsan",
    "libasan_preinit.o",
    "Shadow memory range interleaves",
    "ReserveShadowMemoryRange failed",
    "Failed to protect the shadow gap",
    "ASan runtime does not come first",
    "AddressSanitizer:DEADLYSIGNAL\nAddressSanitizer:DEADLYSIGNAL",
)

_UBSAN = re.compile(r"^(\S+:\d+:\d+: runtime error: .*)$", re.M)
_ASAN = re.compile(r"ERROR: AddressSanitizer: ([\w-]+)(?: on (?:unknown )?address)?")
_ACCESS = re.compile(r"^(READ|WRITE) of size (\d+)", re.M)
_FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ in (\S+) (\S+)", re.M)


def gcc_first_report(stderr: str) -> str | None:
    """The first sanitizer report in `stderr`, in one line without addresses, or None.

    UBSan: "main.c:5:9: runtime error: signed integer overflow: ...". ASan: the error kind,
    the access and the first frame in the program: "AddressSanitizer: heap-buffer-overflow
    (WRITE of size 4) in main main.c:11".
    """
    stderr = stderr.replace("/box/", "")
    ubsan, asan = _UBSAN.search(stderr), _ASAN.search(stderr)
    if ubsan and (asan is None or ubsan.start() < asan.start()):
        return ubsan.group(1)
    if asan is None:
        return None
    report = f"AddressSanitizer: {asan.group(1)}"
    rest = stderr[asan.end() :]
    access = _ACCESS.search(rest)
    if access:
        report += f" ({access.group(1)} of size {access.group(2)})"
    frames = _FRAME.findall(rest)
    ours = [f for f in frames if re.match(r"main\.\w+:\d+", f[1])] or frames[:1]
    if ours:
        report += f" in {ours[0][0]} {ours[0][1]}"
    return report


def gcc_sanitizer(driver: str, std: str, *, libs: tuple[str, ...] = ()) -> Sanitizer:
    """The sanitized build for gcc or g++ (`driver`) at language standard `std`."""
    check = (driver, "-O2", std, "-pipe", *BUG_WARNINGS, "-c", "-o", "/dev/null", "{src}")
    build = (driver, *SANITIZE_FLAGS, std, "-pipe", "-o", "main", "{src}", *libs)
    return Sanitizer(
        compile=("sh", "-c", f"{shlex.join(check)} && {shlex.join(build)}"),
        first_report=gcc_first_report,
        env=GCC_SANITIZER_ENV,
        time_factor=3.0,
        memory_factor=2.0,
        memory_overhead_mb=128,
        oom_markers=GCC_SANITIZER_OOM,
        infra_markers=GCC_SANITIZER_INFRA,
    )


LANGUAGE = Language(
    name="c",
    compile_s=0.05,
    start_s=0.001,
    display="C",
    aliases=("gcc", "c17"),
    source_file="main.c",
    compile=("gcc", "-O2", "-std=gnu17", "-pipe", "-o", "main", "{src}", "-lm"),
    sanitizer=gcc_sanitizer("gcc", "-std=gnu17", libs=("-lm",)),
    run=("./main",),
    tools=("gcc",),
    debian_packages=("gcc", "libc6-dev"),
    grammar="c",
    fence_tags=("C", "h"),
    conventions=(
        "C17 compiled with gcc 12 (-O2 -lm): `int main(void)` returning 0; read with scanf "
        "or fgets from stdin, write with printf. Standard library only."
    ),
    example=(
        "#include <stdio.h>\n\nint main(void) {\n    long long a, b;\n"
        '    if (scanf("%lld %lld", &a, &b) != 2) return 1;\n'
        '    printf("%lld\\n", a + b);\n    return 0;\n}\n'
    ),
    functions=CFunctions(),
)
