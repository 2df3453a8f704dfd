"""Fortran (free form, gfortran).

List-directed output (`print *`) pads numbers with leading blanks; the token-wise checker
tolerates that, but the conventions still ask for explicit formats.

Function problems (`FortranFunctions`): a module procedure in `module solution`, declared
the way Fortran programmers write one: int is `integer(int64)`, float `real(real64)`
(iso_fortran_env), bool `logical`, str `character(len=*)` in and `character(len=:),
allocatable` out (UTF-8 bytes), list an assumed-shape array `x(:)` in and an allocatable
one out. A single result is a function's `result(...)`; where Python returns several
values or maybe none, Fortran uses a subroutine with `intent(out)` arguments: a tuple's
items `r1, r2, ...`, an Optional's `logical :: found` before them (an Optional item of a
tuple has its own `has_rI` just before it); None as a return type is a subroutine with
none. The candidate's `program` (a model's try-out) is cut with tree-sitter; procedures
it holds after `contains`, and procedures outside any module, are put in a module of the
driver's (`psft_solution`) with the program's `use` lines.

unsupported(), the types Fortran has no reasonable form for: dicts (no associative array
in the language or its intrinsic modules), lists of str (a character array has one length
for every item: trailing blanks would be lost), lists of lists, tuples or Optionals (no
jagged or heterogeneous arrays), a tuple or an Optional as a parameter (a result's forms
only), a tuple inside a tuple, None as a parameter; an entry point that is not a Fortran
name (`_x`, over 63 characters). An int test value outside `integer(int64)` is a
ValueError (the counted "cannot write a test value" reason).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .base import Language
from .functions import FunctionSupport, driver_template, types_in
from .types import STR, Signature, Type

# The test driver's Fortran text, a program after the candidate's module (see there for
# how it keeps the candidate away from the token and the reports); @USE@ and @GENERATED@
# are this signature's part.
DRIVER = "fortran_driver.f90"  # in drivers/, read by driver_template at first use

WRAP = "psft_solution"  # the module the driver puts procedures outside any module in
_INT = 2**63
_LEAVES = ("int", "float", "bool", "str")
_KINDS = ("int64", "real64")
# A program's specification part: what its internal procedures may use of their host.
_SPECIFICATIONS = ("use_statement", "implicit_statement", "variable_declaration",
                   "derived_type_definition", "interface", "parameter_statement")  # fmt: skip


class FortranFunctions(FunctionSupport):
    """iso_fortran_env kinds, assumed-shape arrays in, allocatable results out; several
    results (a tuple, an Optional) as a subroutine's `intent(out)` arguments."""

    conventions = (
        "Fortran 2008 compiled by gfortran 12: complete the module the header opens (the "
        "procedure with the arguments and results it declares, any helpers after it, then "
        "`end module solution`); no program. No libraries beyond the intrinsic modules."
    )
    scalar_types = {"int": "integer(int64)", "float": "real(real64)", "bool": "logical",
                    "str": "character(len=*)", "None": ""}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"{item}, dimension(:)"

    def bool_literal(self, value: bool) -> str:
        return ".true." if value else ".false."

    def int_literal(self, value: int) -> str:
        if not -_INT <= value < _INT:
            raise ValueError(f"{value} does not fit a Fortran integer(int64)")
        return "(-9223372036854775807_int64 - 1_int64)" if value == -_INT else f"{value}_int64"

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "ieee_value(0.0_real64, ieee_quiet_nan)"
        if math.isinf(value):
            kind = "positive" if value > 0 else "negative"
            return f"ieee_value(0.0_real64, ieee_{kind}_inf)"
        return f"{value!r}_real64"  # shortest round-trip digits; 1e-05_real64 reads too

    def str_literal(self, value: str) -> str:
        return " // ".join(fortran_pieces(value)) or "''"

    def list_literal(self, items: list[str], t: Type) -> str:
        base = self.type_name(t.args[0])
        return f"[{base} :: {', '.join(items)}]"

    def header(self, sig: Signature, doc: str) -> str:
        names = param_names(sig)
        kinds = [k for k in _KINDS if any(_uses(t, k) for t in types_in(sig))]
        use = f"  use, intrinsic :: iso_fortran_env, only: {', '.join(kinds)}\n" if kinds else ""
        comment = [f"  ! {line}".rstrip() for line in doc.strip().splitlines()]
        # The module's name; a procedure named like it would clash.
        opening = f"module {'solution_m' if sig.name.lower() == 'solution' else 'solution'}\n"
        opening += f"{use}  implicit none\ncontains\n\n"
        reason = self.unsupported(sig)
        if reason:  # a prompt still renders; the verifier refuses the problem, counted
            return (
                opening
                + "".join(line + "\n" for line in comment)
                + f"  ! (this signature has no Fortran form: {reason})\n"
                + f"  subroutine {sig.name}({', '.join(names)})\n"
            )
        params = zip(names, sig.params, strict=True)
        lines = [_declaration(t, n, "intent(in)") for n, (_, t) in params]
        result, outs = _results(sig.returns, names)
        args = ", ".join(names + [o for o, _ in outs])
        if result is not None:
            head = f"  function {sig.name}({args}) result({result})\n"
            lines.append(_declaration(sig.returns, result, ""))
        else:
            head = f"  subroutine {sig.name}({args})\n"
            lines += [_declaration(t, o, "intent(out)") for o, t in outs]
            note = _results_note(sig.returns, outs)
            if note:
                comment += ["  !"] if comment else []
                comment.append(f"  ! {note}")
        body = "".join(f"    {line}\n" for line in lines)
        return opening + "".join(line + "\n" for line in comment) + head + body

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        code, module, wrap = prepare(code, sig.name)
        use = f"  use {module or WRAP}, only: psft_entry => {sig.name}\n"
        program = driver_template(DRIVER).replace("@USE@\n", use)
        program = program.replace("@COUNT@", str(len(calls)))
        generated = self._writers(sig.returns) + self._calls(sig, calls)
        return code.rstrip("\n") + "\n\n" + wrap + program.replace("@GENERATED@\n", generated)

    def _writers(self, t: Type) -> str:
        """psft_put_list_<item> for the list types the result has."""
        out = []
        for item in sorted({a.args[0].name for a in _leaves(t) if a.name == "list"}):
            decl = f"{self.scalar_types[item]}, intent(in) :: v(:)"
            out.append(
                f"  subroutine psft_put_list_{item}(v)\n    {decl}\n    integer :: i\n"
                "    call psft_add('[')\n    do i = 1, size(v)\n"
                "      if (i > 1) call psft_add(', ')\n"
                f"      call psft_put_{item}(v(i))\n    end do\n    call psft_add(']')\n"
                f"  end subroutine psft_put_list_{item}\n\n"
            )
        return "".join(out)

    def _calls(self, sig: Signature, calls: list[list[Any]]) -> str:
        """psft_call: each test's arguments built in a block of their own, the call, the
        result written by its type."""
        result, outs = _results(sig.returns, [f"a{j}" for j in range(len(sig.params))])
        cases = []
        for i, args in enumerate(calls):
            lines: list[str] = []
            names = [f"a{j}" for j in range(len(sig.params))]
            params = zip(names, sig.params, strict=True)
            decls = [_declaration(t, n, "", local=True) for n, (_, t) in params]
            for value, name, (_, t) in zip(args, names, sig.params, strict=True):
                lines += self._assign(name, value, t)
            if result is not None:
                decls.append(_declaration(sig.returns, "res", "", local=True))
                lines.append(f"res = psft_entry({', '.join(names)})")
                lines += _put(sig.returns, "res")
            else:
                decls += [_declaration(t, o, "", local=True) for o, t in outs]
                lines.append(f"call psft_entry({', '.join(names + [o for o, _ in outs])})")
                lines += _put_outs(sig.returns, outs)
            body = "".join(f"      {d}\n" for d in decls) + "".join(f"      {s}\n" for s in lines)
            cases.append(f"    case ({i})\n      block\n{body}      end block\n")
        return (
            "  subroutine psft_call(index)\n    integer, intent(in) :: index\n"
            "    select case (index)\n" + "".join(cases) + "    end select\n"
            "  end subroutine psft_call\n"
        )

    def _assign(self, name: str, value: Any, t: Type) -> list[str]:
        """Statements that give `name` the value (each line short: free form allows 132
        characters, and a long list or str is filled a slice at a time)."""
        if t.name == "str":
            data = value.encode("utf-8", "surrogatepass")
            lines = [f"allocate (character(len={len(data)}) :: {name})"]
            at = 1
            for chunk in _chunks(fortran_pieces(value), 60):
                size = sum(_piece_size(p) for p in chunk)
                lines.append(f"{name}({at}:{at + size - 1}) = {' // '.join(chunk)}")
                at += size
            return lines
        if t.name == "list":
            items = [self.literal(v, t.args[0]) for v in value]
            lines = [f"allocate ({name}({len(items)}))"]
            at = 1
            for chunk in _chunks(items, 60):
                lines.append(f"{name}({at}:{at + len(chunk) - 1}) = [{', '.join(chunk)}]")
                at += len(chunk)
            return lines
        return [f"{name} = {self.literal(value, t)}"]

    def unsupported(self, sig: Signature) -> str | None:
        if not re.fullmatch(r"[A-Za-z]\w{0,62}", sig.name):
            return f"{sig.name} is not a Fortran name (a letter first, at most 63 characters)"
        for _, t in sig.params:  # no parameter's name: reasons are counted across problems
            reason = _unsupported_leaf(t)
            if reason:
                return f"a parameter: {reason}"
        reason = _unsupported_result(sig.returns)
        return f"the result: {reason}" if reason else None


def _unsupported_result(t: Type) -> str | None:
    """Why Fortran cannot return `t` (a leaf, or out-arguments: an Optional's flag, a
    tuple's items, each a leaf or an Optional leaf), or None."""
    if t.name == "None":
        return None
    if t.name == "optional":
        t = t.args[0]
    items = t.args if t.name == "tuple" else (t,)
    for item in items:
        leaf = item.args[0] if item.name == "optional" and t.name == "tuple" else item
        reason = _unsupported_leaf(leaf)
        if reason:
            return reason
    return None


def _unsupported_leaf(t: Type) -> str | None:
    """Why `t` is no argument or result item Fortran can hold, or None."""
    if t.name in _LEAVES:
        return None
    if t.name == "list" and t.args[0].name in ("int", "float", "bool"):
        return None
    why = {
        "dict": "a dict (Fortran has no associative array)",
        "list": f"{t} (a character array has one length for all items)"
        if t.args[:1] == (STR,)
        else f"{t} (no jagged or mixed arrays)",
        "tuple": f"{t} (a tuple is a result's out-arguments only, and not nested)",
        "optional": f"{t} (an Optional is a result's flag only)",
        "None": "None (no Fortran value of it)",
    }
    return why.get(t.name, f"{t}")


def _leaves(t: Type) -> list[Type]:
    """The leaf types of a result: its items, Optionals and tuples taken apart."""
    if t.name in ("optional", "tuple"):
        return [leaf for a in t.args for leaf in _leaves(a)]
    return [t]


def _uses(t: Type, kind: str) -> bool:
    return (kind == "int64" and t.name == "int") or (kind == "real64" and t.name == "float")


def _results(returns: Type, taken: list[str]) -> tuple[str | None, list[tuple[str, Type]]]:
    """(the function's result name, or None for a subroutine; the subroutine's outs as
    (name, type), flags as `logical` ones), with names no parameter has (Fortran's names
    are case-insensitive)."""
    used = {n.lower() for n in taken}

    def fresh(name: str) -> str:
        while name.lower() in used:
            name += "_"
        used.add(name.lower())
        return name

    if returns.name in _LEAVES or returns.name == "list":
        return fresh("r"), []
    outs: list[tuple[str, Type]] = []
    if returns.name == "optional":
        outs.append((fresh("found"), Type("bool")))
        returns = returns.args[0]
    if returns.name == "tuple":
        for i, item in enumerate(returns.args, 1):
            if item.name == "optional":
                outs.append((fresh(f"has_r{i}"), Type("bool")))
                item = item.args[0]
            outs.append((fresh(f"r{i}"), item))
    elif returns.name != "None":
        outs.append((fresh("r"), returns))
    return None, outs


def _results_note(returns: Type, outs: list[tuple[str, Type]]) -> str:
    """What the header's comment says of a subroutine's outs."""
    if returns.name == "None":
        return ""
    names = [o for o, _ in outs]
    parts = []
    if returns.name == "optional":
        parts.append(f"{names.pop(0)} is .false. for None (the rest is then not read)")
        returns = returns.args[0]
    if returns.name == "tuple":
        items = [n for n in names if not n.startswith("has_")]
        parts.append(f"{', '.join(items)} are the tuple's items")
        if any(n.startswith("has_") for n in names):
            parts.append("has_rI is .false. where item I is None")
    else:
        parts.append(f"{names[0]} is the value")
    return "Results: " + "; ".join(parts) + "."


def _declaration(t: Type, name: str, intent: str, *, local: bool = False) -> str:
    """`name`'s declaration: an argument (`intent`), a result (no intent), or the driver's
    own variable (`local`: strings and lists allocatable)."""
    attrs = [f", {intent}"] if intent else []
    if t.name == "list":
        base = FortranFunctions.scalar_types[t.args[0].name]
        if intent == "intent(in)":
            return f"{base}{''.join(attrs)} :: {name}(:)"
        return f"{base}, allocatable{''.join(attrs)} :: {name}(:)"
    base = FortranFunctions.scalar_types[t.name]
    if t.name == "str" and (local or intent != "intent(in)"):
        base = "character(len=:), allocatable"
    return f"{base}{''.join(attrs)} :: {name}"


def _put(t: Type, name: str) -> list[str]:
    """Statements that write the value `name` of leaf type `t`."""
    if t.name in ("list", "str"):
        put = f"psft_put_list_{t.args[0].name}" if t.name == "list" else "psft_put_str"
        return [
            f"if (.not. allocated({name})) call psft_fail('returned an unallocated {t}')",
            f"if (allocated({name})) call {put}({name})",
        ]
    return [f"call psft_put_{t.name}({name})"]


def _put_outs(returns: Type, outs: list[tuple[str, Type]]) -> list[str]:
    """Statements that write a subroutine's outs as the signature's result."""
    if returns.name == "None":
        return ["call psft_add('null')"]
    outs = list(outs)
    optional = returns.name == "optional"
    lines: list[str] = []
    if optional:
        flag, _ = outs.pop(0)
        lines.append(f"if (.not. {flag}) then\n        call psft_add('null')\n      else")
        returns = returns.args[0]
    if returns.name == "tuple":
        lines.append("call psft_add('[')")
        for i, item in enumerate(returns.args):
            if i:
                lines.append("call psft_add(', ')")
            if item.name == "optional":
                (has, _), (name, t) = outs.pop(0), outs.pop(0)
                lines.append(f"if (.not. {has}) call psft_add('null')")
                lines += [f"if ({has}) then", *(f"  {s}" for s in _put(t, name)), "end if"]
            else:
                name, t = outs.pop(0)
                lines += _put(t, name)
        lines.append("call psft_add(']')")
    else:
        lines += _put(outs[0][1], outs[0][0])
    return lines + (["end if"] if optional else [])


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as Fortran names, distinct as Fortran compares them (case
    aside) and from the procedure's own name and the kinds int64 and real64."""
    names: list[str] = []
    taken = {sig.name.lower(), *_KINDS}
    for name, _ in sig.params:
        name = name.strip("_") or "arg"
        name = name if name[0].isalpha() else "arg_" + name
        while name.lower() in taken:
            name += "_"
        taken.add(name.lower())
        names.append(name[:63])
    return names


def fortran_pieces(text: str) -> list[str]:
    """`text`'s UTF-8 bytes as Fortran character expressions to join with `//`: runs of
    printable ASCII as quoted literals (a quote doubled; gfortran reads a backslash as
    itself), every other byte as `achar(N)`.

    >>> fortran_pieces("it's\\né")
    ["'it''s'", 'achar(10)', 'achar(195)', 'achar(169)']
    """
    pieces: list[str] = []
    run = ""
    for byte in text.encode("utf-8", "surrogatepass"):
        if 0x20 <= byte < 0x7F and len(run) < 40:
            run += chr(byte)
            continue
        if run:
            pieces.append("'" + run.replace("'", "''") + "'")
            run = ""
        if 0x20 <= byte < 0x7F:
            run = chr(byte)
        else:
            pieces.append(f"achar({byte})")
    if run:
        pieces.append("'" + run.replace("'", "''") + "'")
    return pieces


def _piece_size(piece: str) -> int:
    return 1 if piece.startswith("achar(") else len(piece[1:-1].replace("''", "'"))


def _chunks(items: list[str], width: int) -> list[list[str]]:
    """`items` in runs whose text is at most about `width` characters (one line each)."""
    out: list[list[str]] = []
    size = width
    for item in items:
        if size + len(item) > width:
            out.append([])
            size = 0
        out[-1].append(item)
        size += len(item) + 4
    return out


def prepare(code: str, entry: str) -> tuple[str, str | None, str]:
    """(`code` without its `program`, the module that holds `entry` or None, a module of
    the driver's with the procedures outside any module). The program's own procedures
    (after its `contains`) and its specification part (`use` lines, declarations: what
    they may use of their host) move into that module; a cut leaves its
    lines empty (the compiler's line numbers hold). Code that tree-sitter cannot read is
    left as it is, its first `module` taken for the one."""
    from .entry import first, kids, parse, text

    root = parse(code, "fortran")
    if root is None or root.has_error:
        found = re.search(r"(?im)^\s*module\s+(?!procedure\b)(\w+)\s*$", code)
        return code, found.group(1) if found else None, ""
    raw = code.encode()

    def lines_of(node: Any) -> str:  # from the start of its first line: indentation kept
        start = raw.rfind(b"\n", 0, node.start_byte) + 1
        start = start if not raw[start : node.start_byte].strip() else node.start_byte
        return raw[start : node.end_byte].decode().rstrip() + "\n"

    cuts, moved, uses = [], [], []
    module = None
    for node in kids(root):
        if node.type == "module":
            name = text(first(first(node, "module_statement"), "name"))
            if module is None and entry.lower() in _procedures(node):
                module = name
        elif node.type in ("function", "subroutine"):
            cuts.append(node)
            moved.append(lines_of(node))
        elif node.type == "program":
            cuts.append(node)
            uses += [lines_of(n) for n in kids(node, *_SPECIFICATIONS)]
            inner = first(node, "internal_procedures")
            if inner is not None:
                moved += [lines_of(n) for n in kids(inner, "function", "subroutine")]
    for node in sorted(cuts, key=lambda n: n.start_byte, reverse=True):
        kept = raw[node.start_byte : node.end_byte].count(b"\n")
        raw = raw[: node.start_byte] + b"\n" * kept + raw[node.end_byte :]
    wrap = ""
    if module is None and moved:
        wrap = f"module {WRAP}\n{''.join(uses)}contains\n{''.join(moved)}end module {WRAP}\n\n"
    return raw.decode(), module, wrap


def _procedures(module: Any) -> set[str]:
    """The lower-cased names of a module's procedures."""
    from .entry import first, kids, text

    inner = first(module, "internal_procedures")
    found = set()
    for proc in kids(inner, "function", "subroutine") if inner is not None else ():
        statement = first(proc, "function_statement", "subroutine_statement")
        found.add(text(statement.child_by_field_name("name") if statement else None).lower())
    return found


LANGUAGE = Language(
    name="fortran",
    compile_s=0.08,
    start_s=0.002,
    display="Fortran",
    aliases=("f90", "f95", "f03", "f08", "gfortran"),
    source_file="main.f90",
    compile=("gfortran", "-O2", "-pipe", "-o", "main", "{src}"),
    run=("./main",),
    tools=("gfortran",),
    debian_packages=("gfortran",),
    grammar="fortran",
    fence_tags=("Fortran", "fortran90"),
    oom_markers=("Allocation would exceed memory limit", "Out of memory"),
    conventions=(
        "Fortran 2008, free form, compiled by gfortran 12: `program main ... end program "
        "main`; read with `read(*,*)`, write with explicit formats (e.g. "
        "`write(*,'(I0)') x`) so numbers carry no padding. Use integer(8) for values past "
        "2^31."
    ),
    example=(
        "program main\n  implicit none\n  integer(8) :: a, b\n  read(*,*) a, b\n"
        "  write(*,'(I0)') a + b\nend program main\n"
    ),
    functions=FortranFunctions(),
)
