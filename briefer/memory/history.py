"""Reading the history store for the user: the commitments ledger (list, show, calendar export) and the runs
kept (`briefer commitments ...`, `briefer history ...`). The CLI only adapts these."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from briefer.config import Settings
from briefer.errors import UsageError
from briefer.memory.records import Entry, StoredRun, rerun_later
from briefer.memory.store import Store, open_store, store_path
from briefer.models import Briefing, LedgerItem, LedgerStatus
from briefer.offline.aliases import canonical

FORMATS = ("table", "json", "csv")


class Row(LedgerItem):
    """A ledger commitment as `briefer commitments list` prints it: as a briefing lists it, with how many days
    it was seen on and every source that stated it."""

    times_seen: int
    sources: list[str]


def parse_within(value: str) -> timedelta:
    """`--due-within`: a count of days or weeks with its unit ("7d", "2w"); a bare number is refused, since
    it says neither."""
    match = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", value.lower())
    if match is None:
        raise UsageError(f"--due-within: '{value}' is not a span: give days or weeks with the unit (7d, 2w)")
    count = int(match.group(1))
    return timedelta(weeks=count) if match.group(2) == "w" else timedelta(days=count)


def _row(entry: Entry, on: date) -> Row:
    from briefer.memory.ledger import item

    return Row(
        **item(entry, entry.status(on)).model_dump(),
        times_seen=len({s.day for s in entry.sightings}),
        sources=list(dict.fromkeys(src for s in entry.sightings for src in s.sources)),
    )


def _entries(settings: Settings, on: date | None) -> tuple[date, list[Entry]]:
    """The ledger as it stood on `on`, and that date: by default the latest briefing's (never the clock's,
    so a status is what the briefings said); today when no run was kept."""
    with open_store(store_path(settings.dirs.data), create=False) as store:
        day = on or store.latest_day() or datetime.now().date()
        return day, store.ledger(through=day)


def commitments(
    settings: Settings,
    on: date | None = None,
    actor: str | None = None,
    status: str | None = None,
    due_within: timedelta | None = None,
) -> list[Row]:
    """The ledger as it stood on `on` (by default the latest briefing's date), filtered: the actor's name
    holds `actor` (through aliases: "DPRK" finds North Korea), the status is `status`, the deadline falls
    within `due_within` of `on` (not passed)."""
    if status is not None and status not in LedgerStatus.__args__:  # type: ignore[attr-defined]
        raise UsageError(f"--status: '{status}' is not one of {', '.join(LedgerStatus.__args__)}")  # type: ignore[attr-defined]
    on, entries = _entries(settings, on)
    rows = [_row(e, on) for e in entries]
    if actor:
        wanted = canonical(actor).casefold()
        rows = [r for r in rows if wanted in canonical(r.actor).casefold() or actor.casefold() in r.actor.casefold()]
    if status:
        rows = [r for r in rows if r.status == status]
    if due_within is not None:
        rows = [r for r in rows if r.due is not None and on <= r.due <= on + due_within and r.status != "done"]
    return rows


def _cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: article text starting with = + - @ is prefixed with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _aligned(table: list[list[str]]) -> str:
    """Rows of cells as plain-text columns, two spaces apart."""
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() + "\n" for line in table
    )


def format_rows(rows: Sequence[Row], fmt: str) -> str:
    """The rows as an aligned table, JSON (a list of objects) or CSV."""
    if fmt == "json":
        return json.dumps([r.model_dump(mode="json") for r in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        fields = [f for f in Row.model_fields if f not in ("quote", "source")]
        writer.writerow(fields)
        for r in rows:
            data = r.model_dump(mode="json")
            writer.writerow([_cell("; ".join(data[f]) if f == "sources" else data[f]) for f in fields])
        return out.getvalue()
    if fmt != "table":
        raise UsageError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    if not rows:
        return "no commitments\n"
    table = [["ID", "STATUS", "DUE", "ACTOR", "COMMITMENT", "FIRST SEEN", "LAST SEEN"]]
    for r in rows:
        action = r.action if len(r.action) <= 60 else r.action[:59] + "…"
        due = r.due.isoformat() if r.due else (r.deadline or "–")
        table.append([r.id, r.status, due, r.actor, action, r.first_seen.isoformat(), r.last_seen.isoformat()])
    return _aligned(table)


def show(settings: Settings, ident: str, on: date | None = None) -> str:
    """A commitment's history up to `on` (by default the latest briefing's date), sighting by sighting, with
    quotes and sources; its status says the briefing date it took effect."""
    key = ident.strip().lower()
    if not key:
        raise UsageError("commitments show: name a commitment's id (`briefer commitments list` shows them)")
    on, entries = _entries(settings, on)
    matches = [e for e in entries if e.id.startswith(key)]
    if not matches:
        later = [e for e in _entries(settings, date.max)[1] if e.id.startswith(key)]
        if later:
            raise UsageError(f"{ident}: first seen {later[0].first_seen.isoformat()}, after {on.isoformat()}")
        raise UsageError(f"{ident}: no such commitment in the ledger (`briefer commitments list` shows the ids)")
    if len(matches) > 1:
        raise UsageError(f"{ident}: more than one commitment starts so ({', '.join(e.id for e in matches[:5])})")
    entry = matches[0]
    status, since = entry.status(on), entry.status_since(on)
    lines = [
        f"{entry.id}  {entry.last.actor}: {entry.last.action}",
        f"status: {status} {'since' if status == 'overdue' else 'on'} {since.isoformat()}"
        + (f" (the ledger as of {on.isoformat()})" if since != on else ""),
        f"first seen {entry.first_seen.isoformat()}, last seen {entry.last.day.isoformat()}",
    ]
    if entry.due or entry.deadline:
        lines.append(f"deadline: {entry.due.isoformat() if entry.due else ''} {entry.deadline or ''}".rstrip())
    if entry.last.counterparty:
        lines.append(f"to: {entry.last.counterparty}")
    for s in entry.sightings:
        lines.append("")
        head = f"{s.day.isoformat()} ({s.name}): {s.mark}"
        lines.append(head + (f": {'; '.join(s.changed)}" if s.changed else ""))
        if s.action != entry.last.action or s.actor != entry.last.actor:
            lines.append(f"  as stated: {s.actor}: {s.action}")
        if s.deadline:
            lines.append(f"  deadline: {s.deadline}" + (f" ({s.due.isoformat()})" if s.due else ""))
        lines.extend(f"  “{q}”" for q in s.quotes)
        lines.extend(f"  source: {src}" for src in s.sources)
    if entry.done_on and entry.done_quote:
        lines += ["", f"{entry.done_on.isoformat()}: reported done", f"  “{entry.done_quote}”"]
    return "\n".join(lines) + "\n"


def ics(rows: Sequence[Row], stamp: datetime | None = None) -> bytes:
    """The rows' deadlines as an iCalendar file: one all-day event per commitment with a date."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//briefer//commitments ledger//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "briefer: commitments")
    now = stamp or datetime.now().astimezone()
    for r in rows:
        if r.due is None:
            continue
        event = Event()
        event.add("uid", f"{r.id}@briefer")
        event.add("dtstamp", now)
        event.add("dtstart", r.due)
        event.add("dtend", r.due + timedelta(days=1))
        event.add("summary", f"{r.actor}: {r.action}")
        details = [f"Status: {r.status}", f"First seen: {r.first_seen.isoformat()}"]
        if r.counterparty:
            details.append(f"To: {r.counterparty}")
        if r.deadline:
            details.append(f"Deadline as stated: {r.deadline}")
        if r.quote:
            details.append(f"“{r.quote}”")
        details.extend(f"Source: {s}" for s in r.sources)
        event.add("description", "\n".join(details))
        event.add("categories", ["briefer", r.status])
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def runs(settings: Settings, name: str | None = None) -> list[StoredRun]:
    with open_store(store_path(settings.dirs.data), create=False) as store:
        return store.runs(name)


def _sources(run: StoredRun, width: int = 60) -> str:
    """A run's sources, shortened to their last `width` characters, where paths differ ("–" when not
    recorded)."""
    said = ", ".join(run.sources) or "–"
    return said if len(said) <= width else "…" + said[1 - width :]


def format_runs(kept: Sequence[StoredRun]) -> str:
    if not kept:
        return "no runs kept\n"
    table = [["DATE", "BRIEFING", "RUN", "ARTICLES", "COMMITMENTS", "GENERATED", "SOURCES"]]
    table += [
        [
            r.date.isoformat(),
            r.name,
            str(r.number),
            str(r.articles),
            str(r.commitments),
            r.generated_at[:19],
            _sources(r),
        ]
        for r in kept
    ]
    return _aligned(table)


def _chosen(store: Store, which: str, name: str | None, command: str) -> StoredRun:
    """The run `which` names, of the briefing `name`: its number (`briefer history list`), a date, or latest."""
    if which.isdigit():
        run = store.run(int(which))
        if run is None or (name is not None and run.name != name):
            raise UsageError(f"{which}: no run kept under that number (`briefer history list` shows them)")
        return run
    if which == "latest":
        kept = store.runs(name)
        if not kept:
            raise UsageError("no runs kept" + (f" for the briefing {name}" if name else ""))
        return max(kept, key=lambda r: (r.date, r.number))
    try:
        if len(which) != 10:
            raise ValueError(which)
        day = date.fromisoformat(which)
    except ValueError:
        raise UsageError(
            f"{which}: not a run (a date YYYY-MM-DD, latest, or a number from `briefer history list`)"
        ) from None
    kept = store.runs(name, day)
    if not kept:
        raise UsageError(f"{which}: no run kept on that date (`briefer history list` shows them)")
    if len(kept) > 1:
        named = "; ".join(f"{r.number}: {r.name}" + ("" if r.named else f" of {_sources(r, 40)}") for r in kept[:5])
        raise UsageError(
            f"{which}: {len(kept)} runs kept that day ({named}); name one by its number: "
            f"`briefer history {command} {kept[0].number}`"
        )
    return kept[0]


def briefing(settings: Settings, which: str, name: str | None = None) -> Briefing:
    """The briefing a run kept: `which` is its number, its date (ISO) or "latest"."""
    with open_store(store_path(settings.dirs.data), create=False) as store:
        run = _chosen(store, which, name, "show")
        found = store.briefing_of(run.number)
    if found is None:
        raise UsageError(f"{which}: no run kept on that date")
    return found


def forget(settings: Settings, which: str, name: str | None = None) -> str:
    """Drop a run from the history store (its number, date or "latest"); what was dropped, in a line, and which
    later runs were marked with it, with the commands that mark them again."""
    with open_store(store_path(settings.dirs.data), create=False) as store:
        run = _chosen(store, which, name, "forget")
        store.forget(run.number)
        later = store.later(run.date)
    said = f"forgot {run.label()}: {run.articles} articles, {run.commitments} commitments"
    return rerun_later(said, later, "with it") if later else said
