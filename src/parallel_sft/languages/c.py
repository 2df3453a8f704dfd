"""C, compiled with gcc as GNU C17 with optimisation, linked against libm."""

from .base import Language

LANGUAGE = Language(
    name="c",
    display="C",
    aliases=("gcc", "c17"),
    source_file="main.c",
    compile=("gcc", "-O2", "-std=gnu17", "-pipe", "-o", "main", "{src}", "-lm"),
    run=("./main",),
    tools=("gcc",),
    debian_packages=("gcc", "libc6-dev"),
    grammar="c",
    fence_tags=("C", "h"),
    conventions=(
        "C17 compiled with gcc 12 (-O2 -lm): `int main(void)` returning 0; read with scanf "
        "or fgets from stdin, write with printf. Standard library only."
    ),
    example=(
        "#include <stdio.h>\n\nint main(void) {\n    long long a, b;\n"
        '    if (scanf("%lld %lld", &a, &b) != 2) return 1;\n'
        '    printf("%lld\\n", a + b);\n    return 0;\n}\n'
    ),
)
