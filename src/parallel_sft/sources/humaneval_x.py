"""HumanEval-X (Zheng et al., 2023, CodeGeeX): HumanEval by hand in C++, Java, JavaScript,
Go and Rust beside Python, every task with a canonical solution in every PL.

Schema (``humaneval_<lang>.jsonl.gz``, Hub ``THUDM/humaneval-x`` configs python, cpp,
java, js, go, rust): ``task_id`` ("CPP/0"), ``prompt``, ``declaration``,
``canonical_solution``, ``test``, ``example_test``; Go rows add ``import`` and
``test_setup`` (the test file's package and imports). The rows name no entry point: it
is read from the declaration's header line (Python's from its `check(...)` call).

Programs are put together and run as CodeGeeX's evaluate_humaneval_x.py does
(`benchmarks/`): Go under `go test`, Rust's tests as `#[test]`s with its crates, a
JavaScript run that prints anything failed. A problem is ``humaneval-x/<n>``.
"""

from __future__ import annotations

import re

from ..records import Harness
from .base import Row, Skip
from .multilingual import Entry, make_load, registry_name, task_number, text_field

SOURCE = "humaneval-x"
HUB_ID = "THUDM/humaneval-x"
ONLY_SPLIT = "test"
HUB_CONFIGS = ("python", "cpp", "java", "js", "go", "rust")
ALIASES = {"javascript": "javascript", "js": "javascript", "cpp": "cpp"}
RUST_MAIN = "\nfn main(){ \n } \n"  # CodeGeeX puts an empty main before Rust's tests

_CALL = re.compile(r"([A-Za-z_]\w*)\s*(?:=\s*(?:async\s*)?(?:function\s*)?)?\(")
_CHECK = re.compile(r"^check\((\w+)\)", re.MULTILINE)


def entry_point(declaration: str, test: str = "") -> str:
    """The function a row declares: Python's from `check(name)` in its tests, else the
    first name called or defined on the declaration's last line."""
    found = _CHECK.search(test)
    if found:
        return found.group(1)
    lines = [ln for ln in declaration.splitlines() if ln.strip()]
    for line in reversed(lines):
        line = re.sub(r"^\s*(def|fn|func|function)\s+", "", line)
        match = _CALL.search(line)
        if match:
            return match.group(1)
    return ""


def convert(row: Row) -> Entry | Skip:
    task_id = text_field(row, "task_id")
    prompt, test = row.get("prompt"), row.get("test")
    if "/" not in task_id or not isinstance(prompt, str) or not isinstance(test, str):
        return Skip("malformed_row", task_id)
    lang = registry_name(task_id.split("/")[0], ALIASES)
    if isinstance(lang, Skip):
        return lang
    declaration = text_field(row, "declaration")
    head = ""
    if lang == "go":
        head = text_field(row, "test_setup")
        prompt = prompt.replace(text_field(row, "import"), "")
    elif lang == "rust":
        head, prompt = RUST_MAIN, declaration + prompt
    harness = Harness(
        benchmark=SOURCE, prompt=prompt, tests=test, head=head,
        solution=row.get("canonical_solution") or None, task_id=task_id,
        entry_point=entry_point(declaration or prompt, test if lang == "python" else ""),
    )  # fmt: skip
    return Entry(
        task=task_number(task_id), lang=lang, harness=harness,
    )  # fmt: skip


load = make_load(SOURCE, convert)
