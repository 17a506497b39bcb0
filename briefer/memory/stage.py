"""The history stage of a run: what the store knew before it (recall), the day marked against the ledger
(remember), the run kept after its output is written (keep_run), and a failed named briefing's notice.

The pipeline calls these in its order: recall before reading, remember after the briefing is built, keep
after the output is written and before delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefer.config import Settings
from briefer.day.sameness import signatures
from briefer.errors import BrieferError, FatalModelError, ModelError, UsageError
from briefer.extraction.extract import ModelExtractor
from briefer.extraction.extractors import Extractor
from briefer.models import Briefing, Failure
from briefer.offline.extractor import OfflineExtractor

if TYPE_CHECKING:
    from briefer.memory.ledger import Marked
    from briefer.memory.records import Entry


@dataclass
class Memory:
    """What the history store knew before the run: the ledger before the briefing's date, the briefing's
    previous run, and (with --since-last) the articles already briefed."""

    path: Path
    name: str
    today: date
    since_last: bool
    entries: list[Entry]
    previous: tuple[date, Briefing] | None
    briefed: set[str]


def recall(settings: Settings, name: str | None, day: date | None, since_last: bool) -> Memory | None:
    """Read the history store for a run of the briefing `name` dated `day` (today by default); None when
    history is off."""
    if not settings.history:
        if since_last:
            raise UsageError("--since-last needs the history store: drop --no-history (or history = false)")
        return None
    from briefer.memory.store import DEFAULT_NAME, open_store, store_path

    name = name or DEFAULT_NAME
    today = day or datetime.now().date()
    path = store_path(settings.dirs.data)
    if not path.exists():  # nothing kept yet: the store is made when the first run is kept
        return Memory(path, name, today, since_last, entries=[], previous=None, briefed=set())
    with open_store(path) as store:
        return Memory(
            path=path,
            name=name,
            today=today,
            since_last=since_last,
            entries=store.ledger(before=today),
            previous=store.previous(name, today),
            briefed=store.briefed(name, today) if since_last else set(),
        )


async def remember(
    briefing: Briefing,
    memory: Memory,
    extractor: Extractor | None,
    settings: Settings,
    skipped: int,
    check_objects: bool = True,
) -> tuple[Briefing, Marked]:
    """Mark the day's commitments against the ledger (a model judges the uncertain pairs in one request),
    list what is overdue, due soon or done, and with --since-last what changed since the previous run;
    `check_objects` off, offline, keeps pairs whose actions act on different things (bench/ledger.py)."""
    from briefer.memory import ledger, matching, since_last

    failures = list(briefing.failures)
    judged: set[tuple[int, str]] = set()
    vetoed: set[tuple[int, str]] = set()
    if isinstance(extractor, ModelExtractor):
        pairs = matching.uncertain(briefing.commitments, memory.entries)
        try:
            judged = await matching.model_same(extractor, briefing.commitments, pairs, memory.today) if pairs else set()
        except FatalModelError:
            raise
        except ModelError as e:
            failures.append(Failure(source="ledger", error=f"{e.message} (uncertain matches kept apart)"))
    elif isinstance(extractor, OfflineExtractor):  # the texts' signatures, parsed on the extractor's pool
        texts = matching.offline_texts(briefing.commitments, memory.entries)
        signed = dict(zip(texts, await extractor.parse_many(signatures, texts), strict=True)) if texts else {}
        judged, vetoed = matching.offline_verdicts(briefing.commitments, memory.entries, signed, check_objects)
    previous = memory.previous[0] if memory.previous else None
    marked = ledger.mark(
        briefing.commitments,
        memory.entries,
        memory.today,
        briefing.articles,
        judged,
        previous=previous,
        soon=settings.due_soon_days,
        vetoed=vetoed,
    )
    update: dict[str, object] = {
        "commitments": marked.commitments,
        "overdue": marked.overdue,
        "due_soon": marked.due_soon,
        "done": marked.done,
        "failures": failures,
    }
    if memory.since_last:
        update["changes"] = since_last.changes(briefing.articles, memory.previous, skipped, marked.status)
    return briefing.model_copy(update=update), marked


def keep_run(
    memory: Memory,
    briefing: Briefing,
    marked: Marked | None,
    output: Path | None = None,
    note: Callable[[str], None] | None = None,
) -> None:
    """Keep the run in the history store: its briefing, articles and the sightings of its commitments. Runs
    dated later were marked without this day: say which, to run again."""
    from briefer.memory.schema import StoreError
    from briefer.memory.store import open_store

    try:
        with open_store(memory.path) as store:
            store.save(briefing, memory.name, marked.sightings if marked else [], marked.delivered if marked else [])
            later = store.later(memory.name, memory.today)
    except StoreError as e:
        written = f"the briefing is written to {output}, " if output else ""
        raise StoreError(f"{e.message}; {written}but this run was not kept") from None
    if later and note is not None:
        days = ", ".join(d.isoformat() for d in later[:5])
        note(f"runs dated after {memory.today.isoformat()} ({days}) were marked without it: run them again")


def forget_delivery(memory: Memory) -> None:
    """The run's email did not go out: the next run briefs its articles again."""
    from briefer.memory.store import open_store

    with open_store(memory.path) as store:
        store.undelivered(memory.name, memory.today)


def notify_failure(settings: Settings, name: str, day: date | None, error: BrieferError) -> str:
    """Email a short notice that the named briefing failed; the line to tell the user (never raises)."""
    import html

    from briefer.output.mailer import build_message, send

    when = (day or datetime.now().date()).isoformat()
    subject = f"briefer: the {name} briefing of {when} failed"
    text = (
        f"The {name} briefing of {when} did not go out.\n\n{error.message}\n\n"
        f"(exit code {int(error.exit_code)}; run `briefer run --briefing {name}` to see it again)\n"
    )
    try:
        send(build_message(subject, text, f"<pre>{html.escape(text)}</pre>", settings.email), settings.email)
    except BrieferError as failed:
        return f"the failure notice could not be emailed either: {failed.message}"
    return "failure notice emailed"
