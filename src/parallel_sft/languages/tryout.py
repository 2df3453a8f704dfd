"""What a model writes around a function to try it, found with tree-sitter.

A model that answers a function problem often adds its own try-out: `print(f(3))`, a loop
over examples with asserts, a `main` that it calls. The test driver must not run it (it
prints, it may fail its own wrong expectation, it may never end), yet the code around the
function may also build what the function needs (a table filled at load, a constant).
The languages of this module tell the two apart the same way:

- a bare call statement is a try-out, unless it is one a definition needs (`require`,
  `define`; in Perl, whose builtins are calls too, any builtin but the printing ones:
  `push @PRIMES, 2`);
- any other top-level statement (a loop, an `if`, a declaration) is a try-out when it
  calls the entry point or prints, asserts or exits, outside the functions it defines.

`calls_in` lists the calls a statement makes outside nested function bodies; each
language supplies its call and function node types and how to read a callee's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def calls_in(
    node: Any,
    *,
    call_types: frozenset[str],
    function_types: frozenset[str],
    callee: Callable[[Any], str],
) -> Iterator[str]:
    """The names called in `node` (itself included), not descending into functions."""
    todo = [node]
    while todo:
        current = todo.pop()
        if current.type in function_types and current is not node:
            continue
        if current.type in call_types:
            yield callee(current)
        todo.extend(current.children)


def blank_out(code: str, spans: list[tuple[int, int]]) -> str:
    """`code` with each byte span replaced by its newlines only: what is dropped leaves
    its line breaks, so the compiler's line numbers still point into the candidate's
    own text."""
    raw = code.encode()
    for start, end in sorted(spans, reverse=True):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    return raw.decode()
