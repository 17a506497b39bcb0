"""The history stage of a run: what the store knew before it (recall), the day marked against the ledger
(remember), the run kept after its output is written (keep_run), and a failed named briefing's notice.

The pipeline calls these in its order: recall before reading, remember after the briefing is built, keep
after the output is written and before delivery.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefer.config import Settings
from briefer.day.sameness import signatures
from briefer.errors import BrieferError, FatalModelError, ModelError, UsageError
from briefer.extraction.extract import ModelExtractor
from briefer.extraction.extractors import Extractor
from briefer.models import Briefing
from briefer.notices import KEPT_APART, Notice

if TYPE_CHECKING:
    from briefer.memory.ledger import Marked
    from briefer.memory.records import Entry


@dataclass
class Memory:
    """What the history store knew before the run: the ledger before the briefing's date, the briefing's
    previous run, (with --since-last) the articles already briefed, and the day each article was first
    briefed. A run without --briefing is kept under the default name and its sources' `key`."""

    path: Path
    name: str
    today: date
    since_last: bool
    entries: list[Entry]
    previous: tuple[date, Briefing] | None
    briefed: set[str]
    key: str = ""
    sources: list[str] = field(default_factory=list)
    first_seen: dict[str, date] = field(default_factory=dict)


def resolved(sources: Sequence[str]) -> list[str]:
    """The sources as a run is kept with them: a path made absolute (so the command that runs it again works
    from anywhere), a URL and "-" (standard input) as given."""
    return [s if s == "-" or "://" in s else str(Path(s).expanduser().resolve()) for s in sources]


def run_key(sources: Sequence[str], briefing: Briefing | None = None) -> str:
    """What tells apart the runs of one day without --briefing: their sources; for standard input, whose name
    says nothing, the articles read too."""
    said = sorted(set(sources))
    if "-" in said and briefing is not None:
        said += sorted(a.id for a in briefing.articles)
    return hashlib.sha1("\n".join(said).encode("utf-8")).hexdigest()[:12]


def recall(
    settings: Settings, name: str | None, day: date | None, since_last: bool, sources: Sequence[str] = ()
) -> Memory | None:
    """Read the history store for a run of the briefing `name` (None: a run without --briefing, of
    `sources`) dated `day` (today by default); None when history is off."""
    if not settings.history:
        if since_last:
            raise UsageError("--since-last needs the history store: drop --no-history (or history = false)")
        return None
    from briefer.memory.store import DEFAULT_NAME, open_store, store_path

    if name == DEFAULT_NAME:
        raise UsageError(
            f"--briefing {DEFAULT_NAME}: runs without --briefing are kept under the name '{DEFAULT_NAME}'; "
            f"give [briefings.{DEFAULT_NAME}] another name"
        )
    kept = resolved(sources)
    key = "" if name else run_key(kept)
    name = name or DEFAULT_NAME
    today = day or datetime.now().date()
    path = store_path(settings.dirs.data)
    memory = Memory(path, name, today, since_last, entries=[], previous=None, briefed=set(), key=key, sources=kept)
    if not path.exists():  # nothing kept yet: the store is made when the first run is kept
        return memory
    with open_store(path) as store:
        memory.entries = store.ledger(before=today)
        memory.previous = store.previous(name, today, key)
        memory.briefed = store.briefed(name, today) if since_last else set()
        memory.first_seen = store.first_seen(today)
    return memory


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

    notices = list(briefing.notices)
    judged: set[tuple[int, str]] = set()
    vetoed: set[tuple[int, str]] = set()
    if isinstance(extractor, ModelExtractor):
        pairs = matching.uncertain(briefing.commitments, memory.entries)
        try:
            judged = await matching.model_same(extractor, briefing.commitments, pairs, memory.today) if pairs else set()
        except FatalModelError:
            raise
        except ModelError as e:
            notices.append(Notice(stage="ledger", what=e.message, instead=KEPT_APART))
    elif extractor is not None:  # offline: the texts' signatures, parsed on the extractor's pool
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
        anchors=memory.first_seen,
    )
    update: dict[str, object] = {
        "commitments": marked.commitments,
        "overdue": marked.overdue,
        "due_soon": marked.due_soon,
        "done": marked.done,
        "notices": notices,
    }
    if memory.since_last:
        update["changes"] = since_last.changes(briefing.articles, memory.previous, skipped, marked.status, marked.moved)
    return briefing.model_copy(update=update), marked


def keep_run(
    memory: Memory,
    briefing: Briefing,
    marked: Marked | None,
    output: Path | None = None,
    note: Callable[[str], None] | None = None,
) -> None:
    """Keep the run in the history store: its briefing, articles and the sightings of its commitments. Runs
    dated later were marked without this day: say which, and the command that runs each again."""
    from briefer.memory.schema import StoreError
    from briefer.memory.store import open_store

    if memory.key:
        memory.key = run_key(memory.sources, briefing)
    try:
        with open_store(memory.path) as store:
            store.save(
                briefing,
                memory.name,
                marked.sightings if marked else [],
                marked.delivered if marked else [],
                memory.key,
                memory.sources,
            )
            later = store.later(memory.today)
    except StoreError as e:
        written = f"the briefing is written to {output}, " if output else ""
        raise StoreError(f"{e.message}; {written}but this run was not kept") from None
    if later and note is not None:
        from briefer.memory.records import rerun_later

        note(rerun_later(f"this run of {memory.today.isoformat()} was kept", later))


def forget_delivery(memory: Memory) -> None:
    """The run's email did not go out: the next run briefs its articles again."""
    from briefer.memory.store import open_store

    with open_store(memory.path) as store:
        store.undelivered(memory.name, memory.today, memory.key)


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
