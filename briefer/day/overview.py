"""The bottom line, sentence by sentence, each sentence citing the articles it rests on.

Offline: one sentence per leading theme (the fact its most sources confirm, else its first article's lead),
then the leads of the other stories until there are OVERVIEW_SENTENCES. With a model: the model's
sentences, each kept only if every name and number in it appears in one of the articles it cites.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefer.day.figures import figures
from briefer.day.sameness import calendar_days
from briefer.models import ArticleBrief, DayFact, DroppedSentence, ModelSentence, OverviewSentence, Theme

OVERVIEW_SENTENCES = 4
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
    """The first sentence of a summary (up to the first full stop followed by a space)."""
    for end in (". ", "! ", "? "):
        cut = summary.find(end)
        if cut > 0:
            return summary[: cut + 1]
    return summary


def offline(
    briefs: Sequence[ArticleBrief], themes: Sequence[Theme], facts: Sequence[DayFact]
) -> list[OverviewSentence]:
    """One sentence per leading theme, then the other stories' leads, OVERVIEW_SENTENCES at most."""
    if not briefs:
        return []
    if len(briefs) == 1:
        return [OverviewSentence(text=briefs[0].summary, articles=[briefs[0].id])] if briefs[0].summary else []
    by_id = {b.id: b for b in briefs}
    sentences: list[OverviewSentence] = []
    for theme in themes:
        if len(sentences) == OVERVIEW_SENTENCES:
            break
        if theme.other:
            for article in theme.articles:
                lead = lead_sentence(by_id[article].summary)
                if lead and len(sentences) < OVERVIEW_SENTENCES:
                    sentences.append(OverviewSentence(text=lead, articles=[article]))
            continue
        members = set(theme.articles)
        told = [f for f in facts if f.sources[0] in members]
        best = max(told, key=lambda f: len(f.sources), default=None)
        if best is not None and len(best.sources) > 1:
            sentences.append(OverviewSentence(text=best.statement, articles=list(best.sources)))
        else:
            first = theme.articles[0]
            lead = lead_sentence(by_id[first].summary)
            if lead:
                sentences.append(OverviewSentence(text=lead, articles=[first]))
    return sentences


def _corpus(brief: ArticleBrief) -> str:
    parts = [brief.title, brief.summary]
    for fact in brief.facts:
        parts += [fact.statement, *(e.quote for e in fact.evidence)]
    for c in brief.commitments:
        parts += [c.actor, c.action, c.counterparty or "", c.deadline or "", *(e.quote for e in c.evidence)]
    return " ".join(parts)


def _missing(text: str, corpus: str) -> list[str]:
    """The names, figures, years and days of `text` that `corpus` does not hold, word for word. A single
    capitalised word opening the sentence ("Overall, ...") is not taken for a name."""
    held = {w.casefold() for w in _WORDS.findall(corpus)}
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
    sentences: Sequence[ModelSentence], briefs: Sequence[ArticleBrief]
) -> tuple[list[OverviewSentence], list[DroppedSentence]]:
    """The model's sentences whose names and numbers are in an article they cite; the others, with why."""
    by_id = {b.id: b for b in briefs}
    kept, dropped = [], []
    for sentence in sentences:
        text = " ".join(sentence.text.split())
        if not text:
            continue
        cited = [a for a in dict.fromkeys(sentence.articles) if a in by_id]
        if not cited:
            dropped.append(DroppedSentence(text=text, reason="it cites no article of the day"))
            continue
        missing = _missing(text, " ".join(_corpus(by_id[a]) for a in cited))
        if missing:
            shown = ", ".join(dict.fromkeys(missing))
            dropped.append(DroppedSentence(text=text, reason=f"not in the articles it cites: {shown}"))
            continue
        kept.append(OverviewSentence(text=text, articles=cited))
    return kept, dropped
