"""What the command line says: help that tells the truth, readable settings and errors, counts in good
English, an offline dry run that shows what would happen, and eval columns named by their model."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.errors import ExitCode
from tests.cli.test_cli import model_env, one_line_error
from tests.conftest import EXAMPLES, REPO
from tests.fake_openai import FakeOpenAI

runner = CliRunner()


def help_of(*command: str) -> str:
    """The command's help, its lines as wrapped."""
    result = runner.invoke(app, [*command, "-h"])
    assert result.exit_code == 0, result.output
    return result.stdout


def unwrapped(text: str) -> str:
    return " ".join(text.split())


def test_help_says_what_each_output_takes_and_shows_no_python_types() -> None:
    assert "Write the JSON here (a .json file)" in unwrapped(help_of("extract"))
    assert "Write the JSON Lines here (a .jsonl file)" in unwrapped(help_of("ingest"))
    for command in ("extract", "ingest"):
        assert ".md, .html" not in help_of(command)
    assert "(.md, .html or .json; or a device or pipe such as /dev/null)" in unwrapped(help_of("run"))
    assert "--mkdir" in help_of("run") and "--mkdir" in help_of("render")
    for command in (["run"], ["extract"], ["ingest"], ["eval"], ["render"], ["prompts", "show"]):
        text = help_of(*command)
        assert not re.search(r"<(?:list\[str\]|str|path|int)>", text), (command, text)
    assert re.search(r"^  SOURCE\s+Files, directories", help_of("run"), re.M)


def test_config_show_prints_the_directories_as_paths(isolated: Path) -> None:
    out = runner.invoke(app, ["config", "show"]).stdout
    line = next(line for line in out.splitlines() if line.startswith("dirs = "))
    assert "PosixPath" not in line and f"config={isolated.parent / 'briefer-home'}," in line


def test_the_screenshot_script_takes_the_width_it_advertises() -> None:
    spec = importlib.util.spec_from_file_location("screenshot", REPO / "scripts" / "screenshot.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert "[--width 1000]" in (script.__doc__ or "")
    assert script.parse(["--width", "800", "a.txt"]).width == 800
    assert script.parse([]).width == 1000


def test_the_summary_counts_in_good_english(fake: FakeOpenAI, isolated: Path) -> None:
    (isolated / "a.txt").write_text("Schools\nThe Arland council pledged to build 40 schools by 2030.", "utf-8")
    fake.push("503")
    result = runner.invoke(app, ["run", str(isolated / "a.txt"), "-o", "b.md"], env=model_env(fake))
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stderr.splitlines() if "extracted" in line)
    assert line.startswith("briefer: 1 article extracted") and "3 requests (1 retry)" in line
    assert "retries" not in line and "1 articles" not in line
    single = runner.invoke(app, ["ingest", str(isolated / "a.txt"), "-o", "a.jsonl"])
    assert "briefer: 1 article, 0 failed" in single.stderr


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--concurrency", "0"], "", "--concurrency: must be at least 1 (got 0)"),
        (["--var", "1x=2"], "", "(the key: letters, digits and _, and not starting with a digit)"),
        (["-b", "m"], '[briefings.m]\nprovider = "offline"\n', "[briefings.m]: 'provider' is not a setting of a named"),
    ],
)
def test_bad_settings_are_one_readable_line(isolated: Path, args: list[str], config: str, message: str) -> None:
    (isolated / "briefer.toml").write_text(config, encoding="utf-8")
    result = runner.invoke(app, ["run", str(EXAMPLES), *args])
    assert result.exit_code == ExitCode.USAGE
    one_line_error(result.stderr, message)
    assert "Input should" not in result.stderr and "Extra inputs" not in result.stderr


def test_an_offline_dry_run_shows_the_articles_and_the_prompts_it_would_send() -> None:
    result = runner.invoke(app, ["run", str(EXAMPLES), "--dry-run", "--offline"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("offline: 3 articles would be extracted without a language model; no prompt is sent")
    assert (
        "1. Harbour authority backs Valdora barrier, puts price at 340 million euros (estrel-harbour-report.txt;" in out
    )
    assert "# With a model, the request for the first article would be:" in out
    assert "--- system ---\nYou are a careful news analyst" in out and "--- user ---\nTitle: Harbour authority" in out
    assert "<article>\nPORT ESTREL" in out and str(EXAMPLES) not in out


def test_eval_names_the_model_the_endpoint_chose(fake: FakeOpenAI, isolated: Path) -> None:
    assert runner.invoke(app, ["eval", "init", "set.jsonl"]).exit_code == 0
    env = {k: v for k, v in model_env(fake).items() if k != "BRIEFER_MODEL"}  # the server names its one model
    result = runner.invoke(app, ["eval", "set.jsonl", "-q"], env=env)
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert "current (fake-model)" in header and "the endpoint's model" not in result.stdout
