"""Rendered output: golden files for a fixed briefing, escaping of hostile text, safe links."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from briefer.day.synthesize import synthesize
from briefer.models import (
    ArticleBrief,
    Briefing,
    Commitment,
    DayCommitment,
    Evidence,
    Fact,
    Failure,
    Implication,
    Origin,
    OverviewSentence,
    SourcedEvidence,
    Theme,
    Usage,
)
from briefer.output.rendering import Format, choose_format, render
from briefer.output.templating import hide_path, outlet, output_environment

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).resolve().parents[2]


def env():  # type: ignore[no-untyped-def]
    return output_environment(None, Path("/nonexistent-user-home"))


def fixed_briefing() -> Briefing:
    text_a = "Arland pledged 40 tanks to Beloria by June 30. The deal was signed in Tarsby on Monday."
    a = ArticleBrief(
        id="aaaa",
        title="Arland pledges tanks",
        source="Tarsby Times",
        url="https://example.org/tanks",
        published=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        summary="Arland pledged 40 tanks to Beloria.",
        facts=[
            Fact(
                statement="The deal was signed in Tarsby.",
                evidence=[Evidence(quote=text_a[47:87], start=47, end=87)],
                grounded=True,
            ),
            Fact(
                statement="An unsupported claim.",
                evidence=[Evidence(quote="not in the text")],
                grounded=False,
                ungrounded_reason="not_found",
            ),
            Fact(  # its quote is the article's, about something else
                statement="Beloria declared war.",
                evidence=[Evidence(quote=text_a[47:87], start=47, end=87)],
                grounded=False,
                ungrounded_reason="unsupported",
            ),
        ],
        commitments=[
            Commitment(
                actor="Arland",
                action="deliver 40 tanks",
                counterparty="Beloria",
                deadline="by June 30",
                due=date(2026, 6, 30),
                evidence=[Evidence(quote=text_a[0:46], start=0, end=46)],
                grounded=True,
            )
        ],
        implications=[
            Implication(statement="Beloria's army grows.", rationale="40 tanks is a lot.", confidence="medium")
        ],
    )
    b = ArticleBrief(
        id="bbbb",
        title="Kessvik dam approved",
        source="examples/kessvik.txt",
        duplicates=[
            Origin(source="Coast News", url="https://coast.example/dam"),
            Origin(source="Wire", url="javascript:x"),
        ],
        summary="The Kessvik dam was approved.",
        facts=[
            Fact(
                statement="The dam was approved.",
                evidence=[Evidence(quote="The dam was approved", start=0, end=20)],
                grounded=True,
            )
        ],
        implications=[
            Implication(
                statement="Prices may rise.", rationale="Stated in the article.", confidence="low", basis="stated"
            )
        ],
    )
    day = synthesize([a, b], date(2026, 3, 2))
    return Briefing(
        title="Morning briefing",
        date=date(2026, 3, 2),
        generated_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        provider="openai",
        model="fake-model",
        overview="Arland pledged tanks. A dam was approved.",
        overview_sentences=[
            OverviewSentence(text="Arland pledged tanks.", articles=["aaaa"]),
            OverviewSentence(text="A dam was approved.", articles=["bbbb", "unknown-id"]),  # unknown: not cited
        ],
        themes=[
            Theme(label="Arland, Kessvik", articles=["aaaa"]),
            Theme(label="Other stories", articles=["bbbb"], other=True),
        ],
        commitments=day.commitments,
        facts=day.facts,
        conflicts=day.conflicts,
        watch=day.watch,
        articles=[a, b],
        failures=[Failure(source="broken.txt", error="empty file")],
        usage=Usage(requests=2, prompt_tokens=200, completion_tokens=100, elapsed_seconds=1.5),
    )


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden(fmt: Format) -> None:
    rendered = render(fixed_briefing(), fmt, env())
    golden = GOLDEN / f"briefing.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_citations_link_each_item_to_its_quote() -> None:
    html = render(fixed_briefing(), "html", env())
    for n in (1, 2, 3):
        assert f'href="#cite-{n}"' in html and f'id="cite-{n}"' in html
    assert 'href="#article-1"' in html and 'id="article-1"' in html  # the source entry leads back to the article
    assert "An unsupported claim." not in html  # ungrounded items are left out by default
    md = render(fixed_briefing(), "md", env())
    assert md.count("[^1]:") == 1 and "[^1]" in md.split("[^1]:")[0]


def test_include_ungrounded_marks_them() -> None:
    html = render(fixed_briefing(), "html", env(), include_ungrounded=True)
    assert "An unsupported claim." in html and "unverified" in html
    assert "not in the text" not in html  # an unfound quote is never shown as evidence


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_unverified_items_say_why_and_cite_nothing(fmt: Format) -> None:
    hidden = render(fixed_briefing(), fmt, env())
    assert "Beloria declared war." not in hidden and "An unsupported claim." not in hidden
    shown = render(fixed_briefing(), fmt, env(), include_ungrounded=True).splitlines()
    war = next(line for line in shown if "Beloria declared war." in line)
    assert "unverified: quote does not support it" in war
    assert "[^" not in war and "cite" not in war  # its quote backs the deal fact, not this one
    unfound = next(line for line in shown if "An unsupported claim." in line)
    assert "unverified: quote not found in the article" in unfound


def test_the_json_says_why_and_a_briefing_saved_before_the_reason_still_loads() -> None:
    saved = json.loads(render(fixed_briefing(), "json", env()))
    facts = saved["articles"][0]["facts"]
    assert [f["ungrounded_reason"] for f in facts] == [None, "not_found", "unsupported"]
    for article in saved["articles"]:
        for item in article["facts"] + article["commitments"]:
            del item["ungrounded_reason"]
    old = Briefing.model_validate_json(json.dumps(saved))
    assert [f.ungrounded_reason for f in old.articles[0].facts] == [None, None, None]
    md = render(old, "md", env(), include_ungrounded=True)
    assert md.count("unverified: quote not found in the article") == 2  # the one way it could be, then


def hostile() -> Briefing:
    briefing = fixed_briefing()
    evil = "<script>alert(1)</script> <!-- x --> [click](javascript:alert(1)) <img src=x onerror=alert(1)> **bold**"
    article = briefing.articles[0].model_copy(
        update={
            "title": evil,
            "summary": evil,
            "url": "javascript:alert(1)",
            "facts": [Fact(statement=evil, evidence=[Evidence(quote=evil, start=0, end=10)], grounded=True)],
        }
    )
    return briefing.model_copy(update={"articles": [article], "overview": evil, "title": evil})


def test_html_escapes_article_and_model_text() -> None:
    html = render(hostile(), "html", env())
    assert "<script>" not in html and "<!-- x -->" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert all(h.startswith(("#", "http://", "https://")) for h in hrefs), hrefs


def test_markdown_neutralises_markup_and_links() -> None:
    md = render(hostile(), "md", env())
    assert "<script>" not in md and "<img" not in md and "<!--" not in md
    assert not re.search(r"(?<!\\)\]\(javascript", md) and "<javascript" not in md
    assert "\\*\\*bold\\*\\*" in md and "\\[click\\]" in md


def test_choose_format() -> None:
    assert choose_format(Path("x.HTML"), None) == "html"
    assert choose_format(None, None) == "md"
    assert choose_format(Path("x.md"), "json") == "json"


def test_long_words_wrap_and_tables_fit_their_box() -> None:
    css = (REPO / "templates" / "briefing.css").read_text(encoding="utf-8")
    body = re.search(r"^body \{[^}]*\}", css, re.M | re.S)
    assert body and "overflow-wrap: anywhere" in body.group(0)
    assert re.search(r"^\.table-scroll \{[^}]*overflow-x: auto", css, re.M)
    assert re.search(r"^td\.action, td\.long \{ overflow-wrap: anywhere; \}", css, re.M)
    assert re.search(r"^th, td \{ overflow-wrap: break-word; \}", css, re.M)  # headers, short words stay whole
    narrow = css[css.index("@media (max-width: 600px)") :]
    assert "td.empty { display: none; }" in narrow.split("\n}\n")[0]
    email_css = (REPO / "templates" / "email.css").read_text(encoding="utf-8")
    assert "overflow-wrap: anywhere" in email_css and ".table-scroll" in email_css
    html = render(fixed_briefing(), "html", env())
    assert '<div class="table-scroll" role="region" aria-label="Commitments" tabindex="0">\n<table>' in html


def with_commitments(*commitments: DayCommitment) -> Briefing:
    briefing = fixed_briefing()
    return briefing.model_copy(update={"commitments": list(commitments)})


def day_commitment(actor: str, action: str, **fields: object) -> DayCommitment:
    quote = SourcedEvidence(article="aaaa", quote="Arland pledged 40 tanks to Beloria by June 30.", start=0, end=46)
    return DayCommitment(actor=actor, action=action, sources=["aaaa"], evidence=[quote], **fields)  # type: ignore[arg-type]


def test_a_commitments_column_no_row_fills_is_left_out() -> None:
    bare = with_commitments(day_commitment("Arland", "deliver tanks"), day_commitment("Beloria", "pay for them"))
    html = render(bare, "html", env())
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert re.findall(r"<th>(\w+)</th>", head) == ["Actor", "Commitment"]
    assert 'data-label="To"' not in html and 'data-label="By"' not in html and 'data-label="Status"' not in html
    md = render(bare, "md", env())
    assert "| Actor | Commitment | |\n|---|---|---|\n| Arland | deliver tanks | [^1] |" in md

    mixed = with_commitments(
        day_commitment("Arland", "deliver tanks", due=date(2026, 1, 5)),
        day_commitment("Beloria", "pay for them"),
    )
    html = render(mixed, "html", env())
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert re.findall(r"<th>(\w+)</th>", head) == ["Actor", "Commitment", "By", "Status"]
    assert '<td class="due" data-label="By"><time datetime="2026-01-05">' in html
    assert '<td class="status" data-label="Status"><span class="chip warn">overdue</span></td>' in html
    assert '<td class="due empty" data-label="By">–</td>' in html  # hidden where rows become cards
    assert '<td class="status empty" data-label="Status">–</td>' in html
    md = render(mixed, "md", env())
    assert "| Actor | Commitment | By | Status | |" in md and "| Beloria | pay for them | – | – | [^1] |" in md


def test_a_cell_with_an_overlong_word_may_break_it() -> None:
    url = "https://example.org/" + "a-very-long-path-" * 4
    briefing = with_commitments(day_commitment("Bundesverfassungsgerichtspräsident", f"publish {url}"))
    html = render(briefing, "html", env())
    assert '<td class="actor long" data-label="Actor">Bundesverfassungsgerichtspräsident</td>' in html
    assert '<td class="action" data-label="Commitment">publish https://' in html


@pytest.mark.parametrize(
    ("source", "url", "shown"),
    [
        ("Tarsby Times", "https://example.org/a", "Tarsby Times"),
        ("/home/ann/news/today.jsonl", "https://www.coast.example/dam", "coast.example"),
        (
            "/home/ann/a.jsonl",
            "http://web.archive.org/web/2015id_/http://www.dailymail.co.uk/a.html",
            "dailymail.co.uk",
        ),
        ("/home/ann/news/page.html.gz", None, "page.html.gz"),
        ("/home/ann/news/page.html", "javascript:alert(1)", "page.html"),
        ("examples/kessvik.txt", None, "kessvik.txt"),
        ("kessvik.txt", "https://coast.example/dam", "coast.example"),
        ("C:\\Users\\ann\\a.md", None, "a.md"),
        ("~/a.txt", None, "a.txt"),
        ("-", None, "standard input"),
        ("https://www.example.org/world.rss", None, "example.org"),
        ("r/worldnews", None, "r/worldnews"),
    ],
)
def test_a_source_is_shown_as_its_outlet_or_file_name(source: str, url: str | None, shown: str) -> None:
    assert outlet(Origin(source=source, url=url)) == shown


def test_failures_show_no_folders() -> None:
    assert hide_path("/srv/in/feeds.jsonl:12") == "feeds.jsonl:12"
    assert hide_path("/srv/in/world.xml (entry 3)") == "world.xml (entry 3)"
    assert hide_path("https://example.org/gone") == "https://example.org/gone"


def test_no_local_path_reaches_the_reader() -> None:
    briefing = fixed_briefing()
    copy = Origin(source="/home/ann/copy.txt")
    local = briefing.articles[1].model_copy(
        update={"source": "/home/ann/news/kessvik.txt", "url": None, "duplicates": [copy]}
    )
    web = briefing.articles[0].model_copy(update={"source": "/home/ann/news/today.jsonl"})
    failure = Failure(source="/home/ann/news/broken.txt", error="empty file")
    briefing = briefing.model_copy(update={"articles": [web, local], "failures": [failure]})
    for fmt in ("html", "md"):
        text = render(briefing, fmt, env())  # type: ignore[arg-type]
        assert "/home/ann" not in text
        assert "kessvik.txt" in text and "example.org" in text and "copy.txt" in text and "broken.txt" in text
    assert "2 articles from 2 sources" in render(briefing, "html", env())


def test_corpus_briefing_names_outlets_not_the_input_file(corpus: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from briefer.cli import app

    lines = (corpus / "news-text" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:30]
    source = tmp_path / "thirty.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("b.html", "b.md"):
        result = CliRunner().invoke(app, ["run", str(source), "--offline", "-q", "-o", name])
        assert result.exit_code == 0, result.output
        text = Path(name).read_text(encoding="utf-8")
        assert str(tmp_path) not in text and "thirty.jsonl" not in text
        assert "dailymail.co.uk" in text


def remembering_briefing() -> Briefing:
    """The fixed briefing marked against a made-up ledger, with what changed since a made-up previous run."""
    from briefer.customize import with_history

    return with_history(fixed_briefing())


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden_with_the_ledger(fmt: Format) -> None:
    rendered = render(remembering_briefing(), fmt, env())
    golden = GOLDEN / f"briefing-ledger.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")
    assert "Since the last briefing" in rendered and "Overdue" in rendered and "changed" in rendered


def test_ledger_sections_escape_their_text() -> None:
    from briefer.models import Changes, LedgerItem, StatusChange

    evil = "<script>alert(1)</script> [x](javascript:alert(1))"
    item = LedgerItem(
        id="abc", actor=evil, action=evil, status="overdue", first_seen=date(2026, 3, 1), last_seen=date(2026, 3, 1)
    )
    briefing = fixed_briefing().model_copy(
        update={
            "overdue": [item],
            "due_soon": [item],
            "done": [item.model_copy(update={"quote": evil})],
            "changes": Changes(
                previous=date(2026, 3, 1),
                status=[StatusChange(id="abc", actor=evil, action=evil, was="new", now="overdue")],
            ),
        }
    )
    html = render(briefing, "html", env())
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html
    md = render(briefing, "md", env())
    assert "<script>" not in md and not re.search(r"(?<!\\)\]\(javascript", md)
