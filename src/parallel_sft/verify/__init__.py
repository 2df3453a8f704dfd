"""Verification: tree-sitter checks, the sandbox, the runner, the output checker and the
worker pool. Every candidate program is judged here and only here."""

from .checker import compare
from .pool import verify_batch
from .runner import VerifyConfig, syntax_verdict, verify_program
from .sandbox import Sandbox
from .syntax import check, extract, normalize

__all__ = [
    "Sandbox",
    "VerifyConfig",
    "check",
    "compare",
    "extract",
    "normalize",
    "syntax_verdict",
    "verify_batch",
    "verify_program",
]
