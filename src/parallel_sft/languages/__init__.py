"""The language registry: one canonical key per PL, aliases resolved in one place.

Adding a PL means adding one module here (a `LANGUAGE` built from `base.Language`), one
line in `_MODULES`, and its fixtures under tests/; nothing else in the toolkit changes.
"""

from __future__ import annotations

import importlib

from ..errors import UnknownLanguageError
from .base import Language, Toolchain

_MODULES = (
    "python", "c", "cpp", "java", "javascript", "typescript", "go", "rust", "ruby", "php",
    "perl", "lua", "r", "bash", "scala", "kotlin", "csharp", "d", "haskell", "ocaml",
    "racket", "elixir", "clojure", "fortran", "nim",
)  # fmt: skip

LANGUAGES: dict[str, Language] = {
    lang.name: lang
    for lang in (importlib.import_module(f"{__name__}.{m}").LANGUAGE for m in _MODULES)
}

_ALIASES: dict[str, str] = {}
for _lang in LANGUAGES.values():
    for _alias in (_lang.name, _lang.display, *_lang.aliases):
        _ALIASES.setdefault(_alias.lower(), _lang.name)


def find_language(name: str) -> Language | None:
    """The registry entry for `name` or any of its aliases (case-insensitive), or None."""
    key = _ALIASES.get(name.strip().lower())
    return None if key is None else LANGUAGES[key]


def get_language(name: str) -> Language:
    """Like `find_language`, but an unknown name raises an error listing the known ones."""
    lang = find_language(name)
    if lang is None:
        raise UnknownLanguageError(name, sorted(LANGUAGES))
    return lang


def parse_languages(spec: str | list[str] | tuple[str, ...]) -> list[Language]:
    """`"cpp,go,rs"` or `["cpp", "go"]` -> registry entries, in order, without repeats;
    `"all"` -> every PL."""
    names = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [n.strip() for n in names if n.strip()]
    if names == ["all"]:
        return list(LANGUAGES.values())
    chosen = {}
    for n in names:
        lang = get_language(n)
        chosen.setdefault(lang.name, lang)
    return list(chosen.values())


__all__ = [
    "LANGUAGES",
    "Language",
    "Toolchain",
    "find_language",
    "get_language",
    "parse_languages",
]
