"""Where a program starts: its file name and run target, read from its own text.

Contest archives, datasets and models name things as they like: `public class
atcoder_ABC043_B`, `object Solution extends App`, `module Foo where`. A verifier that
insists on `Main` rejects correct programs for their names. So each language may read a
program's entry point from its text (`Language.entry_point`, with tree-sitter where a
grammar exists) and the runner writes and runs the program accordingly:

- `EntryPoint.source_file`: the file the program is written to (Java: named after the
  public class, as javac requires);
- `EntryPoint.values`: extra command placeholders (``{main_class}``, ``{main_module}``);
- `EntryPoint.run`: a run command for this program only, where the language's usual one
  would not start it (an Elixir module whose `main/0` the judge is meant to call).

The default is the language's conventional layout, so a program in the conventional shape
runs exactly as before. `EntryPointError` (one clear sentence: two entry points, or none)
becomes a COMPILE_ERROR. A program that does not parse cleanly never gets one: it keeps
the default and the compiler reports what is really wrong.

Only tree-sitter is imported here, and only when a hook first parses: the registry itself
stays standard-library only (scripts/install-toolchains.sh runs it with the system Python).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any


@dataclass(frozen=True)
class EntryPoint:
    source_file: str
    values: Mapping[str, str] = field(default_factory=dict)
    run: tuple[str, ...] | None = None  # None: the language's own `run`


class EntryPointError(ValueError):
    """The program has no entry point, or several and no rule to pick one."""


@cache
def _parser(grammar: str) -> Any:
    from tree_sitter_language_pack import get_parser

    return get_parser(grammar)


def parse(code: str, grammar: str | None) -> Any | None:
    """The syntax tree's root node, or None where the grammar is missing or unusable."""
    if grammar is None:
        return None
    try:
        return _parser(grammar).parse(code.encode()).root_node
    except (ImportError, LookupError, ValueError):
        return None


def text(node: Any | None) -> str:
    return "" if node is None else node.text.decode("utf-8", "replace")


def kids(node: Any, *types: str) -> Iterator[Any]:
    """`node`'s named children (not keywords or punctuation) of the given types, or all."""
    return (c for c in node.children if c.is_named and (not types or c.type in types))


def first(node: Any, *types: str) -> Any | None:
    return next(kids(node, *types), None)


def choose(found: list[str], *, what: str, kind: str, preferred: str | None = None) -> str:
    """The one entry point among `found`; EntryPointError for none or several.

    `what` is what an entry point looks like ("a `public static void main(String[])`"),
    `kind` what holds it ("class"); `preferred` wins a tie (Java's public class)."""
    unique = list(dict.fromkeys(found))
    if len(unique) == 1:
        return unique[0]
    if preferred is not None and preferred in unique:
        return preferred
    if not unique:
        raise EntryPointError(f"no entry point: no {kind} declares {what}")
    kinds = kind + ("es" if kind.endswith("s") else "s")
    raise EntryPointError(
        f"ambiguous entry point: {len(unique)} {kinds} declare {what} "
        f"({', '.join(unique)}); keep exactly one"
    )


def qualified(package: str, name: str) -> str:
    return f"{package}.{name}" if package else name
