"""What changed since the previous run of a briefing: the articles new since then, and facts whose figure moved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from briefer.day.sameness import SAME_SUBJECT, figure_moved, jaccard, words
from briefer.models import ArticleBrief, Briefing, Changes, MovedFact, StatusChange

COMMON = 0.05  # a word in more than this share of the previous run's facts is no clue to a subject


def moved_facts(today: Sequence[ArticleBrief], before: Briefing) -> list[MovedFact]:
    """Facts of today that give another figure for what a fact of the previous run stated: the same subject
    (a quarter of the content words shared) and one measure, introduced by one word, with another value."""
    from briefer.day.figures import figures

    earlier: list[tuple[str, frozenset[str]]] = []
    index: dict[str, list[int]] = {}
    for brief in before.articles:
        for fact in brief.facts:
            if fact.grounded and figures(fact.statement):
                said = words(fact.statement)
                for w in said:
                    index.setdefault(w, []).append(len(earlier))
                earlier.append((fact.statement, said))
    common = max(10, int(COMMON * len(earlier)))
    moved: list[MovedFact] = []
    told: set[str] = set()
    for brief in today:
        for fact in brief.facts:
            if not fact.grounded or fact.statement in told or not figures(fact.statement):
                continue
            said = words(fact.statement)
            shared: dict[int, int] = {}
            for w in said:
                postings = index.get(w, ())
                if len(postings) <= common:
                    for n in postings:
                        shared[n] = shared.get(n, 0) + 1
            ranked = sorted((jaccard(said, earlier[n][1]), n) for n, count in shared.items() if count >= 2)
            for overlap, n in reversed(ranked):
                if overlap < SAME_SUBJECT:
                    break
                change = figure_moved(earlier[n][0], fact.statement)
                if change:
                    moved.append(
                        MovedFact(
                            statement=fact.statement,
                            was=change[0],
                            now=change[1],
                            article=brief.id,
                            previous=earlier[n][0],
                        )
                    )
                    told.add(fact.statement)
                    break
    return moved


def changes(
    today: Sequence[ArticleBrief],
    previous: tuple[date, Briefing] | None,
    skipped: int,
    status: list[StatusChange],
    pledged: Sequence[MovedFact] = (),
) -> Changes:
    """What is new since the previous run of the same briefing; `pledged` are the day's commitments whose
    figure moved against the ledger ("invest 1.3 billion euros", was 1.1 billion), listed with the facts'."""
    if previous is None:
        return Changes(previous=None, new_articles=[b.id for b in today], skipped=skipped)
    day, before = previous
    known = {a.id for a in before.articles}
    moved = moved_facts(today, before)
    told = {m.statement for m in moved}
    moved += [m for m in pledged if m.statement not in told]
    return Changes(
        previous=day,
        new_articles=[b.id for b in today if b.id not in known],
        skipped=skipped,
        moved=moved,
        status=status,
    )
