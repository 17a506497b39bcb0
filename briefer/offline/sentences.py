"""Sentences with their offsets in the text, fast and linear in its length: spaCy's tokenizer and its
rule-based sentencizer (no statistical model), line by line. The model path cuts over-long paragraphs with
it; the offline extractor uses the parser's own sentences (`nlp`)."""

from __future__ import annotations

import re
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


_OUTLET_PREFIX = re.compile(
    r"^\((?P<outlet>[A-Z][\w&.\- ]{1,30})\)\s*[-—–:]?\s*"
    r"|^[A-Z][A-Z ,.]{2,40}\((?P<agency>[A-Za-z ]{2,20})\)\s*[-—–:]\s*"
    # a dateline: a city in capitals, perhaps its state or a date, perhaps an agency ("CLEVELAND, Ohio – ",
    # "GENEVA — ", "STOCKHOLM, Sept 9 (Business wire) - ")
    r"|^[A-Z]{3}[A-Z .'\-]{0,30}(?:,[^()\n—–]{1,30}?)?(?:\s*\([^)\n]{2,30}\))?\s*[-—–]\s+"
)


def clean_sentence(text: str) -> str:
    """A sentence without an outlet tag or dateline in front ("(MENAFN) ", "LONDON (Reuters) - ")."""
    return _OUTLET_PREFIX.sub("", text, count=1).strip()
