"""Kotlin/JVM.

Debian's kotlinc is 1.3: no `readln()`, no `sumOf`, no `Char.code`; the conventions name
the version. kotlinc (a JVM program itself) reads JAVA_OPTS; the program runs as a jar
with the Kotlin runtime included.

The run names its main class rather than trusting the jar's manifest, which kotlinc fills
in only for a top-level `fun main`. The entry point is read from the program: a top-level
`main` runs as the file's facade class (``MainKt``, or the name `@file:JvmName` gives it),
an `object` or a class's `companion object` with a `@JvmStatic fun main` runs as that
class; all qualified by the program's package.

Function problems: `kotlin_functions.py` (types, literals, the test driver, stripping the
candidate's own `main`). A function problem's driver program runs its own object
(`Psft_Driver`), found by the driver's last line even where tree-sitter's Kotlin grammar
trips over code kotlinc accepts.
"""

from dataclasses import dataclass

from .base import Language
from .entry import EntryPoint, choose, first, kids, parse, qualified, text
from .java import JVM_COMPILER_OPTS, JVM_NOISE, JVM_OOM, JVM_RUN_FLAGS
from .kotlin_functions import DRIVER_END, DRIVER_OBJECT, KotlinFunctions

_MAIN = "a top-level `fun main` or a `@JvmStatic fun main`"


@dataclass(frozen=True)
class Kotlin(Language):
    def placeholders(self) -> dict[str, str]:
        return {"main_class": "MainKt"}

    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        header = first(root, "package_header") if root is not None else None
        package = text(first(header, "identifier")) if header is not None else ""
        if code.rstrip().endswith(DRIVER_END):  # a function problem's test driver
            return EntryPoint(self.source_file, {"main_class": qualified(package, DRIVER_OBJECT)})
        if root is None or root.has_error:
            return super().entry_point(code)  # kotlinc says what is wrong
        mains = []
        if any(_is_main(f) for f in kids(root, "function_declaration")):
            mains.append(_facade(root) or "MainKt")
        for decl in kids(root, "object_declaration", "class_declaration"):
            body = first(decl, "class_body")
            holders = [body] if decl.type == "object_declaration" else []
            if body is not None:
                holders += [first(c, "class_body") for c in kids(body, "companion_object")]
            if any(
                _is_main(f, static=True)
                for holder in holders
                if holder is not None
                for f in kids(holder, "function_declaration")
            ):
                mains.append(text(first(decl, "type_identifier")))
        main = choose(mains, what=_MAIN, kind="class")
        return EntryPoint(self.source_file, {"main_class": qualified(package, main)})


def _is_main(function, *, static: bool = False) -> bool:
    if text(first(function, "simple_identifier")) != "main" or first(function, "receiver_type"):
        return False
    return not static or "@JvmStatic" in text(first(function, "modifiers")).replace(" ", "")


def _facade(root) -> str | None:
    """The class name a `@file:JvmName("...")` annotation gives the file's functions."""
    for note in kids(root, "file_annotation"):
        if "JvmName" in text(note):
            value = text(note).split('"')
            return value[1] if len(value) > 2 else None
    return None


LANGUAGE = Kotlin(
    name="kotlin",
    compile_s=2.24,
    start_s=0.097,
    display="Kotlin",
    aliases=("kt", "kts"),
    source_file="main.kt",
    compile=("kotlinc", "-nowarn", "{src}", "-include-runtime", "-d", "main.jar"),
    run=("java", *JVM_RUN_FLAGS, "-cp", "main.jar", "{main_class}"),
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
    functions=KotlinFunctions(),
)
