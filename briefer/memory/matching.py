"""Which ledger commitments a commitment of the day may be: its actor's candidates, the pairs left uncertain,
and the offline and model verdicts on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from briefer.day.commitments import actor_words, same_actor, same_pledge
from briefer.day.sameness import Signature, jaccard, objects_agree, same_fact, words
from briefer.extraction.extract import LEDGER
from briefer.memory.records import Entry
from briefer.models import DayCommitment, ModelLedger

if TYPE_CHECKING:
    from briefer.extraction.extract import ModelExtractor

MODEL_PAIRS = 80  # at most this many uncertain pairs go to the model, those sharing most words first


@dataclass
class Pair:
    """A commitment of the day and a ledger commitment of one actor whose words half agree."""

    index: int  # in the day's commitments
    entry: Entry


def candidates(c: DayCommitment, entries: Sequence[Entry]) -> list[tuple[float, Entry, bool]]:
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


def uncertain(day: Sequence[DayCommitment], entries: Sequence[Entry]) -> list[Pair]:
    """Pairs the cheap rule leaves open, for the model: one actor, no sure match, and a word shared ("lodge an
    appeal within 14 days", "file an appeal within two weeks"); at most MODEL_PAIRS, closest first."""
    scored: list[tuple[float, int, Pair]] = []
    for i, c in enumerate(day):
        found = candidates(c, entries)
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
        for overlap, entry, same in candidates(c, entries):
            if overlap == 0:
                continue  # no word shared: never the same pledge, nothing to judge or veto
            texts += [c.action, entry.last.action]
            if not same and c.evidence and entry.last.quotes:
                texts += [c.evidence[0].quote, entry.last.quotes[0]]
    return list(dict.fromkeys(texts))


def offline_verdicts(
    day: Sequence[DayCommitment],
    entries: Sequence[Entry],
    signed: Mapping[str, Signature],
    check_objects: bool = True,
) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """Offline, from the parsed texts (`offline_texts`): the open pairs whose sentences state one fact
    (`sameness.same_fact`), and, with `check_objects`, the pairs the cheap rule took whose actions act on
    different things ("open two new schools", "open two new clinics"): (judged the same, vetoed)."""
    judged: set[tuple[int, str]] = set()
    vetoed: set[tuple[int, str]] = set()
    for i, c in enumerate(day):
        for overlap, entry, same in candidates(c, entries):
            mine, theirs = signed.get(c.action), signed.get(entry.last.action)
            if check_objects and mine is not None and theirs is not None and not objects_agree(mine, theirs):
                vetoed.add((i, entry.id))
                continue
            if same or overlap == 0 or not c.evidence or not entry.last.quotes:
                continue
            a, b = signed.get(c.evidence[0].quote), signed.get(entry.last.quotes[0])
            if a is not None and b is not None and same_fact(a, b):
                judged.add((i, entry.id))
    return judged, vetoed


async def model_same(
    extractor: ModelExtractor, day: list[DayCommitment], pairs: list[Pair], today: date
) -> set[tuple[int, str]]:
    """The uncertain ledger pairs the model calls one undertaking, as (day index, ledger id); one request,
    cached; a verdict on an id it was not shown is ignored."""
    context, shown = prompt_context(extractor.variables, day, pairs, today)
    answer = await extractor.ask_cached("ledger", context, LEDGER, ModelLedger)
    return {(shown[v.id].index, shown[v.id].entry.id) for v in answer.same if v.yes and v.id in shown}
