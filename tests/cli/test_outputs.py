"""Where a run writes: the output path checked before any work, devices and pipes, folders made only when
asked, a named briefing's output as the README says, and the templates checked up front."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.errors import ExitCode
from tests.cli.test_cli import model_env, one_line_error
from tests.conftest import EXAMPLES
from tests.fake_openai import FakeOpenAI

runner = CliRunner()


def test_a_missing_folder_is_refused_unless_mkdir_asks_for_it(isolated: Path) -> None:
    target = isolated / "nonexistent" / "dir" / "x.html"
    result = runner.invoke(app, ["run", str(EXAMPLES), "-o", str(target)])
    assert result.exit_code == ExitCode.USAGE
    one_line_error(result.stderr, f"-o {target}: the folder {target.parent} does not exist (--mkdir creates it)")
    assert not (isolated / "nonexistent").exists()
    for command in (
        ["ingest", str(EXAMPLES), "-o", str(target.with_suffix(".jsonl"))],
        ["extract", str(EXAMPLES), "-o", str(target.with_suffix(".json"))],
    ):
        refused = runner.invoke(app, command)
        assert refused.exit_code == ExitCode.USAGE and "--mkdir creates it" in refused.stderr
    made = runner.invoke(app, ["run", str(EXAMPLES), "-o", str(target), "--mkdir", "-q"])
    assert made.exit_code == 0, made.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("where", "message"),
    [("afile/x.html", "-o afile/x.html: afile is a file, not a folder"), ("/proc/x.html", "cannot write in /proc")],
)
def test_an_unwritable_output_fails_before_any_work(fake: FakeOpenAI, isolated: Path, where: str, message: str) -> None:
    (isolated / "afile").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["run", str(EXAMPLES), "-o", where], env=model_env(fake))
    assert result.exit_code == ExitCode.USAGE
    one_line_error(result.stderr, message)
    assert fake.requests == []  # nothing was sent: the check came first
    assert "internal error" not in result.stderr


def test_dev_null_and_pipes_are_written_straight_through(isolated: Path) -> None:
    for command in (["run", str(EXAMPLES)], ["extract", str(EXAMPLES)], ["ingest", str(EXAMPLES)]):
        result = runner.invoke(app, [*command, "-o", os.devnull, "-q"])
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device, never replaced by a file
    pipe = isolated / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")))
    reader.start()
    result = runner.invoke(app, ["run", str(EXAMPLES), "-o", str(pipe), "-f", "json", "-q"])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert json.loads(received[0])["title"] == "Briefing" and stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_a_named_briefings_output_expands_home_and_is_relative_to_its_file(isolated: Path) -> None:
    config = isolated / "conf"
    config.mkdir()
    (config / "briefer.toml").write_text(
        f'[briefings.morning]\nsources = ["{EXAMPLES}"]\noutput = "~/briefings/morning-{{date}}.html"\n'
        f'[briefings.evening]\nsources = ["{EXAMPLES}"]\noutput = "out/evening-{{date}}.md"\n',
        encoding="utf-8",
    )
    home = isolated / "home"
    env = {"BRIEFER_CONFIG": str(config / "briefer.toml"), "HOME": str(home)}
    morning = runner.invoke(app, ["run", "-b", "morning", "--date", "2026-12-01", "-q"], env=env)
    assert morning.exit_code == 0, morning.output
    assert (home / "briefings" / "morning-2026-12-01.html").is_file()  # its folder made: the configuration asked
    assert not any(p.name == "~" for p in isolated.rglob("~"))
    evening = runner.invoke(app, ["run", "-b", "evening", "--date", "2026-12-01", "-q"], env=env)
    assert evening.exit_code == 0, evening.output
    assert (config / "out" / "evening-2026-12-01.md").is_file()


def test_a_broken_template_is_found_before_any_work(fake: FakeOpenAI, isolated: Path) -> None:
    templates = isolated / "tpl"
    templates.mkdir()
    (templates / "briefing.html.j2").write_text("<h1>{{ briefing.title }}</h1>\n{{ audience }}\n", encoding="utf-8")
    result = runner.invoke(
        app, ["run", str(EXAMPLES), "-o", "b.html", "--templates-dir", str(templates)], env=model_env(fake)
    )
    assert result.exit_code == ExitCode.USAGE
    one_line_error(result.stderr, "briefing.html.j2:2: 'audience' is undefined", "before the run")
    assert fake.requests == [] and not (isolated / "b.html").exists()
    (templates / "briefing.html.j2").write_text("{% for x in %}\n", encoding="utf-8")
    broken = runner.invoke(app, ["run", str(EXAMPLES), "-o", "b.html", "--templates-dir", str(templates)])
    assert broken.exit_code == ExitCode.USAGE and "briefing.html.j2:1: syntax error" in broken.stderr
    fine = runner.invoke(
        app,
        ["run", str(EXAMPLES), "-o", "b.html", "--templates-dir", str(templates), "--var", "audience=x", "-f", "md"],
    )
    assert fine.exit_code == 0, fine.output  # only the templates the run uses are checked
