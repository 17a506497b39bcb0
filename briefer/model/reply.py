"""A chat completion as it comes off the wire, read at the boundary: only what briefer uses of it, validated.

The reply's body is read here rather than by the SDK's own types, which build the full `ChatCompletion`
(every field of every choice) for each reply without checking any of it. Here the first choice's content,
finish reason and refusal are validated, and a body that is not a chat completion fails with one line that
says what it was (the server's own error message when it sent one). The token counts only feed the usage
figures: a count a server reports oddly is taken as 0 and never fails an answer. Fields a server adds are
ignored: OpenAI-compatible servers differ in what else they send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from briefer.errors import ModelError

SHOWN = 160  # characters of a body or a message quoted in an error


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Message(_Wire):
    content: str | None = None
    refusal: Any = None  # a string on OpenAI's API; shown as text whatever it is


class Choice(_Wire):
    message: Message
    finish_reason: Any = None  # only "length" means anything here


@dataclass(frozen=True)
class TokenCounts:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0


@dataclass(frozen=True)
class ChatReply:
    content: str
    finish_reason: str | None
    refusal: str | None
    usage: TokenCounts


def one_line(text: str, limit: int = SHOWN) -> str:
    """`text` on one line, cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def read_reply(body: bytes, endpoint: str, secret: str | None = None) -> ChatReply:
    """The chat completion in `body`; a ModelError naming `endpoint` when it is not one: not JSON (an HTML
    error page), an error object sent with a 200, no choices, a first choice of another shape. What the error
    quotes of the body never shows `secret` (the API key: a proxy's error page may echo the request)."""
    try:
        return _read(body, endpoint)
    except ModelError as e:
        if secret and secret in e.message:
            raise ModelError(e.message.replace(secret, "[redacted]")) from None
        raise


def _read(body: bytes, endpoint: str) -> ChatReply:
    try:
        data = json.loads(body)  # bytes: UTF-8, UTF-16 or UTF-32, with or without a byte-order mark
    except ValueError:
        shown = one_line(body[:SHOWN].decode("utf-8", "replace"))
        raise ModelError(f"{endpoint} sent a reply that is not JSON: {shown!r}") from None
    if not isinstance(data, dict):
        raise ModelError(f"{endpoint} did not answer with a chat completion (a JSON {type(data).__name__})")
    choices = data.get("choices")
    if not choices or not isinstance(choices, list):
        error = data.get("error")
        if error:
            message = error.get("message", error) if isinstance(error, dict) else error
            raise ModelError(f"{endpoint} answered with an error: {one_line(str(message))}")
        raise ModelError(f"{endpoint} returned no choices")
    try:
        first = Choice.model_validate(choices[0])  # only the first is used
    except ValidationError as e:
        problem = e.errors(include_url=False)[0]
        where = ".".join(["choices", "0", *(str(part) for part in problem["loc"])])
        raise ModelError(f"{endpoint} did not answer with a chat completion ({where}: {problem['msg']})") from None
    refusal = one_line(str(first.message.refusal), 200) if first.message.refusal else None
    finish = first.finish_reason if isinstance(first.finish_reason, str) else None
    return ChatReply(first.message.content or "", finish, refusal, token_counts(data.get("usage")))


def token_counts(usage: object) -> TokenCounts:
    """The reply's token counts; what is missing or not a count is 0."""
    if not isinstance(usage, dict):
        return TokenCounts()
    details = usage.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, dict) else None
    return TokenCounts(_count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens")), _count(cached))


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value) if value == value and abs(value) != float("inf") and value >= 0 else 0
