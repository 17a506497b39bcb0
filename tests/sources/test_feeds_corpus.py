"""Every real feed of ../shared/corpus/feeds (rss-parser's inputs, feed-rs's fixtures) through `briefer run
--offline --no-follow` (nothing is fetched; skipped when the corpus is absent).

One run over a folder holding a copy of every feed (one run per feed takes a minute; this takes seconds),
and one run each of the two feeds issue 22 quotes (the Guardian's, Medium's). Asserted: no run crashes and
no article fails unexpectedly; no key fact or bottom-line sentence, nor any article's fact (the key facts'
candidates), is a publisher's notice or holds a heading fused to its text; every bottom-line sentence starts
with a capital letter and ends with a full stop.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefer.cli import app

runner = CliRunner()
BOILERPLATE = re.compile(r"originally (?:published|appeared)|subscribe|warning: this|unlocked", re.I)
# A lower-case letter straight into a capital that starts a word: "KitchenHow". Such a word is fused when no
# feed holds it: "iPhone" or "YouTube" are the authors' own.
CAMEL = re.compile(r"\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b")
BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|tr|td|th|figure|figcaption|section|article|"
    r"header|footer|aside|nav|title|description|summary|content|item|entry)\b[^<>]*>",
    re.I,
)
INLINE_TAG = re.compile(r"<[a-zA-Z/][^<>]*>")
CAPITALISED = re.compile(r"^[\"'“‘(«¿¡]?[A-Z0-9À-Ý]")
ENDED = re.compile(r"[.!?…][\"'”’)»]*$")


def _feeds(corpus: Path) -> list[Path]:
    root = corpus / "feeds"
    found = sorted((root / "rss-parser" / "input").glob("*"))
    found += sorted(p for p in (root / "feed-rs" / "fixture").rglob("*") if p.is_file() and ".serde." not in p.name)
    return found


def _raw(feeds: list[Path]) -> str:
    """The feeds' text as a browser shows it: a block element's tags break the text, inline ones do not, so a
    word the author's markup runs together ("by<a>someone</a>") is in it and a heading run into the paragraph
    after it ("Kitchen</figcaption></figure><h4>How") is not. Escaped twice in some feeds."""
    text = "\n".join(f.read_bytes().decode("utf-8", "replace") for f in feeds)
    text = text.replace("<![CDATA[", "").replace("]]>", "")
    text = html.unescape(html.unescape(text))
    return INLINE_TAG.sub("", BLOCK_TAG.sub("\n", text))


def problems(sentence: str, where: str, raw: str, bottom_line: bool) -> list[str]:
    """What is wrong with a sentence the briefing shows; `raw` is the feeds' own text."""
    found = []
    if BOILERPLATE.search(sentence):
        found.append(f"{where}: boilerplate: {sentence!r}")
    fused = [w for w in CAMEL.findall(sentence) if w not in raw]
    if fused:
        found.append(f"{where}: heading fused to its text {fused}: {sentence!r}")
    if bottom_line and not (CAPITALISED.search(sentence) and ENDED.search(sentence)):
        found.append(f"{where}: not a whole sentence: {sentence!r}")
    return found


def _run(source: Path, out: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["run", "--offline", "--no-follow", "--no-history", "-q", str(source), "-o", str(out)])
    assert result.exit_code == 0, f"{source.name}: exit {result.exit_code}: {result.output[-500:]}"
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    crashed = [f"{f['source']}: {f['error']}" for f in data["failures"] if "unexpectedly" in f["error"]]
    assert crashed == []
    return data


def _check(data: dict[str, Any], name: str, raw: str) -> list[str]:
    found = []
    for s in data["overview_sentences"]:
        found += problems(s["text"], f"{name} bottom line", raw, bottom_line=True)
    for fact in data["facts"]:
        found += problems(fact["statement"], f"{name} key fact", raw, bottom_line=False)
    for article in data["articles"]:
        for fact in article["facts"]:
            found += problems(fact["statement"], f"{name} fact of {article['title']!r}", raw, bottom_line=False)
    return found


def test_all_the_feeds_in_one_run(corpus: Path, tmp_path: Path) -> None:
    feeds = _feeds(corpus)
    assert len(feeds) >= 80
    folder = tmp_path / "feeds"
    folder.mkdir()
    for feed in feeds:
        shutil.copy(feed, folder / feed.name)
    assert len(list(folder.iterdir())) == len(feeds)  # no two feeds share a name
    data = _run(folder, tmp_path / "all.json")
    assert len(data["articles"]) > 400
    unreadable = {Path(f["source"]).name.split(" (")[0] for f in data["failures"]}
    assert unreadable <= {
        "unrecognized.rss",  # not a feed
        "rss_2.0_invalid_1.xml",  # cut short
        "incomplete-fields.atom",  # its one entry holds only an empty author
        "missing-fields.atom",  # its one entry holds only an id
        "xml_sample_1.xml",  # XML, no entries
        "xml_sample_2.xml",
    }
    assert _check(data, "all feeds", _raw(feeds)) == []


@pytest.mark.parametrize("name", ["guardian.rss", "content-encoded.rss"])
def test_the_feeds_the_issue_quotes_each_in_its_own_run(corpus: Path, tmp_path: Path, name: str) -> None:
    feed = corpus / "feeds" / "rss-parser" / "input" / name
    data = _run(feed, tmp_path / "b.json")
    assert len(data["overview_sentences"]) >= 3
    assert _check(data, name, _raw([feed])) == []


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("The Mad Forager’s KitchenHow to Infuse Oils.", True),
        ("Apple sold more iPhone units on YouTube, a PhD student said.", False),
        ("the adult film star appears to question the statement.", True),
        ("Warning: this report contains distressing details.", True),
        ("The Kitchen Shares Its Recipes", True),
        ("The council met on Monday.", False),
    ],
)
def test_the_checks_themselves(sentence: str, flagged: bool) -> None:
    raw = "iPhone YouTube PhD The Mad Forager’s Kitchen How to Infuse Oils"
    assert bool(problems(sentence, "x", raw, bottom_line=True)) is flagged
