"""Locate evidence quotes in an article's text and judge whether they support the item that cites them.

Locating: exact first, then forgiving of whitespace, quote marks, dashes and case, then an elided quote
("a ... b") by its parts in order, close together (`Grounder.locate`).

Support: a quote can be real and still be about something else. An item is grounded only when a quote is
found and supports it: in the sentences holding its quotes are all the item's numbers ("1.1bn" is "1.1
billion"), all its names (or, for a name the quote refers to as "the company" or "she", the article before
it), and at least half its content words after a crude stem. The rules are in briefer/support.py.

- `supported(claim, text, spans)`: the check on its own, for any extractor. The claim of a fact is its
  statement; of a commitment, its actor and action.
- `Grounder(text).supports(claim, spans)`: the same, reading the article once for many items (its words are
  tokenised once; each item's sentences are read from them).
- `Grounder(text).ground(claim, quotes)`: locate the quotes and check them; the evidence, and why the item
  is not grounded: "not_found" (no quote is in the article) or "unsupported" (they are, but do not back it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from briefer.evidence.support import ArticleWords, sentence_bounds, sentences_support, unheld
from briefer.models import Evidence, UngroundedReason

_CHAR_MAP = {
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2026": "...",
}
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\u2026|\[\.\.\.\])\s*")
_EDGE = " \t\r\n\"'.,;:!?()[]"
# The longest stretch of article text an elided quote ("a ... b") may span, relative to the quote itself.
_MAX_ELISION_SPAN = 3


def _normalise(text: str) -> tuple[str, list[int]]:
    """Return the normalised text and, for each of its characters, the index it came from in `text`."""
    out: list[str] = []
    origin: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                origin.append(i)
            in_space = True
            continue
        in_space = False
        for piece in _CHAR_MAP.get(ch, ch).casefold():
            out.append(piece)
            origin.append(i)
    return "".join(out), origin


class Grounder:
    """Finds quotes in one article; builds the normalised text once and reuses it."""

    def __init__(self, text: str, translated: bool = False) -> None:
        """`translated`: the items to check may be written in another language than the article."""
        self.text = text
        self.translated = translated
        self._normalised: tuple[str, list[int]] | None = None

    @property
    def _norm(self) -> str:
        return self._normal()[0]

    @property
    def _origin(self) -> list[int]:
        return self._normal()[1]

    def _normal(self) -> tuple[str, list[int]]:
        """Built on first need: most quotes are found verbatim and never need it."""
        if self._normalised is None:
            self._normalised = _normalise(self.text)
        return self._normalised

    def locate(self, quote: str) -> tuple[int, int] | None:
        """The (start, end) offsets of `quote` in the text, or None when it is not there."""
        quote = quote.strip()
        if len(quote) < 3:
            return None
        start = self.text.find(quote)
        if start >= 0:
            return start, start + len(quote)
        return self._locate_normalised(quote.strip(_EDGE)) or self._locate_elided(quote)

    def _locate_normalised(self, quote: str, after: int = 0) -> tuple[int, int] | None:
        needle, _ = _normalise(quote)
        needle = needle.strip()
        if len(needle) < 3:
            return None
        pos = self._norm.find(needle, after)
        if pos < 0:
            return None
        return self._origin[pos], self._origin[pos + len(needle) - 1] + 1

    def _locate_elided(self, quote: str) -> tuple[int, int] | None:
        """A quote the model shortened with an ellipsis: every part must appear, in order, close together."""
        parts = [p.strip(_EDGE) for p in _ELLIPSIS.split(quote)]
        parts = [p for p in parts if p]
        if len(parts) < 2 or any(len(p.split()) < 2 for p in parts):
            return None
        first = self._locate_normalised(parts[0])
        if first is None:
            return None
        end = first[1]
        for part in parts[1:]:
            found = self._locate_normalised(part, self._norm_index(end))
            if found is None:
                return None
            end = found[1]
        if end - first[0] > _MAX_ELISION_SPAN * len(quote):
            return None
        return first[0], end

    def _norm_index(self, original_index: int) -> int:
        """The first normalised position whose origin is at or after `original_index`."""
        lo, hi = 0, len(self._origin)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._origin[mid] < original_index:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def evidence(self, quotes: Iterable[str]) -> tuple[list[Evidence], bool]:
        """Evidence for each distinct quote (the article's own wording where found) and whether any was found."""
        found: list[Evidence] = []
        missing: list[Evidence] = []
        seen: set[str] = set()
        for quote in quotes:
            key = quote.strip()
            if not key or key in seen:
                continue
            seen.add(key)
            span = self.locate(key)
            if span is None:
                missing.append(Evidence(quote=key))
            else:
                found.append(Evidence(quote=self.text[span[0] : span[1]], start=span[0], end=span[1]))
        return found + missing, bool(found)

    def ground(self, claim: str, quotes: Iterable[str]) -> Grounding:
        """Locate `quotes` and check that they support `claim`: the evidence, and why it is not grounded."""
        evidence, found = self.evidence(quotes)
        if not found:
            return Grounding(evidence, "not_found")
        spans = [(e.start, e.end) for e in evidence if e.start is not None and e.end is not None]
        return Grounding(evidence, None if self.supports(claim, spans) else "unsupported")

    def supports(self, claim: str, spans: Sequence[tuple[int, int]]) -> bool:
        """Whether the sentences holding `spans` support `claim` (see briefer/support.py)."""
        bounds = [sentence_bounds(self.text, *span) for span in spans]
        return sentences_support(claim, bounds, self._words, self.translated)

    def unheld(self, claim: str) -> list[str]:
        """The numbers and names of `claim` the article holds nowhere (see `support.unheld`)."""
        return unheld(claim, self._words)

    @cached_property
    def _words(self) -> ArticleWords:
        return ArticleWords(self.text)


@dataclass(frozen=True)
class Grounding:
    """An item's evidence and, when it is not grounded, why."""

    evidence: list[Evidence]
    reason: UngroundedReason | None

    @property
    def grounded(self) -> bool:
        return self.reason is None


def supported(claim: str, text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether the quotes at `spans` of `text` support `claim`: a fact's statement, a commitment's actor and
    action. For many checks against one article, `Grounder(text).supports` reads the article once."""
    return Grounder(text).supports(claim, spans)
