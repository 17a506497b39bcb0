"""The two trafilatura passes made one text: the precise pass, with what its stricter rules cut out of the
article put back from the default pass.

The precise pass keeps little boilerplate but drops real paragraphs: a short one with a link in a wrapper,
a subheading that is a link, a series title, a product name in a buying guide, an inline link's words inside
a sentence ("has reported that the NFL will fine Rudolph for his role" came out as "has reported that for
his role"). So a line of the default pass that the precise pass lacks is put back:
- in place of the precise line it contains word for word, in order (the precise pass cut words out of it);
- between two lines the precise pass kept, when at most `MAX_RUN` such lines come together there (a longer
  run is a block of its own, such as a related-links list) and it is not shouted in capitals (a cross-promo
  headline: "CLICK HERE TO GET THE APP");
- after the last line the precise pass kept, only when it is a credit line ("Additional reporting by ...",
  "... contributed to this report").
Before the first line the precise pass kept come the headline, the standfirst and page furniture: nothing
is put back there. The measured effect of each rule is in docs/benchmarks.md.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MAX_RUN = 2  # lines put back together between two kept ones; more is a block of its own
MEND_SHARE = 0.7  # a fuller line replaces a kept one when the kept one holds at least this share of its words
MEND_WINDOW = 200  # kept lines searched for the one a default line is a fuller copy of
MAX_LINES = 2000  # past this many lines (a book, not an article) the passes are not merged: too costly
CREDIT_MAX_WORDS = 40
# The rules, each measured on its own in bench/ingest_quality.py; all of them are on.
RULES = frozenset({"mend", "between", "unshouted", "credits"})
_WORD = re.compile(r"\w+")
_CREDIT = re.compile(
    r"^\W*(?:(?:additional|further|more|extra|with|and) )?(?:reporting|research|writing|editing|contributions?)"
    r"(?: (?:and|&) \w+)? (?:by|from)\b"
    r"|\bcontributed(?: reporting)? to (?:this|the) (?:report|story|article)\b",
    re.I,
)


@dataclass
class _Line:
    text: str
    words: list[str]

    @property
    def norm(self) -> str:
        return " ".join(self.words)


def _lines(text: str) -> list[_Line]:
    lines = (_Line(line, _WORD.findall(line.lower())) for line in text.split("\n"))
    return [line for line in lines if line.words]


def is_credit(line: str) -> bool:
    """A closing credit line: "Additional reporting by Jo Berg.", "Jo Berg contributed to this report."."""
    return len(line.split()) <= CREDIT_MAX_WORDS and _CREDIT.search(line.strip()) is not None


def is_shouted(line: str) -> bool:
    """Three words or more and no lower-case letter: a cross-promotion headline, not a sentence."""
    letters = [c for c in line if c.isalpha()]
    return len(line.split()) >= 3 and bool(letters) and not any(c.islower() for c in letters)


def _within(words: list[str], longer: list[str]) -> bool:
    """Whether `words` occur in `longer` in the same order, others between them allowed."""
    rest = iter(longer)
    return all(word in rest for word in words)


class _Merge:
    def __init__(self, kept: list[_Line], other: list[_Line], rules: frozenset[str]) -> None:
        self.kept, self.other, self.rules = kept, other, rules
        self.norms = [line.norm for line in kept]
        self.vocabularies = [set(line.words) for line in kept]
        self.whole = "\n".join(self.norms)
        self.starts = [0]
        for norm in self.norms[:-1]:
            self.starts.append(self.starts[-1] + len(norm) + 1)
        self.exact: dict[str, int] = {}
        for i, norm in enumerate(self.norms):
            self.exact.setdefault(norm, i)
        self.placed = [self._locate(line) for line in other]
        self.located = {i for i in self.placed if i is not None}
        self.after: dict[int, list[str]] = {}  # kept index -> lines put back after it

    def _locate(self, line: _Line) -> int | None:
        """The kept line holding this line's words, if any."""
        found = self.exact.get(line.norm)
        if found is not None:
            return found
        at = self.whole.find(line.norm)
        return None if at < 0 else bisect.bisect_right(self.starts, at) - 1

    def mend(self, line: _Line, low: int, high: int) -> bool:
        """Put a fuller copy of a kept line in its place; True when the line is already there in part."""
        vocabulary = set(line.words)
        for i in range(low + 1, min(high, low + 1 + MEND_WINDOW)):
            if (
                i in self.located
                or not self.vocabularies[i] <= vocabulary
                or not _within(self.kept[i].words, line.words)
            ):
                continue
            # not a run of paragraphs the default pass joined: no neighbouring kept line inside it
            near = (self.norms[j] for j in range(max(0, i - MAX_RUN), min(len(self.kept), i + MAX_RUN + 1)) if j != i)
            joined = any(len(n.split()) >= 3 and n in line.norm for n in near)
            fuller = len(self.kept[i].words) >= MEND_SHARE * len(line.words) and not joined
            if fuller and "mend" in self.rules:
                self.kept[i], self.vocabularies[i] = line, vocabulary
            self.located.add(i)
            return True
        return False

    def run(self) -> str:
        start = 0
        while start < len(self.other):
            if self.placed[start] is not None:
                start += 1
                continue
            end = start
            while end < len(self.other) and self.placed[end] is None:
                end += 1
            self._restore(start, end)
            start = end
        lines = []
        for i, line in enumerate(self.kept):
            lines.append(line.text)
            lines.extend(self.after.get(i, []))
        return "\n".join(lines)

    def _restore(self, start: int, end: int) -> None:
        """Default-pass lines start..end, none of them in the precise text."""
        before = next((self.placed[j] for j in range(start - 1, -1, -1) if self.placed[j] is not None), None)
        following = self.placed[end] if end < len(self.other) else None
        low = -1 if before is None else before
        high = len(self.kept) if following is None else following
        missing = [line for line in self.other[start:end] if not self.mend(line, low, high)]
        if before is None or not missing:
            return  # above the article: headline, standfirst, furniture
        if following is None and "credits" in self.rules:
            credits = []
            for line in missing:
                if not is_credit(line.text):
                    break
                credits.append(line.text)
            self.after.setdefault(before, []).extend(credits)
        elif following is not None and len(missing) <= MAX_RUN and "between" in self.rules:
            shouted = is_shouted if "unshouted" in self.rules else (lambda _: False)
            self.after.setdefault(before, []).extend(line.text for line in missing if not shouted(line.text))


def merge_passes(precise: str, default: str, rules: frozenset[str] = RULES) -> str:
    """The precise pass's text with the lines it dropped put back from the default pass (module docstring);
    `rules` leaves some out, to measure them."""
    if precise == default:
        return precise
    kept, other = _lines(precise), _lines(default)
    if not kept or len(kept) > MAX_LINES or len(other) > MAX_LINES:
        return precise
    return _Merge(kept, other, rules).run()
