"""How an article's request goes out: made ready ahead of its turn, sent when a reply frees a place, and never
sent once a request has ended the run; nothing an estimate alone needs is loaded by a run without one."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from briefer.config import Settings
from briefer.errors import FatalModelError
from briefer.extraction.extractors import open_extractor
from briefer.extraction.stream import READY_AHEAD, extract_all
from briefer.models import Article, ArticleBrief, Failure
from tests.conftest import REPO
from tests.conftest import pledging_articles as articles
from tests.fake_openai import FakeOpenAI, Reply, article_text, completion, default_responder, error


def model(fake: FakeOpenAI, concurrency: int) -> Settings:
    return Settings(
        base_url=fake.url, api_key=SecretStr("k"), model="fake-model", retry_wait=0.01, concurrency=concurrency
    )


def extract(items: list[Article], settings: Settings) -> tuple[list[ArticleBrief], list[Failure]]:
    async def go() -> tuple[list[ArticleBrief], list[Failure]]:
        async with open_extractor(settings) as extractor:
            return await extract_all(items, extractor, settings.concurrency)

    return asyncio.run(go())


def test_no_request_waiting_its_turn_is_sent_once_one_ended_the_run(fake: FakeOpenAI) -> None:
    # Four requests in flight, four more articles ready behind them: the rejected key stops them all.
    fake.responder = lambda body: error(401, "bad key")
    try:
        extract(articles(4 * READY_AHEAD + 4), model(fake, concurrency=4))
    except FatalModelError:
        pass
    else:
        raise AssertionError("a rejected key must stop the run")
    assert 1 <= len([r for r in fake.requests if r.get("messages")]) <= 4


def test_a_failed_article_gives_its_place_to_the_next(fake: FakeOpenAI) -> None:
    def first_two_fail(body: dict[str, Any]) -> Reply:  # never JSON: asked again, then the article fails
        text = article_text(body)
        broken = "build 2 schools" in text or "build 3 schools" in text
        return Reply(body=completion("not json")) if broken else default_responder(body)

    fake.responder = first_two_fail
    briefs, failures = extract(articles(6), model(fake, concurrency=2))
    assert [f.source for f in failures] == ["a0.txt", "a1.txt"] and len(briefs) == 4


def test_articles_made_ready_ahead_never_put_more_requests_in_flight(fake: FakeOpenAI) -> None:
    # Twice as many articles in extraction as requests allowed: the extra ones wait, ready, at the gate.
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def counted(body: dict[str, Any]) -> Reply:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return default_responder(body)

    fake.responder = counted
    briefs, failures = extract(articles(12), model(fake, concurrency=3))
    assert failures == [] and [b.id for b in briefs] == [f"id{i}" for i in range(12)]
    assert state["most"] == 3


def test_a_run_without_an_estimate_never_loads_the_tokenizer(fake: FakeOpenAI, tmp_path: Path) -> None:
    # Counting an article's tokens needs the tokenizer (most of a second to load): only an estimate does.
    code = (
        "import asyncio, sys\n"
        "from briefer.config import Settings\n"
        "from briefer.extraction.extractors import open_extractor\n"
        "from briefer.extraction.stream import extract_all\n"
        "from briefer.models import Article\n"
        f"settings = Settings(base_url={fake.url!r}, api_key='k', model='fake-model', cache=False)\n"
        "items = [Article(id='a', title='A', source='a.txt', text='The council pledged to build a school.')]\n"
        "async def go():\n"
        "    async with open_extractor(settings) as extractor:\n"
        "        briefs, _ = await extract_all(items, extractor, 2)\n"
        "        assert len(briefs) == 1\n"
        "        loaded = 'tiktoken' in sys.modules\n"
        "        extractor.estimate(items[0], extractor.requests_for(items[0]))\n"
        "        return loaded\n"
        "print(asyncio.run(go()))\n"
    )
    env = {"BRIEFER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
