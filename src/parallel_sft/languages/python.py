"""Python 3, the usual source language.

Candidates run on the system interpreter (``/usr/bin/python3``), which the sandbox's PATH
finds before any pyenv/conda interpreter in a home directory (those are hidden anyway).
``py_compile`` gives the syntax check; nothing else is checked before running.

Like AtCoder and most modern judges, the runtime offers numpy (Debian's python3-numpy for
that interpreter), so accepted solutions that use it verify; it is the only third-party
module. Its BLAS runs single-threaded, as a judge's would: CPU time is the limit, and
threads only burn it faster.
"""

import ast
import math
from typing import Any

from .base import Language
from .functions import FunctionSupport
from .types import Signature, Type

# The test driver (see functions.py for the protocol). It reads the token before the
# candidate's code runs, keeps its helpers in local variables (the candidate's code runs
# in a namespace of its own and cannot rebind them), writes to a duplicate of fd 1 made
# before that (a replaced sys.stdout does not matter), and serialises results with exact
# type checks: a subclass of int or list, or any object with its own __eq__, is refused.
DRIVER = """\
def __psft_main():
    import copy, json, os, sys
    channel, token = os.dup(1), sys.stdin.readline().strip()
    dumps, write, exact = json.dumps, os.write, type

    def plain(value):
        kind = exact(value)
        if value is None or kind is bool or kind is int or kind is float or kind is str:
            return value
        if kind is list or kind is tuple:
            return [plain(item) for item in value]
        if kind is dict:
            return {str(key) if exact(key) is int else key: plain(item)
                    for key, item in value.items() if exact(key) in (str, int)}
        raise TypeError("returned a " + kind.__name__ + ", not a value of the signature")

    def report(line):
        write(channel, (token + " " + line + "\\n").encode())

    namespace = {"__name__": "__psft_candidate__", "__builtins__": __builtins__}
    try:
        program = compile(SOURCE, "main.py", "exec")
    except (SyntaxError, ValueError) as err:
        report("compile " + dumps(exact(err).__name__ + ": " + str(err)[:300]))
        return
    try:
        exec(program, namespace)
        function = namespace[ENTRY]
    except BaseException as err:
        for index in range(len(CALLS)):
            report(str(index) + " error " + dumps("loading the program: "
                   + exact(err).__name__ + ": " + str(err)[:300]))
        report("done")
        return
    for index, args in enumerate(CALLS):
        try:
            report(str(index) + " ok " + dumps(plain(function(*copy.deepcopy(args)))))
        except BaseException as err:
            report(str(index) + " error " + dumps(exact(err).__name__ + ": " + str(err)[:300]))
    report("done")


__psft_main()
"""


class PythonFunctions(FunctionSupport):
    """Python's own annotations; a test's int in a float place stays an int (as the
    benchmark wrote it: HumanEval/92 and /151 tell them apart), and `Any` is taken."""

    conventions = "Python 3.11: the standard library and numpy are available."
    takes_any = True
    closer = ""
    stops = ("\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\nassert ", "\n#")

    def type_name(self, t: Type) -> str:
        if t.name == "optional":
            return f"{self.type_name(t.args[0])} | None"
        if t.args:
            return f"{t.name}[{', '.join(self.type_name(a) for a in t.args)}]"
        return t.name

    def literal(self, value: Any, t: Type) -> str:
        if value is None:
            return "None"
        if t.name == "optional":
            return self.literal(value, t.args[0])
        if t.name == "Any":  # a JSON value: its Python spelling is its repr
            return repr(value)
        if t.name == "float" and isinstance(value, int):
            return repr(value)  # an int where a float goes is a float, to Python (PEP 484)
        if t.name == "float":
            value = float(value)
            return repr(value) if math.isfinite(value) else f"float({str(value)!r})"
        if t.name in ("int", "bool", "str"):
            return repr(value)
        if t.name == "list":
            return "[" + ", ".join(self.literal(v, t.args[0]) for v in value) + "]"
        if t.name == "tuple":
            items = [self.literal(v, a) for v, a in zip(value, t.args, strict=True)]
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if t.name == "dict":
            key, item = t.args
            pairs = [f"{self.literal(_key(k, key), key)}: {self.literal(v, item)}"
                     for k, v in value.items()]  # fmt: skip
            return "{" + ", ".join(pairs) + "}"
        raise ValueError(f"no Python literal for {t}")

    def header(self, sig: Signature, doc: str) -> str:
        params = ", ".join(f"{name}: {self.type_name(t)}" for name, t in sig.params)
        body = "\n".join(f"    {line}".rstrip() for line in doc.strip().splitlines())
        returns = self.type_name(sig.returns)
        typing = "from typing import Any\n\n\n" if "Any" in f"{params} {returns}" else ""
        return typing + f'def {sig.name}({params}) -> {returns}:\n    """\n{body}\n    """\n'

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        rows = [
            "(" + "".join(self.literal(v, t) + ", " for v, t in zip(args, types, strict=True)) + ")"
            for args in calls
        ]
        head = f"SOURCE = {without_top_level_calls(code)!r}\nENTRY = {sig.name!r}\n"
        return head + "CALLS = [\n" + "".join(f"    {r},\n" for r in rows) + "]\n\n" + DRIVER


def _key(key: str, t: Type) -> Any:
    """A canonical (string) dict key back as the key type's value."""
    return int(key) if t.name == "int" else key


def without_top_level_calls(code: str) -> str:
    """`code` without what a model writes around a function to try it: top-level
    expression statements (`print(f(3))`), asserts and the `if __name__ == "__main__":`
    block. Definitions, imports and assignments stay. Code that does not parse is left as
    it is (it fails when the driver loads it, with Python's own message).

    >>> without_top_level_calls("def f():\n    return 1\nprint(f())\nX = 2\n")
    'def f():\n    return 1\nX = 2\n'
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    lines = code.splitlines(keepends=True)
    drop = set()
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        main_guard = isinstance(node, ast.If) and "__name__" in ast.unparse(node.test)
        if (
            (isinstance(node, ast.Expr) and not docstring)
            or main_guard
            or isinstance(node, ast.Assert)
        ):
            drop.update(range(node.lineno - 1, node.end_lineno or node.lineno))
    return "".join(line for i, line in enumerate(lines) if i not in drop)


LANGUAGE = Language(
    name="python",
    compile_s=0.04,
    start_s=0.014,
    display="Python 3",
    aliases=("py", "python3", "py3"),
    source_file="main.py",
    compile=("python3", "-m", "py_compile", "{src}"),
    compiled=False,
    run=("python3", "{src}"),
    zygote=True,  # runs forked from a pre-started python3 in a session: verify/zygote.py
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
    functions=PythonFunctions(),
)
