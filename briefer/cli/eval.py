"""`briefer eval`: extraction quality on a labelled set."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefer.cli.app import app, handled
from briefer.cli.options import (
    BaseUrlOpt,
    ConcurrencyOpt,
    ForceOpt,
    ModelOpt,
    NoCacheOpt,
    OfflineOpt,
    PromptsOpt,
    QuietOpt,
    VarOpt,
)
from briefer.cli.shared import progress_on_stderr, settings_from
from briefer.errors import ExitCode, UsageError

if TYPE_CHECKING:
    pass


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
    from briefer.evaluation import evaluate

    if target[0] == "init":
        if len(target) != 2:
            raise UsageError("usage: briefer eval init FILE")
        typer.echo(evaluate.init(Path(target[1]), force), nl=False)
        return
    if len(target) != 1:
        raise UsageError("briefer eval takes one labelled set (or `init FILE`)")
    if show not in (None, "misses"):
        raise UsageError(f"--show: '{show}' is not known (misses)")
    settings = settings_from(
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
    with progress_on_stderr(not quiet) as progress:
        report = evaluate.run_eval(settings, request, progress)
    typer.echo(report.text, nl=False)
    if not report.passed:
        raise typer.Exit(int(ExitCode.QUALITY))
