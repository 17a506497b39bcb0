"""Extraction through OpenAI's Batch API: half the price, results within 24 hours.

`submit` writes one JSONL line per request not already cached, uploads it, creates the batch and records
what is needed to collect it (the articles and settings) in the cache database. `collect` downloads the
results, validates each reply, stores it in the cache, and then builds the briefs from the cache, so the
rest of the pipeline is the same as for a live run.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationError

from briefer.config import Settings
from briefer.errors import InputError, ModelError, UsageError
from briefer.extraction.extract import EXTRACTION, ModelExtractor
from briefer.extraction.extractors import open_extractor
from briefer.model.formats import InvalidOutput, Mode, parse_output
from briefer.model.pricing import cost
from briefer.models import Article, ArticleBrief, Failure, Usage

ENDPOINT: Final = "/v1/chat/completions"
TERMINAL = {"completed", "failed", "expired", "cancelled"}


class BatchState(BaseModel):
    """What `briefer batch fetch` needs to finish a batch started earlier."""

    model_config = ConfigDict(extra="forbid")

    articles: list[Article]
    keys: dict[str, str]  # custom_id -> cache key
    title: str | None = None
    failures: list[Failure] = []


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[ModelExtractor]:
    """The model extractor for Batch API work; a UsageError when the settings name no model endpoint."""
    async with open_extractor(settings) as extractor:
        if not isinstance(extractor, ModelExtractor):
            raise UsageError("--batch needs a model endpoint (OPENAI_API_KEY), not the offline extractor")
        yield extractor


def submit_job(settings: Settings, articles: list[Article], failures: list[Failure]) -> tuple[str, int]:
    """Start a Batch API job for the articles (checking --max-cost at batch prices first); returns its id
    and how many requests it holds."""

    async def go() -> tuple[str, int]:
        async with opened(settings) as extractor:
            if settings.max_cost is not None:
                extractor.check_budget(articles, settings.max_cost, batch=True)
            return await submit(articles, extractor, settings.title, failures)

    return asyncio.run(go())


@dataclass
class Collected:
    """A finished batch's briefs and failures, its title, and what the run cost (batch and live requests)."""

    briefs: list[ArticleBrief]
    failures: list[Failure]
    title: str | None
    spent: Callable[[], float | None]


async def collect_job(
    extractor: ModelExtractor, batch_id: str, settings: Settings, wait_for_it: bool, note: Callable[[str], None]
) -> Collected:
    """Wait for the batch when asked (reporting each poll), then collect it. Requests made after this (the
    synthesis) are billed at full price, the batch's at half."""
    load_state(extractor, batch_id)
    if wait_for_it:

        def polled(batch: Any) -> None:
            counts = getattr(batch, "request_counts", None)
            if counts is not None:
                note(
                    f"batch {batch_id}: {batch.status}, {counts.completed}/{counts.total} done, {counts.failed} failed"
                )

        await wait(extractor, batch_id, settings.batch_poll_seconds, polled)
    briefs, failures, state = await collect(extractor, batch_id)
    batched = extractor.usage.model_copy()

    def spent() -> float | None:
        live = extractor.usage
        batch_cost = cost(
            extractor.price, batched.prompt_tokens, batched.cached_tokens, batched.completion_tokens, batch=True
        )
        live_cost = cost(
            extractor.price,
            live.prompt_tokens - batched.prompt_tokens,
            live.cached_tokens - batched.cached_tokens,
            live.completion_tokens - batched.completion_tokens,
        )
        return None if batch_cost is None or live_cost is None else batch_cost + live_cost

    return Collected(briefs, failures, settings.title or state.title, spent)


def describe_status(settings: Settings, batch_id: str) -> str:
    """One line on a batch's progress."""

    async def go() -> str:
        async with opened(settings) as extractor:
            load_state(extractor, batch_id)
            batch = await status(extractor, batch_id)
        if batch is None:
            return f"{batch_id}: completed (every request was cached)"
        counts = batch.request_counts
        done = f", {counts.completed}/{counts.total} done, {counts.failed} failed" if counts else ""
        return f"{batch_id}: {batch.status}{done}"

    return asyncio.run(go())


async def submit(
    articles: list[Article], extractor: ModelExtractor, title: str | None = None, failures: list[Failure] | None = None
) -> tuple[str, int]:
    """Create the batch; returns its id and the number of requests in it (0: everything was cached)."""
    if extractor.cache is None:
        raise ModelError("--batch needs the cache (it stores the results)")
    lines: list[str] = []
    keys: dict[str, str] = {}
    for n, article in enumerate(articles):
        for part, request in enumerate(extractor.requests_for(article)):
            if extractor.cached(request) is not None:
                continue
            custom_id = f"a{n}-p{part}"
            keys[custom_id] = request.key
            body = extractor.llm.request_body(request.messages, EXTRACTION, extractor.output, Mode.JSON_SCHEMA)
            lines.append(json.dumps({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}))
    state = BatchState(articles=articles, keys=keys, title=title, failures=failures or [])
    if not lines:
        batch_id = "cached-" + extractor.cache_key_of_run(articles)
        extractor.cache.save_batch(batch_id, state.model_dump_json())
        return batch_id, 0
    client = extractor.llm.client
    try:
        uploaded = await client.files.create(
            file=("briefer-batch.jsonl", ("\n".join(lines) + "\n").encode("utf-8")), purpose="batch"
        )
        batch = await client.batches.create(
            input_file_id=uploaded.id, endpoint=ENDPOINT, completion_window="24h", metadata={"tool": "briefer"}
        )
    except Exception as e:
        raise _translate(extractor, e) from None  # the SDK's message may quote the API key
    extractor.cache.save_batch(batch.id, state.model_dump_json())
    return batch.id, len(lines)


async def status(extractor: ModelExtractor, batch_id: str) -> Any:
    if batch_id.startswith("cached-"):
        return None
    try:
        return await extractor.llm.client.batches.retrieve(batch_id)
    except Exception as e:
        raise _translate(extractor, e) from None  # the SDK's message may quote the API key


async def wait(
    extractor: ModelExtractor, batch_id: str, interval: float = 30.0, on_poll: Callable[[Any], None] | None = None
) -> Any:
    """Poll until the batch is finished (completed, failed, expired or cancelled)."""
    while True:
        batch = await status(extractor, batch_id)
        if on_poll is not None and batch is not None:
            on_poll(batch)
        if batch is None or batch.status in TERMINAL:
            return batch
        await asyncio.sleep(interval)


def load_state(extractor: ModelExtractor, batch_id: str) -> BatchState:
    stored = extractor.cache.load_batch(batch_id) if extractor.cache is not None else None
    if stored is None:
        raise InputError(f"batch {batch_id}: not started from this machine's cache (see `briefer cache path`)")
    return BatchState.model_validate_json(stored)


async def collect(extractor: ModelExtractor, batch_id: str) -> tuple[list[ArticleBrief], list[Failure], BatchState]:
    """Store the batch's valid replies in the cache, then build the briefs; what is missing is a Failure."""
    state = load_state(extractor, batch_id)
    batch = await status(extractor, batch_id)
    errors: dict[str, str] = {}
    if batch is not None:
        if batch.status != "completed" and not batch.output_file_id:
            raise ModelError(f"batch {batch_id} is {batch.status}; nothing to fetch yet")
        for line in await _lines(extractor, batch.output_file_id):
            errors.update(_store(extractor, state, line))
        for line in await _lines(extractor, getattr(batch, "error_file_id", None)):
            record = json.loads(line)
            errors[record.get("custom_id", "?")] = _error_text(record)
    briefs: list[ArticleBrief] = []
    failures = list(state.failures)
    sent = set(state.keys.values())
    for n, article in enumerate(state.articles):
        requests = extractor.requests_for(article)
        parts = [extractor.stored(r) for r in requests]
        if all(part is not None for part in parts):
            briefs.append(extractor.brief(article, [p for p in parts if p is not None]))
            if not any(r.key in sent for r in requests):
                extractor.llm.record_cache_hit()  # cached before the batch was submitted
            continue
        reason = next((errors[f"a{n}-p{p}"] for p in range(len(requests)) if f"a{n}-p{p}" in errors), None)
        failures.append(Failure(source=article.source, error=reason or "no result in the batch"))
    return briefs, failures, state


async def _lines(extractor: ModelExtractor, file_id: str | None) -> list[str]:
    if not file_id:
        return []
    try:
        content = await extractor.llm.client.files.content(file_id)
    except Exception as e:
        raise _translate(extractor, e) from None  # the SDK's message may quote the API key
    return [line for line in content.text.splitlines() if line.strip()]


def _store(extractor: ModelExtractor, state: BatchState, line: str) -> dict[str, str]:
    """Validate one result line and cache it; returns {custom_id: error} when it is unusable."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return {}
    custom_id = record.get("custom_id", "")
    key = state.keys.get(custom_id)
    response = record.get("response") or {}
    if key is None:
        return {}
    if record.get("error") or response.get("status_code", 200) >= 400:
        return {custom_id: _error_text(record)}
    body = response.get("body") or {}
    try:
        content = body["choices"][0]["message"]["content"] or ""
        extraction = parse_output(content, extractor.output)
    except (KeyError, IndexError, TypeError):
        return {custom_id: "the batch result holds no reply"}
    except InvalidOutput as e:
        return {custom_id: f"the model's reply did not match the schema: {e}"}
    extractor.llm.record_batch_reply(Usage.model_validate(_usage(body.get("usage") or {})))
    assert extractor.cache is not None
    extractor.cache.put(key, extractor.model, extraction.model_dump_json())
    return {}


def _usage(usage: dict[str, Any]) -> dict[str, int]:
    """A batch reply's token counts, as Usage fields."""
    details = usage.get("prompt_tokens_details") or {}
    return {
        "prompt_tokens": int(usage.get("prompt_tokens") or 0),
        "completion_tokens": int(usage.get("completion_tokens") or 0),
        "cached_tokens": int(details.get("cached_tokens") or 0),
    }


def _error_text(record: dict[str, Any]) -> str:
    error = record.get("error") or ((record.get("response") or {}).get("body") or {}).get("error") or {}
    status = (record.get("response") or {}).get("status_code")
    message = error.get("message") if isinstance(error, dict) else str(error)
    return f"the batch request failed ({status or 'error'}): {(message or 'no reason given')[:200]}"


def _translate(extractor: ModelExtractor, exc: Exception) -> ModelError:
    import openai

    if isinstance(exc, openai.APIError):
        return extractor.llm.translate(exc)
    if isinstance(exc, ValidationError):
        return ModelError(f"unexpected answer from the Batch API: {exc.errors()[0]['msg']}")
    raise exc
