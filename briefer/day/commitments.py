"""The day's commitments: each pledge once, with every article that reports it and each one's deadline."""

from __future__ import annotations

import functools
from collections.abc import Sequence, Set

from briefer.day.figures import figures
from briefer.day.sameness import jaccard, words
from briefer.models import ArticleBrief, Commitment, DayCommitment, Fact, SourcedDeadline, SourcedEvidence
from briefer.offline.aliases import canonical

SAME_PLEDGE = 0.5
Entry = tuple[str, Commitment, frozenset[str]]  # article id, the commitment, its action's words


def sourced(article: str, item: Fact | Commitment) -> list[SourcedEvidence]:
    """The located quotes of a fact or commitment, with the article they are in."""
    return [
        SourcedEvidence(article=article, quote=e.quote, start=e.start, end=e.end)
        for e in item.evidence
        if e.start is not None
    ]


@functools.lru_cache(maxsize=4096)
def actor_words(actor: str) -> frozenset[str]:
    """The words that name an actor, through the alias gazetteer ("the DPRK" is North Korea)."""
    name = canonical(actor)
    return frozenset(w for w in words(name) if w not in {"side", "government", "city"}) or frozenset({name.casefold()})


def same_actor(a: frozenset[str], b: frozenset[str]) -> bool:
    """An actor named more fully ("Port Estrel harbour authority") is the same as a shorter mention ("the
    harbour authority") when one's words hold the other's."""
    return a <= b or b <= a


def same_pledge(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    """Two actions, each with its content words: the same words, or some words and the same figure
    ("contribute 120 million euros")."""
    overlap = jaccard(a[1], b[1])
    if overlap >= SAME_PLEDGE:
        return True
    figures_a = {(f.value, f.measure) for f in figures(a[0])}
    figures_b = {(f.value, f.measure) for f in figures(b[0])}
    return overlap >= SAME_PLEDGE / 2 and bool(figures_a & figures_b)


def _same_pledge(a: Entry, b: Entry) -> bool:
    return same_pledge((a[1].action, a[2]), (b[1].action, b[2]))


def _quoted(a: Entry, b: Entry) -> frozenset[tuple[str, str]]:
    def located(c: Commitment) -> str:
        return next((e.quote for e in c.evidence if e.start is not None), "")

    return frozenset({(a[0], located(a[1])), (b[0], located(b[1]))})


def merge_commitments(
    briefs: Sequence[ArticleBrief],
    judged: Set[frozenset[tuple[str, str]]] = frozenset(),
) -> list[DayCommitment]:
    """Each grounded pledge once, with its sources and each source's own deadline; grouped by actor in order
    of first appearance. Actors are one through the alias gazetteer ("DPRK" is North Korea), and an actor
    named more fully in one article ("Port Estrel harbour authority") is the same as a shorter mention ("the
    harbour authority") when one's words hold the other's. One actor's two pledges are one when their words
    agree, or when their sentences were `judged` to state one undertaking."""
    actors: list[tuple[list[frozenset[str]], list[list[Entry]]]] = []  # every name an actor went by
    for brief in briefs:
        for c in brief.commitments:
            if not c.grounded:
                continue
            name = actor_words(c.actor)
            # One actor when the name holds, or is held by, every name it went by: "the council" joins
            # "Tarsby council", but "Lindmar council" then does not.
            slot = next((a for a in actors if all(same_actor(n, name) for n in a[0])), None)
            if slot is None:
                slot = ([], [])
                actors.append(slot)
            if name not in slot[0]:
                slot[0].append(name)
            entry = (brief.id, c, words(c.action))
            for group in slot[1]:
                if brief.id not in {g[0] for g in group} and (
                    _same_pledge(entry, group[0]) or _quoted(entry, group[0]) in judged
                ):
                    group.append(entry)
                    break
            else:
                slot[1].append([entry])
    day = []
    for _, groups in actors:
        for group in groups:
            fullest = max(group, key=lambda g: len(g[1].actor))[1]
            first = group[0][1]
            day.append(
                DayCommitment(
                    actor=fullest.actor,
                    action=first.action,
                    counterparty=first.counterparty
                    or next((g[1].counterparty for g in group if g[1].counterparty), None),
                    deadline=first.deadline or next((g[1].deadline for g in group if g[1].deadline), None),
                    due=first.due or next((g[1].due for g in group if g[1].due), None),
                    sources=[g[0] for g in group],
                    evidence=[e for g in group for e in sourced(g[0], g[1])],
                    deadlines=[
                        SourcedDeadline(article=g[0], deadline=g[1].deadline, due=g[1].due)
                        for g in group
                        if g[1].deadline and len(group) > 1
                    ],
                )
            )
    return day
