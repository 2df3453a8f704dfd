"""Elixir, run as a script on the BEAM.

There is no separate compiler step for a script; the check parses the file with
``Code.string_to_quoted!`` so that syntax errors are COMPILE_ERROR, not RUNTIME_ERROR.
BEAM start-up costs about half a second, hence the time factor.
"""

from .base import Language

LANGUAGE = Language(
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
