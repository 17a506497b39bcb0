"""Reading every source first, with the run's options: for the dry run, `ingest`, `--max-cost` and the Batch
API, which need every article before acting (a run otherwise streams: `briefer.extraction.stream`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from briefer import sources
from briefer.config import Settings
from briefer.errors import InputError, UsageError
from briefer.models import Article, Failure
from briefer.progress import Progress
from briefer.sources import IngestOptions
from briefer.sources.tally import Tally
from briefer.sources.web import FetchSettings


def source_names(settings: Settings, names: Sequence[str], sources_file: Path | None = None) -> list[str]:
    """The sources named and those listed in `sources_file`, else the configuration's; a UsageError when
    there are none."""
    listed = sources.read_sources_file(sources_file) if sources_file is not None else []
    chosen = [*names, *listed] or list(settings.sources)
    if not chosen:
        raise UsageError("no sources: name files, directories, URLs or feeds, or use --sources FILE")
    return chosen


def clock(day: date | None) -> datetime | None:
    """ "Now" for a briefing dated `day`: the end of that day when it is not today (the `since` window of a
    day run again with --date ends there), else None for the clock."""
    if day is None or day == datetime.now().date():
        return None
    return datetime.combine(day, datetime.max.time()).astimezone()


def ingest_options(settings: Settings, stdin: BinaryIO | None, day: date | None = None) -> IngestOptions:
    return IngestOptions(
        follow=settings.follow_links,
        since=settings.since_time(clock(day)),
        fetch=FetchSettings(timeout=settings.fetch_timeout),
        stdin=stdin,
        tally=Tally(window=settings.since),
    )


def no_article(failures: Sequence[Failure], tally: Tally | None = None) -> InputError:
    """No article to brief, and the true reason: the --since window left out everything read, or the sources
    failed (the first three named)."""
    return InputError((tally or Tally()).nothing_left(list(failures)))


@dataclass
class Read:
    """Every article of the sources (duplicates merged, the `since` window applied), and what failed."""

    articles: list[Article]
    failures: list[Failure]
    too_old: int = 0
    merged: int = 0
    tally: Tally = field(default_factory=Tally)


def read(settings: Settings, names: Sequence[str], stdin: BinaryIO | None = None, day: date | None = None) -> Read:
    """Read everything first (the dry run, `ingest` and the Batch API need every article before acting)."""
    ingested = sources.ingest(list(names), ingest_options(settings, stdin, day))
    return Read(ingested.articles, ingested.failures, ingested.too_old, ingested.merged, ingested.tally)


def report_reading(progress: Progress, tally: Tally, merged: int) -> None:
    """Say what reading left out, only what happened: articles older than the --since window, duplicates
    merged (one line), and the feed items briefed from their teaser alone, with why (another)."""
    parts = []
    if tally.too_old:
        parts.append(f"{tally.too_old} article{'s' if tally.too_old != 1 else ''} older than --since left out")
    if merged:
        parts.append(f"{merged} duplicate{'s' if merged != 1 else ''} merged")
    if parts:
        progress.note(", ".join(parts))
    teasers = tally.teaser_note()
    if teasers:
        progress.note(teasers)
