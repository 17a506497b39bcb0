"""The one place that talks to the model: client, structured output and its fallbacks, retries, usage."""

from __future__ import annotations

import copy
import email.utils
import functools
import json
import re
import time
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception
from tenacity.wait import wait_random_exponential

from briefer.config import Settings
from briefer.errors import FatalModelError, ModelError, UsageError
from briefer.model.limiter import AdaptiveLimit
from briefer.models import Usage

if TYPE_CHECKING:
    import openai

T = TypeVar("T", bound=BaseModel)


class Mode(StrEnum):
    """How structured output is asked for, best first; a run steps down when the endpoint rejects one."""

    JSON_SCHEMA = "json_schema"  # OpenAI, vLLM, Ollama, LM Studio
    JSON_OBJECT_SCHEMA = "json_object+schema"  # llama.cpp's server (llama-cpp-python)
    JSON_OBJECT = "json_object"  # JSON mode, the schema in the prompt
    TEXT = "text"  # no response_format at all; a JSON block parsed from the reply


MODES = list(Mode)
REPAIRS = 3  # further requests for a reply that does not validate, before the article fails
DEFAULT_ENDPOINT = "https://api.openai.com/v1"  # the openai package's default base URL
DEFAULT_MODEL = "gpt-4o-mini"  # on OpenAI's endpoint, when no model is named
# A refused connection rarely heals within seconds: fail the article sooner than for a 429 or a 5xx.
CONNECTION_ATTEMPTS = 3
_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|schema|grammar|not supported|unsupported", re.I)
_REASK = (
    "Your previous reply could not be used: {error}\n"
    "Reply again with one JSON object that matches the schema exactly, and nothing else."
)


class InvalidOutput(Exception):
    """The reply was not JSON, or did not match the schema."""

    def __init__(self, problems: str, broken: bool = False) -> None:
        super().__init__(problems)
        self.broken = broken  # not JSON at all: a body cut short in transit, say, rather than a wrong shape


@functools.cache
def _inline_schema(model: type[BaseModel]) -> str:
    return json.dumps(_build_inline_schema(model))


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema, inlined and strict (built once per model; a fresh copy each call)."""
    result: dict[str, Any] = json.loads(_inline_schema(model))
    return result


def _build_inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema with every $ref inlined and no $schema or titles, strict-mode ready.

    Local servers (llama.cpp, LM Studio) mishandle `$ref` and `$schema`; OpenAI's strict mode wants every
    property required and `additionalProperties: false` on every object.
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any, is_properties: bool = False) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if is_properties:
            return {name: walk(sub) for name, sub in node.items()}
        if "$ref" in node:
            return walk(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]))
        out = {
            key: walk(value, is_properties=(key == "properties"))
            for key, value in node.items()
            if key not in ("title", "default", "$schema")
        }
        if out.get("type") == "object":
            out["additionalProperties"] = False
            out["required"] = list(out.get("properties", {}))
        return out

    result: dict[str, Any] = walk(schema)
    return result


def parse_output(content: str, model: type[T]) -> T:
    """Validate a reply: bare JSON, or JSON inside a fenced block or surrounded by prose."""
    text = content.strip()
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    if fenced:
        text = fenced.group(1)
    elif not text.startswith("{") and "{" in text:
        text = text[text.index("{") : text.rindex("}") + 1]
    try:
        return model.model_validate_json(text)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'reply'}: {err['msg']}" for err in e.errors()[:3]
        )
        raise InvalidOutput(problems, broken=any(err["type"] == "json_invalid" for err in e.errors())) from e


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After or retry-after-ms), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if ms := headers.get("retry-after-ms"):
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _is_transient(exc: BaseException) -> bool:
    """Worth another try: rate limits, server errors, timeouts, dropped connections. Never 400/401/403/404."""
    import openai

    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def _redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "[redacted]") if secret else text


def make_client(settings: Settings) -> openai.AsyncOpenAI:
    """An async client with the SDK's own retries off: tenacity here is the one retry policy."""
    import openai

    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"  # local servers want none
    return openai.AsyncOpenAI(api_key=key, base_url=settings.base_url, timeout=settings.timeout, max_retries=0)


def is_openai(endpoint: str) -> bool:
    """Is this OpenAI's own API (whose list prices and default model apply)?"""
    host = (urlsplit(endpoint).hostname or "").lower()
    return host == "openai.com" or host.endswith(".openai.com")


class LLM:
    """Structured completions from any OpenAI-compatible endpoint."""

    def __init__(self, settings: Settings, client: openai.AsyncOpenAI | None = None) -> None:
        if settings.model is None and is_openai(settings.base_url or DEFAULT_ENDPOINT):
            settings = settings.model_copy(update={"model": DEFAULT_MODEL})
        self.settings = settings
        self._client = client
        self.mode = Mode.JSON_SCHEMA
        self.usage = Usage()
        self.limit = AdaptiveLimit(settings.concurrency)

    def prepare(self) -> None:
        """Import the client library in a worker thread now, so that the first request does not wait for it
        (it takes most of a second); the run goes on meanwhile."""
        import sys
        import threading

        if "openai" not in sys.modules:
            threading.Thread(target=_import_client, name="briefer-import-openai", daemon=True).start()

    @property
    def client(self) -> openai.AsyncOpenAI:
        """Made on first use: a run answered from the cache never builds one."""
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    @property
    def endpoint(self) -> str:
        return (self.settings.base_url or DEFAULT_ENDPOINT).rstrip("/")

    @property
    def model(self) -> str:
        """The model requests name (`choose_model` first, when the settings name none)."""
        if self.settings.model is None:
            raise UsageError(f"no model chosen for {self.endpoint}: use --model NAME or BRIEFER_MODEL")
        return self.settings.model

    async def choose_model(self) -> str:
        """The model to use: the one named in the settings, else the only one the server lists (GET /models).
        A UsageError lists what the server offers when it offers several, or none."""
        if self.settings.model is not None:
            return self.settings.model
        import openai

        try:
            listed = [m.id async for m in self.client.models.list()]
        except openai.NotFoundError:
            listed = []
        except openai.APIError as e:
            raise self.translate(e) from None
        choose = 'choose one with --model NAME or BRIEFER_MODEL (or model = "..." in the configuration)'
        if len(listed) != 1:
            offered = f"offers {len(listed)} models ({', '.join(sorted(listed)[:12])})" if listed else "lists no model"
            raise UsageError(f"no model named, and {self.endpoint} {offered}: {choose}")
        self.settings = self.settings.model_copy(update={"model": listed[0]})
        return listed[0]

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def structured(self, messages: list[dict[str, str]], name: str, output: type[T]) -> T:
        """Ask for `output` and validate the reply; a bad reply gets up to REPAIRS more requests. A reply of
        the wrong shape, or cut off at the token limit, is re-asked with the validation error; a reply that
        is not JSON at all although the model finished (a body broken in transit) is asked again as it was."""
        conversation = list(messages)
        for repair in range(REPAIRS + 1):
            content, finish_reason = await self._complete(conversation, name, output)
            try:
                return parse_output(content, output)
            except InvalidOutput as e:
                reason = f"{e}" + (" (the reply was cut off at the token limit)" if finish_reason == "length" else "")
                if repair == REPAIRS:
                    raise ModelError(
                        f"the model's reply did not match the schema after {REPAIRS} re-asks: {reason}"
                    ) from e
                self.usage.retries += 1
                if e.broken and finish_reason != "length":
                    continue
                conversation = [
                    *messages,
                    {"role": "assistant", "content": content[:20000]},
                    {"role": "user", "content": _REASK.format(error=reason)},
                ]
        raise AssertionError("unreachable")

    async def _complete(
        self, messages: list[dict[str, str]], name: str, output: type[BaseModel]
    ) -> tuple[str, str | None]:
        import openai

        while True:
            mode = self.mode
            try:
                response = await self._with_retries(functools.partial(self._create, messages, mode, name, output), mode)
            except openai.APIStatusError as e:
                if self._rejects_format(e, mode):
                    self._step_down(mode)
                    continue
                raise self.translate(e) from None  # the SDK's message may quote the API key
            except openai.APIError as e:  # connection errors, and replies the SDK cannot read
                raise self.translate(e) from None  # the SDK's message may quote the API key
            except ValueError as e:  # a body that claims to be JSON and is not
                raise ModelError(f"{self.endpoint} sent a reply that is not JSON: {str(e)[:120]}") from e
            if not response.choices:
                raise ModelError("the endpoint returned no choices")
            choice = response.choices[0]
            refusal = getattr(choice.message, "refusal", None)
            if refusal:
                raise ModelError(f"the model refused: {refusal[:200]}")
            return choice.message.content or "", choice.finish_reason

    def request_body(
        self, messages: list[dict[str, str]], name: str, output: type[BaseModel], mode: Mode | None = None
    ) -> dict[str, Any]:
        """The Chat Completions request for `messages` in `mode` (the current one by default)."""
        schema = inline_schema(output)
        mode = self.mode if mode is None else mode
        body: dict[str, Any] = {"model": self.model}
        if mode is Mode.JSON_SCHEMA:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "strict": True, "schema": schema},
            }
        else:
            messages = _with_schema_in_prompt(messages, schema)
            if mode is Mode.JSON_OBJECT_SCHEMA:
                body["response_format"] = {"type": "json_object", "schema": schema}
            elif mode is Mode.JSON_OBJECT:
                body["response_format"] = {"type": "json_object"}
        body["messages"] = messages
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        if self.settings.max_output_tokens is not None:
            body["max_tokens"] = self.settings.max_output_tokens
        return body

    def record_batch_reply(self, usage: Usage) -> None:
        """One reply collected from a Batch API job: a request, and its tokens."""
        self.usage.requests += 1
        self.usage.prompt_tokens += usage.prompt_tokens
        self.usage.completion_tokens += usage.completion_tokens
        self.usage.cached_tokens += usage.cached_tokens

    def record_cache_hit(self) -> None:
        """An article answered from briefer's cache, with no request."""
        self.usage.cache_hits += 1

    def record(self, usage: Any) -> None:
        """Add one response's token counts to the run's usage."""
        if usage is None:
            return
        self.usage.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
        self.usage.completion_tokens += getattr(usage, "completion_tokens", 0) or 0
        details = getattr(usage, "prompt_tokens_details", None)
        self.usage.cached_tokens += (getattr(details, "cached_tokens", 0) or 0) if details else 0

    async def _create(self, messages: list[dict[str, str]], mode: Mode, name: str, output: type[BaseModel]) -> Any:
        import openai

        body = self.request_body(messages, name, output, mode)
        async with self.limit.slot() as started_round:
            self.usage.requests += 1
            try:
                # The body travels as extra_body, which the SDK sends as is (its keys win over the typed
                # parameters): walking the typed parameters cost more CPU per request than anything else here.
                raw = await self.client.chat.completions.with_raw_response.create(
                    model=body["model"], messages=[], extra_body=body
                )
            except openai.APIStatusError as e:
                if e.status_code == 429:
                    self.limit.throttled(started_round)
                raise
            self.limit.succeeded(started_round, raw.headers)
        response = raw.parse()
        if not isinstance(response, BaseModel):  # the SDK hands back raw text for a non-JSON content type
            raise ModelError(f"{self.endpoint} did not answer with a chat completion: {str(response)[:80]!r}")
        self.record(getattr(response, "usage", None))
        return response

    async def _with_retries(self, call: Callable[[], Awaitable[Any]], mode: Mode) -> Any:
        def retryable(exc: BaseException) -> bool:
            import openai

            if isinstance(exc, openai.APIStatusError) and self._rejects_format(exc, mode):
                return False
            return _is_transient(exc)

        def count(_: RetryCallState) -> None:
            self.usage.retries += 1

        retrying = AsyncRetrying(
            stop=self._stop,
            wait=self._wait,
            retry=retry_if_exception(retryable),
            before_sleep=count,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await call()
        raise AssertionError("unreachable")

    def _stop(self, state: RetryCallState) -> bool:
        """Give up after max_attempts; sooner when nothing listens at the address (a refused connection)."""
        import openai

        exc = state.outcome.exception() if state.outcome else None
        limit = self.settings.max_attempts
        if isinstance(exc, openai.APIConnectionError) and not isinstance(exc, openai.APITimeoutError):
            limit = min(limit, CONNECTION_ATTEMPTS)
        return state.attempt_number >= limit

    def _wait(self, state: RetryCallState) -> float:
        """Honour Retry-After when the server sends it; otherwise exponential backoff with full jitter."""
        exc = state.outcome.exception() if state.outcome else None
        asked = _retry_after(exc) if exc else None
        if asked is not None:
            return min(asked, self.settings.retry_wait_max)
        backoff = wait_random_exponential(multiplier=self.settings.retry_wait, max=self.settings.retry_wait_max)
        return float(backoff(state))

    def _rejects_format(self, exc: openai.APIStatusError, mode: Mode) -> bool:
        """Did the endpoint refuse the response_format (rather than the request)? Some say 400, llama.cpp 500."""
        if mode is Mode.TEXT:
            return False
        if exc.status_code in (400, 422):
            return True
        return exc.status_code >= 500 and bool(_FORMAT_WORDS.search(f"{exc.message} {exc.body}"))

    def _step_down(self, mode: Mode) -> None:
        if self.mode is mode and mode is not Mode.TEXT:
            self.mode = MODES[MODES.index(mode) + 1]

    def translate(self, exc: Exception) -> ModelError:
        import openai

        where = self.endpoint
        secret = self.settings.api_key.get_secret_value() if self.settings.api_key else None
        tries = self.settings.max_attempts
        if isinstance(exc, openai.AuthenticationError):
            return FatalModelError(f"{where} rejected the API key (401): check OPENAI_API_KEY")
        if isinstance(exc, openai.PermissionDeniedError):
            return FatalModelError(f"{where} refused access (403): the API key lacks permission for this model")
        if isinstance(exc, openai.NotFoundError):
            return FatalModelError(
                f"{where} answered 404 for model '{self.settings.model}': check --model and --base-url"
            )
        if isinstance(exc, openai.APITimeoutError):
            return ModelError(f"no answer from {where} within {self.settings.timeout:g}s, {tries} attempts")
        if isinstance(exc, openai.APIConnectionError):
            tries = min(tries, CONNECTION_ATTEMPTS)
            return ModelError(f"cannot reach {where} ({tries} attempts): {_redact(str(exc.__cause__ or exc), secret)}")
        if isinstance(exc, openai.APIStatusError):
            detail = _redact(_short(exc), secret)
            if _is_transient(exc):
                return ModelError(f"{where} answered {exc.status_code} to all {tries} attempts: {detail}")
            return ModelError(f"{where} rejected the request ({exc.status_code}): {detail}")
        return ModelError(f"unusable reply from {where}: {_redact(str(exc), secret)[:200]}")


def _import_client() -> None:
    import openai  # noqa: F401


def _short(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:200]
    return str(exc.message)[:200]


def _with_schema_in_prompt(messages: list[dict[str, str]], schema: dict[str, Any]) -> list[dict[str, str]]:
    """Without json_schema support, the schema travels in the system message."""
    note = "\n\nReply with a single JSON object and nothing else. It must match this JSON Schema:\n" + json.dumps(
        schema, separators=(",", ":")
    )
    if messages and messages[0]["role"] == "system":
        return [{"role": "system", "content": messages[0]["content"] + note}, *messages[1:]]
    return [{"role": "system", "content": note.strip()}, *messages]
