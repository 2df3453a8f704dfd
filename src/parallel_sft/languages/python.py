"""Python 3, the usual source language.

Candidates run on the system interpreter (``/usr/bin/python3``), which the sandbox's PATH
finds before any pyenv/conda interpreter in a home directory (those are hidden anyway).
``py_compile`` gives the syntax check; nothing else is checked before running.

Like AtCoder and most modern judges, the runtime offers numpy (Debian's python3-numpy for
that interpreter), so accepted solutions that use it verify; it is the only third-party
module. Its BLAS runs single-threaded, as a judge's would: CPU time is the limit, and
threads only burn it faster.
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
    debian_packages=("python3", "python3-numpy"),
    libraries=("numpy",),
    runtime_check=("python3", "-c", "import numpy"),
    grammar="python",
    fence_tags=("Python",),
    env={
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    },
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
