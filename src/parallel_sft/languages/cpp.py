"""C++, compiled with g++ as GNU C++20 with optimisation; sanitized like C (see c.py).

Programs that include <bits/stdc++.h> (most contest C++) compile against that header
precompiled once per machine, with the plain flags and with the sanitizer's: 0.7 s instead
of 2.4 s, and 0.65 s instead of 3.2 s sanitized (see `base.PrecompiledHeader`).

Function problems: `cpp_functions.CppFunctions` (standard-library types, the test driver).
"""

from .base import Language, PrecompiledHeader
from .c import SANITIZE_FLAGS, gcc_sanitizer
from .cpp_functions import CppFunctions

STD = "-std=gnu++20"
FLAGS = ("-O2", STD, "-pipe")

LANGUAGE = Language(
    name="cpp",
    compile_s=0.47,
    start_s=0.002,
    display="C++",
    aliases=("c++", "cxx", "cc", "g++", "cpp17", "cpp20"),
    source_file="main.cpp",
    compile=("g++", *FLAGS, "-o", "main", "{src}"),
    sanitizer=gcc_sanitizer("g++", STD),
    precompiled=PrecompiledHeader(
        include="bits/stdc++.h",
        builds=tuple(
            ("g++", *flags, "-x", "c++-header", "{src}", "-o", "{out}")
            for flags in (FLAGS, (*SANITIZE_FLAGS, STD, "-pipe"))
        ),
        env="CPLUS_INCLUDE_PATH",
    ),
    run=("./main",),
    tools=("g++",),
    debian_packages=("g++",),
    grammar="cpp",
    fence_tags=("C++", "hpp"),
    oom_markers=("std::bad_alloc",),
    conventions=(
        "C++20 compiled with g++ 12 (-O2): `int main()` returning 0; read with std::cin "
        "(or scanf), write with std::cout (or printf). Standard library only, no Boost."
    ),
    example=(
        "#include <iostream>\n\nint main() {\n    long long a, b;\n    std::cin >> a >> b;\n"
        '    std::cout << a + b << "\\n";\n    return 0;\n}\n'
    ),
    functions=CppFunctions(),
)
