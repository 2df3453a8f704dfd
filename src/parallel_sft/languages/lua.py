"""Lua 5.4. ``luac -p`` parses only. Lua 5.4 has 64-bit integers and `//` division."""

from .base import Language

LANGUAGE = Language(
    name="lua",
    display="Lua",
    aliases=("lua5.4", "lua54"),
    source_file="main.lua",
    compile=("luac5.4", "-p", "{src}"),
    compiled=False,
    run=("lua5.4", "{src}"),
    tools=("lua5.4", "luac5.4"),
    version_args=("-v",),
    debian_packages=("lua5.4",),
    grammar="lua",
    fence_tags=("Lua",),
    oom_markers=("not enough memory",),
    conventions=(
        "Lua 5.4: read with io.read('n'), io.read('l') or io.read('a'); write with print or "
        "io.write. Integer division is `//`; standard library only."
    ),
    example='local a, b = io.read("n", "n")\nprint(math.tointeger(a + b) or (a + b))\n',
)
