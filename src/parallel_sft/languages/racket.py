"""Racket. ``raco make`` compiles the module ahead of time (and so checks it); the run
then loads the compiled code instead of expanding the module again."""

from .base import Language

LANGUAGE = Language(
    name="racket",
    display="Racket",
    aliases=("rkt", "scheme"),
    source_file="main.rkt",
    compile=("raco", "make", "{src}"),
    run=("racket", "{src}"),
    rlimit_as=False,
    tools=("racket", "raco"),
    debian_packages=("racket",),
    grammar="racket",
    forbidden_top_node="symbol",
    fence_tags=("Racket",),
    time_factor=2.0,
    memory_overhead_mb=128,
    oom_markers=("out of memory",),
    conventions=(
        "Racket 8.7: the file starts with `#lang racket`; read with read-line or read, "
        "write with displayln or printf. Main distribution libraries only."
    ),
    example="#lang racket\n(define a (read))\n(define b (read))\n(displayln (+ a b))\n",
)
