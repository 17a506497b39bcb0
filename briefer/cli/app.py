"""The Typer app and its one error boundary: every BrieferError becomes one line and its exit code here."""

import functools
import os
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Annotated, Any, ParamSpec

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from briefer.errors import BrieferError, ExitCode
from briefer.version import __version__

HELP = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class PlainArgument(TyperArgument):
    """An argument listed in help by its name alone (`SOURCE`), without Typer's type (`SOURCE <list[str]>`)."""

    def display_type_rich(self, ctx: Any) -> str | None:  # Typer's own Click context
        return None


def _plain_arguments(command: TyperCommand | TyperGroup) -> None:
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.__class__ = PlainArgument
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            if isinstance(sub, TyperCommand | TyperGroup):
                _plain_arguments(sub)


class BrieferGroup(TyperGroup):
    """Click's usage errors in briefer's own style: one line, `briefer: error: ...`, exit code 2; arguments in
    help by their names alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_arguments(self)

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
            say(f"error: {e.format_message()}{hint}")
            sys.exit(e.exit_code)
        except typer.Abort:
            say("interrupted")
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
    # Set by the test suite: unexpected exceptions propagate there instead of becoming a friendly message.
    reraise_unexpected = False


def say(message: str) -> None:
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
            say(f"error: {e.message}")
            raise typer.Exit(int(e.exit_code)) from None
        except KeyboardInterrupt:
            say("interrupted; the articles finished so far are in the cache, and the same command resumes")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:  # the reader went away (`briefer ... | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except typer.Exit:
            raise
        except Exception as e:
            if State.debug or State.reraise_unexpected:
                raise
            say(f"internal error: {type(e).__name__}: {e} (rerun with --debug for the traceback)")
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


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a run the way Ctrl-C does: finished work kept, exit 130


def main() -> None:
    """The console entry point."""
    import gc
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    finally:
        # The process ends here, and nothing it made needs collecting any more: frozen, its objects are left
        # out of the interpreter's last collection on the way out (a fifth of a second after 200 articles).
        gc.freeze()
