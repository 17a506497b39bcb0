"""`briefer commitments` and `briefer history`: the ledger and the runs kept, read from the history store."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefer.cli.app import app, handled, say
from briefer.cli.options import FormatOpt, OutputOpt, TemplatesOpt
from briefer.cli.shared import parse_date, settings_from
from briefer.errors import UsageError

if TYPE_CHECKING:
    pass

commitments_app = typer.Typer(help="The commitments ledger: each pledge seen, its status.", no_args_is_help=True)
app.add_typer(commitments_app, name="commitments")
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The ledger as it stood on this briefing date (default: the latest briefing's date).",
        metavar="YYYY-MM-DD",
    ),
]
RunsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--briefing",
        "-b",
        help="Only the runs of this named briefing ('default': the runs without --briefing).",
        metavar="NAME",
    ),
]
IcsOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the calendar here (a .ics file); stdout when absent.", metavar="FILE"),
]
RunArg = Annotated[
    str,
    typer.Argument(help="The run: its number (`history list`), its date (YYYY-MM-DD), or latest.", metavar="RUN"),
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
        str | None,
        typer.Option("--due-within", help="Only those due within this span, with its unit: 7d, 2w.", metavar="SPAN"),
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.", metavar="FORMAT")] = "table",
    on: AsOfOpt = None,
) -> None:
    """List the ledger's commitments, oldest first, as they stood on the latest briefing's date (or --date)."""
    from briefer.memory import history

    within = history.parse_within(due_within) if due_within is not None else None
    if format not in history.FORMATS:
        raise UsageError(f"--format: '{format}' is not one of {', '.join(history.FORMATS)}")
    rows = history.commitments(settings_from(), parse_date(on), actor, status, within)
    sys.stdout.write(history.format_rows(rows, format))


@commitments_app.command("show")
@handled
def commitments_show(
    ident: Annotated[str, typer.Argument(help="Its id (or the first letters of it).", metavar="ID")],
    on: AsOfOpt = None,
) -> None:
    """A commitment's history: each briefing date it was seen, with its quotes and sources."""
    from briefer.memory import history

    sys.stdout.write(history.show(settings_from(), ident, parse_date(on)))


@commitments_app.command("export")
@handled
def commitments_export(
    ics: Annotated[bool, typer.Option("--ics", help="As an iCalendar file: one event per deadline.")] = False,
    output: IcsOutputOpt = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's.", metavar="NAME")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this status.", metavar="STATUS")] = None,
    on: AsOfOpt = None,
) -> None:
    """Export the ledger's deadlines as calendar events (.ics), for a calendar application."""
    from briefer.memory import history
    from briefer.output.publish import check_output, emit, is_stream

    if not ics:
        raise UsageError("commitments export: name the format: --ics (for JSON or CSV, use `commitments list -f`)")
    if output is not None and not is_stream(output) and output.suffix.lower() not in (".ics", ".ical"):
        raise UsageError(f"{output}: --ics writes an iCalendar file; name a .ics file (or leave out -o for stdout)")
    check_output(output)
    rows = history.commitments(settings_from(), parse_date(on), actor, status)
    emit(history.ics(rows).decode("utf-8"), output, sys.stdout)  # a device or a pipe is written, never replaced
    if output is not None:
        say(f"{sum(1 for r in rows if r.due)} deadlines -> {output}")


history_app = typer.Typer(help="The runs kept in the history store.", no_args_is_help=True)
app.add_typer(history_app, name="history")


@history_app.command("list")
@handled
def history_list(briefing: RunsOfOpt = None) -> None:
    """List the runs kept, newest first: date, briefing, number, size, sources."""
    from briefer.memory import history

    sys.stdout.write(history.format_runs(history.runs(settings_from(), briefing)))


@history_app.command("show")
@handled
def history_show(
    day: RunArg,
    briefing: RunsOfOpt = None,
    output: OutputOpt = None,
    format: FormatOpt = None,
    templates_dir: TemplatesOpt = None,
) -> None:
    """Render the briefing a run kept (Markdown by default), with no model call."""
    from briefer import pipeline
    from briefer.memory import history

    settings = settings_from({"templates_dir": templates_dir})
    pipeline.render_to(history.briefing(settings, day, briefing), settings, output, format, sys.stdout)


@history_app.command("forget")
@handled
def history_forget(which: RunArg, briefing: RunsOfOpt = None) -> None:
    """Drop a run from the history store: its briefing, and the ledger's sightings it made."""
    from briefer.memory import history

    say(history.forget(settings_from(), which, briefing))
