"""Scala 2 on the JVM.

Debian ships Scala 2.11, so the conventions rule out 2.12+/3 syntax and API. The run
calls `java` directly with the scala-library jar (found beside scalac, through the
`placeholders` hook) rather than the slower `scala` runner script. It starts the
program's own entry point: the top-level object with a `def main` or one that `extends
App`, whatever its name, qualified by its package.

Function problems: `scala_functions.py` (types, literals, the test driver, stripping the
candidate's own `main`). A function problem's driver program runs its own object
(`Psft_Driver`), found by the driver's last line even where tree-sitter cannot parse the
candidate's part.
"""

import glob
import os
import shutil
from dataclasses import dataclass

from .base import CompileServer, Language
from .entry import EntryPoint, choose, first, kids, parse, qualified, text
from .java import JVM_COMPILER_OPTS, JVM_NOISE, JVM_OOM, JVM_RUN_FLAGS, CompilerOptions
from .scala_functions import DRIVER_END, DRIVER_OBJECT, ScalaFunctions


@dataclass(frozen=True)
class Scala(Language):
    def placeholders(self) -> dict[str, str]:
        scalac = os.path.realpath(shutil.which("scalac") or "/")
        # <scala home>/bin/scalac -> <scala home>/lib/scala-library.jar
        home = os.path.dirname(os.path.dirname(scalac))
        lib = os.path.join(home, "lib")
        jars = sorted(glob.glob(os.path.join(glob.escape(lib), "*.jar")))
        return {
            "scala_library": os.path.join(lib, "scala-library.jar"),
            "scala_home": home,
            "scala_tools": ":".join(jars),  # the scalac script's class path: all of lib/
            "main_class": "Main",
        }

    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        if code.rstrip().endswith(DRIVER_END):  # a function problem's test driver
            package = _file_package(root) if root is not None else ""
            return EntryPoint(self.source_file, {"main_class": qualified(package, DRIVER_OBJECT)})
        if root is None or root.has_error:
            return super().entry_point(code)  # scalac says what is wrong
        mains = []
        for package, obj in _objects(root, ""):
            body = first(obj, "template_body")
            defines = body is not None and any(
                text(first(f, "identifier")) == "main" for f in kids(body, "function_definition")
            )
            extends = first(obj, "extends_clause")
            app = extends is not None and any(
                text(t) in ("App", "scala.App")
                for t in kids(extends, "type_identifier", "stable_type_identifier")
            )
            if defines or app:
                mains.append(qualified(package, text(first(obj, "identifier"))))
        main = choose(mains, what="`def main(args: Array[String])` or `extends App`", kind="object")
        return EntryPoint(self.source_file, {"main_class": main})


def _objects(node, package: str):
    """(package, object) for the objects at the top of the program, in package blocks too."""
    for child in node.children:
        if child.type == "object_definition":
            yield package, child
        elif child.type == "package_clause":
            name = text(first(child, "package_identifier"))
            inner = qualified(package, name)
            body = first(child, "template_body")
            if body is not None:  # `package a { ... }`
                yield from _objects(body, inner)
            else:  # `package a` holds the rest of the file
                package = inner


def _file_package(root) -> str:
    """The package of the file's top level: its leading `package a` clauses, chained."""
    package = ""
    for child in kids(root):
        if child.type == "package_clause" and first(child, "template_body") is None:
            package = qualified(package, text(first(child, "package_identifier")))
        elif child.type not in ("comment", "block_comment"):
            break
    return package


SCALAC_OPTIONS = CompilerOptions(
    tool="scalac",
    paths=("-d", "-classpath", "-cp", "-sourcepath"),
    values=("-encoding",),
    flags=(
        "-nowarn",
        "-deprecation",
        "-feature",
        "-unchecked",
        "-optimise",
        "-target:",
        "-X",
        "-Y",
        "-g:",
        "-language:",
    ),  # fmt: skip
    classpath=("-classpath", "-cp"),
)

LANGUAGE = Scala(
    name="scala",
    compile_s=2.59,
    start_s=0.179,
    display="Scala",
    aliases=("scala2", "sc"),
    source_file="Main.scala",
    compile=("scalac", "-nowarn", "-d", ".", "{src}"),
    run=("java", *JVM_RUN_FLAGS, "-cp", "{scala_library}:.", "{main_class}"),
    # scalac in a warm JVM, started as the scalac script starts it (its JAVA_OPTS below):
    # about 0.3 s a program instead of 1.4 s (benchmarks/verify_vs_naive.py)
    compile_server=CompileServer(
        source="JvmCompileServer.java",
        start=(
            "java",
            *JVM_COMPILER_OPTS.split(),
            "-classpath",
            "{scala_tools}",
            "-Dscala.home={scala_home}",
            "-Dscala.usejavacp=true",
            "{server}",
            "scalac",
        ),
        request=SCALAC_OPTIONS.request,
    ),  # fmt: skip
    rlimit_as=False,
    tools=("scalac", "java"),
    version_args=("-version",),
    debian_packages=("scala", "openjdk-17-jdk-headless"),
    grammar="scala",
    fence_tags=("Scala",),
    env={"JAVA_OPTS": JVM_COMPILER_OPTS},
    time_factor=3.0,
    memory_overhead_mb=256,
    oom_markers=JVM_OOM,
    stderr_noise=JVM_NOISE,
    conventions=(
        "Scala 2.11 (not 2.12+, not Scala 3): `object Main { def main(args: Array[String]): "
        "Unit = ... }`. Read with scala.io.StdIn.readLine or io.Source.stdin.getLines; "
        "write with println. No API newer than 2.11."
    ),
    example=(
        "object Main {\n  def main(args: Array[String]): Unit = {\n"
        '    val Array(a, b) = scala.io.StdIn.readLine().trim.split("\\\\s+").map(_.toLong)\n'
        "    println(a + b)\n  }\n}\n"
    ),
    functions=ScalaFunctions(),
)
