"""The rendered briefing written out and delivered: the run's template environment, rendering, atomic
writing, and email; also a saved briefing rendered or emailed again."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import jinja2

from briefer.config import Settings
from briefer.errors import InputError
from briefer.models import Briefing
from briefer.output.rendering import Format, choose_format
from briefer.progress import Progress


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
    """Write to `output` atomically, or to the stream."""
    if output is not None:
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


def rerender(settings: Settings, saved: Path, output: Path | None, fmt: str | None, stdout: TextIO | None) -> None:
    """A saved briefing rendered again, with no model call."""
    from briefer.storage import load_briefing

    chosen = choose_format(output, fmt)
    if saved.suffix.lower() != ".json":
        raise InputError(
            f"{saved}: only a briefing saved as JSON (run -o briefing.json, or extract) can be rendered again"
        )
    emit(render(load_briefing(saved), chosen, settings), output, stdout)


def render_to(
    briefing: Briefing, settings: Settings, output: Path | None, fmt: str | None, stdout: TextIO | None
) -> None:
    """A briefing (one the history store kept) rendered and written, with no model call."""
    emit(render(briefing, choose_format(output, fmt), settings), output, stdout)


def email_saved(settings: Settings, saved: Path, eml: Path | None) -> str:
    """Email a saved briefing (.json rendered again; .html and .md as they are); the line to tell the user."""
    from briefer.output import deliver as delivery

    message = delivery.message_for_file(saved, settings, templates(settings))
    return delivery.deliver(message, settings, eml, saved)
