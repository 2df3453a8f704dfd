"""Python 3, the usual source language.

Candidates run on the system interpreter (``/usr/bin/python3``), which the sandbox's PATH
finds before any pyenv/conda interpreter in a home directory (those are hidden anyway).
``py_compile`` gives the syntax check; nothing else is checked before running.
"""

from .base import Language

LANGUAGE = Language(
    name="python",
    display="Python 3",
    aliases=("py", "python3", "py3"),
    source_file="main.py",
    compile=("python3", "-m", "py_compile", "{src}"),
    compiled=False,
    run=("python3", "{src}"),
    tools=("python3",),
    debian_packages=("python3",),
    grammar="python",
    fence_tags=("Python",),
    env={"PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"},
    conventions=(
        "Python 3.11. A complete script: read standard input with sys.stdin or input(), "
        "write with print(). Standard library only."
    ),
    oom_markers=("MemoryError",),
    layout=True,
    idioms=(
        r"\binput\(\)|\bsys\.std(?:in|out)\b|^[ \t]*def \w+\(.*\).*:[ \t]*$"
        r"|^(?:from [\w.]+ )?import \w|__name__|\bprint\(f[\"']"
    ),
    example="a, b = map(int, input().split())\nprint(a + b)\n",
)
