"""How far the offline extractor reads a long article: each sentence once, and the parse only as far as needed.

A sentence that recurs word for word (a text pasted together, a pull quote printed twice) is read once, so
its pledge is listed once (`distinct`). The sentences worth parsing are parsed ROUND at a time, the articles
of a batch together (spaCy still works on many sentences at once; a long article's first rounds are
smaller), and read in order as they come: once an article has given `limit` commitments, the parse stops
there, and its later sentences stay fact candidates, only tagged like any sentence not parsed
(`parse_until_full`). An article of ROUND such sentences or fewer, nearly every one, is parsed whole in one
go, as before; a book-length text is parsed only as far as it needs, so time and memory stay modest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from briefer.models import Article
from briefer.offline.actors import Context
from briefer.offline.nlp import Sentence, parse
from briefer.offline.pledges import commitments_in
from briefer.offline.sentences import Sentence as Split

ROUND = 512  # sentences of one article parsed at a time, at most
FIRST_ROUND = 32
Row = tuple[str, int, int, int]


def distinct(split: list[Split]) -> list[Split]:
    """The sentences with a repeat of an earlier one (word for word, whitespace aside) left out, numbered
    again in order."""
    seen: set[str] = set()
    kept: list[Split] = []
    for s in split:
        key = " ".join(s.text.split())
        if key in seen:
            continue
        seen.add(key)
        kept.append(Split(s.text, s.start, s.end, len(kept)))
    return kept


def regroup(flat: list[Sentence], sizes: list[int]) -> list[list[Sentence]]:
    """A flat list cut back into the groups of these sizes."""
    groups, at = [], 0
    for size in sizes:
        groups.append(flat[at : at + size])
        at += size
    return groups


class _Reading:
    """One article's sentences to parse, read in order until it has given `limit` commitments (an article of
    ROUND sentences or fewer is read whole: no limit)."""

    def __init__(self, article: Article, chosen: list[Split], limit: int) -> None:
        self.chosen = chosen
        self.limit = limit if len(chosen) > ROUND else None
        self.reference: date | None = article.published.date() if article.published else None
        self.context = Context()
        self.found: list[Sentence] = []
        self.given = 0
        self.at = 0
        self.rounds = 0

    @property
    def full(self) -> bool:
        return self.limit is not None and self.given >= self.limit

    def round(self) -> int:
        """How many to parse next: all of a short article; of a long one FIRST_ROUND, then twice as many
        each time up to ROUND (a long text often gives its commitments early)."""
        if self.limit is None:
            return ROUND
        self.rounds += 1
        return min(ROUND, FIRST_ROUND << (self.rounds - 1))

    def read(self, sentence: Sentence) -> None:
        if self.full:
            return  # the rest of its round: left as if never parsed
        if self.limit is not None:
            self.given += len(commitments_in(sentence, self.context, self.reference))
            self.context.learn(sentence.span)
        self.found.append(sentence)


def parse_until_full(
    articles: Sequence[Article], chosen: Sequence[list[Split]], row: Callable[[Split], Row], limit: int
) -> list[list[Sentence]]:
    """Each article's chosen sentences parsed, in order; for one of more than ROUND, only up to the one that
    gives it its `limit`-th commitment."""
    readings = [_Reading(a, c, limit) for a, c in zip(articles, chosen, strict=True)]
    while True:
        rows: list[Row] = []
        owners: list[_Reading] = []
        for reading in readings:
            if reading.at < len(reading.chosen) and not reading.full:
                part = reading.chosen[reading.at : reading.at + reading.round()]
                reading.at += len(part)
                rows += [row(s) for s in part]
                owners += [reading] * len(part)
        if not rows:
            return [reading.found for reading in readings]
        for reading, sentence in zip(owners, parse(rows), strict=True):
            reading.read(sentence)
