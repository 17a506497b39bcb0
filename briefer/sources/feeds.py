"""RSS, Atom and JSON Feed documents to Articles, with feedparser."""

from __future__ import annotations

import calendar
import html
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from briefer.models import Article, Failure
from briefer.sources.files import article_id

# An entry with fewer words than this is a teaser: the article itself is behind its link.
TEASER_WORDS = 150
_FEED_SNIFF = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/', re.I)


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    if any(kind in content_type for kind in ("rss", "atom", "feed+json", "rdf")):
        return True
    head = data[:2048].lstrip()
    if head.startswith(b"{"):
        return bool(_JSON_FEED.search(data[:4096]))
    return bool(_FEED_SNIFF.search(data[:4096])) and not re.search(rb"<html[\s>]", head, re.I)


@dataclass
class FeedEntry:
    article: Article
    teaser: bool  # only a summary: the full text is at article.url


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}


def html_to_text(markup: str) -> str:
    """Entry HTML to plain text, one paragraph a line; scripts and styles dropped."""
    if "<" not in markup:
        return " ".join(html.unescape(markup).split())
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except Exception:  # lxml raises several types on broken fragments
        return " ".join(re.sub(r"<[^>]+>", " ", markup).split())
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _json_feed(data: bytes, source: str) -> Any:
    """A JSON Feed (jsonfeed.org) in the shape feedparser gives, so one mapping serves both."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return {"entries": [], "bozo": True, "bozo_exception": f"invalid JSON Feed: {e}", "feed": {}}
    entries = []
    for item in doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        html = item.get("content_html") or ""
        entries.append(
            {
                "title": item.get("title") or "",
                "link": item.get("url") or item.get("external_url"),
                "summary": item.get("summary") or item.get("content_text") or "",
                "content": [{"value": html or item.get("content_text") or ""}],
                "author": next((a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None),
                "published_parsed": _iso(item.get("date_published") or item.get("date_modified")),
            }
        )
    return {"entries": entries, "bozo": False, "feed": {"title": doc.get("title") or ""}}


def _iso(value: Any) -> time.struct_time | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).utctimetuple()


def parse_feed(data: bytes, source: str, content_type: str = "") -> tuple[list[FeedEntry], list[Failure]]:
    """The feed's entries as articles; a Failure when the document is not a readable feed."""
    if data.lstrip()[:1] == b"{":
        parsed = _json_feed(data, source)
    else:
        import feedparser

        parsed = feedparser.parse(data, response_headers={"content-type": content_type} if content_type else None)
    if not parsed["entries"]:
        if parsed.get("bozo"):
            return [], [_unreadable(parsed, source)]
        return [], [Failure(source=source, error="the feed has no entries")]
    outlet = html.unescape((parsed["feed"].get("title") or "").strip()) or source
    entries: list[FeedEntry] = []
    failures: list[Failure] = []
    for n, entry in enumerate(parsed["entries"], start=1):
        content = entry.get("content") or []
        body = max((c.get("value", "") for c in content), key=len, default="")
        summary = entry.get("summary", "") or ""
        text = html_to_text(body if len(body) >= len(summary) else summary).strip()
        link = entry.get("link")
        raw_title = " ".join(html.unescape(entry.get("title") or "").split())
        if not (text or link or raw_title):
            failures.append(Failure(source=f"{source} (entry {n})", error="entry has no title, text or link"))
            continue
        title = raw_title or f"{outlet}, entry {n}"
        article = Article(
            id=article_id(text or link or title),
            title=title,
            source=outlet,
            url=link,
            author=(entry.get("author") or "").strip() or None,
            published=_when(entry),
            text=text or title,
        )
        entries.append(FeedEntry(article=article, teaser=len(text.split()) < TEASER_WORDS))
    if not entries and parsed.get("bozo"):
        return [], [_unreadable(parsed, source)]
    return entries, failures


def _unreadable(parsed: Any, source: str) -> Failure:
    reason = str(parsed.get("bozo_exception") or "malformed").splitlines()[0][:120]
    return Failure(source=source, error=f"not a readable feed ({reason})")
