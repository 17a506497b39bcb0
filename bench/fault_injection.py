"""Extraction against a failing endpoint: the fake OpenAI server on loopback fails a share of requests.

Usage: python -m bench.fault_injection [--articles 200] [--fail 0.30] [--broken 0.10] [--hang 0.05]
Prints the completion rate, the retries spent and the elapsed time.
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
from briefer.extraction.extractors import open_extractor
from briefer.extraction.stream import extract_all
from briefer.models import Article
from briefer.sources.files import article_id
from tests.fake_openai import FakeOpenAI, Reply, article_text, completion, default_responder, error, extraction_for

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news-text" / "articles.jsonl"


def load(n: int) -> list[Article]:
    if CORPUS.is_file():
        rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")][:n]
        texts = [r["article"] for r in rows]
    else:
        texts = [f"Article {i}. The council of Arland pledged to build {i} schools by 2030." for i in range(n)]
    return [Article(id=article_id(t) + str(i), title=f"a{i}", source=f"a{i}", text=t) for i, t in enumerate(texts)]


def flaky(fail: float, broken: float, hang: float, hang_seconds: float, seed: int) -> Any:
    """Answers: `fail` of requests 429 (Retry-After: 1), 500 or 503; `broken` truncated or schema-invalid
    JSON; `hang` past the client's timeout; the rest a good extraction."""
    rng = random.Random(seed)
    lock = threading.Lock()
    counts = dict.fromkeys(("429", "500", "503", "truncated", "invalid", "hang", "ok"), 0)

    def respond(body: dict[str, Any]) -> Reply:
        with lock:
            roll = rng.random()
        kind = "ok"
        if roll < fail:
            kind = ("429", "500", "503")[int(roll / fail * 3)]
        elif roll < fail + broken:
            kind = "truncated" if roll < fail + broken / 2 else "invalid"
        elif roll < fail + broken + hang:
            kind = "hang"
        with lock:
            counts[kind] += 1
        if kind == "429":
            return error(429, "rate limited", {"Retry-After": "1"})
        if kind in ("500", "503"):
            return error(int(kind), "server error")
        if kind == "truncated":
            whole = json.dumps(extraction_for(article_text(body)))
            return Reply(body=completion(whole[: len(whole) // 2]))
        if kind == "invalid":
            return Reply(body=completion(json.dumps({"summary": 1, "facts": "none"})))
        if kind == "hang":
            return Reply(delay=hang_seconds, body=default_responder(body).body)
        return default_responder(body)

    return respond, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--fail", type=float, default=0.30, help="share answered 429, 500 or 503")
    parser.add_argument("--broken", type=float, default=0.10, help="share of truncated or invalid JSON")
    parser.add_argument("--hang", type=float, default=0.05, help="share that hangs past the client timeout")
    parser.add_argument("--timeout", type=float, default=2.0, help="the client's timeout, seconds")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    articles = load(args.articles)
    server = FakeOpenAI().start()
    server.responder, counts = flaky(args.fail, args.broken, args.hang, args.timeout + 1, args.seed)
    settings = Settings(
        base_url=server.url,
        api_key="sk-bench",
        model="fake-model",
        retry_wait=0.05,
        concurrency=args.concurrency,
        timeout=args.timeout,
        cache=False,
    )

    async def run() -> Any:
        async with open_extractor(settings, articles=len(articles)) as extractor:
            return await extract_all(articles, extractor, settings.concurrency), extractor.usage

    started = time.perf_counter()
    (briefs, failures), usage = asyncio.run(run())
    elapsed = time.perf_counter() - started
    server.stop()
    total = sum(counts.values())
    print(
        f"articles: {len(articles)}; requests answered: {total} ({counts['429']} 429, {counts['500']} 500, "
        f"{counts['503']} 503, {counts['truncated']} truncated, {counts['invalid']} invalid JSON, "
        f"{counts['hang']} hung past the {args.timeout:g} s timeout, {counts['ok']} good)"
    )
    print(f"extracted: {len(briefs)}/{len(articles)} ({len(briefs) / len(articles):.1%}); failed: {len(failures)}")
    print(
        f"retries: {usage.retries} in all (at most {settings.max_attempts - 1} per request; "
        f"at most 3 repairs of a reply that does not validate); requests sent: {usage.requests}"
    )
    print(f"elapsed: {elapsed:.2f} s at concurrency {args.concurrency}")
    for f in failures[:5]:
        print(f"  failure: {f.source}: {f.error}")


if __name__ == "__main__":
    main()
