"""Sentences with their offsets in the text, fast and linear in its length: spaCy's tokenizer and its
rule-based sentencizer (no statistical model), line by line. The model path cuts over-long paragraphs with
it; the offline extractor uses the parser's own sentences (`nlp`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from briefer.offline.nlp import pieces

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    index: int


@cache
def _segmenter() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets in `text`; a line break always ends one."""
    found: list[Sentence] = []
    offsets = list(pieces(text))
    for (offset, _), doc in zip(offsets, _segmenter().pipe(p for _, p in offsets), strict=True):
        for span in doc.sents:
            raw = str(span.text)
            stripped = raw.strip()
            if not stripped:
                continue
            start = offset + span.start_char + len(raw) - len(raw.lstrip())
            found.append(Sentence(stripped, start, start + len(stripped), len(found)))
    return found
