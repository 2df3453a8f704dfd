"""Every prompt the toolkit sends to a model, versioned. Translation, repair, training and
evaluation all render their chats here, so a change of wording is one change of version."""

from .render import (
    RenderedPrompt,
    answer_block,
    parallel_answer,
    render_complete,
    render_repair,
    render_solve,
    render_solve_parallel,
    render_translate,
)

__all__ = [
    "RenderedPrompt",
    "answer_block",
    "parallel_answer",
    "render_complete",
    "render_repair",
    "render_solve",
    "render_solve_parallel",
    "render_translate",
]
