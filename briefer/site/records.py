"""What the site reads of the history store: the runs kept up to a date, each briefing's summary for the index
and the feed, and where each page lives.

A run is known by a cheap key (its number in the store, briefing name, date and when it was generated), so a
run summarised by an earlier build is not read or parsed again; a run made again has a new key.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from briefer.memory.store import DEFAULT_NAME, Store
from briefer.models import Briefing

SUMMARY_VERSION = 1  # bump when Summary changes, so cached summaries are made again
BOTTOM_LINE_CHARS = 600  # the index shows this much of a day's bottom line
HEADLINES = 60  # the feed lists this many of a day's articles


@dataclass(frozen=True)
class Run:
    """A run kept in the history store, and its page."""

    number: int  # its id in the store
    name: str
    day: date
    generated_at: str
    page: str

    @property
    def key(self) -> str:
        """What tells this run from another, or from the run that replaced it."""
        return f"{self.number}|{self.name}|{self.day.isoformat()}|{self.generated_at}"


def briefing_page(name: str, day: date, number: int | None = None) -> str:
    """A run's page: `briefings/2026-12-01.html`, a named briefing's `briefings/2026-12-01-morning.html`; a
    further run of the same briefing and day (runs of other sources) adds its number."""
    suffix = "" if name == DEFAULT_NAME else "-" + slug(name)
    more = "" if number is None else f"-{number}"
    return f"briefings/{day.isoformat()}{suffix}{more}.html"


def plain_slug(name: str) -> str:
    """`name` as lower-case letters, digits and dashes (a short hash when nothing is left of it)."""
    plain = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:48].strip("-")
    return plain or hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


def slug(name: str) -> str:
    """A file name for `name` that no other name has: its plain slug, with a short hash of the name when the
    slug is not the name itself ("Morning news", "morning-news" and "morning news" get three files)."""
    plain = plain_slug(name)
    return plain if plain == name else f"{plain}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"


def kept_runs(store: Store, through: date) -> list[Run]:
    """The runs dated up to `through`, newest first (by date, then name). The first run of a briefing and day
    has the day's page; a further one (of other sources, without --briefing) a page with its number."""
    stored = sorted((r for r in store.runs() if r.date <= through), key=lambda r: (r.name, r.date, r.number))
    runs: list[Run] = []
    for run in stored:
        first = not runs or (runs[-1].name, runs[-1].day) != (run.name, run.date)
        page = briefing_page(run.name, run.date, None if first else run.number)
        runs.append(Run(run.number, run.name, run.date, run.generated_at, page))
    return sorted(runs, key=lambda r: (-r.day.toordinal(), r.name, r.number))


@dataclass(frozen=True)
class Summary:
    """What the index, the month pages and the feed show of one briefing."""

    title: str
    articles: int
    bottom_line: str
    new: int  # commitments seen for the first time that day
    overdue: int  # the day's overdue commitments, restated or not
    ledger_ids: tuple[str, ...]  # the ledger ids the briefing names (its page links them)
    headlines: tuple[tuple[str, str | None], ...]  # (title, URL) of its first articles

    @classmethod
    def of(cls, briefing: Briefing) -> Summary:
        marks = [c.status for c in briefing.commitments]
        ids = [c.ledger_id for c in briefing.commitments if c.ledger_id]
        ids += [i.id for i in (*briefing.overdue, *briefing.due_soon, *briefing.done)]
        return cls(
            title=briefing.title,
            articles=len(briefing.articles),
            bottom_line=_shortened(" ".join(briefing.overview.split()), BOTTOM_LINE_CHARS),
            new=marks.count("new"),
            overdue=marks.count("overdue") + len(briefing.overdue),
            ledger_ids=tuple(sorted(set(ids))),
            headlines=tuple((a.title, a.url) for a in briefing.articles[:HEADLINES]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "articles": self.articles,
            "bottom_line": self.bottom_line,
            "new": self.new,
            "overdue": self.overdue,
            "ledger_ids": list(self.ledger_ids),
            "headlines": [list(h) for h in self.headlines],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        return cls(
            title=str(data["title"]),
            articles=int(data["articles"]),
            bottom_line=str(data["bottom_line"]),
            new=int(data["new"]),
            overdue=int(data["overdue"]),
            ledger_ids=tuple(str(i) for i in data["ledger_ids"]),
            headlines=tuple((str(t), None if u is None else str(u)) for t, u in data["headlines"]),
        )


def _shortened(text: str, limit: int) -> str:
    """`text` cut at a word before `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"
