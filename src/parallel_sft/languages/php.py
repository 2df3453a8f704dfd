"""PHP (CLI). ``php -l`` lints; PHP's own memory_limit is set to the run's limit so that
running out is reported by PHP ("Allowed memory size ... exhausted") as MEMORY_LIMIT.

Function problems: the candidate writes a global function with PHP 8 type declarations
under a PHPDoc comment whose tags carry the precise types, in the notation of PHPStan and
Psalm: `function first_word(string $text, int $min_len): ?array` with `@param string
$text` and `@return ?array{string, int}`. MultiPL-E's PHP prompts are untyped; a PHP 8
programmer declares what the language can say (`int`, `float`, `bool`, `string`,
`array`, `?T`, `void`) and documents the rest. Lists, tuples and dicts are PHP arrays: a
list must be a list (keys 0..n-1, as `array_is_list` says; what `array_filter` leaves is
not), a dict's keys are ints or strings (PHP itself turns a key "3" into 3, so either
kind is a str key), and an int is never a float, nor a float an int, as `===` has it.

Not expressible: dicts with keys other than int or str (PHP's array keys are only those),
ints beyond 64 bits, and an entry point named like a PHP keyword or one of PHP's own
functions (`strlen`: PHP cannot declare it; drivers/php_builtins.txt lists them). A file
with a `namespace` declaration is a compile error: the driver's line comes first. The
installed PHP has no mbstring: UTF-8 characters are counted with `preg_*` and `/u`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .base import Language
from .entry import parse, text
from .functions import FunctionSupport, driver_template
from .tryout import blank_out, calls_in
from .types import Signature, Type

# The test driver (protocol: functions.py). main.php is the candidate's own file with its
# `<?php` tag replaced by `<?php PsftDriver::start();` (its `declare(strict_types=1)`
# moved before that: it must come first), so line numbers stay the candidate's and
# `php -l` reports its errors as a compile error; start() reads the token before the
# candidate's top-level code runs. Its try-out code is dropped (see `program_body`),
# then comes `PsftDriver::run(entry, return type, calls)` and the class itself
# (drivers/php_driver.php, declared at compile time like any top-level class). Each
# call's arguments come from a closure of their own: fresh arrays, even for a function
# that takes its argument by reference.
DRIVER = "php_driver.php"  # in drivers/, read by driver_template at first use
BUILTINS = "php_builtins.txt"

_KEYWORDS = frozenset(
    "__halt_compiler abstract and array as break callable case catch class clone const "
    "continue declare default die do echo else elseif empty enddeclare endfor endforeach "
    "endif endswitch endwhile enum eval exit extends final finally fn for foreach function "
    "global goto if implements include include_once instanceof insteadof interface isset "
    "list match namespace new or print private protected public readonly require "
    "require_once return static switch throw trait try unset use var while xor yield".split()
)
_NATIVE = {"int": "int", "float": "float", "bool": "bool", "str": "string", "None": "null"}

# Top-level statements that define, never a try-out; calls a definition may need.
_DEFINITIONS = frozenset(
    "function_definition class_declaration interface_declaration trait_declaration "
    "enum_declaration const_declaration namespace_definition namespace_use_declaration "
    "declare_statement comment global_declaration function_static_declaration "
    "unset_statement empty_statement".split()
)
_KEPT_CALLS = frozenset(
    "define ini_set error_reporting set_error_handler set_exception_handler setlocale "
    "date_default_timezone_set spl_autoload_register mt_srand srand set_time_limit".split()
)
_KEPT_EXPRESSIONS = frozenset(
    "assignment_expression reference_assignment_expression augmented_assignment_expression "
    "include_expression include_once_expression require_expression require_once_expression "
    "function_call_expression".split()
)
_CALLS = frozenset(
    "function_call_expression member_call_expression scoped_call_expression "
    "nullsafe_member_call_expression echo_statement print_intrinsic exit_statement".split()
)
_FUNCTIONS = frozenset(
    "function_definition anonymous_function anonymous_function_creation_expression "
    "arrow_function method_declaration class_declaration".split()
)
_OUTPUT = frozenset(
    "echo print exit die print_r var_dump var_export printf vprintf fprintf fwrite fputs "
    "file_put_contents assert debug_zval_refcount".split()
)
_GUARDS = ("__FILE__", "PHP_SAPI", "php_sapi_name", "$argv", "$_SERVER", "debug_backtrace")


class PhpFunctions(FunctionSupport):
    """A global function with native type declarations and PHPDoc types (see above)."""

    conventions = (
        "PHP 8.2 CLI, core extensions only (no mbstring: count UTF-8 characters with "
        "preg_match_all('/./us', ...) or preg_split('//u', ...)): the file starts with "
        "`<?php`; write the function with the signature's types."
    )
    scalar_types = {"int": "int", "float": "float", "bool": "bool", "str": "string", "None": "null"}

    def list_type(self, item: str) -> str:
        return f"list<{item}>"

    def tuple_type(self, items: list[str]) -> str:
        return f"array{{{', '.join(items)}}}"

    def dict_type(self, key: str, value: str) -> str:
        return f"array<{key}, {value}>"

    def optional_type(self, inner: str) -> str:
        return f"?{inner}"

    def none_literal(self, t: Type) -> str:
        return "null"

    def int_literal(self, value: int) -> str:
        if value == -(2**63):
            return "PHP_INT_MIN"  # -9223372036854775808 reads as minus a float
        if not -(2**63) < value < 2**63:
            raise ValueError(f"{value} is beyond PHP's 64-bit int")
        return str(value)

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "NAN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)  # shortest round-trip digits; PHP reads 1e-05 and 1e+16 too

    def str_literal(self, value: str) -> str:
        return php_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return f"[{', '.join(items)}]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"[{', '.join(items)}]"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return "[" + ", ".join(f"{k} => {v}" for k, v in pairs) + "]"

    def header(self, sig: Signature, doc: str) -> str:
        lines = [f" * {line}".rstrip() for line in doc.strip().splitlines()]
        lines += [" *"] if lines else []
        names = param_names(sig)
        lines += [f" * @param {self.type_name(t)} ${n}"
                  for n, (_, t) in zip(names, sig.params, strict=True)]  # fmt: skip
        returns = "void" if sig.returns.name == "None" else self.type_name(sig.returns)
        lines.append(f" * @return {returns}")
        params = ", ".join(f"{native(t)} ${n}" for n, (_, t) in zip(names, sig.params, strict=True))
        returns = "void" if sig.returns.name == "None" else native(sig.returns)
        body = "\n".join(lines)
        return f"<?php\n/**\n{body}\n */\nfunction {sig.name}({params}): {returns} {{\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        rows = [
            "    static fn (): array => ["
            + ", ".join(self.literal(v, t) for v, t in zip(args, types, strict=True))
            + "],\n"
            for args in calls
        ]
        run = (
            f"\n;\n\\PsftDriver::run({php_string(sig.name)}, {self._descriptor(sig.returns)}, "
            "[\n" + "".join(rows) + "]);\n"
        )
        template = driver_template(DRIVER).removeprefix("<?php\n")
        return program_body(code, sig.name) + run + template

    def _descriptor(self, t: Type) -> str:
        """`t` for the driver's json(): [kind, its PHPDoc name, parts...]."""
        parts = "".join(", " + self._descriptor(a) for a in t.args)
        return f"[{php_string(t.name)}, {php_string(self.type_name(t))}{parts}]"

    def unsupported(self, sig: Signature) -> str | None:
        name = sig.name.lower()
        if name in _KEYWORDS:
            return f"{sig.name} is a PHP keyword"
        if name in _builtins():
            return f"{sig.name} is one of PHP's own functions: PHP cannot declare it"
        for t in [t for _, t in sig.params] + [sig.returns]:
            if reason := _bad_key(t):
                return reason
        return None


def _bad_key(t: Type) -> str | None:
    if t.name == "dict" and t.args[0].name not in ("int", "str"):
        return f"a PHP array's keys are ints or strings, not {t.args[0]}"
    return next((r for r in map(_bad_key, t.args) if r), None)


def _builtins() -> frozenset[str]:
    lines = driver_template(BUILTINS).splitlines()
    return frozenset(ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#"))


def native(t: Type) -> str:
    """`t` as a PHP type declaration: what PHP can check (arrays are `array`)."""
    if t.name == "optional":
        return "?" + native(t.args[0])
    return _NATIVE.get(t.name, "array")


def param_names(sig: Signature) -> list[str]:
    """Parameter names without the `$`: `$this` cannot be one (the driver passes them by
    position)."""
    return [name + "_" if name == "this" else name for name, _ in sig.params]


def php_string(value: str) -> str:
    """`value` as a double-quoted PHP string: printable ASCII as itself (`"`, `\\` and `$`
    escaped: no interpolation), everything else as an escape (`\\u{e9}` is its UTF-8).

    >>> print(php_string('say "hi" {$x}\\n\\\\ é'))
    "say \\"hi\\" {\\$x}\\n\\\\ \\u{e9}"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\$':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{{{code:x}}}")
    return "".join(out) + '"'


def program_body(code: str, entry: str) -> str:
    """The candidate's file up to the driver's call: its `<?php` tag replaced by the line
    that starts the driver, and what a model writes around a function to try it dropped
    (tryout.py: `echo`/`print` statements, bare calls other than `define` and its kind,
    loops, `if`s and assignments that call `entry` or print, assert or exit, an `if
    (PHP_SAPI === 'cli')`-style block, a closing `?>` and inline text), each leaving its
    line breaks. A file without `<?php` is taken as PHP code; code that does not parse
    is left as it is (but for a closing `?>`), for `php -l` to report.

    >>> program_body("<?php\\nfunction f() { return 1; }\\necho f();\\n", "f")
    '<?php \\\\PsftDriver::start();\\nfunction f() { return 1; }\\n\\n'
    """
    source = code if "<?php" in code else "<?php " + code
    root = parse(source, "php")
    tag = next((n for n in root.children if n.type == "php_tag"), None) if root else None
    if root is None or root.has_error or tag is None or text(tag).strip() != "<?php":
        at = source.index("<?php")
        rest = re.sub(r"\?>\s*\Z", "", source[at + len("<?php") :])  # the driver follows
        return _prologue("", source[:at].count("\n")) + rest
    drop: list[tuple[int, int]] = []
    declare = ""
    for node in root.children:
        if node.end_byte <= tag.start_byte or node is tag:
            continue
        if node.type == "declare_statement" and "strict_types" in text(node):
            declare = "".join(text(node).split()) + " "
            drop.append((node.start_byte, node.end_byte))
        elif node.type in ("text_interpolation", "text") or _is_tryout(node, entry):
            drop.append((node.start_byte, node.end_byte))
    body = blank_out(source, drop).encode()
    before = body[: tag.start_byte].count(b"\n")
    return _prologue(declare, before) + body[tag.end_byte :].decode()


def _prologue(declare: str, newlines: int) -> str:
    return f"<?php {declare}\\PsftDriver::start();" + "\n" * newlines


def _is_tryout(node: Any, entry: str) -> bool:
    kind = node.type
    if kind in _DEFINITIONS:
        return False
    if kind in ("echo_statement", "exit_statement"):
        return True
    if kind == "expression_statement":
        inner = node.named_children[0] if node.named_children else None
        if inner is None or inner.type not in _KEPT_EXPRESSIONS:
            return True
        if inner.type == "function_call_expression":
            return _callee(inner) not in _KEPT_CALLS
    if kind == "if_statement":
        condition = text(node.child_by_field_name("condition"))
        if any(guard in condition for guard in _GUARDS):
            return True
    names = calls_in(node, call_types=_CALLS, function_types=_FUNCTIONS, callee=_callee)
    return any(name == entry.lower() or name in _OUTPUT for name in names)


def _callee(node: Any) -> str:
    """A call's function name, lowercased (PHP's function names are case-insensitive);
    `echo`, `print` and `exit` for those statements."""
    kind = node.type
    if kind in ("echo_statement", "print_intrinsic", "exit_statement"):
        return kind.split("_")[0]
    if kind != "function_call_expression":
        return text(node.child_by_field_name("name")).lower()
    return text(node.child_by_field_name("function")).lstrip("\\").lower()


LANGUAGE = Language(
    name="php",
    compile_s=0.02,
    start_s=0.017,
    display="PHP",
    aliases=("php8",),
    source_file="main.php",
    compile=("php", "-l", "{src}"),
    compiled=False,
    run=(
        "php",
        "-d",
        "memory_limit={memory_mb}M",
        "-d",
        "display_errors=stderr",
        "-d",
        "log_errors=0",
        "{src}",
    ),
    tools=("php",),
    debian_packages=("php-cli",),
    grammar="php",
    required_top_node="php_tag",  # outside <?php ... ?> text is printed, not run
    fence_tags=("PHP",),
    oom_markers=("Allowed memory size of", "Out of memory"),
    conventions=(
        "PHP 8.2 CLI: the file starts with `<?php`; read with fgets(STDIN), fscanf(STDIN, ...) "
        "or stream_get_contents(STDIN); write with echo. No extensions beyond the core."
    ),
    example='<?php\n[$a, $b] = array_map("intval", preg_split("/\\s+/", trim(fgets(STDIN))));\n'
    'echo $a + $b, "\\n";\n',
    functions=PhpFunctions(),
)
