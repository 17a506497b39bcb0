"""The command line: parse options, call the pipeline, turn errors into one-line messages and exit codes."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from briefer import __version__
from briefer.errors import BrieferError, ExitCode, InputError, UsageError

# Set by the test suite: unexpected exceptions propagate there instead of becoming a friendly message.
RERAISE_UNEXPECTED = False

app = typer.Typer(
    name="briefer",
    help="Turn news articles into a grounded briefing: facts, commitments and implications, each with its quote.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain Click usage errors: short lines, no boxes
)

F = TypeVar("F", bound=Callable[..., Any])


class State:
    debug = False
    quiet = False


def _say(message: str) -> None:
    typer.echo(f"briefer: {message}", err=True)


def handled(command: F) -> F:
    """Translate errors once, here: BrieferError to its message and exit code; anything else to exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrieferError as e:
            if State.debug:
                raise
            _say(f"error: {e.message}")
            raise typer.Exit(int(e.exit_code)) from None
        except KeyboardInterrupt:
            _say("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except typer.Exit:
            raise
        except Exception as e:
            if State.debug or RERAISE_UNEXPECTED:
                raise
            _say(f"internal error: {type(e).__name__}: {e} (rerun with --debug for the traceback)")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefer {__version__}")
        raise typer.Exit()


@app.callback()
def callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks (also BRIEFER_DEBUG=1).")] = False,
) -> None:
    """briefer: grounded news briefings from the command line."""
    State.debug = debug or os.environ.get("BRIEFER_DEBUG", "") not in ("", "0")


SourcesArg = Annotated[
    list[str] | None,
    typer.Argument(help="Files, directories, URLs, feeds, or - for standard input.", show_default=False),
]
SourcesFileOpt = Annotated[
    Path | None, typer.Option("--sources", "-s", help="A file listing sources, one a line (# comments).")
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Keep articles published in this window: 24h, 3d, 2w, or a date.")
]
NoFollowOpt = Annotated[bool, typer.Option("--no-follow", help="Keep feed teasers; do not fetch their pages.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here (.md, .html or .json); stdout when absent.")
]
FormatOpt = Annotated[str | None, typer.Option("--format", "-f", help="md, html or json (default: from -o).")]
ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="Model name (BRIEFER_MODEL).")]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL).")]
ConcurrencyOpt = Annotated[int | None, typer.Option("--concurrency", "-c", help="Articles in flight at once.")]
TitleOpt = Annotated[str | None, typer.Option("--title", help="The briefing's title.")]
PromptsOpt = Annotated[Path | None, typer.Option("--prompts-dir", help="Prompt templates searched first.")]
TemplatesOpt = Annotated[Path | None, typer.Option("--templates-dir", help="Output templates searched first.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Use the embedded extractor, no model.")]
UngroundedOpt = Annotated[
    bool, typer.Option("--include-ungrounded", help="Also show items whose quotes were not found, marked.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Ask the model again even for cached articles.")]
BatchOpt = Annotated[bool, typer.Option("--batch", help="Use the Batch API: half price, results within 24 h.")]
WaitOpt = Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the batch to finish (default: wait).")]
MaxCostOpt = Annotated[
    float | None, typer.Option("--max-cost", help="Refuse to start above this estimate (USD); stop spending at it.")
]


def _settings(**flags: Any) -> Any:
    from briefer.config import load_settings

    if flags.pop("offline", False):
        flags["provider"] = "offline"
    return load_settings(flags)


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    from briefer.pipeline import Progress

    if not enabled or not sys.stderr.isatty():
        yield Progress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("extract", total=None)
        yield Progress(
            start=lambda total: bar.update(task, total=total),
            advance=lambda: bar.advance(task),
        )


def _ingest(sources: list[str] | None, sources_file: Path | None, since: str | None, settings: Any, quiet: bool) -> Any:
    """Read the sources named on the command line, in --sources, or else in the configuration."""
    from briefer.sources import IngestOptions, ingest, parse_since, read_sources_file
    from briefer.sources.web import FetchSettings

    names = list(sources or [])
    if sources_file is not None:
        names += read_sources_file(sources_file)
    if not names:
        names = list(settings.sources)
    if not names:
        raise UsageError("no sources: name files, directories, URLs or feeds, or use --sources FILE")
    options = IngestOptions(
        follow=settings.follow_links,
        since=parse_since(since) if since else None,
        fetch=FetchSettings(timeout=settings.fetch_timeout),
        stdin=sys.stdin.buffer if "-" in names else None,
    )
    ingested = ingest(names, options)
    if not quiet and (ingested.too_old or ingested.merged):
        _say(f"{ingested.too_old} articles older than --since left out, {ingested.merged} duplicates merged")
    return ingested, options.since


def _extract(ingested: Any, since: Any, settings: Any, quiet: bool) -> Any:
    from briefer import pipeline

    if settings.resolved_provider() == "offline" and settings.provider == "auto" and not quiet:
        _say(
            "no model configured: extracting offline, without a language model "
            "(set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server, to use one)"
        )
    with _progress(not quiet) as progress:
        briefing = pipeline.extract_briefing(ingested.articles, ingested.failures, settings, os.environ, progress)
    return briefing.model_copy(update={"since": since})


def _via_batch(ingested: Any, settings: Any, wait: bool, quiet: bool, output: Path | None) -> Any:
    """Submit a Batch API job; with `wait`, poll until it is done and return the briefing, else None."""
    from briefer import pipeline

    batch_id, count = pipeline.submit_batch(ingested.articles, ingested.failures, settings, os.environ)
    resume = f"briefer batch fetch {batch_id}" + (f" -o {output}" if output else "")
    if not quiet:
        _say(f"batch {batch_id} submitted ({count} requests; the rest were cached)")
    if not wait:
        _say(f"resume with: {resume}")
        return None

    def polled(batch: Any) -> None:
        counts = getattr(batch, "request_counts", None)
        if not quiet and counts is not None:
            _say(f"batch {batch_id}: {batch.status}, {counts.completed}/{counts.total} done, {counts.failed} failed")

    try:
        return pipeline.fetch_batch(batch_id, settings, os.environ, wait=True, on_poll=polled)
    except KeyboardInterrupt:
        _say(f"stopped waiting; the batch goes on. Resume with: {resume}")
        raise


def _emit(text: str, output: Path | None) -> None:
    from briefer.pipeline import write_output

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_output(text, output)


def _summary(briefing: Any, output: Path | None, quiet: bool) -> None:
    if quiet:
        return
    n, failed, usage = len(briefing.articles), len(briefing.failures), briefing.usage
    parts = [f"{n} article{'s' if n != 1 else ''} extracted"]
    if failed:
        parts.append(f"{failed} failed (listed under failures)")
    if usage.requests or usage.cache_hits:
        parts.append(
            f"{usage.requests} requests ({usage.retries} retries), "
            f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens"
            + (f" ({usage.cached_tokens} cached by the provider)" if usage.cached_tokens else "")
        )
        parts.append(f"{usage.cache_hits} from the cache")
        parts.append("cost unknown" if usage.cost_usd is None else f"${usage.cost_usd:.4f}")
    parts.append(f"{usage.elapsed_seconds:.1f} s")
    _say(", ".join(parts) + (f" -> {output}" if output else ""))
    for failure in briefing.failures:
        _say(f"  failed: {failure.source}: {failure.error}")


def _render(briefing: Any, fmt: str, templates_dir: Path | None, include_ungrounded: bool) -> str:
    from briefer.config import user_dir
    from briefer.render import render
    from briefer.templating import output_environment

    env = output_environment(templates_dir, user_dir())
    return render(briefing, fmt, env, include_ungrounded)  # type: ignore[arg-type]


@app.command()
@handled
def run(
    sources: SourcesArg = None,
    output: OutputOpt = None,
    format: FormatOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = None,
    title: TitleOpt = None,
    prompts_dir: PromptsOpt = None,
    templates_dir: TemplatesOpt = None,
    offline: OfflineOpt = False,
    include_ungrounded: UngroundedOpt = False,
    sources_file: SourcesFileOpt = None,
    since: SinceOpt = None,
    no_follow: NoFollowOpt = False,
    no_cache: NoCacheOpt = False,
    max_cost: MaxCostOpt = None,
    batch: BatchOpt = False,
    wait: WaitOpt = True,
    quiet: QuietOpt = False,
) -> None:
    """Extract the articles and render the briefing (Markdown to stdout by default)."""
    from briefer.render import choose_format

    fmt = choose_format(output, format)
    settings = _settings(
        model=model,
        base_url=base_url,
        concurrency=concurrency,
        title=title,
        prompts_dir=prompts_dir,
        templates_dir=templates_dir,
        offline=offline,
        include_ungrounded=include_ungrounded or None,
        follow_links=False if no_follow else None,
        cache=False if no_cache else None,
        max_cost=max_cost,
    )
    ingested, window = _ingest(sources, sources_file, since, settings, quiet)
    if batch:
        briefing = _via_batch(ingested, settings, wait, quiet, output)
        if briefing is None:
            return
    else:
        briefing = _extract(ingested, window, settings, quiet)
    text = _render(briefing, fmt, settings.templates_dir, settings.include_ungrounded)
    _emit(text, output)
    _summary(briefing, output, quiet)


@app.command()
@handled
def extract(
    sources: SourcesArg = None,
    output: OutputOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = None,
    title: TitleOpt = None,
    prompts_dir: PromptsOpt = None,
    offline: OfflineOpt = False,
    sources_file: SourcesFileOpt = None,
    since: SinceOpt = None,
    no_follow: NoFollowOpt = False,
    no_cache: NoCacheOpt = False,
    max_cost: MaxCostOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Extract the articles and save the result as JSON, without rendering (see `briefer render`)."""
    settings = _settings(
        model=model,
        base_url=base_url,
        concurrency=concurrency,
        title=title,
        prompts_dir=prompts_dir,
        offline=offline,
        follow_links=False if no_follow else None,
        cache=False if no_cache else None,
        max_cost=max_cost,
    )
    ingested, window = _ingest(sources, sources_file, since, settings, quiet)
    briefing = _extract(ingested, window, settings, quiet)
    _emit(briefing.model_dump_json(indent=2) + "\n", output)
    _summary(briefing, output, quiet)


@app.command()
@handled
def ingest(
    sources: SourcesArg = None,
    output: OutputOpt = None,
    sources_file: SourcesFileOpt = None,
    since: SinceOpt = None,
    no_follow: NoFollowOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Print the articles that would be sent, as JSON Lines, with no model call."""
    settings = _settings(follow_links=False if no_follow else None)
    ingested, _ = _ingest(sources, sources_file, since, settings, quiet)
    records = []
    for article in ingested.articles:
        record = article.model_dump(mode="json")
        record["word_count"] = len(article.text.split())
        records.append(json.dumps(record, ensure_ascii=False) + "\n")
    _emit("".join(records), output)
    if not quiet:
        _say(f"{len(ingested.articles)} articles, {len(ingested.failures)} failed")
        for failure in ingested.failures:
            _say(f"  failed: {failure.source}: {failure.error}")
    if not ingested.articles:
        reasons = "; ".join(f"{f.source}: {f.error}" for f in ingested.failures[:3])
        raise InputError(f"no readable article ({reasons})")


@app.command()
@handled
def render(
    extraction: Annotated[Path, typer.Argument(help="A briefing saved as JSON by `extract` or `run -o x.json`.")],
    output: OutputOpt = None,
    format: FormatOpt = None,
    templates_dir: TemplatesOpt = None,
    include_ungrounded: UngroundedOpt = False,
) -> None:
    """Render a saved briefing again, with no model call."""
    from pydantic import ValidationError

    from briefer.models import Briefing
    from briefer.render import choose_format

    fmt = choose_format(output, format)
    settings = _settings(templates_dir=templates_dir, include_ungrounded=include_ungrounded or None)
    try:
        data = extraction.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{extraction}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{extraction}: cannot read: {e}") from None
    try:
        briefing = Briefing.model_validate_json(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise InputError(f"{extraction}: not a briefer JSON file ({where}: {first['msg']})") from None
    _emit(_render(briefing, fmt, settings.templates_dir, settings.include_ungrounded), output)


@app.command()
@handled
def schema() -> None:
    """Print the JSON Schema of the briefing JSON (`-o briefing.json`)."""
    from briefer.models import Briefing

    typer.echo(json.dumps(Briefing.model_json_schema(), indent=2))


cache_app = typer.Typer(help="The cache of model extractions.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("path")
@handled
def cache_path() -> None:
    """Print where the cache lives (BRIEFER_CACHE_DIR overrides)."""
    from briefer.cache import cache_dir

    typer.echo(str(cache_dir() / "cache.sqlite3"))


@cache_app.command("stats")
@handled
def cache_stats() -> None:
    """Entries, size on disk, and entries per model."""
    from briefer.cache import Cache, cache_dir

    cache = Cache.at(cache_dir())
    try:
        stats = cache.stats()
    finally:
        cache.close()
    typer.echo(f"path: {stats['path']}")
    typer.echo(f"entries: {stats['entries']}")
    typer.echo(f"size: {stats['bytes'] / 1024:.1f} KiB")
    for model, count in sorted(stats["models"].items()):
        typer.echo(f"  {model}: {count}")


@cache_app.command("clear")
@handled
def cache_clear() -> None:
    """Remove every cached extraction."""
    from briefer.cache import Cache, cache_dir

    cache = Cache.at(cache_dir())
    try:
        removed = cache.clear()
    finally:
        cache.close()
    typer.echo(f"removed {removed} entries")


batch_app = typer.Typer(help="Batch API jobs started with `run --batch`.", no_args_is_help=True)
app.add_typer(batch_app, name="batch")
BatchIdArg = Annotated[str, typer.Argument(help="The batch id printed by `run --batch`.")]


@batch_app.command("status")
@handled
def batch_status(batch_id: BatchIdArg) -> None:
    """Show a batch's progress."""
    from briefer import pipeline

    batch = pipeline.batch_status(batch_id, _settings(), os.environ)
    if batch is None:
        typer.echo(f"{batch_id}: completed (every request was cached)")
        return
    counts = batch.request_counts
    done = f", {counts.completed}/{counts.total} done, {counts.failed} failed" if counts else ""
    typer.echo(f"{batch_id}: {batch.status}{done}")


@batch_app.command("fetch")
@handled
def batch_fetch(
    batch_id: BatchIdArg,
    output: OutputOpt = None,
    format: FormatOpt = None,
    templates_dir: TemplatesOpt = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait until the batch is finished.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Download a batch's results, cache them, and render the briefing."""
    from briefer import pipeline
    from briefer.render import choose_format

    fmt = choose_format(output, format)
    settings = _settings(templates_dir=templates_dir)
    briefing = pipeline.fetch_batch(batch_id, settings, os.environ, wait=wait)
    _emit(_render(briefing, fmt, settings.templates_dir, settings.include_ungrounded), output)
    _summary(briefing, output, quiet)


def main() -> None:
    """The console entry point."""
    app()
