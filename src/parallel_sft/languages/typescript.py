"""TypeScript, type-checked and compiled by tsc, run on Node.js.

tsc comes from npm with ``@types/node`` beside it; the compile command points
``--typeRoots`` at the global node_modules that holds tsc, found from tsc's real path
(the `placeholders` hook), so `require`, `process` and `fs` type-check.

Function problems: the candidate writes a typed function declaration, as MultiPL-E's
TypeScript prompts do, `function running_max(numbers: number[]): number[] {`, in the
notation a TypeScript programmer uses: `number` for int and float, `boolean`, `string`,
`T[]`, tuples `[string, number]`, dicts `Record<string, T>` (an int-keyed one is
`Record<number, T>`: its keys are strings at run time, as in any JavaScript object),
`T | null` for Optional (`undefined` counts as null in a result), `void` for a None return.
What is written at run time is JavaScript, so the run is the JavaScript test driver's
(`javascript.py`: builtins captured before the candidate runs, results serialised by the
signature's type); what TypeScript adds is tsc's check of the candidate's code against
the prompt's signature, a compile error as in any TypeScript build. An int beyond
JavaScript's safe integers (2^53 - 1) is a test value it cannot write.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from typing import Any

from .base import Language
from .entry import parse, text
from .functions import FunctionSupport
from .javascript import JavaScriptFunctions, _param
from .tryout import blank_out, calls_in
from .types import Signature, Type


@dataclass(frozen=True)
class TypeScript(Language):
    def placeholders(self) -> dict[str, str]:
        tsc = shutil.which("tsc")
        # <node_modules>/typescript/bin/tsc -> <node_modules>
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(tsc or "/"))))
        return {"node_modules": root}


# The test driver. main.ts is, on its first line, the candidate's imports, then one
# statement that starts the JavaScript driver (a string: tsc does not check it, Node runs
# it) and the opening of `__psft_program`, a function whose body is the candidate's
# code (its first line still on line 1, so tsc's line numbers are the candidate's) ending
# in a typed binding of the entry point: the prompt's parameter types, so a candidate
# whose function does not take them is a compile error. Function declarations are
# hoisted, so the driver, which reads the token and captures its builtins first, finds
# `__psft_program` (through a global: it compiles its loader with vm.compileFunction)
# and calls it once, as the JavaScript driver loads its candidate. Imports cannot live
# in a function body: they move to line 1 (they load Node's own modules, nothing of the
# candidate's runs); `export` goes (the entry point is found by name). A candidate whose
# code does not parse on its own is not wrapped: a stray `}` would close the function
# and put its code at the top level, so it is compiled alone and fails (see `driver`).
_LOADER = "return globalThis.__psft_program(module, exports, require);"
_WRAPPER = "function __psft_program(module: any, exports: any, require: NodeJS.Require): unknown {"
_SAFE_INTEGER = 2**53 - 1

# Top-level statements kept as they are: definitions, never a try-out.
_DEFINITIONS = frozenset(
    "function_declaration generator_function_declaration class_declaration "
    "abstract_class_declaration interface_declaration type_alias_declaration "
    "enum_declaration empty_statement comment".split()
)
_FUNCTIONS = frozenset(
    "function_declaration generator_function_declaration function_expression function "
    "generator_function arrow_function method_definition class_body".split()
)
_TRYOUT_OBJECTS = ("console", "assert", "process")


class TypeScriptFunctions(JavaScriptFunctions):
    """TypeScript's types on JavaScript's values: literals, reserved words, unsupported
    dict keys and the run are JavaScript's (see javascript.py); the types are written
    by FunctionSupport's walker with TypeScript's spellings."""

    conventions = (
        "TypeScript 5 compiled by tsc (target ES2020, not strict; Node typings available) "
        "and run on Node.js 20: write the function with the signature's types. No npm "
        "packages."
    )
    scalar_types = {
        "int": "number", "float": "number", "bool": "boolean", "str": "string", "None": "null",
    }  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"({item})[]" if item.endswith(" | null") else f"{item}[]"  # (T | null)[]

    def tuple_type(self, items: list[str]) -> str:
        return f"[{', '.join(items)}]"

    def dict_type(self, key: str, value: str) -> str:
        return f"Record<{key}, {value}>"

    def optional_type(self, inner: str) -> str:
        return f"{inner} | null"

    def type_name(self, t: Type) -> str:
        return FunctionSupport.type_name(self, t)  # the walker, not JSDoc's notation

    def literal(self, value: Any, t: Type) -> str:
        if t.name == "int" and abs(int(value)) > _SAFE_INTEGER:
            raise ValueError(f"{value} is beyond JavaScript's safe integers (2^53 - 1)")
        return super().literal(value, t)

    def header(self, sig: Signature, doc: str) -> str:
        lines = "\n".join(f" * {line}".rstrip() for line in doc.strip().splitlines())
        return f"/**\n{lines}\n */\n{self._declaration(sig)} {{\n"

    def _declaration(self, sig: Signature) -> str:
        returns = "void" if sig.returns.name == "None" else self.type_name(sig.returns)
        return f"function {sig.name}({self._params(sig)}): {returns}"

    def _params(self, sig: Signature) -> str:
        pairs = zip(param_names(sig), sig.params, strict=True)
        return ", ".join(f"{name}: {self.type_name(t)}" for name, (_, t) in pairs)

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        runtime = super().driver(_LOADER, sig, calls)  # JavaScript's driver, its literals
        parts = split_program(code, sig.name)
        if parts is None:  # does not parse: compiled alone, and fails (the note above)
            return code + "\n;const __psft_unparsed: never = 'the program does not parse';\n"
        imports, body = parts
        start = (
            f"{imports}(globalThis as any).__psft_program = __psft_program; "
            f'new Function("require", {json.dumps(runtime)})(require); {_WRAPPER}'
        )
        check = f"const __psft_entry: ({self._params(sig)}) => unknown = {sig.name};"
        return f"{start}{body}\n;{check} return __psft_entry;\n}}\nexport {{}};\n"


def param_names(sig: Signature) -> list[str]:
    """The parameters as TypeScript names: a reserved word gets a `_` (`new` -> `new_`),
    as in JavaScript."""
    return [_param(name) for name, _ in sig.params]


def split_program(code: str, entry: str) -> tuple[str, str] | None:
    """`code` as (its imports on one line, the rest) for the driver's function body, or
    None where it does not parse cleanly.

    Dropped (their line breaks kept): what a model writes around a function to try it
    (see tryout.py: bare calls, and loops, `if`s or declarations that call `entry` or
    console/assert/process; an `if (require.main === module)` block), a `#!` line.
    `export` goes from exported declarations; `declare` statements move to the top level
    with the imports (they are types only).

    >>> split_program('import * as fs from "fs";\\nfunction f(): number { return 1; }'
    ...               '\\nconsole.log(f());\\n', "f")
    ('import * as fs from "fs"; ', '\\nfunction f(): number { return 1; }\\n\\n')
    """
    root = parse(code, "typescript")
    if root is None or root.has_error:
        return None
    hoisted: list[str] = []
    drop: list[tuple[int, int]] = []
    edits: list[tuple[int, int]] = []  # `export` / `export default` prefixes
    for node in root.children:
        kind = node.type
        if kind in ("import_statement", "ambient_declaration"):
            hoisted.append(_one_line(node))
            drop.append((node.start_byte, node.end_byte))
        elif kind == "export_statement":
            declaration = node.child_by_field_name("declaration")
            if declaration is None:
                drop.append((node.start_byte, node.end_byte))
            else:
                edits.append((node.start_byte, declaration.start_byte))
        elif kind == "hash_bang_line" or _is_tryout(node, entry):
            drop.append((node.start_byte, node.end_byte))
    raw = code.encode()
    for start, end in sorted(edits, reverse=True):
        raw = raw[:start] + b" " * (end - start) + raw[end:]
    body = blank_out(raw.decode(), drop)
    return "".join(h + " " for h in hoisted), body


def _is_tryout(node: Any, entry: str) -> bool:
    kind = node.type
    if kind in _DEFINITIONS:
        return False
    if kind == "expression_statement":
        inner = node.named_children[0] if node.named_children else None
        kept = ("assignment_expression", "augmented_assignment_expression", "string",
                "internal_module")  # fmt: skip
        if inner is None or inner.type not in kept:
            return True
    if kind == "if_statement":
        condition = text(node.child_by_field_name("condition"))
        if "require.main" in condition or "module" in condition:
            return True
    for name in calls_in(node, call_types=frozenset({"call_expression"}),
                         function_types=_FUNCTIONS, callee=_callee):  # fmt: skip
        if name == entry or name.split(".")[0] in _TRYOUT_OBJECTS:
            return True
    return False


def _callee(call: Any) -> str:
    return "".join(text(call.child_by_field_name("function")).split())


def _one_line(node: Any) -> str:
    """A statement's text on one line, its comments dropped."""
    raw = node.text
    comments = []
    todo = list(node.children)
    while todo:
        current = todo.pop()
        if current.type == "comment":
            comments.append((current.start_byte - node.start_byte,
                             current.end_byte - node.start_byte))  # fmt: skip
        todo.extend(current.children)
    for start, end in sorted(comments, reverse=True):
        raw = raw[:start] + b" " + raw[end:]
    one = " ".join(raw.decode().split())
    return one if one.endswith(";") else one + ";"


LANGUAGE = TypeScript(
    name="typescript",
    compile_s=1.25,
    start_s=0.039,
    display="TypeScript",
    aliases=("ts", "tsx"),
    source_file="main.ts",
    compile=(
        "tsc",
        "--target",
        "es2020",
        "--module",
        "commonjs",
        "--types",
        "node",
        "--typeRoots",
        "{node_modules}/@types",
        "--skipLibCheck",
        "--pretty",
        "false",
        "{src}",
    ),
    run=("node", "--max-old-space-size={memory_mb}", "main.js"),
    rlimit_as=False,
    tools=("tsc", "node"),
    debian_packages=("nodejs", "npm"),
    npm_packages=("typescript@5", "@types/node@20"),
    grammar="typescript",
    fence_tags=("TypeScript", "typescript"),
    memory_overhead_mb=64,
    oom_markers=("JavaScript heap out of memory", "Allocation failed"),
    conventions=(
        "TypeScript 5, compiled by tsc (target ES2020, CommonJS modules, Node typings "
        "available, not strict) and run on Node.js 20: read all of stdin with "
        "`require('fs').readFileSync(0, 'utf8')`, write with console.log. The program "
        "must type-check. No npm packages."
    ),
    example=(
        "const data: string = require('fs').readFileSync(0, 'utf8');\n"
        "const [a, b] = data.trim().split(/\\s+/).map((x: string) => Number(x));\n"
        "console.log(String(a + b));\n"
    ),
    functions=TypeScriptFunctions(),
)
