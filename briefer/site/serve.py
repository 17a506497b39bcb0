"""`briefer site --serve`: the built site previewed on loopback only, until Ctrl-C."""

from __future__ import annotations

import functools
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from os import PathLike
from pathlib import Path
from typing import Any

from briefer.site.writing import SiteError

HOST = "127.0.0.1"  # never another interface: the preview is for this machine


class _Quiet(SimpleHTTPRequestHandler):
    """Files of the site folder, no folder listings, no request log, no caching (a rebuild shows at once)."""

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def list_directory(self, path: str | PathLike[str]) -> None:
        self.send_error(404, "No such page")
        return None

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def open_server(folder: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server of `folder` on 127.0.0.1 (`port` 0: a free one, which `server_address` then holds)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    try:
        return ThreadingHTTPServer((HOST, port), handler)
    except OSError as e:
        raise SiteError(f"--port {port}: cannot listen on {HOST} ({e.strerror})") from None


def serve(folder: Path, port: int, say: Callable[[str], None]) -> None:
    """Serve `folder` until Ctrl-C (or SIGTERM), saying where first."""
    with open_server(folder, port) as server:
        say(f"serving {folder} at http://{HOST}:{server.server_address[1]}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            say("stopped")
