"""Main text and metadata from an HTML page, with trafilatura's two passes merged and boilerplate rules.

trafilatura runs twice on one parsed page: precise-first and with its defaults. The precise pass keeps
little boilerplate but drops real paragraphs, so what it cut out of the article is put back from the default
pass (`passes.py`); the default pass alone is used when the precise one kept much less text. A body split
over several containers is made one and extracted again (`splitbody.py`). Comments are never wanted. Lines
that are page furniture (share prompts, copyright, "Advertisement"), publishers' notices and a leading
repeat of the headline are removed, and every paragraph ends a sentence (`boilerplate.py`). Scores on the
181-page benchmark: docs/benchmarks.md.
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
from briefer.sources.passes import RULES, merge_passes
from briefer.sources.splitbody import join_split_body
from briefer.sources.web import site_name

# The reader's rules: those of `passes.py`, and "split" for a split body; bench/ingest_quality.py measures each.
ALL_RULES = RULES | {"split"}
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


def _extract(page: Any, url: str | None, precise: bool) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        page, url=url, include_comments=False, with_metadata=True, favor_precision=precise
    )


def page_passes(html: str, url: str | None) -> list[tuple[Any, Any]]:
    """The precise and the default pass over one parse of the page; then, when its body is split over several
    containers and the passes kept only the first, the same over the page with the body made one. trafilatura
    raises assorted errors on broken markup: they are the caller's to report."""
    import trafilatura

    tree = trafilatura.load_html(html)
    if tree is None:
        return [(None, None)]
    passes = [(_extract(tree, url, precise=True), _extract(tree, url, precise=False))]
    joined = join_split_body(tree, _text(passes[0][0]) or _text(passes[0][1]))
    if joined is not None:
        passes.append((_extract(joined, url, precise=True), _extract(joined, url, precise=False)))
    return passes


def _text(doc: Any) -> str:
    return getattr(doc, "text", None) or ""


def _words(doc: Any) -> int:
    return len(_text(doc).split())


def _published(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


def main_text(passes: list[tuple[Any, Any]], rules: frozenset[str] = ALL_RULES) -> tuple[Any, str] | None:
    """trafilatura's document (for the metadata) and the page's clean main text, from its `page_passes`; None
    when it holds none. `rules` leaves some of the reader's rules out, to measure them."""
    precise, default = passes[-1] if "split" in rules else passes[0]
    use_precise = precise is not None and _words(precise) >= FALLBACK_RATIO * _words(default)
    doc = precise if use_precise else default
    if doc is None or not doc.text:
        return None
    title = (doc.title or "").strip() or None
    return doc, clean_text(merge_passes(doc.text, _text(default), rules) if use_precise else doc.text, title)


def extract_page(html: str, url: str | None, source: str) -> Article | Failure:
    """One article from a page; a Failure when the page holds no article text."""
    _quiet_libraries()
    try:
        found = main_text(page_passes(html, url))
    except Exception as e:  # trafilatura raises assorted errors on broken markup
        return Failure(source=source, error=f"cannot parse the page ({type(e).__name__})")
    if found is None:
        return Failure(source=source, error="no article text found in the page")
    doc, text = found
    title = (doc.title or "").strip() or None
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
