"""Loopback servers that act like an overloaded local model server (llama.cpp, Ollama) on a slow article.

`stream`: the reply's headers go out, then a token every 20 ms until the client hangs up; a client whose
timeout is per read never gives up. `queue`: one request is worked on at a time and the work goes on after
the client hangs up, so a retry waits behind the request it replaces. Other articles, and the day's
requests, are answered as the fake OpenAI server answers them. Every loop is bounded in time.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal

from tests.fake_openai import article_text, default_responder
from tests.loopback import LoopbackServer, QuietHandler

STREAM_AT_MOST = 20.0  # seconds a rambling reply goes on if the client never hangs up


class StubbornServer:
    def __init__(self, slow: str, mode: Literal["stream", "queue"], work: float = 3.0) -> None:
        self.slow, self.mode, self.work = slow, mode, work
        self.requests: list[dict[str, Any]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request
        self.hangups = 0  # replies the client hung up on
        self.gpu = threading.Lock()  # queue: the one request being worked on
        self._lock = threading.Lock()
        self._loop = LoopbackServer(self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._loop.port}/v1"

    def start(self) -> StubbornServer:
        self._loop.start()
        return self

    def stop(self) -> None:
        self._loop.stop()

    def slow_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if self.slow in article_text(r)]

    def _hung_up(self) -> None:
        with self._lock:
            self.hangups += 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with server._lock:
                    server.requests.append(body)
                    server.arrivals.append(time.monotonic())
                slow = server.slow in article_text(body)
                if slow and server.mode == "stream":
                    self._ramble()
                    return
                if server.mode == "queue":
                    with server.gpu:  # generates for the whole time, whether or not the client still waits
                        time.sleep(server.work if slow else 0.01)
                self._send(json.dumps(default_responder(body).body).encode())

            def _ramble(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                ends = time.monotonic() + STREAM_AT_MOST
                try:
                    self._chunk(b'{"summary": "')
                    while time.monotonic() < ends:
                        self._chunk(b"and ")
                        time.sleep(0.02)
                except (BrokenPipeError, ConnectionResetError):
                    server._hung_up()

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def _send(self, data: bytes) -> None:
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    server._hung_up()

        return Handler
