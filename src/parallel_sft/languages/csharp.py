"""C# on Mono.

Debian's compiler is Mono's mcs, which accepts C# up to 7.x: no top-level statements, no
records, no switch expressions, no nullable reference types. The conventions say so.
"""

from .base import Language

LANGUAGE = Language(
    name="csharp",
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
)
