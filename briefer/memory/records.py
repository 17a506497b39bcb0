"""What the history store reads and writes: ledger commitments with their sightings, runs, a day's sightings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from briefer.models import LedgerStatus


@dataclass(frozen=True)
class Sighting:
    """One day's statement of a ledger commitment."""

    day: date
    name: str  # the briefing that saw it
    actor: str
    action: str
    counterparty: str | None
    deadline: str | None
    due: date | None
    mark: LedgerStatus
    changed: list[str]
    quotes: list[str]
    sources: list[str]  # outlets or URLs


@dataclass
class Entry:
    """A commitment of the ledger with its sightings, oldest first."""

    id: str
    actor: str
    action: str
    first_seen: date
    done_on: date | None = None
    done_quote: str | None = None
    sightings: list[Sighting] = field(default_factory=list)

    @property
    def last(self) -> Sighting:
        return self.sightings[-1]

    @property
    def due(self) -> date | None:
        """The deadline as last stated (an earlier sighting's when the last gave none)."""
        return next((s.due for s in reversed(self.sightings) if s.due), None)

    @property
    def deadline(self) -> str | None:
        return next((s.deadline for s in reversed(self.sightings) if s.deadline), None)

    def status(self, on: date) -> LedgerStatus:
        """Its status on a day: done once a fact reported it delivered, overdue once its deadline passed,
        else the mark of its last sighting."""
        if self.done_on is not None and self.done_on <= on:
            return "done"
        due = self.due
        if due is not None and due < on:
            return "overdue"
        return self.last.mark


@dataclass(frozen=True)
class StoredRun:
    name: str
    date: date
    generated_at: str
    articles: int
    commitments: int


@dataclass(frozen=True)
class NewSighting:
    """What a run records of one commitment of its day."""

    id: str
    first_seen: date
    actor: str
    action: str
    counterparty: str | None
    deadline: str | None
    due: date | None
    mark: LedgerStatus
    changed: Sequence[str]
    quotes: Sequence[str]
    sources: Sequence[str]
