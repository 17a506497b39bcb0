"""Nothing an article contains may end the run: the offline extractor's functions, fed arbitrary Unicode lines
(property tests), never raise; real feeds that once crashed it run; and an article that still makes
extraction fail fails alone, listed under failures, while the rest of the run goes on."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from briefer.cli import app
from briefer.dates import find_deadline, resolve_deadline
from briefer.day.figures import figures
from briefer.day.synthesize import synthesize
from briefer.errors import FatalModelError
from briefer.extraction.stream import extract_all
from briefer.models import Article, ArticleBrief, Usage
from briefer.offline.actors import Context
from briefer.offline.extractor import extract_offline
from briefer.offline.lexicon import worth_parsing
from briefer.offline.nlp import parse
from briefer.offline.pledges import commitments_in
from briefer.offline.sentences import split_sentences
from tests.conftest import CORPUS

runner = CliRunner()
REPRO = (
    "Council agrees budget\n"
    "The council said it will build a new school by June 2027.\n"
    "-----\n"
    "The mayor welcomed the plan.\n"
)
# Lines that real pages and feeds hold: rules, invisible marks, bullets, a line of nothing but punctuation,
# and sentences the extractor does act on, so that the odd lines meet its every path.
ODD_LINES = [
    "-----",
    "\u200e",
    "\u200b\u200b",
    "\ufeff",
    "• • •",
    "…",
    "***",
    "—",
    "'",
    "’s",
    "(",
    "1.",
    "2027",
    "The council said it will build a new school by June 2027.",
    "Kessvik council pledged to finish the dam by 2029, the mayor said.",
    "It will open within two weeks, she said.",
    "The ministry denied that the port was closed on Tuesday.",
    "About 40 ships had been waiting offshore.",
    "LINDMAR (Reuters) - The port will reopen next month.",
]
LINES = st.one_of(st.sampled_from(ODD_LINES), st.text(max_size=60))
TEXTS = st.lists(LINES, min_size=1, max_size=6).map("\n".join)
BOUNDED = settings(
    max_examples=100, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def article(text: str, published: datetime | None = None, id: str = "x") -> Article:
    return Article(id=id, title="An article", source=f"{id}.txt", text=text, published=published)


@BOUNDED
@given(TEXTS)
def test_sentences_split_any_text_and_keep_their_offsets(text: str) -> None:
    for s in split_sentences(text):
        assert s.text and text[s.start : s.end] == s.text


@BOUNDED
@given(st.lists(st.text(max_size=12), max_size=8), TEXTS)
def test_worth_parsing_takes_any_words(words: list[str], text: str) -> None:
    worth_parsing(words)
    worth_parsing(re.findall(r"[\w']+", text.lower()))


def test_a_line_with_no_letter_or_digit_is_not_worth_parsing() -> None:
    assert worth_parsing([]) is False  # "-----", a lone U+200E: the crash of issue 22


@BOUNDED
@given(TEXTS, st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
def test_the_commitment_finder_and_deadlines_take_any_sentence(text: str, reference: date | None) -> None:
    context = Context()
    rows = [(s.text, s.start, s.end, s.index) for s in split_sentences(text)]
    for sentence in parse(rows):
        for c in commitments_in(sentence, context, reference):
            assert c.actor and c.action
        context.learn(sentence.span)
    for line in text.splitlines():
        worded = find_deadline(line)
        resolve_deadline(line, reference)
        if worded:
            resolve_deadline(worded, reference)
        figures(line)


@BOUNDED
@given(TEXTS, st.booleans())
def test_the_whole_offline_extraction_takes_any_short_text(text: str, dated: bool) -> None:
    published = datetime(2026, 12, 1, tzinfo=UTC) if dated else None
    brief = extract_offline(article(text, published))
    for item in [*brief.facts, *brief.commitments]:
        for e in item.evidence:
            assert e.start is None or text[e.start : e.end] == e.quote


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(TEXTS, TEXTS)
def test_the_day_takes_any_two_articles(first: str, second: str) -> None:
    briefs = [extract_offline(article(first, id="a")), extract_offline(article(second + "\n" + REPRO, id="b"))]
    day = synthesize(briefs, date(2026, 12, 4))
    assert all(s.text[:1].isupper() and s.text.endswith(".") for s in day.overview)


def test_the_issue_repro_runs_and_keeps_its_pledge(isolated: Path) -> None:
    (isolated / "budget.txt").write_text(REPRO, encoding="utf-8")
    result = runner.invoke(app, ["run", "budget.txt", "--offline", "--no-history", "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["failures"] == []
    assert [(c["actor"], c["deadline"]) for c in data["commitments"]] == [("council", "by June 2027")]


@pytest.mark.parametrize("name", ["customfields.rss", "many-links.rss"])
def test_the_feeds_that_crashed_the_run_run_offline(isolated: Path, name: str) -> None:
    feed = CORPUS / "feeds" / "rss-parser" / "input" / name
    if not feed.is_file():
        pytest.skip(f"{feed} is not here")
    result = runner.invoke(app, ["run", str(feed), "--offline", "--no-history", "--no-follow", "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["articles"]) >= 10 and not [f for f in data["failures"] if "unexpectedly" in f["error"]]


class Breaking:
    """An extractor that meets a bug on one article ("boom" in its text), or a fatal endpoint error."""

    provider = "offline"
    model = None

    def __init__(self, fatal: bool = False) -> None:
        self.usage = Usage()
        self.fatal = fatal

    def spent(self) -> float:
        return 0.0

    async def extract(self, item: Article) -> ArticleBrief:
        if "boom" in item.text:
            if self.fatal:
                raise FatalModelError("the endpoint rejected the API key")
            raise ValueError("zip() argument 2 is shorter than argument 1\n(and a second line)")
        return extract_offline(item)


def test_an_unexpected_error_on_one_article_is_its_failure_and_the_rest_goes_on() -> None:
    items = [article(REPRO, id="a"), article("It went boom on Tuesday.", id="b"), article(REPRO, id="c")]
    briefs, failures = asyncio.run(extract_all(items, Breaking(), concurrency=2))  # type: ignore[arg-type]
    assert [b.id for b in briefs] == ["a", "c"]
    (failure,) = failures
    assert failure.source == "b.txt" and "\n" not in failure.error
    assert failure.error.startswith("extraction failed unexpectedly (ValueError: zip() argument 2 is shorter")
    with pytest.raises(FatalModelError):  # a rejected key still stops the run
        asyncio.run(extract_all(items, Breaking(fatal=True), concurrency=2))  # type: ignore[arg-type]
