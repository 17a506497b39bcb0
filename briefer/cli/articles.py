"""`extract`, `ingest`, `render`, `email` and `schema`: the pipeline started or stopped at a stage."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from briefer.cli.app import app, handled, say
from briefer.cli.options import (
    BaseUrlOpt,
    BccOpt,
    CcOpt,
    ConcurrencyOpt,
    DateOpt,
    EmlOpt,
    FormatOpt,
    JsonLinesOutputOpt,
    JsonOutputOpt,
    MaxCostOpt,
    MaxOutputTokensOpt,
    MkdirOpt,
    ModelOpt,
    NoCacheOpt,
    NoFollowOpt,
    NoHistoryOpt,
    OfflineOpt,
    OutputOpt,
    PromptsOpt,
    QuietOpt,
    SinceOpt,
    SourcesArg,
    SourcesFileOpt,
    TemplatesOpt,
    TimeoutOpt,
    TitleOpt,
    ToOpt,
    UngroundedOpt,
    VarOpt,
)
from briefer.cli.shared import (
    parse_date,
    progress_on_stderr,
    recipients,
    run_flags,
    settings_from,
    sources_of,
    summary,
)
from briefer.progress import counted


@app.command(short_help="Extract the articles and save the briefing as JSON.")
@handled
def extract(
    sources: SourcesArg = None,
    output: JsonOutputOpt = None,
    mkdir: MkdirOpt = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = None,
    max_output_tokens: MaxOutputTokensOpt = None,
    timeout: TimeoutOpt = None,
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

    flags = run_flags(
        model=model,
        base_url=base_url,
        concurrency=concurrency,
        max_output_tokens=max_output_tokens,
        timeout=timeout,
        title=title,
        prompts_dir=prompts_dir,
        no_follow=no_follow,
        no_cache=no_cache,
        max_cost=max_cost,
        since=since,
        no_history=no_history,
    )
    settings = settings_from(flags, offline, var)
    request = pipeline.Request(**sources_of(sources, sources_file, output, mkdir), day=parse_date(day))
    with progress_on_stderr(not quiet) as progress:
        briefing = pipeline.extract(settings, request, progress)
    summary(briefing, output, quiet)


@app.command(short_help="Print the articles that would be sent, as JSON Lines.")
@handled
def ingest(
    sources: SourcesArg = None,
    output: JsonLinesOutputOpt = None,
    mkdir: MkdirOpt = False,
    sources_file: SourcesFileOpt = None,
    since: SinceOpt = None,
    no_follow: NoFollowOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Print the articles that would be sent, as JSON Lines, with no model call."""
    from briefer import pipeline

    settings = settings_from({"follow_links": False if no_follow else None, "since": since})
    request = pipeline.Request(**sources_of(sources, sources_file, output, mkdir))
    with progress_on_stderr(not quiet) as progress:
        result = pipeline.ingest(settings, request, progress)
    if not quiet:
        say(f"{counted(len(result.articles), 'article')}, {len(result.failures)} failed")
        for failure in result.failures:
            say(f"  failed: {failure.source}: {failure.error}")
    if not result.articles:
        raise pipeline.no_article(result.failures, result.tally)


@app.command(short_help="Render a saved JSON briefing again, with no model call.")
@handled
def render(
    extraction: Annotated[
        Path, typer.Argument(help="A briefing saved as JSON by `extract` or `run -o x.json`.", metavar="FILE")
    ],
    output: OutputOpt = None,
    format: FormatOpt = None,
    mkdir: MkdirOpt = False,
    templates_dir: TemplatesOpt = None,
    include_ungrounded: UngroundedOpt = False,
    var: VarOpt = None,
) -> None:
    """Render a saved briefing again, with no model call."""
    from briefer import pipeline

    settings = settings_from(
        {"templates_dir": templates_dir, "include_ungrounded": include_ungrounded or None}, var=var
    )
    pipeline.rerender(settings, extraction, output, format, sys.stdout, mkdir)


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

    settings = settings_from({"templates_dir": templates_dir, "email": recipients(to, cc, bcc)}, var=var)
    target = eml if eml is not None else (briefing.with_suffix(".eml") if dry_run else None)
    say(pipeline.email_saved(settings, briefing, target))


@app.command(short_help="Print the JSON Schema of the briefing JSON.")
@handled
def schema() -> None:
    """Print the JSON Schema of the briefing JSON (`-o briefing.json`)."""
    import json

    from briefer.models import Briefing

    typer.echo(json.dumps(Briefing.model_json_schema(), indent=2))
