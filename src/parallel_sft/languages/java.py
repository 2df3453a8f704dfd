"""Java 17.

The file must be ``Main.java`` with a public class ``Main``: javac insists that a public
class lives in a file of its name. The JVM sizes its heap from the machine, not from the
sandbox, so the run passes ``-Xmx`` with the memory limit and the sandbox adds
``memory_overhead_mb`` for metaspace, code cache and thread stacks; an
``OutOfMemoryError`` is then reported as MEMORY_LIMIT. ``-Xss`` allows deep recursion.
"""

from .base import Language

JVM_RUN_FLAGS = ("-Xmx{memory_mb}m", "-Xss64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
# Compilers on the JVM start faster with C1 only, and need no more than a modest heap.
JVM_COMPILER_OPTS = "-Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
JVM_OOM = ("java.lang.OutOfMemoryError",)
JVM_NOISE = ("Picked up JAVA_TOOL_OPTIONS", "OpenJDK 64-Bit Server VM warning")

LANGUAGE = Language(
    name="java",
    display="Java",
    aliases=("java17", "jdk"),
    source_file="Main.java",
    compile=("javac", "-J-Xmx1g", "-J-XX:TieredStopAtLevel=1", "-encoding", "UTF-8", "{src}"),
    run=("java", *JVM_RUN_FLAGS, "Main"),
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
