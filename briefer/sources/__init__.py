"""Turn the sources a user names into Articles, and the unreadable ones into Failures.

A source is a file, a directory, `-` for standard input, or an http(s) URL. Files are read by kind (text,
Markdown, HTML, a feed, JSON or JSON Lines); URLs are fetched and read by what they return. Articles outside
the `since` window are dropped as they are read (a feed's items by the feed's own dates, before any link is
followed); feed entries that carry only a teaser are completed from their link unless `follow` is off. What
was dropped, and each teaser that stayed one and why, is counted in the options' `tally`. `ingest` then
merges duplicates.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
from collections import deque
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from briefer.dates import parse_since
from briefer.errors import UsageError
from briefer.models import Article, Failure
from briefer.sources.feeds import FeedEntry, looks_like_feed, parse_feed
from briefer.sources.files import MAX_BYTES, TEXT_SUFFIXES, decode_article
from briefer.sources.html import decode_html, extract_page
from briefer.sources.tally import NO_ARTICLE, NO_LINK, SHORTER, Tally, fetch_failed
from briefer.sources.web import Fetched, FetchError, FetchSettings, fetch, is_url, make_client

if TYPE_CHECKING:
    import httpx

__all__ = ["IngestOptions", "Ingested", "Item", "Tally", "ingest", "parse_since", "read_sources_file", "stream"]

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
    tally: Tally = field(default_factory=Tally)  # filled as the sources are read


@dataclass
class Ingested:
    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    too_old: int = 0  # dropped by `since`
    merged: int = 0  # duplicates folded into another article
    tally: Tally = field(default_factory=Tally)  # what reading left out, and the teasers that stayed teasers


def read_sources_file(path: Path) -> list[str]:
    """One source a line; blank lines and `#` comments ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read the sources file ({e})") from None
    return [line.split(" #")[0].strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


Item = Article | Failure
T = TypeVar("T")
# Reads that may run ahead of the one the consumer waits for: the bound between reading and extracting.
LOOKAHEAD = 32


class _Reader:
    """Reads sources concurrently; owns the HTTP client and its concurrency limit. Files are read and parsed
    in worker threads, so that a run's model requests go on while the next pages are parsed."""

    def __init__(self, options: IngestOptions, worker: ThreadPoolExecutor) -> None:
        self._client: httpx.AsyncClient | None = None
        self.options = options
        self.limit = asyncio.Semaphore(options.fetch.concurrency)
        # One worker thread reads and parses, in the order sources are named: parsing is CPU-bound, so more
        # threads would only interleave the pages and make the first one later.
        self.worker = worker

    @property
    def client(self) -> httpx.AsyncClient:
        """Made on first use: sources on this machine need none (it takes a while to make)."""
        if self._client is None:
            self._client = make_client(self.options.fetch)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def _off_loop(self, call: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.worker, functools.partial(call, *args))

    def units(self, sources: Iterable[str]) -> Iterator[str | Failure]:
        """The sources with directories expanded into their article files (name order)."""
        for source in sources:
            path = Path(source).expanduser()
            if source == "-" or "://" in source or not path.is_dir():
                yield source
                continue
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and _suffix(p) in ARTICLE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                kinds = ", ".join(sorted(ARTICLE_SUFFIXES))
                yield Failure(source=source, error=f"directory holds no article files ({kinds})")
            yield from (str(f) for f in files)

    async def read(self, unit: str | Failure) -> list[Item | asyncio.Task[Item]]:
        """One unit's articles and failures; a feed's teasers come as tasks that complete them."""
        if isinstance(unit, Failure):
            return [unit]
        if unit == "-":
            if self.options.stdin is None:
                return [Failure(source="-", error="standard input is not available")]
            data = self.options.stdin.read(MAX_BYTES + 1)
            return await self._off_loop(self.content, data, unit, ".txt")
        if "://" in unit and not is_url(unit):
            return [Failure(source=unit, error="only http and https URLs can be fetched")]
        if is_url(unit):
            try:
                async with self.limit:
                    fetched = await fetch(self.client, unit, self.options.fetch)
            except FetchError as e:
                return [Failure(source=unit, error=str(e))]
            if looks_like_feed(fetched.content, fetched.content_type):
                return self.feed(fetched.content, unit, fetched.content_type)
            return await self._off_loop(self.fetched, fetched, unit)
        loaded = await self._off_loop(self.path, unit)
        if isinstance(loaded, tuple):
            return self.feed(loaded[0], unit, "")
        return loaded

    def path(self, source: str) -> list[Item | asyncio.Task[Item]] | tuple[bytes]:
        """A file's articles, or (its bytes,) when it is a feed (whose teasers need the event loop)."""
        path = Path(source).expanduser()
        if not path.exists():
            return [Failure(source=source, error="no such file or directory")]
        try:
            if path.stat().st_size > MAX_BYTES:
                return [Failure(source=source, error=_too_large(MAX_BYTES))]
            if path.name.lower().endswith(".gz"):
                with gzip.open(path) as compressed:  # inflated up to the cap, never further
                    data = compressed.read(MAX_BYTES + 1)
                if len(data) > MAX_BYTES:
                    return [Failure(source=source, error=f"{_too_large(MAX_BYTES)} when decompressed")]
            else:
                data = path.read_bytes()
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            return [Failure(source=source, error=f"cannot read: {getattr(e, 'strerror', None) or e}")]
        suffix = _suffix(path)
        if suffix in FEED_SUFFIXES or (suffix in JSON_SUFFIXES | {".txt", ""} and looks_like_feed(data)):
            return (data,)
        return self.content(data, source, suffix)

    def content(self, data: bytes, source: str, suffix: str) -> list[Item | asyncio.Task[Item]]:
        if len(data) > MAX_BYTES:
            return [Failure(source=source, error=_too_large(MAX_BYTES))]
        if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES | JSON_SUFFIXES and _is_html(data)):
            return [extract_page(decode_html(data), None, source)]
        if suffix in JSON_SUFFIXES:
            from briefer.sources.jsonfile import parse_articles

            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as e:
                return [Failure(source=source, error=f"not valid UTF-8 (byte at offset {e.start})")]
            articles, failures = parse_articles(text, source, lines=suffix != ".json")
            return [*articles, *failures]
        return [decode_article(data, source)]

    def fetched(self, fetched: Fetched, source: str) -> list[Item | asyncio.Task[Item]]:
        if "html" in fetched.content_type or _is_html(fetched.content):
            html = decode_html(fetched.content, fetched.charset)
            return [extract_page(html, fetched.url, source)]
        if fetched.content_type.startswith("text/"):
            return [decode_article(fetched.content, source)]
        return [Failure(source=source, error=f"not an article or a feed ({fetched.content_type or 'unknown type'})")]

    def feed(self, data: bytes, source: str, content_type: str) -> list[Item | asyncio.Task[Item]]:
        """The feed's items inside the `since` window, by the feed's own dates (no link is followed for an item
        that would be dropped); teasers to complete, as tasks, when following."""
        entries, failures = parse_feed(data, source, content_type)
        kept = [e for e in entries if not self.too_old(e.article)]
        self.options.tally.feed_items += len(kept)
        items: list[Item | asyncio.Task[Item]] = []
        for e in kept:
            if e.teaser and self.options.follow:
                items.append(asyncio.create_task(self.complete(e)))
            elif e.bare:  # nothing but a link, not followed: nothing to brief
                items.append(Failure(source=e.where, error="entry has no title or text, and --no-follow"))
            else:
                items.append(e.article)
        return [*items, *failures]

    def too_old(self, article: Article) -> bool:
        """Whether an article was published before the `since` window (counted); undated ones are kept."""
        since = self.options.since
        if since is None or article.published is None or article.published >= since:
            return False
        self.options.tally.too_old += 1
        return True

    async def complete(self, entry: FeedEntry) -> Item:
        """The full article behind a feed teaser; the teaser itself when the page cannot be read (counted, with
        the reason, in the tally), or a Failure for an entry that was nothing but its link."""
        teaser = entry.article
        page = await self._page(teaser.url, 0 if entry.bare else len(teaser.text)) if teaser.url else NO_LINK
        if isinstance(page, str):
            if entry.bare:
                return Failure(source=entry.where, error=f"entry has no title or text, and {page}")
            self.options.tally.teaser_only[page] += 1
            return teaser
        return page.model_copy(
            update={
                "title": page.title if entry.bare else teaser.title,
                "source": teaser.source,
                "url": teaser.url,
                "published": teaser.published or page.published,
                "author": teaser.author or page.author,
            }
        )

    async def _page(self, url: str, longer_than: int) -> Article | str:
        """The article at `url` when its text is longer than `longer_than` characters, else why not."""
        if not is_url(url):
            return NO_LINK
        try:
            async with self.limit:
                fetched = await fetch(self.client, url, self.options.fetch)
        except FetchError as e:
            return fetch_failed(str(e))
        page = await self._off_loop(extract_page, decode_html(fetched.content, fetched.charset), fetched.url, url)
        if not isinstance(page, Article):
            return NO_ARTICLE
        return page if len(page.text) > longer_than else SHORTER


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return Path(name[:-3]).suffix if name.endswith(".gz") else path.suffix.lower()


def _is_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _too_large(limit: int) -> str:
    return f"larger than {limit // (1024 * 1024)} MB"


async def stream(sources: Iterable[str], options: IngestOptions | None = None) -> AsyncGenerator[Item, None]:
    """Every source's articles and failures in the order the sources are named (a directory's files in name
    order, a feed's entries in feed order), each as soon as it and everything before it is read.

    Up to LOOKAHEAD sources are read ahead of the one the consumer waits for, so a consumer that stops
    pulling (its extraction slots are full) stops the reading too: memory stays bounded.
    """
    options = options or IngestOptions()
    with ThreadPoolExecutor(1, thread_name_prefix="briefer-read") as worker:
        async with aclosing(_stream(sources, options, worker)) as items:
            async for item in items:
                yield item


async def _stream(
    sources: Iterable[str], options: IngestOptions, worker: ThreadPoolExecutor
) -> AsyncGenerator[Item, None]:
    reader = _Reader(options, worker)
    units = reader.units(sources)
    running: deque[asyncio.Task[list[Item | asyncio.Task[Item]]]] = deque()
    try:
        while True:
            for unit in units:
                running.append(asyncio.create_task(reader.read(unit)))
                if len(running) >= LOOKAHEAD:
                    break
            if not running:
                return
            for entry in await running.popleft():
                item = await entry if isinstance(entry, asyncio.Task) else entry
                if isinstance(item, Failure) or not reader.too_old(item):
                    yield item
    finally:
        for task in running:
            task.cancel()
        await reader.aclose()


def ingest(sources: Iterable[str], options: IngestOptions | None = None) -> Ingested:
    """Read every source in order; an unreadable one becomes a Failure and the rest go on. Articles outside
    the `since` window are dropped and duplicates merged."""
    from briefer.sources.dedupe import merge_duplicates

    options = options or IngestOptions()

    async def collect() -> list[Item]:
        return [item async for item in stream(list(sources), options)]

    result = Ingested(tally=options.tally)
    articles: list[Article] = []
    for item in asyncio.run(collect()):
        if isinstance(item, Failure):
            result.failures.append(item)
        else:
            articles.append(item)
    result.articles = merge_duplicates(articles)
    result.merged = len(articles) - len(result.articles)
    result.too_old = options.tally.too_old
    return result
