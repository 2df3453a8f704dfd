"""C# on Mono.

Debian's compiler is Mono's mcs, which accepts C# up to 7.x: no top-level statements, no
records, no switch expressions, no nullable reference types. The conventions say so.

Class and namespace names do not matter to mcs, which finds the one static `Main` itself.
Two of them (or none) is an error it words obscurely (CS0017, CS5001), so the entry point
is checked first and named in the verdict.

Function problems: `csharp_functions.CSharpFunctions` (types, literals, the test driver).
"""

from dataclasses import dataclass

from .base import Language
from .csharp_functions import CSharpFunctions
from .entry import EntryPoint, choose, kids, parse, qualified, text

_TYPES = frozenset({"class_declaration", "struct_declaration", "interface_declaration"})
_SCOPES = frozenset({"namespace_declaration", "file_scoped_namespace_declaration"})


@dataclass(frozen=True)
class CSharp(Language):
    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        if root is None or root.has_error or any(kids(root, "global_statement")):
            return super().entry_point(code)  # mcs says what is wrong
        mains = list(_mains(root, ""))
        choose(
            mains, what="a `static void Main()` (or `static int Main(string[] args)`)", kind="class"
        )
        return super().entry_point(code)


def _mains(node, scope: str):
    """Qualified names of the types, nested ones too, that declare a static Main."""
    for child in node.children:
        if child.type in _SCOPES:
            name = qualified(scope, text(child.child_by_field_name("name")))
            body = child.child_by_field_name("body")
            yield from _mains(body if body is not None else child, name)
        elif child.type == "declaration_list":
            yield from _mains(child, scope)
        elif child.type in _TYPES:
            name = qualified(scope, text(child.child_by_field_name("name")))
            body = child.child_by_field_name("body")
            if body is None:
                continue
            for method in kids(body, "method_declaration"):
                mods = {text(m) for m in kids(method, "modifier")}
                if text(method.child_by_field_name("name")) == "Main" and "static" in mods:
                    yield name
            yield from _mains(body, name)


LANGUAGE = CSharp(
    name="csharp",
    compile_s=0.18,
    start_s=0.020,
    display="C#",
    aliases=("cs", "c#", "dotnet", "mono"),
    source_file="main.cs",
    compile=("mcs", "-optimize+", "-nowarn:0168,0219", "-out:main.exe", "{src}"),
    run=("mono", "main.exe"),
    rlimit_as=False,
    tools=("mcs", "mono"),
    debian_packages=("mono-mcs", "mono-runtime"),
    grammar="csharp",
    fence_tags=("C#", "csharp", "cs"),
    env={"MONO_GC_PARAMS": "max-heap-size={memory_mb}m"},
    time_factor=1.5,
    memory_overhead_mb=64,
    oom_markers=("OutOfMemoryException",),
    conventions=(
        "C# 7 compiled by Mono's mcs: a class with `static void Main()`; no top-level "
        "statements, records, switch expressions or other C# 8+ features. Read with "
        "Console.ReadLine or Console.In.ReadToEnd, write with Console.WriteLine."
    ),
    example=(
        "using System;\n\nclass Program {\n    static void Main() {\n"
        "        var p = Console.ReadLine().Split(new[] { ' ' }, "
        "StringSplitOptions.RemoveEmptyEntries);\n"
        "        Console.WriteLine(long.Parse(p[0]) + long.Parse(p[1]));\n    }\n}\n"
    ),
    functions=CSharpFunctions(),
)
