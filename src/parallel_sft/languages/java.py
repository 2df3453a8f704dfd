"""Java 17.

Prompts ask for a public class ``Main``, but people name their classes as they like
(`public class atcoder_ABC043_B`, `class Solution`), so the entry point is read from the
program: the file is named after its public top-level class (javac insists), and the run
starts the top-level class that declares ``public static void main(String[])`` (the public
one where several do), qualified by the program's package (javac ``-d .`` lays packages
out as directories). The JVM sizes its heap from the machine, not from the
sandbox, so the run passes ``-Xmx`` with the memory limit and the sandbox adds
``memory_overhead_mb`` for metaspace, code cache and thread stacks; an
``OutOfMemoryError`` is then reported as MEMORY_LIMIT. ``-Xss`` allows deep recursion.
"""

from dataclasses import dataclass

from .base import Language
from .entry import EntryPoint, choose, first, kids, parse, qualified, text

JVM_RUN_FLAGS = ("-Xmx{memory_mb}m", "-Xss64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
# Compilers on the JVM start faster with C1 only, and need no more than a modest heap.
JVM_COMPILER_OPTS = "-Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
JVM_OOM = ("java.lang.OutOfMemoryError",)
JVM_NOISE = ("Picked up JAVA_TOOL_OPTIONS", "OpenJDK 64-Bit Server VM warning")

_TYPES = ("class_declaration", "interface_declaration", "enum_declaration", "record_declaration")
_MAIN = "a `public static void main(String[] args)`"


@dataclass(frozen=True)
class Java(Language):
    def placeholders(self) -> dict[str, str]:
        return {"main_class": "Main"}

    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        if root is None:
            return super().entry_point(code)
        clause = first(root, "package_declaration")
        package = text(first(clause, "scoped_identifier", "identifier")) if clause else ""
        public, mains = None, []
        for decl in kids(root, *_TYPES):
            name = text(decl.child_by_field_name("name"))
            if "public" in _modifiers(decl):
                public = public or name
            if any(_is_main(m, decl.type) for m in _methods(decl)):
                mains.append(name)
        if root.has_error and len(mains) != 1 and not (public and public in mains):
            return super().entry_point(code)  # javac says what is wrong
        main = choose(mains, what=_MAIN, kind="class", preferred=public)
        return EntryPoint(f"{public or main}.java", {"main_class": qualified(package, main)})


def _modifiers(node) -> set[str]:
    mods = first(node, "modifiers")
    return {c.type for c in mods.children} if mods is not None else set()


def _methods(decl):
    body = decl.child_by_field_name("body")
    return kids(body, "method_declaration") if body is not None else iter(())


def _is_main(method, owner: str) -> bool:
    mods = _modifiers(method)
    params = method.child_by_field_name("parameters")
    arity = sum(1 for c in params.children if c.type.endswith("parameter")) if params else 0
    return (
        text(method.child_by_field_name("name")) == "main"
        and "static" in mods
        and ("public" in mods or owner == "interface_declaration")
        and text(method.child_by_field_name("type")) == "void"
        and arity == 1
    )


LANGUAGE = Java(
    name="java",
    display="Java",
    aliases=("java17", "jdk"),
    source_file="Main.java",
    compile=(
        "javac",
        "-J-Xmx1g",
        "-J-XX:TieredStopAtLevel=1",
        "-encoding",
        "UTF-8",
        "-d",
        ".",
        "{src}",
    ),
    run=("java", *JVM_RUN_FLAGS, "-cp", ".", "{main_class}"),
    rlimit_as=False,
    tools=("javac", "java"),
    version_args=("-version",),
    debian_packages=("openjdk-17-jdk-headless",),
    grammar="java",
    fence_tags=("Java",),
    time_factor=2.0,
    memory_overhead_mb=256,
    oom_markers=JVM_OOM,
    stderr_noise=JVM_NOISE,
    conventions=(
        "Java 17: exactly one public class, named `Main`, with `public static void "
        "main(String[] args)`, and no package declaration. Read stdin with BufferedReader "
        "or Scanner, write with System.out (a PrintWriter for large output). Standard "
        "library only."
    ),
    example=(
        "import java.util.Scanner;\n\npublic class Main {\n"
        "    public static void main(String[] args) {\n"
        "        Scanner in = new Scanner(System.in);\n"
        "        long a = in.nextLong(), b = in.nextLong();\n"
        "        System.out.println(a + b);\n    }\n}\n"
    ),
)
