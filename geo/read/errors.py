"""What reading an input can fail with, and the short reasons given to the user."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


class ArticleReadError(Exception):
    """One input could not be read; ``reason`` is short and meant for the user."""

    def __init__(self, reason: str, path: Optional[str] = None):
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path


@dataclass
class ArticleError:
    """What a batch yields in place of an article it could not read."""
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def too_large(n: int, limit: int) -> str:
    return f"too large ({n / 2**20:.1f} MB > limit {limit / 2**20:.1f} MB)"


def unexpected_reason(err: BaseException) -> str:
    """The reason given for an error no parser anticipated (kept short)."""
    if isinstance(err, RecursionError):
        return "nested too deeply"
    if isinstance(err, MemoryError):
        return "out of memory"
    detail = str(err)
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return f"unexpected {type(err).__name__}: {detail}"
