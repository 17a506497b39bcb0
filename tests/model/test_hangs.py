"""A run never hangs on a model server: every reply is capped, a whole reply must come within the timeout,
a local server gets two timeouts per request, and the wait is shown. Real HTTP to loopback servers that
ramble until the client hangs up, or keep working after it did."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.config import Settings
from briefer.errors import ModelError
from briefer.extraction.extract import EXTRACTION, LEDGER, SYNTHESIS
from briefer.model.client import ARTICLE_REQUEST, LLM
from briefer.models import ModelExtraction
from tests.fake_openai import FakeOpenAI, Reply, completion, is_synthesis
from tests.model.stubborn import StubbornServer

runner = CliRunner()
GIVE_UP = (
    "the model did not answer within 0.5 s twice; is the server overloaded or the model rambling? "
    "try --max-output-tokens / --timeout"
)
CALM = "Calm news\nThe Arland council approved a new library on Monday. The mayor pledged to open it by 2027.\n"
RAMBLE = "Rambling news\nThe Tarsby port reopened on Tuesday after a storm. Ferries returned to the harbour.\n"


@pytest.fixture
def rambler() -> Iterator[StubbornServer]:
    server = StubbornServer("Tarsby", "stream").start()
    yield server
    server.stop()


@pytest.fixture
def queue() -> Iterator[StubbornServer]:
    server = StubbornServer("Tarsby", "queue", work=3.0).start()
    yield server
    server.stop()


def env_for(url: str, isolated: Path) -> dict[str, str]:
    config = isolated / "quick.toml"
    config.write_text("retry_wait = 0.01\n", encoding="utf-8")
    return {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-x", "BRIEFER_MODEL": "m", "BRIEFER_CONFIG": str(config)}


def articles(folder: Path, *texts: str) -> Path:
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"a{n}.txt").write_text(text, encoding="utf-8")
    return folder


def test_a_server_that_streams_until_the_client_hangs_up_fails_that_article_after_two_timeouts(
    rambler: StubbornServer, isolated: Path
) -> None:
    folder = articles(isolated / "in", CALM, RAMBLE)
    result = runner.invoke(
        app, ["run", str(folder), "-o", "out.json", "--timeout", "0.5"], env=env_for(rambler.url, isolated)
    )
    assert result.exit_code == 0, result.output
    # the client hung up on both rambles: a timeout per read alone would have waited them out (20 s each)
    deadline = time.monotonic() + 5
    while rambler.hangups < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert rambler.hangups == 2
    data = json.loads((isolated / "out.json").read_text(encoding="utf-8"))
    assert data["failures"] == [{"source": str(folder / "a1.txt"), "error": GIVE_UP}]
    assert [a["title"] for a in data["articles"]] == ["Calm news"]
    assert len(rambler.slow_requests()) == 2  # two timeouts, then no third try
    lines = result.stderr.splitlines()
    assert f"briefer:   failed: {folder / 'a1.txt'}: {GIVE_UP}" in lines
    assert any(line.startswith("briefer: waiting for the model: 1 request in flight, the oldest for") for line in lines)
    # every request carried its cap: an article's 2048 tokens, the day's twice as many
    caps = [(is_synthesis(r), r["max_tokens"]) for r in rambler.requests]
    assert sorted(set(caps)) == [(False, 2048), (True, 4096)]


def test_a_server_that_keeps_working_after_a_hang_up_is_not_tried_eight_times(
    queue: StubbornServer, isolated: Path
) -> None:
    folder = articles(isolated / "in", RAMBLE)
    started = time.monotonic()
    result = runner.invoke(
        app,
        ["run", str(folder), "--timeout", "0.5", "--concurrency", "1", "--max-output-tokens", "300"],
        env=env_for(queue.url, isolated),
    )
    assert time.monotonic() - started < 8  # eight tries would queue behind the work: 4 s of timeouts at least
    assert result.exit_code == 4, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        f"briefer: error: no article could be extracted ({folder / 'a0.txt'}: {GIVE_UP})"
    )
    assert [r["max_tokens"] for r in queue.requests] == [300, 300]


def llm_for(url: str, **kw: Any) -> LLM:
    values: dict[str, Any] = {"base_url": url, "api_key": "sk-x", "model": "m", "retry_wait": 0.01, "timeout": 5.0}
    return LLM(Settings(**{**values, **kw}))


def test_every_request_is_capped_by_default_and_by_the_setting() -> None:
    assert EXTRACTION == ARTICLE_REQUEST
    messages = [{"role": "user", "content": "x"}]
    local = llm_for("http://127.0.0.1:9/v1")
    assert [
        local.request_body(messages, n, ModelExtraction)["max_tokens"] for n in (EXTRACTION, SYNTHESIS, LEDGER)
    ] == [
        2048,
        4096,
        4096,
    ]
    capped = llm_for("http://127.0.0.1:9/v1", max_output_tokens=700)
    assert [capped.request_body(messages, n, ModelExtraction)["max_tokens"] for n in (EXTRACTION, SYNTHESIS)] == [
        700,
        1400,
    ]
    # a long day's answer names every article and judges every candidate: its cap grows with the request
    long_day = [{"role": "user", "content": "x" * 320_000}]
    assert local.request_body(long_day, SYNTHESIS, ModelExtraction)["max_tokens"] == 10_000
    assert local.request_body(long_day * 3, SYNTHESIS, ModelExtraction)["max_tokens"] == 16_384
    assert local.request_body(long_day, EXTRACTION, ModelExtraction)["max_tokens"] == 2048
    # OpenAI's reasoning models refuse max_tokens; every OpenAI model takes max_completion_tokens
    openai_body = llm_for("https://api.openai.com/v1").request_body(messages, EXTRACTION, ModelExtraction)
    assert openai_body["max_completion_tokens"] == 2048 and "max_tokens" not in openai_body
    assert llm_for("https://api.openai.com/v1").patient and not local.patient


def test_a_reply_cut_off_twice_fails_after_one_reask(fake: FakeOpenAI) -> None:
    fake.push("truncated", "truncated", "truncated")

    async def go() -> None:
        llm = llm_for(fake.url)
        try:
            await llm.structured(
                [{"role": "user", "content": "<article>\nA b c d.\n</article>"}], EXTRACTION, ModelExtraction
            )
        finally:
            await llm.aclose()

    with pytest.raises(ModelError, match="cut off at the 2048-token output cap twice"):
        asyncio.run(go())
    assert len(fake.requests) == 2
    assert "cut off" in fake.requests[1]["messages"][-1]["content"]  # the one re-ask quoted the error


def test_a_local_server_gets_two_timeouts_per_request_whatever_max_attempts(fake: FakeOpenAI) -> None:
    fake.push(*[lambda body: Reply(delay=3.0, body=completion("{}"))] * 3)

    async def go() -> None:
        llm = llm_for(fake.url, timeout=1.0, max_attempts=8)
        try:
            await llm.structured([{"role": "user", "content": "x"}], EXTRACTION, ModelExtraction)
        finally:
            await llm.aclose()

    with pytest.raises(ModelError, match=r"did not answer within 1 s twice"):
        asyncio.run(go())
    assert len(fake.requests) == 2
