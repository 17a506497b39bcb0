"""Standfirsts, headings and publishers' notices in the feed and page readers: a standfirst or heading is a
sentence of its own, never fused to the text after it; notices ("originally published … on Medium",
"subscribe", paywalls, content warnings) are not article text. Feeds and pages written for these tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.sources import IngestOptions, ingest
from briefer.sources.boilerplate import clean_text, is_boilerplate
from briefer.sources.web import FetchSettings
from tests.fake_web import FakeWeb, page, rss

runner = CliRunner()
BODY = (
    "Mayor Ilse Vantongeren said the council will rebuild the harbour wall by March 2027. "
    "The work will cost 12 million euros, paid from the regional storm fund. "
    "Engineers found three weak sections of the old wall last month."
)
NOTICES = [
    "Harbour Wall Plans was originally published in Tarsby Stories on Medium, where people are continuing the "
    "conversation by highlighting and responding to this story.",
    "Subscribe to our daily newsletter for more stories like this one.",
    "Warning: this report contains distressing details",
    "The story will be unlocked and available to all of our readers after 30 days.",
    "This story is currently available to Medium Members at the following link:",
    "Previously available only to Medium members, we are now pleased to offer this article for free to everyone.",
    "This article was originally published on The Conversation.",
    "A version of this post originally appeared in Google bathrooms worldwide as a Testing on the Toilet episode.",
    "Continue reading...",
]
NEWS_THAT_LOOKS_LIKE_NOTICES = [
    "The company said 10 million people subscribe to its streaming service every month.",
    "The report was originally published in 2019 by the ministry and found three weak sections.",
    "Police unlocked the phone after a court order on Tuesday.",
    "Subscribers to the ferry pass will pay 30 euros a month from June, the operator said.",
]


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb().start()
    yield server
    server.stop()


def _fused(text: str) -> list[str]:
    """Words in which a lower-case letter runs straight into a capital: "KitchenHow"."""
    return re.findall(r"\b\w*[a-z][A-Z]\w*", text)


def _feed_file(tmp_path: Path) -> Path:
    content = (
        '<figure><img src="x.jpg"><figcaption>The Harbour Kitchen</figcaption></figure>'
        "<h4>How the Council Plans to Rebuild the Wall</h4>"
        "<p>The mayor’s plan drew applause while fishing crews showed quiet doubt</p>"
        f"<p>{BODY}</p>"
        "<p><strong>Warning: this report contains distressing details</strong></p>"
        "<h3>What comes next</h3>"
        "<p>The council meets again in January to choose a builder for the new harbour wall.</p>"
        "<p>Subscribe to our daily newsletter for more stories like this one.</p>"
        "<h4>The story will be unlocked and available to all of our readers after 30 days.</h4>"
        '<hr><p><a href="https://medium.com/x">Harbour Wall Plans</a> was originally published in '
        '<a href="https://medium.com/t">Tarsby Stories</a> on Medium, where people are continuing the '
        "conversation by highlighting and responding to this story.</p>"
        '<p><a href="https://example.org/story">Continue reading...</a></p>'
    )
    path = tmp_path / "medium.rss"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Tarsby Stories</title>'
        "<item><title>Harbour Wall Plans</title><link>https://example.org/story</link>"
        "<pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item></channel></rss>",
        encoding="utf-8",
    )
    return path


def test_notices_are_boilerplate_and_news_is_not() -> None:
    for line in NOTICES:
        assert is_boilerplate(line), line
    for line in NEWS_THAT_LOOKS_LIKE_NOTICES:
        assert not is_boilerplate(line), line


def test_every_paragraph_ends_a_sentence_and_a_broken_one_is_joined() -> None:
    text = "\n".join(
        [
            "A standfirst without a stop",
            "The body starts here.",
            "A heading: with a colon:",
            "A list item that was",
            "broken in two",
            "“A quote.”",
            "Apple results",
            "iPhone sales rose.",
        ]
    )
    assert clean_text(text, None).split("\n") == [
        "A standfirst without a stop.",
        "The body starts here.",
        "A heading: with a colon:",
        "A list item that was broken in two.",
        "“A quote.”",
        "Apple results.",  # a heading, not a sentence broken before a name written in lower case first
        "iPhone sales rose.",
    ]


def test_a_feed_item_keeps_its_standfirst_and_headings_apart_and_drops_notices(tmp_path: Path) -> None:
    (article,) = ingest([str(_feed_file(tmp_path))], IngestOptions(follow=False)).articles
    lines = article.text.split("\n")
    assert lines[:3] == [
        "How the Council Plans to Rebuild the Wall.",
        "The mayor’s plan drew applause while fishing crews showed quiet doubt.",
        BODY,
    ]
    assert "What comes next." in lines
    assert "Harbour Kitchen" not in article.text  # a picture's caption is not the article
    assert _fused(article.text) == []
    for notice in ("originally published", "Subscribe", "Warning", "unlocked", "Continue reading"):
        assert notice not in article.text, notice


def test_a_page_drops_notices_and_ends_its_headings(web: FakeWeb) -> None:
    paragraphs = [
        "The mayor’s plan drew applause while fishing crews showed quiet doubt",
        BODY,
        *NOTICES[1:3],
        "<h2>What comes next</h2>",
        "The council meets again in January to choose a builder for the new harbour wall.",
        *NEWS_THAT_LOOKS_LIKE_NOTICES,
        NOTICES[6],
    ]
    html = page("Tarsby rebuilds its harbour wall", paragraphs).replace("<p><h2>", "<h2>").replace("</h2></p>", "</h2>")
    (article,) = ingest([web.add("/story", html)], IngestOptions(fetch=FetchSettings(timeout=2.0))).articles
    assert "The mayor’s plan drew applause while fishing crews showed quiet doubt.\n" in article.text
    for notice in ("Subscribe to our", "Warning", "The Conversation"):
        assert notice not in article.text, notice
    for line in NEWS_THAT_LOOKS_LIKE_NOTICES:
        assert line in article.text, line
    assert _fused(article.text) == []


def test_the_bottom_line_starts_with_the_standfirst_as_its_own_sentence(tmp_path: Path, isolated: Path) -> None:
    out = isolated / "b.md"
    result = runner.invoke(app, ["run", "--offline", "--no-history", str(_feed_file(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    briefing = out.read_text(encoding="utf-8")
    bottom_line = briefing.split("## Bottom line")[1].split("##")[0]
    assert "showed quiet doubt." in bottom_line and "quiet doubt Mayor" not in briefing
    for notice in ("originally published", "Subscribe", "Warning", "unlocked"):
        assert notice not in briefing, notice
    assert _fused(briefing.split("## Sources")[0]) == []


def test_feed_rss_items_from_the_fake_web_are_cleaned_the_same_way(web: FakeWeb) -> None:
    description = f"<p>The mayor’s plan drew applause</p><p>{BODY}</p><p>{NOTICES[0]}</p>"
    url = web.add(
        "/feed.xml",
        rss("Tarsby Times", [{"title": "Wall", "link": web.url("/x"), "description": description}]),
        content_type="application/rss+xml",
    )
    (article,) = ingest([url], IngestOptions(follow=False)).articles
    assert article.text == f"The mayor’s plan drew applause.\n{BODY}"
