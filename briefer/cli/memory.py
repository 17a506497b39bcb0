"""`briefer commitments` and `briefer history`: the ledger and the runs kept, read from the history store."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from briefer.cli.app import app, handled, say
from briefer.cli.options import BriefingOpt, FormatOpt, OutputOpt, TemplatesOpt
from briefer.cli.shared import parse_date, settings_from
from briefer.errors import UsageError

if TYPE_CHECKING:
    pass

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
    """A commitment's history: each day it was seen, with its quotes and sources."""
    from briefer.memory import history

    sys.stdout.write(history.show(settings_from(), ident, parse_date(on)))


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
    from briefer.memory import history
    from briefer.storage import write_atomic

    if not ics:
        raise UsageError("commitments export: name the format: --ics (for JSON or CSV, use `commitments list -f`)")
    rows = history.commitments(settings_from(), parse_date(on), actor, status)
    data = history.ics(rows).decode("utf-8")
    if output is None:
        sys.stdout.write(data)
    else:
        write_atomic(data, output)
        say(f"{sum(1 for r in rows if r.due)} deadlines -> {output}")


history_app = typer.Typer(help="The runs kept in the history store.", no_args_is_help=True)
app.add_typer(history_app, name="history")


@history_app.command("list")
@handled
def history_list(briefing: BriefingOpt = None) -> None:
    """List the runs kept, newest first."""
    from briefer.memory import history

    sys.stdout.write(history.format_runs(history.runs(settings_from(), briefing)))


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
    from briefer import pipeline
    from briefer.memory import history

    settings = settings_from({"templates_dir": templates_dir})
    pipeline.render_to(history.briefing(settings, day, briefing), settings, output, format, sys.stdout)
