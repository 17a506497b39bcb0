"""RSS, Atom and JSON Feed documents to Articles, with feedparser."""

from __future__ import annotations

import calendar
import html
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from briefer.models import Article, Failure
from briefer.sources.boilerplate import clean_text
from briefer.sources.files import article_id
from briefer.sources.web import is_url, site_name

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
    where: str = ""  # "feed.xml (entry 3)", for a failure
    bare: bool = False  # no title and no text, only the link: nothing to brief unless the link is read


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: feedparser's own get maps a missing "updated" to "published" with a DeprecationWarning
        value = dict.get(entry, key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


# Elements that end a paragraph: their text never runs into the next ("The Mad Forager’s KitchenHow to ...").
_BLOCKS = {
    *("p", "div", "br", "li", "blockquote", "tr", "section", "article", "header", "footer", "aside", "nav"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "ul", "ol", "dl", "dt", "dd", "table", "caption", "pre"),
    *("figure", "hr", "main", "address", "details", "summary", "center"),
}
_CELLS = {"td", "th"}
_ESCAPED_MARKUP = re.compile(r"^<(?:!--|/?[a-z][a-z0-9]*[\s/>])", re.I)  # an entry's text never starts with a tag
# Never article text: scripts, styles, and a picture's caption or credit.
_DROPPED = "//script|//style|//figcaption"


def html_to_text(markup: str) -> str:
    """Entry HTML to plain text, one paragraph a line; scripts, styles and captions dropped."""
    if "<" not in markup:
        return " ".join(html.unescape(markup).split())
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except Exception:  # lxml raises several types on broken fragments
        return " ".join(re.sub(r"<[^>]+>", " ", markup).split())
    for bad in root.xpath(_DROPPED):
        bad.drop_tree()
    for block in root.xpath("//p|//li|//h1|//h2|//h3|//h4|//h5|//h6"):
        if _only_a_link(block):
            block.drop_tree()  # "Continue reading...", a related story: a link, not the article's text
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if tag not in ("br", "hr"):  # its own text starts a line too
                element.text = "\n" + (element.text or "")
        elif tag in _CELLS:
            element.tail = " " + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    text = "\n".join(line for line in lines if line)
    if _ESCAPED_MARKUP.search(text):  # the entry's HTML was escaped twice: its tags came out as text
        return html_to_text(text)
    return text


def _only_a_link(block: Any) -> bool:
    """Whether a paragraph or list item is nothing but one link."""
    links = block.xpath(".//a")
    text = " ".join(block.text_content().split())
    return len(links) == 1 and bool(text) and " ".join(links[0].text_content().split()) == text


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
    feed_title = html.unescape((parsed["feed"].get("title") or "").strip())
    entries: list[FeedEntry] = []
    failures: list[Failure] = []
    for n, entry in enumerate(parsed["entries"], start=1):
        read = _entry(entry, f"{source} (entry {n})", feed_title or source, feed_title or _name(source), n)
        if isinstance(read, Failure):
            failures.append(read)
        else:
            entries.append(read)
    if not entries and parsed.get("bozo"):
        return [], [_unreadable(parsed, source)]
    return entries, failures


def _name(source: str) -> str:
    """What a feed with no title is called in its entries' titles: its site, or its file's name (never the
    folders of the machine that read it)."""
    return (site_name(source) if "://" in source else None) or Path(source).name


def _entry(entry: Any, where: str, outlet: str, name: str, n: int) -> FeedEntry | Failure:
    content = entry.get("content") or []
    body = max((c.get("value", "") for c in content), key=len, default="")
    summary = entry.get("summary", "") or ""
    link = entry.get("link")
    raw_title = " ".join(html.unescape(entry.get("title") or "").split())
    text = clean_text(html_to_text(body if len(body) >= len(summary) else summary), raw_title)
    bare = not (text or raw_title)
    if bare and not (link and is_url(link)):
        return Failure(source=where, error="entry has no title or text" + (", and no http(s) link" if link else ""))
    title = raw_title or f"{name}, entry {n}"
    article = Article(
        id=article_id(text or link or title),
        title=title,
        source=outlet,
        url=link,
        author=(entry.get("author") or "").strip() or None,
        published=_when(entry),
        text=text or title,
    )
    return FeedEntry(article=article, teaser=len(text.split()) < TEASER_WORDS, where=where, bare=bare)


def _unreadable(parsed: Any, source: str) -> Failure:
    reason = str(parsed.get("bozo_exception") or "malformed").splitlines()[0][:120]
    return Failure(source=source, error=f"not a readable feed ({reason})")
