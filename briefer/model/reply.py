"""A chat completion as it comes off the wire, read at the boundary: only what briefer uses of it, validated.

The reply's body is read here rather than by the SDK's own types: the SDK builds its full `ChatCompletion`
(every field of every choice) for each reply without checking it, which cost more CPU per request than
anything else after the request itself; this model holds the content, the finish reason, a refusal and the
token counts, and rejects a body that is not a chat completion with one line saying so. Fields a server adds
are ignored: OpenAI-compatible servers differ in what else they send.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError

from briefer.errors import ModelError


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Message(_Read):
    content: str | None = None
    refusal: str | None = None


class Choice(_Read):
    message: Message
    finish_reason: str | None = None


class PromptDetails(_Read):
    cached_tokens: int | None = None


class TokenCounts(_Read):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    prompt_tokens_details: PromptDetails | None = None


class ChatReply(_Read):
    choices: list[Choice]
    usage: TokenCounts | None = None


def read_reply(body: bytes, endpoint: str) -> ChatReply:
    """The chat completion in `body`; a ModelError naming `endpoint` when it is not one (an HTML error page,
    a body that is not JSON, JSON of another shape)."""
    try:
        return ChatReply.model_validate_json(body)
    except ValidationError as e:
        shown = body[:80].decode("utf-8", "replace")
        problem = e.errors(include_url=False)[0]
        if problem["type"] == "json_invalid":
            raise ModelError(f"{endpoint} sent a reply that is not JSON: {shown!r}") from None
        where = ".".join(str(part) for part in problem["loc"]) or "the reply"
        raise ModelError(f"{endpoint} did not answer with a chat completion ({where}: {problem['msg']})") from None
