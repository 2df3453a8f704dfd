"""D, compiled with LDC (the LLVM D compiler) against Phobos."""

from .base import Language

LANGUAGE = Language(
    name="d",
    display="D",
    aliases=("dlang", "ldc", "dmd"),
    source_file="main.d",
    compile=("ldc2", "-O", "-of=main", "{src}"),
    run=("./main",),
    tools=("ldc2",),
    debian_packages=("ldc",),
    grammar="d",
    fence_tags=("D",),
    oom_markers=("OutOfMemoryError",),
    conventions=(
        "D (LDC 1.30, D 2.100): `void main()`; read with readln or stdin.byLine and "
        "std.conv.to, write with writeln/writefln. Phobos only."
    ),
    example=(
        "import std.stdio, std.string, std.conv, std.array;\n\nvoid main() {\n"
        "    auto p = readln.split.to!(long[]);\n    writeln(p[0] + p[1]);\n}\n"
    ),
)
