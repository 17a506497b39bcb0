"""Turn the sources a user names into Articles, and the unreadable ones into Failures.

A source is a file, a directory, `-` for standard input, or an http(s) URL. Files are read by kind (text,
Markdown, HTML, a feed, JSON or JSON Lines); URLs are fetched and read by what they return. Feed entries
that carry only a teaser are completed from their link unless `follow` is off. Then articles outside the
`since` window are dropped and duplicates merged.
"""

from __future__ import annotations

import asyncio
import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from briefer.errors import UsageError
from briefer.models import Article, Failure
from briefer.sources.feeds import looks_like_feed, parse_feed
from briefer.sources.files import MAX_BYTES, TEXT_SUFFIXES, decode_article
from briefer.sources.html import decode_html, extract_page
from briefer.sources.web import Fetched, FetchError, FetchSettings, fetch, is_url, make_client

if TYPE_CHECKING:
    import httpx

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSON_SUFFIXES


@dataclass
class IngestOptions:
    follow: bool = True  # fetch the full text of feed entries that carry only a teaser
    since: datetime | None = None
    fetch: FetchSettings = field(default_factory=FetchSettings)
    stdin: BinaryIO | None = None


@dataclass
class Ingested:
    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    too_old: int = 0  # dropped by `since`
    merged: int = 0  # duplicates folded into another article


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """`24h`, `90m`, `3d`, `2w`, or an ISO date or date-time; a UsageError naming the flag otherwise."""
    now = now or datetime.now(UTC)
    m = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", value.lower())
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
        return now - timedelta(**{unit: int(m.group(1))})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--since: '{value}' is neither a duration (24h, 3d, 2w) nor a date (2026-11-27)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def read_sources_file(path: Path) -> list[str]:
    """One source a line; blank lines and `#` comments ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read the sources file ({e})") from None
    return [line.split(" #")[0].strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


class _Reader:
    """Reads sources concurrently; owns the HTTP client and its concurrency limit."""

    def __init__(self, client: httpx.AsyncClient, options: IngestOptions) -> None:
        self.client = client
        self.options = options
        self.limit = asyncio.Semaphore(options.fetch.concurrency)

    async def source(self, source: str) -> tuple[list[Article], list[Failure]]:
        if source == "-":
            if self.options.stdin is None:
                return [], [Failure(source="-", error="standard input is not available")]
            data = self.options.stdin.read(MAX_BYTES + 1)
            return self.content(data, source, suffix=".txt")
        if "://" in source and not is_url(source):
            return [], [Failure(source=source, error="only http and https URLs can be fetched")]
        if is_url(source):
            try:
                async with self.limit:
                    fetched = await fetch(self.client, source, self.options.fetch)
            except FetchError as e:
                return [], [Failure(source=source, error=str(e))]
            return await self.fetched(fetched, source)
        return await self.path(source)

    async def path(self, source: str) -> tuple[list[Article], list[Failure]]:
        path = Path(source).expanduser()
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and _suffix(p) in ARTICLE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                kinds = ", ".join(sorted(ARTICLE_SUFFIXES))
                return [], [Failure(source=source, error=f"directory holds no article files ({kinds})")]
            results = await asyncio.gather(*(self.path(str(f)) for f in files))
            return [a for r in results for a in r[0]], [f for r in results for f in r[1]]
        if not path.exists():
            return [], [Failure(source=source, error="no such file or directory")]
        try:
            if path.stat().st_size > MAX_BYTES:
                return [], [Failure(source=source, error=_too_large(MAX_BYTES))]
            if path.name.lower().endswith(".gz"):
                with gzip.open(path) as compressed:  # inflated up to the cap, never further
                    data = compressed.read(MAX_BYTES + 1)
                if len(data) > MAX_BYTES:
                    return [], [Failure(source=source, error=f"{_too_large(MAX_BYTES)} when decompressed")]
            else:
                data = path.read_bytes()
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            return [], [Failure(source=source, error=f"cannot read: {getattr(e, 'strerror', None) or e}")]
        suffix = _suffix(path)
        if suffix in FEED_SUFFIXES or (suffix in JSON_SUFFIXES | {".txt", ""} and looks_like_feed(data)):
            return await self.feed(data, source, "")
        return self.content(data, source, suffix)

    def content(self, data: bytes, source: str, suffix: str) -> tuple[list[Article], list[Failure]]:
        if len(data) > MAX_BYTES:
            return [], [Failure(source=source, error=_too_large(MAX_BYTES))]
        if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES | JSON_SUFFIXES and _is_html(data)):
            return _one(extract_page(decode_html(data), None, source))
        if suffix in JSON_SUFFIXES:
            from briefer.sources.jsonfile import parse_articles

            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as e:
                return [], [Failure(source=source, error=f"not valid UTF-8 (byte at offset {e.start})")]
            return parse_articles(text, source, lines=suffix != ".json")
        return _one(decode_article(data, source))

    async def fetched(self, fetched: Fetched, source: str) -> tuple[list[Article], list[Failure]]:
        if looks_like_feed(fetched.content, fetched.content_type):
            return await self.feed(fetched.content, source, fetched.content_type)
        if "html" in fetched.content_type or _is_html(fetched.content):
            html = decode_html(fetched.content, fetched.charset)
            return _one(extract_page(html, fetched.url, source))
        if fetched.content_type.startswith("text/"):
            return _one(decode_article(fetched.content, source))
        return [], [
            Failure(source=source, error=f"not an article or a feed ({fetched.content_type or 'unknown type'})")
        ]

    async def feed(self, data: bytes, source: str, content_type: str) -> tuple[list[Article], list[Failure]]:
        entries, failures = parse_feed(data, source, content_type)
        if not self.options.follow:
            return [e.article for e in entries], failures
        completed = await asyncio.gather(*(self.complete(e.article) if e.teaser else _same(e.article) for e in entries))
        return list(completed), failures

    async def complete(self, teaser: Article) -> Article:
        """The full article behind a feed teaser; the teaser itself when the page cannot be read."""
        if not teaser.url or not is_url(teaser.url):
            return teaser
        try:
            async with self.limit:
                fetched = await fetch(self.client, teaser.url, self.options.fetch)
        except FetchError:
            return teaser
        page = extract_page(decode_html(fetched.content, fetched.charset), fetched.url, teaser.url)
        if not isinstance(page, Article) or len(page.text) <= len(teaser.text):
            return teaser
        return page.model_copy(
            update={
                "title": teaser.title or page.title,
                "source": teaser.source,
                "url": teaser.url,
                "published": teaser.published or page.published,
                "author": teaser.author or page.author,
            }
        )


async def _same(article: Article) -> Article:
    return article


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return Path(name[:-3]).suffix if name.endswith(".gz") else path.suffix.lower()


def _is_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _too_large(limit: int) -> str:
    return f"larger than {limit // (1024 * 1024)} MB"


def _one(result: Article | Failure) -> tuple[list[Article], list[Failure]]:
    return ([result], []) if isinstance(result, Article) else ([], [result])


async def _read_all(sources: list[str], options: IngestOptions) -> tuple[list[Article], list[Failure]]:
    async with make_client(options.fetch) as client:
        reader = _Reader(client, options)
        results = await asyncio.gather(*(reader.source(s) for s in sources))
    return [a for r in results for a in r[0]], [f for r in results for f in r[1]]


def ingest(sources: Iterable[str], options: IngestOptions | None = None) -> Ingested:
    """Read every source in order; an unreadable one becomes a Failure and the rest go on."""
    from briefer.sources.dedupe import merge_duplicates

    options = options or IngestOptions()
    articles, failures = asyncio.run(_read_all(list(sources), options))
    result = Ingested(failures=failures)
    if options.since is not None:
        kept = [a for a in articles if a.published is None or a.published >= options.since]
        result.too_old = len(articles) - len(kept)
        articles = kept
    merged = merge_duplicates(articles)
    result.merged = len(articles) - len(merged)
    result.articles = merged
    return result
