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
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from briefer.dates import resolve_deadline
from briefer.day.commitments import actor_words, same_actor, same_pledge
from briefer.day.sameness import SAME_SUBJECT, Signature, figure_moved, jaccard, objects_agree, same_fact, words
from briefer.extraction.extract import LEDGER
from briefer.memory.store import Entry, NewSighting
from briefer.models import (
    ArticleBrief,
    Briefing,
    Changes,
    DayCommitment,
    LedgerItem,
    LedgerStatus,
    ModelLedger,
    MovedFact,
    StatusChange,
)
from briefer.offline.aliases import canonical

DUE_SOON_DAYS = 7
DELIVERED_SHARE = 0.75  # of the action's words a fact must hold to report the commitment done
ROOT = 5  # letters two words share to count as one ("dredge", "dredged")
CHECK_OBJECTS = True  # offline: a pair whose actions act on different things is not one pledge (bench/ledger.py)

if TYPE_CHECKING:
    from briefer.extraction.extract import ModelExtractor


def ledger_id(actor: str, action: str, first_seen: date) -> str:
    """A short id that stays the same when the same day is run again."""
    key = "|".join([" ".join(sorted(actor_words(actor))), " ".join(sorted(words(action))), first_seen.isoformat()])
    return hashlib.sha1(key.encode()).hexdigest()[:8]


def _changes(c: DayCommitment, entry: Entry) -> list[str]:
    """What moved between the ledger's last statement of a commitment and today's, in words."""
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
    return said


def _figure_change(before: str, after: str) -> tuple[str, str] | None:
    """(was, now) when one undertaking's figure of one measure has another value ("hire 120 teachers", then
    "recruit 150 teachers"); a figure the new wording disputes ("rather than the 20-bed") is the old one."""
    from briefer.day.figures import figures

    old = [f for f in figures(before) if not f.disputed and f.measure]
    new = [f for f in figures(after) if not f.disputed and f.measure]
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
class Pair:
    """A commitment of the day and a ledger commitment of one actor whose words half agree."""

    index: int  # in the day's commitments
    entry: Entry


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


def _candidates(c: DayCommitment, entries: Sequence[Entry]) -> list[tuple[float, Entry, bool]]:
    """The ledger commitments of `c`'s actor, with how far their words agree and whether they are the same
    pledge by the cheap rule."""
    name = actor_words(c.actor)
    mine = words(c.action)
    found = []
    for entry in entries:
        if not any(same_actor(actor_words(n), name) for n in {entry.actor, entry.last.actor}):
            continue
        theirs = words(entry.last.action)
        overlap = max(jaccard(mine, theirs), jaccard(mine, words(entry.action)))
        same = same_pledge((c.action, mine), (entry.last.action, theirs)) or same_pledge(
            (c.action, mine), (entry.action, words(entry.action))
        )
        found.append((overlap, entry, same))
    found.sort(key=lambda f: -f[0])
    return found


MODEL_PAIRS = 80  # at most this many uncertain pairs go to the model, those sharing most words first


def uncertain(day: Sequence[DayCommitment], entries: Sequence[Entry]) -> list[Pair]:
    """Pairs the cheap rule leaves open, for the model: one actor, no sure match, and a word shared ("lodge an
    appeal within 14 days", "file an appeal within two weeks"); at most MODEL_PAIRS, closest first."""
    scored: list[tuple[float, int, Pair]] = []
    for i, c in enumerate(day):
        found = _candidates(c, entries)
        if any(same for _, _, same in found):
            continue
        scored.extend((overlap, i, Pair(i, entry)) for overlap, entry, _ in found if overlap > 0)
    scored.sort(key=lambda s: (-s[0], s[1], s[2].entry.id))
    return [pair for _, _, pair in scored[:MODEL_PAIRS]]


def prompt_context(
    variables: Mapping[str, object], day: Sequence[DayCommitment], pairs: Sequence[Pair], today: date
) -> tuple[dict[str, object], dict[str, Pair]]:
    """What the ledger prompts (`ledger.system.j2`, `ledger.user.j2`) are rendered with, and each pair by the
    id it is shown under."""
    shown = {f"p{n}": pair for n, pair in enumerate(pairs, start=1)}
    context = {
        **variables,
        "today": today,
        "pairs": [
            {
                "id": key,
                "actor": day[p.index].actor,
                "today": day[p.index].action,
                "today_deadline": day[p.index].deadline,
                "earlier_actor": p.entry.last.actor,
                "earlier": p.entry.last.action,
                "earlier_deadline": p.entry.deadline,
                "first_seen": p.entry.first_seen,
            }
            for key, p in shown.items()
        ],
    }
    return context, shown


def offline_texts(day: Sequence[DayCommitment], entries: Sequence[Entry]) -> list[str]:
    """What the offline judge parses: the actions of one actor's pairs that share a word, and the sentences of
    those the cheap rule leaves open."""
    texts: list[str] = []
    for c in day:
        for overlap, entry, same in _candidates(c, entries):
            if overlap == 0:
                continue  # no word shared: never the same pledge, nothing to judge or veto
            texts += [c.action, entry.last.action]
            if not same and c.evidence and entry.last.quotes:
                texts += [c.evidence[0].quote, entry.last.quotes[0]]
    return list(dict.fromkeys(texts))


def offline_verdicts(
    day: Sequence[DayCommitment], entries: Sequence[Entry], signed: Mapping[str, Signature]
) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """Offline, from the parsed texts (`offline_texts`): the open pairs whose sentences state one fact
    (`sameness.same_fact`), and the pairs the cheap rule took whose actions act on different things
    ("open two new schools", "open two new clinics"): (judged the same, vetoed)."""
    judged: set[tuple[int, str]] = set()
    vetoed: set[tuple[int, str]] = set()
    for i, c in enumerate(day):
        for overlap, entry, same in _candidates(c, entries):
            mine, theirs = signed.get(c.action), signed.get(entry.last.action)
            if CHECK_OBJECTS and mine is not None and theirs is not None and not objects_agree(mine, theirs):
                vetoed.add((i, entry.id))
                continue
            if same or overlap == 0 or not c.evidence or not entry.last.quotes:
                continue
            a, b = signed.get(c.evidence[0].quote), signed.get(entry.last.quotes[0])
            if a is not None and b is not None and same_fact(a, b):
                judged.add((i, entry.id))
    return judged, vetoed


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
) -> Marked:
    """Mark the day's commitments against the ledger `entries` (seen before `today`); `judged` holds the
    uncertain pairs (day index, ledger id) a model (or the offline judge) confirmed, `vetoed` those the cheap
    rule took that act on different things; `previous` is the date of the briefing's
    previous run, for the status changes since then; `soon` is the "due soon" window in days."""
    sources = outlets(briefs)
    marked: list[DayCommitment] = []
    sightings: list[NewSighting] = []
    seen: dict[str, Entry] = {}
    for i, c in enumerate(day):
        if c.due is None and c.deadline:  # an undated article: its deadline against the briefing's date
            c = c.model_copy(update={"due": resolve_deadline(c.deadline, today)})
        found = _candidates(c, entries)
        entry = next((e for _, e, same in found if same and e.id not in seen and (i, e.id) not in vetoed), None)
        if entry is None:
            entry = next((e for _, e, _ in found if (i, e.id) in judged and e.id not in seen), None)
        status: LedgerStatus
        if entry is None:
            status, first, ident, said = "new", today, ledger_id(c.actor, c.action, today), []
        else:
            seen[entry.id] = entry
            said = _changes(c, entry)
            status, first, ident = ("changed" if said else "reaffirmed"), entry.first_seen, entry.id
        due = c.due or (entry.due if entry else None)
        if entry is not None and due is not None and due < today:
            status = "overdue"
        marked.append(c.model_copy(update={"ledger_id": ident, "status": status, "first_seen": first, "changed": said}))
        sightings.append(
            NewSighting(
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
        )
    result = Marked(marked, sightings)
    reports = Reports(briefs, day)
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
    for c in marked:
        if c.due is not None and today <= c.due <= today + timedelta(days=soon) and c.ledger_id:
            result.due_soon.append(
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
            )
    result.due_soon.sort(key=lambda item: (item.due or today, item.id))
    result.overdue.sort(key=lambda item: (item.due or today, item.id))
    if previous is not None:
        result.status = _status_changes(result, entries, previous)
    return result


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


# What changed since the previous run ------------------------------------------------------------------------


COMMON = 0.05  # a word in more than this share of the previous run's facts is no clue to a subject


def moved_facts(today: Sequence[ArticleBrief], before: Briefing) -> list[MovedFact]:
    """Facts of today that give another figure for what a fact of the previous run stated: the same subject
    (a quarter of the content words shared) and one measure, introduced by one word, with another value."""
    from briefer.day.figures import figures

    earlier: list[tuple[str, frozenset[str]]] = []
    index: dict[str, list[int]] = {}
    for brief in before.articles:
        for fact in brief.facts:
            if fact.grounded and figures(fact.statement):
                said = words(fact.statement)
                for w in said:
                    index.setdefault(w, []).append(len(earlier))
                earlier.append((fact.statement, said))
    common = max(10, int(COMMON * len(earlier)))
    moved: list[MovedFact] = []
    told: set[str] = set()
    for brief in today:
        for fact in brief.facts:
            if not fact.grounded or fact.statement in told or not figures(fact.statement):
                continue
            said = words(fact.statement)
            shared: dict[int, int] = {}
            for w in said:
                postings = index.get(w, ())
                if len(postings) <= common:
                    for n in postings:
                        shared[n] = shared.get(n, 0) + 1
            ranked = sorted((jaccard(said, earlier[n][1]), n) for n, count in shared.items() if count >= 2)
            for overlap, n in reversed(ranked):
                if overlap < SAME_SUBJECT:
                    break
                change = figure_moved(earlier[n][0], fact.statement)
                if change:
                    moved.append(
                        MovedFact(
                            statement=fact.statement,
                            was=change[0],
                            now=change[1],
                            article=brief.id,
                            previous=earlier[n][0],
                        )
                    )
                    told.add(fact.statement)
                    break
    return moved


def changes(
    today: Sequence[ArticleBrief], previous: tuple[date, Briefing] | None, skipped: int, status: list[StatusChange]
) -> Changes:
    """What is new since the previous run of the same briefing."""
    if previous is None:
        return Changes(previous=None, new_articles=[b.id for b in today], skipped=skipped)
    day, before = previous
    known = {a.id for a in before.articles}
    return Changes(
        previous=day,
        new_articles=[b.id for b in today if b.id not in known],
        skipped=skipped,
        moved=moved_facts(today, before),
        status=status,
    )


async def model_same(
    extractor: ModelExtractor, day: list[DayCommitment], pairs: list[Pair], today: date
) -> set[tuple[int, str]]:
    """The uncertain ledger pairs the model calls one undertaking, as (day index, ledger id); one request,
    cached; a verdict on an id it was not shown is ignored."""
    context, shown = prompt_context(extractor.variables, day, pairs, today)
    answer = await extractor.ask_cached("ledger", context, LEDGER, ModelLedger)
    return {(shown[v.id].index, shown[v.id].entry.id) for v in answer.same if v.yes and v.id in shown}
