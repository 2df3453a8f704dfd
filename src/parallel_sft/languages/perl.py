"""Perl 5. ``perl -c`` compiles without running (BEGIN blocks do run: inside the sandbox).

Function problems: the candidate writes `sub running_max { my ($numbers) = @_; ... }`
(MultiPL-E's shape) under `#` comment lines that give the types in the notation Perl's
type libraries share (Moose, Type::Tiny's Types::Standard): `Int`, `Num`, `Bool`, `Str`,
`Undef`, `ArrayRef[Int]`, `Tuple[Str, Int]`, `HashRef[Num]` (`Map[Int, Str]` for int
keys), `Maybe[T]`. Lists and tuples are array references, dicts hash references, None
`undef`, booleans `!!1` and `!!0`. Results are read as Perl reads its scalars: a number
in a string ("3") is that number, any plain scalar is true or false, a number in a Str
slot is its string; a tuple may also come back as a list of values (`return ($w, $i)`).

Not expressible: dicts with keys other than int or str (hash keys are strings; these
two have one JSON form), ints beyond 64 bits, an entry point named like a Perl builtin or
keyword (`sort`, `length`: a call to it would not reach the sub).
"""

from __future__ import annotations

import math
from typing import Any

from .base import Language
from .entry import parse, text
from .functions import FunctionSupport, driver_template
from .tryout import blank_out, calls_in
from .types import Signature, Type

# The test driver (protocol: functions.py): drivers/perl_driver.pl, then one line that
# calls its main with the candidate's code as a string. main reads the token and
# captures what it uses before `load` compiles and runs that string (a compile error is
# its `compile` report; `perl -c` checks the driver only).
DRIVER = "perl_driver.pl"  # in drivers/, read by driver_template at first use

# perlfunc's named operators and Perl's syntax words: a sub of one of these names is
# not what a call by that name reaches.
_BUILTINS = frozenset(
    "abs accept alarm atan2 bind binmode bless break caller chdir chmod chomp chop chown "
    "chr chroot close closedir connect continue cos crypt dbmclose dbmopen defined delete "
    "die do dump each endgrent endhostent endnetent endprotoent endpwent endservent eof "
    "eval evalbytes exec exists exit exp fc fcntl fileno flock fork format formline getc "
    "getgrent getgrgid getgrnam gethostbyaddr gethostbyname gethostent getlogin "
    "getnetbyaddr getnetbyname getnetent getpeername getpgrp getppid getpriority "
    "getprotobyname getprotobynumber getprotoent getpwent getpwnam getpwuid getservbyname "
    "getservbyport getservent getsockname getsockopt glob gmtime goto grep hex index int "
    "ioctl join keys kill last lc lcfirst length link listen local localtime lock log "
    "lstat map mkdir msgctl msgget msgrcv msgsnd my next no oct open opendir ord our pack "
    "package pipe pop pos print printf prototype push quotemeta rand read readdir readline "
    "readlink readpipe recv redo ref rename require reset return reverse rewinddir rindex "
    "rmdir say scalar seek seekdir select semctl semget semop send setgrent sethostent "
    "setnetent setpgrp setpriority setprotoent setpwent setservent setsockopt shift shmctl "
    "shmget shmread shmwrite shutdown sin sleep socket socketpair sort splice split "
    "sprintf sqrt srand stat state study sub substr symlink syscall sysopen sysread "
    "sysseek system syswrite tell telldir tie tied time times truncate uc ucfirst umask "
    "undef unlink unpack unshift untie use utime values vec wait waitpid wantarray warn "
    "write if elsif else unless until while for foreach and or not xor cmp eq ne lt gt le "
    "ge x q qq qw qr qx m s tr y given when default BEGIN END INIT CHECK UNITCHECK "
    "AUTOLOAD DESTROY".split()
)
# Calls that make a statement a try-out (tryout.py), besides the entry point and `main`.
_TRYOUT_CALLS = frozenset(
    "print say printf die warn exit Dumper ok is isnt like unlike is_deeply cmp_ok pass "
    "fail done_testing plan diag note subtest eq_deeply cmp_deeply".split()
)
_CALLS = frozenset(
    "function_call_expression ambiguous_function_call_expression func0op_call_expression "
    "func1op_call_expression method_call_expression".split()
)
_FUNCTIONS = frozenset({"subroutine_declaration_statement", "anonymous_subroutine_expression"})
_KEPT = frozenset(
    "package_statement subroutine_declaration_statement comment pod eof_marker "
    "data_section ;".split()
)


class PerlFunctions(FunctionSupport):
    """A sub under `#` comments with Types::Standard types (see above)."""

    conventions = (
        "Perl 5.36, core modules only: lists and tuples are array references, dicts hash "
        "references, None undef; return a reference ([...], {...})."
    )
    scalar_types = {"int": "Int", "float": "Num", "bool": "Bool", "str": "Str", "None": "Undef"}

    def list_type(self, item: str) -> str:
        return f"ArrayRef[{item}]"

    def tuple_type(self, items: list[str]) -> str:
        return f"Tuple[{', '.join(items)}]"

    def dict_type(self, key: str, value: str) -> str:
        return f"HashRef[{value}]" if key == "Str" else f"Map[{key}, {value}]"

    def optional_type(self, inner: str) -> str:
        return f"Maybe[{inner}]"

    def none_literal(self, t: Type) -> str:
        return "undef"

    def bool_literal(self, value: bool) -> str:
        return "!!1" if value else "!!0"  # Perl's own true and false

    def int_literal(self, value: int) -> str:
        if value == -(2**63):
            return "(-9223372036854775807 - 1)"
        if not -(2**63) < value < 2**63:
            raise ValueError(f"{value} is beyond Perl's 64-bit integers")
        return str(value)

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "(9**9**9 / 9**9**9)"
        if math.isinf(value):
            return "9**9**9" if value > 0 else "-9**9**9"
        return repr(value)  # shortest round-trip digits; Perl reads 1e-05 and 1e+16 too

    def str_literal(self, value: str) -> str:
        return perl_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return f"[{', '.join(items)}]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"[{', '.join(items)}]"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return "{" + ", ".join(f"{k} => {v}" for k, v in pairs) + "}"

    def header(self, sig: Signature, doc: str) -> str:
        lines = [f"# {line}".rstrip() for line in doc.strip().splitlines()]
        names = param_names(sig)
        lines += ["#"] if lines else []
        if sig.params:
            width = max(len(n) for n in names) + 1
            lines.append("# Arguments:")
            lines += [f"#   {'$' + n:<{width}}  {self.type_name(t)}"
                      for n, (_, t) in zip(names, sig.params, strict=True)]  # fmt: skip
        lines.append(f"# Returns: {self.type_name(sig.returns)}")
        unpack = f"    my ({', '.join('$' + n for n in names)}) = @_;\n" if names else ""
        return "\n".join(lines) + f"\nsub {sig.name} {{\n{unpack}"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        rows = [
            "    sub { ("
            + ", ".join(self.literal(v, t) for v, t in zip(args, types, strict=True))
            + ") },\n"
            for args in calls
        ]
        run = (
            f"PsftDriver::main({perl_string(without_top_level_calls(code, sig.name))}, "
            f"{perl_string(sig.name)}, {self._descriptor(sig.returns)}, [\n"
            + "".join(rows)
            + "]);\n"
        )
        return driver_template(DRIVER) + run

    def _descriptor(self, t: Type) -> str:
        """`t` for the driver's emit: [kind, its Types::Standard name, parts...]."""
        parts = "".join(", " + self._descriptor(a) for a in t.args)
        return f"[{perl_string(t.name)}, {perl_string(self.type_name(t))}{parts}]"

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in _BUILTINS:
            return f"{sig.name} is a Perl builtin: a call to it would not reach the sub"
        for t in [t for _, t in sig.params] + [sig.returns]:
            if reason := _bad_key(t):
                return reason
        return None


def _bad_key(t: Type) -> str | None:
    if t.name == "dict" and t.args[0].name not in ("int", "str"):
        return f"hash keys are strings: only int and str keys have one JSON form, not {t.args[0]}"
    return next((r for r in map(_bad_key, t.args) if r), None)


def param_names(sig: Signature) -> list[str]:
    """The parameters as Perl scalars' names: `$a` and `$b` belong to `sort`, `$_` is
    the topic, so those get a `_` (the driver passes arguments by position)."""
    return [name + "_" if name in ("a", "b", "_") else name for name, _ in sig.params]


def perl_string(value: str) -> str:
    """`value` as a double-quoted Perl string: printable ASCII as itself (`"`, `\\`, `$`
    and `@` escaped: no interpolation), everything else as a `\\x{...}` character.

    >>> print(perl_string('say "hi" $x @y\\n\\\\ é'))
    "say \\"hi\\" \\$x \\@y\\n\\\\ \\x{e9}"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\$@':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{{{code:x}}}")
    return "".join(out) + '"'


def without_top_level_calls(code: str, entry: str) -> str:
    """`code` without what a model writes around a sub to try it (tryout.py): statements
    that call `entry`, `main`, print/say/die/exit or a Test::More function outside the
    subs they define, a bare call of a sub of its own, `use Test::...`, `END` blocks and
    an `unless (caller)` block. Definitions, `use`, builtins that build data (`push`) and
    declarations stay; what is dropped leaves its line breaks. Code that does not parse
    is left as it is (the driver reports Perl's own error).

    >>> print(without_top_level_calls("sub f { 1 }\\nprint f(), qq(\\\\n);\\nmy @t = (1);\\n", "f"))
    sub f { 1 }
    ;
    my @t = (1);
    <BLANKLINE>
    """
    root = parse(code, "perl")
    if root is None or root.has_error:
        return code
    spans = [(n.start_byte, n.end_byte) for n in root.children if _is_tryout(n, entry)]
    return blank_out(code, spans)


def _is_tryout(node: Any, entry: str) -> bool:
    kind = node.type
    if kind in _KEPT:
        return False
    if kind == "use_statement":
        return text(node).split()[1].startswith(("Test::", "Test2"))
    if kind == "phaser_statement":
        return text(node).startswith("END")
    if kind == "conditional_statement" and "caller" in text(node.child_by_field_name("condition")):
        return True
    if kind == "expression_statement":
        inner = node.named_children[0] if node.named_children else None
        if inner is not None and inner.type == "bareword":
            return True  # `main;`
        if inner is not None and inner.type in _CALLS and _callee(inner) not in _BUILTINS:
            return True  # a call of one of its own subs
    names = calls_in(node, call_types=_CALLS, function_types=_FUNCTIONS, callee=_callee)
    return any(name in (entry, "main") or name in _TRYOUT_CALLS for name in names)


def _callee(call: Any) -> str:
    field = "method" if call.type == "method_call_expression" else "function"
    return text(call.child_by_field_name(field)).lstrip("&").split("::")[-1]


LANGUAGE = Language(
    name="perl",
    compile_s=0.01,
    start_s=0.004,
    display="Perl",
    aliases=("pl", "perl5"),
    source_file="main.pl",
    compile=("perl", "-c", "{src}"),
    compiled=False,
    run=("perl", "{src}"),
    tools=("perl",),
    debian_packages=("perl",),
    grammar="perl",
    fence_tags=("Perl",),
    version_args=("-e", "print qq(perl $^V)"),
    time_factor=1.5,
    oom_markers=("Out of memory",),
    conventions=(
        "Perl 5.36: `use strict; use warnings;`; read lines from <STDIN> (chomp them), write "
        "with print. Core modules only."
    ),
    example=(
        "use strict;\nuse warnings;\nmy ($a, $b) = split ' ', <STDIN>;\nprint $a + $b, \"\\n\";\n"
    ),
    functions=PerlFunctions(),
)
