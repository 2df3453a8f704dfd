"""Compile servers (verify/compile_server.py): javac kept warm in a sandbox session compiles
exactly as the `javac` command does, out of programs' reach, and any failure of it falls
back to the command."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest

from parallel_sft.languages import LANGUAGES
from parallel_sft.languages.java import javac_request
from parallel_sft.languages.scala import SCALAC_OPTIONS
from parallel_sft.records import Status
from parallel_sft.verify import compile_server
from parallel_sft.verify import session as session_module
from parallel_sft.verify.limits import Limits
from parallel_sft.verify.runner import VerifyConfig, verify_program
from parallel_sft.verify.sandbox import Sandbox

from ..conftest import make_problem

JAVA = LANGUAGES["java"]
pytestmark = pytest.mark.skipif(JAVA.find_toolchain() is None, reason="no JDK")


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(session_module, "_sessions", OrderedDict())
    monkeypatch.setattr(session_module, "_broken", [])
    yield
    session_module.close_sessions()


def test_javac_request_makes_paths_relative_to_the_server_and_refuses_what_it_does_not_know():
    argv = ["javac", "-J-Xmx1g", "-proc:none", "-encoding", "UTF-8", "-d", ".", "Main.java"]
    assert javac_request(argv, "w/box") == [
        "-cp", "w/box", "-proc:none", "-encoding", "UTF-8", "-d", "w/box", "w/box/Main.java"
    ]  # fmt: skip
    assert javac_request(["javac", "-proc:none", "-cp", "lib", "-Xlint:all", "p/A.java"], "w") == [
        "-proc:none", "-cp", "w/lib", "-Xlint:all", "w/p/A.java"
    ]  # fmt: skip
    assert javac_request(["javac", "-proc:none", "A.java"], "w") == [
        "-cp", "w", "-proc:none", "w/A.java"
    ], "the command's own default class path: its directory"  # fmt: skip
    for refused in (
        ["javac", "-proc:none", "--module-path", "m", "A.java"],  # an option it does not know
        ["javac", "-proc:none", "/abs/A.java"],
        ["javac", "-proc:none", "-d"],  # an option without its value
        ["javac", "A.java"],  # annotation processors left on
        ["javac", "-proc:none", "-Xplugin:Evil", "A.java"],
        ["kotlinc", "A.kt"],
    ):
        assert javac_request(refused, "w") is None, refused
    assert SCALAC_OPTIONS.request(["scalac", "-nowarn", "-d", ".", "Main.scala"], "w") == [
        "-classpath", "w", "-nowarn", "-d", "w", "w/Main.scala"
    ]  # fmt: skip


PROGRAMS = {
    "ok": "public class Main { public static void main(String[] a) { System.out.println(1); } }",
    "errors": (
        "public class Main {\n  public static void main(String[] a) {\n"
        '    int x = "s";\n    Sytem.out.println(y);\n  }\n}\n'
    ),
    "unchecked": (
        "import java.util.*;\npublic class Main { public static void main(String[] a) {\n"
        "  List l = new ArrayList(); l.add(1); List<String> s = l; System.out.println(s); } }\n"
    ),
    "deprecated": (
        "public class Main { public static void main(String[] a) {\n"
        "  Integer i = new Integer(3); System.out.println(i); } }\n"
    ),
    "package": (
        "package com.example.app;\npublic class Main { static class In {}\n"
        "  public static void main(String[] a) { System.out.println(new In()); } }\n"
    ),
    "unicode": (
        "public class Main { public static void main(String[] a) {\n"
        '  String café = "naïve ✓"; System.out.println(cafe); } }\n'
    ),
    # Helper.java beside it: the command finds it on its default class path, ".".
    "two files": "public class Main { public static void main(String[] a) { Helper.hi(); } }",
}
HELPER = "class Helper { static void hi() { System.out.println(2); } }"
SCALA = LANGUAGES["scala"]
SCALA_PROGRAMS = {
    "ok": "object Main { def main(args: Array[String]): Unit = println(List(1, 2).sum) }\n",
    "errors": (
        'object Main {\n  def main(args: Array[String]): Unit = {\n    val x: Int = "s"\n'
        "    println(y)\n  }\n}\n"
    ),
    "package": "package a.b\nobject Main { case class P(x: Int)\n"
    "  def main(args: Array[String]): Unit = println(P(1)) }\n",
}


def _compile_both(tmp_path: Path, lang, name: str, code: str):
    """The program compiled by the PL's compile command in a sandbox of its own, and by the
    session's compile server: (Execution, class files) for each."""
    limits = Limits().for_compile()
    toolchain = lang.find_toolchain()
    values = {"src": lang.source_file, **lang.placeholders()}
    argv = [arg.format(**values) for arg in lang.compile]
    results = []
    for how in ("command", "server"):
        root = tmp_path / how / name
        box = root / "box"
        box.mkdir(parents=True)
        (box / lang.source_file).write_text(code)
        if name == "two files":
            (box / "Helper.java").write_text(HELPER)
        if how == "command":
            result = Sandbox(sessions=False).execute(
                argv, box=box, scratch=root / "compile", limits=limits, toolchain=toolchain,
                ro_paths=lang.sandbox_paths, writable=True, rlimit_as=False,
                env={k: v.format(**values) for k, v in lang.env.items()},
            )  # fmt: skip
        else:
            session = session_module.session_for(Sandbox(), tmp_path / how, toolchain, ())
            assert session is not None, session_module._broken
            result = compile_server.compile_with_server(
                session, lang.compile_server, argv, box=box, scratch=root / "compile",
                limits=limits, values=values,
            )  # fmt: skip
            assert result is not None, "the server compiled it"
        classes = {p.relative_to(box).as_posix(): p.read_bytes() for p in box.rglob("*.class")}
        results.append((result, classes))
    return results


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_server_compiles_exactly_as_the_javac_command(fresh, tmp_path, name):
    (command, command_classes), (server, server_classes) = _compile_both(
        tmp_path, JAVA, name, PROGRAMS[name]
    )
    assert command.started and server.started
    assert server.exit_code == command.exit_code
    assert server.stderr == command.stderr, "the same messages, naming files the same way"
    assert server_classes == command_classes, "byte for byte the same class files"
    assert (command.exit_code == 0) == (name not in ("errors", "unicode"))
    if name == "errors":
        assert b"Main.java:3: error" in server.stderr and b"3 errors" in server.stderr
    if name == "unchecked":
        assert b"Note: Main.java uses unchecked" in server.stderr
    if name == "package":
        assert "com/example/app/Main$In.class" in server_classes
    if name == "two files":
        assert set(server_classes) == {"Main.class", "Helper.class"}


@pytest.mark.skipif(SCALA.find_toolchain() is None, reason="no scalac")
@pytest.mark.parametrize("name", sorted(SCALA_PROGRAMS))
def test_the_server_compiles_exactly_as_the_scalac_command(fresh, tmp_path, name):
    (command, command_classes), (server, server_classes) = _compile_both(
        tmp_path, SCALA, name, SCALA_PROGRAMS[name]
    )
    assert server.exit_code == command.exit_code == (1 if name == "errors" else 0)
    assert server.stderr == command.stderr
    assert server_classes == command_classes
    assert bool(server_classes) == (name != "errors")
    if name == "errors":
        assert b"Main.scala:3: error: type mismatch" in server.stderr
        assert b"two errors found" in server.stderr
    if name == "package":
        assert "a/b/Main$P.class" in server_classes


SPY = """import java.io.File;
public class Main { public static void main(String[] a) {
  int pids = 0;
  for (String p : new File("/proc").list()) if (p.matches("[0-9]+")) pids++;
  System.out.println(pids + " " + new File("/psft-session").list().length + " "
    + new File("/box").list().length);
} }
"""


def test_programs_cannot_see_the_compile_server_or_its_files(fresh, tmp_path):
    sandbox = Sandbox()
    problem = make_problem(("", "2 0 2\n"))  # own pid, PID 1; nothing; Main.java, Main.class
    first = verify_program(SPY, JAVA, problem, sandbox=sandbox, workdir=tmp_path)
    assert first.status is Status.OK, first.detail
    (session,) = session_module._sessions.values()
    assert set(session.servers) == {JAVA.compile_server}, "the server compiled it, and runs"
    again = verify_program(SPY.replace("pids++", "pids += 1"), JAVA, problem,
                           sandbox=sandbox, workdir=tmp_path)  # fmt: skip
    assert again.status is Status.OK, again.detail
    assert session.server_failures == {}


def test_a_server_that_dies_sends_compiles_to_the_command_then_is_left_alone(fresh, tmp_path):
    sandbox = Sandbox()
    problem = make_problem(("", "1\n"))
    code = PROGRAMS["ok"]
    assert verify_program(code, JAVA, problem, sandbox=sandbox, workdir=tmp_path).ok
    (session,) = session_module._sessions.values()
    for failures in range(1, compile_server.MAX_FAILURES + 1):
        server = session.servers[JAVA.compile_server]
        server.cgroup.kill()  # as an OOM kill or a crash would
        verdict = verify_program(code, JAVA, problem, sandbox=sandbox, workdir=tmp_path)
        assert verdict.ok, verdict.detail  # compiled by the command this time
        assert session.server_failures == {JAVA.compile_server: failures}
        if failures < compile_server.MAX_FAILURES:
            assert verify_program(code, JAVA, problem, sandbox=sandbox, workdir=tmp_path).ok
    assert session.servers == {}, "not started again once it failed MAX_FAILURES times"
    assert verify_program(code, JAVA, problem, sandbox=sandbox, workdir=tmp_path).ok


def test_a_compile_past_its_deadline_ends_the_server_and_times_out_as_the_command(fresh, tmp_path):
    sandbox = Sandbox()
    problem = make_problem(("", "1\n"))
    limits = Limits(compile_time_s=0.05)  # no javac gets anything done in 50 ms
    verdict = verify_program(PROGRAMS["ok"], JAVA, problem, sandbox=sandbox,
                             config=_config(limits), workdir=tmp_path)  # fmt: skip
    assert verdict.status is Status.COMPILE_ERROR and "timed out" in verdict.detail
    (session,) = session_module._sessions.values()
    assert session.servers == {} and session.server_failures == {JAVA.compile_server: 1}


def _config(limits: Limits) -> VerifyConfig:
    return VerifyConfig(limits=limits)
