"""What the model is sent about an article (never a local path) and how its summary is checked before it is
shown: a sentence with a name or number the article holds nowhere is dropped and recorded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from briefer.cli import app
from briefer.evidence.grounding import Grounder
from briefer.extraction.sendable import prompt_source
from briefer.extraction.summary import checked_summary, sentences
from briefer.models import Article
from tests.cli.test_cli import model_env
from tests.conftest import EXAMPLES
from tests.fake_openai import FakeOpenAI, Reply, article_text, completion, extraction_for, extractions_by

runner = CliRunner()


def test_no_local_path_reaches_the_model(fake: FakeOpenAI, isolated: Path) -> None:
    folder = isolated / "private-notes" / "jane-doe"
    shutil.copytree(EXAMPLES, folder)
    (folder / "feed.jsonl").write_text(
        json.dumps(
            {
                "text": "The Arland council pledged to build 40 new schools by 2030.",
                "title": "Schools",
                "url": "https://www.example.org/schools",
                "published": "2026-11-26",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["run", str(folder), "-f", "json", "-q"], env=model_env(fake))
    assert result.exit_code == 0, result.output
    bodies = json.dumps(fake.requests)
    assert len(fake.requests) == 5  # four articles and the day's synthesis
    for private in (str(isolated), "private-notes", "jane-doe", "estrel-harbour-report.txt", "feed.jsonl"):
        assert private not in bodies, private
    users = [r["messages"][-1]["content"] for r in fake.requests]
    assert any("Title: Schools\nSource: example.org\nPublished: 2026-11-26" in u for u in users)
    assert any(u.startswith("Title: Harbour authority backs Valdora barrier") and "Source:" not in u for u in users)
    assert "[" in users[-1] and "(example.org, 2026-11-26)" in users[-1]  # the synthesis names the site
    data = json.loads(result.stdout)  # the briefing itself still knows where each article was read
    assert any(a["source"].endswith("estrel-harbour-report.txt") for a in data["articles"])


def test_what_a_prompt_may_say_of_a_source() -> None:
    def source(value: str, url: str | None = None) -> str:
        return prompt_source(Article(id="a", title="t", source=value, url=url, text="x"))

    assert source("Estrel Courier") == "Estrel Courier"
    assert source("https://www.example.org/news/1") == "example.org"
    assert source("/home/jane/notes/report.txt") == ""
    assert source("notes/report.txt") == source("report.txt") == source("-") == source("~/x.html") == ""
    assert source(r"C:\Users\jane\report.txt") == source("file:///home/jane/a.html") == ""
    assert source("/home/jane/saved/page.html", url="https://www.example.org/story") == "example.org"


def _inventing(body: dict[str, Any]) -> Reply:
    """A good extraction whose summary adds a sentence with a name and a figure the article lacks."""
    data = extraction_for(article_text(body))
    data["summary"] = (
        "The Arland council pledged to build 40 new schools by 2030. Minister Olga Brandt will add 75 million euros."
    )
    return Reply(body=completion(json.dumps(data)))


def test_a_summary_sentence_the_article_does_not_hold_is_dropped_and_recorded(fake: FakeOpenAI, isolated: Path) -> None:
    text = (
        "Schools\nThe Arland council pledged to build 40 new schools by 2030. Officials said it costs 90 million euros."
    )
    (isolated / "a.txt").write_text(text, encoding="utf-8")
    fake.responder = extractions_by(_inventing)
    result = runner.invoke(app, ["run", str(isolated / "a.txt"), "-f", "json", "-q"], env=model_env(fake))
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)["articles"][0]
    assert article["summary"] == "The Arland council pledged to build 40 new schools by 2030."
    assert article["summary_dropped"] == [
        {
            "text": "Minister Olga Brandt will add 75 million euros.",
            "reason": "not in the article: Minister Olga Brandt, 75 million",
        }
    ]
    markdown = runner.invoke(app, ["run", str(isolated / "a.txt"), "-q"], env=model_env(fake))
    assert "Olga Brandt" not in markdown.stdout and "40 new schools" in markdown.stdout


def test_a_faithful_summary_is_kept_whole() -> None:
    text = "Mayor Ilse Vantongeren said the work would cost 12 million euros. The U.S. embassy welcomed it."
    summary = "Mayor Vantongeren put the cost at 12m euros. The U.S. embassy welcomed the plan."
    assert sentences(summary) == ["Mayor Vantongeren put the cost at 12m euros.", "The U.S. embassy welcomed the plan."]
    assert checked_summary(summary, Grounder(text)) == (summary, [])
