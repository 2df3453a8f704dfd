"""Kotlin/JVM.

Debian's kotlinc is 1.3: no `readln()`, no `sumOf`, no `Char.code`; the conventions name
the version. kotlinc (a JVM program itself) reads JAVA_OPTS; the program runs as a jar
with the Kotlin runtime included.
"""

from .base import Language
from .java import JVM_COMPILER_OPTS, JVM_NOISE, JVM_OOM, JVM_RUN_FLAGS

LANGUAGE = Language(
    name="kotlin",
    display="Kotlin",
    aliases=("kt", "kts"),
    source_file="main.kt",
    compile=("kotlinc", "-nowarn", "{src}", "-include-runtime", "-d", "main.jar"),
    run=("java", *JVM_RUN_FLAGS, "-jar", "main.jar"),
    rlimit_as=False,
    tools=("kotlinc", "java"),
    version_args=("-version",),
    debian_packages=("kotlin", "openjdk-17-jdk-headless"),
    grammar="kotlin",
    fence_tags=("Kotlin",),
    env={"JAVA_OPTS": JVM_COMPILER_OPTS},
    time_factor=2.0,
    memory_overhead_mb=256,
    oom_markers=JVM_OOM,
    stderr_noise=JVM_NOISE,
    conventions=(
        "Kotlin 1.3 (JVM): top-level `fun main()` (or `fun main(args: Array<String>)`). "
        "Read lines with `readLine()!!`; Kotlin 1.3 has no `readln()`, `sumOf`, "
        "`Char.code`, `lowercase()`/`uppercase()` or other API added after 1.3. Write with "
        "println. Standard library only."
    ),
    example=(
        "fun main() {\n"
        '    val (a, b) = readLine()!!.trim().split(Regex("\\\\s+")).map { it.toLong() }\n'
        "    println(a + b)\n}\n"
    ),
)
