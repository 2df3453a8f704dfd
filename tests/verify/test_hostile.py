"""Hostile programs in Python, C and Java are contained, each with its verdict named.

Each program tries one thing a sandbox must stop (tests/fixtures/hostile/<pl>/). The C ones
fail the real build, so the sanitized pass never runs for them: the resource hogs (8 GB,
fork bomb, output flood) in C and C++ are also judged as the sanitized build alone, which
runs without RLIMIT_AS and reserves terabytes of address space. After each run the host is
checked: the canary file outside the work dir still exists, nothing was
written to /usr, no connection reached the host's listener, the home directory's secret
was not printed, and no process the program started survives (the suite-wide fixture in
conftest.py also checks that no sandbox or cgroup is left at the end).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from parallel_sft.languages import LANGUAGES, Language
from parallel_sft.records import Status
from parallel_sft.verify.runner import VerifyConfig, verify_program

from ..conftest import HOSTILE, make_problem, processes_matching

EXPECTED = {
    "fork_bomb": Status.TIME_LIMIT,  # pids.max stops the forks; the CPU burn is timed out
    "alloc_8gb": Status.MEMORY_LIMIT,
    "print_forever": Status.OUTPUT_LIMIT,
    "network": Status.RUNTIME_ERROR,  # no network namespace route: connect fails
    "write_outside": Status.RUNTIME_ERROR,  # host paths are invisible, /usr is read-only
    "read_home": Status.RUNTIME_ERROR,  # home directories are not mounted
    "kill_parent": Status.OK,  # its parent is the sandbox's init, which ignores the signal
    "block_stdin": Status.TIME_LIMIT,  # blocked forever: the wall clock kills it
    "stdin_eof_loop": Status.TIME_LIMIT,  # waits for input past EOF
    "daemon": Status.OK,  # leaves a daemon behind, which must not survive the run
}
CASES = [
    (lang, path.stem)
    for lang in ("python", "c", "java")
    for path in sorted((HOSTILE / lang).iterdir())
]
SANITIZED_CASES = [
    (lang, name) for lang in ("c", "cpp") for name in ("alloc_8gb", "fork_bomb", "print_forever")
]
ESCAPE = Path("/usr/lib/psft-escape")


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture
def home_secret():
    path = Path.home() / ".psft-test-secret"
    path.write_text("TOP-SECRET-TOKEN\n")
    yield path
    path.unlink()


@pytest.mark.parametrize("lang,name", CASES, ids=[f"{lang}-{n}" for lang, n in CASES])
def test_hostile_program_is_contained(lang, name, sandbox, tmp_path, listener, home_secret):
    assert_contained(LANGUAGES[lang], lang, name, sandbox, tmp_path, listener, home_secret)


@pytest.mark.parametrize(
    "lang,name", SANITIZED_CASES, ids=[f"{lang}-{n}" for lang, n in SANITIZED_CASES]
)
def test_hostile_program_is_contained_when_sanitized(
    lang, name, sandbox, tmp_path, listener, home_secret
):
    sanitized = LANGUAGES[lang].sanitized()
    assert sanitized is not None and not sanitized.rlimit_as
    assert_contained(
        sanitized,
        lang,
        name,
        sandbox,
        tmp_path,
        listener,
        home_secret,
        VerifyConfig(sanitize=False),
    )


def assert_contained(
    language: Language,
    lang: str,
    name: str,
    sandbox,
    tmp_path: Path,
    listener: socket.socket,
    home_secret: Path,
    config: VerifyConfig = VerifyConfig(),
) -> None:
    """Run tests/fixtures/hostile/<lang>/<name> as `language`; check its verdict and the host."""
    canary = tmp_path / "canary.txt"
    canary.write_text("keep me")
    stdin = {
        "network": f"{listener.getsockname()[1]}\n",
        "write_outside": f"{canary}\n",
        "read_home": f"{home_secret}\n",
    }.get(name, "3 4\n")
    problem = make_problem((stdin, "7\n"), time_limit_s=1.0)
    code = (HOSTILE / lang / f"{name}{Path(language.source_file).suffix}").read_text()

    verdict = verify_program(code, language, problem, sandbox=sandbox, config=config)

    assert verdict.status is EXPECTED[name], verdict.detail
    assert canary.read_text() == "keep me"
    assert not ESCAPE.exists()
    assert "TOP-SECRET" not in verdict.detail
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing connected
    assert processes_matching("3517.25") == []
    assert processes_matching("while :; do :; done") == []
