"""The ledger as the site shows it: each commitment with its status on the site's date, its group (overdue,
due soon, open, reported done), its sources, its page, and its actor's page."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from briefer.memory.history import Row
from briefer.memory.ledger import item
from briefer.memory.records import Entry, Sighting
from briefer.models import LedgerStatus
from briefer.offline.aliases import canonical
from briefer.output.templating import outlet, safe_url
from briefer.site.records import briefing_page, plain_slug

GROUPS = ("overdue", "due-soon", "open", "done")
GROUP_TITLES = {"overdue": "Overdue", "due-soon": "Due soon", "open": "Open", "done": "Reported done"}
_UNDATED = date.max  # sorts after every deadline


@dataclass(frozen=True)
class Source:
    """Where a statement came from: its outlet's name, and a link when it is a plain http(s) address."""

    label: str
    url: str | None

    @classmethod
    def of(cls, value: str) -> Source:
        return _source(value)


@functools.lru_cache(maxsize=4096)  # a ledger names the same few outlets thousands of times
def _source(value: str) -> Source:
    return Source(label=outlet(_Named(value)), url=safe_url(value))


@dataclass(frozen=True)
class _Named:
    source: str
    url: str | None = None


@dataclass(frozen=True)
class Seen:
    """One sighting as a commitment's page shows it."""

    day: date
    briefing: str  # the named briefing that saw it
    page: str  # that day's briefing page
    mark: LedgerStatus
    changed: tuple[str, ...]
    actor: str
    action: str
    counterparty: str | None
    deadline: str | None
    due: date | None
    quotes: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Commitment:
    """A ledger commitment on the site's date."""

    id: str
    actor: str  # as last stated
    action: str
    counterparty: str | None
    deadline: str | None  # as worded
    due: date | None
    status: LedgerStatus
    group: str  # one of GROUPS
    first_seen: date
    last_seen: date
    times_seen: int  # days it was seen on
    sources: tuple[Source, ...]  # every source that stated it, first seen first
    done_on: date | None
    done_quote: str | None
    actor_key: str  # its actor's page is actors/<actor_key>.html
    history: tuple[Seen, ...]

    @property
    def page(self) -> str:
        return f"c/{self.id}.html"

    @property
    def actor_page(self) -> str:
        return f"actors/{self.actor_key}.html"

    @property
    def open(self) -> bool:
        return self.group != "done"


def group_of(status: LedgerStatus, due: date | None, on: date, soon: int) -> str:
    if status in ("done", "overdue"):
        return status
    if due is not None and on <= due <= on + timedelta(days=soon):
        return "due-soon"
    return "open"


def page_id(ident: str) -> str:
    """A ledger id as a file name (ids are eight hex digits; anything else is hashed)."""
    return ident if re.fullmatch(r"[0-9a-f]{4,40}", ident) else hashlib.sha1(ident.encode()).hexdigest()[:12]


def commitments(entries: Sequence[Entry], on: date, soon: int) -> list[Commitment]:
    """The ledger's commitments as they stood on `on`, in the ledger's order (first seen first)."""
    keys = _actor_keys(entries)
    return [_commitment(e, on, soon, keys[_actor_name(e)]) for e in entries]


def _actor_name(entry: Entry) -> str:
    return canonical(entry.last.actor).casefold()


def _actor_keys(entries: Sequence[Entry]) -> dict[str, str]:
    """Each actor's file name, unique; made in sorted order so the same ledger gives the same names."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted({_actor_name(e) for e in entries}):
        key = plain_slug(name)
        if key in taken:
            key = f"{key}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"
        taken.add(key)
        keys[name] = key
    return keys


def _seen(s: Sighting) -> Seen:
    return Seen(
        day=s.day,
        briefing=s.name,
        page=briefing_page(s.name, s.day),
        mark=s.mark,
        changed=tuple(s.changed),
        actor=s.actor,
        action=s.action,
        counterparty=s.counterparty,
        deadline=s.deadline,
        due=s.due,
        quotes=tuple(s.quotes),
        sources=tuple(Source.of(src) for src in s.sources),
    )


def _commitment(entry: Entry, on: date, soon: int, actor_key: str) -> Commitment:
    status = entry.status(on)
    last = entry.last
    return Commitment(
        id=page_id(entry.id),
        actor=last.actor,
        action=last.action,
        counterparty=last.counterparty,
        deadline=entry.deadline,
        due=entry.due,
        status=status,
        group=group_of(status, entry.due, on, soon),
        first_seen=entry.first_seen,
        last_seen=last.day,
        times_seen=len({s.day for s in entry.sightings}),
        sources=tuple(Source.of(src) for src in dict.fromkeys(src for s in entry.sightings for src in s.sources)),
        done_on=entry.done_on,
        done_quote=entry.done_quote,
        actor_key=actor_key,
        history=tuple(_seen(s) for s in entry.sightings),
    )


def ordered(items: Sequence[Commitment], group: str) -> list[Commitment]:
    """A group's commitments in the order a reader wants them: overdue most recently due first, due soon and
    open soonest due first (undated last, latest seen first), done most recently done first."""
    chosen = [c for c in items if c.group == group]
    if group == "overdue":
        return sorted(chosen, key=lambda c: (-(c.due or _UNDATED).toordinal(), c.id))
    if group == "done":
        return sorted(chosen, key=lambda c: (-(c.done_on or c.last_seen).toordinal(), c.id))
    return sorted(chosen, key=lambda c: (c.due or _UNDATED, -c.last_seen.toordinal(), c.id))


def grouped(items: Sequence[Commitment]) -> dict[str, list[Commitment]]:
    return {group: ordered(items, group) for group in GROUPS}


@dataclass(frozen=True)
class Actor:
    key: str
    name: str  # as most recently stated
    commitments: tuple[Commitment, ...]  # in group order

    @property
    def page(self) -> str:
        return f"actors/{self.key}.html"

    def count(self, group: str) -> int:
        return sum(1 for c in self.commitments if c.group == group)


def actors(items: Sequence[Commitment]) -> list[Actor]:
    """Every actor with its commitments, by name."""
    by_key: dict[str, list[Commitment]] = {}
    for c in items:
        by_key.setdefault(c.actor_key, []).append(c)
    result = []
    for key, own in by_key.items():
        latest = max(own, key=lambda c: (c.last_seen, c.id))
        in_order = [c for group in GROUPS for c in ordered(own, group)]
        result.append(Actor(key=key, name=canonical(latest.actor), commitments=tuple(in_order)))
    return sorted(result, key=lambda a: (a.name.casefold(), a.key))


def rows(entries: Sequence[Entry], on: date) -> list[Row]:
    """The ledger as `briefer commitments list` gives it (and `commitments export --ics` exports it)."""
    return [
        Row(
            **item(e, e.status(on)).model_dump(),
            times_seen=len({s.day for s in e.sightings}),
            sources=list(dict.fromkeys(src for s in e.sightings for src in s.sources)),
        )
        for e in entries
    ]
