"""JavaScript on Node.js (CommonJS scripts).

``node --check`` parses without running. V8 sizes its old-space heap itself, so the run
passes ``--max-old-space-size`` with the memory limit.
"""

from .base import Language

LANGUAGE = Language(
    name="javascript",
    display="JavaScript",
    aliases=("js", "node", "nodejs"),
    source_file="main.js",
    compile=("node", "--check", "{src}"),
    compiled=False,
    run=("node", "--max-old-space-size={memory_mb}", "{src}"),
    rlimit_as=False,
    tools=("node",),
    debian_packages=("nodejs",),
    grammar="javascript",
    fence_tags=("JavaScript", "javascript", "jsx"),
    memory_overhead_mb=64,
    oom_markers=("JavaScript heap out of memory", "Allocation failed"),
    conventions=(
        "Node.js 20, CommonJS: read all of stdin with "
        "`require('fs').readFileSync(0, 'utf8')`, write with console.log or "
        "process.stdout.write. No npm packages."
    ),
    example=(
        "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(BigInt);\n"
        "console.log((a + b).toString());\n"
    ),
)
