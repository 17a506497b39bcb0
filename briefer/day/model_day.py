"""The model's part of the day: its synthesis request's context, and its answer applied to the cheap part.

The request shows the model the candidates, closest first (at most SHOWN_CANDIDATES of each kind), by id.
Its verdicts are taken only for ids it was shown, each under the question it was asked; ids it invents are
listed under notices; a candidate it leaves unjudged is merged only when its words nearly coincide, and is
no conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from briefer.dates import resolve_deadline
from briefer.day.overview import checked
from briefer.day.sameness import jaccard
from briefer.day.synthesize import NEAR_SAME, Candidate, Day, Synthesis, settle
from briefer.day.themes import OTHER, label
from briefer.extraction.extract import SYNTHESIS
from briefer.models import ModelSynthesis, Theme, WatchItem
from briefer.notices import IGNORED, LEFT_OUT, OFFLINE_OVERVIEW, Notice

if TYPE_CHECKING:
    from briefer.extraction.extract import ModelExtractor

SHOWN_CANDIDATES = 80  # candidate merges, and conflicts, the synthesis request is asked to judge


def _pair(day: Day, candidate: Candidate) -> dict[str, str]:
    first, second = day.statements[candidate.first], day.statements[candidate.second]
    return {"id": candidate.id, "a": first.article, "a_text": first.text, "b": second.article, "b_text": second.text}


def synthesis_context(variables: Mapping[str, Any], day: Day, today: date) -> dict[str, Any]:
    """What the synthesis prompts see: the user's variables, the briefs, today, and the candidate pairs to
    judge (the closest SHOWN_CANDIDATES of each kind; the rest stay unjudged)."""
    return {
        **variables,
        "briefs": day.briefs,
        "today": today,
        "same_candidates": [_pair(day, c) for c in day.merges[:SHOWN_CANDIDATES]],
        "conflict_candidates": [_pair(day, c) for c in day.conflicts[:SHOWN_CANDIDATES]],
    }


def apply_model(day: Day, answer: ModelSynthesis, today: date) -> tuple[Synthesis, list[Notice]]:
    """The synthesis with the model's verdicts, themes, overview and watch items, and what was wrong with its
    reply (notices). Ids the model invents are ignored; a candidate it leaves unjudged is merged
    only when its words nearly coincide, and is no conflict; an overview sentence whose names or numbers none
    of its cited articles hold is dropped; an overview with no sentence left is replaced by the offline one."""
    problems: list[Notice] = []
    clashes = {c.id: c for c in day.conflicts}
    shown_merges = {c.id for c in day.merges[:SHOWN_CANDIDATES]}
    shown_clashes = {c.id for c in day.conflicts[:SHOWN_CANDIDATES]}
    verdicts: dict[str, bool] = {}
    for v in answer.same:
        if v.id in shown_merges:
            verdicts.setdefault(v.id, v.yes)  # a repeated id: its first verdict
    same = {c.id for c in day.merges if verdicts.get(c.id, _near_same(day, c))}
    real = {v.id: _clash_topic(day, clashes[v.id]) for v in answer.conflicts if v.yes and v.id in shown_clashes}
    invented = [v.id for v in answer.same if v.id not in shown_merges]
    invented += [v.id for v in answer.conflicts if v.id not in shown_clashes]
    if invented:
        shown = ", ".join(sorted(set(invented))[:5])
        what = f"the model judged candidates it was not shown under that question ({shown})"
        problems.append(Notice(stage="synthesis", what=what, instead=IGNORED))
    kept, dropped = checked(answer.overview, day.briefs)
    synthesis = settle(day, same, real, today, overview=kept or None)
    synthesis.dropped = dropped
    if not kept:
        why = "had no sentence its articles support" if answer.overview else "was empty"
        problems.append(Notice(stage="synthesis", what=f"the model's overview {why}", instead=OFFLINE_OVERVIEW))
    elif dropped:
        n = len(dropped)
        what = f"{n} sentence{'s' if n != 1 else ''} of the model's overview unsupported or not well formed"
        problems.append(Notice(stage="synthesis", what=what, instead=LEFT_OUT))
    synthesis.themes = model_themes(day, answer)
    synthesis.watch = _with_model_watch(synthesis.watch, answer, day, today)
    return synthesis, problems


def _near_same(day: Day, c: Candidate) -> bool:
    a, b = day.statements[c.first], day.statements[c.second]
    return a.values == b.values and a.denied == b.denied and jaccard(a.words, b.words) >= NEAR_SAME


def _clash_topic(day: Day, c: Candidate) -> str:
    a, b = day.statements[c.first], day.statements[c.second]
    if a.denied != b.denied:
        return "one source denies what the other states"
    shared = sorted(a.measures & b.measures)
    return f"{shared[0]}: the sources give different figures" if shared else "the sources disagree"


def model_themes(day: Day, answer: ModelSynthesis) -> list[Theme]:
    """The model's themes with known ids only, each article in its first theme; a theme of one article, and
    an article in none, go under "Other stories". A label longer than a short phrase is replaced by the names
    its articles share."""
    by_id = {b.id: b for b in day.briefs}
    placed: set[str] = set()
    found = []
    for t in answer.themes:
        members = [a for a in dict.fromkeys(t.articles) if a in by_id and a not in placed]
        if len(members) < 2:
            continue
        placed.update(members)
        text = " ".join(t.label.split())
        if not text or len(text) > 60 or text.casefold() == OTHER.casefold():
            text = label([by_id[a] for a in members])
        found.append(Theme(label=text, articles=[b.id for b in day.briefs if b.id in members]))
    if not found:
        return day.themes
    alone = [b.id for b in day.briefs if b.id not in placed]
    if alone:
        found.append(Theme(label=OTHER, articles=alone, other=True))
    return found


def _with_model_watch(watch: list[WatchItem], answer: ModelSynthesis, day: Day, today: date) -> list[WatchItem]:
    known = {b.id for b in day.briefs}
    items = list(watch)
    listed = {(w.item.casefold(), w.due) for w in items}
    for w in answer.watch:
        when = resolve_deadline(w.when, today) if w.when else None
        ids = [a for a in w.articles if a in known]
        if ids and (w.item.casefold(), when) not in listed and (when is None or when >= today):
            items.append(WatchItem(due=when, when=w.when, item=w.item.strip(), articles=ids))
    items.sort(key=lambda w: (w.due is None, w.due or today))
    return items


async def ask(extractor: ModelExtractor, day: Day, today: date) -> ModelSynthesis:
    """The model's overview, themes, watch list and verdicts on the day's candidate merges and conflicts
    (cached like an extraction). At most SHOWN_CANDIDATES of each kind are shown; the rest stay unjudged."""
    return await extractor.ask_cached(
        "synthesize", synthesis_context(extractor.variables, day, today), SYNTHESIS, ModelSynthesis
    )
