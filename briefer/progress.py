"""How a run reports as it goes: the pipeline and its stages call these; the CLI draws them, the defaults do nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def counted(n: int, word: str, plural: str | None = None) -> str:
    """A count with its noun in the right number, for the lines a run prints: `1 retry`, `2 retries`."""
    if n == 1:
        return f"1 {word}"
    many = plural or (word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s")
    return f"{n} {many}"


def _ignore(*_: object) -> None:
    return None


@dataclass
class Progress:
    """How the pipeline reports as it goes; the CLI draws these, the defaults do nothing."""

    found: Callable[[int], None] = _ignore  # more articles to extract (the total grows as sources are read)
    advance: Callable[[], None] = _ignore  # one article extracted (or failed)
    stage: Callable[[str], None] = _ignore  # a named step after extraction ("writing the overview")
    note: Callable[[str], None] = _ignore  # a line for the user
