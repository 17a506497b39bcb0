"""`briefer run`: the main job, from sources to a rendered, kept and delivered briefing."""

from briefer.cli.app import app, handled, say
from briefer.cli.options import (
    BaseUrlOpt,
    BatchOpt,
    BccOpt,
    BriefingOpt,
    CcOpt,
    ConcurrencyOpt,
    DateOpt,
    DryRunOpt,
    EmailOpt,
    EmlOpt,
    FormatOpt,
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
    SinceLastOpt,
    SinceOpt,
    SiteOpt,
    SourcesArg,
    SourcesFileOpt,
    TemplatesOpt,
    TimeoutOpt,
    TitleOpt,
    ToOpt,
    UngroundedOpt,
    VarOpt,
    WaitOpt,
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


@app.command(short_help="Make the briefing from articles, feeds and pages (the main job).")
@handled
def run(
    sources: SourcesArg = None,
    output: OutputOpt = None,
    format: FormatOpt = None,
    mkdir: MkdirOpt = False,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = None,
    max_output_tokens: MaxOutputTokensOpt = None,
    timeout: TimeoutOpt = None,
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
    site: SiteOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Extract the articles and render the briefing (Markdown to stdout by default); optionally email it.

    Each run is kept in the history store, and its commitments marked against the ledger (new, reaffirmed,
    changed, overdue). `--briefing NAME` runs a named briefing of the configuration: the whole daily job."""
    from briefer import pipeline
    from briefer.cli.preflight import check_templates

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
    flags.update(
        {
            "templates_dir": templates_dir,
            "include_ungrounded": include_ungrounded or None,
            "email": recipients(to, cc, bcc),
        }
    )
    settings = settings_from(flags, offline, var, briefing)
    request = pipeline.Request(
        **sources_of(sources, sources_file, output, mkdir),
        fmt=format,
        email=email,
        eml=eml,
        batch=batch,
        wait=wait,
        dry_run=dry_run,
        name=briefing,
        day=parse_date(day),
        since_last=since_last,
        site=site,
        preflight=check_templates,
    )
    with progress_on_stderr(not quiet) as progress:
        outcome = pipeline.run(settings, request, progress)
    if outcome.briefing is not None:
        summary(outcome.briefing, outcome.output, quiet)
    if outcome.delivered:
        say(outcome.delivered)
