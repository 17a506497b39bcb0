"""Fetch pages and feeds over HTTP(S): bounded in time, size and redirects, with a clear User-Agent."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from briefer.version import __version__

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"briefer/{__version__} (news briefing tool; +https://pypi.org/project/briefer/)"


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 8


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str  # the media type, lower case, without parameters
    charset: str | None  # from the Content-Type header


class FetchError(Exception):
    """A fetch failed; the message is one line fit for the user."""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def site_name(url: str | None) -> str | None:
    """The publication a URL belongs to, as its host name without `www.`: "dailymail.co.uk"."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError("only http and https URLs can be fetched")


def make_client(settings: FetchSettings) -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        timeout=httpx.Timeout(settings.timeout),
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",  # the encodings Inflater undoes
        },
        limits=httpx.Limits(max_connections=settings.concurrency * 2),
    )


async def fetch(client: httpx.AsyncClient, url: str, settings: FetchSettings) -> Fetched:
    """GET `url`; FetchError with a one-line reason on any failure."""
    import httpx

    check_url(url)
    try:
        async with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            check_url(str(response.url))
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                raise FetchError(f"larger than {settings.max_bytes // (1024 * 1024)} MB")
            inflater = Inflater(response.headers.get("content-encoding", ""), settings.max_bytes)
            chunks = [inflater.feed(raw) async for raw in response.aiter_raw()]
            chunks.append(inflater.flush())
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return Fetched(str(response.url), b"".join(chunks), media, response.charset_encoding)
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {settings.max_redirects} redirects") from None
    except httpx.TimeoutException:
        raise FetchError(f"no answer within {settings.timeout:g} s") from None
    except httpx.UnsupportedProtocol:
        raise FetchError("redirected to a URL that is not http or https") from None
    except httpx.ConnectError as e:
        raise FetchError(f"cannot connect ({_reason(e)})") from None
    except httpx.HTTPError as e:
        raise FetchError(f"fetch failed ({_reason(e)})") from None


class Inflater:
    """A body's Content-Encoding undone piece by piece as it arrives, stopping at `limit` bytes: a small
    compressed body never inflates past the size cap in memory (httpx would inflate each piece whole)."""

    PIECE = 1 << 20

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding.strip().lower()
        self.limit = limit
        self.size = 0
        self._zlib: Any = None
        self._sniff: bytes | None = None  # the first bytes of a deflate body, until they tell its kind
        if self.encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.encoding == "deflate":
            self._sniff = b""
        elif self.encoding not in ("", "identity"):
            raise FetchError(f"unsupported Content-Encoding '{encoding}'")

    def feed(self, data: bytes) -> bytes:
        if self._sniff is not None:
            data, self._sniff = self._sniff + data, None
            if len(data) < 2:
                self._sniff = data
                return b""
            # "deflate" should be zlib-wrapped (a header whose first 16 bits are a multiple of 31); some
            # servers send the bare stream.
            wrapped = data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        if self._zlib is None:
            return self._count(data)
        pieces = []
        try:
            while data:
                pieces.append(self._count(self._zlib.decompress(data, self.PIECE)))
                data = self._zlib.unconsumed_tail
        except zlib.error as e:
            raise FetchError(f"the {self.encoding} body is corrupt ({e})") from None
        return b"".join(pieces)

    def flush(self) -> bytes:
        return self._count(self._zlib.flush()) if self._zlib is not None else b""

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            decoded = " when decompressed" if self.encoding not in ("", "identity") else ""
            raise FetchError(f"larger than {self.limit // (1024 * 1024)} MB{decoded}")
        return data


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]
