"""The rendered briefing written out and delivered: the run's template environment, rendering, atomic
writing, and email; also a saved briefing rendered or emailed again."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TextIO

import jinja2

from briefer.config import Settings
from briefer.errors import InputError, UsageError
from briefer.models import Briefing
from briefer.output.rendering import Format, choose_format
from briefer.progress import Progress


def is_stream(output: Path) -> bool:
    """A device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO): written straight through, never replaced."""
    return output.exists() and not output.is_file() and not output.is_dir()


def check_output(output: Path | None, mkdir: bool = False, option: str = "-o") -> None:
    """Refuse, before any work, an output that could not be written, on one line: a folder, a path under a
    file, a folder where nothing can be written (`/proc`), or (unless `mkdir`) a folder that does not exist."""
    if output is None:
        return
    where = f"{option} {output}"
    if output.is_dir():
        raise UsageError(f"{where}: is a folder; name a file in it")
    if is_stream(output):
        if not os.access(output, os.W_OK):
            raise UsageError(f"{where}: cannot be written to")
        return
    folder = output.parent
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"{where}: {folder} is a file, not a folder")
    if folder != output.parent and not mkdir:
        raise UsageError(f"{where}: the folder {output.parent} does not exist (--mkdir creates it)")
    try:  # the only sure test: /proc says it is writable, and then refuses every new file
        handle, probe = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".probe", dir=folder)
    except OSError as e:
        raise UsageError(f"{where}: cannot write in {folder} ({e.strerror or e})") from None
    os.close(handle)
    os.unlink(probe)


def output_format(output: Path | None, fmt: str | None) -> Format:
    """--format, else the output's extension; a device or a pipe with no known extension (`/dev/null`) gets
    what standard output gets."""
    try:
        return choose_format(output, fmt)
    except UsageError:
        if output is not None and fmt is None and is_stream(output):
            return choose_format(None, None)
        raise


def templates(settings: Settings) -> jinja2.Environment:
    """The run's one output-template environment."""
    from briefer.output.templating import output_environment

    return output_environment(settings.templates_dir, settings.dirs.config)


def render(briefing: Briefing, fmt: Format, settings: Settings, env: jinja2.Environment | None = None) -> str:
    """The briefing as Markdown, HTML or JSON text, through the output templates."""
    from briefer.output import rendering

    env = env or templates(settings)
    return rendering.render(briefing, fmt, env, settings.include_ungrounded, settings.vars)


def emit(text: str, output: Path | None, stdout: TextIO | None) -> None:
    """Write to `output` atomically (a device or a pipe straight through), or to the stream."""
    if output is not None and is_stream(output):
        with output.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    elif output is not None:
        from briefer.storage import write_atomic

        write_atomic(text, output)
    elif stdout is not None:
        stdout.write(text)
        stdout.flush()


def deliver(
    briefing: Briefing,
    settings: Settings,
    output: Path | None,
    eml: Path | None,
    env: jinja2.Environment,
    progress: Progress,
) -> str:
    """Keep the briefing (when it was not written to a file) and email it, or write the .eml; the line to
    tell the user what happened."""
    from briefer.output import deliver as delivery

    saved = output
    if saved is None:
        saved = delivery.keep(briefing, settings, env)
        progress.note(f"briefing saved at {saved}")
    message = delivery.message_for_briefing(briefing, settings, env)
    return delivery.deliver(message, settings, eml, saved)


def rerender(
    settings: Settings, saved: Path, output: Path | None, fmt: str | None, stdout: TextIO | None, mkdir: bool = False
) -> None:
    """A saved briefing rendered again, with no model call."""
    from briefer.storage import load_briefing

    chosen = output_format(output, fmt)
    check_output(output, mkdir)
    if saved.suffix.lower() != ".json":
        raise InputError(
            f"{saved}: only a briefing saved as JSON (run -o briefing.json, or extract) can be rendered again"
        )
    emit(render(load_briefing(saved), chosen, settings), output, stdout)


def render_to(
    briefing: Briefing, settings: Settings, output: Path | None, fmt: str | None, stdout: TextIO | None
) -> None:
    """A briefing (one the history store kept) rendered and written, with no model call."""
    check_output(output)
    emit(render(briefing, output_format(output, fmt), settings), output, stdout)


def email_saved(settings: Settings, saved: Path, eml: Path | None) -> str:
    """Email a saved briefing (.json rendered again; .html and .md as they are); the line to tell the user."""
    from briefer.output import deliver as delivery

    message = delivery.message_for_file(saved, settings, templates(settings))
    return delivery.deliver(message, settings, eml, saved)
