"""The plumbing the fake servers share: a threaded HTTP server on 127.0.0.1 and a quiet, prompt handler."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the client's
        # delayed ACK add 40 ms to every response.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    # A run opens as many connections at once as its concurrency: with socketserver's backlog of 5 the kernel
    # drops the others' handshakes, and their requests arrive half a second late.
    request_queue_size = 128


class LoopbackServer:
    """Serves `handler` on a free port of 127.0.0.1 from a background thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        # A client that gives up mid-request (a cancelled run) is normal here: no traceback on stderr, where it
        # would mix with the output of the command under test.
        self._server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
