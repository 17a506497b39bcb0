"""The site's pieces on their own: a briefing template with no <head> still gets its policy, many runs are
made in parallel into the same pages, runs of one day get a page each, and names become safe file names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from briefer.memory.store import open_store, store_path
from briefer.models import Briefing
from briefer.site.briefings import PARALLEL_FROM, fit
from briefer.site.build import build
from briefer.site.records import briefing_page, plain_slug, slug
from tests.site.history import settings_for


def test_a_briefing_template_without_head_or_body_still_gets_its_policy_and_nav() -> None:
    page = fit("<p>Only this</p>\n", "default-src 'none'", "<nav>archive</nav>", ".x{}", (), "../")
    assert page.index('<meta http-equiv="Content-Security-Policy"') < page.index("<style>") < page.index("<p>")
    assert page.rstrip().endswith("<nav>archive</nav>")
    doctype = fit("<!DOCTYPE html><p>x</p>", "default-src 'none'", "<nav></nav>", "", (), "../")
    assert doctype.startswith("<!DOCTYPE html>\n<meta http-equiv")  # after the doctype: no quirks mode


def test_only_ledger_ids_known_are_linked() -> None:
    html = "<html><head></head><body><code>7d93b4ec</code> <code>00000000</code></body></html>"
    page = fit(html, "default-src 'none'", "", "", ("7d93b4ec",), "../")
    assert '<a href="../c/7d93b4ec.html"><code>7d93b4ec</code></a>' in page
    assert "<code>00000000</code>" in page and 'href="../c/00000000.html"' not in page


def _runs(home: Path, count: int) -> None:
    with open_store(store_path(settings_for(home).dirs.data)) as store:
        for n in range(count):
            day = date(2026, 10, 1) + timedelta(days=n)
            briefing = Briefing(
                title=f"Day {n}", date=day, generated_at=datetime(2026, 10, 1, 7, tzinfo=UTC), provider="offline"
            )
            store.save(briefing, "default", [], [])
        same_day = Briefing(
            title="Other sources",
            date=date(2026, 10, 1),
            generated_at=datetime(2026, 10, 1, 9, tzinfo=UTC),
            provider="offline",
        )
        store.save(same_day, "default", [], [], key="other-sources", sources=["elsewhere/"])


def test_many_runs_are_made_in_parallel_into_the_same_pages(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _runs(home, PARALLEL_FROM + 6)
    settings = settings_for(home)
    report = build(settings, tmp_path / "site")
    assert report.runs == PARALLEL_FROM + 7
    pages = sorted(p.name for p in (tmp_path / "site" / "briefings").iterdir())
    assert len(pages) == PARALLEL_FROM + 7 and "2026-10-01.html" in pages
    other = next(p for p in pages if p.startswith("2026-10-01-"))  # the day's second run: its number
    assert "Other sources" in (tmp_path / "site" / "briefings" / other).read_text(encoding="utf-8")
    assert "<h1>Day 5</h1>" in (tmp_path / "site" / "briefings" / "2026-10-06.html").read_text(encoding="utf-8")
    again = build(settings, tmp_path / "again")
    assert all(
        (tmp_path / "site" / "briefings" / p).read_bytes() == (tmp_path / "again" / "briefings" / p).read_bytes()
        for p in pages
    )
    assert again.written == report.written


def test_names_become_file_names_that_never_collide() -> None:
    assert slug("morning") == "morning"
    names = ["Morning news", "morning-news", "morning news", "Утро"]
    slugs = [slug(n) for n in names]
    assert len(set(slugs)) == 4 and all(s.replace("-", "").isalnum() and s.isascii() for s in slugs)
    assert plain_slug("Port Estrel harbour authority") == "port-estrel-harbour-authority"
    assert briefing_page("default", date(2026, 12, 1)) == "briefings/2026-12-01.html"
    assert briefing_page("evening", date(2026, 12, 1), 7) == "briefings/2026-12-01-evening-7.html"
