"""Extraction of many articles at once: a list concurrently, or the sources streamed as they are read.

Reading and extraction overlap: articles go to extraction as they are read, in the order the sources are
named, with a bounded look-ahead (`sources.stream`), so the first request leaves while later sources are
still being fetched. Duplicates are folded as they arrive (`Deduper`): a copy of a story already sent is
not sent again, unless it is fuller, and the briefing keeps the fullest text of each story in first-seen
order, exactly as if everything had been read first."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from contextlib import aclosing
from dataclasses import dataclass

from briefer import sources
from briefer.config import Settings
from briefer.errors import BrieferError, FatalModelError, ModelError, NothingNewError
from briefer.extraction.extract import ModelExtractor
from briefer.extraction.extractors import Extractor
from briefer.models import Article, ArticleBrief, Failure
from briefer.progress import Progress
from briefer.sources import IngestOptions
from briefer.sources.dedupe import Deduper
from briefer.sources.reading import no_article, report_reading

OFFLINE_IN_FLIGHT = 64


async def extract_one(extractor: Extractor, article: Article, max_cost: float | None = None) -> ArticleBrief | Failure:
    """One article's brief, or a Failure; a fatal model error (a rejected key) propagates and stops the run.
    Once the spending reaches `max_cost`, the article is skipped."""
    if max_cost is not None and (extractor.spent() or 0.0) >= max_cost:
        return Failure(source=article.source, error=f"skipped: the run reached --max-cost ${max_cost:g}")
    try:
        return await extractor.extract(article)
    except FatalModelError:
        raise
    except ModelError as e:
        return Failure(source=article.source, error=e.message)


async def extract_all(
    articles: Sequence[Article],
    extractor: Extractor,
    concurrency: int,
    progress: Progress | None = None,
    max_cost: float | None = None,
) -> tuple[list[ArticleBrief], list[Failure]]:
    """Extract a list of articles concurrently; keep input order. A failed article becomes a Failure; a fatal
    error stops all."""
    progress = progress or Progress()
    progress.found(len(articles))
    slots = asyncio.Semaphore(concurrency)

    async def one(article: Article) -> ArticleBrief | Failure:
        async with slots:
            try:
                return await extract_one(extractor, article, max_cost)
            finally:
                progress.advance()

    results = await _gather([one(a) for a in articles])
    return [r for r in results if isinstance(r, ArticleBrief)], [r for r in results if isinstance(r, Failure)]


Extraction = ArticleBrief | Failure


async def _gather(coroutines: list[Coroutine[object, None, Extraction]]) -> list[Extraction]:
    """Run them all; the first BrieferError raised stops the others and is raised alone."""
    tasks: list[asyncio.Task[Extraction]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks.extend(group.create_task(c) for c in coroutines)
    except* BrieferError as fatal:  # a rejected key, a broken prompt: the first stops the run
        raise fatal.exceptions[0] from None
    return [t.result() for t in tasks]


@dataclass
class Extracted:
    """What extraction produced, before synthesis."""

    briefs: list[ArticleBrief]
    failures: list[Failure]  # reading's, then extraction's, in input order
    skipped: int = 0  # articles an earlier run of the briefing briefed, left out (--since-last)


async def extract_streaming(
    settings: Settings,
    names: Sequence[str],
    options: IngestOptions,
    extractor: Extractor,
    progress: Progress,
    briefed: frozenset[str] | set[str] = frozenset(),
) -> Extracted:
    """Read the sources and extract each article as soon as it is read (see the module's docstring); an
    article whose id is in `briefed` (an earlier run briefed this very text) is left out."""
    since = options.since
    options.since = None  # applied here, as articles arrive
    deduper = Deduper()
    started: dict[int, asyncio.Task[ArticleBrief | Failure]] = {}
    read_failures: list[Failure] = []
    too_old = 0
    skipped = 0
    # The model: requests in flight. Offline: articles queued for the process pool, which batches them.
    slots = asyncio.Semaphore(settings.concurrency if isinstance(extractor, ModelExtractor) else OFFLINE_IN_FLIGHT)

    async def one(article: Article) -> ArticleBrief | Failure:
        try:
            return await extract_one(extractor, article, settings.max_cost)
        finally:
            slots.release()
            progress.advance()

    try:
        async with asyncio.TaskGroup() as group, aclosing(sources.stream(list(names), options)) as items:
            async for item in items:
                if isinstance(item, Failure):
                    read_failures.append(item)
                    continue
                if since is not None and item.published is not None and item.published < since:
                    too_old += 1
                    continue
                if item.id in briefed:
                    skipped += 1
                    continue
                index = len(deduper.articles)
                _, primary = deduper.add(item)
                if not primary:
                    continue
                if not started and extractor.provider == "offline" and settings.provider == "auto":
                    progress.note(
                        "no model configured: extracting offline, without a language model "
                        "(set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server, to use one)"
                    )
                await slots.acquire()  # the bound: no more reading ahead than extraction can take
                progress.found(1)
                started[index] = group.create_task(one(item))
    except* BrieferError as fatal:
        raise fatal.exceptions[0] from None
    return _settle(deduper, started, read_failures, too_old, skipped, progress)


def _settle(
    deduper: Deduper,
    started: dict[int, asyncio.Task[ArticleBrief | Failure]],
    read_failures: list[Failure],
    too_old: int,
    skipped: int,
    progress: Progress,
) -> Extracted:
    """The finished extractions in first-seen order, each story's fullest copy; what reading left out said."""
    merged = deduper.merged()
    report_reading(progress, too_old, len(deduper.articles) - len(merged))
    if skipped:
        progress.note(f"{skipped} article{'s' if skipped != 1 else ''} already briefed by an earlier run left out")
    if not merged:
        if skipped:
            raise NothingNewError(
                f"nothing new: all {skipped} articles read were briefed by an earlier run of this briefing"
                + (
                    f" ({len(read_failures)} sources failed: {read_failures[0].source}: {read_failures[0].error})"
                    if read_failures
                    else ""
                )
            )
        raise no_article(read_failures)
    briefs: list[ArticleBrief] = []
    failures = list(read_failures)
    for group_number, article in enumerate(merged):
        result = started[deduper.primary(group_number)].result()
        if isinstance(result, Failure):
            failures.append(result)
        else:
            briefs.append(result.model_copy(update={"duplicates": article.duplicates}))
    return Extracted(briefs, failures, skipped)
