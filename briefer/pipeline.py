"""The run, in order and in one place: recall (the history store) -> read sources -> extract -> synthesize ->
build the briefing -> mark against the ledger -> render -> keep (the store) and deliver.

Every entry point is this pipeline, whole or stopped or started at a stage: `briefer run` and `brief()` are
all of it; `extract` stops after building the briefing (JSON); `render` and `email` start from a saved
briefing; `--dry-run` stops after reading, with a plan; `--batch` hands the extraction to the Batch API
(`briefer.batching`). The CLI and the Python API only adapt: they build Settings and call in here. Each
stage lives in its own package; this module only calls them in order.

The history store (`briefer.memory.store`) is read before the sources and written after the output: the ledger
as it stood before the briefing's date marks the day's commitments, `--since-last` leaves out the articles an
earlier run of the same briefing briefed, and the run is kept only once its output is written. Reading and
extraction overlap (`briefer.extraction.stream`).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from briefer.batching import batch_run, batch_status, fetch_and_render
from briefer.config import Settings
from briefer.errors import BrieferError, DeliveryError, NothingNewError, UsageError
from briefer.extraction.extract import ModelExtractor
from briefer.extraction.extractors import open_extractor
from briefer.extraction.stream import Extracted, extract_all, extract_streaming
from briefer.memory import stage as memory
from briefer.models import ArticleBrief, Briefing
from briefer.output.publish import (
    check_output,
    deliver,
    email_saved,
    emit,
    is_stream,
    output_format,
    render,
    render_to,
    rerender,
    templates,
)
from briefer.progress import Progress
from briefer.sources import reading
from briefer.sources.reading import Read, no_article, report_reading

if TYPE_CHECKING:
    from briefer.memory.ledger import Marked
    from briefer.memory.stage import Memory
    from briefer.output.rendering import Format

JSON_LINES = (".jsonl", ".ndjson")

# The entry points the CLI and the Python API call; those that start at a later stage live with that stage.
__all__ = [
    "Outcome",
    "Progress",
    "Request",
    "batch_status",
    "brief",
    "email_saved",
    "extract",
    "fetch_and_render",
    "ingest",
    "no_article",
    "read",
    "render",
    "render_to",
    "rerender",
    "run",
]


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
    mkdir: bool = False  # create the output's folder when it is missing (--mkdir); else a missing one is refused
    # Checks the output templates before any work (the CLI renders them against a sample briefing).
    preflight: Callable[[Settings, Format, bool], None] | None = None
    site: Path | None = None  # the archive site to update once the run is kept (--site); else [site] dir


def read(settings: Settings, request: Request) -> Read:
    """Every article of the request's sources, read first (see `briefer.sources.reading`)."""
    names = reading.source_names(settings, request.sources, request.sources_file)
    return reading.read(settings, names, request.stdin, request.day)


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
            model = isinstance(extractor, ModelExtractor)
            if isinstance(extractor, ModelExtractor):
                extractor.llm.prepare(progress)  # the client's import overlaps the reading; waits are noted
                _import_later(keeping=recalled is not None)
            if settings.max_cost is not None and isinstance(extractor, ModelExtractor):
                everything = await asyncio.to_thread(read, settings, request)
                report_reading(progress, everything.tally, everything.merged)
                if not everything.articles:
                    raise no_article(everything.failures, everything.tally)
                fresh = [a for a in everything.articles if a.id not in briefed]
                if not fresh:
                    raise NothingNewError("nothing new: every article read was briefed by an earlier run")
                extractor.check_budget(fresh, settings.max_cost)
                briefs, failures = await extract_all(
                    fresh, extractor, settings.concurrency, progress, settings.max_cost
                )
                extracted = Extracted(briefs, [*everything.failures, *failures], len(everything.articles) - len(fresh))
            else:
                names = reading.source_names(settings, request.sources, request.sources_file)
                options = reading.ingest_options(settings, request.stdin, request.day)
                # With a model the day's work on each article is done as it comes (offline, the process pool's
                # workers are forked meanwhile: no thread of ours may be importing then).
                ahead = _read_ahead if model else None
                extracted = await extract_streaming(
                    settings, names, options, extractor, progress, briefed, on_brief=ahead
                )
            today = recalled.today if recalled is not None else request.day
            from briefer.day.stage import finish_briefing

            briefing = await finish_briefing(extracted, extractor, settings, progress, started, today=today)
            briefing = briefing.model_copy(update={"name": request.name})
            if recalled is None:
                return briefing, None
            return await memory.remember(briefing, recalled, extractor, settings, extracted.skipped)

    return asyncio.run(go())


# What a run needs only once the articles are extracted: imported in a worker thread while the first requests
# are out (the loop only waits then), rather than before the first request or after the last reply.
_LATER = ("briefer.day.stage", "briefer.output.templating")
_KEEPING = ("briefer.memory.ledger", "briefer.memory.matching", "briefer.memory.since_last", "briefer.memory.store")
_FIRST_ROUND = 0.1  # seconds the first requests are given to leave before the imports start


def _read_ahead(brief: ArticleBrief) -> None:
    """The day's work on one article, done as it is extracted (`briefer.day.ahead`); never raises (the day's
    stage does that work again, and says there what went wrong)."""
    with contextlib.suppress(Exception):
        from briefer.day.ahead import read_ahead

        read_ahead(brief)


def _import_later(keeping: bool) -> None:
    """Import the later stages' modules in a worker thread, once the model's client library is in (which the
    first requests wait for) and they have left; with the history store (`keeping`), its modules too. A
    module that fails to import here fails again where it is used, and says so there."""

    def work() -> None:
        with contextlib.suppress(Exception):
            import openai  # noqa: F401  # waits for its import (LLM.prepare) to end

            time.sleep(_FIRST_ROUND)
            for name in _LATER + (_KEEPING if keeping else ()):
                importlib.import_module(name)

    threading.Thread(target=work, name="briefer-import-later", daemon=True).start()


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
    output, mkdir = request.output, request.mkdir
    if output is None and config.output and request.stdout is not None:
        # The configuration asked for this place (`~` expanded, relative to its file): its folder is made.
        output, mkdir = Path(config.output.replace("{date}", day.isoformat())), True
    return replace(
        request,
        output=output,
        mkdir=mkdir,
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
    names = reading.source_names(settings, request.sources, request.sources_file) if settings.history else []
    return memory.recall(settings, request.name, request.day, bool(request.since_last), names)


def _run(settings: Settings, request: Request, progress: Progress) -> Outcome:
    check_output(request.output, request.mkdir)  # an output that cannot be written fails now, not after the work
    check_output(request.eml, request.mkdir, "--eml")
    fmt = output_format(request.output, request.fmt)
    if (request.email or request.eml is not None) and not request.dry_run:
        from briefer.output.mailer import check

        check(settings.email, sending=request.eml is None)  # a broken [email] fails now, not after the work
    if request.preflight is not None:  # so does a broken template
        request.preflight(settings, fmt, request.email or request.eml is not None)
    if request.dry_run:
        from briefer.extraction.plan import plan

        everything = read(settings, request)
        if not everything.articles:
            raise no_article(everything.failures, everything.tally)
        emit(plan(settings, everything.articles).describe(), None, request.stdout)
        return Outcome()
    site = request.site or (settings.site.dir if settings.history else None)
    if site is not None:
        from briefer.site.build import check_site

        check_site(site, settings.history)  # a site that could not be updated fails now, not after the work
    recalled = _recall(settings, request)
    marked = None
    if request.batch:
        if recalled is not None and recalled.since_last:
            raise UsageError("--since-last cannot be combined with --batch")
        fetched = batch_run(settings, read(settings, request), request.output, request.wait, request.day, progress)
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
        if site is not None:
            from briefer.site.build import update_site

            progress.note(update_site(settings, site))
    delivered = None
    if request.email or request.eml is not None:
        try:
            delivered = deliver(briefing, settings, request.output, request.eml, env, progress)
        except BrieferError:
            if recalled is not None and request.eml is None:
                memory.forget_delivery(recalled)  # not sent: the next run briefs these articles again
            raise
    return Outcome(briefing, delivered, request.output)


def extract(settings: Settings, request: Request, progress: Progress | None = None) -> Briefing:
    """The run stopped after building and marking the briefing: its JSON, not rendered (`briefer render` does
    that), and not kept in the history store (only a run that renders is)."""
    if request.fmt not in (None, "json") or (
        request.output is not None and not is_stream(request.output) and request.output.suffix.lower() != ".json"
    ):
        raise UsageError(
            f"{request.output or request.fmt}: extract writes JSON only (name a .json file); "
            "`briefer run` writes Markdown and HTML"
        )
    check_output(request.output, request.mkdir)
    briefing, _ = _brief(settings, request, progress or Progress(), _recall(settings, request))
    emit(briefing.model_dump_json(indent=2) + "\n", request.output, request.stdout)
    return briefing


def ingest(settings: Settings, request: Request, progress: Progress | None = None) -> Read:
    """The articles that would be sent, as JSON Lines, with no model call."""
    if request.output is not None and not is_stream(request.output) and request.output.suffix.lower() not in JSON_LINES:
        raise UsageError(f"{request.output}: ingest writes JSON Lines; name a .jsonl file")
    check_output(request.output, request.mkdir)
    progress = progress or Progress()
    result = read(settings, request)
    report_reading(progress, result.tally, result.merged)
    records = []
    for article in result.articles:
        record = article.model_dump(mode="json")
        record["word_count"] = len(article.text.split())
        records.append(json.dumps(record, ensure_ascii=False) + "\n")
    emit("".join(records), request.output, request.stdout)
    return result


# The Batch API --------------------------------------------------------------------------------------------
