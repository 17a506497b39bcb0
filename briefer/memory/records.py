"""What the history store reads and writes: ledger commitments with their sightings, runs, a day's sightings."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from briefer.models import LedgerStatus

DEFAULT_NAME = "default"  # the name runs without --briefing are kept under


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

    def status_since(self, on: date) -> date:
        """The briefing date its status on `on` took effect: the day a fact reported it delivered, the day after
        its deadline, else the day of the sighting that marked it."""
        status = self.status(on)
        if status == "done" and self.done_on is not None:
            return self.done_on
        due = self.due
        if status == "overdue" and due is not None and due < on:
            return due + timedelta(days=1)
        return self.last.day


@dataclass(frozen=True)
class StoredRun:
    """A run kept: its briefing's name, date and number, and for a run without --briefing its sources."""

    name: str
    date: date
    generated_at: str
    articles: int
    commitments: int
    number: int = 0  # its id in the store (`briefer history show NUMBER`)
    key: str = ""  # '' for a named briefing's run; a hash of the sources for a run without --briefing
    sources: tuple[str, ...] = ()  # as resolved: absolute paths, URLs, "-" for standard input

    @property
    def named(self) -> bool:
        return not self.key and self.name != DEFAULT_NAME

    def label(self) -> str:
        """How a message names it: "the morning briefing of 2026-12-02", "the run of 2026-12-02 (#7)"."""
        if self.named:
            return f"the {self.name} briefing of {self.date.isoformat()}"
        return f"the run of {self.date.isoformat()} (#{self.number})"

    def command(self) -> str:
        """The command that makes this run again (as of its date); a run without --briefing names its sources."""
        day = f"--date {self.date.isoformat()}"
        if self.named:
            return f"briefer run --briefing {shlex.quote(self.name)} {day}"
        if not self.sources:
            return f"briefer run SOURCES {day}"  # kept before briefer recorded the sources
        return f"briefer run {' '.join(shlex.quote(s) for s in self.sources)} {day}"


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


RERUN_SHOWN = 5  # later runs named, with their commands, when the ledger changes under them


def rerun_later(what: str, later: Sequence[StoredRun], how: str = "without it") -> str:
    """One line: `what` changed the ledger under runs dated later (marked `how`), which runs (of which
    briefing), and the command that marks each again, oldest first."""
    shown = "; ".join(f"{run.label()}: `{run.command()}`" for run in later[:RERUN_SHOWN])
    more = f"; and {len(later) - RERUN_SHOWN} more (`briefer history list`)" if len(later) > RERUN_SHOWN else ""
    if len(later) == 1:
        return f"{what}, but a later run was marked {how}; to mark it again, run {shown}"
    return f"{what}, but {len(later)} later runs were marked {how}; to mark them again, run oldest first: {shown}{more}"
