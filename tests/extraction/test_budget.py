"""What a run is expected to cost, --max-cost kept request by request, and --no-cache that still keeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.errors import ExitCode
from briefer.extraction.budget import COMPLETION_CEILING, completion_estimate, day_estimate
from tests.fake_openai import FakeOpenAI, Reply, default_responder
from tests.model.test_cost import completions, env_for, write_articles

runner = CliRunner()


def long_completions(tokens: int) -> Any:
    """The fake endpoint's answers, each billed as `tokens` completion tokens (a verbose model)."""

    def respond(body: dict[str, Any]) -> Reply:
        reply = default_responder(body)
        reply.body["usage"] = {"prompt_tokens": 600, "completion_tokens": tokens, "total_tokens": 600 + tokens}
        return reply

    return respond


@pytest.mark.parametrize("concurrency", ["1", "4"])
def test_max_cost_is_never_crossed_when_answers_run_long(fake: FakeOpenAI, isolated: Path, concurrency: str) -> None:
    folder = write_articles(isolated / "in", 8)
    fake.responder = long_completions(30_000)  # $0.018 an answer at gpt-4o-mini's price: 40 times the estimate
    args = ["run", str(folder), "--max-cost", "0.05", "-c", concurrency, "-f", "json"]
    result = runner.invoke(app, args, env=env_for(fake))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["usage"]["cost_usd"] <= 0.05
    assert len(data["articles"]) == 2 and len(completions(fake)) == 2  # a third answer would cross $0.05
    assert len(fake.requests) == 2  # the day's synthesis, as dear, was not sent: the day is made offline
    skipped = [f["error"] for f in data["failures"]]
    assert len(skipped) == 6 and all("would take the run over --max-cost $0.05" in e for e in skipped)


def test_the_estimate_counts_the_answers_by_the_articles_length_and_the_days_synthesis(
    fake: FakeOpenAI, isolated: Path
) -> None:
    short, long = completion_estimate(100, 0, None), completion_estimate(2_000, 0, None)
    assert short < long <= COMPLETION_CEILING and completion_estimate(100, 2, None) > short
    assert completion_estimate(20_000, 0, 3_000) == 3_000  # never over the output limit
    folder = write_articles(isolated / "in", 10)
    result = runner.invoke(app, ["run", str(folder), "--max-cost", "0.001"], env=env_for(fake))
    assert result.exit_code == ExitCode.BUDGET, result.output
    assert "10 articles and the day's synthesis) is over --max-cost $0.001; nothing was sent" in result.stderr
    dry = runner.invoke(app, ["run", str(folder), "--dry-run"], env=env_for(fake))
    prompt, completion = day_estimate(10)
    assert f"the day's synthesis included ({prompt} prompt + {completion} completion tokens)" in dry.stdout
    assert fake.requests == []


def test_no_cache_asks_again_and_keeps_the_answer(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_articles(isolated / "in", 3)
    env = env_for(fake)
    assert runner.invoke(app, ["run", str(folder), "-q", "--no-cache"], env=env).exit_code == 0
    assert len(completions(fake)) == 3
    first = runner.invoke(app, ["run", str(folder), "-f", "json"], env=env)
    assert len(completions(fake)) == 3  # what --no-cache was answered is kept: the next run pays nothing
    assert json.loads(first.stdout)["usage"]["cache_hits"] == 3

    def reworded(body: dict[str, Any]) -> Reply:
        reply = default_responder(body)
        answer = json.loads(reply.body["choices"][0]["message"]["content"])
        if "summary" in answer:
            answer["summary"] = "Officials said so."
        reply.body["choices"][0]["message"]["content"] = json.dumps(answer)
        return reply

    fake.responder = reworded
    assert runner.invoke(app, ["run", str(folder), "-q", "--no-cache"], env=env).exit_code == 0
    assert len(completions(fake)) == 6  # --no-cache does not read the cache: asked again
    after = runner.invoke(app, ["run", str(folder), "-f", "json"], env=env)
    assert len(completions(fake)) == 6
    assert {a["summary"] for a in json.loads(after.stdout)["articles"]} == {"Officials said so."}  # the newest
