"""TypeScript, type-checked and compiled by tsc, run on Node.js.

tsc comes from npm with ``@types/node`` beside it; the compile command points
``--typeRoots`` at the global node_modules that holds tsc, found from tsc's real path
(the `placeholders` hook), so `require`, `process` and `fs` type-check.
"""

import os
import shutil
from dataclasses import dataclass

from .base import Language


@dataclass(frozen=True)
class TypeScript(Language):
    def placeholders(self) -> dict[str, str]:
        tsc = shutil.which("tsc")
        # <node_modules>/typescript/bin/tsc -> <node_modules>
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(tsc or "/"))))
        return {"node_modules": root}


LANGUAGE = TypeScript(
    name="typescript",
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
)
