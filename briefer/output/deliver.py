"""Deliver a briefing by email: keep it on disk first, build the message, send it or write it as .eml."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import jinja2

from briefer.config import Settings
from briefer.errors import DeliveryError, InputError
from briefer.models import Briefing
from briefer.output.mailer import build_message, send
from briefer.output.rendering import Heading, email_subject, render, render_email, render_email_page
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


SAVED_SUFFIXES = (".json", ".html", ".htm", ".md", ".markdown", ".txt")


def message_for_file(path: Path, settings: Settings, templates: jinja2.Environment) -> EmailMessage:
    """A message from a saved briefing. JSON is rendered again. Markdown is rendered into the email page,
    and is itself the plain text. HTML is sent with its CSS inlined and scripts dropped; its plain text is
    the Markdown of a same-named .json beside it, else made from the page. Every subject comes from
    email_subject.txt.j2: a saved file's title is its first heading, its date the first ISO date of its
    masthead, else the file's modification date. An empty file is an InputError."""
    from briefer.output.mailformat import html_heading, html_text, inline_css, markdown_heading, markdown_html

    suffix = path.suffix.lower()
    if suffix not in SAVED_SUFFIXES:
        raise InputError(f"{path}: send a .json, .html or .md briefing")
    if suffix == ".json":
        return message_for_briefing(load_briefing(path), settings, templates)
    data = read_saved(path)
    if suffix in (".html", ".htm"):
        html = _without_scripts(data)
        page_text = html_text(html)
        if not page_text.strip():
            raise InputError(f"{path}: the page holds no text")
        heading = _heading(path, *html_heading(html))
        text = _sibling_markdown(path, settings, templates) or page_text
        html = inline_css(html)
    else:
        heading = _heading(path, *markdown_heading(data))
        text = data
        html = render_email_page(heading.title, markdown_html(data), templates)
    subject = email_subject(heading, templates, settings.vars)
    return build_message(subject, text, html, settings.email)


def _heading(path: Path, title: str | None, day: date | None) -> Heading:
    """The saved file's title and date, falling back on its name and its modification date."""
    fallback = path.stem.replace("-", " ").replace("_", " ").strip() or "Briefing"
    if day is None:
        try:
            day = datetime.fromtimestamp(path.stat().st_mtime).date()
        except OSError:
            day = datetime.now().date()
    return Heading(title=title or fallback, date=day)


def _sibling_markdown(path: Path, settings: Settings, templates: jinja2.Environment) -> str | None:
    """The Markdown rendering of the briefing saved as JSON beside `path` (same name), if there is one."""
    saved = path.with_suffix(".json")
    if not saved.is_file():
        return None
    try:
        briefing = load_briefing(saved)
    except InputError:
        return None  # not a briefing: the page's own text will do
    return render(briefing, "md", templates, settings.include_ungrounded, settings.vars)


def _without_scripts(html: str) -> str:
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
