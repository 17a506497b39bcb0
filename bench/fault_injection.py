"""Extraction against a failing endpoint: the fake OpenAI server on loopback fails a share of requests.

Usage: python -m bench.fault_injection [--articles 200] [--fail 0.30] [--concurrency 8]
Prints how many articles were extracted, the retries spent and the elapsed time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

from briefer.config import Settings
from briefer.models import Article
from briefer.pipeline import extract_all, make_extractor
from briefer.sources.files import article_id
from tests.fake_openai import FakeOpenAI, Reply, default_responder, error

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news-text" / "articles.jsonl"


def load(n: int) -> list[Article]:
    if CORPUS.is_file():
        rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")][:n]
        texts = [r["article"] for r in rows]
    else:
        texts = [f"Article {i}. The council of Arland pledged to build {i} schools by 2030." for i in range(n)]
    return [Article(id=article_id(t) + str(i), title=f"a{i}", source=f"a{i}", text=t) for i, t in enumerate(texts)]


def flaky(fail: float, seed: int) -> Any:
    rng = random.Random(seed)
    lock = threading.Lock()
    counts = {"429": 0, "500": 0, "503": 0, "ok": 0}

    def respond(body: dict[str, Any]) -> Reply:
        with lock:
            roll = rng.random()
        if roll < fail / 3:
            counts["429"] += 1
            return error(429, "rate limited", {"Retry-After": "0"})
        if roll < 2 * fail / 3:
            counts["500"] += 1
            return error(500, "server error")
        if roll < fail:
            counts["503"] += 1
            return error(503, "unavailable")
        counts["ok"] += 1
        return default_responder(body)

    return respond, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--fail", type=float, default=0.30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    articles = load(args.articles)
    server = FakeOpenAI().start()
    server.responder, counts = flaky(args.fail, args.seed)
    settings = Settings(
        base_url=server.url, api_key="sk-bench", model="fake-model", retry_wait=0.05, concurrency=args.concurrency
    )

    async def run() -> Any:
        extractor = make_extractor(settings, {}, articles=len(articles))
        try:
            return await extract_all(articles, extractor, settings.concurrency), extractor.usage
        finally:
            await extractor.aclose()

    started = time.perf_counter()
    (briefs, failures), usage = asyncio.run(run())
    elapsed = time.perf_counter() - started
    server.stop()
    print(f"articles: {len(articles)}, failure rate injected: {args.fail:.0%}, concurrency {args.concurrency}")
    print(f"extracted: {len(briefs)}/{len(articles)} ({len(briefs) / len(articles):.1%}); failed: {len(failures)}")
    print(
        f"requests: {usage.requests} (answered 429: {counts['429']}, 500: {counts['500']}, 503: {counts['503']}); "
        f"retries: {usage.retries}"
    )
    print(f"elapsed: {elapsed:.2f} s")
    for f in failures[:5]:
        print(f"  failure: {f.source}: {f.error}")


if __name__ == "__main__":
    main()
