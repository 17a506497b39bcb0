"""Cost and speed: the cache, kill-and-resume, AIMD concurrency, prices, budgets, long articles, Batch API."""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.config import Settings
from briefer.errors import ExitCode
from briefer.extraction.extract import merge_extractions, split_text
from briefer.model.limiter import AdaptiveLimit
from briefer.model.pricing import cost, price_for
from briefer.model.tokens import count_tokens
from briefer.models import Article, ModelExtraction
from briefer.sections import Price
from tests.conftest import REPO
from tests.fake_openai import FakeOpenAI, Reply, default_responder, error

runner = CliRunner()


PLACES = ["Arland", "Beloria", "Tarsby", "Kessvik", "Valdora", "Orla", "Pesk", "Meran", "Estrel", "Nordby"]
THINGS = ["schools", "bridges", "clinics", "ferries", "libraries", "parks", "roads", "ports", "farms", "mills"]


def write_articles(folder: Path, n: int) -> Path:
    """`n` distinct little articles (distinct enough not to be merged as duplicates)."""
    folder.mkdir(exist_ok=True)
    for i in range(n):
        rng = random.Random(i)
        sentences = [
            f"The {rng.choice(PLACES)} council pledged to build {rng.randint(2, 900)} {rng.choice(THINGS)} "
            f"near {rng.choice(PLACES)} by {rng.randint(2027, 2040)}, officials in {rng.choice(PLACES)} said."
            for _ in range(4)
        ]
        (folder / f"a{i:03}.txt").write_text(f"Article {i}\n{' '.join(sentences)}\n", encoding="utf-8")
    return folder


def env_for(fake: FakeOpenAI, config: str = "") -> dict[str, str]:
    path = Path(f"cfg-{fake.url.split(':')[-1].split('/')[0]}.toml").resolve()
    # The fake endpoint stands in for OpenAI's: its list price for gpt-4o-mini, which briefer applies only to
    # OpenAI's own endpoint, is given here as the configuration would for any other provider.
    prices = '[prices."gpt-4o-mini"]\ninput = 0.15\ncached_input = 0.075\noutput = 0.60\n'
    path.write_text("retry_wait = 0.01\nbatch_poll_seconds = 0.05\n" + config + prices, encoding="utf-8")
    return {
        "OPENAI_BASE_URL": fake.url,
        "OPENAI_API_KEY": "sk-cost",
        "BRIEFER_MODEL": "gpt-4o-mini",
        "BRIEFER_CONFIG": str(path),
    }


def completions(fake: FakeOpenAI) -> list[dict[str, Any]]:
    """The extraction requests the server received (not the day's synthesis call)."""
    return [r for r in fake.requests if r.get("messages") and "editor of a daily" not in r["messages"][0]["content"]]


def test_a_repeated_run_makes_no_model_request(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 5)
    env = env_for(fake)
    first = runner.invoke(app, ["run", str(folder), "-f", "json"], env=env)
    assert first.exit_code == 0, first.output
    assert len(completions(fake)) == 5
    second = runner.invoke(app, ["run", str(folder), "-f", "json"], env=env)
    assert len(completions(fake)) == 5  # nothing new was asked
    usage = json.loads(second.stdout)["usage"]
    assert usage["requests"] == 0 and usage["cache_hits"] == 5  # the synthesis was cached too
    assert json.loads(second.stdout)["articles"] == json.loads(first.stdout)["articles"]
    runner.invoke(app, ["run", str(folder), "--no-cache", "-q"], env=env)
    assert len(completions(fake)) == 10


def test_a_new_article_or_a_changed_prompt_invalidates_only_what_it_affects(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 3)
    env = env_for(fake)
    runner.invoke(app, ["run", str(folder), "-q"], env=env)
    (folder / "new.txt").write_text("New\nThe Beloria ministry pledged to open a port by 2028.\n", encoding="utf-8")
    runner.invoke(app, ["run", str(folder), "-q"], env=env)
    assert len(completions(fake)) == 4  # yesterday's three were paid for once
    prompts = isolated / "prompts"
    prompts.mkdir()
    system = (REPO / "prompts" / "extract.system.j2").read_text(encoding="utf-8")
    (prompts / "extract.system.j2").write_text(system + "\nFocus on schools.\n", encoding="utf-8")
    runner.invoke(app, ["run", str(folder), "-q", "--prompts-dir", str(prompts)], env=env)
    assert len(completions(fake)) == 8
    assert "Focus on schools." in completions(fake)[-1]["messages"][0]["content"]


def test_cache_commands(fake: FakeOpenAI, isolated: Path) -> None:
    runner.invoke(app, ["run", str(write_articles(isolated / "in", 2)), "-q"], env=env_for(fake))
    path = runner.invoke(app, ["cache", "path"]).stdout.strip()
    assert path == os.environ["BRIEFER_CACHE_DIR"] + "/cache.sqlite3"
    stats = runner.invoke(app, ["cache", "stats"]).stdout
    assert "entries: 3" in stats and "gpt-4o-mini: 3" in stats  # two articles and the day's synthesis
    assert runner.invoke(app, ["cache", "clear"]).stdout.strip() == "removed 3 entries"
    assert "entries: 0" in runner.invoke(app, ["cache", "stats"]).stdout


def test_a_killed_run_keeps_what_it_finished(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 12)
    fake.responder = lambda body: Reply(delay=0.25, body=default_responder(body).body)
    env = {**os.environ, **env_for(fake), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefer", "run", str(folder), "-q", "-c", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 20
    while len(completions(fake)) < 5 and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.3)  # the answers of the requests in flight at the kill are lost
    before = len(completions(fake))
    assert 4 <= before < 12
    fake.responder = default_responder
    done = subprocess.run(
        [sys.executable, "-m", "briefer", "run", str(folder), "-f", "json", "-q"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(json.loads(done.stdout)["articles"]) == 12
    asked_again = len(completions(fake)) - before
    finished = json.loads(done.stdout)["usage"]["cache_hits"]
    assert finished >= 3 and asked_again == 12 - finished


def test_limit_backs_off_on_429_and_climbs_again() -> None:
    limit = AdaptiveLimit(16)
    limit.throttled(0)
    assert limit.limit == pytest.approx(11.2) and limit.decreases == 1
    limit.throttled(0)  # the same congestion, reported by a request from before the cut
    assert limit.limit == pytest.approx(11.2)
    for _ in range(20):
        limit.succeeded(1)
    assert 11.2 < limit.limit < 13
    limit.succeeded(1, {"x-ratelimit-remaining-requests": "0", "x-ratelimit-limit-requests": "500"})
    assert limit.decreases == 2 and limit.limit < 9.1


def test_limit_holds_when_the_headers_say_nearly_exhausted() -> None:
    limit = AdaptiveLimit(16)
    limit.throttled(0)
    before = limit.limit
    limit.succeeded(1, {"x-ratelimit-remaining-requests": "3", "x-ratelimit-limit-requests": "500"})
    assert limit.limit == before


def test_a_run_at_the_providers_ceiling_settles_below_it(fake: FakeOpenAI, isolated: Path) -> None:
    ceiling, active, lock, peak = 3, [0], threading.Lock(), [0]
    throttled = [0]

    def provider(body: dict[str, Any]) -> Reply:
        with lock:
            if active[0] >= ceiling:
                throttled[0] += 1
                return error(429, "too many concurrent requests", {"Retry-After": "0"})
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return default_responder(body)

    fake.responder = provider
    folder = write_articles(isolated / "in", 60)
    result = runner.invoke(app, ["run", str(folder), "-c", "12", "-f", "json"], env=env_for(fake))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["articles"]) == 60 and data["failures"] == []
    assert throttled[0] < 30  # a fixed limit of 12 would meet about nine 429s in every round of requests
    assert data["usage"]["retries"] == throttled[0]


def test_prices_and_cost_arithmetic() -> None:
    assert price_for("gpt-4o-mini-2024-07-18") == price_for("gpt-4o-mini")
    assert price_for("llama3.1") is None
    assert price_for("llama3.1", {"llama3.1": Price(input=0, output=0)}) == Price(input=0, output=0)
    price = Price(input=2.0, cached_input=0.5, output=8.0)
    assert cost(price, 1_000_000, 0, 0) == pytest.approx(2.0)
    assert cost(price, 1_000_000, 400_000, 100_000) == pytest.approx(1.2 + 0.2 + 0.8)
    assert cost(price, 1_000_000, 0, 1_000_000, batch=True) == pytest.approx(5.0)
    assert cost(None, 10, 0, 10) is None


def test_usage_reports_cost_and_provider_cached_tokens(fake: FakeOpenAI, isolated: Path) -> None:
    def with_cached_tokens(body: dict[str, Any]) -> Reply:
        reply = default_responder(body)
        reply.body["usage"]["prompt_tokens_details"] = {"cached_tokens": 60}
        return reply

    fake.responder = with_cached_tokens
    result = runner.invoke(app, ["run", str(write_articles(isolated / "in", 2)), "-f", "json"], env=env_for(fake))
    usage = json.loads(result.stdout)["usage"]
    # two articles and the day's synthesis, 100 prompt tokens (60 cached) and 50 completion tokens each
    assert usage["prompt_tokens"] == 300 and usage["cached_tokens"] == 180 and usage["completion_tokens"] == 150
    assert usage["cost_usd"] == pytest.approx((120 * 0.15 + 180 * 0.075 + 150 * 0.60) / 1e6)
    assert "$0.0001 " in result.stderr or "$0.0001," in result.stderr
    unknown = runner.invoke(
        app, ["run", str(isolated / "in"), "-f", "json", "--no-cache", "-m", "llama3.1"], env=env_for(fake)
    )
    assert json.loads(unknown.stdout)["usage"]["cost_usd"] is None and "not priced" in unknown.stderr


def test_max_cost_refuses_to_start_over_the_estimate(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 10)
    result = runner.invoke(app, ["run", str(folder), "--max-cost", "0.0001"], env=env_for(fake))
    assert result.exit_code == ExitCode.BUDGET
    assert "over --max-cost $0.0001; nothing was sent" in result.stderr
    assert completions(fake) == []
    unknown = runner.invoke(app, ["run", str(folder), "--max-cost", "1", "-m", "llama3.1"], env=env_for(fake))
    assert unknown.exit_code == ExitCode.USAGE and "no price is known for model 'llama3.1'" in unknown.stderr


def test_max_cost_stops_starting_articles_when_spent(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 6)

    def expensive(body: dict[str, Any]) -> Reply:
        reply = default_responder(body)
        reply.body["usage"] = {"prompt_tokens": 500_000, "completion_tokens": 0, "total_tokens": 500_000}
        return reply

    fake.responder = expensive  # each article costs $0.075 at gpt-4o-mini's price
    result = runner.invoke(app, ["run", str(folder), "--max-cost", "0.2", "-c", "1", "-f", "json"], env=env_for(fake))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # Learning from the first answer what a request costs, the run stops before a third would cross $0.2,
    # and the day's synthesis (as dear) is made offline.
    assert len(data["articles"]) == 2 and data["usage"]["cost_usd"] <= 0.2
    skipped = [f["error"] for f in data["failures"]]
    assert len(skipped) == 4 and all(
        "skipped: extracting it would take the run over --max-cost $0.2" in e for e in skipped
    )
    assert len(fake.requests) == len(completions(fake)) == 2  # no synthesis request was sent


def test_long_articles_are_split_on_paragraphs_with_overlap_and_merged(fake: FakeOpenAI, isolated: Path) -> None:
    paragraphs = [f"Paragraph {i}: the Arland council pledged to fund project {i} by 2030. " * 8 for i in range(12)]
    text = "\n".join(paragraphs)
    parts = split_text(text, 600)
    assert len(parts) > 2 and all(count_tokens(p) <= 600 for p in parts)
    assert all(p.split("\n")[0] == q.split("\n")[-1] for q, p in itertools.pairwise(parts))
    assert {line for p in parts for line in p.split("\n")} == set(paragraphs)  # nothing dropped

    (isolated / "long.txt").write_text("Long article\n" + text, encoding="utf-8")
    result = runner.invoke(
        app, ["run", str(isolated / "long.txt"), "-f", "json"], env=env_for(fake, "max_article_tokens = 600\n")
    )
    assert result.exit_code == 0, result.output
    assert len(completions(fake)) == len(parts)
    asked = sorted(
        r["messages"][1]["content"].split("This is part ")[1].split(" of a long")[0] for r in completions(fake)
    )
    assert asked == [f"{n} of {len(parts)}" for n in range(1, len(parts) + 1)]
    (article,) = json.loads(result.stdout)["articles"]
    statements = [f["statement"] for f in article["facts"]]
    assert len(statements) == len(set(statements))  # the overlap did not duplicate facts
    assert all(f["grounded"] for f in article["facts"])


def test_merge_extractions_removes_repeats() -> None:
    a = ModelExtraction.model_validate_json(
        json.dumps(
            {
                "summary": "first",
                "facts": [{"statement": "X rose.", "attribution": "stated", "quotes": ["x"]}],
                "commitments": [
                    {"actor": "A", "action": "build", "counterparty": None, "deadline": None, "quotes": ["a"]}
                ],
                "implications": [],
            }
        )
    )
    b = ModelExtraction.model_validate_json(
        json.dumps(
            {
                "summary": "second",
                "facts": [
                    {"statement": "x  rose", "attribution": "stated", "quotes": ["x"]},
                    {"statement": "Y fell.", "attribution": "stated", "quotes": ["y"]},
                ],
                "commitments": [
                    {"actor": "a", "action": "Build", "counterparty": None, "deadline": None, "quotes": ["a"]}
                ],
                "implications": [],
            }
        )
    )
    merged = merge_extractions([a, b])
    assert merged.summary == "first" and [f.statement for f in merged.facts] == ["X rose.", "Y fell."]
    assert len(merged.commitments) == 1


def test_batch_api_flow(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 4)
    env = env_for(fake)
    runner.invoke(app, ["run", str(folder / "a000.txt"), "-q"], env=env)  # one article is already cached
    fake.batch_polls = 2
    out = isolated / "b.json"
    result = runner.invoke(app, ["run", str(folder), "--batch", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "batch batch_1 submitted (3 requests" in result.stderr and "in_progress" in result.stderr
    data = json.loads(out.read_text())
    assert len(data["articles"]) == 4 and data["usage"]["cache_hits"] == 1
    uploaded = fake.files["file-1"].decode().splitlines()
    assert len(uploaded) == 3 and json.loads(uploaded[0])["body"]["response_format"]["type"] == "json_schema"
    price = price_for("gpt-4o-mini")
    batched, live = cost(price, 300, 0, 150, batch=True), cost(price, 100, 0, 50)  # live: the day's synthesis
    assert batched is not None and live is not None
    assert data["usage"]["cost_usd"] == pytest.approx(batched + live)
    # the results are cached: a live run afterwards asks nothing
    again = runner.invoke(app, ["run", str(folder), "-f", "json"], env=env)
    assert json.loads(again.stdout)["usage"]["requests"] == 0


def test_batch_no_wait_then_status_and_fetch(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 2)
    env = env_for(fake)
    fake.batch_polls = 1
    result = runner.invoke(app, ["run", str(folder), "--batch", "--no-wait", "-o", "x.html"], env=env)
    assert result.exit_code == 0 and "resume with: briefer batch fetch batch_1 -o x.html" in result.stderr
    assert (
        runner.invoke(app, ["batch", "status", "batch_1"], env=env).stdout.strip()
        == "batch_1: in_progress, 0/2 done, 0 failed"
    )
    early = runner.invoke(app, ["batch", "fetch", "batch_1"], env=env)
    assert early.exit_code == 0, early.output  # the second status call finds it completed
    assert "# Briefing" in early.stdout
    unknown = runner.invoke(app, ["batch", "fetch", "batch_9"], env=env)
    assert unknown.exit_code == ExitCode.INPUT and "batch batch_9: not started from this machine" in unknown.stderr


def test_batch_results_that_fail_are_listed(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 3)
    fake.push("invalid", "500")
    result = runner.invoke(app, ["run", str(folder), "--batch", "-f", "json"], env=env_for(fake))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["articles"]) == 1
    errors = sorted(f["error"] for f in data["failures"])
    assert errors[0].startswith("the batch request failed (500)")
    assert errors[1].startswith("the model's reply did not match the schema")


def test_fixed_prompt_overhead_is_under_800_tokens() -> None:
    from briefer.extraction.extract import extraction_messages
    from briefer.model.formats import inline_schema
    from briefer.output.templating import prompt_environment

    empty = Article(id="x", title="", source="", text="")
    messages = extraction_messages(prompt_environment(None, Path("/nonexistent")), empty)
    overhead = sum(count_tokens(m["content"]) for m in messages)
    overhead += count_tokens(json.dumps(inline_schema(ModelExtraction), separators=(",", ":")))
    assert overhead <= 800, overhead


def test_settings_default_concurrency() -> None:
    assert Settings().concurrency == 8


def test_startup_does_not_import_heavy_packages() -> None:
    code = (
        "import sys, briefer.cli; "
        "print(','.join(m for m in ('openai', 'trafilatura', 'feedparser', 'httpx', 'spacy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == ""


def _event_loops() -> tuple[dict[int, asyncio.AbstractEventLoop], list[str]]:
    """The event loops alive, and the warnings of those collected unclosed ("unclosed event loop")."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    loops = {id(o): o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)}
    return loops, [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def test_asyncio_is_not_left_running(fake: FakeOpenAI, isolated: Path) -> None:
    """After a model run, its synthesis included, no event loop runs or stays open and no worker thread of
    the run is left behind (a thread that is not a daemon keeps the process alive after the command)."""
    folder = write_articles(isolated / "in", 3)
    (loops, _), threads = _event_loops(), set(threading.enumerate())
    result = runner.invoke(app, ["run", str(folder), "-f", "json", "-q", "-c", "2"], env=env_for(fake))
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["articles"]) == 3 and len(fake.requests) == 4
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.get_running_loop()
    alive, unclosed = _event_loops()
    assert [loop for key, loop in alive.items() if key not in loops and not loop.is_closed()] == []
    assert unclosed == []
    left = [t.name for t in threading.enumerate() if t not in threads and t.is_alive() and not t.daemon]
    assert left == []
