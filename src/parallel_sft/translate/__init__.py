"""The translation stage: source-PL solutions -> candidate programs in target PLs."""

from .cache import CompletionCache, cache_key
from .stage import Request, TranslateStats, build_requests, to_candidate, translate

__all__ = [
    "CompletionCache",
    "Request",
    "TranslateStats",
    "build_requests",
    "cache_key",
    "to_candidate",
    "translate",
]
