"""The bottom line, sentence by sentence, each sentence citing the articles it rests on.

Offline: one sentence per leading theme (the fact its most sources confirm, else its first article's lead),
then the leads of the other stories until there are OVERVIEW_SENTENCES, and never fewer than MIN_SENTENCES
while the day has more to say. With a model: the model's sentences, each kept only if every name and number
in it appears in one of the articles it cites. Either way every sentence is well formed (`readable`): a
capital letter first, a full stop last, at most MAX_WORDS words, never boilerplate or a fused heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from functools import lru_cache

from briefer.day.figures import figures
from briefer.day.readable import MAX_WORDS, repaired, sentences, well_formed
from briefer.day.sameness import calendar_days
from briefer.models import ArticleBrief, DayFact, DroppedSentence, ModelSentence, OverviewSentence, Theme

OVERVIEW_SENTENCES = 4  # at most; MIN_SENTENCES at least when the day holds that many well-formed ones
MIN_SENTENCES = 3
MAX_MODEL_SENTENCES = 5
_WORDS = re.compile(r"\w[\w\-]*")
_YEARS = re.compile(r"\b(?:19|20)\d\d\b")
# Measures a figure must keep to be the same figure: 12 million euros are not 12 million dollars.
_STRICT_MEASURES = frozenset(
    {"euros", "pounds", "dollars", "yen", "francs", "kronor", "kroner", "rupees", "yuan", "percent"}
)
_NAME = re.compile(r"\b[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*")
_NOT_NAMES = frozenset(
    """The A An This That These Those It Its He She They We In On At But And Or So Yet For As If When While After
    Before Also Meanwhile Elsewhere Today Yesterday Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday January February March April May June July August September October November December Mr Mrs Ms Dr
    I""".split()
)


def lead_sentence(summary: str) -> str:
    """The first well-formed sentence of a summary ("" when it has none)."""
    return next((s for s in sentences(summary) if well_formed(s)), "")


def offline(
    briefs: Sequence[ArticleBrief],
    themes: Sequence[Theme],
    facts: Sequence[DayFact],
    key_facts: Sequence[DayFact] = (),
    disputed: Set[str] = frozenset(),
) -> list[OverviewSentence]:
    """One sentence per leading theme, then the other stories' leads, OVERVIEW_SENTENCES at most; below
    MIN_SENTENCES, the next sentences of those leads, then the key facts that are no side of a conflict
    (`disputed`), fill it up. Only well-formed sentences (`readable.well_formed`), each once."""
    by_id = {b.id: b for b in briefs}
    chosen: list[OverviewSentence] = []
    said: set[str] = set()

    def add(text: str, articles: list[str]) -> bool:
        if len(chosen) >= OVERVIEW_SENTENCES or not well_formed(text) or _plain(text) in said:
            return False
        said.add(_plain(text))
        chosen.append(OverviewSentence(text=" ".join(text.split()), articles=articles))
        return True

    told: list[str] = []  # the articles whose lead speaks for their story, in order
    for theme in themes:
        members = [a for a in theme.articles if a in by_id]
        if theme.other:
            told += [a for a in members if add(lead_sentence(by_id[a].summary), [a])]
            continue
        confirmed = [f for f in facts if f.sources[0] in members and len(f.sources) > 1]
        if any(add(f.statement, list(f.sources)) for f in sorted(confirmed, key=lambda f: -len(f.sources))):
            continue
        lead = next((a for a in members if add(lead_sentence(by_id[a].summary), [a])), None)
        told += [lead] if lead else []
    for article in told or [b.id for b in briefs]:  # too few: more of the leads, then the day's facts
        for sentence in sentences(by_id[article].summary)[1:]:
            if len(chosen) < MIN_SENTENCES:
                add(sentence, [article])
    for fact in key_facts:
        if len(chosen) < MIN_SENTENCES and fact.statement not in disputed:
            add(fact.statement, list(fact.sources))
    return chosen


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_ahead(brief: ArticleBrief) -> None:
    """What `checked` reads of an article when a sentence cites it alone, read now (memoised)."""
    corpus = _corpus(brief)
    _held(corpus)
    figures(corpus)
    calendar_days(corpus)


def _corpus(brief: ArticleBrief) -> str:
    parts = [brief.title, brief.summary]
    for fact in brief.facts:
        parts += [fact.statement, *(e.quote for e in fact.evidence)]
    for c in brief.commitments:
        parts += [c.actor, c.action, c.counterparty or "", c.deadline or "", *(e.quote for e in c.evidence)]
    return " ".join(parts)


@lru_cache(maxsize=1024)  # an article's corpus, warmed as it is extracted
def _held(corpus: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORDS.findall(corpus))


def _missing(text: str, corpus: str) -> list[str]:
    """The names, figures, years and days of `text` that `corpus` does not hold, word for word. A single
    capitalised word opening the sentence ("Overall, ...") is not taken for a name."""
    held = _held(corpus)
    missing = []
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        if m.start() == 0 and len(words) == 1:
            continue
        for word in words:
            bare = re.sub(r"['’]s$", "", word)
            if word not in _NOT_NAMES and bare.casefold() not in held:
                missing.append(word)
    known = figures(corpus)
    values = {f.value for f in known}
    for f in figures(text):
        money = f.measure in _STRICT_MEASURES
        if (f.value, f.measure) not in {(k.value, k.measure) for k in known} and (money or f.value not in values):
            missing.append(f.show())
    missing += [year for year in _YEARS.findall(text) if year not in held]
    missing += sorted(calendar_days(text) - calendar_days(corpus))
    return missing


def checked(
    proposed: Sequence[ModelSentence], briefs: Sequence[ArticleBrief]
) -> tuple[list[OverviewSentence], list[DroppedSentence]]:
    """The model's sentences that are well formed (a missing capital or full stop is mended) and whose names
    and numbers are in an article they cite, MAX_MODEL_SENTENCES at most; the others, with why."""
    by_id = {b.id: b for b in briefs}
    kept: list[OverviewSentence] = []
    dropped: list[DroppedSentence] = []
    for sentence in proposed:
        text = repaired(sentence.text)
        if not text:
            continue
        cited = [a for a in dict.fromkeys(sentence.articles) if a in by_id]
        missing = _missing(text, " ".join(_corpus(by_id[a]) for a in cited)) if cited else []
        if not cited:
            reason = "it cites no article of the day"
        elif missing:
            reason = f"not in the articles it cites: {', '.join(dict.fromkeys(missing))}"
        elif len(text.split()) > MAX_WORDS:
            reason = f"longer than {MAX_WORDS} words"
        elif not well_formed(text):
            reason = "not a well-formed sentence (or page boilerplate)"
        elif len(kept) == MAX_MODEL_SENTENCES:
            reason = f"the bottom line holds {MAX_MODEL_SENTENCES} sentences at most"
        else:
            kept.append(OverviewSentence(text=text, articles=cited))
            continue
        dropped.append(DroppedSentence(text=text, reason=reason))
    return kept, dropped
