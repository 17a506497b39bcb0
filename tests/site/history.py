"""A small history for the site's tests: the two project-written days of tests/data/ledger run offline through
the real pipeline, then an evening briefing, written straight into the store, whose every string is hostile
markup (an article, a bottom line, a title and a commitment's actor, action, recipient, quote and sources)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from briefer import pipeline
from briefer.config import Settings, load_settings
from briefer.memory.records import NewSighting
from briefer.memory.store import open_store, store_path
from briefer.models import Briefing
from tests.conftest import REPO

DAYS = REPO / "tests" / "data" / "ledger"
DAY1, DAY2, DAY3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
HOSTILE_ID = "a1b2c3d4"
# What must never reach a page as markup, and what must never be a link.
HOSTILE = ("<script>alert", "<img src=x", "<svg onload", "<b onmouseover")
SCRIPT_TITLE = '<script>alert("title")</script> Evening'
IMG_HEADLINE = '<img src=x onerror=alert("headline")>'


def settings_for(home: Path, **overrides: object) -> Settings:
    """Settings whose every directory is under `home`, offline, whatever the process's environment."""
    return load_settings({"provider": "offline", **overrides}, env={"BRIEFER_HOME": str(home)}, cwd=home)  # type: ignore[typeddict-item]


def run_day(settings: Settings, folder: Path, day: date, out: Path) -> None:
    request = pipeline.Request(sources=[str(folder)], output=out, day=day)
    pipeline.run(settings, request)


def hostile_day(settings: Settings, day: date = DAY3, name: str = "evening") -> None:
    """The evening briefing (or another `name`'s): every article-derived string is an attempt at markup."""
    briefing = Briefing.model_validate_json(
        json.dumps(
            {
                "title": SCRIPT_TITLE,
                "date": day.isoformat(),
                "generated_at": f"{day.isoformat()}T18:00:00+00:00",
                "provider": "offline",
                "overview": 'The <img src=x onerror=alert("overview")> board <b onmouseover=alert(1)>pledged</b>.',
                "articles": [
                    {
                        "id": "hostile-1",
                        "title": IMG_HEADLINE,
                        "source": "<svg onload=alert('outlet')>",
                        "url": "javascript:alert(1)",
                        "summary": '<script>alert("summary")</script> The board met.',
                    }
                ],
                "commitments": [
                    {
                        "actor": '<script>alert("actor")</script> board',
                        "action": 'open <img src=x onerror=alert("action")> the harbour',
                        "due": "2026-12-08",
                        "deadline": "by 8 December",
                        "sources": ["hostile-1"],
                        "evidence": [],
                        "ledger_id": HOSTILE_ID,
                        "status": "new",
                        "first_seen": day.isoformat(),
                    }
                ],
            }
        )
    )
    sighting = NewSighting(
        id=HOSTILE_ID,
        first_seen=day,
        actor='<script>alert("actor")</script> board',
        action='open <img src=x onerror=alert("action")> the harbour',
        counterparty="<svg onload=alert('to')>",
        deadline="by 8 December",
        due=date(2026, 12, 8),
        mark="new",
        changed=[],
        quotes=['<b onmouseover=alert("quote")>We will</b> open it.'],
        sources=["javascript:alert(1)", 'https://example.org/a"><script>alert("src")</script>'],
    )
    with open_store(store_path(settings.dirs.data)) as store:
        store.save(briefing, name, [sighting], [])


def make_history(home: Path, hostile: bool = True) -> Settings:
    """Two days of the ledger's articles briefed offline, and (with `hostile`) the evening briefing."""
    settings = settings_for(home)
    run_day(settings, DAYS / "day1", DAY1, home / "day1.html")
    run_day(settings, DAYS / "day2", DAY2, home / "day2.html")
    if hostile:
        hostile_day(settings)
    return settings
