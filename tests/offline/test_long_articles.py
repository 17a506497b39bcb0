"""A long article (issue 22: a 5 MB text took 2 min 53 s and 1.2 GB, said nothing on a non-terminal stderr,
and listed one pledge six times): each sentence is read once, the parse goes only as far as it needs without
changing what is found, and the run says on stderr that it is working on a long article.
`python -m bench.long_article --megabytes 1 5` measures the time and memory."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bench.long_article import RECURRING, made_up
from briefer.cli import app
from briefer.models import Article
from briefer.offline.extractor import extract_offline
from briefer.offline.walk import ROUND

runner = CliRunner()


def article(text: str) -> Article:
    return Article(id="long", title="The year in projects", source="long.txt", text=text)


def test_a_sentence_that_recurs_gives_its_pledge_once() -> None:
    others = [f"The ferry to Pesk carried {n}00 passengers on Sunday." for n in range(2, 8)]
    text = "\n".join(f"{other} {RECURRING}" for other in others)  # the pledge six times, as pasted together
    brief = extract_offline(article(text))
    assert [c.action for c in brief.commitments] == ["reopen the old bridge over the Meran by June 2027"]
    quotes = [e.quote for item in [*brief.facts, *brief.commitments] for e in item.evidence]
    assert len(quotes) == len(set(quotes))
    assert brief.summary.count(RECURRING) <= 1


def test_a_long_article_is_parsed_only_until_it_has_given_its_commitments() -> None:
    text = made_up(0.4)  # thousands of sentences worth parsing: far more than one round
    assert text.count(" will ") > ROUND
    paragraphs = text.split("\n")
    whole = extract_offline(article(text))
    start = extract_offline(article("\n".join(paragraphs[:60])))  # where its commitments are
    assert len(whole.commitments) == 12
    assert [(c.actor, c.action, c.deadline) for c in whole.commitments] == [
        (c.actor, c.action, c.deadline) for c in start.commitments
    ]


def test_a_long_article_is_said_on_a_stderr_that_is_no_terminal(isolated: Path) -> None:
    (isolated / "long.txt").write_text(made_up(0.12), encoding="utf-8")
    result = runner.invoke(app, ["run", "long.txt", "--offline", "--no-history", "-f", "json"])
    assert result.exit_code == 0, result.output
    (note,) = [line for line in result.stderr.splitlines() if "a long article" in line]
    assert note.startswith("briefer: long.txt: a long article (") and "words); extracting it takes a while" in note
    assert json.loads(result.stdout)["failures"] == []
