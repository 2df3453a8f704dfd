"""C++ function problems: the signature's types in the standard library, and the test driver.

A candidate writes a free function, as MultiPL-E's C++ prompts have it: int is `long`
(64 bits here), float `double` (MultiPL-E's `float` has too few digits for 1e-6), bool
`bool`, str `std::string` (UTF-8 bytes), list `std::vector<T>`, tuple `std::tuple<...>`,
dict `std::map<K, V>`, Optional `std::optional<T>`; None as a return type is `void`. The
header passes arguments by value; the driver passes named values, so `const T &` and `T &`
parameters work too, and a result converts to the signature's type (`int` for `long`). A
LeetCode-style `class Solution` with the method in it is called as `Solution().name(...)`.

The candidate's own `main` (a model's try-out with prints or asserts) is cut (tree-sitter),
and `#define main` renames one the cut missed. unsupported(): None as a parameter or
inside a container (no value of it to write), dict keys other than int and str (the only
ones with one JSON form), an entry point that is a C++ keyword or `main`. An int test
value outside `long` is a ValueError (the counted "cannot write a test value" reason).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The driver's C++ text (see there for how it keeps the candidate away from the token and
# the reports): everything up to the candidate, with @GENERATED@ for this signature's
# writers and calls. After the candidate comes only `psft::entry`.
DRIVER = "cpp_driver.cpp"  # in drivers/, read by driver_template at first use

KEYWORDS = frozenset(
    "alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t "
    "char16_t char32_t class compl concept const consteval constexpr constinit const_cast "
    "continue co_await co_return co_yield decltype default delete do double dynamic_cast "
    "else enum explicit export extern false float for friend goto if inline int long "
    "mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected "
    "public register reinterpret_cast requires return short signed sizeof static "
    "static_assert static_cast struct switch template this thread_local throw true try "
    "typedef typeid typename union unsigned using virtual void volatile wchar_t while xor "
    "xor_eq main".split()
)
_HEADERS = {"str": "string", "list": "vector", "tuple": "tuple", "dict": "map",
            "optional": "optional"}  # fmt: skip
_LONG = 2**63
# The preprocessor reads these as operators, not names: they cannot be macros.
_OPERATOR_WORDS = frozenset("and and_eq bitand bitor compl not not_eq or or_eq xor xor_eq".split())


class CppFunctions(FunctionSupport):
    """Standard-library types (`long`, `double`, `std::string`, `std::vector`,
    `std::tuple`, `std::map`, `std::optional`), arguments by value, as MultiPL-E's C++."""

    conventions = (
        "C++20 compiled with g++ 12 (-O2): write the function the header declares, with the "
        "header's standard-library types, plus any helpers and #includes it needs; no "
        "`main`. Standard library only."
    )
    scalar_types = {"int": "long", "float": "double", "bool": "bool", "str": "std::string",
                    "None": "void"}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"std::vector<{item}>"

    def tuple_type(self, items: list[str]) -> str:
        return f"std::tuple<{', '.join(items)}>"

    def dict_type(self, key: str, value: str) -> str:
        return f"std::map<{key}, {value}>"

    def optional_type(self, inner: str) -> str:
        return f"std::optional<{inner}>"

    def none_literal(self, t: Type) -> str:
        if t.name != "optional":
            raise ValueError("C++ has no value of type None (void)")
        return "std::nullopt"

    def int_literal(self, value: int) -> str:
        if not -_LONG <= value < _LONG:
            raise ValueError(f"{value} does not fit a C++ long (64 bits)")
        return "(-9223372036854775807L - 1)" if value == -_LONG else f"{value}L"

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "std::numeric_limits<double>::quiet_NaN()"
        if math.isinf(value):
            return ("-" if value < 0 else "") + "std::numeric_limits<double>::infinity()"
        return repr(value)  # shortest round-trip digits; C++ reads 1e-05 and 1e+16 too

    def str_literal(self, value: str) -> str:
        quoted, size = cpp_string(value)
        return f"std::string({quoted}, {size})"  # the length: a NUL inside stays

    def list_literal(self, items: list[str], t: Type) -> str:
        return f"{self.type_name(t)}{{{', '.join(items)}}}"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"{self.type_name(t)}({', '.join(items)})"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return f"{self.type_name(t)}{{{', '.join(f'{{{k}, {v}}}' for k, v in pairs)}}}"

    def some_literal(self, inner: str, t: Type) -> str:
        return f"{self.type_name(t)}({inner})"

    def header(self, sig: Signature, doc: str) -> str:
        headers = sorted({_HEADERS[t.name] for t in types_in(sig) if t.name in _HEADERS})
        includes = "".join(f"#include <{h}>\n" for h in headers) + ("\n" if headers else "")
        comment = "".join(_comment_line(line) for line in doc.strip().splitlines())
        return includes + comment + self.prototype(sig) + " {\n"

    def prototype(self, sig: Signature) -> str:
        names = param_names(sig)
        params = ", ".join(
            f"{self.type_name(t)} {name}" for name, (_, t) in zip(names, sig.params, strict=True)
        )
        return f"{self.type_name(sig.returns)} {sig.name}({params})"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        candidate, owner = without_main(code, sig.name)
        target = f"{owner}().{sig.name}" if owner else f"::{sig.name}"
        tail = (
            "psft::status psft::entry() {\n"
            "    return psft::run([](auto &...psft_a) -> decltype(auto) "
            f"{{ return {target}(psft_a...); }});\n}}\n"
        )
        names = sorted(set(re.findall(r"[A-Za-z_]\w*", tail)) - _OPERATOR_WORDS)
        guard = (
            "#if " + " || ".join(f"defined({n})" for n in names) + "\n"
            '#error "a macro of the solution redefines a name that psft::entry below uses"\n'
            "#endif\n"
        )
        generated = self._generated(sig, calls)
        return (
            driver_template(DRIVER).replace("@GENERATED@", generated)
            + '#line 1 "solution.cpp"\n'
            + candidate.rstrip("\n")
            + '\n#line 1 "psft_entry.cpp"\n'
            + guard
            + tail
        )

    def _generated(self, sig: Signature, calls: list[list[Any]]) -> str:
        """The result's writers and `call`: each test's arguments as named values (fresh in
        each call's child), the call, the result converted to the signature's type."""
        writers: dict[str, str] = {}
        self._writer(sig.returns, writers)
        cases = []
        for i, args in enumerate(calls):
            lines = [
                f"        {self.type_name(t)} a{j} = {self.literal(value, t)};\n"
                for j, (value, (_, t)) in enumerate(zip(args, sig.params, strict=True))
            ]
            passed = ", ".join(f"a{j}" for j in range(len(sig.params)))
            if sig.returns.name == "None":
                lines.append(f'        f({passed});\n        out += "null";\n')
            else:
                lines.append(f"        const {self.type_name(sig.returns)} r = f({passed});\n")
                lines.append(f"        {_writer_name(sig.returns)}(out, r);\n")
            cases.append(f"    case {i}: {{\n{''.join(lines)}        break;\n    }}\n")
        return (
            f"constexpr int CALLS = {len(calls)};\n\n"
            + "".join(writers.values())
            + "template <class F> static void call(F &f, int index, std::string &out) {\n"
            "    switch (index) {\n" + "".join(cases) + "    default: break;\n    }\n}\n"
        )

    def _writer(self, t: Type, out: dict[str, str]) -> None:
        """`put_<type>(out, value)` for `t` and its parts, innermost first: plain functions,
        one per type (nothing a candidate could specialise or overload)."""
        for a in t.args:
            self._writer(a, out)
        name = _writer_name(t)
        if not t.args or name in out:
            return
        head = f"static void {name}(std::string &out, const {self.type_name(t)} &v) {{\n"
        parts = [_writer_name(a) for a in t.args]
        if t.name == "optional":
            body = f'    if (!v.has_value()) out += "null";\n    else {parts[0]}(out, *v);\n'
        elif t.name == "tuple":
            body = "    out += '[';\n" + '    out += ", ";\n'.join(
                f"    {p}(out, std::get<{i}>(v));\n" for i, p in enumerate(parts)
            ) + "    out += ']';\n"  # fmt: skip
        elif t.name == "list":
            body = (
                "    out += '[';\n    for (size_t i = 0; i < v.size(); i++) {\n"
                '        if (i) out += ", ";\n'
                f"        {parts[0]}(out, v[i]);\n    }}\n    out += ']';\n"
            )
        else:
            body = (
                "    out += '{';\n    bool first = true;\n"
                "    for (const auto &item : v) {\n"
                '        if (!first) out += ", ";\n        first = false;\n'
                '        put_key(out, item.first);\n        out += ": ";\n'
                f"        {parts[1]}(out, item.second);\n    }}\n    out += '}}';\n"
            )
        out[name] = head + body + "}\n\n"

    def unsupported(self, sig: Signature) -> str | None:
        if not re.fullmatch(r"[A-Za-z_]\w*", sig.name) or sig.name in KEYWORDS:
            return f"{sig.name} is not a C++ function name (a keyword, main or not ASCII)"
        for name, t in sig.params:
            if t.name == "None":
                return f"parameter {name} has type None (void)"
        for t in types_in(sig):
            if any(a.name == "None" for a in t.args):
                return f"None inside {t} (no C++ value of type void)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and str keys have one JSON form)"
        return None


def _writer_name(t: Type) -> str:
    """The writer of `t`: put_int ... for scalars, put_<mangled> for composites (a prefix
    code: every constructor has a fixed arity, a tuple its length)."""
    return "put_" + _mangle(t)


def _mangle(t: Type) -> str:
    if not t.args:
        return t.name
    head = {"optional": "opt", "tuple": f"tuple{len(t.args)}"}.get(t.name, t.name)
    return "_".join([head, *(_mangle(a) for a in t.args)])


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as C++ identifiers (a keyword gets a `_`); the driver passes
    arguments by position, so the candidate may name them as it likes."""
    names: list[str] = []
    for name, _ in sig.params:
        while name in KEYWORDS or name in names:
            name += "_"
        names.append(name)
    return names


def _comment_line(line: str) -> str:
    """One doc line as a `//` comment. A trailing backslash would splice the next line (the
    signature) into the comment: it gets a character after it."""
    line = f"// {line}".rstrip()
    return line + ("." if line.endswith("\\") else "") + "\n"


def cpp_string(text: str) -> tuple[str, int]:
    """A C++ string literal of `text`'s UTF-8 bytes, and their count: printable ASCII as
    itself, the rest as three-digit octal escapes (never greedy, unlike \\x).

    >>> cpp_string('a"é\\n')
    ('"a\\\\"\\\\303\\\\251\\\\n"', 5)
    """
    out = []
    data = text.encode("utf-8", "surrogatepass")
    for byte in data:
        char = chr(byte)
        if char in '"\\?':
            out.append("\\" + char)
        elif char in "\n\t":
            out.append("\\n" if char == "\n" else "\\t")
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"', len(data)


def without_main(code: str, entry: str) -> tuple[str, str | None]:
    """`code` without its top-level `main` (a model's try-out; it keeps its line count, so
    the compiler's line numbers hold), and the class whose method `entry` is where there is
    no free function of that name (LeetCode's `class Solution`), else None. Code that
    tree-sitter cannot read is left as it is (`#define main` keeps a leftover from
    clashing with the driver's)."""
    from .entry import kids, parse, text

    root = parse(code, "cpp")
    if root is None or root.has_error:
        return code, None
    raw = code.encode()
    cuts: list[tuple[int, int]] = []
    free, owner = False, None
    for node in kids(root):
        inner = node
        if node.type == "template_declaration":
            inner = next(kids(node, "function_definition", "declaration"), node)
        if inner.type in ("function_definition", "declaration"):
            name = _declared_name(inner)
            if name == "main" and inner.type == "function_definition":
                cuts.append((node.start_byte, node.end_byte))
            free = free or name == entry
        elif node.type in ("class_specifier", "struct_specifier") and owner is None:
            body = node.child_by_field_name("body")
            members = kids(body, "function_definition", "field_declaration", "declaration",
                           "template_declaration") if body is not None else ()  # fmt: skip
            if any(_declared_name(m) == entry for m in members):
                owner = text(node.child_by_field_name("name")) or None
    for start, end in sorted(cuts, reverse=True):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    return raw.decode(), None if free else owner


def _declared_name(node: Any) -> str:
    """The name a function definition or declaration declares ("" where it is no function)."""
    from .entry import first, text

    if node.type == "template_declaration":
        node = first(node, "function_definition", "declaration")
        if node is None:
            return ""
    declarator = node.child_by_field_name("declarator")
    while declarator is not None and declarator.type in (
        "pointer_declarator", "reference_declarator", "attributed_declarator"
    ):  # fmt: skip
        declarator = declarator.child_by_field_name("declarator") or first(
            declarator, "function_declarator"
        )
    if declarator is None or declarator.type != "function_declarator":
        return ""
    return text(declarator.child_by_field_name("declarator"))
