"""The command line end to end: commands, formats, the offline default, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefer import __version__
from briefer.cli import app
from briefer.errors import ExitCode
from tests.conftest import EXAMPLES
from tests.fake_openai import FakeOpenAI, error

runner = CliRunner()
GOOD = "The Arland council pledged to build 40 new schools by 2030. Officials said the plan costs 90 million euros."


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def model_env(fake: FakeOpenAI) -> dict[str, str]:
    """The fake endpoint, a key, and a user configuration with quick retries."""
    config = Path(fake.url.split("//")[1].replace(":", "_").replace("/", "_") + ".toml").resolve()
    config.write_text("retry_wait = 0.01\n", encoding="utf-8")
    return {
        "OPENAI_BASE_URL": fake.url,
        "OPENAI_API_KEY": "sk-cli-secret-987",
        "BRIEFER_MODEL": "fake-model",
        "BRIEFER_CONFIG": str(config),
    }


def one_line_error(stderr: str, *fragments: str) -> None:
    lines = [line for line in stderr.splitlines() if line.startswith("briefer: error:")]
    assert len(lines) == 1, stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in stderr


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"briefer {__version__}"


def test_offline_by_default_says_so_on_one_line_and_writes_markdown_to_stdout() -> None:
    result = runner.invoke(app, ["run", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    notices = [line for line in result.stderr.splitlines() if "no model configured" in line]
    assert len(notices) == 1 and "OPENAI_API_KEY" in notices[0]
    assert result.stdout.startswith("# Briefing\n")
    assert "extracted offline, without a language model" in result.stdout
    assert "## Commitments" in result.stdout and "Nordlake Energy" in result.stdout


def test_run_writes_html_atomically_and_json_renders_to_the_same_html(isolated: Path) -> None:
    html = isolated / "out" / "b.html"
    result = runner.invoke(app, ["run", str(EXAMPLES), "-o", str(html), "--title", "Morning", "--mkdir"])
    assert result.exit_code == 0, result.output
    assert html.read_text().startswith("<!DOCTYPE html>") and "<h1>Morning</h1>" in html.read_text()
    assert not list(html.parent.glob(".*.tmp"))
    assert html.stat().st_mode & 0o044  # readable by others, as with a plain open(), not mkstemp's 0600
    assert result.stdout == ""  # the data went to the file

    data = isolated / "b.json"
    assert runner.invoke(app, ["extract", str(EXAMPLES), "-o", str(data), "--title", "Morning"]).exit_code == 0
    briefing = json.loads(data.read_text())
    assert briefing["provider"] == "offline" and briefing["model"] is None
    assert {"title", "date", "generated_at", "articles", "failures", "usage"} <= briefing.keys()
    again = isolated / "again.html"
    result = runner.invoke(app, ["render", str(data), "-o", str(again)])
    assert result.exit_code == 0, result.output
    assert again.read_text() == html.read_text()


def test_stdin(isolated: Path) -> None:
    result = runner.invoke(app, ["run", "-", "--format", "json", "-q"], input="Arland schools\n\n" + GOOD)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["articles"][0]["title"] == "Arland schools"
    assert data["articles"][0]["source"] == "-"
    assert result.stderr == ""  # --quiet


def test_model_run_through_the_fake_endpoint(fake: FakeOpenAI, isolated: Path) -> None:
    write(isolated / "a.txt", "Schools\n" + GOOD)
    write(isolated / "b.txt", "Roads\nThe Beloria ministry will build a bridge. Work starts in May 2027.")
    out = isolated / "b.json"
    result = runner.invoke(app, ["run", str(isolated), "-o", str(out), "-c", "2"], env=model_env(fake))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["provider"] == "openai" and data["model"] == "fake-model"
    assert [a["title"] for a in data["articles"]] == ["Schools", "Roads"]
    assert data["usage"]["requests"] == 3 and data["usage"]["prompt_tokens"] == 300  # two articles, one synthesis
    assert [s["articles"] for s in data["overview_sentences"]] == [[a["id"]] for a in data["articles"]]
    assert data["themes"][0]["label"] == "Everything today"
    assert "no model configured" not in result.stderr
    assert "sk-cli-secret" not in out.read_text() + result.output


def test_a_failing_article_is_listed_and_the_rest_is_rendered(fake: FakeOpenAI, isolated: Path) -> None:
    write(isolated / "a.txt", "Schools\n" + GOOD)
    write(isolated / "b.txt", "Other\nThe Beloria ministry will build a bridge over the river.")
    fake.push(*["503"] * 8)
    result = runner.invoke(app, ["run", str(isolated), "-f", "json", "-c", "1"], env={**model_env(fake)})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["articles"]) == 1
    assert data["failures"][0]["source"].endswith("a.txt") and "503" in data["failures"][0]["error"]


def test_nothing_extracted_exits_4(fake: FakeOpenAI, isolated: Path) -> None:
    write(isolated / "a.txt", "Schools\n" + GOOD)
    fake.push(*["500"] * 8)
    result = runner.invoke(app, ["run", str(isolated / "a.txt")], env=model_env(fake))
    assert result.exit_code == ExitCode.MODEL
    one_line_error(result.stderr, "no article could be extracted", "a.txt", "500")


def test_rejected_key_exits_4_without_printing_it(fake: FakeOpenAI, isolated: Path) -> None:
    write(isolated / "a.txt", GOOD)
    fake.push(lambda body: error(401, "Incorrect API key provided: sk-cli-secret-987"))
    result = runner.invoke(app, ["run", str(isolated / "a.txt")], env=model_env(fake))
    assert result.exit_code == ExitCode.MODEL
    one_line_error(result.stderr, "rejected the API key (401)")
    assert "sk-cli" not in result.output


def test_unreachable_endpoint_exits_4(isolated: Path) -> None:
    write(isolated / "a.txt", GOOD)
    env = {
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "BRIEFER_CONFIG": str(write(isolated / "c.toml", "max_attempts = 1")),
    }
    result = runner.invoke(app, ["run", str(isolated / "a.txt")], env=env)
    assert result.exit_code == ExitCode.MODEL
    one_line_error(result.stderr, "cannot reach http://127.0.0.1:9/v1")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file or directory"),
        ("", "empty file"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"Caf\xe9 au lait\nIt was good.", "not valid UTF-8 (byte 0xe9 at offset 3)"),
    ],
    ids=["missing", "empty", "binary", "latin1"],
)
def test_bad_single_input_exits_3_naming_the_file(isolated: Path, content: str | bytes | None, message: str) -> None:
    path = isolated / "bad.txt"
    if content is not None:
        write(path, content)
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == ExitCode.INPUT
    one_line_error(result.stderr, "bad.txt", message)


def test_bad_file_among_good_ones_is_listed_and_the_run_succeeds(isolated: Path) -> None:
    write(isolated / "good.txt", "Schools\n" + GOOD)
    write(isolated / "empty.txt", "   \n")
    result = runner.invoke(app, ["run", str(isolated), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [f["error"] for f in data["failures"]] == ["empty file"]
    assert "failed: " in result.stderr and "empty.txt" in result.stderr


def test_directory_without_articles_exits_3(isolated: Path) -> None:
    (isolated / "empty-dir").mkdir()
    write(isolated / "empty-dir" / "photo.jpg", b"\xff\xd8")
    result = runner.invoke(app, ["run", str(isolated / "empty-dir")])
    assert result.exit_code == ExitCode.INPUT
    one_line_error(result.stderr, "empty-dir", "no article files")


def test_unknown_output_extension_exits_2(isolated: Path) -> None:
    result = runner.invoke(app, ["run", str(EXAMPLES), "-o", str(isolated / "b.pdf")])
    assert result.exit_code == ExitCode.USAGE
    one_line_error(result.stderr, "b.pdf", "--format")


def test_render_rejects_a_file_that_is_not_a_briefing(isolated: Path) -> None:
    result = runner.invoke(app, ["render", str(write(isolated / "x.json", '{"hello": 1}'))])
    assert result.exit_code == ExitCode.INPUT
    one_line_error(result.stderr, "x.json", "not a briefer JSON file")
    result = runner.invoke(app, ["render", str(isolated / "missing.json")])
    assert result.exit_code == ExitCode.INPUT
    one_line_error(result.stderr, "missing.json", "no such file")


def test_bad_configuration_exits_2(isolated: Path) -> None:
    write(isolated / "briefer.toml", "concurency = 3\n")
    result = runner.invoke(app, ["run", str(EXAMPLES)])
    assert result.exit_code == ExitCode.USAGE
    one_line_error(result.stderr, "briefer.toml", "unknown setting 'concurency'")


def test_template_error_names_file_and_line(isolated: Path) -> None:
    templates = isolated / "tpl"
    templates.mkdir()
    write(templates / "briefing.md.j2", "# {{ briefing.title }}\n{{ briefing.no_such_field }}\n")
    result = runner.invoke(app, ["run", str(EXAMPLES), "--templates-dir", str(templates)])
    assert result.exit_code == ExitCode.USAGE
    one_line_error(result.stderr, "briefing.md.j2:2", "no_such_field")
    write(templates / "briefing.md.j2", "{% if %}\n")
    result = runner.invoke(app, ["run", str(EXAMPLES), "--templates-dir", str(templates)])
    assert result.exit_code == ExitCode.USAGE
    one_line_error(result.stderr, "briefing.md.j2:1", "syntax error")


def test_schema_describes_the_json_contract() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"title", "date", "generated_at", "provider", "model", "articles", "failures", "usage"} <= set(
        schema["properties"]
    )
