"""Repair requests: show the model what went wrong with its program and ask again.

A failed candidate's chat is extended with the model's own answer and one feedback turn:
the compiler's (or the syntax checker's) message, or the first failing test with the
expected output and what the checker found. The verdict keeps only a short `detail`, so
"what the program printed" is the checker's first mismatch ("token 2: expected '5', got
'6'") rather than the whole output.
"""

from __future__ import annotations

import re

from ..languages import Language
from ..prompts import RenderedPrompt, render_repair
from ..records import Problem, Status
from .stage import Request

_TEST = re.compile(r"^test (\d+): (.*)$", re.DOTALL)
_EXIT = re.compile(r"^exit code -?\d+: ")
_BEFORE_RUN = {Status.SYNTAX_ERROR, Status.COMPILE_ERROR}


def repair_request(
    problem: Problem,
    lang: Language,
    previous: RenderedPrompt,
    response: str,
    status: Status,
    detail: str,
) -> Request:
    """The follow-up request for a candidate that got `status` with `detail`.

    Example:
        >>> from parallel_sft.languages import get_language
        >>> from parallel_sft.records import Test
        >>> p = Problem("x/1", "x", "Print 2.", [Test("", "2")])
        >>> first = RenderedPrompt([{"role": "user", "content": "Solve."}], "translate/v1")
        >>> req = repair_request(p, get_language("c"), first, "print 3", Status.WRONG_ANSWER,
        ...                      "test 1: token 1: expected '2', got '3'")
        >>> [m["role"] for m in req.prompt.chat]
        ['user', 'assistant', 'user']
        >>> "expected '2', got '3'" in req.prompt.chat[-1]["content"]
        True
    """
    function = problem.kind == "function"
    if status in _BEFORE_RUN:
        prompt = render_repair(
            previous, response, lang, compile_error=_EXIT.sub("", detail),
            call="" if function else None,
        )  # fmt: skip
        return Request(problem, lang, prompt)
    name = status.value.replace("_", " ").lower()
    if function:  # the detail names the call, what it returned or raised, and the expected
        match = _TEST.match(detail)
        call = match.group(2) if match else detail
        prompt = render_repair(previous, response, lang, status=name, call=call)
        return Request(problem, lang, prompt)
    match = _TEST.match(detail)
    index, reason = (int(match.group(1)), match.group(2)) if match else (1, detail)
    test = problem.tests[min(index, len(problem.tests)) - 1]
    if status is Status.WRONG_ANSWER:
        got, error = f"(differs from the expected output: {reason})", ""
    else:
        got, error = "", _EXIT.sub("", reason)
    prompt = render_repair(
        previous,
        response,
        lang,
        status=name,
        test_input=test.input,
        expected=test.output,
        got=got,
        error=error,
    )
    return Request(problem, lang, prompt)
