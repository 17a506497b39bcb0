"""`briefer batch status|fetch`: Batch API jobs started with `run --batch`."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from briefer.cli.app import app, handled
from briefer.cli.options import FormatOpt, OutputOpt, QuietOpt, TemplatesOpt
from briefer.cli.shared import progress_on_stderr, settings_from, summary

if TYPE_CHECKING:
    pass

batch_app = typer.Typer(help="Batch API jobs started with `run --batch`.", no_args_is_help=True)
app.add_typer(batch_app, name="batch")
BatchIdArg = Annotated[str, typer.Argument(help="The batch id printed by `run --batch`.", metavar="BATCH_ID")]


@batch_app.command("status")
@handled
def batch_status(batch_id: BatchIdArg) -> None:
    """Show a batch's progress."""
    from briefer import pipeline

    typer.echo(pipeline.batch_status(settings_from(), batch_id))


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

    settings = settings_from({"templates_dir": templates_dir})
    with progress_on_stderr(not quiet) as progress:
        briefing = pipeline.fetch_and_render(settings, batch_id, output, format, sys.stdout, wait, progress)
    summary(briefing, output, quiet)
