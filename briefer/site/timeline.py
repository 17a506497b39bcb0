"""The timeline of open commitments against their due dates, laid out at build time for an inline SVG.

Across, time: every x is a percentage of the drawing's width, and everything else (rows, text, markers) is
in pixels, so the SVG fills any width without scaling its text: it reads the same at 390 px as at 1280 px.
Down, one row per commitment: its words on one line, below them its due date's marker on a line from today.
An overdue commitment differs by more than colour: a diamond rather than a circle, a dashed line running
back from today to its deadline, and the word "Overdue" before its words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from briefer.site.commitments import Commitment

ROW = 50  # pixels per commitment: its words, its line, the date below the marker
TOP = 24  # the month labels above the rows
BOTTOM = 24  # the "today" label below them
LABEL_CHARS = 48  # the words of a row ("Overdue: " included), cut to fit 350 px
EDGE = 4.0  # percent kept clear at each side
MONTH_LABELS = 5  # at most this many month labels, so they fit a phone's width


@dataclass(frozen=True)
class Mark:
    commitment: Commitment
    top: int  # the row's top, in pixels
    x: float  # the due date, in percent of the width
    label: str  # the row's words, cut to fit
    when: str  # the due date, short ("1 Dec")
    when_x: float  # where the date's words are centred: below the marker, kept inside the drawing
    line_from: float  # the line between today and the due date, in percent
    line_to: float

    @property
    def overdue(self) -> bool:
        return self.commitment.group == "overdue"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str

    @property
    def anchor(self) -> str:
        """A label near an edge is aligned to stay inside the drawing."""
        return "start" if self.x < 8 else "end" if self.x > 92 else "middle"


@dataclass(frozen=True)
class Timeline:
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    today: date
    today_x: float
    height: int
    overdue: int  # shown
    upcoming: int  # shown
    left_out: int  # dated open commitments not shown (the furthest from today)
    undated: int  # open commitments with no due date

    @property
    def today_label_x(self) -> float:
        return min(max(self.today_x, 14.0), 86.0)

    @property
    def description(self) -> str:
        """What the drawing shows, in words (its text alternative is the list beside it)."""
        if not self.marks:
            return "No open commitment has a due date."
        first, last = self.marks[0].commitment.due, self.marks[-1].commitment.due
        return (
            f"{self.overdue} overdue and {self.upcoming} upcoming commitments placed by their due dates, "
            f"from {_long(first)} to {_long(last)}; today is {_long(self.today)}."
        )


def _long(day: date | None) -> str:
    return "" if day is None else f"{day.day} {day:%B %Y}"


def short(day: date) -> str:
    return f"{day.day} {day:%b}" + (f" {day.year}" if day.month == 1 else "")


def timeline(items: Sequence[Commitment], today: date, overdue: int, upcoming: int) -> Timeline:
    """The open commitments with a due date: the `overdue` most recently due that are overdue and the
    `upcoming` soonest still to come, in date order."""
    dated = [c for c in items if c.open and c.due is not None]
    late = sorted((c for c in dated if c.group == "overdue"), key=lambda c: (c.due, c.id), reverse=True)[:overdue]
    ahead = sorted((c for c in dated if c.group != "overdue"), key=lambda c: (c.due, c.id))[:upcoming]
    shown = sorted([*late, *ahead], key=lambda c: (c.due or today, c.id))
    start = min([today, *(c.due for c in shown if c.due)]) - timedelta(days=3)
    end = max([today, *(c.due for c in shown if c.due)]) + timedelta(days=3)
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return round(EDGE + (day - start).days / span * (100 - 2 * EDGE), 2)

    marks = []
    for row, c in enumerate(shown):
        due = c.due or today
        room = LABEL_CHARS - (len("Overdue: ") if c.group == "overdue" else 0)
        label = f"{c.actor}: {c.action}"
        if len(label) > room:
            label = label[: room - 1].rstrip() + "…"
        at = x(due)
        when = min(max(at, 7.0), 93.0)
        marks.append(Mark(c, TOP + row * ROW, at, label, short(due), when, min(at, x(today)), max(at, x(today))))
    return Timeline(
        marks=tuple(marks),
        ticks=tuple(_ticks(start, end, x)),
        today=today,
        today_x=x(today),
        height=TOP + len(marks) * ROW + BOTTOM,
        overdue=len(late),
        upcoming=len(ahead),
        left_out=len(dated) - len(shown),
        undated=sum(1 for c in items if c.open and c.due is None),
    )


def _ticks(start: date, end: date, x: Callable[[date], float]) -> list[Tick]:
    """The first of each month in the window, at most MONTH_LABELS of them, evenly skipped."""
    firsts = []
    day = date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            firsts.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = -(-len(firsts) // MONTH_LABELS) if firsts else 1
    return [
        Tick(x(d), f"{d:%b}" + (f" {d.year}" if d.month == 1 or i == 0 else "")) for i, d in enumerate(firsts[::step])
    ]
