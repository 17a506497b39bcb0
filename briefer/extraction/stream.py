"""Extraction of many articles at once: a list concurrently, or the sources streamed as they are read.

Reading and extraction overlap: articles go to extraction as they are read, in the order the sources are
named, with a bounded look-ahead (`sources.stream`), so the first request leaves while later sources are
still being fetched. Duplicates are folded as they arrive (`Deduper`): a copy of a story already sent is
not sent again, unless it is fuller, and the briefing keeps the fullest text of each story in first-seen
order, exactly as if everything had been read first."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Sequence
from contextlib import aclosing
from dataclasses import dataclass

from briefer import sources
from briefer.config import Settings
from briefer.errors import BrieferError, FatalModelError, ModelError, NothingNewError
from briefer.extraction.extract import ModelExtractor
from briefer.extraction.extractors import Extractor
from briefer.models import Article, ArticleBrief, Failure
from briefer.offline.failsafe import OfflineCrash
from briefer.progress import Progress
from briefer.sources import IngestOptions
from briefer.sources.dedupe import Deduper
from briefer.sources.reading import no_article, report_reading
from briefer.sources.tally import Tally

OFFLINE_IN_FLIGHT = 64
# With a model, articles made ready (read, the prompt rendered) to wait at the extractor's gate besides those
# whose request is in flight: when a reply comes back the next request leaves at once, and the article the
# reply belongs to is grounded in a worker thread meanwhile.
READY_AHEAD = 2  # times the concurrency
LONG_ARTICLE = 100_000  # characters: extracting an article this long is said as it starts, and as it goes
NOTE_EVERY = 10.0  # seconds


async def extract_one(
    extractor: Extractor,
    article: Article,
    max_cost: float | None = None,
    progress: Progress | None = None,
    on_answer: Callable[[], None] | None = None,
) -> ArticleBrief | Failure:
    """One article's brief, or a Failure; a fatal model error (a rejected key) or a broken setting propagates
    and stops the run. An unexpected exception on one article (a bug its text ran into) is that article's
    Failure: nothing an article contains ends the run. Once the spending reaches `max_cost`, the article is
    skipped. A long article is said on `progress` as it starts, and every NOTE_EVERY seconds until done.
    With a model, `on_answer` is called as soon as the model has answered, before the article is grounded."""
    if max_cost is not None and (extractor.spent() or 0.0) >= max_cost:
        return Failure(source=article.source, error=f"skipped: the run reached --max-cost ${max_cost:g}")
    try:
        work = (
            extractor.extract(article, on_answer)
            if isinstance(extractor, ModelExtractor)
            else extractor.extract(article)
        )
        if progress is not None and len(article.text) >= LONG_ARTICLE:
            return await _noted(work, article, progress)
        return await work
    except FatalModelError:
        raise
    except ModelError as e:
        return Failure(source=article.source, error=e.message)
    except BrieferError:
        raise  # a broken prompt or setting: no other article would fare better
    except Exception as e:  # a bug met on this article's text: it fails alone, the rest goes on
        return Failure(source=article.source, error=crash_reason(e))


async def _noted(work: Coroutine[object, None, ArticleBrief], article: Article, progress: Progress) -> ArticleBrief:
    """The extraction of a long article, said when it starts and every NOTE_EVERY seconds until it ends: on a
    stderr that is not a terminal, where no bar is drawn, the only sign that the run is alive."""
    words = len(article.text.split())
    progress.note(f"{article.source}: a long article ({words:,} words); extracting it takes a while")
    started = time.monotonic()
    task = asyncio.ensure_future(work)
    try:
        while not (await asyncio.wait({task}, timeout=NOTE_EVERY))[0]:
            progress.note(f"{article.source}: still extracting ({time.monotonic() - started:.0f} s so far)")
        return task.result()
    finally:
        task.cancel()


def crash_reason(error: BaseException) -> str:
    """One line for an unexpected error on one article: what it was, and that it is briefer's fault."""
    text = " ".join(str(error).split())
    text = text if len(text) <= 160 else text[:159] + "…"
    named = text if isinstance(error, OfflineCrash) else f"{type(error).__name__}: {text}".rstrip(": ")
    return f"extraction failed unexpectedly ({named}); a bug in briefer, the other articles went on"


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
    slots = asyncio.Semaphore(_in_extraction(extractor, concurrency, max_cost))

    async def one(article: Article) -> ArticleBrief | Failure:
        await slots.acquire()
        free = _once(slots.release)
        try:
            return await extract_one(extractor, article, max_cost, progress, free)
        finally:
            free()
            progress.advance()

    results = await _gather([one(a) for a in articles])
    return [r for r in results if isinstance(r, ArticleBrief)], [r for r in results if isinstance(r, Failure)]


Extraction = ArticleBrief | Failure


def _in_extraction(extractor: Extractor, concurrency: int, max_cost: float | None) -> int:
    """How many articles are extracted at once: with a model, READY_AHEAD times the requests in flight (the
    extractor's gate holds those), bar under --max-cost, whose budget reserves an article's cost from the
    moment its extraction starts."""
    if isinstance(extractor, ModelExtractor) and max_cost is None:
        return READY_AHEAD * concurrency
    return concurrency


def _once(release: Callable[[], None]) -> Callable[[], None]:
    """`release`, callable any number of times, done the first."""
    done = False

    def once() -> None:
        nonlocal done
        if not done:
            done = True
            release()

    return once


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
    on_brief: Callable[[ArticleBrief], None] | None = None,
) -> Extracted:
    """Read the sources and extract each article as soon as it is read (see the module's docstring); an
    article whose id is in `briefed` (an earlier run briefed this very text) is left out. `on_brief` is
    called with each brief in a worker thread (the day's work on it, done while other requests are out)."""
    deduper = Deduper()
    started: dict[int, asyncio.Task[ArticleBrief | Failure]] = {}
    read_failures: list[Failure] = []
    skipped = 0
    # The model: requests in flight and articles ready. Offline: articles queued for the process pool, which
    # batches them.
    model = isinstance(extractor, ModelExtractor)
    slots = asyncio.Semaphore(_in_extraction(extractor, settings.concurrency, None) if model else OFFLINE_IN_FLIGHT)

    async def one(article: Article) -> ArticleBrief | Failure:
        free = _once(slots.release)  # the next article's request leaves once this one is answered
        try:
            result = await extract_one(extractor, article, settings.max_cost, progress, free)
        finally:
            free()
            progress.advance()
        if on_brief is not None and isinstance(result, ArticleBrief):
            await asyncio.to_thread(on_brief, result)
        return result

    try:
        async with asyncio.TaskGroup() as group, aclosing(sources.stream(list(names), options)) as items:
            async for item in items:
                if isinstance(item, Failure):
                    read_failures.append(item)
                    continue
                if item.id in briefed:
                    skipped += 1
                    continue
                index = len(deduper.articles)
                # Shingling the text for near-copies takes a while: off the loop, which takes the replies.
                _, primary = await asyncio.to_thread(deduper.add, item)
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
    return _settle(deduper, started, read_failures, options.tally, skipped, progress)


def _settle(
    deduper: Deduper,
    started: dict[int, asyncio.Task[ArticleBrief | Failure]],
    read_failures: list[Failure],
    tally: Tally,  # what reading left out (the `since` window applied as the sources are read)
    skipped: int,
    progress: Progress,
) -> Extracted:
    """The finished extractions in first-seen order, each story's fullest copy; what reading left out said."""
    merged = deduper.merged()
    report_reading(progress, tally, len(deduper.articles) - len(merged))
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
        raise no_article(read_failures, tally)
    briefs: list[ArticleBrief] = []
    failures = list(read_failures)
    for group_number, article in enumerate(merged):
        result = started[deduper.primary(group_number)].result()
        if isinstance(result, Failure):
            failures.append(result)
        else:
            briefs.append(result.model_copy(update={"duplicates": article.duplicates}))
    return Extracted(briefs, failures, skipped)
