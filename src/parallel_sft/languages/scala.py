"""Scala 2 on the JVM.

Debian ships Scala 2.11, so the conventions rule out 2.12+/3 syntax and API. The run
calls `java` directly with the scala-library jar (found beside scalac, through the
`placeholders` hook) rather than the slower `scala` runner script.
"""

import os
import shutil
from dataclasses import dataclass

from .base import Language
from .java import JVM_COMPILER_OPTS, JVM_NOISE, JVM_OOM, JVM_RUN_FLAGS


@dataclass(frozen=True)
class Scala(Language):
    def placeholders(self) -> dict[str, str]:
        scalac = os.path.realpath(shutil.which("scalac") or "/")
        # <scala home>/bin/scalac -> <scala home>/lib/scala-library.jar
        home = os.path.dirname(os.path.dirname(scalac))
        return {"scala_library": os.path.join(home, "lib", "scala-library.jar")}


LANGUAGE = Scala(
    name="scala",
    display="Scala",
    aliases=("scala2", "sc"),
    source_file="Main.scala",
    compile=("scalac", "-nowarn", "-d", ".", "{src}"),
    run=("java", *JVM_RUN_FLAGS, "-cp", "{scala_library}:.", "Main"),
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
)
