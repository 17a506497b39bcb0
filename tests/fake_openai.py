"""A fake OpenAI-compatible server on loopback: real HTTP, scripted replies and faults.

Each request is answered by the next scripted behaviour if any, else by `responder`, which by default
builds a valid extraction from the article it finds in the prompt, quoting its sentences verbatim.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.loopback import LoopbackServer, QuietHandler


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None  # sent as is, instead of JSON
    content_type: str = "application/json"


def article_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages", [])):
        m = re.search(r"<article>\n(.*?)\n</article>", str(message.get("content", "")), re.S)
        if m:
            return m.group(1)
    return ""


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]


def extraction_for(text: str) -> dict[str, Any]:
    """A valid extraction quoting the article: what a good model would return."""
    sents = sentences(text)
    commitments = []
    for s in sents:
        m = re.match(r"(?:The\s+)?([A-Z][\w ]*?)\s+(pledged|promised|vowed|will|agreed)\b(.*)", s)
        if m:
            deadline = re.search(r"by (\w+ \d{1,2}|\d{4})", s)
            commitments.append(
                {
                    "actor": m.group(1),
                    "action": (m.group(2) + m.group(3)).rstrip("."),
                    "counterparty": None,
                    "deadline": deadline.group(0) if deadline else None,
                    "quotes": [s],
                }
            )
    return {
        "summary": " ".join(sents[:2]),
        "facts": [
            {"statement": s, "attribution": "reported" if " said" in s else "stated", "quotes": [s]} for s in sents[:3]
        ],
        "commitments": commitments,
        "implications": [{"statement": "This may matter later.", "rationale": "It is news.", "confidence": "medium"}],
    }


def completion(content: str, finish_reason: str = "stop", prompt_tokens: int = 100) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": 50,
            "total_tokens": prompt_tokens + 50,
        },
    }


def is_synthesis(body: dict[str, Any]) -> bool:
    """Is this the day's synthesis request (rather than one article's extraction)?"""
    messages = body.get("messages") or [{}]
    return "editor of a daily news briefing" in str(messages[0].get("content", ""))


def is_ledger(body: dict[str, Any]) -> bool:
    """Is this the ledger's request (uncertain matches of today's commitments against earlier ones)?"""
    messages = body.get("messages") or [{}]
    return "keep a ledger of public commitments" in str(messages[0].get("content", ""))


def ledger_for(body: dict[str, Any]) -> dict[str, Any]:
    """Every pair shown is the same undertaking, and one verdict on an id that was not shown."""
    user = str((body.get("messages") or [{}])[-1].get("content", ""))
    shown = re.findall(r"^\[(p\d+)\] today:", user, re.M)
    return {"same": [{"id": i, "yes": True} for i in shown] + [{"id": "p999", "yes": True}]}


def extractions_by(responder: Callable[[dict[str, Any]], Reply]) -> Callable[[dict[str, Any]], Reply]:
    """`responder` for the articles' extractions; the day's synthesis answered as usual."""
    return lambda body: default_responder(body) if is_synthesis(body) or is_ledger(body) else responder(body)


def synthesis_for(body: dict[str, Any]) -> dict[str, Any] | None:
    """A valid synthesis when the request is the day's synthesis (its articles come in <articles> tags)."""
    if not is_synthesis(body):
        return None
    messages = body.get("messages") or [{}]
    user = str(messages[-1].get("content", ""))
    candidates = re.findall(r"^\[([mc]\d+)\] \(", user, re.M)
    ids = [i for i in re.findall(r"^\[(\w+)\]", user, re.M) if i not in candidates]
    summaries = re.findall(r"^Summary: (.*)$", user, re.M)
    deadlines = re.findall(r"^- commitment: (.*?) \[by (.*?)\]$", user, re.M)
    return {
        "overview": [
            {"text": s.split(". ")[0].rstrip(".") + ".", "articles": [i]} for i, s in zip(ids, summaries, strict=False)
        ],
        "themes": [{"label": "Everything today", "articles": ids}],
        "watch": [{"when": when, "item": what, "articles": ids[:1]} for what, when in deadlines],
        "same": [{"id": c, "yes": True} for c in candidates if c.startswith("m")],
        "conflicts": [{"id": c, "yes": True} for c in candidates if c.startswith("c")],
    }


_FILLERS: dict[str, Any] = {"string": "something", "number": 1.5, "integer": 2, "boolean": True}


def fill_extra_fields(data: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Answer the fields a customised prompt added to the schema, as a model would."""
    schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema") or {}
    for name, spec in (schema.get("properties") or {}).items():
        if name not in data:
            data[name] = [f"{name} one", f"{name} two"] if spec.get("type") == "array" else _FILLERS[spec["type"]]
    return data


def default_responder(body: dict[str, Any]) -> Reply:
    if is_ledger(body):
        return Reply(body=completion(json.dumps(ledger_for(body))))
    synthesis = synthesis_for(body)
    if synthesis is not None:
        return Reply(body=completion(json.dumps(synthesis)))
    return Reply(body=completion(json.dumps(fill_extra_fields(extraction_for(article_text(body)), body))))


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status=status,
        body={"error": {"message": message, "type": "fake", "code": None}},
        headers=headers or {},
    )


# Named faults for scripts.
def fault(name: str, **kw: Any) -> Callable[[dict[str, Any]], Reply]:
    def make(body: dict[str, Any]) -> Reply:
        if name == "429":
            return error(429, "Rate limit reached", {"Retry-After": str(kw.get("retry_after", 0))})
        if name in ("500", "502", "503"):
            return error(int(name), "The server had an error")
        if name == "hang":
            return Reply(delay=kw.get("seconds", 3.0), body=completion(json.dumps(extraction_for(article_text(body)))))
        if name == "truncated":
            whole = json.dumps(extraction_for(article_text(body)))
            return Reply(body=completion(whole[: len(whole) // 2], finish_reason="length"))
        if name == "invalid":
            return Reply(body=completion(json.dumps({"summary": 42, "facts": "none"})))
        if name == "prose":
            return Reply(
                body=completion(
                    "Sure! Here it is:\n```json\n" + json.dumps(extraction_for(article_text(body))) + "\n```"
                )
            )
        if name == "hallucinate":
            data = extraction_for(article_text(body))
            data["facts"].append(
                {"statement": "An invented fact.", "attribution": "stated", "quotes": ["words that appear nowhere"]}
            )
            return Reply(body=completion(json.dumps(data)))
        for status in (400, 401, 403, 404):
            if name == str(status):
                return error(status, kw.get("message", f"error {status}"))
        raise ValueError(name)

    return make


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.models: list[str] | None = ["fake-model"]  # what GET /models lists; None: the route is missing
        self.headers: list[dict[str, str]] = []
        self.script: deque[Callable[[dict[str, Any]], Reply]] = deque()
        self.responder: Callable[[dict[str, Any]], Reply] = default_responder
        # response_format types this server refuses, and how: llama.cpp answers json_schema with a 500.
        self.refuse_formats: dict[str, int] = {}
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.batch_polls = 1
        self._lock = threading.Lock()
        self._loop = LoopbackServer(self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._loop.port}/v1"

    def start(self) -> FakeOpenAI:
        self._loop.start()
        return self

    def stop(self) -> None:
        self._loop.stop()

    def push(self, *behaviours: str | Callable[[dict[str, Any]], Reply]) -> None:
        for b in behaviours:
            self.script.append(fault(b) if isinstance(b, str) else b)

    def _reply_for(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            scripted = self.script.popleft() if self.script else None
        fmt = (body.get("response_format") or {}).get("type", "text")
        if fmt in self.refuse_formats:
            status = self.refuse_formats[fmt]
            return error(status, f"response_format type '{fmt}' is not supported by this server")
        return (scripted or self.responder)(body)

    # The Batch API: files are uploaded, a batch runs every request through the responder, and reports
    # "in_progress" for `batch_polls` status calls before "completed".
    def _upload(self, raw: bytes, content_type: str) -> Reply:
        boundary = content_type.split("boundary=")[-1].strip('"').encode()
        content = b""
        for part in raw.split(b"--" + boundary):
            if b'name="file"' in part:
                content = part.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n", 1)[0]
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = content
        return Reply(
            body={
                "id": file_id,
                "object": "file",
                "bytes": len(content),
                "created_at": 0,
                "filename": "batch.jsonl",
                "purpose": "batch",
                "status": "processed",
            }
        )

    def _create_batch(self, body: dict[str, Any]) -> Reply:
        lines = [json.loads(line) for line in self.files[body["input_file_id"]].decode().splitlines() if line.strip()]
        output, errors = [], []
        for line in lines:
            reply = self._reply_for(line["body"])
            record = {
                "id": "r",
                "custom_id": line["custom_id"],
                "response": {"status_code": reply.status, "request_id": "x", "body": reply.body},
                "error": None,
            }
            (output if reply.status < 400 else errors).append(json.dumps(record))
        batch_id = f"batch_{len(self.batches) + 1}"
        self.files[f"{batch_id}-out"] = "\n".join(output).encode()
        self.files[f"{batch_id}-err"] = "\n".join(errors).encode()
        self.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": body["input_file_id"],
            "completion_window": body["completion_window"],
            "created_at": 0,
            "status": "in_progress",
            "output_file_id": None,
            "error_file_id": None,
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
            "_done": {
                "output_file_id": f"{batch_id}-out" if output else None,
                "error_file_id": f"{batch_id}-err" if errors else None,
                "request_counts": {"total": len(lines), "completed": len(output), "failed": len(errors)},
            },
            "_polls": 0,
        }
        return Reply(body=self._public(batch_id))

    def _public(self, batch_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.batches[batch_id].items() if not k.startswith("_")}

    def _get(self, path: str) -> Reply:
        path = path.split("?")[0]
        if "/batches/" in path:
            batch_id = path.rsplit("/", 1)[1]
            if batch_id not in self.batches:
                return error(404, "no such batch")
            batch = self.batches[batch_id]
            batch["_polls"] += 1
            if batch["_polls"] > self.batch_polls:
                batch.update(status="completed", **batch["_done"])
            return Reply(body=self._public(batch_id))
        if path.endswith("/models"):
            if self.models is None:
                return error(404, f"no route {path}")
            return Reply(
                body={
                    "object": "list",
                    "data": [{"id": m, "object": "model", "created": 0, "owned_by": "x"} for m in self.models],
                }
            )
        if path.endswith("/content") and "/files/" in path:
            file_id = path.split("/files/")[1].split("/")[0]
            if file_id not in self.files:
                return error(404, "no such file")
            return Reply(raw=self.files[file_id], content_type="application/octet-stream")
        return error(404, f"no route {path}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                with fake._lock:
                    fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path.endswith("/files"):
                    self._send(fake._upload(raw, self.headers.get("Content-Type", "")))
                    return
                body = json.loads(raw or b"{}")
                if self.path.endswith("/batches"):
                    self._send(fake._create_batch(body))
                    return
                if not self.path.endswith("/chat/completions"):
                    self._send(error(404, f"no route {self.path}"))
                    return
                self._send(fake._reply_for(body))

            def do_GET(self) -> None:
                self._send(fake._get(self.path))

            def _send(self, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


class Provider:
    """A responder that answers after `latency`; with `ceiling`, 429 to requests beyond that many at once.
    Its log of (time, status) feeds the benchmarks."""

    def __init__(self, latency: float, ceiling: int | None = None) -> None:
        self.latency, self.ceiling = latency, ceiling
        self.active = 0
        self.lock = threading.Lock()
        self.log: list[tuple[float, int]] = []
        self.arrivals: list[float] = []  # when each request came in

    def __call__(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.arrivals.append(time.time())
            if self.ceiling is not None and self.active >= self.ceiling:
                self.log.append((time.time(), 429))
                return error(429, "Too many concurrent requests")
            self.active += 1
        time.sleep(self.latency)
        with self.lock:
            self.active -= 1
            self.log.append((time.time(), 200))
        return default_responder(body)


def main() -> None:
    """Serve in a process of its own (the benchmarks), so its work does not share the client's GIL.
    Prints the base URL; GET /_log answers the provider's log as JSON, GET /_arrivals the request times."""
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--ceiling", type=int)
    args = parser.parse_args()
    server = FakeOpenAI()
    provider = Provider(args.latency, args.ceiling)
    server.responder = provider
    original = server._get

    def get(path: str) -> Reply:
        if path.startswith("/_log"):
            with provider.lock:
                return Reply(body=provider.log)
        if path.startswith("/_arrivals"):
            with provider.lock:
                return Reply(body=provider.arrivals)
        return original(path)

    server._get = get  # type: ignore[method-assign]
    server.start()
    print(server.url, flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin


if __name__ == "__main__":
    main()
