"""R, run as a script by Rscript. `parse()` is the syntax check. Rscript starts slowly
(about 0.2 s), hence the time factor."""

from .base import Language

LANGUAGE = Language(
    name="r",
    display="R",
    aliases=("rscript", "rlang"),
    source_file="main.R",
    compile=("Rscript", "--vanilla", "-e", "invisible(parse(file = '{src}'))"),
    compiled=False,
    run=("Rscript", "--vanilla", "{src}"),
    tools=("Rscript",),
    debian_packages=("r-base-core",),
    grammar="r",
    fence_tags=("R", "r"),
    time_factor=3.0,
    memory_overhead_mb=64,
    oom_markers=("cannot allocate vector", "cannot allocate memory"),
    conventions=(
        "R 4.2 script run with `Rscript --vanilla`: read with "
        "readLines(file('stdin')) or scan(file('stdin'), quiet = TRUE); write with cat(), "
        "not print() (which adds `[1]` prefixes). Base R only. Mind integer overflow: use "
        "doubles or format() for large numbers."
    ),
    example=(
        "x <- scan(file('stdin'), what = numeric(), quiet = TRUE)\n"
        "cat(format(x[1] + x[2], scientific = FALSE), '\\n', sep = '')\n"
    ),
)
