"""The pipeline: concurrency, order, fault tolerance, the offline process pool, fatal errors."""

from __future__ import annotations

import asyncio
import random
import threading
from typing import Any

import pytest

from briefer.config import Settings
from briefer.errors import FatalModelError
from briefer.extraction.extractors import OFFLINE_POOL_MIN_ARTICLES, open_extractor
from briefer.extraction.stream import extract_all
from briefer.models import Article, ArticleBrief, Failure
from briefer.offline.extractor import extract_offline
from tests.conftest import pledging_articles as articles
from tests.fake_openai import FakeOpenAI, Reply, completion, default_responder, error


def run(items: list[Article], settings: Settings) -> tuple[list[ArticleBrief], list[Failure], Any]:
    async def go() -> tuple[list[ArticleBrief], list[Failure], Any]:
        async with open_extractor(settings, articles=len(items)) as extractor:
            briefs, failures = await extract_all(items, extractor, settings.concurrency)
            return briefs, failures, extractor.usage

    return asyncio.run(go())


def model(fake: FakeOpenAI, **kw: Any) -> Settings:
    return Settings(base_url=fake.url, api_key="k", model="fake-model", retry_wait=0.01, **kw)


def test_every_article_survives_an_endpoint_failing_30_percent(fake: FakeOpenAI) -> None:
    rng = random.Random(3)
    lock = threading.Lock()

    def flaky(body: dict[str, Any]) -> Reply:
        with lock:
            roll = rng.random()
        if roll < 0.15:
            return error(429, "slow down", {"Retry-After": "0"})
        if roll < 0.30:
            return error(500, "oops")
        return default_responder(body)

    fake.responder = flaky
    items = articles(40)
    briefs, failures, usage = run(items, model(fake))
    assert failures == [] and [b.id for b in briefs] == [a.id for a in items]
    assert usage.retries > 0 and usage.requests == len(items) + usage.retries


def test_articles_are_extracted_concurrently(fake: FakeOpenAI) -> None:
    """Counted at the server, not timed: each request is held until four are in flight at once (one at a time,
    none would ever see another and the most in flight would be 1)."""
    lock = threading.Lock()
    state = {"now": 0, "most": 0}
    together = threading.Event()

    def held(body: dict[str, Any]) -> Reply:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            if state["now"] >= 4:
                together.set()
        together.wait(timeout=5)
        with lock:
            state["now"] -= 1
        return default_responder(body)

    fake.responder = held
    briefs, _, _ = run(articles(8), model(fake, concurrency=8))
    assert len(briefs) == 8 and state["most"] >= 4


def test_a_fatal_error_stops_the_run(fake: FakeOpenAI) -> None:
    fake.responder = lambda body: error(401, "bad key")
    with pytest.raises(FatalModelError):
        run(articles(5), model(fake, concurrency=1))
    # the next article's request may have started before the cancellation, but none completed
    assert len([r for r in fake.requests if r.get("messages")]) == 1


def test_an_invalid_reply_fails_one_article_only(fake: FakeOpenAI) -> None:
    # a reply that is not JSON is asked again as it was, three times; then the article fails
    fake.push(*(lambda body: Reply(body=completion("not json")) for _ in range(4)))
    briefs, failures, _ = run(articles(3), model(fake, concurrency=1))
    assert len(briefs) == 2 and len(failures) == 1 and "re-ask" in failures[0].error


def test_offline_process_pool_gives_the_same_briefs_in_order() -> None:
    items = articles(OFFLINE_POOL_MIN_ARTICLES)
    briefs, failures, usage = run(items, Settings(provider="offline"))
    assert failures == [] and usage.requests == 0
    assert briefs == [extract_offline(a) for a in items]
