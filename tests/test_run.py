"""The run has one owner: the CLI only adapts, stages stream, and the Python API gives what the CLI gives."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import briefer
from briefer.cli import app
from briefer.errors import ExitCode, InputError
from tests.conftest import EXAMPLES, REPO
from tests.fake_openai import FakeOpenAI, Reply, default_responder
from tests.fake_web import FakeWeb, page

runner = CliRunner()
# What `briefer --help` must not load: every stage, the pipeline, and the model client library.
HEAVY = (
    "briefer.pipeline",
    "briefer.batching",
    "briefer.sources",
    "briefer.extraction",
    "briefer.offline",
    "briefer.evidence",
    "briefer.day",
    "briefer.memory",
    "briefer.output",
    "briefer.model",
    "briefer.evaluation",
    "openai",
    "spacy",
)


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """A briefing's JSON without what differs between two runs of the same input (time taken, time made)."""
    data = dict(data)
    data.pop("generated_at")
    data["usage"] = {k: v for k, v in data["usage"].items() if k != "elapsed_seconds"}
    return data


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb().start()
    yield server
    server.stop()


def test_importing_the_cli_loads_no_stage_and_no_client_library() -> None:
    prefixes = ("briefer", "openai", "spacy")
    code = f"import sys, briefer.cli; print(sorted(m for m in sys.modules if m.startswith({prefixes!r})))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    modules = set(ast.literal_eval(loaded.stdout))
    assert {m for m in modules if m.startswith(HEAVY)} == set()
    assert "briefer.cli.run" in modules  # the check itself sees what the CLI loads


def test_typer_reads_every_command_annotation_as_an_object() -> None:
    # `--help` builds every command: a string annotation (`from __future__ import annotations`) would be
    # compiled at each start, for every parameter of every command.
    groups = [app, *(info.typer_instance for info in app.registered_groups if info.typer_instance)]
    callbacks = [c.callback for g in groups for c in g.registered_commands if c.callback]
    callbacks += [g.registered_callback.callback for g in groups if g.registered_callback]
    assert len(callbacks) > 25
    strings = [f for f in callbacks if any(isinstance(a, str) for a in f.__annotations__.values())]
    assert [f"{f.__module__}.{f.__name__}" for f in strings] == []


def test_the_command_leaves_its_objects_out_of_the_last_collection() -> None:
    # On the way out the interpreter collects once more, through every object the run made, unless frozen.
    code = (
        "import gc, sys\n"
        "from briefer.cli import main\n"
        "sys.argv = ['briefer', '--version']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    print(gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.splitlines()[-1] == "True"  # after "briefer VERSION"


def test_a_run_imports_no_stage_before_it_needs_it() -> None:
    # Before the first request: neither spaCy (offline only), nor the day's synthesis, nor the archive site;
    # and local files are read without making the HTTP client for pages.
    code = (
        "import sys, briefer.pipeline\n"
        "from briefer.sources import ingest\n"
        "ingest([sys.argv[1]])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('briefer', 'spacy', 'httpx'))))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES)], capture_output=True, text=True, check=True, cwd=REPO
    )
    modules = set(ast.literal_eval(loaded.stdout))
    later = ("spacy", "httpx", "briefer.offline.extractor", "briefer.day.stage", "briefer.site", "briefer.batching.")
    assert {m for m in modules if m.startswith(later)} == set()
    assert {"briefer.pipeline", "briefer.extraction.stream"} <= modules


def test_the_python_api_gives_the_cli_briefing_and_text(isolated: Path) -> None:
    result = runner.invoke(app, ["run", str(EXAMPLES), "--offline", "-q", "-o", "cli.json", "--title", "Day"])
    assert result.exit_code == 0, result.output
    from_cli = json.loads((isolated / "cli.json").read_text(encoding="utf-8"))

    briefing = briefer.brief([EXAMPLES], offline=True, title="Day")
    assert comparable(briefing.model_dump(mode="json")) == comparable(from_cli)

    result = runner.invoke(app, ["render", "cli.json", "-o", "cli.md"])
    assert result.exit_code == 0, result.output
    assert briefer.render(briefing, "md") == (isolated / "cli.md").read_text(encoding="utf-8")
    assert briefer.render(briefing, "html").startswith("<!DOCTYPE html>")


def test_the_python_api_takes_a_settings_object_and_raises_briefer_errors(isolated: Path) -> None:
    settings = briefer.settings(offline=True, title="Scripted")
    assert briefer.brief([EXAMPLES / "nordlake-battery-plant.txt"], settings).title == "Scripted"
    with pytest.raises(InputError) as caught:
        briefer.brief([isolated / "missing.txt"], offline=True)
    assert caught.value.exit_code == ExitCode.INPUT and "missing.txt" in caught.value.message


def test_extraction_starts_while_later_pages_are_still_being_fetched(web: FakeWeb, fake: FakeOpenAI) -> None:
    story = [
        "The Arland council pledged on Monday to build four schools by 2030 in the northern districts.",
        "Officials said the first school would open in the town of Veldby within two years of the vote.",
        "Parents in Veldby welcomed the decision after a long campaign for more classrooms in the area.",
    ]
    first = web.add("/first", page("Arland schools", story))
    other = [
        "Nordlake Energy opened its new research centre in Kessvik on Wednesday with two hundred staff.",
        "The company said the centre would develop battery cells for ferries and heavy lorries next year.",
        "Chief executive Marta Lindqvist promised that the first prototypes would be tested next spring.",
    ]
    slow = web.add("/slow", page("Nordlake centre", other), delay=2.0)
    asked: list[float] = []

    def timed(body: dict[str, Any]) -> Reply:
        asked.append(time.monotonic())
        return default_responder(body)

    fake.responder = timed
    result = runner.invoke(
        app,
        ["run", first, slow, "-o", "out.json", "-q", "--no-cache"],
        env={"OPENAI_BASE_URL": fake.url, "OPENAI_API_KEY": "k", "BRIEFER_MODEL": "fake-model"},
    )
    assert result.exit_code == 0, result.output
    assert asked and asked[0] < web.arrived["/slow"] + 2.0  # sent while the slow page was still being served
    data = json.loads(Path("out.json").read_text(encoding="utf-8"))
    assert [a["url"] for a in data["articles"]] == [first, slow]  # input order, though the second came later


def test_output_keeps_input_order_when_the_first_source_is_the_slowest(web: FakeWeb, isolated: Path) -> None:
    urls = [
        web.add(
            f"/story/{n}",
            page(f"Story {n}", [f"{word} The council said it would publish the plan soon."] * 4),
            delay=delay,
        )
        for n, (word, delay) in enumerate([("Alpha.", 0.6), ("Beta.", 0.0), ("Gamma.", 0.3)])
    ]
    result = runner.invoke(app, ["run", *urls, "--offline", "-q", "-o", "out.json"])
    assert result.exit_code == 0, result.output
    data = json.loads((isolated / "out.json").read_text(encoding="utf-8"))
    assert [a["title"] for a in data["articles"]] == ["Story 0", "Story 1", "Story 2"]


def test_a_fuller_copy_read_later_replaces_the_shorter_one(isolated: Path) -> None:
    full = (EXAMPLES / "valdora-flood-barrier.txt").read_text(encoding="utf-8")
    lines = full.splitlines()
    trimmed = "\n".join(lines[: max(3, len(lines) * 3 // 4)])
    (isolated / "a-trimmed.txt").write_text(trimmed, encoding="utf-8")
    (isolated / "b-full.txt").write_text(full, encoding="utf-8")
    result = runner.invoke(app, ["run", "a-trimmed.txt", "b-full.txt", "--offline", "-o", "out.json"])
    assert result.exit_code == 0, result.output
    assert "1 duplicate merged" in result.stderr
    (article,) = json.loads((isolated / "out.json").read_text(encoding="utf-8"))["articles"]
    assert article["source"] == "b-full.txt"
    assert [d["source"] for d in article["duplicates"]] == ["a-trimmed.txt"]


def test_reading_is_bounded_by_extraction(web: FakeWeb, fake: FakeOpenAI, isolated: Path) -> None:
    """With one extraction slot and a slow endpoint, reading runs at most a look-ahead's worth ahead."""
    from briefer.sources import LOOKAHEAD

    urls = [
        web.add(f"/s/{n}", page(f"Story {n}", [f"The Arland council pledged to build {n + 2} schools by 2030."] * 3))
        for n in range(LOOKAHEAD + 30)
    ]
    (isolated / "list.txt").write_text("\n".join(urls), encoding="utf-8")
    read_when_asked: list[int] = []

    def slow(body: dict[str, Any]) -> Reply:
        read_when_asked.append(len(web.hits))
        return Reply(delay=0.03, body=default_responder(body).body)

    fake.responder = slow
    result = runner.invoke(
        app,
        ["run", "--sources", "list.txt", "-c", "1", "-q", "-o", "out.json", "--no-cache"],
        env={"OPENAI_BASE_URL": fake.url, "OPENAI_API_KEY": "k", "BRIEFER_MODEL": "fake-model"},
    )
    assert result.exit_code == 0, result.output
    extractions = read_when_asked[:-1]  # the last request is the synthesis
    assert len(extractions) == len(urls)
    assert all(read <= n + LOOKAHEAD + 2 for n, read in enumerate(extractions, start=1)), extractions
    assert extractions[0] < len(urls)  # the first request went out before everything was read


def test_user_directories_follow_briefer_home_and_are_made_when_needed(tmp_path: Path, monkeypatch: Any) -> None:
    from briefer.paths import Dirs

    home = tmp_path / "home"
    dirs = Dirs.from_env({"BRIEFER_HOME": str(home)})
    assert (dirs.config, dirs.cache, dirs.data) == (home, home / "cache", home / "data")
    moved = Dirs.from_env({"BRIEFER_HOME": str(home), "BRIEFER_CACHE_DIR": str(tmp_path / "c")})
    assert moved.cache == tmp_path / "c" and moved.data == home / "data"
    assert not home.exists()  # nothing is created by looking the directories up
