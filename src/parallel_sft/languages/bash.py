"""Bash scripts. ``bash -n`` parses without running. Only coreutils-level tools are on the
sandbox's PATH that the host has; the conventions ask for builtins.

Function problems follow MultiPL-E's sh prompts: a function `name() {` under comments that
say what each positional argument is. Everything in Bash is a string, so a value is
written as one: an int in decimal, a float in shortest round-trip digits, a bool as `true`
or `false`, a list of scalars as one space-separated string, None (and an Optional's none)
as the empty string. The function's result is what it prints, as `$(name ...)` captures it
(trailing newlines dropped): a list space- or newline-separated, a bool as `true`/`false`;
a non-zero exit status is an error. `exit` inside the function ends only that call, as in
any `$(...)`.

What Bash cannot express is `unsupported`: dicts, tuples and nested lists (one string has
no structure for them), lists of Optionals, and an Optional str or list (the empty string
would be both none and a value). A list of strings cannot carry an empty item or one with
whitespace, and an int outside 64 bits or a non-finite float has no Bash form: those test
values raise ValueError (the problem's counted reason).
"""

from __future__ import annotations

from typing import Any

from .base import Language
from .entry import kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The test driver: see drivers/bash_driver.sh, whose text follows the generated head.
DRIVER = "bash_driver.sh"

_SCALARS = ("int", "float", "bool", "str")
_KINDS = {
    "int": ("an integer", "integers"),
    "float": ("a floating point number", "floating point numbers"),
    "bool": ("true or false", "words true or false"),
    "str": ("a string", "words"),
    "None": ("empty", "empty words"),
}
# Names a function cannot have, or should not: reserved words, and builtins (a function
# of that name would shadow the builtin for the candidate's own code too).
_RESERVED = frozenset(
    "case coproc do done elif else esac fi for function if in select then time until while "
    "alias bg bind break builtin caller cd command compgen complete compopt continue declare "
    "dirs disown echo enable eval exec exit export false fc fg getopts hash help history jobs "
    "kill let local logout mapfile popd printf pushd pwd read readarray readonly return set "
    "shift shopt source suspend test times trap true type typeset ulimit umask unalias unset "
    "wait".split()
)
# Top-level commands a definition needs; every other command (echo, a call of the
# function, `main "$@"`, exit) is a model's own try-out and goes.
_KEPT_COMMANDS = frozenset("set shopt alias unalias".split())
_KEPT = frozenset("comment function_definition variable_assignment declaration_command".split())


class BashFunctions(FunctionSupport):
    """A Bash function: arguments as strings in $1, $2, ..., the result printed."""

    prints_result = True
    conventions = (
        "Bash 5.2: write a function `name() { ... }` that reads its arguments as $1, $2, ... "
        "(a list is one space-separated string, a bool the word true or false) and returns its "
        "result by printing it, and only it, to stdout (a list space-separated, a bool true "
        "or false); a non-zero exit status is an error. Builtins, coreutils and awk only."
    )

    def type_name(self, t: Type) -> str:
        """The comment's words for an argument of type `t` ("a space-separated list of
        integers")."""
        if t.name == "list":
            return f"a space-separated list of {_KINDS[t.args[0].name][1]}"
        if t.name == "optional":
            return f"{self.type_name(t.args[0])}, or empty for none"
        return _KINDS[t.name][0]

    def literal(self, value: Any, t: Type) -> str:
        """`value` as one shell word: its text (`argument`), single-quoted."""
        return shell_quote(self.argument(value, t))

    def argument(self, value: Any, t: Type) -> str:
        """The string the function gets as its argument for `value` of type `t`. Raises
        ValueError where Bash has no such string (the composites are not compositional:
        a list's items are bare words inside one string)."""
        if value is None or t.name == "None":
            return ""
        if t.name == "optional":
            return self.argument(value, t.args[0])
        if t.name == "bool":
            return "true" if value else "false"
        if t.name == "int":
            if not -(2**63) <= int(value) < 2**63:
                raise ValueError(f"{value} does not fit Bash's 64-bit integers")
            return str(int(value))
        if t.name == "float":
            return self.float_literal(float(value))
        if t.name == "str":
            return _checked(value)
        if t.name == "list":
            words = [self.argument(v, t.args[0]) for v in value]
            if any(not w or any(c.isspace() for c in w) for w in words):
                raise ValueError("a list item that is empty or has whitespace has no Bash form")
            return " ".join(words)
        raise ValueError(f"no Bash argument for {t}")

    def header(self, sig: Signature, doc: str) -> str:
        lines = ["#!/bin/bash", *(f"# {line}".rstrip() for line in doc.strip().splitlines())]
        lines += ["#"] if len(lines) > 1 else []
        lines += [f"# ${i} ({name}) is {self.type_name(t)}"
                  for i, (name, t) in enumerate(sig.params, 1)]  # fmt: skip
        lines.append(f"# Prints {_printed(self, sig.returns)}")
        return "\n".join(lines) + f"\n{sig.name}() {{\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        rows = [
            "    __psft_call " + " ".join([str(i), *map(self.literal, args, types)]) + "\n"
            for i, args in enumerate(calls)
        ]
        head = (
            "#!/bin/bash\n"
            f"__PSFT_SOURCE={shell_quote(without_top_level_commands(code, sig.name))}\n"
            f"__PSFT_ENTRY={sig.name}\n"
            f"__PSFT_RETURNS={shell_quote(_descriptor(sig.returns))}\n"
            f"__PSFT_TOTAL={len(calls)}\n"
            "__psft_calls() {\n    :\n" + "".join(rows) + "}\n\n"
        )
        return head + driver_template(DRIVER)

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in _RESERVED or sig.name.startswith("__psft"):
            return f"{sig.name} is a Bash reserved word or builtin"
        for t in types_in(sig):
            if t.name in ("dict", "tuple"):
                return f"a {t.name} has no one-string form in Bash"
            if t.name == "list" and t.args[0].name not in _SCALARS:
                return f"{t}: a Bash list is one space-separated string of scalars"
            if t.name == "optional" and t.args[0].name not in ("int", "float", "bool"):
                return f"{t}: the empty string would be both none and a value"
        return None


def _printed(support: BashFunctions, t: Type) -> str:
    """What the header says the function prints for its result."""
    if t.name == "None":
        return "nothing"
    if t.name == "optional":
        return f"{support.type_name(t.args[0])}, or nothing for none"
    return support.type_name(t)


def _descriptor(t: Type) -> str:
    """The driver's name for the return type: "int", "list str", "optional float"."""
    return " ".join([t.name, *(a.name for a in t.args)])


def _checked(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a string with a NUL byte has no Bash form")
    if any(0xD800 <= ord(c) < 0xE000 for c in value):
        raise ValueError("a string with a lone surrogate has no Bash (UTF-8) form")
    return value


def shell_quote(value: str) -> str:
    """`value` as a single-quoted shell word: nothing inside is expanded.

    >>> print(shell_quote("it's $HOME"))
    'it'\\''s $HOME'
    """
    return "'" + _checked(value).replace("'", "'\\''") + "'"


def without_top_level_commands(code: str, entry: str) -> str:
    """`code` without what a model writes around a function to try it: top-level commands
    (`echo "$(f 1 2)"`, `main "$@"`, `exit 0`), pipelines, lists, loops, `if` blocks (the
    `[[ ${BASH_SOURCE[0]} == "$0" ]]` guard) and assignments that call the function or
    `main`. Function definitions, other assignments and declarations, `set`, `shopt` and
    comments stay; a dropped statement leaves its newlines (line numbers hold). Code that
    does not parse cleanly is left as it is (the driver reports what `bash -n` says).

    >>> without_top_level_commands("f() { echo 1; }\\nf\\nX=2\\n", "f")
    'f() { echo 1; }\\n\\nX=2\\n'
    """
    root = parse(code, "bash")
    if root is None or root.has_error:
        return code
    raw = code.encode()
    spans = [(n.start_byte, n.end_byte) for n in kids(root) if not _kept(n, entry)]
    for start, end in reversed(spans):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    return raw.decode()


def _kept(node: Any, entry: str) -> bool:
    if node.type == "command":
        return text(node.child_by_field_name("name")) in _KEPT_COMMANDS
    if node.type in ("variable_assignment", "declaration_command"):
        return not (_calls(node) & {entry, "main"})
    return node.type in _KEPT


def _calls(node: Any) -> set[str]:
    """The command names used anywhere inside `node`."""
    found, todo = set(), [node]
    while todo:
        n = todo.pop()
        if n.type == "command_name":
            found.add(text(n))
        todo.extend(n.children)
    return found


LANGUAGE = Language(
    name="bash",
    compile_s=0.01,
    start_s=0.002,
    display="Bash",
    aliases=("sh", "shell", "zsh"),
    source_file="main.sh",
    compile=("bash", "-n", "{src}"),
    compiled=False,
    run=("bash", "{src}"),
    tools=("bash",),
    debian_packages=("bash",),
    grammar="bash",
    fence_tags=("Bash", "console", "shell-script"),
    time_factor=3.0,
    oom_markers=("cannot allocate memory",),
    conventions=(
        "Bash 5.2 script: read with `read`, compute with $(( )) integer arithmetic, write "
        "with echo or printf. Prefer builtins; coreutils and awk may be used, nothing else."
    ),
    example="read -r a b\necho $((a + b))\n",
    functions=BashFunctions(),
)
