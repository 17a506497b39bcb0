"""What a new user hit: a local server's model, the command line's conventions, messages, progress, HOME."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import briefer
from briefer.cli import app
from briefer.errors import ExitCode
from briefer.model.pricing import price_for
from briefer.progress import Progress
from tests.conftest import EXAMPLES
from tests.fake_openai import FakeOpenAI

runner = CliRunner()


def local(fake: FakeOpenAI, **extra: str) -> dict[str, str]:
    """A local OpenAI-compatible server, as the README's llama.cpp / LM Studio row sets it up: no key, no model."""
    return {"OPENAI_BASE_URL": fake.url, **extra}


def test_a_local_server_with_one_model_is_asked_for_it_and_not_billed(fake: FakeOpenAI, isolated: Path) -> None:
    fake.models = ["qwen2.5-7b-instruct"]
    result = runner.invoke(app, ["run", str(EXAMPLES), "-o", "out.md"], env=local(fake))
    assert result.exit_code == 0, result.output
    assert {r["model"] for r in fake.requests if "messages" in r} == {"qwen2.5-7b-instruct"}
    assert "extracted by qwen2.5-7b-instruct" in (isolated / "out.md").read_text(encoding="utf-8")
    assert "not priced" in result.stderr and "$" not in result.stderr


def test_a_local_server_offering_several_models_asks_the_user_to_choose(fake: FakeOpenAI) -> None:
    fake.models = ["llama3.1:8b", "mistral:7b", "qwen2.5:7b"]
    result = runner.invoke(app, ["run", str(EXAMPLES)], env=local(fake))
    assert result.exit_code == ExitCode.USAGE
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("briefer: error:")]
    assert "offers 3 models (llama3.1:8b, mistral:7b, qwen2.5:7b)" in line and "--model" in line
    assert "BRIEFER_MODEL" in line
    assert not [r for r in fake.requests if "messages" in r]


def test_a_server_without_a_model_list_asks_for_a_model_name(fake: FakeOpenAI) -> None:
    fake.models = None  # GET /models answers 404
    result = runner.invoke(app, ["run", str(EXAMPLES)], env=local(fake))
    assert result.exit_code == ExitCode.USAGE
    assert "lists no model" in result.stderr and "--model" in result.stderr
    named = runner.invoke(app, ["run", str(EXAMPLES), "-q", "-m", "my-model"], env=local(fake))
    assert named.exit_code == 0, named.output
    assert {r["model"] for r in fake.requests if "messages" in r} == {"my-model"}


def test_list_prices_belong_to_openai_and_a_configured_price_applies_anywhere(fake: FakeOpenAI, isolated: Path) -> None:
    assert price_for("gpt-4o-mini", {}, official=True) is not None
    assert price_for("gpt-4o-mini", {}, official=False) is None
    config = isolated / "c.toml"
    config.write_text('[prices."gpt-4o-mini"]\ninput = 1.0\noutput = 2.0\n', encoding="utf-8")
    result = runner.invoke(
        app,
        ["run", str(EXAMPLES), "-f", "json", "-m", "gpt-4o-mini"],
        env=local(fake, BRIEFER_CONFIG=str(config)),
    )
    assert result.exit_code == 0, result.output
    usage = json.loads(result.stdout)["usage"]
    expected = (usage["prompt_tokens"] * 1.0 + usage["completion_tokens"] * 2.0) / 1e6
    assert usage["cost_usd"] == pytest.approx(expected)


def test_progress_reports_totals_and_the_overview_step(fake: FakeOpenAI) -> None:
    events: list[tuple[str, Any]] = []
    progress = Progress(
        found=lambda n: events.append(("found", n)),
        advance=lambda: events.append(("advance", None)),
        stage=lambda label: events.append(("stage", label)),
    )
    from briefer import pipeline

    settings = briefer.settings(base_url=fake.url, model="fake-model")
    pipeline.brief(settings, pipeline.Request(sources=[str(EXAMPLES)]), progress)
    assert sum(n for kind, n in events if kind == "found") == 3
    assert [kind for kind, _ in events].count("advance") == 3
    assert events[-1] == ("stage", "writing the overview")


def test_dash_h_is_help_and_usage_lines_use_readable_names() -> None:
    for command in ([], ["run"], ["email"], ["templates", "check"]):
        short, long = runner.invoke(app, [*command, "-h"]), runner.invoke(app, [*command, "--help"])
        assert short.exit_code == long.exit_code == 0 and short.stdout == long.stdout
    usage = runner.invoke(app, ["run", "-h"]).stdout.splitlines()[0]
    assert usage == "Usage: briefer run [OPTIONS] [SOURCE]..."
    help_text = runner.invoke(app, ["run", "-h"]).stdout
    assert "-o, --output FILE" in help_text and "--since WINDOW" in help_text and "<path>" not in help_text
    listing = runner.invoke(app, ["-h"]).stdout
    assert "Make the briefing from articles, feeds and pages (the main job)." in listing
    assert "..." not in listing.split("Commands:")[1]  # no description is cut off


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run", "--bogus"], "No such option: --bogus (see 'briefer run -h')"),
        (["run", "-c", "many"], "'--concurrency'"),
        (["nonsense"], "No such command 'nonsense'"),
    ],
)
def test_usage_errors_are_one_line_in_briefers_style(args: list[str], fragment: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("briefer: error: ") and fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Usage:" not in result.stderr


def test_a_command_refuses_a_format_it_cannot_write(isolated: Path) -> None:
    extract = runner.invoke(app, ["extract", str(EXAMPLES), "-o", "x.md"])
    assert extract.exit_code == ExitCode.USAGE and "extract writes JSON only" in extract.stderr
    ingest = runner.invoke(app, ["ingest", str(EXAMPLES), "-o", "x.html"])
    assert ingest.exit_code == ExitCode.USAGE and "JSON Lines" in ingest.stderr
    assert not (isolated / "x.md").exists() and not (isolated / "x.html").exists()
    (isolated / "saved.md").write_text("# A briefing\n", encoding="utf-8")
    render = runner.invoke(app, ["render", "saved.md"])
    assert render.exit_code == ExitCode.INPUT and "only a briefing saved as JSON" in render.stderr


def test_messages_say_only_what_happened(isolated: Path) -> None:
    missing = runner.invoke(app, ["run", "missing.txt"])
    assert missing.exit_code == ExitCode.INPUT
    assert missing.stderr.splitlines() == [missing.stderr.strip()]  # the error alone: no model notice first
    text = (EXAMPLES / "nordlake-battery-plant.txt").read_text(encoding="utf-8")
    (isolated / "copy.txt").write_text(text, encoding="utf-8")
    both = runner.invoke(app, ["run", str(EXAMPLES / "nordlake-battery-plant.txt"), "copy.txt", "-o", "o.md"])
    assert both.exit_code == 0, both.output
    assert "1 duplicate merged" in both.stderr and "--since" not in both.stderr
    assert sum("no model configured" in line for line in both.stderr.splitlines()) == 1


def test_a_briefing_only_emailed_is_kept_under_briefer_home(isolated: Path) -> None:
    env = {"BRIEFER_SMTP_FROM": "desk@example.org"}
    result = runner.invoke(app, ["run", str(EXAMPLES), "--eml", "out.eml", "--to", "a@example.org"], env=env)
    assert result.exit_code == 0, result.output
    kept = list((isolated.parent / "briefer-home" / "data" / "briefings").glob("*.html"))
    assert len(kept) == 1 and f"briefing saved at {kept[0]}" in result.stderr
