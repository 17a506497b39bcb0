"""Whether a fact of the day reports a ledger commitment done: its actor named and most of its action's words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefer.day.commitments import actor_words
from briefer.day.sameness import words
from briefer.memory.records import Entry
from briefer.models import ArticleBrief, DayCommitment
from briefer.offline.aliases import canonical

DELIVERED_SHARE = 0.75  # of the action's words a fact must hold to report the commitment done
ROOT = 5  # letters two words share to count as one ("dredge", "dredged")


def _root(word: str) -> str:
    return word[:ROOT]


# A sentence that says a thing was not done, is not done yet, is put off or is still only promised reports no
# delivery ("did not reopen the bridge", "has yet to reopen", "will reopen", "postponed the reopening").
_UNDONE = re.compile(
    r"\b(?:not|never|no longer|yet to|fail(?:s|ed)? to|still|delay(?:s|ed)?|postpone[sd]?|put off|will|would|"
    r"shall|plans?|intends?|aims?|expects?|hopes?|promise[sd]?|pledge[sd]?|vow(?:s|ed)?|commit(?:s|ted)? to)\b"
    r"|n[’']t\b",
    re.IGNORECASE,
)


class Reports:
    """The day's grounded facts, each with its words, indexed by word: where to look for a sign of delivery."""

    def __init__(self, briefs: Sequence[ArticleBrief], day: Sequence[DayCommitment]) -> None:
        pledged = {e.quote for c in day for e in c.evidence}
        self.facts: list[tuple[str, frozenset[str], frozenset[str]]] = []  # quote, words, roots
        self.index: dict[str, list[int]] = {}
        for brief in briefs:
            for fact in brief.facts:
                if not fact.grounded or not fact.evidence or fact.evidence[0].quote in pledged:
                    continue
                if _UNDONE.search(fact.statement):
                    continue
                said = words(fact.statement) | words(canonical(fact.statement))
                for w in said:
                    self.index.setdefault(w, []).append(len(self.facts))
                self.facts.append((fact.evidence[0].quote, said, frozenset(_root(w) for w in said)))

    def naming(self, name: frozenset[str]) -> list[int]:
        """The facts whose words hold every word of `name`, in order."""
        postings = [set(self.index.get(w, ())) for w in name]
        return sorted(set.intersection(*postings)) if postings else []


def delivered(entry: Entry, briefs: Sequence[ArticleBrief] | Reports, day: Sequence[DayCommitment]) -> str | None:
    """The quote of a fact of the day that reports a ledger commitment done: it names the actor and holds most
    of the action's words (by their first letters, so "dredge" finds "dredged"); a sentence the day also
    states a commitment with does not count, nor one that says it was not done, not yet, put off or still
    only promised."""
    reports = briefs if isinstance(briefs, Reports) else Reports(briefs, day)
    action = {_root(w) for w in words(entry.last.action)}
    if len(action) < 2:
        return None
    for n in reports.naming(actor_words(entry.actor)):
        quote, _, roots = reports.facts[n]
        if len(action & roots) >= DELIVERED_SHARE * len(action):
            return quote
    return None
