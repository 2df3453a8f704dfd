"""Clojure, run as a script by the `clojure` launcher on the JVM.

The launcher takes no JVM flags, so heap and stack go in JAVA_TOOL_OPTIONS (the JVM then
notes "Picked up JAVA_TOOL_OPTIONS" on stderr, which is harmless). There is no syntax
check short of loading the file, so there is no compile step; JVM plus Clojure start-up
is the slowest of all the PLs here, hence the largest time factor.

A namespace (`(ns foo.core (:gen-class))`) changes nothing for a script, but a program in
the `lein run` shape defines `-main` and never calls it: run as a script it would do
nothing. Such a program is loaded and its `-main` called (``-i main.clj -e``).

Function problems: `clojure_functions.py` (the values as Clojure data, a docstring with
clojure.spec types, the test driver, stripping a model's `-main` and top-level calls).
"""

from dataclasses import dataclass

from .base import Language
from .clojure_functions import ClojureFunctions
from .entry import EntryPoint, kids, parse, text
from .java import JVM_NOISE, JVM_OOM


@dataclass(frozen=True)
class Clojure(Language):
    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        if root is None or root.has_error:
            return super().entry_point(code)
        namespace, defines, calls = "user", False, False
        for form in kids(root, "list_lit"):
            items = [c for c in form.children if c.type not in ("(", ")")]
            head, name = (
                text(i) if i.type == "sym_lit" else None for i in [*items, root, root][:2]
            )
            if head == "ns" and name:
                namespace = name
            elif head in ("defn", "defn-") and name == "-main":
                defines = True
            else:  # `(-main)`, `(apply -main *command-line-args*)`, ...
                calls = calls or "-main" in text(form)
        if not defines or calls:
            return super().entry_point(code)
        call = f"(do ({namespace}/-main) nil)"  # -e prints a non-nil result
        return EntryPoint(self.source_file, run=("clojure", "-i", "{src}", "-e", call))


LANGUAGE = Clojure(
    name="clojure",
    compile_s=0.00,
    start_s=0.796,
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
    functions=ClojureFunctions(),
)
