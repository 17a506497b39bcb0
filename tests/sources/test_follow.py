"""Feed teasers and the --since window, over real HTTP on loopback: a teaser whose page cannot be read is
said (how many, and why, in one line), and items outside the window are dropped by the feed's own dates
before any link is followed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.sources import IngestOptions, ingest, parse_since
from briefer.sources.web import FetchSettings
from tests.fake_web import FakeWeb, page, rss

runner = CliRunner()
LONG = " ".join(["The Tarsby council approved the harbour plan on Thursday after a long debate about its cost."] * 15)


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb().start()
    yield server
    server.stop()


def _date(ago: timedelta) -> str:
    return format_datetime(datetime.now(UTC) - ago, usegmt=True)


def _teasers(web: FakeWeb, broken: int, good: int = 0, full: int = 0, ago: timedelta = timedelta(hours=1)) -> str:
    """A feed of `broken` teasers whose pages answer 503, `good` teasers whose pages are readable, and `full`
    items that carry their whole text."""
    items = []
    for n in range(broken):
        link = web.add(f"/broken/{n}", "down for maintenance", status=503)
        items.append({"title": f"Broken story {n}", "link": link, "description": f"Teaser {n} of a story."})
    for n in range(good):
        link = web.add(f"/good/{n}", page(f"Good story {n}", [LONG, f"Story {n} ends here with a quote."]))
        items.append({"title": f"Good story {n}", "link": link, "description": f"Teaser {n} of a good one."})
    for n in range(full):
        items.append({"title": f"Full story {n}", "link": web.url(f"/full/{n}"), "description": f"{LONG} ({n})"})
    for item in items:
        item["date"] = _date(ago)
    return web.add("/feed.xml", rss("Tarsby Times", items), content_type="application/rss+xml")


def test_teasers_whose_pages_fail_are_counted_with_the_reason(web: FakeWeb) -> None:
    feed = _teasers(web, broken=3, good=1, full=1)
    options = IngestOptions(fetch=FetchSettings(timeout=2.0))
    result = ingest([feed], options)
    assert len(result.articles) == 5 and result.failures == []
    assert result.tally.teaser_note() == (
        "3 of 5 feed items briefed from their teaser only: the page fetch failed (HTTP 503 Service Unavailable)"
    )


def test_ingest_says_how_many_items_stayed_teasers_and_why(web: FakeWeb) -> None:
    feed = _teasers(web, broken=2, full=1)
    result = runner.invoke(app, ["ingest", feed])
    assert result.exit_code == 0, result.output
    assert (
        "briefer: 2 of 3 feed items briefed from their teaser only: the page fetch failed "
        "(HTTP 503 Service Unavailable)\n" in result.stderr
    )


def test_run_says_it_too_and_names_each_reason(web: FakeWeb, isolated: Path) -> None:
    feed = _teasers(web, broken=2, full=1)
    web.add("/feed2.xml", rss("Kessvik Post", [{"title": "No link", "link": "", "description": "A teaser."}]))
    out = isolated / "b.md"
    result = runner.invoke(app, ["run", "--offline", "--no-history", feed, web.url("/feed2.xml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "briefer: 3 of 4 feed items briefed from their teaser only: the page fetch failed "
        "(HTTP 503 Service Unavailable) (2); the item has no http(s) link (1)\n" in result.stderr
    )


def test_a_refused_connection_is_named(web: FakeWeb) -> None:
    dead = FakeWeb().start()
    link = dead.url("/story")
    dead.stop()  # nothing listens on its port any more
    feed = web.add(
        "/feed.xml",
        rss("Tarsby Times", [{"title": "Story", "link": link, "description": "A teaser."}]),
        content_type="application/rss+xml",
    )
    note = ingest([feed], IngestOptions(fetch=FetchSettings(timeout=2.0))).tally.teaser_note()
    assert note is not None and note.startswith("1 of 1 feed item briefed from their teaser only: ")
    assert "the page fetch failed (cannot connect" in note


def test_no_note_when_every_teaser_was_completed_or_not_followed(web: FakeWeb) -> None:
    feed = _teasers(web, broken=0, good=2)
    assert ingest([feed], IngestOptions(fetch=FetchSettings(timeout=2.0))).tally.teaser_note() is None
    feed = _teasers(web, broken=2)
    result = runner.invoke(app, ["ingest", "--no-follow", feed])
    assert result.exit_code == 0 and "teaser" not in result.stderr


def test_since_drops_feed_items_by_their_dates_before_following_links(web: FakeWeb) -> None:
    old = [
        {"title": f"Old {n}", "link": web.add(f"/old/{n}", page(f"Old {n}", [LONG])), "date": _date(timedelta(days=9))}
        for n in range(3)
    ]
    fresh = web.add("/fresh", page("Fresh", [LONG]))
    items = [*old, {"title": "Fresh", "link": fresh, "date": _date(timedelta(hours=2))}]
    feed = web.add("/feed.xml", rss("Tarsby Times", items), content_type="application/rss+xml")
    options = IngestOptions(fetch=FetchSettings(timeout=2.0), since=parse_since("24h"))
    result = ingest([feed], options)
    assert [a.title for a in result.articles] == ["Fresh"] and result.too_old == 3
    assert sorted(web.hits) == ["/feed.xml", "/fresh"]  # no page fetched for an item the window drops


def test_since_that_leaves_nothing_says_so(web: FakeWeb, isolated: Path) -> None:
    feed = _teasers(web, broken=0, good=3, ago=timedelta(days=3))
    result = runner.invoke(app, ["run", "--offline", "--no-history", "--since", "24h", feed])
    assert result.exit_code == 3
    assert "briefer: error: no article published in the --since window (24h): 3 read, all older\n" in result.stderr
    assert web.hits == ["/feed.xml"]
    result = runner.invoke(app, ["ingest", "--since", "24h", feed])
    assert result.exit_code == 3 and "no article published in the --since window (24h): 3 read" in result.stderr


def test_since_applies_to_a_page_by_its_own_date(web: FakeWeb) -> None:
    url = web.add("/page", page("Old page", [LONG], date="2020-01-02"))
    result = ingest([url], IngestOptions(fetch=FetchSettings(timeout=2.0), since=parse_since("2w")))
    assert result.articles == [] and result.too_old == 1
    assert result.tally.nothing_left([]) == "no article published in the --since window: 1 read, all older"
