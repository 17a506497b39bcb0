"""The run, in order and in one place: recall (the history store) -> read sources -> extract -> synthesize ->
build the briefing -> mark against the ledger -> render -> keep (the store) and deliver.

Every entry point is this pipeline, whole or stopped or started at a stage: `briefer run` and `brief()` are
all of it; `extract` stops after building the briefing (JSON); `render` and `email` start from a saved
briefing; `--dry-run` stops after reading, with a plan; `--batch` hands the extraction to the Batch API
(`briefer.batch`). The CLI and the Python API only adapt: they build Settings and call in here.

The history store (`briefer.store`) is read before the sources and written after the output: the ledger as
it stood before the briefing's date marks the day's commitments, `--since-last` leaves out the articles an
earlier run of the same briefing briefed, and the run is kept only once its output is written.

Reading and extraction overlap: articles go to extraction as they are read, in the order the sources are
named, with a bounded look-ahead (`sources.stream`), so the first request leaves while later sources are
still being fetched. Duplicates are folded as they arrive (`Deduper`): a copy of a story already sent is
not sent again, unless it is fuller, and the briefing keeps the fullest text of each story in first-seen
order, exactly as if everything had been read first.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

import jinja2

from briefer import memory, model_day, sources, synthesize
from briefer.config import Settings
from briefer.errors import (
    BrieferError,
    DeliveryError,
    FatalModelError,
    InputError,
    ModelError,
    NothingNewError,
    UsageError,
)
from briefer.extract import ModelExtractor
from briefer.extractors import Extractor, open_extractor
from briefer.models import Article, ArticleBrief, Briefing, Failure, Usage
from briefer.offline import OfflineExtractor
from briefer.rendering import Format, choose_format
from briefer.sources import IngestOptions
from briefer.sources.dedupe import Deduper
from briefer.sources.web import FetchSettings

if TYPE_CHECKING:
    from briefer.ledger import Marked
    from briefer.memory import Memory

DEFAULT_TITLE = "Briefing"
OFFLINE_IN_FLIGHT = 64


def _ignore(*_: object) -> None:
    return None


@dataclass
class Progress:
    """How the pipeline reports as it goes; the CLI draws these, the defaults do nothing."""

    found: Callable[[int], None] = _ignore  # more articles to extract (the total grows as sources are read)
    advance: Callable[[], None] = _ignore  # one article extracted (or failed)
    stage: Callable[[str], None] = _ignore  # a named step after extraction ("writing the overview")
    note: Callable[[str], None] = _ignore  # a line for the user


@dataclass
class Request:
    """What a `briefer run` asks for, beyond the settings."""

    sources: list[str] = field(default_factory=list)  # with sources_file's, or else the configuration's
    sources_file: Path | None = None  # a file listing sources, one a line
    stdin: BinaryIO | None = None  # read when a source is "-"
    output: Path | None = None  # None: write to `stdout`
    stdout: TextIO | None = None
    fmt: str | None = None  # None: from the output's extension, else Markdown
    email: bool = False
    eml: Path | None = None  # write the email here instead of sending it
    batch: bool = False
    wait: bool = True
    dry_run: bool = False
    name: str | None = None  # a named briefing ([briefings.NAME]); its runs are kept under that name
    day: date | None = None  # the briefing's date (--date); None: today
    since_last: bool | None = None  # brief only what is new since the previous run; None: the briefing's own


# Reading --------------------------------------------------------------------------------------------------


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


def _ingest_options(settings: Settings, stdin: BinaryIO | None, day: date | None = None) -> IngestOptions:
    return IngestOptions(
        follow=settings.follow_links,
        since=settings.since_time(clock(day)),
        fetch=FetchSettings(timeout=settings.fetch_timeout),
        stdin=stdin,
    )


def no_article(failures: Sequence[Failure]) -> InputError:
    reasons = "; ".join(f"{f.source}: {f.error}" for f in failures[:3]) or "no sources given"
    return InputError(f"no readable article ({reasons})")


@dataclass
class Read:
    """Every article of the sources (duplicates merged, the `since` window applied), and what failed."""

    articles: list[Article]
    failures: list[Failure]
    too_old: int = 0
    merged: int = 0


def read(settings: Settings, request: Request) -> Read:
    """Read everything first (the dry run, `ingest` and the Batch API need every article before acting)."""
    names = source_names(settings, request.sources, request.sources_file)
    ingested = sources.ingest(names, _ingest_options(settings, request.stdin, request.day))
    return Read(ingested.articles, ingested.failures, ingested.too_old, ingested.merged)


def report_reading(progress: Progress, too_old: int, merged: int) -> None:
    """Say what reading left out, only what happened."""
    parts = []
    if too_old:
        parts.append(f"{too_old} article{'s' if too_old != 1 else ''} older than --since left out")
    if merged:
        parts.append(f"{merged} duplicate{'s' if merged != 1 else ''} merged")
    if parts:
        progress.note(", ".join(parts))


# Extracting -----------------------------------------------------------------------------------------------


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
    request: Request,
    extractor: Extractor,
    progress: Progress,
    briefed: frozenset[str] | set[str] = frozenset(),
) -> Extracted:
    """Read the sources and extract each article as soon as it is read (see the module's docstring); an
    article whose id is in `briefed` (an earlier run briefed this very text) is left out."""
    names = source_names(settings, request.sources, request.sources_file)
    options = _ingest_options(settings, request.stdin, request.day)
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
        async with asyncio.TaskGroup() as group, aclosing(sources.stream(names, options)) as items:
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


# Synthesis and the briefing -------------------------------------------------------------------------------


async def synthesize_day(
    briefs: list[ArticleBrief], extractor: Extractor, today: date, failures: list[Failure], progress: Progress
) -> synthesize.Synthesis:
    """The day as one story. Offline, judged by the sentences' signatures; with a model, the cheap candidates
    are found first (in a worker thread) and the one synthesis request judges them, writes the overview and
    the themes. A failed synthesis request, or a reply that ignores the format, falls back to the offline
    synthesis and is listed under failures."""
    if not briefs:
        return synthesize.synthesize(briefs, today)
    if isinstance(extractor, OfflineExtractor):  # its workers parse the statements: spaCy is loaded there
        day = await asyncio.to_thread(synthesize.prepare, briefs)
        needed = synthesize.to_parse(day)
        parsed = await extractor.signatures([day.statements[i].text for i in needed])
        same, real = synthesize.judge_offline(day, dict(zip(needed, parsed, strict=True)))
        return await asyncio.to_thread(synthesize.settle, day, same, real, today)
    progress.stage("writing the overview")
    day = await asyncio.to_thread(synthesize.prepare, briefs)
    try:
        answer = await extractor.synthesize(day, today)
    except FatalModelError:
        raise
    except ModelError as e:
        failures.append(Failure(source="synthesis", error=f"{e.message} (the day is synthesized offline)"))
        return await asyncio.to_thread(synthesize.synthesize, briefs, today)
    result, problems = model_day.apply_model(day, answer, today)
    failures.extend(Failure(source="synthesis", error=problem) for problem in problems)
    return result


def build_briefing(
    briefs: list[ArticleBrief],
    failures: list[Failure],
    *,
    provider: str,
    model: str | None,
    usage: Usage,
    title: str | None = None,
    today: date | None = None,
    synthesis: synthesize.Synthesis | None = None,
    since: datetime | None = None,
) -> Briefing:
    now = datetime.now(UTC)
    day = today or datetime.now().date()
    synthesis = synthesis or synthesize.synthesize(briefs, day)
    return Briefing(
        title=title or DEFAULT_TITLE,
        date=day,
        generated_at=now,
        provider=provider,
        model=model,
        since=since,
        overview=synthesis.overview_text,
        overview_sentences=synthesis.overview,
        overview_dropped=synthesis.dropped,
        themes=synthesis.themes,
        commitments=synthesis.commitments,
        facts=synthesis.facts,
        conflicts=synthesis.conflicts,
        watch=synthesis.watch,
        articles=briefs,
        failures=failures,
        usage=usage,
    )


async def finish_briefing(
    extracted: Extracted,
    extractor: Extractor,
    settings: Settings,
    progress: Progress,
    started: float,
    *,
    title: str | None = None,
    spent: Callable[[], float | None] | None = None,
    today: date | None = None,
) -> Briefing:
    """Synthesize the day and build the Briefing (ModelError when no article could be extracted); `today` is
    the briefing's date (the wall clock's by default)."""
    if not extracted.briefs:
        first = extracted.failures[0] if extracted.failures else Failure(source="-", error="nothing to extract")
        raise ModelError(f"no article could be extracted ({first.source}: {first.error})")
    today = today or datetime.now().date()
    failures = list(extracted.failures)
    day = await synthesize_day(extracted.briefs, extractor, today, failures, progress)
    usage = extractor.usage.model_copy(
        update={
            "elapsed_seconds": round(time.perf_counter() - started, 3),
            "cost_usd": spent() if spent is not None else extractor.spent(),
        }
    )
    return build_briefing(
        extracted.briefs,
        failures,
        provider=extractor.provider,
        model=extractor.model,
        usage=usage,
        title=title or settings.title,
        today=today,
        synthesis=day,
        since=settings.since_time(clock(today)),
    )


def brief(settings: Settings, request: Request, progress: Progress | None = None) -> Briefing:
    """Read, extract, synthesize and mark against the ledger: the Briefing of the request's sources (not
    kept in the history store: `run` does that).

    Raises InputError when no source gives an article, ModelError when none could be extracted. With
    --max-cost and a model, everything is read first, since the estimate needs every article.
    """
    return _brief(settings, request, progress or Progress(), _recall(settings, request))[0]


def _brief(
    settings: Settings, request: Request, progress: Progress, recalled: Memory | None
) -> tuple[Briefing, Marked | None]:
    """The briefing, and with a `recalled` of the store, marked against the ledger (what to keep of it too)."""
    started = time.perf_counter()
    briefed: set[str] = recalled.briefed if recalled is not None else set()

    async def go() -> tuple[Briefing, Marked | None]:
        async with open_extractor(settings) as extractor:
            if isinstance(extractor, ModelExtractor):
                extractor.llm.prepare()  # the client's import overlaps the reading of the sources
            if settings.max_cost is not None and isinstance(extractor, ModelExtractor):
                everything = await asyncio.to_thread(read, settings, request)
                report_reading(progress, everything.too_old, everything.merged)
                if not everything.articles:
                    raise no_article(everything.failures)
                fresh = [a for a in everything.articles if a.id not in briefed]
                if not fresh:
                    raise NothingNewError("nothing new: every article read was briefed by an earlier run")
                extractor.check_budget(fresh, settings.max_cost)
                briefs, failures = await extract_all(
                    fresh, extractor, settings.concurrency, progress, settings.max_cost
                )
                extracted = Extracted(briefs, [*everything.failures, *failures], len(everything.articles) - len(fresh))
            else:
                extracted = await extract_streaming(settings, request, extractor, progress, briefed)
            today = recalled.today if recalled is not None else request.day
            briefing = await finish_briefing(extracted, extractor, settings, progress, started, today=today)
            briefing = briefing.model_copy(update={"name": request.name})
            if recalled is None:
                return briefing, None
            return await memory.remember(briefing, recalled, extractor, settings, extracted.skipped)

    return asyncio.run(go())


# Rendering, keeping, delivering ---------------------------------------------------------------------------


def templates(settings: Settings) -> jinja2.Environment:
    """The run's one output-template environment."""
    from briefer.templating import output_environment

    return output_environment(settings.templates_dir, settings.dirs.config)


def render(briefing: Briefing, fmt: Format, settings: Settings, env: jinja2.Environment | None = None) -> str:
    """The briefing as Markdown, HTML or JSON text, through the output templates."""
    from briefer import rendering

    env = env or templates(settings)
    return rendering.render(briefing, fmt, env, settings.include_ungrounded, settings.vars)


def emit(text: str, output: Path | None, stdout: TextIO | None) -> None:
    """Write to `output` atomically, or to the stream."""
    if output is not None:
        from briefer.storage import write_atomic

        write_atomic(text, output)
    elif stdout is not None:
        stdout.write(text)
        stdout.flush()


def deliver(
    briefing: Briefing, settings: Settings, request: Request, env: jinja2.Environment, progress: Progress
) -> str:
    """Keep the briefing (when it was not written to a file) and email it, or write the .eml; the line to
    tell the user what happened."""
    from briefer import deliver as delivery

    saved = request.output
    if saved is None:
        saved = delivery.keep(briefing, settings, env)
        progress.note(f"briefing saved at {saved}")
    message = delivery.message_for_briefing(briefing, settings, env)
    return delivery.deliver(message, settings, request.eml, saved)


@dataclass
class Outcome:
    """What a run made: the briefing (None for a dry run or a batch not waited for), and the delivery."""

    briefing: Briefing | None = None
    delivered: str | None = None  # what became of the email
    output: Path | None = None  # the file written (None: standard output)


def named(settings: Settings, request: Request) -> Request:
    """The request with a named briefing's output, format, recipients and --since-last filled in where the
    command line left them."""
    if request.name is None:
        return request
    config = settings.briefings.get(request.name)
    if config is None:
        raise UsageError(f"--briefing {request.name}: no [briefings.{request.name}] in the configuration")
    day = request.day or datetime.now().date()
    output = request.output
    if output is None and config.output and request.stdout is not None:
        output = Path(config.output.replace("{date}", day.isoformat()))
    return replace(
        request,
        output=output,
        fmt=request.fmt or config.format,
        email=request.email or bool(config.to or config.cc or config.bcc),
        since_last=config.since_last if request.since_last is None else request.since_last,
    )


def run(settings: Settings, request: Request, progress: Progress | None = None) -> Outcome:
    """The whole run: recall -> read -> extract -> synthesize -> build -> mark -> render -> write -> keep and
    deliver. A named briefing that fails emails a short notice when it is configured to."""
    progress = progress or Progress()
    request = named(settings, request)
    try:
        return _run(settings, request, progress)
    except BrieferError as e:
        config = settings.briefings.get(request.name or "")
        if config is not None and config.notify_failures and not isinstance(e, DeliveryError) and not request.dry_run:
            progress.note(memory.notify_failure(settings, request.name or "", request.day, e))
        raise


def _recall(settings: Settings, request: Request) -> Memory | None:
    return memory.recall(settings, request.name, request.day, bool(request.since_last))


def _run(settings: Settings, request: Request, progress: Progress) -> Outcome:
    fmt = choose_format(request.output, request.fmt)
    if (request.email or request.eml is not None) and not request.dry_run:
        from briefer.mailer import check

        check(settings.email, sending=request.eml is None)  # a broken [email] fails now, not after the work
    if request.dry_run:
        from briefer.plan import plan

        everything = read(settings, request)
        if not everything.articles:
            raise no_article(everything.failures)
        emit(plan(settings, everything.articles).describe(), None, request.stdout)
        return Outcome()
    recalled = _recall(settings, request)
    marked = None
    if request.batch:
        if recalled is not None and recalled.since_last:
            raise UsageError("--since-last cannot be combined with --batch")
        fetched = batch_run(settings, request, progress)
        if fetched is None:
            return Outcome()
        briefing = fetched
        if recalled is not None:  # the batch's extractor is closed: uncertain matches stay apart
            briefing, marked = asyncio.run(memory.remember(briefing, recalled, None, settings, 0))
    else:
        briefing, marked = _brief(settings, request, progress, recalled)
    env = templates(settings)
    emit(render(briefing, fmt, settings, env), request.output, request.stdout)
    if recalled is not None:
        memory.keep_run(recalled, briefing, marked, request.output, progress.note)
    delivered = None
    if request.email or request.eml is not None:
        try:
            delivered = deliver(briefing, settings, request, env, progress)
        except BrieferError:
            if recalled is not None and request.eml is None:
                memory.forget_delivery(recalled)  # not sent: the next run briefs these articles again
            raise
    return Outcome(briefing, delivered, request.output)


def rerender(settings: Settings, saved: Path, output: Path | None, fmt: str | None, stdout: TextIO | None) -> None:
    """A saved briefing rendered again, with no model call."""
    from briefer.storage import load_briefing

    chosen = choose_format(output, fmt)
    if saved.suffix.lower() != ".json":
        raise InputError(
            f"{saved}: only a briefing saved as JSON (run -o briefing.json, or extract) can be rendered again"
        )
    emit(render(load_briefing(saved), chosen, settings), output, stdout)


def render_to(
    briefing: Briefing, settings: Settings, output: Path | None, fmt: str | None, stdout: TextIO | None
) -> None:
    """A briefing (one the history store kept) rendered and written, with no model call."""
    emit(render(briefing, choose_format(output, fmt), settings), output, stdout)


def email_saved(settings: Settings, saved: Path, eml: Path | None) -> str:
    """Email a saved briefing (.json rendered again; .html and .md as they are); the line to tell the user."""
    from briefer import deliver as delivery

    message = delivery.message_for_file(saved, settings, templates(settings))
    return delivery.deliver(message, settings, eml, saved)


def extract(settings: Settings, request: Request, progress: Progress | None = None) -> Briefing:
    """The run stopped after building and marking the briefing: its JSON, not rendered (`briefer render` does
    that), and not kept in the history store (only a run that renders is)."""
    if request.fmt not in (None, "json") or (
        request.output is not None and choose_format(request.output, None) != "json"
    ):
        raise UsageError(
            f"{request.output or request.fmt}: extract writes JSON only (name a .json file); "
            "`briefer run` writes Markdown and HTML"
        )
    briefing, _ = _brief(settings, request, progress or Progress(), _recall(settings, request))
    emit(briefing.model_dump_json(indent=2) + "\n", request.output, request.stdout)
    return briefing


JSON_LINES = (".jsonl", ".ndjson")


def ingest(settings: Settings, request: Request, progress: Progress | None = None) -> Read:
    """The articles that would be sent, as JSON Lines, with no model call."""
    import json

    if request.output is not None and request.output.suffix.lower() not in JSON_LINES:
        raise UsageError(f"{request.output}: ingest writes JSON Lines; name a .jsonl file")
    progress = progress or Progress()
    result = read(settings, request)
    report_reading(progress, result.too_old, result.merged)
    records = []
    for article in result.articles:
        record = article.model_dump(mode="json")
        record["word_count"] = len(article.text.split())
        records.append(json.dumps(record, ensure_ascii=False) + "\n")
    emit("".join(records), request.output, request.stdout)
    return result


# The Batch API --------------------------------------------------------------------------------------------


def batch_run(settings: Settings, request: Request, progress: Progress) -> Briefing | None:
    """Submit the articles as a Batch API job; with `wait`, poll until done and return the briefing."""
    from briefer import batch

    everything = read(settings, request)
    report_reading(progress, everything.too_old, everything.merged)
    if not everything.articles:
        raise no_article(everything.failures)
    batch_id, count = batch.submit_job(settings, everything.articles, everything.failures)
    resume = f"briefer batch fetch {batch_id}" + (f" -o {request.output}" if request.output else "")
    progress.note(f"batch {batch_id} submitted ({count} requests; the rest were cached)")
    if not request.wait:
        progress.note(f"resume with: {resume}")
        return None
    try:
        return fetch_batch(settings, batch_id, wait=True, progress=progress, today=request.day)
    except KeyboardInterrupt:
        progress.note(f"stopped waiting; the batch goes on. Resume with: {resume}")
        raise


def fetch_batch(
    settings: Settings,
    batch_id: str,
    wait: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> Briefing:
    """The briefing of a finished batch (waiting for it first when `wait`), dated `today` (the clock's by
    default). A batch fetched later with `briefer batch fetch` is not kept in the history store."""
    from briefer import batch

    progress = progress or Progress()
    started = time.perf_counter()

    async def go() -> Briefing:
        async with batch.opened(settings) as extractor:
            collected = await batch.collect_job(extractor, batch_id, settings, wait, progress.note)
            return await finish_briefing(
                Extracted(collected.briefs, collected.failures),
                extractor,
                settings,
                progress,
                started,
                title=collected.title,
                spent=collected.spent,
                today=today,
            )

    return asyncio.run(go())


def fetch_and_render(
    settings: Settings,
    batch_id: str,
    output: Path | None,
    fmt: str | None,
    stdout: TextIO | None,
    wait: bool = False,
    progress: Progress | None = None,
) -> Briefing:
    """`briefer batch fetch`: the batch's briefing, rendered and written."""
    chosen = choose_format(output, fmt)
    briefing = fetch_batch(settings, batch_id, wait, progress)
    emit(render(briefing, chosen, settings), output, stdout)
    return briefing


def batch_status(settings: Settings, batch_id: str) -> str:
    from briefer import batch

    return batch.describe_status(settings, batch_id)
