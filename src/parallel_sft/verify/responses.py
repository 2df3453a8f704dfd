"""From a model's response to a candidate the verifier can judge: extract the program
(tree-sitter layer), check its syntax, record why when there is nothing to run.

Translation, RL rewards and evaluation all go through `response_candidate`, so a response
counts as the same program, or as no program, wherever it is judged.
"""

from __future__ import annotations

from typing import Any

from ..languages import Language, get_language
from ..records import Candidate
from .syntax import SyntaxCheck, check, extract


def response_candidate(
    problem_id: str,
    lang: Language | str,
    response: str,
    *,
    source_lang: str | None = None,
    **fields: Any,
) -> Candidate:
    """The candidate in `response`; `syntax_verdict` rejects it without running when no
    program was extracted or its syntax is wrong.

    Args:
        source_lang: the PL the model may have slipped into (a translation's source),
            tried first when guessing a wrong-language program.
        fields: other Candidate fields (model, prompt_hash, sample, round).
    """
    lang = get_language(lang) if isinstance(lang, str) else lang
    extraction = extract(response, lang)
    syntax = check(extraction.code, lang, source_lang=source_lang) if extraction.code else None
    return Candidate(
        problem_id=problem_id,
        language=lang.name,
        code=extraction.code or "",
        response=response,
        **fields,
        extra={
            "extract_source": extraction.source,
            "extract_reason": extraction.reason,
            "syntax_ok": bool(syntax and syntax.ok),
            "syntax_error": _syntax_error(extraction.reason, syntax),
            "wrong_language": (syntax.wrong_language if syntax else None) or "",
        },
    )


def _syntax_error(reason: str, syntax: SyntaxCheck | None) -> str:
    if syntax is None:
        return f"no program extracted ({reason})"
    if syntax.ok:
        return ""
    where = f" at line {syntax.line}, column {syntax.column}" if syntax.line else ""
    wrong = f" (looks like {syntax.wrong_language})" if syntax.wrong_language else ""
    return f"{syntax.error}{where}{wrong}"
