"""Locate evidence quotes in an article's text: exact first, then forgiving of whitespace, quote marks and case."""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefer.models import Evidence

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

    def __init__(self, text: str) -> None:
        self.text = text
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
