"""`briefer site`: the briefing archive, a static website built from the history store (`briefer.site`)."""

from pathlib import Path
from typing import Annotated

import typer

from briefer.cli.app import app, handled, say
from briefer.cli.options import QuietOpt, TemplatesOpt
from briefer.cli.shared import parse_date, settings_from
from briefer.errors import UsageError

SiteDirOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="The site's folder (default: [site] dir of the configuration).", metavar="DIR"),
]


@app.command(short_help="Build the briefing archive: every kept briefing and the ledger as a website.")
@handled
def site(
    output: SiteDirOpt = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The ledger as it stood on this date, with the briefings up to it (default: the latest's date).",
            metavar="YYYY-MM-DD",
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", help="The site's title (default: [site] title, else Briefings).", metavar="TEXT"),
    ] = None,
    templates_dir: TemplatesOpt = None,
    serve: Annotated[
        bool, typer.Option("--serve", help="Then preview it on 127.0.0.1, on a free port, until Ctrl-C.")
    ] = False,
    port: Annotated[
        int | None,
        typer.Option("--port", help="The preview's port (default: a free one).", min=1, max=65535, metavar="N"),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Build a static website from the history store: the briefings by day, the commitments ledger (with a
    page per commitment and per actor), a timeline of deadlines, an Atom feed and a calendar file.

    Only pages whose content changed are written. It works from file://, from any static host and from a
    subfolder: every link is relative and nothing is loaded from elsewhere. `[site] dir` in the
    configuration (or `briefer run --site DIR`) updates it after each kept run."""
    from briefer.site.build import build
    from briefer.site.serve import serve as preview

    settings = settings_from({"templates_dir": templates_dir})
    folder = output or settings.site.dir
    if folder is None:
        raise UsageError("site: name its folder: `briefer site -o site/` (or set dir in [site] of the configuration)")
    if port is not None and not serve:
        raise UsageError("--port: it is the preview's port; add --serve")
    report = build(settings, folder, parse_date(day), title)
    if not quiet:
        say(report.line())
        say(f"open {folder / 'index.html'}")
    if serve:
        preview(folder, port or 0, say)
