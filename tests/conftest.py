"""Shared fixtures: an isolated user directory and environment, the fake endpoint, example articles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.cli.app import State
from briefer.models import Article
from tests.fake_openai import FakeOpenAI
from tests.smtp import smtp  # noqa: F401  (the real SMTP server fixture, for every test module)

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def pledging_articles(n: int) -> list[Article]:
    """`n` short made-up articles, each with one pledge and a figure of its own."""
    return [
        Article(
            id=f"id{i}",
            title=f"Article {i}",
            source=f"a{i}.txt",
            text=f"The Arland council pledged to build {i + 2} schools by 2030. Officials said work starts soon.",
        )
        for i in range(n)
    ]


CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test sees the real home directory, a real key or a configuration file of the developer's.

    HOME itself points at an empty folder for the test, and the test fails if anything was written there:
    every file briefer writes must go to the directories the test chose (BRIEFER_HOME and below)."""
    home = tmp_path / "briefer-home"
    monkeypatch.setenv("BRIEFER_HOME", str(home))
    monkeypatch.setenv("BRIEFER_CACHE_DIR", str(tmp_path / "briefer-cache"))
    user_home = tmp_path / "user-home"
    user_home.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "BRIEFER_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "BRIEFER_MODEL",
        "BRIEFER_PROVIDER",
        "BRIEFER_CONFIG",
        "BRIEFER_DEBUG",
    ):
        monkeypatch.delenv(var, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(State, "reraise_unexpected", True)
    yield work
    written = sorted(str(p.relative_to(user_home)) for p in user_home.rglob("*"))
    assert written == [], f"the test wrote into HOME: {written}"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    return CORPUS
