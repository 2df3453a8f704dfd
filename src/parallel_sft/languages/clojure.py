"""Clojure, run as a script by the `clojure` launcher on the JVM.

The launcher takes no JVM flags, so heap and stack go in JAVA_TOOL_OPTIONS (the JVM then
notes "Picked up JAVA_TOOL_OPTIONS" on stderr, which is harmless). There is no syntax
check short of loading the file, so there is no compile step; JVM plus Clojure start-up
is the slowest of all the PLs here, hence the largest time factor.
"""

from .base import Language
from .java import JVM_NOISE, JVM_OOM

LANGUAGE = Language(
    name="clojure",
    display="Clojure",
    aliases=("clj", "cljs"),
    source_file="main.clj",
    compiled=False,
    run=("clojure", "{src}"),
    rlimit_as=False,
    tools=("clojure", "java"),
    version_args=("-e", "(println (clojure-version))"),
    debian_packages=("clojure", "openjdk-17-jdk-headless"),
    grammar="clojure",
    forbidden_top_node="sym_lit",
    fence_tags=("Clojure",),
    env={
        "JAVA_TOOL_OPTIONS": "-Xmx{memory_mb}m -Xss64m -XX:+UseSerialGC -XX:-UsePerfData "
        "-XX:TieredStopAtLevel=1"
    },
    time_factor=5.0,
    memory_overhead_mb=384,
    oom_markers=JVM_OOM,
    stderr_noise=JVM_NOISE,
    conventions=(
        "Clojure 1.11 script run with `clojure main.clj` (no project, no deps): top-level "
        "forms; read with (slurp *in*) or read-line, write with println. Clojure core and "
        "Java interop only."
    ),
    example=(
        "(let [[a b] (map #(Long/parseLong %) (clojure.string/split "
        '(clojure.string/trim (slurp *in*)) #"\\s+"))]\n  (println (+ a b)))\n'
    ),
)
