"""Deliver a briefing by email: keep it on disk first, build the message, send it or write it as .eml."""

from __future__ import annotations

import html as htmllib
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import jinja2

from briefer.config import Settings
from briefer.errors import DeliveryError, InputError
from briefer.mailer import build_message, send
from briefer.models import Briefing
from briefer.rendering import render, render_email
from briefer.storage import load_briefing, read_saved, write_atomic


def keep(briefing: Briefing, settings: Settings, templates: jinja2.Environment) -> Path:
    """Save the HTML briefing as a dated file in the data directory's `briefings/`; returns its path."""
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    path = settings.dirs.data / "briefings" / f"{stamp}.html"
    write_atomic(render(briefing, "html", templates, settings.include_ungrounded, settings.vars), path)
    return path


def message_for_briefing(briefing: Briefing, settings: Settings, templates: jinja2.Environment) -> EmailMessage:
    subject, text, html = render_email(briefing, templates, settings.include_ungrounded, settings.vars)
    return build_message(subject, text, html, settings.email)


def message_for_file(path: Path, settings: Settings, templates: jinja2.Environment) -> EmailMessage:
    """A message from a saved briefing: JSON is rendered again; HTML and Markdown are sent as they are."""
    import css_inline

    suffix = path.suffix.lower()
    if suffix == ".json":
        return message_for_briefing(load_briefing(path), settings, templates)
    data = read_saved(path)
    subject = path.stem.replace("-", " ").replace("_", " ").strip() or "Briefing"
    if suffix in (".html", ".htm"):
        from briefer.sources.feeds import html_to_text

        html = css_inline.inline(data, keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
        html = _without_scripts(html)
        title = _title(data)
        return build_message(title or subject, html_to_text(data), html, settings.email)
    if suffix in (".md", ".markdown", ".txt"):
        heading = next((line.lstrip("# ").strip() for line in data.splitlines() if line.strip()), subject)
        style = "white-space: pre-wrap; font-family: Menlo, Consolas, monospace; font-size: 14px"
        pre = f'<pre style="{style}">{htmllib.escape(data)}</pre>'
        return build_message(heading, data, f"<!DOCTYPE html><html><body>{pre}</body></html>", settings.email)
    raise InputError(f"{path}: send a .json, .html or .md briefing")


def _title(html: str) -> str | None:
    import re

    m = re.search(r"<title>(.*?)</title>", html, re.S | re.I)
    return htmllib.unescape(" ".join(m.group(1).split())) if m else None


def _without_scripts(html: str) -> str:
    import re

    return re.sub(r"<script\b.*?</script\s*>", "", html, flags=re.S | re.I)


def deliver(message: EmailMessage, settings: Settings, eml: Path | None, saved: Path | None) -> str:
    """Send `message`, or write it to `eml`; the line to tell the user. A failure names where the briefing is."""
    if eml is not None:
        write_atomic(message.as_string(), eml)
        return f"message written to {eml} (not sent)"
    try:
        recipients = send(message, settings.email)
    except DeliveryError as e:
        if saved is not None:
            raise DeliveryError(f"{e.message}; the briefing is saved at {saved}") from None
        raise
    return f"emailed to {', '.join(recipients)} through {settings.email.where}"
