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

Function problems (`JavaFunctions`) take MultiPL-E's shape: a `static` method of the
signature's name in a class (`class Problem` in the header; the class that declares the
method is found in the candidate's code, and a bare method is wrapped in one). Python's
`int` is `long`, `float` `double`, `list` `List`, `dict` `Map`, `Optional` `Optional`
(null is taken for empty too), and a tuple one of the driver's javatuples-like records
(`Pair<A, B>`, `Triplet<A, B, C>`, ...: `new Pair<>(a, b)`, `Pair.with(a, b)`,
`getValue0()`).
"""

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .base import CompileServer, Language
from .entry import EntryPoint, choose, first, kids, parse, qualified, text
from .functions import FunctionSupport, driver_template
from .types import NONE, Signature, Type

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


# The test driver (see functions.py for the protocol), a class of its own after the
# candidate's code. `main` reads the token and opens its own stream on fd 1 before any
# candidate class is initialised (a replaced System.out does not matter), keeps both in
# local variables (no reflection reaches them), builds every call's arguments afresh,
# and serialises the result with writers generated from the signature: exact classes
# only (Long, Double, Boolean, String, java.util lists and maps of the JDK itself, the
# final tuple records and Optional), never the value's own equals or toString. Every
# name is fully qualified: the candidate's imports and classes cannot shadow them.
# The driver's Java text (with @PLACEHOLDERS@) lives beside this module as real Java.
DRIVER = "java_driver.java"  # in drivers/, read by driver_template at first use

# javatuples' names, as MultiPL-E's Java prompts use them (org.javatuples.Pair ...).
TUPLES = ("Unit", "Pair", "Triplet", "Quartet", "Quintet", "Sextet", "Septet", "Octet",
          "Ennead", "Decade")  # fmt: skip
DRIVER_CLASS = "Psft_Driver"
CLASS = "Problem"  # the class the header puts the method in
KEYWORDS = frozenset(
    "abstract assert boolean break byte case catch char class const continue default do "
    "double else enum extends final finally float for goto if implements import instanceof "
    "int interface long native new package private protected public return short static "
    "strictfp super switch synchronized this throw throws transient try void volatile while "
    "true false null _".split()
)
_PRIMITIVE = {"int": "long", "float": "double", "bool": "boolean", "str": "String"}
_BOXED = {"int": "Long", "float": "Double", "bool": "Boolean", "str": "String", "None": "Void"}
_LONG = 2**63


def _record(arity: int) -> str:
    name, params = TUPLES[arity - 1], "ABCDEFGHIJ"[:arity]
    fields = ", ".join(f"{p} value{i}" for i, p in enumerate(params))
    args = ", ".join(f"value{i}" for i in range(arity))
    gets = "".join(f"    public {p} getValue{i}() {{ return value{i}; }}\n"
                   for i, p in enumerate(params))  # fmt: skip
    return (
        f"\nrecord {name}<{', '.join(params)}>({fields}) {{\n"
        f"    public static <{', '.join(params)}> {name}<{', '.join(params)}> with({fields}) "
        f"{{ return new {name}<>({args}); }}\n{gets}"
        f"    public int getSize() {{ return {arity}; }}\n}}\n"
    )


def _tuples(t: Type) -> set[int]:
    found = {len(t.args)} if t.name == "tuple" else set()
    return found.union(*(_tuples(a) for a in t.args))


class JavaFunctions(FunctionSupport):
    def type_name(self, t: Type) -> str:
        return _name(t, boxed=False, full=False)

    def literal(self, value: Any, t: Type) -> str:
        if t.name == "optional":
            inner = _name(t.args[0], boxed=True, full=True)
            if value is None:
                return f"java.util.Optional.<{inner}>empty()"
            return f"java.util.Optional.<{inner}>of({self.literal(value, t.args[0])})"
        if value is None:
            return "null"
        if t.name == "int":
            if not -_LONG <= value < _LONG:
                raise ValueError(f"{value} is outside Java's long")
            return f"{value}L"
        if t.name == "float":
            value = float(value)
            if value != value:
                return "java.lang.Double.NaN"
            if value in (float("inf"), float("-inf")):
                return f"java.lang.Double.{'POSITIVE' if value > 0 else 'NEGATIVE'}_INFINITY"
            return repr(value)
        if t.name == "bool":
            return "true" if value else "false"
        if t.name == "str":
            return java_string(value)
        if t.name == "list":
            item = _name(t.args[0], boxed=True, full=True)
            items = ", ".join(self.literal(v, t.args[0]) for v in value)
            return f"new java.util.ArrayList<{item}>(java.util.Arrays.<{item}>asList({items}))"
        if t.name == "tuple":
            items = ", ".join(self.literal(v, a) for v, a in zip(value, t.args, strict=True))
            return f"new {_name(t, boxed=True, full=True, concrete=True)}({items})"
        if t.name == "dict":
            key, item = t.args
            pairs = "".join(f", {self.literal(int(k) if key.name == 'int' else k, key)}, "
                            f"{self.literal(v, item)}" for k, v in value.items())  # fmt: skip
            new = f"new {_name(t, boxed=True, full=True, concrete=True)}()"
            return f"{DRIVER_CLASS}.map({new}{pairs})"
        raise ValueError(f"no Java literal for {t}")

    def header(self, sig: Signature, doc: str) -> str:
        given = sorted(_tuples(sig.returns).union(*(_tuples(t) for _, t in sig.params)))
        notes = "".join(
            f"// given, do not declare: record {TUPLES[n - 1]}<{', '.join('ABCDEFGHIJ'[:n])}>"
            f"({', '.join(f'{p} value{i}' for i, p in enumerate('ABCDEFGHIJ'[:n]))}), with "
            f"{TUPLES[n - 1]}.with(...) and getValue0()...\n"
            for n in given
        )
        params = ", ".join(f"{self.type_name(t)} {_ident(name)}" for name, t in sig.params)
        lines = doc.strip().replace("*/", "*&#47;").splitlines()
        body = "".join(f"     * {_even_backslashes(line)}".rstrip() + "\n" for line in lines)
        return (
            f"import java.util.*;\n\n{notes}class {CLASS} {{\n    /**\n{body}     */\n"
            f"    public static {self.type_name(sig.returns)} {sig.name}({params}) {{\n"
        )

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        arities = sorted(_tuples(sig.returns).union(*(_tuples(t) for _, t in sig.params)))
        code, owner, method = _prepare(code, sig, {TUPLES[n - 1] for n in arities})
        declared = _declared(method, len(sig.params))
        methods: list[str] = []
        _writer(sig.returns, methods)
        cases = "".join(f"            case {i}: return call{i}();\n" for i in range(len(calls)))
        for i, args in enumerate(calls):
            methods.append(self._call(i, args, sig, owner, method, declared))
        program = (
            driver_template(DRIVER)
            .replace("@DRIVER@", DRIVER_CLASS)
            .replace("@COUNT@", str(len(calls)))
            .replace("@CASES@", cases)
            .replace("@METHODS@", "".join(methods))
        )
        return code.rstrip() + "\n" + "".join(_record(n) for n in arities) + program

    def _call(self, i: int, args: list[Any], sig: Signature, owner: str, method: Any,
              declared: list[str] | None) -> str:  # fmt: skip
        head = f"\n    static java.lang.Object call{i}() throws java.lang.Throwable {{\n"
        passed = []
        try:
            for j, (value, (_, t)) in enumerate(zip(args, sig.params, strict=True)):
                expr = self.literal(value, t)
                if t.name in ("list", "dict", "tuple", "optional"):
                    cast = declared[j] if declared else _name(t, boxed=False, full=True)
                    expr = f"({cast}) (java.lang.Object) {expr}"
                passed.append(expr)
        except ValueError as err:
            message = java_string(f"an argument Java cannot hold: {err}")
            return head + f"        throw new java.lang.ArithmeticException({message});\n    }}\n"
        static = method is None or "static" in _modifiers(method)
        target = owner if static else f"new {owner}()"
        invoke = f"{target}.{sig.name}({', '.join(passed)})"
        void = sig.returns == NONE or (
            method is not None and text(method.child_by_field_name("type")) == "void"
        )
        body = f"{invoke};\n        return null;" if void else f"return {invoke};"
        return head + f"        {body}\n    }}\n"

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in KEYWORDS:
            return f"{sig.name} is a Java keyword"
        for t in [t for _, t in sig.params] + [sig.returns]:
            reason = _unsupported(t)
            if reason:
                return reason
        return None


def _unsupported(t: Type) -> str | None:
    if t.name == "tuple" and len(t.args) > len(TUPLES):
        return f"tuples of more than {len(TUPLES)} items"
    if t.name == "dict" and t.args[0].name not in ("str", "int"):
        return "dict keys other than str or int"
    return next((r for r in map(_unsupported, t.args) if r), None)


def _name(t: Type, *, boxed: bool, full: bool, concrete: bool = False) -> str:
    """`t` in Java: primitive at the top (`long`), boxed inside generics (`List<Long>`);
    `full` qualifies JDK names, `concrete` spells the classes the driver builds."""
    lang, util = ("java.lang.", "java.util.") if full else ("", "")
    if t.name == "None":
        return lang + "Void" if boxed else "void"
    if t.name in _PRIMITIVE:
        return lang + _BOXED[t.name] if boxed or t.name == "str" else _PRIMITIVE[t.name]
    args = ", ".join(_name(a, boxed=True, full=full, concrete=concrete) for a in t.args)
    if t.name == "list":
        return f"{util}{'ArrayList' if concrete else 'List'}<{args}>"
    if t.name == "dict":
        return f"{util}{'LinkedHashMap' if concrete else 'Map'}<{args}>"
    if t.name == "optional":
        return f"{util}Optional<{args}>"
    if t.name == "tuple":
        return f"{TUPLES[len(t.args) - 1]}<{args}>"
    raise ValueError(f"no Java type for {t}")


def _writer(t: Type, methods: list[str]) -> str:
    """Generate the method that writes a value of type `t` as canonical JSON."""
    name = f"w{len(methods)}"
    methods.append("")
    if t.name in ("int", "float", "bool", "str"):
        helper = {"int": "integer", "float": "real", "bool": "bool", "str": "string"}[t.name]
        body = f"out.append({helper}(value));"
    elif t.name == "None":
        body = 'if (value != null) throw bad(value, "None (null)");\n        out.append("null");'
    elif t.name == "optional":
        inner = _writer(t.args[0], methods)
        body = (
            "if (kind(value) == java.util.Optional.class) "
            "value = ((java.util.Optional<?>) value).orElse(null);\n"
            f'        if (value == null) out.append("null"); else {inner}(out, value);'
        )
    elif t.name == "list":
        item = _writer(t.args[0], methods)
        body = (
            "out.append('[');\n        int n = 0;\n"
            "        for (java.lang.Object item : list(value)) {\n"
            f"            if (n++ > 0) out.append(',');\n            {item}(out, item);\n"
            "        }\n        out.append(']');"
        )
    elif t.name == "dict":
        key = "integer" if t.args[0].name == "int" else "string"
        item = _writer(t.args[1], methods)
        quoted = "quote(integer(entry.getKey()))" if key == "integer" else "string(entry.getKey())"
        body = (
            "out.append('{');\n        int n = 0;\n"
            "        for (java.util.Map.Entry<?, ?> entry : map(value).entrySet()) {\n"
            f"            if (n++ > 0) out.append(',');\n            out.append({quoted});\n"
            f"            out.append(':');\n            {item}(out, entry.getValue());\n"
            "        }\n        out.append('}');"
        )
    elif t.name == "tuple":
        record = TUPLES[len(t.args) - 1]
        parts = [_writer(a, methods) for a in t.args]
        writes = "".join(
            ("        out.append(',');\n" if i else "") + f"        {w}(out, t.value{i}());\n"
            for i, w in enumerate(parts)
        )
        body = (
            f'if (kind(value) != {record}.class) throw bad(value, "a tuple ({record})");\n'
            f"        {record}<{', '.join('?' * len(parts))}> t = ({record}) value;\n"
            f"        out.append('[');\n{writes}        out.append(']');"
        )
    else:
        raise ValueError(f"no Java writer for {t}")
    methods[int(name[1:])] = (
        f"\n    static void {name}(java.lang.StringBuilder out, java.lang.Object value) "
        f"throws java.lang.Throwable {{\n        {body}\n    }}\n"
    )
    return name


def java_string(s: str) -> str:
    """`s` as a Java string literal: ASCII only (non-ASCII as UTF-16 `\\u` escapes, control
    characters as octal ones, which javac's early `\\u` translation cannot turn into a quote
    or a line break)."""
    out = []
    for ch in s:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\{code:03o}")
        elif code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        elif code > 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _even_backslashes(line: str) -> str:
    """A doc line javac's `\\u` translation leaves alone (it reads comments too)."""
    return re.sub(r"\\+(?=u)", lambda m: m.group() + "\\" * (len(m.group()) % 2), line)


def _ident(name: str) -> str:
    return name + "_" if name in KEYWORDS else name


def _prepare(code: str, sig: Signature, records: set[str]) -> tuple[str, str, Any]:
    """The candidate's code ready to sit before the driver, the class to call and the
    method's node: every top-level `main` removed (the driver's runs), declarations and
    imports of the driver's tuple records (and a class named `java`, which would shadow
    the driver's qualified names) removed, a bare method wrapped in `class Problem`."""
    root = parse(code, "java")
    if root is None:
        return code, CLASS, None
    data = code.encode()
    cuts, owner, method = [], None, None
    for node in kids(root):
        if node.type == "import_declaration":
            name = text(node).removeprefix("import").removesuffix(";").strip()
            if name.startswith("org.javatuples") or name.split(".")[-1] in records:
                cuts.append(node)
        elif node.type in _TYPES:
            name = text(node.child_by_field_name("name"))
            if name in records or name == "java":
                cuts.append(node)
                continue
            for m in _methods(node):
                if _is_main(m, node.type):
                    cuts.append(m)
                elif method is None and text(m.child_by_field_name("name")) == sig.name:
                    owner, method = name, m
        elif node.type == "method_declaration" and _is_main(node, "class_declaration"):
            cuts.append(node)
        elif (
            node.type == "method_declaration" and text(node.child_by_field_name("name")) == sig.name
        ):
            method = method or node
    edits = [(n.start_byte, n.end_byte, b"\n" * text(n).count("\n")) for n in cuts]
    bare = any(n.type in ("method_declaration", "field_declaration") for n in kids(root))
    if owner is None and bare:  # a bare method: in `class Problem`, after the imports
        heads = [n for n in kids(root) if n.type in ("package_declaration", "import_declaration")]
        start = max((n.end_byte for n in heads), default=0)
        edits += [(start, start, f"\nclass {CLASS} {{\n".encode()), (len(data),) * 2 + (b"\n}\n",)]
    for start, end, new in sorted(edits, reverse=True):
        data = data[:start] + new + data[end:]
    code = data.decode()
    return code, owner or CLASS, method


def _declared(method: Any, arity: int) -> list[str] | None:
    """The candidate's own parameter types (the driver casts to them: `List` or
    `ArrayList`, as the candidate wrote), or None where it does not say."""
    if method is None or method.child_by_field_name("type_parameters") is not None:
        return None
    params = method.child_by_field_name("parameters")
    found = [text(p.child_by_field_name("type")) for p in kids(params, "formal_parameter")]
    if len(found) != arity or len(list(kids(params))) != arity:
        return None
    return found


@dataclass(frozen=True)
class CompilerOptions:
    """A JVM compiler's options as its compile server takes them (`request`): those whose
    value is a path, those with another value, the prefixes of options that stand alone,
    and those that set the class path. The server takes no other option: one it does not
    know might take a path."""

    tool: str
    paths: tuple[str, ...]
    values: tuple[str, ...]
    flags: tuple[str, ...]
    classpath: tuple[str, ...]
    required: tuple[str, ...] = ()  # what keeps the server from running a program's code

    def request(self, argv: Sequence[str], workdir: str) -> list[str] | None:
        """The server's arguments for `argv` run in `workdir`: the same arguments, paths
        made relative to the server's directory, `-J` (the JVM's flags: the server's own)
        left out, and the class path the command would default to (its directory, ".")
        named; None for an argument it does not know."""
        if not argv or argv[0] != self.tool:
            return None
        args, value = [], None
        for arg in argv[1:]:
            if value is not None:
                args.append(posixpath.normpath(posixpath.join(workdir, arg)) if value else arg)
                value = None
            elif arg.startswith("-J"):
                continue
            elif arg in self.paths or arg in self.values:
                args.append(arg)
                value = arg in self.paths
            elif arg.startswith(self.flags) and not arg.startswith("-Xplugin"):
                args.append(arg)
            elif arg.startswith("-") or posixpath.isabs(arg):
                return None
            else:
                args.append(posixpath.join(workdir, arg))
        if value is not None or not set(self.required) <= set(args):
            return None
        if not any(arg in self.classpath for arg in args):
            args = [self.classpath[0], workdir, *args]
        return args


JAVAC_OPTIONS = CompilerOptions(
    tool="javac",
    paths=("-d", "-cp", "-classpath", "--class-path", "-sourcepath", "-s", "-h"),
    values=("-encoding", "-source", "-target", "--release"),
    flags=("-proc:", "-X", "-g", "-Werror", "-nowarn", "-parameters", "-deprecation"),
    classpath=("-cp", "-classpath", "--class-path"),
    required=("-proc:none",),  # no annotation processors: javac runs nothing else
)
javac_request = JAVAC_OPTIONS.request

JAVAC_FLAGS = ("-J-Xmx1g", "-J-XX:TieredStopAtLevel=1", "-proc:none")  # no annotation processors

LANGUAGE = Java(
    name="java",
    compile_s=0.46,
    start_s=0.077,
    display="Java",
    aliases=("java17", "jdk"),
    source_file="Main.java",
    compile=(
        "javac",
        *JAVAC_FLAGS,
        "-encoding",
        "UTF-8",
        "-d",
        ".",
        "{src}",
    ),
    run=("java", *JVM_RUN_FLAGS, "-cp", ".", "{main_class}"),
    # javac in a warm JVM: about 15 ms a program instead of 0.3 s (benchmarks/verify_vs_naive.py)
    compile_server=CompileServer(
        source="JvmCompileServer.java",
        start=(
            "java",
            *(f[2:] for f in JAVAC_FLAGS if f.startswith("-J")),
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "{server}",
            "javac",
        ),  # fmt: skip
        request=javac_request,
    ),
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
    functions=JavaFunctions(),
)
