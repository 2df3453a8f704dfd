"""The multilingual benchmarks' own protocols: how MultiPL-E, MBXP / Multi-HumanEval and
HumanEval-X put a program together from a row and a completion, and how they build, run
and judge it, so that a pass@k here is the number their papers report.

A `Harness` (records.py) is one benchmark row in one PL: `prompt`, `tests`, `head`, stop
tokens and the canonical solution. A `Protocol` turns a program (the prompt and a
completion, or a model's whole program, spliced: `completion_of`) into the test program,
and gives the language as the benchmark runs it (`language`: its compiler flags, its test
runner) and the failures beyond the exit status (`failure`). Every fact about a PL that
is not one benchmark's choice (Go's `go test`, Rust's test crates, the C# comparison
library) lives in `languages/testing.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from ..languages import Language
from ..languages.java import JVM_RUN_FLAGS
from ..languages.testing import test_language
from ..records import Harness

# (program text, harness, language name) -> the test program
Assemble = Callable[[str, Harness, str], str]


@dataclass(frozen=True)
class Protocol:
    name: str
    assemble: Assemble
    # PL -> Language fields the benchmark sets (compile flags, file name, test style)
    runs: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    # PL -> output fragments that fail a run even at exit status 0 (stdout or stderr)
    fail_markers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # PL -> stdout fragments a passing run must print (Clojure's test summary)
    pass_markers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # PL -> "stderr" (a run that wrote to stderr failed) or "output" (any output failed)
    silent: Mapping[str, str] = field(default_factory=dict)

    def language(self, lang: Language) -> Language:
        """`lang` as this benchmark builds and runs its test programs: no sanitizer (the
        benchmark's authors used none), its flags and test runner where it sets them."""
        base = test_language(lang, str(self.runs.get(lang.name, {}).get("style", "")))
        fields = {k: v for k, v in self.runs.get(lang.name, {}).items() if k != "style"}
        if "env" in fields:
            fields["env"] = {**base.env, **fields["env"]}  # type: ignore[dict-item]
        return replace(base, sanitizer=None, **fields)

    def failure(self, lang: str, stdout: str, stderr: str) -> str | None:
        """Why a run that exited 0 still failed by this benchmark's rule, or None."""
        silent = self.silent.get(lang)
        said = stderr.strip() if silent == "stderr" else (stderr + stdout).strip()
        if silent and said:
            where = "stderr" if silent == "stderr" else "its output"
            return f"the tests wrote to {where} (a failed check): {said.splitlines()[0][:200]}"
        for marker in self.fail_markers.get(lang, ()):
            if marker in stdout or marker in stderr:
                return f"the test output says {marker.strip()!r}"
        for marker in self.pass_markers.get(lang, ()):
            if marker not in stdout:
                return f"the test output lacks {marker.strip()!r}"
        return None


def completion_of(code: str, harness: Harness, entry_point: str | None) -> str:
    """`code` as the benchmark's prompt and a completion. A program that starts with the
    prompt (a completion-style sample, a canonical solution) is that; for a model's whole
    program, the completion is what follows its own header line of the function (its
    first non-comment line naming `entry_point`). Either way the completion ends at the
    first stop token, where the benchmark has them (MultiPL-E's tests close the function
    themselves). A program in which no header line is found is returned as it is."""
    if code.startswith(harness.prompt):
        return harness.prompt + _cut(code[len(harness.prompt) :], harness.stop_tokens)
    if not entry_point:
        return code
    prompt_lines = harness.prompt.rstrip("\n").split("\n")
    lines = code.split("\n")
    header = _header_index(lines, entry_point, first=True)
    own = _header_index(prompt_lines, entry_point, first=False)
    if header is None or own is None:
        return code
    rest = "\n".join(lines[header + 1 :])
    after = prompt_lines[own + 1 :]
    if after and after[-1].strip() == "{" and rest.lstrip().startswith("{"):
        rest = rest.lstrip()[1:]  # the prompt opens the body on its own line; so did the code
    prompt = harness.prompt if harness.prompt.endswith("\n") else harness.prompt + "\n"
    return prompt + _cut(rest, harness.stop_tokens)


def test_program(code: str, harness: Harness, lang: str) -> str:
    """The whole program the benchmark runs for `code` in `lang` (the registry's name):
    `code` spliced into the prompt where it needs to be, the benchmark's tests after it."""
    spliced = completion_of(code, harness, harness.entry_point)
    return protocol(harness.benchmark).assemble(spliced, harness, lang)


def _cut(completion: str, stops: tuple[str, ...]) -> str:
    cut = min((i for s in stops if (i := completion.find(s)) >= 0), default=len(completion))
    return completion[:cut]


def completion_stops(harness: Harness, lang: Language) -> tuple[str, ...]:
    """Where a completion of `harness.prompt` stops: the benchmark's stop tokens
    (MultiPL-E's), else the language's own completion stops for that header."""
    if harness.stop_tokens:
        return tuple(harness.stop_tokens)
    return lang.functions.completion_stops(harness.prompt) if lang.functions else ()


def completed_program(harness: Harness, lang: Language, completion: str) -> str:
    """The program a completion-style sample makes: the prompt and the completion up to
    the first stop token (a backend stops before it; one that cannot is cut here), or,
    without stop tokens, the language's own top-level rule (`completion_program`)."""
    if harness.stop_tokens:
        return harness.prompt + _cut(completion, harness.stop_tokens)
    if lang.functions is not None:
        return lang.functions.completion_program(harness.prompt, completion)
    return harness.prompt + completion


_COMMENT = ("#", "//", "/*", "*", "--", ";", '"""', "'''", ">>>", "%", "(*", "///", "=begin")


def _header_index(lines: list[str], entry_point: str, *, first: bool) -> int | None:
    word = re.compile(rf"(?<![\w$-]){re.escape(entry_point)}(?![\w$-])")
    found = [
        i
        for i, line in enumerate(lines)
        if word.search(line) and not line.strip().startswith(_COMMENT)
    ]
    if not found:
        return None
    return found[0] if first else found[-1]


# -- the protocols ------------------------------------------------------------------------


def _concatenated(separator: str) -> Assemble:
    def assemble(code: str, harness: Harness, lang: str) -> str:
        return harness.head + code + separator + harness.tests

    return assemble


PROTOCOLS: dict[str, Protocol] = {}


def register(protocol: Protocol) -> Protocol:
    PROTOCOLS[protocol.name] = protocol
    return protocol


def protocol(name: str) -> Protocol:
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise KeyError(f"unknown benchmark protocol {name!r}; known: {sorted(PROTOCOLS)}") from None


def _mxeval(code: str, harness: Harness, lang: str) -> str:
    if lang == "python":  # HumanEval's harness: the tests define check(); it calls it
        return code + "\n" + harness.tests + "\n" + f"check({harness.entry_point})"
    return harness.head + code + harness.tests


# mxeval (MBXP, Multi-HumanEval): prompt + completion + test (Python's test only defines
# `check`, which the harness then calls with the entry point), the exit status decides.
# Its TypeScript is compiled with `tsc --target es5 --lib es2016`, a type error tolerated
# (tsc's exit status 2: it still emits JavaScript); its C++ with g++'s default standard;
# its C# tests compare with the CompareNETObjects library. Its Ruby tests use `Set`
# without requiring it, as Ruby 3.2+ allows (Debian 12's Ruby 3.1 needs `-rset`).
_MXEVAL_RUNS: dict[str, dict[str, object]] = {
    "ruby": {"run": ("ruby", "-rset", "{src}")},
    "typescript": {"style": "tsc-es5"},
    "cpp": {"compile": ("g++", "-O2", "-o", "main", "{src}")},
    "csharp": {"style": "compare-net-objects"},
}
for _name in ("mbxp", "multi-humaneval"):
    register(Protocol(_name, _mxeval, runs=_MXEVAL_RUNS))


# HumanEval-X (CodeGeeX's evaluate_humaneval_x.py): per PL, the imports its harness adds
# and how it runs the result. Go runs `go test` (the tests use testify), Rust `cargo
# test` (the prompts use rand, regex and md5), C++ g++ -std=c++11 with OpenSSL, and a
# JavaScript run fails on any output at all (its tests use console.assert, which only
# prints).
_HX_PYTHON = (
    "import math", "import re", "import sys", "import copy", "import datetime",
    "import itertools", "import collections", "import heapq", "import statistics",
    "import functools", "import hashlib", "import numpy", "import numpy as np",
    "import string", "from typing import *", "from collections import *",
)  # fmt: skip
_HX_CPP = (
    "#include<stdlib.h>", "#include<algorithm>", "#include<math.h>", "#include<stdio.h>",
    "#include<vector>", "#include<string>", "#include<climits>", "#include<cstring>",
    "#include<iostream>",
)  # fmt: skip
_HX_GO = (
    "math", "strings", "fmt", "strconv", "time", "bytes", "regexp", "sort", "math/rand",
    "crypto/md5",
)  # fmt: skip


def _humaneval_x(code: str, harness: Harness, lang: str) -> str:
    if lang == "python":
        return "\n".join(_HX_PYTHON) + "\n" + code + "\n" + harness.tests + "\n"
    if lang == "cpp":
        missing = "".join(s + "\n" for s in _HX_CPP if s not in harness.prompt)
        return missing + "\n" + code + "\n" + harness.tests
    if lang == "go":  # the packages the completion (not the prompt's prose) uses
        completion = code.removeprefix(harness.prompt)
        used = [p for p in _HX_GO if p not in harness.head and p.split("/")[-1] + "." in completion]
        imports = "import (\n" + "    ".join(f'"{p}"\n' for p in used) + ")" if used else ""
        return (
            harness.head + "\n" + (imports + "\n" if imports else "") + code + "\n" + harness.tests
        )
    if lang == "rust":
        return harness.head + code + harness.tests
    return code + "\n" + harness.tests


register(
    Protocol(
        "humaneval-x",
        _humaneval_x,
        runs={
            "go": {"style": "go-test"},
            "rust": {"style": "rust-test"},
            "cpp": {
                "compile": ("g++", "-std=c++11", "-O2", "-o", "main", "{src}", "-lcrypto", "-lssl")
            },
        },
        silent={"javascript": "output"},
    )
)


# MultiPL-E (evaluation/src/main.py and eval_<lang>.py): prompt + completion + "\n" +
# tests, each PL built and judged as its evaluator does: Java and Kotlin with assertions
# on (`-ea`) and javatuples on the class path, C# with DEBUG (Debug.Assert) and its trace
# listener on stderr, D with its unittest blocks, Rust as plain `rustc`, C++ as C++17,
# Go under `go test`. Where the runtime exits 0 on a failed check the output decides:
# rackunit and Scala write to stderr, mono's failed assert says so, Perl's Test::Deep
# prints ERROR, clojure.test prints its summary.
_JAVATUPLES = "/usr/share/java/javatuples.jar"
_MULTIPL_E_RUNS: dict[str, dict[str, object]] = {
    "java": {
        "compile": ("javac", "-J-Xmx1g", "-encoding", "UTF8", "-cp", _JAVATUPLES, "-d", ".",
                    "{src}"),
        "run": ("java", "-ea", *JVM_RUN_FLAGS, "-cp", f".:{_JAVATUPLES}", "{main_class}"),
    },
    "kotlin": {"run": ("java", "-ea", *JVM_RUN_FLAGS, "-cp", "main.jar", "{main_class}")},
    "cpp": {"compile": ("g++", "-std=c++17", "-o", "main", "{src}")},
    "csharp": {
        "compile": ("mcs", "-d:DEBUG", "-r:System.Numerics.dll", "-out:main.exe", "{src}"),
        "env": {"MONO_TRACE_LISTENER": "Console.Error"},
    },
    "rust": {"compile": ("rustc", "-o", "main", "{src}")},
    "typescript": {"compile": ("tsc", "--target", "esnext", "{src}")},
    "d": {"compile": ("ldc2", "-unittest", "-of=main", "{src}")},
    "go": {"style": "go-test"},
}  # fmt: skip
register(
    Protocol(
        "multipl-e",
        _concatenated("\n"),
        runs=_MULTIPL_E_RUNS,
        fail_markers={
            "csharp": ("System.Diagnostics.DefaultTraceListener.Fail", "Unhandled Exception"),
            "go": ("FAIL", "[build failed]", "[setup failed]"),
            "perl": ("ERROR",),
        },
        pass_markers={"clojure": ("\n0 failures, 0 errors.\n",)},
        silent={"racket": "stderr", "scala": "stderr"},
    )
)

__all__ = [
    "PROTOCOLS",
    "Protocol",
    "completed_program",
    "completion_of",
    "completion_stops",
    "protocol",
    "register",
    "test_program",
]
