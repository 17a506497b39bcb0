"""The model's summary of an article, checked like its other text before anyone reads it: a sentence with a
name or a number the article holds nowhere is dropped, and recorded with the reason."""

from __future__ import annotations

import re

from briefer.evidence.grounding import Grounder
from briefer.models import DroppedSentence

# A sentence ends at . ! or ? (and any closing quote or bracket) before a space and a capital, digit or quote.
_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[A-Z0-9\"“‘(\[])")
# A full stop after these ends no sentence: "Mr. Ruiz", "J. Smith", "U.S. officials".
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Sen|Rep|Gov|No|vs|etc)|\b[A-Z])\.$")


def sentences(text: str) -> list[str]:
    """`text` cut into sentences (a light rule: a summary is a few plain sentences)."""
    pieces: list[str] = []
    start = 0
    for end in _END.finditer(text):
        piece = text[start : end.start()].strip()
        if _ABBREVIATION.search(piece):
            continue  # "Mr." ended no sentence: the next cut takes it with the rest
        pieces.append(piece)
        start = end.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def checked_summary(summary: str, grounder: Grounder) -> tuple[str, list[DroppedSentence]]:
    """The summary's sentences whose names and numbers the article holds, and those dropped, with why."""
    kept: list[str] = []
    dropped: list[DroppedSentence] = []
    for sentence in sentences(" ".join(summary.split())):
        missing = grounder.unheld(sentence)
        if missing:
            shown = ", ".join(dict.fromkeys(missing))
            dropped.append(DroppedSentence(text=sentence, reason=f"not in the article: {shown}"))
        else:
            kept.append(sentence)
    return " ".join(kept), dropped
