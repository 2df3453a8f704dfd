"""Precompiled headers: built once in the sandbox, used by the compiles they fit, and never
a reason for a program to fail (verify/precompiled.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from parallel_sft.languages import LANGUAGES
from parallel_sft.languages.base import PrecompiledHeader
from parallel_sft.languages.c import SANITIZE_FLAGS
from parallel_sft.records import Status
from parallel_sft.verify import precompiled
from parallel_sft.verify.limits import Limits
from parallel_sft.verify.runner import verify_program

from ..conftest import make_problem

CONTEST = """#include <bits/stdc++.h>
using namespace std;
int main() {
    long long a, b;
    cin >> a >> b;
    vector<long long> v = {a, b};
    cout << accumulate(v.begin(), v.end(), 0LL) << "\\n";
}
"""
PROBLEM = make_problem(("2 3\n", "5\n"), ("-4 4\n", "0\n"))


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    root = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PSFT_CACHE_DIR", str(root))
        yield root


def _headers_read(sandbox, lang, tmp_path, flags):
    """What g++ -H reports reading for CONTEST, compiled in the sandbox with `lang`'s env:
    a line starting with "!" names a precompiled header it used."""
    box = tmp_path / "box"
    box.mkdir(exist_ok=True)
    (box / "main.cpp").write_text(CONTEST)
    argv = ["g++", "-H", *flags, "-c", "-o", "/dev/null", "main.cpp"]
    result = sandbox.execute(argv, box=box, scratch=tmp_path / "io", limits=Limits().for_compile(),
                             env=dict(lang.env), ro_paths=lang.sandbox_paths)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return result.stderr.decode().splitlines()


def test_both_builds_find_their_variant_in_the_sandbox(cache, sandbox, tmp_path):
    cpp = LANGUAGES["cpp"]
    lang = precompiled.with_precompiled(cpp, CONTEST, cpp.find_toolchain(), sandbox)
    (directory,) = set(lang.sandbox_paths) - set(cpp.sandbox_paths)
    assert directory.startswith(str(cache / "pch"))
    assert sorted(p.name for p in (cache / "pch").glob("*/bits/stdc++.h.gch/*")) == [
        "0.gch",
        "1.gch",
    ]
    plain = _headers_read(sandbox, lang, tmp_path, ["-O2", "-std=gnu++20", "-pipe"])
    assert any(ln.startswith("! ") and ln.endswith("/0.gch") for ln in plain), plain[:5]
    sanitized = [*SANITIZE_FLAGS, "-std=gnu++20", "-pipe"]  # the sanitized pass's build
    checked = _headers_read(sandbox, lang, tmp_path, sanitized)
    assert any(ln.startswith("! ") and ln.endswith("/1.gch") for ln in checked), checked[:5]
    # Without it, g++ reads the header itself: hundreds of lines of -H output.
    bare = _headers_read(sandbox, cpp, tmp_path, ["-O2", "-std=gnu++20", "-pipe"])
    assert not any(ln.startswith("! ") for ln in bare) and len(bare) > 100


def test_a_program_with_it_verifies_and_one_without_builds_nothing(cache, sandbox):
    cpp = LANGUAGES["cpp"]
    assert verify_program(CONTEST, cpp, PROBLEM, sandbox=sandbox).status is Status.OK
    wrong = CONTEST.replace("0LL)", "1LL)")
    assert verify_program(wrong, cpp, PROBLEM, sandbox=sandbox).status is Status.WRONG_ANSWER
    plain = cpp.example
    assert precompiled.with_precompiled(cpp, plain, cpp.find_toolchain(), sandbox) is cpp


def test_a_header_that_cannot_be_built_is_noted_once_and_programs_still_compile(cache, sandbox):
    cpp = LANGUAGES["cpp"]
    broken = PrecompiledHeader(
        include="bits/stdc++.h",
        builds=(("g++", "--no-such-flag", "-x", "c++-header", "{src}", "-o", "{out}"),),
        env="CPLUS_INCLUDE_PATH",
    )
    lang = replace(cpp, precompiled=broken)
    assert precompiled.with_precompiled(lang, CONTEST, cpp.find_toolchain(), sandbox) is lang
    (note,) = (cache / "pch").glob("*.failed")
    assert "--no-such-flag" in note.read_text()
    assert verify_program(CONTEST, lang, PROBLEM, sandbox=sandbox).status is Status.OK
