"""Main text and metadata from an HTML page, with trafilatura plus a fallback and boilerplate rules.

trafilatura runs twice: precision-first, and with its defaults as the fallback when the precise pass kept
much less text (it sometimes drops real paragraphs). Comments are never wanted. Lines that are page furniture
(share prompts, copyright, "Advertisement"), publishers' notices and a leading repeat of the headline are
removed, and every paragraph ends a sentence (`boilerplate.py`). On the
181-page benchmark this scores F1 0.970 against 0.953 for trafilatura's defaults (docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from briefer.models import Article, Failure
from briefer.sources.boilerplate import clean_text
from briefer.sources.files import article_id
from briefer.sources.web import site_name

MIN_WORDS = 15  # a paywalled teaser still counts; a page of navigation does not
# Keep the precise pass unless it kept under this share of the words the default pass found.
FALLBACK_RATIO = 0.6
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w\-:.]+)""", re.I)


@cache
def _quiet_libraries() -> None:
    """trafilatura and htmldate log warnings about odd pages; briefer reports failures itself."""
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Bytes to text, trying in order: a byte-order mark; the HTTP charset; UTF-8 when the bytes are valid
    UTF-8 (saved pages keep a stale <meta charset> after re-encoding, and servers often claim Latin-1 for
    UTF-8); the page's <meta charset>; detection by charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    try:
        as_utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    if declared and not (as_utf8 is not None and declared.lower() in _SINGLE_BYTE):
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    if as_utf8 is not None:
        return as_utf8
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        try:
            return data.decode(meta.group(1).decode("ascii", "replace"))
        except (LookupError, UnicodeDecodeError):
            pass
    return _guess(data)


_LANG = re.compile(rb"""<html[^>]*\blang\s*=\s*["']?([a-zA-Z]{2})""", re.I)
_WESTERN = {"en", "fr", "de", "es", "pt", "it", "nl", "da", "sv", "no", "nb", "nn", "fi", "is", "ga", "ca", "eu", "gl"}


def _guess(data: bytes) -> str:
    """An undeclared, non-UTF-8 page. Detection misreads short Western text as Baltic or Central European, so
    a page in a Western language (or of no stated language) whose guess is a single-byte code page is read as
    windows-1252, the web's default for such pages (WHATWG)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    lang = _LANG.search(data[:4096])
    western = lang is None or lang.group(1).decode().lower() in _WESTERN
    if best is None or (
        western and not best.encoding.startswith(("utf", "shift", "euc", "gb", "big5", "cp9", "iso2022"))
    ):
        return data.decode("cp1252", "replace")
    return str(best)


def _extract(html: str, url: str | None, precise: bool) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True, favor_precision=precise
    )


def _words(doc: Any) -> int:
    return len((getattr(doc, "text", None) or "").split())


def _published(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


def extract_page(html: str, url: str | None, source: str) -> Article | Failure:
    """One article from a page; a Failure when the page holds no article text."""
    _quiet_libraries()
    try:
        precise = _extract(html, url, precise=True)
        default = _extract(html, url, precise=False)
    except Exception as e:  # trafilatura raises assorted errors on broken markup
        return Failure(source=source, error=f"cannot parse the page ({type(e).__name__})")
    doc = precise if _words(precise) >= FALLBACK_RATIO * _words(default) else default
    if doc is None or not doc.text:
        return Failure(source=source, error="no article text found in the page")
    title = (doc.title or "").strip() or None
    text = clean_text(doc.text, title)
    if len(text.split()) < MIN_WORDS:
        return Failure(source=source, error=f"no article text found in the page (only {len(text.split())} words)")
    page_url = doc.url or url
    host = urlsplit(page_url).hostname if page_url else None
    outlet = (doc.sitename or "").strip() or site_name(page_url) or source
    return Article(
        id=article_id(text),
        title=title or (host or source),
        source=outlet,
        url=page_url,
        author=(doc.author or "").strip() or None,
        published=_published(doc.date),
        text=text,
    )
