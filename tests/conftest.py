"""Shared fixtures: an isolated user directory and environment, the fake endpoint, example articles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import briefer.cli
from tests.fake_openai import FakeOpenAI

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test sees the real home directory, a real key or a configuration file of the developer's."""
    home = tmp_path / "briefer-home"
    monkeypatch.setenv("BRIEFER_HOME", str(home))
    monkeypatch.setenv("BRIEFER_CACHE_DIR", str(tmp_path / "briefer-cache"))
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
    monkeypatch.setattr(briefer.cli, "RERAISE_UNEXPECTED", True)
    yield work


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
