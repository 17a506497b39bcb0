"""Every real feed of ../shared/corpus/feeds, briefed offline as a day of its own (skipped when the corpus is
absent): nothing crashes, and what the day's summary shows a reader is fit to be shown. Every bottom-line
sentence starts with a capital letter, ends with a full stop and has at most 45 words; no bottom-line sentence
or key fact is page boilerplate or a heading fused to its text."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest

from briefer.day.synthesize import synthesize
from briefer.models import ArticleBrief
from briefer.offline.extractor import extract_offline_many
from briefer.sources import IngestOptions, ingest
from tests.conftest import CORPUS

FEEDS = CORPUS / "feeds"
# Said independently of briefer's own patterns: the shapes issue 22 saw on a real morning.
BOILERPLATE = re.compile(
    r"originally (?:published|appeared)|continuing the conversation|will be unlocked|available to all of our "
    r"readers|\bsubscribe (?:to|for|now|here)\b|\bsign up (?:to|for|now|here)\b|^(?:content )?warning\s*:|"
    r"contains distressing|\bpaywall\b",
    re.I,
)
FUSED = re.compile(r"[a-z]{3}(?:How|The|What|Why|When|This|That|We|It|In)\s")  # "The Mad Forager’s KitchenHow to"


def feeds() -> list[Path]:
    """The feed files (not the parsers' expected outputs: rss-parser's output/, feed-rs's .serde.json), each
    content once."""
    found: dict[str, Path] = {}
    for path in sorted(FEEDS.rglob("*")):
        expected = "output" in path.parts or path.name.endswith(".serde.json")
        if path.suffix in (".xml", ".rss", ".atom", ".json") and not expected:
            found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return list(found.values())


def shown_badly(overview: list[str], facts: list[str]) -> list[str]:
    problems = []
    for sentence in overview:
        opening = sentence.lstrip("\"“‘'(«")
        if not opening[:1].isupper() or not sentence.rstrip("\"”’')»").endswith("."):
            problems.append(f"not a sentence: {sentence!r}")
        if len(sentence.split()) > 45:
            problems.append(f"{len(sentence.split())} words: {sentence[:80]!r}")
    for text in [*overview, *facts]:
        if BOILERPLATE.search(text) or FUSED.search(text):
            problems.append(f"boilerplate or a fused heading: {text[:100]!r}")
    return problems


def test_every_feed_runs_offline_and_its_summary_is_fit_to_show() -> None:
    if not FEEDS.is_dir():
        pytest.skip(f"{FEEDS} is not here")
    problems: list[str] = []
    briefed = 0
    seen: dict[tuple[str, str], ArticleBrief] = {}  # feeds that share items (rss-1.rss, xml2js-options.rss)
    for feed in feeds():
        articles = ingest([str(feed)], IngestOptions(follow=False)).articles
        if not articles:
            continue  # no readable article: said on one line by the reader, tested there
        new = [a for a in articles if (a.id, a.text) not in seen]
        seen.update(((a.id, a.text), b) for a, b in zip(new, extract_offline_many(new), strict=True))
        day = synthesize([seen[(a.id, a.text)] for a in articles], date(2026, 12, 4))
        briefed += 1
        name = feed.relative_to(FEEDS)
        problems += [
            f"{name}: {p}" for p in shown_badly([s.text for s in day.overview], [f.statement for f in day.facts])
        ]
        assert len(day.overview) <= 5, name
    assert briefed >= 40 and problems == []
