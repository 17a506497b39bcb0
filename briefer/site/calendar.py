"""The site's commitments.ics: the ledger's deadlines exactly as `briefer commitments export --ics` writes them,
assembled event by event, so that a build makes again only the events of the commitments that changed.

Each event's DTSTAMP is the day its commitment's status took effect (seen, overdue, done) rather than the
build's clock: the same ledger gives the same file, and an unchanged commitment keeps its event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta

from briefer.memory.history import Row, ics
from briefer.site.commitments import Commitment
from briefer.site.writing import fingerprint

END = "END:VCALENDAR\r\n"


def since(c: Commitment) -> datetime:
    """When a commitment's status took effect: the day reported done, the day after its deadline, else the day
    it was last seen."""
    day = c.last_seen
    if c.status == "done" and c.done_on is not None:
        day = c.done_on
    elif c.status == "overdue" and c.due is not None:
        day = max(c.due + timedelta(days=1), c.last_seen)
    return datetime.combine(day, time(0), UTC)


def calendar(rows: Sequence[Row], items: Sequence[Commitment], cached: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The calendar of `rows` (each with the commitment it is, in `items`), and its events by fingerprint:
    those in `cached` are reused as they are."""
    empty = ics([]).decode("utf-8")
    head = empty.removesuffix(END)
    events: dict[str, str] = {}
    for row, item in zip(rows, items, strict=True):
        if row.due is None:
            continue  # no deadline, no event
        stamp = since(item)
        key = fingerprint(row.model_dump_json(), stamp.isoformat())
        event = cached.get(key)
        if event is None:
            alone = ics([row], stamp=stamp).decode("utf-8")
            if not (alone.startswith(head) and alone.endswith(END)):  # not the shape expected: the whole file
                return ics(rows, stamp=stamp).decode("utf-8"), {}
            event = alone[len(head) : -len(END)]
        events[key] = event
    return head + "".join(events.values()) + END, events
