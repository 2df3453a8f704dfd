"""Elixir, run as a script on the BEAM.

There is no separate compiler step for a script; the check parses the file with
``Code.string_to_quoted!`` so that syntax errors are COMPILE_ERROR, not RUNTIME_ERROR.
BEAM start-up costs about half a second, hence the time factor.

AtCoder's judge, the main source of human-written Elixir, runs `Main.main()`: its
solutions define a module with a `main/0` and never call it. A program that is only
module definitions, one of which defines `main/0`, is therefore loaded and that function
called (``elixir -r main.exs -e Module.main()``); a script with top-level code runs as is.
"""

from dataclasses import dataclass

from .base import Language
from .entry import EntryPoint, choose, first, kids, parse, text

_DIRECTIVES = frozenset({"defmodule", "import", "alias", "require", "use"})


@dataclass(frozen=True)
class Elixir(Language):
    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        if root is None or root.has_error:
            return super().entry_point(code)
        forms = [n for n in root.children if n.type != "comment"]
        if not forms or any(_head(f) not in _DIRECTIVES for f in forms):
            return super().entry_point(code)  # top-level code: a script
        mains = [
            text(first(first(f, "arguments"), "alias"))
            for f in forms
            if _head(f) == "defmodule" and _defines_main(f)
        ]
        if not mains:
            return super().entry_point(code)  # nothing to call: runs (and fails) as is
        main = choose(mains, what="`def main` with no arguments", kind="module")
        return EntryPoint(self.source_file, run=("elixir", "-r", "{src}", "-e", f"{main}.main()"))


def _head(node) -> str | None:
    """The called name of a call node (`defmodule`, `def`), None for anything else."""
    return text(first(node, "identifier")) if node.type == "call" else None


def _defines_main(module) -> bool:
    block = first(module, "do_block")
    for form in kids(block, "call") if block is not None else ():
        args = first(form, "arguments")
        if _head(form) in ("def", "defp") and args is not None:
            target = args.children[0] if args.children else None
            if target is not None and target.type == "identifier" and text(target) == "main":
                return True
            if target is not None and target.type == "call" and text(target) == "main()":
                return True
    return False


LANGUAGE = Elixir(
    name="elixir",
    display="Elixir",
    aliases=("ex", "exs"),
    source_file="main.exs",
    compile=("elixir", "-e", 'Code.string_to_quoted!(File.read!("{src}"), file: "{src}")'),
    compiled=False,
    run=("elixir", "{src}"),
    rlimit_as=False,
    tools=("elixir",),
    debian_packages=("elixir",),
    grammar="elixir",
    fence_tags=("Elixir",),
    time_factor=3.0,
    memory_overhead_mb=128,
    oom_markers=("eheap_alloc", "Cannot allocate"),
    conventions=(
        "Elixir 1.14 script (run with `elixir main.exs`, no Mix project): read with "
        "IO.read(:stdio, :eof) or IO.gets, write with IO.puts. Standard library only."
    ),
    example=(
        "[a, b] = IO.read(:stdio, :eof) |> String.split() |> Enum.map(&String.to_integer/1)\n"
        "IO.puts(a + b)\n"
    ),
)
