"""The site's Atom feed (RFC 4287): one entry per kept briefing, newest first, so a feed reader can follow it.

Links are relative to the feed (a reader resolves them against the address it fetched the feed from). The
XML is written by ElementTree, which escapes every text; characters XML cannot hold at all are dropped.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html import escape

from briefer.memory.store import DEFAULT_NAME
from briefer.output.templating import safe_url
from briefer.site.records import Run, Summary
from briefer.version import __version__

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _id(*parts: str) -> str:
    """A stable id: the same run always has the same one, so a reader never shows it twice."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "briefer:" + "|".join(parts)))


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _content(summary: Summary) -> str:
    """The entry's body as HTML (escaped once here, and once more as XML text, as Atom's type="html" wants)."""
    parts = [f"<p>{escape(summary.bottom_line)}</p>"] if summary.bottom_line else []
    counts = f"{summary.articles} article{'s' if summary.articles != 1 else ''}"
    if summary.new or summary.overdue:
        counts += f"; commitments: {summary.new} new, {summary.overdue} overdue"
    parts.append(f"<p>{escape(counts)}</p>")
    if summary.headlines:
        items = []
        for title, url in summary.headlines:
            link = safe_url(url)
            shown = escape(title)
            items.append(f'<li><a href="{escape(link)}">{shown}</a></li>' if link else f"<li>{shown}</li>")
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def feed(title: str, runs: Sequence[tuple[Run, Summary]]) -> str:
    """The feed of the newest ENTRIES runs (`runs` newest first)."""
    root = ET.Element("feed", {"xmlns": ATOM})
    _add(root, "title", title)
    _add(root, "id", _id("feed", title, *(f"{r.name}|{r.day.isoformat()}" for r, _ in runs[-1:])))
    updated = max((r.generated_at for r, _ in runs), default="1970-01-01T00:00:00+00:00")
    _add(root, "updated", updated)
    _add(root, "link", rel="alternate", type="text/html", href="index.html")
    _add(root, "link", rel="self", type="application/atom+xml", href="feed.xml")
    _add(_add(root, "author"), "name", "briefer")
    _add(root, "generator", "briefer", version=__version__)
    for run, summary in runs[:ENTRIES]:
        entry = _add(root, "entry")
        label = run.day.isoformat() if run.name == DEFAULT_NAME else f"{run.day.isoformat()} ({run.name})"
        _add(entry, "title", f"{summary.title} — {label}")
        _add(entry, "id", _id("run", run.name, run.day.isoformat()))
        _add(entry, "updated", run.generated_at)
        _add(entry, "link", rel="alternate", type="text/html", href=run.page)
        if summary.bottom_line:
            _add(entry, "summary", summary.bottom_line, type="text")
        _add(entry, "content", _content(summary), type="html")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
