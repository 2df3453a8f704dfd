"""Perl 5. ``perl -c`` compiles without running (BEGIN blocks do run: inside the sandbox)."""

from .base import Language

LANGUAGE = Language(
    name="perl",
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
)
