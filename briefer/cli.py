"""The command line: parse options, call the pipeline, turn errors into one-line messages and exit codes."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO, ParamSpec

import typer
from typer.core import TyperGroup

from briefer import __version__
from briefer.errors import BrieferError, ExitCode, UsageError

if TYPE_CHECKING:
    from briefer.config import Overrides, Settings
    from briefer.models import Briefing
    from briefer.pipeline import Progress

# Set by the test suite: unexpected exceptions propagate there instead of becoming a friendly message.
RERAISE_UNEXPECTED = False

HELP = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class BrieferGroup(TyperGroup):
    """Click's usage errors in briefer's own style: one line, `briefer: error: ...`, exit code 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,  # Click's own keyword arguments, passed through untouched
    ) -> Any:
        call = functools.partial(super().main, args, prog_name, complete_var, False, windows_expand_args, **extra)
        if not standalone_mode:
            return call()
        try:
            code = call()
        except typer.TyperException as e:  # Click's usage errors and the like
            context = getattr(e, "ctx", None)
            hint = f" (see '{context.command_path} -h')" if context is not None else ""
            _say(f"error: {e.format_message()}{hint}")
            sys.exit(e.exit_code)
        except typer.Abort:
            _say("interrupted")
            sys.exit(int(ExitCode.INTERRUPTED))
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    name="briefer",
    cls=BrieferGroup,
    help="Turn news articles into a grounded briefing: facts, commitments and implications, each with its quote.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain Click usage errors: short lines, no boxes
    context_settings=HELP,
)

P = ParamSpec("P")


class State:
    debug = False
    quiet = False


def _say(message: str) -> None:
    typer.echo(f"briefer: {message}", err=True)


def handled(command: Callable[P, None]) -> Callable[P, None]:
    """Translate errors once, here: BrieferError to its message and exit code; anything else to exit 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
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

    return wrapper


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
    typer.Argument(
        help="Files, directories, URLs, feeds, or - for standard input.", show_default=False, metavar="SOURCE"
    ),
]
SourcesFileOpt = Annotated[
    Path | None,
    typer.Option("--sources", "-s", help="A file listing sources, one a line (# comments).", metavar="FILE"),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Keep articles published in this window: 24h, 3d, 2w, or a date.", metavar="WINDOW"),
]
NoFollowOpt = Annotated[bool, typer.Option("--no-follow", help="Keep feed teasers; do not fetch their pages.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write here (.md, .html or .json); stdout when absent.", metavar="FILE"),
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="md, html or json (default: from -o).", metavar="FORMAT")
]
ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="Model name (BRIEFER_MODEL).", metavar="NAME")]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL).", metavar="URL")
]
ConcurrencyOpt = Annotated[
    int | None, typer.Option("--concurrency", "-c", help="Articles in flight at once.", metavar="N")
]
TitleOpt = Annotated[str | None, typer.Option("--title", help="The briefing's title.", metavar="TEXT")]
PromptsOpt = Annotated[
    Path | None, typer.Option("--prompts-dir", help="Prompt templates searched first.", metavar="DIR")
]
TemplatesOpt = Annotated[
    Path | None, typer.Option("--templates-dir", help="Output templates searched first.", metavar="DIR")
]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Use the embedded extractor, no model.")]
UngroundedOpt = Annotated[
    bool, typer.Option("--include-ungrounded", help="Also show items whose quotes were not found, marked.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Ask the model again even for cached articles.")]
VarOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--var", help="key=value for prompts and templates; repeatable.", show_default=False, metavar="KEY=VALUE"
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Print the first article's prompts and the cost estimate; send nothing.")
]
EmailOpt = Annotated[bool, typer.Option("--email", help="Email the briefing (SMTP from [email] or BRIEFER_SMTP_*).")]
ToOpt = Annotated[
    list[str] | None, typer.Option("--to", help="A recipient; repeatable.", show_default=False, metavar="ADDRESS")
]
CcOpt = Annotated[
    list[str] | None, typer.Option("--cc", help="A Cc recipient; repeatable.", show_default=False, metavar="ADDRESS")
]
BccOpt = Annotated[
    list[str] | None, typer.Option("--bcc", help="A Bcc recipient; repeatable.", show_default=False, metavar="ADDRESS")
]
EmlOpt = Annotated[
    Path | None, typer.Option("--eml", help="Write the email message to this .eml file; send nothing.", metavar="FILE")
]
BatchOpt = Annotated[bool, typer.Option("--batch", help="Use the Batch API: half price, results within 24 h.")]
WaitOpt = Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the batch to finish (default: wait).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite files that are already there.")]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", help="The briefing's date, for the ledger and deadlines (default: today).", metavar="YYYY-MM-DD"
    ),
]
BriefingOpt = Annotated[
    str | None,
    typer.Option(
        "--briefing", "-b", help="Run the named briefing of the configuration ([briefings.NAME]).", metavar="NAME"
    ),
]
SinceLastOpt = Annotated[
    bool | None,
    typer.Option(
        "--since-last/--all",
        help="Brief only what is new since this briefing's previous run, and lead with what changed.",
        show_default=False,
    ),
]
NoHistoryOpt = Annotated[
    bool, typer.Option("--no-history", help="Do not keep this run, nor mark commitments against the ledger.")
]
MaxCostOpt = Annotated[
    float | None,
    typer.Option("--max-cost", help="Refuse to start above this estimate (USD); stop spending at it.", metavar="USD"),
]


def _settings(
    flags: Overrides | None = None, offline: bool = False, var: list[str] | None = None, briefing: str | None = None
) -> Settings:
    """Settings from the configuration layers (with a named briefing's), the command line's flags on top."""
    from briefer.config import load_settings, parse_vars

    overrides: Overrides = {**(flags or {})}
    if offline:
        overrides["provider"] = "offline"
    if var:
        overrides["vars"] = parse_vars(var) or None
    return load_settings(overrides, briefing=briefing)


def _date(value: str | None, option: str = "--date") -> date | None:
    if value is None:
        return None
    try:
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date (YYYY-MM-DD)") from None


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress]:
    """The pipeline's progress, drawn as a bar on a terminal; notes go to stderr unless --quiet."""
    from briefer.pipeline import Progress

    note = _say if enabled else _ignore
    if not enabled or not sys.stderr.isatty():
        yield Progress(note=note)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("extracting", total=0)
        yield Progress(
            found=lambda n: bar.update(task, total=(bar.tasks[0].total or 0) + n),
            advance=lambda: bar.advance(task),
            stage=lambda label: bar.update(task, description=label),
            note=lambda line: bar.console.print(f"briefer: {line}", markup=False, highlight=False),
        )


def _ignore(_: str) -> None:
    return None


def _summary(briefing: Briefing, output: Path | None, quiet: bool) -> None:
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
        parts.append("not priced" if usage.cost_usd is None else f"${usage.cost_usd:.4f}")
    marks = [c.status for c in briefing.commitments if c.status]
    if marks or briefing.overdue or briefing.done:
        counts = {m: marks.count(m) for m in ("new", "reaffirmed", "changed", "overdue") if marks.count(m)}
        if briefing.overdue:
            counts["overdue"] = counts.get("overdue", 0) + len(briefing.overdue)
        if briefing.done:
            counts["done"] = len(briefing.done)
        parts.append("commitments: " + ", ".join(f"{n} {m}" for m, n in counts.items()))
    parts.append(f"{usage.elapsed_seconds:.1f} s")
    _say(", ".join(parts) + (f" -> {output}" if output else ""))
    for failure in briefing.failures:
        _say(f"  failed: {failure.source}: {failure.error}")


def _stdin(names: list[str] | None) -> BinaryIO | None:
    return sys.stdin.buffer if names and "-" in names else None


@app.command(short_help="Make the briefing from articles, feeds and pages (the main job).")
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
    day: DateOpt = None,
    briefing: BriefingOpt = None,
    since_last: SinceLastOpt = None,
    no_history: NoHistoryOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Extract the articles and render the briefing (Markdown to stdout by default); optionally email it.

    Each run is kept in the history store, and its commitments marked against the ledger (new, reaffirmed,
    changed, overdue). `--briefing NAME` runs a named briefing of the configuration: the whole daily job."""
    from briefer import pipeline

    settings = _settings(
        {
            "model": model,
            "base_url": base_url,
            "concurrency": concurrency,
            "title": title,
            "prompts_dir": prompts_dir,
            "templates_dir": templates_dir,
            "include_ungrounded": include_ungrounded or None,
            "follow_links": False if no_follow else None,
            "cache": False if no_cache else None,
            "max_cost": max_cost,
            "since": since,
            "email": _recipients(to, cc, bcc),
            "history": False if no_history else None,
        },
        offline,
        var,
        briefing,
    )
    request = pipeline.Request(
        sources=sources or [],
        sources_file=sources_file,
        stdin=_stdin(sources),
        output=output,
        stdout=sys.stdout,
        fmt=format,
        email=email,
        eml=eml,
        batch=batch,
        wait=wait,
        dry_run=dry_run,
        name=briefing,
        day=_date(day),
        since_last=since_last,
    )
    with _progress(not quiet) as progress:
        outcome = pipeline.run(settings, request, progress)
    if outcome.briefing is not None:
        _summary(outcome.briefing, outcome.output, quiet)
    if outcome.delivered:
        _say(outcome.delivered)


def _recipients(to: list[str] | None, cc: list[str] | None, bcc: list[str] | None) -> dict[str, list[str]] | None:
    """--to/--cc/--bcc as an [email] layer that replaces the configured lists it names."""
    chosen = {key: value for key, value in (("to", to), ("cc", cc), ("bcc", bcc)) if value}
    return chosen or None


@app.command(short_help="Extract the articles and save the briefing as JSON.")
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
    day: DateOpt = None,
    no_history: NoHistoryOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Extract the articles and save the result as JSON, without rendering (see `briefer render`); its
    commitments are marked against the ledger, but the run is not kept."""
    from briefer import pipeline

    settings = _settings(
        {
            "model": model,
            "base_url": base_url,
            "concurrency": concurrency,
            "title": title,
            "prompts_dir": prompts_dir,
            "follow_links": False if no_follow else None,
            "cache": False if no_cache else None,
            "max_cost": max_cost,
            "since": since,
            "history": False if no_history else None,
        },
        offline,
        var,
    )
    request = pipeline.Request(
        sources=sources or [],
        sources_file=sources_file,
        stdin=_stdin(sources),
        output=output,
        stdout=sys.stdout,
        day=_date(day),
    )
    with _progress(not quiet) as progress:
        briefing = pipeline.extract(settings, request, progress)
    _summary(briefing, output, quiet)


@app.command(short_help="Print the articles that would be sent, as JSON Lines.")
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
    from briefer import pipeline

    settings = _settings({"follow_links": False if no_follow else None, "since": since})
    request = pipeline.Request(
        sources=sources or [], sources_file=sources_file, stdin=_stdin(sources), output=output, stdout=sys.stdout
    )
    with _progress(not quiet) as progress:
        result = pipeline.ingest(settings, request, progress)
    if not quiet:
        _say(f"{len(result.articles)} articles, {len(result.failures)} failed")
        for failure in result.failures:
            _say(f"  failed: {failure.source}: {failure.error}")
    if not result.articles:
        raise pipeline.no_article(result.failures)


@app.command(short_help="Render a saved JSON briefing again, with no model call.")
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
    from briefer import pipeline

    settings = _settings({"templates_dir": templates_dir, "include_ungrounded": include_ungrounded or None}, var=var)
    pipeline.rerender(settings, extraction, output, format, sys.stdout)


@app.command("email", short_help="Email a saved briefing (.json, .html or .md).")
@handled
def email_command(
    briefing: Annotated[
        Path, typer.Argument(help="A saved briefing: .json (rendered again), .html or .md.", metavar="FILE")
    ],
    to: ToOpt = None,
    cc: CcOpt = None,
    bcc: BccOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write the message as FILE.eml; send nothing.")] = False,
    eml: EmlOpt = None,
    templates_dir: TemplatesOpt = None,
    var: VarOpt = None,
) -> None:
    """Email a saved briefing."""
    from briefer import pipeline

    settings = _settings({"templates_dir": templates_dir, "email": _recipients(to, cc, bcc)}, var=var)
    target = eml if eml is not None else (briefing.with_suffix(".eml") if dry_run else None)
    _say(pipeline.email_saved(settings, briefing, target))


@app.command(short_help="Print the JSON Schema of the briefing JSON.")
@handled
def schema() -> None:
    """Print the JSON Schema of the briefing JSON (`-o briefing.json`)."""
    from briefer.models import Briefing

    typer.echo(json.dumps(Briefing.model_json_schema(), indent=2))


@app.command("eval", short_help="Score extraction on a labelled set; compare prompts, models, offline.")
@handled
def eval_command(
    target: Annotated[
        list[str],
        typer.Argument(help="A labelled set (JSON Lines), or `init FILE` to write an example.", metavar="[init] FILE"),
    ],
    compare: Annotated[
        Path | None, typer.Option("--compare", help="Also score the prompts in this directory.", metavar="DIR")
    ] = None,
    compare_model: Annotated[
        str | None, typer.Option("--compare-model", help="Also score this model.", metavar="NAME")
    ] = None,
    compare_offline: Annotated[
        bool, typer.Option("--compare-offline", help="Also score the offline extractor.")
    ] = False,
    unlabelled: Annotated[
        bool, typer.Option("--unlabelled", help="Ignore labels: list what two configurations extract differently.")
    ] = False,
    show: Annotated[
        str | None, typer.Option("--show", help="`misses`: each article's misses and false alarms.", metavar="WHAT")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write every score here.", metavar="FILE")] = None,
    min_f1: Annotated[
        float | None, typer.Option("--min-f1", help="Exit 7 when the commitments F1 is below this.", metavar="F1")
    ] = None,
    force: ForceOpt = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = None,
    prompts_dir: PromptsOpt = None,
    offline: OfflineOpt = False,
    no_cache: NoCacheOpt = False,
    var: VarOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Measure extraction quality on labelled articles: commitments precision, recall and F1, actor,
    counterparty and deadline accuracy, facts recall, grounding, cost and time; side by side with --compare."""
    from briefer import evaluate

    if target[0] == "init":
        if len(target) != 2:
            raise UsageError("usage: briefer eval init FILE")
        typer.echo(evaluate.init(Path(target[1]), force), nl=False)
        return
    if len(target) != 1:
        raise UsageError("briefer eval takes one labelled set (or `init FILE`)")
    if show not in (None, "misses"):
        raise UsageError(f"--show: '{show}' is not known (misses)")
    settings = _settings(
        {
            "model": model,
            "base_url": base_url,
            "concurrency": concurrency,
            "prompts_dir": prompts_dir,
            "cache": False if no_cache else None,
        },
        offline,
        var,
    )
    request = evaluate.Request(
        labels=Path(target[0]),
        compare_prompts=compare,
        compare_model=compare_model,
        compare_offline=compare_offline,
        unlabelled=unlabelled,
        show_misses=show == "misses",
        json_path=json_out,
        min_f1=min_f1,
    )
    with _progress(not quiet) as progress:
        report = evaluate.run_eval(settings, request, progress)
    typer.echo(report.text, nl=False)
    if not report.passed:
        raise typer.Exit(int(ExitCode.QUALITY))


cache_app = typer.Typer(help="The cache of model extractions.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("path")
@handled
def cache_path() -> None:
    """Print where the cache lives (BRIEFER_CACHE_DIR, or BRIEFER_HOME, moves it)."""
    typer.echo(str(_settings().dirs.cache / "cache.sqlite3"))


@cache_app.command("stats")
@handled
def cache_stats() -> None:
    """Entries, size on disk, and entries per model."""
    from briefer.cache import Cache

    with Cache.at(_settings().dirs.cache) as cache:
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
    from briefer.cache import Cache

    with Cache.at(_settings().dirs.cache) as cache:
        removed = cache.clear()
    typer.echo(f"removed {removed} entries")


batch_app = typer.Typer(help="Batch API jobs started with `run --batch`.", no_args_is_help=True)
app.add_typer(batch_app, name="batch")
BatchIdArg = Annotated[str, typer.Argument(help="The batch id printed by `run --batch`.", metavar="BATCH_ID")]


@batch_app.command("status")
@handled
def batch_status(batch_id: BatchIdArg) -> None:
    """Show a batch's progress."""
    from briefer import pipeline

    typer.echo(pipeline.batch_status(_settings(), batch_id))


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

    settings = _settings({"templates_dir": templates_dir})
    with _progress(not quiet) as progress:
        briefing = pipeline.fetch_and_render(settings, batch_id, output, format, sys.stdout, wait, progress)
    _summary(briefing, output, quiet)


commitments_app = typer.Typer(help="The commitments ledger: each pledge seen, its status.", no_args_is_help=True)
app.add_typer(commitments_app, name="commitments")
AsOfOpt = Annotated[
    str | None,
    typer.Option("--date", help="The ledger as it stood on this date (default: today).", metavar="YYYY-MM-DD"),
]


@commitments_app.command("list")
@handled
def commitments_list(
    actor: Annotated[
        str | None, typer.Option("--actor", help="Only this actor's (aliases count).", metavar="NAME")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only this status: new, reaffirmed, changed, overdue, done.", metavar="STATUS"),
    ] = None,
    due_within: Annotated[
        str | None, typer.Option("--due-within", help="Only those due within this span: 7d, 2w.", metavar="SPAN")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.", metavar="FORMAT")] = "table",
    on: AsOfOpt = None,
) -> None:
    """List the ledger's commitments, oldest first."""
    from briefer import history

    within = history.parse_within(due_within) if due_within is not None else None
    if format not in history.FORMATS:
        raise UsageError(f"--format: '{format}' is not one of {', '.join(history.FORMATS)}")
    rows = history.commitments(_settings(), _date(on), actor, status, within)
    sys.stdout.write(history.format_rows(rows, format))


@commitments_app.command("show")
@handled
def commitments_show(
    ident: Annotated[str, typer.Argument(help="Its id (or the first letters of it).", metavar="ID")],
    on: AsOfOpt = None,
) -> None:
    """A commitment's history: each day it was seen, with its quotes and sources."""
    from briefer import history

    sys.stdout.write(history.show(_settings(), ident, _date(on)))


@commitments_app.command("export")
@handled
def commitments_export(
    ics: Annotated[bool, typer.Option("--ics", help="As an iCalendar file: one event per deadline.")] = False,
    output: OutputOpt = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's.", metavar="NAME")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this status.", metavar="STATUS")] = None,
    on: AsOfOpt = None,
) -> None:
    """Export the ledger's deadlines as calendar events (.ics), for a calendar application."""
    from briefer import history
    from briefer.storage import write_atomic

    if not ics:
        raise UsageError("commitments export: name the format: --ics (for JSON or CSV, use `commitments list -f`)")
    rows = history.commitments(_settings(), _date(on), actor, status)
    data = history.ics(rows).decode("utf-8")
    if output is None:
        sys.stdout.write(data)
    else:
        write_atomic(data, output)
        _say(f"{sum(1 for r in rows if r.due)} deadlines -> {output}")


history_app = typer.Typer(help="The runs kept in the history store.", no_args_is_help=True)
app.add_typer(history_app, name="history")


@history_app.command("list")
@handled
def history_list(briefing: BriefingOpt = None) -> None:
    """List the runs kept, newest first."""
    from briefer import history

    sys.stdout.write(history.format_runs(history.runs(_settings(), briefing)))


@history_app.command("show")
@handled
def history_show(
    day: Annotated[str, typer.Argument(help="The run's date (YYYY-MM-DD), or latest.", metavar="DATE")],
    briefing: BriefingOpt = None,
    output: OutputOpt = None,
    format: FormatOpt = None,
    templates_dir: TemplatesOpt = None,
) -> None:
    """Render the briefing a run kept (Markdown by default), with no model call."""
    from briefer import history, pipeline

    settings = _settings({"templates_dir": templates_dir})
    pipeline.render_to(history.briefing(settings, day, briefing), settings, output, format, sys.stdout)


prompts_app = typer.Typer(help="The prompt templates: list, show, copy for editing, check.", no_args_is_help=True)
templates_app = typer.Typer(help="The output templates: list, show, copy for editing, check.", no_args_is_help=True)
config_app = typer.Typer(help="The configuration: show the settings in force, start a file.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")
app.add_typer(templates_app, name="templates")
app.add_typer(config_app, name="config")
NameArg = Annotated[str, typer.Argument(help="A file name as `list` prints it.", metavar="NAME")]
InitDirArg = Annotated[Path | None, typer.Argument(help="Where to copy (default: the user directory).", metavar="DIR")]


DirOpt = Annotated[Path | None, typer.Option("--dir", help="A directory searched before the others.")]


def _kind_settings(kind: str, directory: Path | None, var: list[str] | None = None) -> Settings:
    """Settings with --dir as the prompts or templates directory searched first."""
    if kind == "prompts":
        return _settings({"prompts_dir": directory}, var=var)
    return _settings({"templates_dir": directory}, var=var)


def _kind_commands(kind: str, sub: typer.Typer) -> None:
    @sub.command("list")
    @handled
    def list_(directory: DirOpt = None) -> None:
        """Every file and where it comes from (override, user or packaged)."""
        from briefer import customize

        for entry in customize.entries(kind, _kind_settings(kind, directory)):
            typer.echo(f"{entry.name:<24} {entry.origin:<9} {entry.path}")

    @sub.command("show")
    @handled
    def show(name: NameArg, directory: DirOpt = None) -> None:
        """Print the file that NAME resolves to."""
        from briefer import customize

        entry = customize.show(kind, name, _kind_settings(kind, directory))
        typer.echo(entry.path.read_text(encoding="utf-8"), nl=False)

    @sub.command("init")
    @handled
    def init(target: InitDirArg = None, force: ForceOpt = False) -> None:
        """Copy the packaged defaults for editing; never overwrites without --force."""
        from briefer import customize

        where, names = customize.init(kind, target, force, _settings())
        typer.echo(f"copied {len(names)} files to {where}: {', '.join(names)}")

    @sub.command("path")
    @handled
    def path() -> None:
        """The user directory searched before the packaged defaults (BRIEFER_HOME moves it)."""
        typer.echo(str(_settings().dirs.config / kind))

    @sub.command("check")
    @handled
    def check(directory: DirOpt = None, var: VarOpt = None) -> None:
        """Render every file against a sample briefing and report the problems."""
        from briefer import customize

        problems = customize.check(kind, _kind_settings(kind, directory, var))
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
    files = config_files(os.environ, Path.cwd())  # the same lookup load_settings made
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
    from briefer.config import PROJECT_FILE, USER_FILE

    path = _settings().dirs.config / USER_FILE if user else Path.cwd() / PROJECT_FILE
    written = customize.init_config(path, force, "the user file" if user else "the project file")
    typer.echo(f"wrote {written}")


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a run the way Ctrl-C does: finished work kept, exit 130


def main() -> None:
    """The console entry point."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    app()
