"""C function problems: how the signature's types are written in C, and the test driver.

A candidate writes the function the header shows, in plain C17: int is `long long`, float
`double`, bool `bool`, str a NUL-terminated UTF-8 `const char *`; a list, tuple, dict or
Optional a typedef'd struct named after its type, passed and returned by value:
`list_int {long long *items; size_t len;}`, `tuple2_str_int {f0; f1;}`, `dict_str_float
{dict_str_float_item *items; size_t len;}` with `{key; value;}` items, `opt_int {bool
has_value; long long value;}`; None as a return type is `void`. What it returns may be
malloc'd (never freed: the call's process ends). The header's typedefs carry include guards,
so a candidate that copies them compiles; its own typedef of one of those names, and its
`main`, are cut (tree-sitter), and `#define main` catches a `main` the cut missed.

unsupported(): None as a parameter or inside a container, dict keys other than int and str.
An int test value outside `long long` makes the driver an `#error` (a COMPILE_ERROR).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .functions import FunctionSupport, driver_template
from .types import Signature, Type

# The test driver (see functions.py for the protocol), around the candidate's code. The
# prelude (typedefs, the function's prototype) and the driver come first and the candidate
# last, so its macros cannot reach the driver; the driver's helpers are static and it calls
# no libc function on the way out (the token is read and lines written with raw syscalls,
# numbers and strings are formatted by its own code), so a candidate that defines `write`,
# `printf` or `snprintf` changes nothing. Each call runs in a fork()ed child that
# serialises the result, type by type from the signature, into a pipe; the parent checks
# that the child exited normally after one well-formed line and writes it with the token,
# else `error` with how the child ended (a crash fails that test only).
# The driver's C text (everything but the generated calls, `@CALLS@`) lives beside this
# module as real C, so that it reads, and is checked, as C.
DRIVER = "c_driver.c"  # in drivers/, read by driver_template at first use

KINDS = {
    "list": "list_T: `T *items; size_t len;`",
    "tuple": "tupleN_A_B...: fields `f0, f1, ...` in order",
    "dict": "dict_K_V: `dict_K_V_item *items; size_t len;`, each item `K key; V value;` "
    "(no key twice)",
    "optional": "opt_T: `bool has_value; T value;` (None: has_value false)",
}
SCALAR_C = {"int": "long long", "float": "double", "bool": "bool", "str": "const char *"}


class CFunctions(FunctionSupport):
    """int is `long long`, float `double`, bool `bool`, str a NUL-terminated UTF-8 `const
    char *`; each composite type a typedef'd struct named after the type (`list_int`,
    `tuple2_str_int`, `dict_str_float`, `opt_int`), passed and returned by value; None as a
    return type is `void`. What a function returns may be malloc'd: it is never freed."""

    def type_name(self, t: Type) -> str:
        if t.name == "None":
            return "void"
        return SCALAR_C.get(t.name) or _mangle(t)

    def literal(self, value: Any, t: Type) -> str:
        """A C expression (a compound literal for a struct). ValueError for an int out of
        `long long`'s range."""
        text = self._init(value, t, writable=False)
        return f"({self.type_name(t)}){text}" if t.name in KINDS else text

    def _init(self, value: Any, t: Type, *, writable: bool) -> str:
        """`value` as an initializer (braces for a struct); strings writable for the
        driver's arguments."""
        if t.name == "None":
            return "((void)0)"
        if t.name == "optional":
            if value is None:
                return "{ .has_value = false }"
            return f"{{ .has_value = true, .value = {self._init(value, t.args[0], writable=writable)} }}"  # noqa: E501
        if t.name == "bool":
            return "true" if value else "false"
        if t.name == "int":
            if not -(2**63) <= value < 2**63:
                raise ValueError(f"{value} does not fit a C long long")
            return "(-9223372036854775807LL - 1)" if value == -(2**63) else f"{value}LL"
        if t.name == "float":
            value = float(value)
            if math.isnan(value):
                return '__builtin_nan("")'
            if math.isinf(value):
                return "__builtin_inf()" if value > 0 else "(-__builtin_inf())"
            return repr(value)
        if t.name == "str":
            quoted = _c_string(value)
            return f"(char[]){{{quoted}}}" if writable else quoted
        if t.name == "tuple":
            fields = [f".f{i} = {self._init(v, a, writable=writable)}"
                      for i, (v, a) in enumerate(zip(value, t.args, strict=True))]  # fmt: skip
            return "{ " + ", ".join(fields) + " }"
        if t.name == "list":
            items = [self._init(v, t.args[0], writable=writable) for v in value]
            return self._array(self.type_name(t.args[0]), items)
        if t.name == "dict":
            key, item = t.args
            pairs = [f"{{ .key = {self._init(int(k) if key.name == 'int' else k, key, writable=writable)}, "  # noqa: E501
                     f".value = {self._init(v, item, writable=writable)} }}"
                     for k, v in value.items()]  # fmt: skip
            return self._array(_mangle(t) + "_item", pairs)
        raise ValueError(f"no C literal for {t}")

    @staticmethod
    def _array(item_type: str, items: list[str]) -> str:
        # An empty list still points somewhere: memcpy(dst, items, 0) is fine under UBSan.
        return f"{{ .items = ({item_type}[]){{{', '.join(items)}}}, .len = {len(items)} }}"

    def typedefs(self, sig: Signature) -> str:
        """The typedefs `sig` needs, innermost first, each in an include guard (so a
        candidate that copies them from the header compiles)."""
        done: dict[str, str] = {}
        for _, t in sig.params:
            self._typedef(t, done)
        self._typedef(sig.returns, done)
        return "".join(done.values())

    def _typedef(self, t: Type, done: dict[str, str]) -> None:
        for a in t.args:
            self._typedef(a, done)
        name = _mangle(t) if t.name in KINDS else ""
        if not name or name in done:
            return
        args = [self.type_name(a) for a in t.args]
        if t.name == "list":
            body = f"typedef struct {{ {_ptr(args[0])}items; size_t len; }} {name};\n"
        elif t.name == "tuple":
            fields = "".join(f"{_decl(a)}f{i}; " for i, a in enumerate(args))
            body = f"typedef struct {{ {fields}}} {name};\n"
        elif t.name == "dict":
            body = (f"typedef struct {{ {_decl(args[0])}key; {_decl(args[1])}value; }} {name}_item;\n"  # noqa: E501
                    f"typedef struct {{ {name}_item *items; size_t len; }} {name};\n")  # fmt: skip
        else:
            body = f"typedef struct {{ bool has_value; {_decl(args[0])}value; }} {name};\n"
        done[name] = f"#ifndef PSFT_TYPE_{name}\n#define PSFT_TYPE_{name}\n{body}#endif\n"

    def prototype(self, sig: Signature) -> str:
        params = ", ".join(f"{_decl(self.type_name(t))}{name}" for name, t in sig.params)
        return f"{_decl(self.type_name(sig.returns))}{sig.name}({params or 'void'})"

    def header(self, sig: Signature, doc: str) -> str:
        kinds = sorted({k for k in KINDS if k in _kinds(sig)})
        notes = ["int is long long, float double, str a NUL-terminated UTF-8 const char *."]
        notes += [KINDS[k] + "." for k in kinds]
        notes.append("What you return may be malloc'd: it is never freed.")
        lines = [*doc.strip().splitlines(), "", *notes]
        comment = "/*\n" + "".join(f" * {line}".rstrip() + "\n" for line in lines) + " */\n"
        includes = "#include <stdbool.h>\n#include <stddef.h>\n\n"
        types = self.typedefs(sig)
        return includes + types + ("\n" if types else "") + comment + self.prototype(sig) + " {\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        head = "#include <stdbool.h>\n#include <stddef.h>\n" + self.typedefs(sig)
        head += self.prototype(sig) + ";\n"
        try:
            generated = self._calls(sig, calls)
        except ValueError as err:
            return f'#error "{err}"\n'
        candidate = without_main(code, sig.name, set(self._names(sig)))
        return (
            head
            + driver_template(DRIVER).replace("@CALLS@", generated)
            + '#define main psft_candidate_main\n#line 1 "solution.c"\n'
            + candidate
        )

    def _names(self, sig: Signature) -> list[str]:
        names = [m for m in re.findall(r"\w+", self.typedefs(sig)) if _is_typedef_name(m)]
        return names

    def _calls(self, sig: Signature, calls: list[list[Any]]) -> str:
        out: dict[str, str] = {}
        self._serializer(sig.returns, out)
        lines = [*out.values(), f"#define PSFT_CALLS {len(calls)}\n"]
        cases = []
        for i, args in enumerate(calls):
            names = []
            for j, (value, (_, t)) in enumerate(zip(args, sig.params, strict=True)):
                init = self._init(value, t, writable=True)
                lines.append(f"static {_decl(self.type_name(t))}psft_arg_{i}_{j} = {init};\n")
                names.append(f"psft_arg_{i}_{j}")
            call = f"{sig.name}({', '.join(names)})"
            if sig.returns.name == "None":
                cases.append(f'    case {i}: {call}; psft_puts(b, "null"); break;\n')
            else:
                put = "psft_put_" + _mangle(sig.returns)
                cases.append(f"    case {i}: {put}(b, {call}); break;\n")
        body = "    switch (index) {\n" + "".join(cases) + "    default: break;\n    }\n"
        lines.append(f"static void psft_call(int index, psft_buf *b) {{\n{body}}}\n")
        return "".join(lines)

    def _serializer(self, t: Type, out: dict[str, str]) -> None:
        """psft_put_<type>(b, value) for `t` and its parts, innermost first."""
        for a in t.args:
            self._serializer(a, out)
        name = _mangle(t)
        if t.name not in KINDS or name in out:
            return
        head = f"static void psft_put_{name}(psft_buf *b, {name} v) {{\n"
        if t.name == "optional":
            inner = _mangle(t.args[0])
            body = (
                f'    if (!v.has_value) psft_puts(b, "null"); else psft_put_{inner}(b, v.value);\n'  # noqa: E501
            )
        elif t.name == "tuple":
            parts = [f"    psft_put_{_mangle(a)}(b, v.f{i});\n" for i, a in enumerate(t.args)]
            body = '    psft_puts(b, "[");\n' + '    psft_puts(b, ", ");\n'.join(parts)
            body += '    psft_puts(b, "]");\n'
        else:
            item = "v.items[i]" if t.name == "list" else "v.items[i].value"
            value = _mangle(t.args[-1])
            open_, close = ("[", "]") if t.name == "list" else ("{", "}")
            body = (
                '    if (v.len && !v.items) { psft_fail(b, "returned NULL items with a len"); '
                "return; }\n"
                f'    psft_puts(b, "{open_}");\n'
                "    for (size_t i = 0; i < v.len && !b->error; i++) {\n"
                '        if (i) psft_puts(b, ", ");\n'
            )
            if t.name == "dict":
                key = t.args[0].name
                body += (
                    f"        psft_put_key_{key}(b, v.items[i].key);\n"
                    "        for (size_t j = 0; j < i; j++)\n"
                    f"            if (psft_same_{key}(v.items[i].key, v.items[j].key))\n"
                    '                psft_fail(b, "returned a dict with a key twice");\n'
                    '        psft_puts(b, ": ");\n'
                )
            body += f"        psft_put_{value}(b, {item});\n    }}\n"
            body += f'    psft_puts(b, "{close}");\n'
        out[name] = head + body + "}\n"

    def unsupported(self, sig: Signature) -> str | None:
        for name, t in sig.params:
            if t.name == "None":
                return f"parameter {name} has type None"
        for t in [t for _, t in sig.params] + [sig.returns]:
            reason = _inner_unsupported(t)
            if reason:
                return reason
        return None


def _inner_unsupported(t: Type) -> str | None:
    for a in t.args:
        if a.name == "None":
            return f"None inside {t}"
        reason = _inner_unsupported(a)
        if reason:
            return reason
    if t.name == "dict" and t.args[0].name not in ("int", "str"):
        return f"dict keys of type {t.args[0]} (only int and str keys)"
    return None


def _mangle(t: Type) -> str:
    """The typedef name of `t` (a prefix code: every constructor has a fixed arity)."""
    if not t.args:
        return t.name
    head = {"optional": "opt", "tuple": f"tuple{len(t.args)}"}.get(t.name, t.name)
    return "_".join([head, *(_mangle(a) for a in t.args)])


def _is_typedef_name(word: str) -> bool:
    return bool(re.match(r"(list|dict|opt|tuple\d+)_", word))


def _kinds(sig: Signature) -> set[str]:
    found: set[str] = set()

    def walk(t: Type) -> None:
        found.add(t.name)
        for a in t.args:
            walk(a)

    for _, t in sig.params:
        walk(t)
    walk(sig.returns)
    return found


def _decl(c_type: str) -> str:
    """`c_type` followed by a declarator: "long long x", "const char *x"."""
    return c_type if c_type.endswith("*") else c_type + " "


def _ptr(c_type: str) -> str:
    return c_type + ("*" if c_type.endswith("*") else " *")


def _c_string(text: str) -> str:
    """A C string literal of `text`'s UTF-8 bytes: printable ASCII as itself, the rest as
    three-digit octal escapes (never greedy, unlike \\x)."""
    out = []
    for byte in text.encode("utf-8", "surrogatepass"):
        char = chr(byte)
        if char in '"\\?':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def without_main(code: str, entry: str, typedefs: set[str]) -> str:
    """`code` without its `main` (a model's try-out) and without its own typedefs of the
    signature's struct names (the driver has them); `static` dropped from the entry
    function's definition (the driver declares it extern). Code that tree-sitter cannot
    read is left as it is (`#define main` keeps a leftover main from clashing)."""
    from .entry import first, kids, parse, text

    root = parse(code, "c")
    if root is None:
        return code
    raw = code.encode()
    cuts: list[tuple[int, int]] = []
    for node in kids(root):
        if node.type == "type_definition":
            names = {text(n) for n in kids(node, "type_identifier")}
            if names and names <= typedefs:
                cuts.append((node.start_byte, node.end_byte))
        if node.type != "function_definition":
            continue
        declarator = node.child_by_field_name("declarator")
        while declarator is not None and declarator.type != "function_declarator":
            declarator = first(declarator, "function_declarator", "pointer_declarator")
        name = declarator.child_by_field_name("declarator") if declarator else None
        if text(name) == "main":
            cuts.append((node.start_byte, node.end_byte))
        elif text(name) == entry:
            cuts += [(n.start_byte, n.end_byte) for n in kids(node, "storage_class_specifier")
                     if text(n) == "static"]  # fmt: skip
    for start, end in sorted(cuts, reverse=True):
        kept = raw[start:end].count(b"\n")  # keep line numbers for the compiler's messages
        raw = raw[:start] + b"\n" * kept + raw[end:]
    return raw.decode()
