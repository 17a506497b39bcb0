"""The commitments ledger across days, measured: matching on the project's event sets, and its cost at scale.

Usage: python -m bench.ledger [--events bench/events] [--corpus ../shared/corpus] [--skip-corpus] [--rounds 2]

1. Matching (`bench/events/labels.json`, written blind by a helper session that never saw the ledger): each
   event set's first article is briefed on day 1 and the other articles on day 2, offline, each set in a
   history store of its own. A labelled same-fact group holding a commitment extracted on day 1 and one
   extracted on day 2 is a pledge the ledger should carry over (reaffirmed or changed, the same ledger id);
   a day-2 commitment given a day-1 id whose sentence is not in the same labelled group is a wrong match.
2. Cost, on the 501 real articles of `news-text` (not labelled, not tuned on): day 1 briefs the first 250,
   day 2 the other 251 plus 50 of day 1's again, offline, `--since-last`. Prints the day-2 marks, how many
   articles were left out as already briefed, the ledger stage's own time (recall, mark, keep) and the
   whole day-2 run with and without the history store, alternated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefer.models import Briefing

HERE = Path(__file__).resolve().parent
DAY1, DAY2 = date(2026, 12, 1), date(2026, 12, 2)


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def _group_of(quote: str, article: str, groups: list[list[dict[str, str]]]) -> int | None:
    q = _norm(quote)
    for n, group in enumerate(groups):
        for member in group:
            s = _norm(member["sentence"])
            if member["article"] == article and q and (q in s or s in q):
                return n
    return None


def _run(home: Path, sources: list[str], day: date, out: Path, history: bool = True, since_last: bool = False) -> float:
    """One `briefer run` in this process, offline, with its own store; seconds taken."""
    from briefer import pipeline
    from briefer.config import load_settings

    os.environ["BRIEFER_HOME"] = str(home)
    settings = load_settings({"provider": "offline", "history": history})
    request = pipeline.Request(sources=sources, output=out, day=day, since_last=since_last or None)
    started = time.perf_counter()
    pipeline.run(settings, request)
    return time.perf_counter() - started


def _marked_run(home: Path, sources: list[str], day: date, check_objects: bool) -> Briefing:
    """A `briefer run` of `day` in this process, offline, marked against the store's ledger by the history stage
    called here, so the objects check can be turned off; not kept."""
    from briefer import pipeline
    from briefer.config import load_settings
    from briefer.extraction.extractors import open_extractor
    from briefer.memory.stage import recall, remember

    os.environ["BRIEFER_HOME"] = str(home)
    settings = load_settings({"provider": "offline"})
    memory = recall(settings, None, day, False)
    assert memory is not None
    unmarked = settings.model_copy(update={"history": False})
    briefing = pipeline.brief(unmarked, pipeline.Request(sources=sources, day=day))

    async def mark() -> Briefing:
        async with open_extractor(settings) as extractor:
            marked, _ = await remember(briefing, memory, extractor, settings, 0, check_objects=check_objects)
            return marked

    return asyncio.run(mark())


def matching(events: Path) -> dict[str, int]:
    from briefer.models import Briefing

    labels = json.loads((events / "labels.json").read_text(encoding="utf-8"))
    totals: Counter[str] = Counter()
    for s in labels["sets"]:
        groups = s["same_facts"]
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            first, rest = s["articles"][0], s["articles"][1:]
            _run(home, [str(events / first)], DAY1, home / "d1.json")
            _run(home, [str(events / f) for f in rest], DAY2, home / "d2.json")
            day1 = Briefing.model_validate_json((home / "d1.json").read_text())
            day2 = Briefing.model_validate_json((home / "d2.json").read_text())

        def located(
            b: Briefing, base: Path = events, groups: list[list[dict[str, str]]] = groups
        ) -> list[tuple[str | None, set[int]]]:
            names = {a.id: str(Path(a.source).resolve().relative_to(base.resolve())) for a in b.articles}
            out = []
            for c in b.commitments:
                found = {_group_of(e.quote, names[e.article], groups) for e in c.evidence}
                out.append((c.ledger_id, {g for g in found if g is not None}))
            return out

        before = located(day1)
        after = located(day2)
        totals["day-1 commitments"] += len(before)
        totals["day-2 commitments"] += len(after)
        for ident, found in after:
            carried = [g for i, g in before if i == ident]
            if carried:
                totals["carried over"] += 1
                totals["carried over wrongly"] += not (found and carried[0] and found & carried[0])
        for (ident, found), c in zip(before, day1.commitments, strict=True):
            partners = [(i, d) for (i, g), d in zip(after, day2.commitments, strict=True) if found & g]
            if partners:
                totals["labelled pledges to carry over"] += 1
                carried = any(i == ident for i, _ in partners)
                totals["labelled pledges carried over"] += carried
                if not carried:
                    other = partners[0][1]
                    print(f"  missed ({s['name']}): {c.actor}: {c.action}  /  {other.actor}: {other.action}")
        statuses = Counter(c.status for c in day2.commitments)
        for status, n in statuses.items():
            totals[f"day-2 {status}"] += n
    return dict(totals)


def day_pairs(folder: Path, check_objects: bool) -> Counter[str]:
    """The day-pair set (`bench/ledger_days/labels.json`, written blind): each story's day 1 then day 2, offline,
    in a store of its own; each labelled day-2 pledge that was extracted is scored against its label."""
    from briefer.models import Briefing

    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    totals: Counter[str] = Counter()
    for story in labels["stories"]:
        base = folder / story["name"]
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            _run(home, [str(base / "day1")], DAY1, home / "d1.json")
            day2 = _marked_run(home, [str(base / "day2")], DAY2, check_objects)
            day1 = Briefing.model_validate_json((home / "d1.json").read_text())

        def ids(b: Briefing, labelled: list[dict[str, str]]) -> dict[int, str | None]:
            """Labelled pledge (by position) -> the ledger id of the commitment whose quote is its sentence."""
            found: dict[int, str | None] = {}
            for n, item in enumerate(labelled):
                want = _norm(item["sentence"])
                for c in b.commitments:
                    if any(_norm(e.quote) in want or want in _norm(e.quote) for e in c.evidence if e.quote):
                        found[n] = c.ledger_id
            return found

        first = ids(day1, story["day1"])
        second = ids(day2, story["day2"])
        id_of = {story["day1"][n]["id"]: ident for n, ident in first.items()}
        day1_ids = set(first.values())
        totals["day-1 pledges labelled"] += len(story["day1"])
        totals["day-1 pledges extracted"] += len(first)
        totals["day-2 pledges labelled"] += len(story["day2"])
        totals["day-2 pledges extracted"] += len(second)
        for n, item in enumerate(story["day2"]):
            if n not in second:
                continue
            carried = second[n] in day1_ids
            totals["carried over (all)"] += carried
            target = id_of.get(item.get("same_as") or "")
            if item["label"] in ("reaffirmed", "changed") and target is not None:
                totals["restatements both days extracted"] += 1
                totals["restatements carried over"] += second[n] == target
                if second[n] == target:
                    status = next(c.status for c in day2.commitments if c.ledger_id == target)
                    totals["restatements carried, mark right"] += status == item["label"]
            right = target is not None and second[n] == target
            totals["carried over wrongly"] += carried and not right
            if item.get("kind") == "trap" and carried:
                totals["traps carried over (wrong)"] += 1
            if item.get("kind") == "trap":
                totals["traps extracted"] += 1
    return totals


def scale(corpus: Path, rounds: int) -> None:
    from briefer.config import load_settings
    from briefer.memory import ledger, since_last
    from briefer.memory.stage import recall
    from briefer.memory.store import open_store
    from briefer.models import Briefing

    lines = (corpus / "news-text" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "day1.jsonl").write_text("\n".join(lines[:250]) + "\n", encoding="utf-8")
        (work / "day2.jsonl").write_text("\n".join(lines[250:] + lines[200:250]) + "\n", encoding="utf-8")
        home = work / "home"
        t1 = _run(home, [str(work / "day1.jsonl")], DAY1, work / "d1.json")
        t2 = _run(home, [str(work / "day2.jsonl")], DAY2, work / "d2.json", since_last=True)
        day2 = Briefing.model_validate_json((work / "d2.json").read_text())
        marks = Counter(c.status for c in day2.commitments)
        changes = day2.changes
        print(f"day 1: 250 articles, {t1:.1f} s; day 2: {len(day2.articles)} articles briefed, {t2:.1f} s")
        if changes is not None:
            print(
                f"day 2 left out as already briefed: {changes.skipped}; figures that moved: {len(changes.moved)}; "
                f"status changes: {len(changes.status)}"
            )
        print(f"day 2 marks: {dict(marks)}; overdue {len(day2.overdue)}, due soon {len(day2.due_soon)}")
        store = home / "data" / "history.sqlite3"
        print(f"store after two days: {store.stat().st_size / 1024:.0f} KiB")

        # The ledger stage alone, on day 2's briefing: recall, mark, keep (into a copy of the store).
        os.environ["BRIEFER_HOME"] = str(home)
        settings = load_settings({"provider": "offline"})
        copy = work / "copy"
        (copy / "data").mkdir(parents=True)
        (copy / "data" / "history.sqlite3").write_bytes(store.read_bytes())
        settings = settings.model_copy(update={"dirs": settings.dirs.model_copy(update={"data": copy / "data"})})
        plain = day2.model_copy(
            update={"commitments": [c.model_copy(update={"status": None}) for c in day2.commitments]}
        )
        started = time.perf_counter()
        memory = recall(settings, None, DAY2, True)
        recalled = time.perf_counter()
        assert memory is not None
        marked = ledger.mark(plain.commitments, memory.entries, DAY2, plain.articles, previous=DAY1)
        since_last.changes(plain.articles, memory.previous, 0, marked.status)
        marked_at = time.perf_counter()
        with open_store(memory.path) as kept:
            kept.save(plain, memory.name, marked.sightings, marked.delivered)
        done = time.perf_counter()
        print(
            f"ledger stage on day 2: recall {recalled - started:.2f} s (ledger of {len(memory.entries)} commitments), "
            f"mark and changes {marked_at - recalled:.2f} s, keep {done - marked_at:.2f} s"
        )

        # The whole day-2 run with and without the store, alternated (each with a fresh copy of day 1's store).
        day1_store = work / "day1-store.sqlite3"
        _fresh = home / "fresh"
        _run(_fresh, [str(work / "day1.jsonl")], DAY1, work / "f1.json")
        day1_store.write_bytes((_fresh / "data" / "history.sqlite3").read_bytes())
        times: dict[str, list[float]] = {"with the history store": [], "--no-history": []}
        for n in range(rounds):
            for label in times:
                run_home = work / f"r{n}-{label[:4]}"
                (run_home / "data").mkdir(parents=True)
                (run_home / "data" / "history.sqlite3").write_bytes(day1_store.read_bytes())
                history = label == "with the history store"
                times[label].append(_run(run_home, [str(work / "day2.jsonl")], DAY2, work / "x.json", history=history))
        for label, seconds in times.items():
            print(f"day 2 whole run, {label}: " + ", ".join(f"{s:.1f} s" for s in seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=HERE / "events")
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    totals = matching(args.events)
    print("event sets, day 1 = each set's first article, day 2 = the rest:")
    for key, value in sorted(totals.items()):
        print(f"  {key}: {value}")
    days = HERE / "ledger_days"
    if (days / "labels.json").exists():
        runs = {flag: day_pairs(days, flag) for flag in (True, False)}
        print("day pairs (bench/ledger_days), offline: with the objects check | without")
        for key in sorted(set(runs[True]) | set(runs[False])):
            print(f"  {key}: {runs[True][key]} | {runs[False][key]}")
    if not args.skip_corpus and (args.corpus / "news-text").is_dir():
        scale(args.corpus, args.rounds)


if __name__ == "__main__":
    main()
