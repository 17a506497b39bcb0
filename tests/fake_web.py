"""A small web server on loopback serving pages and feeds written for the tests: real HTTP, redirects,
slow answers, errors and declared charsets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.loopback import LoopbackServer, QuietHandler


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeWeb:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.arrived: dict[str, float] = {}  # path -> time.monotonic() of its latest request
        self._loop = LoopbackServer(self._handler())

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._loop.port}{path}"

    def add(self, path: str, body: str | bytes, **kw: Any) -> str:
        self.routes[path] = Route(body=body.encode() if isinstance(body, str) else body, **kw)
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": to})
        return self.url(path)

    def start(self) -> FakeWeb:
        self._loop.start()
        return self

    def stop(self) -> None:
        self._loop.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        web = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                web.hits.append(self.path)
                web.arrived[self.path] = time.monotonic()
                route = web.routes.get(self.path) or web.routes.get(self.path.split("?")[0])
                route = route or Route(status=404, body=b"<h1>Not found</h1>")
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(route.body)))
                    for k, v in route.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def page(
    title: str,
    paragraphs: list[str],
    *,
    site: str = "Tarsby Times",
    author: str = "Lena Holm",
    date: str = "2026-11-27",
    charset: str | None = "utf-8",
    comments: bool = True,
    markup: str | None = None,
) -> str:
    """A news page the way sites build them: navigation, the article, a sidebar, comments, a footer. The
    article's body is its paragraphs, or `markup` as given."""
    body = markup if markup is not None else "\n".join(f"<p>{p}</p>" for p in paragraphs)
    meta_charset = f'<meta charset="{charset}">' if charset else ""
    comment_block = (
        '<section id="comments" class="comments"><h3>Comments</h3>'
        '<div class="comment"><p>First! This is a reader comment that is not part of the story at all.</p></div>'
        '<div class="comment"><p>Another reader wrote something long about an unrelated matter entirely.</p></div>'
        "</section>"
        if comments
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head>{meta_charset}
<title>{title} | {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}T08:00:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a>
<a href="/login">Log in</a></nav></header>
<main><article>
<h1>{title}</h1>
<p class="byline">By {author}</p>
{body}
<p>Advertisement</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Unrelated story one about the weather</a></li>
<li><a href="/b">Unrelated story two about football</a></li></ul></aside>
{comment_block}
</main>
<footer><p>© 2026 {site}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def rss(title: str, items: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        f"<pubDate>{i.get('date', 'Fri, 27 Nov 2026 08:00:00 GMT')}</pubDate>"
        f"<description><![CDATA[{i.get('description', '')}]]></description></item>"
        for i in items
    )
    doc = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.org/</link>{entries}</channel></rss>"
    )
    return doc.encode(encoding)
