"""C++, compiled with g++ as GNU C++20 with optimisation; sanitized like C (see c.py).

Function problems: `cpp_functions.CppFunctions` (standard-library types, the test driver).
"""

from .base import Language
from .c import gcc_sanitizer
from .cpp_functions import CppFunctions

LANGUAGE = Language(
    name="cpp",
    display="C++",
    aliases=("c++", "cxx", "cc", "g++", "cpp17", "cpp20"),
    source_file="main.cpp",
    compile=("g++", "-O2", "-std=gnu++20", "-pipe", "-o", "main", "{src}"),
    sanitizer=gcc_sanitizer("g++", "-std=gnu++20"),
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
