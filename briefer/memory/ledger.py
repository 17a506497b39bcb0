"""The commitments ledger: the day's commitments marked against those of earlier days, and what changed.

Each commitment of the day is matched against the ledger's (every commitment the store saw before the
briefing's date): the same actor (through aliases, a fuller name holding a shorter one) and the same
substance (`day_commitments.same_pledge`: the same words, or some words and the same figure). Matched, it
is `reaffirmed` (keeping the date first seen), or `changed` when its deadline, its figure or its
counterparty moved (what changed is said in words); unmatched, it is `new`. A pair of one actor whose
words half agree is uncertain: with a model, the caller has it judged (`uncertain`, then `judged`);
offline it stays apart. A ledger commitment whose deadline passed is `overdue` unless a fact of a later
day reports it done (its actor named and most of its action's words in one sentence): then it is `done`.
Every date comes from the briefing, never the clock.

The parts live in their own modules: the candidates and verdicts in `matching`, delivery in `delivery`, what
changed since the previous run in `since_last`; this module marks the day and re-exports what its callers use.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from briefer.dates import resolve_deadline
from briefer.day.commitments import actor_words, same_actor
from briefer.day.sameness import words
from briefer.memory.delivery import Reports, delivered
from briefer.memory.matching import candidates
from briefer.memory.records import Entry, NewSighting
from briefer.models import ArticleBrief, DayCommitment, LedgerItem, LedgerStatus, MovedFact, StatusChange

if TYPE_CHECKING:
    from briefer.day.figures import Figure

# The ledger as callers outside this package use it (`ledger.mark`, `ledger.uncertain`, ...).

DUE_SOON_DAYS = 7


def ledger_id(actor: str, action: str, first_seen: date) -> str:
    """A short id that stays the same when the same day is run again."""
    key = "|".join([" ".join(sorted(actor_words(actor))), " ".join(sorted(words(action))), first_seen.isoformat()])
    return hashlib.sha1(key.encode()).hexdigest()[:8]


def _changes(c: DayCommitment, entry: Entry) -> tuple[list[str], tuple[str, str] | None]:
    """What moved between the ledger's last statement of a commitment and today's, in words, and the figure
    that moved (was, now), if one did."""
    said: list[str] = []
    before = entry.due
    if c.due and before and c.due != before:
        said.append(f"deadline {before.isoformat()} → {c.due.isoformat()}")
    elif c.due and not before and not entry.deadline:  # a deadline worded before counts as given
        said.append(f"deadline set: {c.due.isoformat()}")
    moved = _figure_change(entry.last.action, c.action)
    if moved:
        said.append(f"{moved[0]} → {moved[1]}")
    was = entry.last.counterparty
    if c.counterparty and was and not same_actor(actor_words(c.counterparty), actor_words(was)):
        said.append(f"to {was} → to {c.counterparty}")
    return said, moved


_AMOUNT = (
    r"[£€$¥]?\s?\d[\d,.]*(?:\s?(?:thousand|millions?|billions?|trillion|bn|mn|tn|m|k|b)\b)?"
    r"(?:\s?(?:%|per\s?cent\b|percent\b))?"
)
# A figure a wording gives as the earlier value ("up from 1.1 billion euros", "compared with 30 million", "from
# 12 to 14 ships") is not the one it states now; the word after it (its measure) goes with it.
_EARLIER = re.compile(
    r"\b(?:(?:up|down|rising|falling|increased|decreased|raised|lowered|cut|reduced|revised|trimmed|lifted)\s+"
    r"from|compared\s+(?:with|to)|previously|originally|formerly|instead\s+of|rather\s+than)\s+"
    rf"(?:the\s+|an?\s+)?(?:earlier\s+|previous\s+|original\s+|initial\s+)?{_AMOUNT}(?:\s+[A-Za-z]+)?"
    rf"|\bfrom\s+{_AMOUNT}(?=\s+to\s+[£€$¥]?\s?\d)",
    re.IGNORECASE,
)


def _stated(text: str) -> list[Figure]:
    """The figures a wording states as its own: not one it disputes, nor one it gives as the earlier value."""
    from briefer.day.figures import figures

    return [f for f in figures(_EARLIER.sub(" ", text)) if not f.disputed and f.measure]


def _figure_change(before: str, after: str) -> tuple[str, str] | None:
    """(was, now) when one undertaking's figure of one measure has another value ("hire 120 teachers", then
    "recruit 150 teachers"); a figure the new wording disputes ("rather than the 20-bed") or gives as the
    earlier one ("1.3 billion euros, up from 1.1 billion euros") is not today's."""
    old, new = _stated(before), _stated(after)
    kept = {(f.value, f.measure) for f in new}
    for x in old:
        if (x.value, x.measure) in kept:
            continue
        for y in new:
            if y.measure == x.measure and y.value != x.value:
                return x.show(), y.show()
    return None


def _quotes(c: DayCommitment) -> list[str]:
    return [e.quote for e in c.evidence]


def _sources(c: DayCommitment, outlets: dict[str, str]) -> list[str]:
    return list(dict.fromkeys(outlets.get(a, a) for a in c.sources))


def outlets(briefs: Sequence[ArticleBrief]) -> dict[str, str]:
    """Each article's URL, else its outlet (never a local path), as the ledger names a source."""
    from briefer.output.templating import outlet

    return {b.id: b.url or outlet(b) for b in briefs}


@dataclass
class Marked:
    """The day's commitments with their marks, what the store records, and the ledger's dues."""

    commitments: list[DayCommitment]
    sightings: list[NewSighting]
    overdue: list[LedgerItem] = field(default_factory=list)
    due_soon: list[LedgerItem] = field(default_factory=list)
    done: list[LedgerItem] = field(default_factory=list)
    delivered: list[tuple[str, str]] = field(default_factory=list)  # ledger id, the fact's quote
    status: list[StatusChange] = field(default_factory=list)
    moved: list[MovedFact] = field(default_factory=list)  # the day's commitments whose figure moved


def item(entry: Entry, status: LedgerStatus) -> LedgerItem:
    """A ledger commitment as a briefing lists it, as last stated."""
    last = entry.last
    return LedgerItem(
        id=entry.id,
        actor=last.actor,
        action=last.action,
        counterparty=last.counterparty,
        deadline=entry.deadline,
        due=entry.due,
        status=status,
        first_seen=entry.first_seen,
        last_seen=last.day,
        quote=last.quotes[0] if last.quotes else "",
        source=last.sources[0] if last.sources else "",
    )


def mark(
    day: Sequence[DayCommitment],
    entries: Sequence[Entry],
    today: date,
    briefs: Sequence[ArticleBrief],
    judged: Set[tuple[int, str]] = frozenset(),
    previous: date | None = None,
    soon: int = DUE_SOON_DAYS,
    vetoed: Set[tuple[int, str]] = frozenset(),
    anchors: Mapping[str, date] | None = None,
) -> Marked:
    """Mark the day's commitments against the ledger `entries` (seen before `today`); `judged` holds the
    uncertain pairs (day index, ledger id) a model (or the offline judge) confirmed, `vetoed` those the cheap
    rule took that act on different things; `previous` is the date of the briefing's
    previous run, for the status changes since then; `soon` is the "due soon" window in days; `anchors` the
    day each article was first briefed (by article id), which an undated article's deadline counts from."""
    sources = outlets(briefs)
    result = Marked([], [])
    seen: dict[str, Entry] = {}
    for i, c in enumerate(day):
        if c.due is None and c.deadline:  # an undated article: from the day it was first seen, else today
            since = min((anchors or {}).get(a, today) for a in c.sources) if c.sources else today
            c = c.model_copy(update={"due": resolve_deadline(c.deadline, since)})
        entry = _matched(i, candidates(c, entries), seen, judged, vetoed)
        if entry is not None:
            seen[entry.id] = entry
        marked, sighting, moved = _marked(c, entry, today, sources)
        result.commitments.append(marked)
        result.sightings.append(sighting)
        if moved is not None and entry is not None and c.evidence:
            previous_words = entry.last.quotes[0] if entry.last.quotes else entry.last.action
            result.moved.append(
                MovedFact(
                    statement=c.evidence[0].quote,
                    was=moved[0],
                    now=moved[1],
                    article=c.evidence[0].article,
                    previous=previous_words,
                )
            )
    _follow_ledger(result, entries, seen, today, Reports(briefs, day), day, soon)
    result.due_soon += _due_soon_today(result.commitments, today, soon, sources)
    result.due_soon.sort(key=lambda item: (item.due or today, item.id))
    result.overdue.sort(key=lambda item: (item.due or today, item.id))
    if previous is not None:
        result.status = _status_changes(result, entries, previous)
    return result


def _matched(
    i: int,
    found: Sequence[tuple[float, Entry, bool]],
    seen: Mapping[str, Entry],
    judged: Set[tuple[int, str]],
    vetoed: Set[tuple[int, str]],
) -> Entry | None:
    """The ledger commitment the day's `i`th commitment restates, of its `found` candidates: the closest the
    cheap rule takes and nothing vetoed, else one the judge confirmed; never one an earlier commitment took."""
    entry = next((e for _, e, same in found if same and e.id not in seen and (i, e.id) not in vetoed), None)
    if entry is None:
        entry = next((e for _, e, _ in found if (i, e.id) in judged and e.id not in seen), None)
    return entry


def _marked(
    c: DayCommitment, entry: Entry | None, today: date, sources: dict[str, str]
) -> tuple[DayCommitment, NewSighting, tuple[str, str] | None]:
    """A commitment of the day with its mark (new, reaffirmed, changed or overdue against `entry`, the ledger
    commitment it restates), the sighting the store records of it, and its figure that moved (was, now)."""
    status: LedgerStatus
    said: list[str] = []
    moved = None
    if entry is None:
        status, first, ident = "new", today, ledger_id(c.actor, c.action, today)
    else:
        said, moved = _changes(c, entry)
        status, first, ident = ("changed" if said else "reaffirmed"), entry.first_seen, entry.id
    due = c.due or (entry.due if entry else None)
    if entry is not None and due is not None and due < today:
        status = "overdue"
    marked = c.model_copy(update={"ledger_id": ident, "status": status, "first_seen": first, "changed": said})
    sighting = NewSighting(
        id=ident,
        first_seen=first,
        actor=c.actor,
        action=c.action,
        counterparty=c.counterparty,
        deadline=c.deadline or (entry.deadline if entry else None),
        due=due,
        mark=status,
        changed=said,
        quotes=_quotes(c),
        sources=_sources(c, sources),
    )
    return marked, sighting, moved


def _follow_ledger(
    result: Marked,
    entries: Sequence[Entry],
    seen: Mapping[str, Entry],
    today: date,
    reports: Reports,
    day: Sequence[DayCommitment],
    soon: int,
) -> None:
    """The ledger commitments the day did not restate, into `result`: done when a fact of the day reports them
    delivered, else overdue, or due within `soon` days."""
    for entry in entries:
        if entry.id in seen or entry.status(today) == "done":
            continue
        quote = delivered(entry, reports, day)
        if quote is not None:
            result.delivered.append((entry.id, quote))
            result.done.append(item(entry, "done").model_copy(update={"quote": quote}))
        elif entry.status(today) == "overdue":
            result.overdue.append(item(entry, "overdue"))
        elif entry.due is not None and entry.due <= today + timedelta(days=soon):
            result.due_soon.append(item(entry, entry.status(today)))


def _due_soon_today(
    marked: Sequence[DayCommitment], today: date, soon: int, sources: dict[str, str]
) -> list[LedgerItem]:
    """The day's marked commitments due within `soon` days, as a briefing lists them."""
    return [
        LedgerItem(
            id=c.ledger_id,
            actor=c.actor,
            action=c.action,
            counterparty=c.counterparty,
            deadline=c.deadline,
            due=c.due,
            status=c.status or "new",
            first_seen=c.first_seen or today,
            last_seen=today,
            quote=c.evidence[0].quote if c.evidence else "",
            source=_sources(c, sources)[0] if c.sources else "",
        )
        for c in marked
        if c.due is not None and today <= c.due <= today + timedelta(days=soon) and c.ledger_id
    ]


def _status_changes(result: Marked, entries: Sequence[Entry], previous: date) -> list[StatusChange]:
    """Ledger commitments whose status is not what it was on the previous run's date (new ones aside, and a
    plain reaffirmation is no change)."""
    was = {e.id: e.status(previous) for e in entries if e.sightings[0].day <= previous}
    changes = []
    now: list[tuple[str, str, str, LedgerStatus]] = [
        (c.ledger_id or "", c.actor, c.action, c.status or "new") for c in result.commitments
    ]
    now += [(i.id, i.actor, i.action, i.status) for i in (*result.overdue, *result.done)]
    for ident, actor, action, status in now:
        before = was.get(ident)
        if before is not None and before != status and status != "reaffirmed":
            changes.append(StatusChange(id=ident, actor=actor, action=action, was=before, now=status))
    return changes
