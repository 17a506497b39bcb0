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
            _say("interrupted; the articles finished so far are in the cache, and the same command resumes")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:  # the reader went away (`briefer ... | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
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
VarOpt = Annotated[
    list[str] | None, typer.Option("--var", help="key=value for prompts and templates; repeatable.", show_default=False)
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Print the first article's prompts and the cost estimate; send nothing.")
]
EmailOpt = Annotated[bool, typer.Option("--email", help="Email the briefing (SMTP from [email] or BRIEFER_SMTP_*).")]
ToOpt = Annotated[list[str] | None, typer.Option("--to", help="A recipient; repeatable.", show_default=False)]
CcOpt = Annotated[list[str] | None, typer.Option("--cc", help="A Cc recipient; repeatable.", show_default=False)]
BccOpt = Annotated[list[str] | None, typer.Option("--bcc", help="A Bcc recipient; repeatable.", show_default=False)]
EmlOpt = Annotated[Path | None, typer.Option("--eml", help="Write the email message to this .eml file; send nothing.")]
BatchOpt = Annotated[bool, typer.Option("--batch", help="Use the Batch API: half price, results within 24 h.")]
WaitOpt = Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the batch to finish (default: wait).")]
MaxCostOpt = Annotated[
    float | None, typer.Option("--max-cost", help="Refuse to start above this estimate (USD); stop spending at it.")
]


def _settings(**flags: Any) -> Any:
    from briefer.config import load_settings, parse_vars

    if flags.pop("offline", False):
        flags["provider"] = "offline"
    if "vars" in flags:
        flags["vars"] = parse_vars(flags["vars"]) or None
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


def _dry_run(ingested: Any, settings: Any) -> None:
    """The exact messages for the first article and the estimate for the run; nothing is sent."""
    from briefer import pipeline

    if not ingested.articles:
        reasons = "; ".join(f"{f.source}: {f.error}" for f in ingested.failures[:3])
        raise InputError(f"no readable article ({reasons})")
    plan = pipeline.plan(ingested.articles, settings, os.environ)
    if plan.provider == "offline":
        typer.echo(f"offline: {len(ingested.articles)} articles would be extracted without a language model; no cost")
        return
    first = ingested.articles[0]
    typer.echo(f"# Request for the first article: {first.title} ({first.source})")
    typer.echo(f"# model: {plan.model}; endpoint: {plan.endpoint}; structured output: json_schema '{plan.schema_name}'")
    for message in plan.messages or []:
        typer.echo(f"\n--- {message['role']} ---\n{message['content']}")
    typer.echo("\n--- response schema ---")
    typer.echo(json.dumps(plan.schema, indent=2))
    cost = "cost unknown (no price for this model)" if plan.cost is None else f"about ${plan.cost:.4f}"
    typer.echo(
        f"\n# Estimate for {len(ingested.articles)} articles ({plan.cached} already cached, nothing to pay for them): "
        f"{plan.requests} requests, {plan.prompt_tokens} prompt + {plan.completion_tokens} completion tokens, "
        f"{cost}, plus one synthesis request. Tokens: {plan.token_method}."
    )


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


def _render(briefing: Any, fmt: str, settings: Any) -> str:
    from briefer.config import user_dir
    from briefer.render import render
    from briefer.templating import output_environment

    env = output_environment(settings.templates_dir, user_dir())
    return render(briefing, fmt, env, settings.include_ungrounded, settings.vars)  # type: ignore[arg-type]


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
    var: VarOpt = None,
    dry_run: DryRunOpt = False,
    email: EmailOpt = False,
    to: ToOpt = None,
    cc: CcOpt = None,
    bcc: BccOpt = None,
    eml: EmlOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Extract the articles and render the briefing (Markdown to stdout by default); optionally email it."""
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
        vars=var,
        email=_recipients(to, cc, bcc),
    )
    ingested, window = _ingest(sources, sources_file, since, settings, quiet)
    if dry_run:
        _dry_run(ingested, settings)
        return
    if batch:
        briefing = _via_batch(ingested, settings, wait, quiet, output)
        if briefing is None:
            return
    else:
        briefing = _extract(ingested, window, settings, quiet)
    text = _render(briefing, fmt, settings)
    _emit(text, output)
    _summary(briefing, output, quiet)
    if email or eml is not None:
        from briefer import deliver

        saved = output if output is not None else deliver.keep(briefing, settings)
        if output is None and not quiet:
            _say(f"briefing saved at {saved}")
        message = deliver.message_for_briefing(briefing, settings)
        _say(deliver.deliver(message, settings, eml, saved))


def _recipients(to: list[str] | None, cc: list[str] | None, bcc: list[str] | None) -> dict[str, list[str]] | None:
    """--to/--cc/--bcc as an [email] layer that replaces the configured lists it names."""
    chosen = {key: value for key, value in (("to", to), ("cc", cc), ("bcc", bcc)) if value}
    return chosen or None


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
    var: VarOpt = None,
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
        vars=var,
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
    var: VarOpt = None,
) -> None:
    """Render a saved briefing again, with no model call."""
    from briefer.render import choose_format, load_briefing

    fmt = choose_format(output, format)
    settings = _settings(templates_dir=templates_dir, include_ungrounded=include_ungrounded or None, vars=var)
    briefing = load_briefing(extraction)
    _emit(_render(briefing, fmt, settings), output)


@app.command("email")
@handled
def email_command(
    briefing: Annotated[Path, typer.Argument(help="A saved briefing: .json (rendered again), .html or .md.")],
    to: ToOpt = None,
    cc: CcOpt = None,
    bcc: BccOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write the message as FILE.eml; send nothing.")] = False,
    eml: EmlOpt = None,
    templates_dir: TemplatesOpt = None,
    var: VarOpt = None,
) -> None:
    """Email a saved briefing."""
    from briefer import deliver

    settings = _settings(templates_dir=templates_dir, vars=var, email=_recipients(to, cc, bcc))
    message = deliver.message_for_file(briefing, settings)
    target = eml if eml is not None else (briefing.with_suffix(".eml") if dry_run else None)
    _say(deliver.deliver(message, settings, target, briefing))


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

    with Cache.at(cache_dir()) as cache:
        stats = cache.stats()
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

    with Cache.at(cache_dir()) as cache:
        removed = cache.clear()
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
    _emit(_render(briefing, fmt, settings), output)
    _summary(briefing, output, quiet)


prompts_app = typer.Typer(help="The prompt templates: list, show, copy for editing, check.", no_args_is_help=True)
templates_app = typer.Typer(help="The output templates: list, show, copy for editing, check.", no_args_is_help=True)
config_app = typer.Typer(
    help="The configuration: show the effective settings, write a starter file.", no_args_is_help=True
)
app.add_typer(prompts_app, name="prompts")
app.add_typer(templates_app, name="templates")
app.add_typer(config_app, name="config")
NameArg = Annotated[str, typer.Argument(help="A file name as `list` prints it.")]
InitDirArg = Annotated[Path | None, typer.Argument(help="Where to copy (default: the user directory).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite files that are already there.")]


DirOpt = Annotated[Path | None, typer.Option("--dir", help="A directory searched before the others.")]


def _kind_commands(kind: str, sub: typer.Typer) -> None:
    @sub.command("list")
    @handled
    def list_(directory: DirOpt = None) -> None:
        """Every file and where it comes from (override, user or packaged)."""
        from briefer import customize

        settings = _settings(**{f"{kind}_dir": directory})
        for entry in customize.entries(kind, settings):
            typer.echo(f"{entry.name:<24} {entry.origin:<9} {entry.path}")

    @sub.command("show")
    @handled
    def show(name: NameArg, directory: DirOpt = None) -> None:
        """Print the file that NAME resolves to."""
        from briefer import customize

        entry = customize.show(kind, name, _settings(**{f"{kind}_dir": directory}))
        typer.echo(entry.path.read_text(encoding="utf-8"), nl=False)

    @sub.command("init")
    @handled
    def init(target: InitDirArg = None, force: ForceOpt = False) -> None:
        """Copy the packaged defaults for editing; never overwrites without --force."""
        from briefer import customize

        where, names = customize.init(kind, target, force)
        typer.echo(f"copied {len(names)} files to {where}: {', '.join(names)}")

    @sub.command("path")
    @handled
    def path() -> None:
        """The user directory searched before the packaged defaults (BRIEFER_HOME moves it)."""
        from briefer.config import user_dir

        typer.echo(str(user_dir() / kind))

    @sub.command("check")
    @handled
    def check(directory: DirOpt = None, var: VarOpt = None) -> None:
        """Render every file against a sample briefing and report the problems."""
        from briefer import customize

        problems = customize.check(kind, _settings(**{f"{kind}_dir": directory}, vars=var))
        for problem in problems:
            _say(f"error: {problem}")
        if problems:
            raise typer.Exit(int(ExitCode.USAGE))
        typer.echo(f"{kind}: all render")


_kind_commands("prompts", prompts_app)
_kind_commands("templates", templates_app)


@config_app.command("show")
@handled
def config_show() -> None:
    """The effective settings, where each came from; the API key is never shown."""
    from briefer import customize
    from briefer.config import config_files

    settings = _settings()
    files = config_files(os.environ, Path.cwd())
    typer.echo("# files: " + (", ".join(str(f) for f in files) or "none"))
    for key, value, origin in customize.effective(settings):
        typer.echo(f"{key} = {value}    # {origin}")


@config_app.command("init")
@handled
def config_init(
    user: Annotated[bool, typer.Option("--user", help="Write the user file instead of ./briefer.toml.")] = False,
    force: ForceOpt = False,
) -> None:
    """Write a commented starter configuration file."""
    from briefer import customize
    from briefer.config import PROJECT_FILE, USER_FILE, user_dir

    path = user_dir() / USER_FILE if user else Path.cwd() / PROJECT_FILE
    written = customize.init_config(path, force, "the user file" if user else "the project file")
    typer.echo(f"wrote {written}")


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a run the way Ctrl-C does: finished work kept, exit 130


def main() -> None:
    """The console entry point."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    app()
