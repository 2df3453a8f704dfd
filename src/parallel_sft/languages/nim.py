"""Nim, compiled through C (gcc) in release mode; its cache goes to the sandbox's /tmp."""

from .base import Language

LANGUAGE = Language(
    name="nim",
    display="Nim",
    aliases=("nimrod",),
    source_file="main.nim",
    compile=(
        "nim",
        "c",
        "-d:release",
        "--hints:off",
        "--verbosity:0",
        "--nimcache:/tmp/nimcache",
        "-o:main",
        "{src}",
    ),
    run=("./main",),
    tools=("nim", "gcc"),
    debian_packages=("nim", "gcc"),
    grammar="nim",
    fence_tags=("Nim",),
    oom_markers=("out of memory",),
    layout=True,
    conventions=(
        "Nim 1.6: top-level statements; read with stdin.readLine or readAll(stdin), parse "
        "with strutils (parseInt, splitWhitespace); write with echo."
    ),
    example=(
        "import strutils\n\nlet p = stdin.readLine.splitWhitespace\n"
        "echo parseBiggestInt(p[0]) + parseBiggestInt(p[1])\n"
    ),
)
