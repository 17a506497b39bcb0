"""Failures are failures: what the run rejected or replaced of the model's day-level answers is a notice, the
summary line says so in words, and `failures` lists only sources and articles that produced nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from briefer.cli import app
from briefer.notices import KEPT_APART, LEFT_OUT, OFFLINE_DAY, Notice, summary_words
from tests.conftest import EXAMPLES
from tests.fake_openai import FakeOpenAI, Reply, completion, default_responder, is_synthesis, synthesis_for

runner = CliRunner()


def env_for(fake: FakeOpenAI, isolated: Path, timeout: float = 5.0) -> dict[str, str]:
    config = isolated / "quick.toml"
    config.write_text(f"retry_wait = 0.01\ntimeout = {timeout}\n", encoding="utf-8")
    return {"OPENAI_BASE_URL": fake.url, "OPENAI_API_KEY": "sk-n", "BRIEFER_MODEL": "m", "BRIEFER_CONFIG": str(config)}


def weak_day(body: dict[str, Any]) -> Reply:
    """A synthesis answer that judges an id it was not shown and writes an overview its articles do not hold."""
    if not is_synthesis(body):
        return default_responder(body)
    answer = synthesis_for(body)
    assert answer is not None
    answer["same"].append({"id": "m999", "yes": True})
    answer["overview"] = [{"text": "Admiral Vantongeren resigned over 55 lost ships.", "articles": ["x"]}]
    return Reply(body=completion(json.dumps(answer)))


def test_a_rejected_day_level_answer_is_no_failure_and_the_summary_names_the_notices(
    fake: FakeOpenAI, isolated: Path
) -> None:
    fake.responder = weak_day
    result = runner.invoke(app, ["run", str(EXAMPLES), "-o", "out.json"], env=env_for(fake, isolated))
    assert result.exit_code == 0, result.output
    data = json.loads((isolated / "out.json").read_text(encoding="utf-8"))
    assert data["failures"] == [] and len(data["articles"]) == 3
    assert data["notices"] == [
        {
            "stage": "synthesis",
            "what": "the model judged candidates it was not shown under that question (m999)",
            "instead": "those verdicts ignored",
        },
        {
            "stage": "synthesis",
            "what": "the model's overview had no sentence its articles support",
            "instead": "the offline overview",
        },
    ]
    lines = result.stderr.splitlines()
    assert lines[-3].startswith(
        "briefer: 3 articles extracted · day summary: 2 model answers rejected, offline overview used · 4 requests"
    )
    assert "failed" not in lines[-3]
    assert lines[-2:] == [
        "briefer:   notice: day summary: the model judged candidates it was not shown under that question (m999) "
        "(instead: those verdicts ignored)",
        "briefer:   notice: day summary: the model's overview had no sentence its articles support "
        "(instead: the offline overview)",
    ]


def test_a_synthesis_request_that_timed_out_twice_is_a_notice_and_the_day_is_synthesized_offline(
    fake: FakeOpenAI, isolated: Path
) -> None:
    fake.responder = lambda body: Reply(delay=2.0) if is_synthesis(body) else default_responder(body)
    result = runner.invoke(app, ["run", str(EXAMPLES), "-o", "out.json"], env=env_for(fake, isolated, timeout=0.5))
    assert result.exit_code == 0, result.output
    data = json.loads((isolated / "out.json").read_text(encoding="utf-8"))
    assert data["failures"] == [] and data["overview"]
    (notice,) = data["notices"]
    assert notice["instead"] == "the day synthesized offline"
    assert notice["what"].startswith("the model did not answer within 0.5 s twice")
    assert "· day summary: no usable model answer, synthesized offline ·" in result.stderr
    assert [r["max_tokens"] for r in fake.requests if is_synthesis(r)] == [4096, 4096]


def test_the_summary_words_stage_by_stage() -> None:
    partial = Notice(stage="synthesis", what="2 sentences of the model's overview ...", instead=LEFT_OUT)
    assert summary_words([partial]) == "day summary: 1 model answer rejected"
    failed = [
        Notice(stage="synthesis", what="the model's reply did not match the schema", instead=OFFLINE_DAY),
        Notice(stage="ledger", what="the model did not answer within 120 s twice", instead=KEPT_APART),
    ]
    assert summary_words(failed) == (
        "day summary: no usable model answer, synthesized offline; "
        "ledger: no usable model answer, uncertain matches kept apart"
    )


def test_the_json_schema_documents_notices_apart_from_failures() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert "produced nothing" in schema["properties"]["failures"]["description"]
    assert "not failures" in schema["properties"]["notices"]["description"]
    notice = schema["$defs"]["Notice"]
    assert sorted(notice["properties"]) == ["instead", "stage", "what"]
    assert notice["properties"]["stage"]["enum"] == ["synthesis", "ledger"]
