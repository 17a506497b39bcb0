"""`briefer config`, `prompts`, `templates` and `cache`: what the user customises and keeps."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefer.cli.app import app, handled, say
from briefer.cli.options import ForceOpt, VarOpt
from briefer.cli.shared import settings_from
from briefer.errors import ExitCode

if TYPE_CHECKING:
    from briefer.config import Settings

prompts_app = typer.Typer(help="The prompt templates: list, show, copy for editing, check.", no_args_is_help=True)
templates_app = typer.Typer(help="The output templates: list, show, copy for editing, check.", no_args_is_help=True)
config_app = typer.Typer(help="The configuration: show the settings in force, start a file.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")
app.add_typer(templates_app, name="templates")
app.add_typer(config_app, name="config")
NameArg = Annotated[str, typer.Argument(help="A file name as `list` prints it.", metavar="NAME")]
InitDirArg = Annotated[Path | None, typer.Argument(help="Where to copy (default: the user directory).", metavar="DIR")]


DirOpt = Annotated[Path | None, typer.Option("--dir", help="A directory searched before the others.", metavar="DIR")]


def _kind_settings(kind: str, directory: Path | None, var: list[str] | None = None) -> "Settings":
    """Settings with --dir as the prompts or templates directory searched first."""
    if kind == "prompts":
        return settings_from({"prompts_dir": directory}, var=var)
    return settings_from({"templates_dir": directory}, var=var)


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

        where, names = customize.init(kind, target, force, settings_from())
        typer.echo(f"copied {len(names)} files to {where}: {', '.join(names)}")

    @sub.command("path")
    @handled
    def path() -> None:
        """The user directory searched before the packaged defaults (BRIEFER_HOME moves it)."""
        typer.echo(str(settings_from().dirs.config / kind))

    @sub.command("check")
    @handled
    def check(directory: DirOpt = None, var: VarOpt = None) -> None:
        """Render every file against a sample briefing and report the problems."""
        from briefer import customize

        problems = customize.check(kind, _kind_settings(kind, directory, var))
        for problem in problems:
            say(f"error: {problem}")
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

    settings = settings_from()
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

    path = settings_from().dirs.config / USER_FILE if user else Path.cwd() / PROJECT_FILE
    written = customize.init_config(path, force, "the user file" if user else "the project file")
    typer.echo(f"wrote {written}")
