"""Render chats from the templates and the language registry.

A rendered prompt carries its template version and a hash of the chat, which go into every
candidate (`prompt_hash`) so that a corpus records exactly what the model was asked.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from ..backends.base import Chat, Prompt
from ..languages import Language, get_language
from ..languages.types import parse_signature
from ..records import Problem
from . import templates as t

_CLIP = 2000  # characters of a test's input/output shown in a repair prompt


@dataclass(frozen=True)
class RenderedPrompt:
    chat: Prompt  # a chat, or raw text (a completion-style prompt, `render_complete`)
    version: str

    @property
    def raw(self) -> bool:
        return isinstance(self.chat, str)

    @property
    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.chat).encode()).hexdigest()[:16]


def _requirements(target: Language) -> str:
    return t.REQUIREMENTS.format(target=target.display, conventions=target.conventions)


def _answer_format(target: Language) -> str:
    return t.ANSWER_FORMAT.format(target=target.display, tag=target.name)


def _translate_turn(statement: str, code: str, source: Language, target: Language) -> str:
    return t.TRANSLATE.format(
        source=source.display,
        target=target.display,
        statement=statement.strip(),
        source_tag=source.name,
        code=code.strip(),
        requirements=_requirements(target),
        answer_format=_answer_format(target),
    )


def _function_parts(problem: Problem, target: Language) -> dict[str, str]:
    """The requirements and answer format of a function problem in `target`: the header
    is the benchmark's own prompt where the problem has a harness in `target` (its tests
    call the function by that name and those types), else the signature's."""
    harness = problem.harnesses.get(target.name)
    if target.functions is None and harness is None:
        raise ValueError(f"{target.display} does not take function problems yet")
    if harness is not None:
        header = harness.prompt.strip()
    else:
        assert target.functions is not None
        sig = parse_signature(problem.signature or "", problem.entry_point)
        header = target.functions.header(sig, problem.statement).strip()
    functions = target.functions
    conventions = (
        functions.conventions if functions else ""
    ) or f"Write idiomatic {target.display}."
    requirements = t.FUNCTION_REQUIREMENTS.format(
        target=target.display,
        conventions=conventions,
        tag=target.name,
        header=header,
        printing="printing the result and nothing else"
        if functions is not None and functions.prints_result and harness is None
        else "no printing",
    )
    answer_format = t.FUNCTION_ANSWER_FORMAT.format(target=target.display, tag=target.name)
    return {"requirements": requirements, "answer_format": answer_format}


def _render_function_translate(problem: Problem, target: Language) -> RenderedPrompt:
    assert problem.reference is not None
    source = get_language(problem.reference.language)
    turn = t.TRANSLATE_FUNCTION.format(
        source=source.display,
        target=target.display,
        source_tag=source.name,
        code=problem.reference.code.strip(),
        **_function_parts(problem, target),
    )
    chat = [{"role": "system", "content": t.SYSTEM_FUNCTION}, {"role": "user", "content": turn}]
    return RenderedPrompt(chat, t.TRANSLATE_FUNCTION_VERSION)


def render_translate(
    problem: Problem,
    target: Language | str,
    *,
    examples: list[tuple[Problem, str]] = (),
) -> RenderedPrompt:
    """The chat asking for `problem`'s reference solution in `target`.

    `examples` are few-shot pairs (a problem, its verified program in `target`), shown as
    earlier turns of the conversation.
    """
    target = get_language(target) if isinstance(target, str) else target
    if problem.reference is None:
        raise ValueError(f"problem {problem.id} has no reference solution to translate")
    if problem.kind == "function":  # few-shot examples are stdio programs: not shown
        return _render_function_translate(problem, target)
    source = get_language(problem.reference.language)
    chat: Chat = [{"role": "system", "content": t.SYSTEM}]
    for example, program in examples:
        assert example.reference is not None
        turn = _translate_turn(example.statement, example.reference.code, source, target)
        answer = answer_block(target, program)
        chat += [{"role": "user", "content": turn}, {"role": "assistant", "content": answer}]
    turn = _translate_turn(problem.statement, problem.reference.code, source, target)
    chat.append({"role": "user", "content": turn})
    return RenderedPrompt(chat, t.TRANSLATE_VERSION)


def render_solve(problem: Problem, target: Language | str) -> RenderedPrompt:
    """The chat asking for a `target` solution from the statement alone (eval, RL)."""
    target = get_language(target) if isinstance(target, str) else target
    if problem.kind == "function":
        turn = t.SOLVE_FUNCTION.format(
            target=target.display,
            statement=problem.statement.strip(),
            **_function_parts(problem, target),
        )
        chat = [{"role": "system", "content": t.SYSTEM_FUNCTION}, {"role": "user", "content": turn}]
        return RenderedPrompt(chat, t.SOLVE_FUNCTION_VERSION)
    turn = t.SOLVE.format(
        target=target.display,
        statement=problem.statement.strip(),
        requirements=_requirements(target),
        answer_format=_answer_format(target),
    )
    chat = [{"role": "system", "content": t.SYSTEM}, {"role": "user", "content": turn}]
    return RenderedPrompt(chat, t.SOLVE_VERSION)


def render_complete(problem: Problem, target: Language | str) -> RenderedPrompt:
    """The completion-style prompt of a function problem for a base model: raw text (no
    chat), the function's doc comment and header in `target`, as MultiPL-E prompts. Its
    samples are made programs by `FunctionSupport.completion_program`."""
    target = get_language(target) if isinstance(target, str) else target
    if problem.kind != "function":
        raise ValueError(f"{problem.id} is a stdio problem: completion prompts are for functions")
    harness = problem.harnesses.get(target.name)
    if harness is not None:  # the benchmark's own prompt, verbatim
        return RenderedPrompt(harness.prompt, t.COMPLETE_FUNCTION_VERSION)
    if target.functions is None:
        raise ValueError(f"{target.display} does not take function problems yet")
    sig = parse_signature(problem.signature or "", problem.entry_point)
    return RenderedPrompt(
        target.functions.header(sig, problem.statement), t.COMPLETE_FUNCTION_VERSION
    )


def answer_block(target: Language | str, code: str) -> str:
    """A program as the prompts ask for it: one fenced block tagged with the PL's key."""
    target = get_language(target) if isinstance(target, str) else target
    return f"```{target.name}\n{code.strip()}\n```"


def render_solve_parallel(problem: Problem, targets: list[Language | str]) -> RenderedPrompt:
    """The chat asking for `problem` solved in every PL of `targets`, one after another
    (Parallel-SFT's parallel example); `parallel_answer` writes the matching answer."""
    langs = [get_language(x) if isinstance(x, str) else x for x in targets]
    if problem.kind == "function":
        parts = [_function_parts(problem, lang)["requirements"] for lang in langs]
        turn = t.SOLVE_PARALLEL_FUNCTION.format(
            targets=", ".join(lang.display for lang in langs),
            statement=problem.statement.strip(),
            requirements="\n\n".join(parts),
        )
        chat = [{"role": "system", "content": t.SYSTEM_FUNCTION}, {"role": "user", "content": turn}]
        return RenderedPrompt(chat, t.SOLVE_PARALLEL_FUNCTION_VERSION)
    requirements = "\n\n".join(_requirements(lang) for lang in langs)
    turn = t.SOLVE_PARALLEL.format(
        targets=", ".join(lang.display for lang in langs),
        statement=problem.statement.strip(),
        requirements=requirements,
    )
    chat = [{"role": "system", "content": t.SYSTEM}, {"role": "user", "content": turn}]
    return RenderedPrompt(chat, t.SOLVE_PARALLEL_VERSION)


def parallel_answer(programs: list[tuple[Language | str, str]]) -> str:
    """The answer to `render_solve_parallel`: each program under its PL's header."""
    parts = []
    for target, code in programs:
        lang = get_language(target) if isinstance(target, str) else target
        parts.append(
            t.PARALLEL_HEADER.format(target=lang.display) + "\n" + answer_block(lang, code)
        )
    return "\n\n".join(parts)


def render_repair(
    previous: RenderedPrompt,
    response: str,
    target: Language | str,
    *,
    compile_error: str | None = None,
    status: str = "",
    test_input: str = "",
    expected: str = "",
    got: str = "",
    error: str = "",
    call: str | None = None,
) -> RenderedPrompt:
    """The earlier chat, the model's answer, and a turn that shows it what failed: the
    compiler's message, or the first failing test (input, expected, got), or for a
    function problem the failing `call` ("f([1, 2]) returned 3, expected 4")."""
    target = get_language(target) if isinstance(target, str) else target
    answer_format = _answer_format(target)
    if call is not None:
        answer_format = t.FUNCTION_ANSWER_FORMAT.format(target=target.display, tag=target.name)
    if call is not None and compile_error is None:
        turn = t.REPAIR_CALL.format(
            target=target.display,
            status=status,
            detail=_clip(call),
            error=f"It wrote to stderr:\n```\n{error.strip()}\n```\n" if error.strip() else "",
            answer_format=answer_format,
        )
    elif compile_error is not None:
        turn = t.REPAIR_COMPILE.format(
            target=target.display, error=compile_error.strip(), answer_format=answer_format
        )
    else:
        turn = t.REPAIR_TEST.format(
            target=target.display,
            status=status,
            input=_clip(test_input),
            expected=_clip(expected),
            got=_clip(got),
            error=f"It wrote to stderr:\n```\n{error.strip()}\n```\n" if error.strip() else "",
            answer_format=answer_format,
        )
    chat = [
        *previous.chat,
        {"role": "assistant", "content": response},
        {"role": "user", "content": turn},
    ]
    return RenderedPrompt(chat, t.REPAIR_VERSION)


def _clip(text: str) -> str:
    text = text.rstrip("\n")
    return text if len(text) <= _CLIP else text[:_CLIP] + "\n... (truncated)"
