"""The HTTP client for any OpenAI-compatible endpoint: structured completions, retries, format step-down, usage."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception
from tenacity.wait import wait_random_exponential

from briefer.config import Settings
from briefer.errors import ModelError, UsageError
from briefer.model.failures import CONNECTION_ATTEMPTS, ReplyTimeout, is_transient, retry_after, translate_error
from briefer.model.formats import (
    MODES,
    REASK,
    InvalidOutput,
    Mode,
    inline_schema,
    parse_output,
    rejects_format,
    with_schema_in_prompt,
)
from briefer.model.limiter import AdaptiveLimit
from briefer.model.reply import ChatReply, TokenCounts, read_reply
from briefer.model.waiting import Waiting
from briefer.models import Usage
from briefer.progress import Progress

if TYPE_CHECKING:
    import openai

T = TypeVar("T", bound=BaseModel)

REPAIRS = 3  # further requests for a reply that does not validate, before the article fails
CUTOFFS = 2  # replies cut off at the output cap before the request fails: one re-ask, then no more
ARTICLE_REQUEST = "article_extraction"  # the name of one article's request (briefer.extraction.extract.EXTRACTION)
ARTICLE_OUTPUT_TOKENS = 2048  # the default output cap of an article's reply: its JSON is rarely half of it
DAY_OUTPUT_FACTOR = 2  # a day-level reply (synthesis, ledger) may be twice as long: 4,096 tokens by default,
DAY_CHARS_PER_TOKEN = 32  # or, for a long day, a token of answer per 32 characters of the request (ids, verdicts)
DAY_OUTPUT_MAX = 16_384  # up to this
LOCAL_TIMEOUTS = 2  # a local or self-hosted server keeps working on a request it timed out: no more tries
DEFAULT_ENDPOINT = "https://api.openai.com/v1"  # the openai package's default base URL
DEFAULT_MODEL = "gpt-4o-mini"  # on OpenAI's endpoint, when no model is named


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
        self.waiting = Waiting(settings.timeout)

    def prepare(self, progress: Progress | None = None) -> None:
        """Import the client library in a worker thread now, so that the first request does not wait for it
        (it takes most of a second); the run goes on meanwhile. `progress` hears how long a request waits."""
        import sys
        import threading

        if progress is not None:
            self.waiting.note = progress.note
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

    @property
    def patient(self) -> bool:
        """Retry every timeout? Only on OpenAI's own API: a local or self-hosted server (llama.cpp, Ollama)
        keeps generating for a request the client gave up on, so each retry queues behind the last."""
        return is_openai(self.endpoint)

    def output_cap(self, name: str, messages: list[dict[str, str]]) -> int:
        """The most tokens a reply to the request `name` may hold: `max_output_tokens` (ARTICLE_OUTPUT_TOKENS
        by default) for an article; for a day-level request DAY_OUTPUT_FACTOR times as many, or on a long day
        (its answer names every article and judges every candidate shown) one per DAY_CHARS_PER_TOKEN
        characters of the request, up to DAY_OUTPUT_MAX."""
        cap = self.settings.max_output_tokens or ARTICLE_OUTPUT_TOKENS
        if name == ARTICLE_REQUEST:
            return cap
        length = sum(len(m["content"]) for m in messages) // DAY_CHARS_PER_TOKEN
        return max(cap * DAY_OUTPUT_FACTOR, min(length, DAY_OUTPUT_MAX))

    async def aclose(self) -> None:
        await self.waiting.aclose()
        if self._client is not None:
            await self._client.close()

    async def structured(self, messages: list[dict[str, str]], name: str, output: type[T]) -> T:
        """Ask for `output` and validate the reply; a bad reply gets up to REPAIRS more requests. A reply of
        the wrong shape, or cut off at the output cap, is re-asked with the validation error (a second cut-off
        fails the request); a reply that is not JSON at all although the model finished (a body broken in
        transit) is asked again as it was."""
        conversation = list(messages)
        cutoffs = 0
        for repair in range(REPAIRS + 1):
            content, finish_reason = await self._complete(conversation, name, output)
            try:
                return parse_output(content, output)
            except InvalidOutput as e:
                cutoffs += finish_reason == "length"
                reason = f"{e}" + (" (the reply was cut off at the token limit)" if finish_reason == "length" else "")
                if cutoffs == CUTOFFS:
                    cap = self.output_cap(name, messages)
                    raise ModelError(
                        f"the model's reply was cut off at the {cap}-token output cap twice: "
                        "is the model rambling? try a larger --max-output-tokens, or another model"
                    ) from e
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
                    {"role": "user", "content": REASK.format(error=reason)},
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
                if rejects_format(e, mode):
                    self._step_down(mode)
                    continue
                raise self.translate(e) from None  # the SDK's message may quote the API key
            except openai.APIError as e:  # connection errors, timeouts, a body cut short in transit
                raise self.translate(e) from None  # the SDK's message may quote the API key
            if response.refusal:
                raise ModelError(f"the model refused: {response.refusal}")
            return response.content, response.finish_reason

    def request_body(
        self, messages: list[dict[str, str]], name: str, output: type[BaseModel], mode: Mode | None = None
    ) -> dict[str, Any]:
        """The Chat Completions request for `messages` in `mode` (the current one by default)."""
        schema = inline_schema(output)
        mode = self.mode if mode is None else mode
        cap = self.output_cap(name, messages)
        body: dict[str, Any] = {"model": self.model}
        if mode is Mode.JSON_SCHEMA:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "strict": True, "schema": schema},
            }
        else:
            messages = with_schema_in_prompt(messages, schema)
            if mode is Mode.JSON_OBJECT_SCHEMA:
                body["response_format"] = {"type": "json_object", "schema": schema}
            elif mode is Mode.JSON_OBJECT:
                body["response_format"] = {"type": "json_object"}
        body["messages"] = messages
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        # Always capped: a small model under a JSON grammar may otherwise generate until its context is full.
        # OpenAI's reasoning models take only max_completion_tokens, which all of OpenAI's models accept.
        body["max_completion_tokens" if is_openai(self.endpoint) else "max_tokens"] = cap
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

    def record(self, usage: TokenCounts) -> None:
        """Add one response's token counts to the run's usage."""
        self.usage.prompt_tokens += usage.prompt_tokens
        self.usage.completion_tokens += usage.completion_tokens
        self.usage.cached_tokens += usage.cached_tokens

    async def _create(
        self, messages: list[dict[str, str]], mode: Mode, name: str, output: type[BaseModel]
    ) -> ChatReply:
        import openai

        body = self.request_body(messages, name, output, mode)
        async with self.limit.slot() as started_round:
            self.usage.requests += 1
            try:
                # The whole reply within the timeout: the SDK's own timeout is per read, and a server that
                # trickles tokens never trips it.
                async with asyncio.timeout(self.settings.timeout):
                    with self.waiting.request():
                        # The body travels as extra_body, which the SDK sends as is (its keys win over the
                        # typed parameters): walking those cost more CPU per request than anything else here.
                        raw = await self.client.chat.completions.with_raw_response.create(
                            model=body["model"], messages=[], extra_body=body
                        )
            except TimeoutError:
                raise ReplyTimeout(f"no reply within {self.settings.timeout:g} s") from None
            except openai.APIStatusError as e:
                if e.status_code == 429:
                    self.limit.throttled(started_round)
                raise
            self.limit.succeeded(started_round, raw.headers)
        # Read here, not by the SDK's types (see reply.py); the key never shows in what is quoted of the body.
        secret = self.settings.api_key.get_secret_value() if self.settings.api_key else None
        response = read_reply(raw.http_response.content, self.endpoint, secret)
        self.record(response.usage)
        return response

    async def _with_retries(self, call: Callable[[], Awaitable[Any]], mode: Mode) -> Any:
        """`call` retried while it fails transiently (see `_stop`). Against a local or self-hosted server a
        request that timed out LOCAL_TIMEOUTS times fails: each retry would queue behind the abandoned one."""
        import openai

        timeouts = 0

        def retryable(exc: BaseException) -> bool:
            if isinstance(exc, openai.APIStatusError) and rejects_format(exc, mode):
                return False
            return is_transient(exc)

        def count(_: RetryCallState) -> None:
            self.usage.retries += 1

        def stop(state: RetryCallState) -> bool:
            nonlocal timeouts
            exc = state.outcome.exception() if state.outcome else None
            timeouts += isinstance(exc, openai.APITimeoutError | ReplyTimeout)
            return self._stop(state) or (not self.patient and timeouts >= LOCAL_TIMEOUTS)

        retrying = AsyncRetrying(
            stop=stop, wait=self._wait, retry=retry_if_exception(retryable), before_sleep=count, reraise=True
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await call()
        except (openai.APITimeoutError, ReplyTimeout) as e:
            if self.patient:
                raise self.translate(e) from None  # the SDK's message may quote the API key
            raise ModelError(
                f"the model did not answer within {self.settings.timeout:g} s"
                + (" twice" if timeouts >= LOCAL_TIMEOUTS else "")
                + "; is the server overloaded or the model rambling? try --max-output-tokens / --timeout"
            ) from None
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
        asked = retry_after(exc) if exc else None
        if asked is not None:
            return min(asked, self.settings.retry_wait_max)
        backoff = wait_random_exponential(multiplier=self.settings.retry_wait, max=self.settings.retry_wait_max)
        return float(backoff(state))

    def _step_down(self, mode: Mode) -> None:
        if self.mode is mode and mode is not Mode.TEXT:
            self.mode = MODES[MODES.index(mode) + 1]

    def translate(self, exc: Exception) -> ModelError:
        """The ModelError for what the SDK raised (its own message may quote the API key)."""
        return translate_error(exc, self.settings, self.endpoint)


def _import_client() -> None:
    import openai  # noqa: F401
