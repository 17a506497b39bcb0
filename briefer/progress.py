"""How a run reports as it goes: the pipeline and its stages call these; the CLI draws them, the defaults do nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _ignore(*_: object) -> None:
    return None


@dataclass
class Progress:
    """How the pipeline reports as it goes; the CLI draws these, the defaults do nothing."""

    found: Callable[[int], None] = _ignore  # more articles to extract (the total grows as sources are read)
    advance: Callable[[], None] = _ignore  # one article extracted (or failed)
    stage: Callable[[str], None] = _ignore  # a named step after extraction ("writing the overview")
    note: Callable[[str], None] = _ignore  # a line for the user
