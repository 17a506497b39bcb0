"""Sentences with their offsets in the text (pysbd), for the offline extractor and for cutting long articles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    index: int


@cache
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets in `text`, paragraph by paragraph."""
    sentences: list[Sentence] = []
    cursor = 0
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            cursor += len(paragraph) + 1
            continue
        for piece in _segmenter().segment(paragraph):
            piece = piece.strip()
            if not piece:
                continue
            start = text.find(piece, cursor)
            if start < 0:
                continue
            cursor = start + len(piece)
            sentences.append(Sentence(piece, start, cursor, len(sentences)))
        cursor = max(cursor, text.find("\n", cursor) + 1 if "\n" in text[cursor:] else len(text))
    return sentences
