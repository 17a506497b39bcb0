"""Ingestion from real HTTP on loopback and real files: pages, feeds, JSON, encodings, failures, dedupe."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.errors import UsageError
from briefer.models import Article
from briefer.sources import IngestOptions, ingest, parse_since, read_sources_file
from briefer.sources.dedupe import canonical_url, merge_duplicates
from briefer.sources.html import decode_html, extract_page
from briefer.sources.web import FetchSettings
from tests.fake_web import FakeWeb, page, rss

STORY = [
    "The Tarsby council on Thursday approved a plan to rebuild the harbour wall before the winter storms arrive.",
    "Mayor Ilse Vantongeren said the work would cost 12 million euros and pledged to finish it by March 2027.",
    "Engineers from the regional water board inspected the old wall last month and found three weak sections.",
    "Fishing crews welcomed the decision but asked the council to keep the northern slipway open during the work.",
]
OTHER = [
    "Nordlake Energy opened its new research centre in Kessvik on Wednesday with two hundred staff.",
    "The company said the centre would develop battery cells for ferries and heavy lorries.",
    "Chief executive Marta Lindqvist told reporters that the first prototypes would be tested next spring.",
    "Local schools will run joint courses with the centre from the autumn term onwards.",
]
runner = CliRunner()


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb().start()
    yield server
    server.stop()


def quick(**kw: object) -> IngestOptions:
    return IngestOptions(fetch=FetchSettings(timeout=kw.pop("timeout", 2.0), **kw))  # type: ignore[arg-type]


def test_a_page_gives_clean_text_and_metadata(web: FakeWeb) -> None:
    url = web.add("/harbour", page("Tarsby approves harbour wall", STORY))
    result = ingest([url], quick())
    assert result.failures == []
    (a,) = result.articles
    assert a.title == "Tarsby approves harbour wall"
    assert a.source == "Tarsby Times" and a.author == "Lena Holm" and a.url == url
    assert a.published is not None and a.published.date().isoformat() == "2026-11-27"
    assert STORY[1] in a.text and STORY[3] in a.text
    for furniture in ("Log in", "Most read", "reader comment", "All rights reserved", "Advertisement"):
        assert furniture not in a.text, furniture


def test_redirects_are_followed_and_bounded(web: FakeWeb) -> None:
    target = web.add("/final", page("Tarsby approves harbour wall", STORY))
    start = web.redirect("/short", target)
    (a,) = ingest([start], quick()).articles
    assert a.url == target
    web.redirect("/loop-a", web.url("/loop-b"))
    web.redirect("/loop-b", web.url("/loop-a"))
    result = ingest([web.url("/loop-a")], quick(max_redirects=3))
    assert result.failures[0].error == "more than 3 redirects"


def test_failures_are_listed_and_the_rest_goes_on(web: FakeWeb) -> None:
    good = web.add("/good", page("Tarsby approves harbour wall", STORY))
    slow = web.add("/slow", page("Slow", STORY), delay=1.5)
    big = web.add("/big", "<html><body>" + "<p>word </p>" * 50_000 + "</body></html>")
    empty = web.add("/empty", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    result = ingest(
        [good, web.url("/missing"), slow, big, empty, "ftp://example.org/x"], quick(timeout=0.5, max_bytes=100_000)
    )
    assert len(result.articles) == 1
    errors = {f.source: f.error for f in result.failures}
    assert errors[web.url("/missing")] == "HTTP 404 Not Found"
    assert errors[slow] == "no answer within 0.5 s"
    assert errors[big] == "larger than 0 MB" or "larger than" in errors[big]
    assert errors[empty].startswith("no article text found in the page")
    assert errors["ftp://example.org/x"] == "only http and https URLs can be fetched"


def test_unreachable_host(tmp_path: Path) -> None:
    result = ingest(["http://127.0.0.1:9/nothing"], quick())
    assert result.failures[0].error.startswith("cannot connect")


@pytest.mark.parametrize("declared", ["header", "meta", "none"])
def test_latin1_pages_decode(web: FakeWeb, declared: str) -> None:
    story = [*STORY, "Le café du port, très fréquenté, restera ouvert pendant les travaux, a déclaré Zoë Müller."]
    html = page("Tarsby approves harbour wall", story, charset="iso-8859-1" if declared == "meta" else None)
    content_type = "text/html; charset=iso-8859-1" if declared == "header" else "text/html"
    url = web.add("/latin1", html.encode("iso-8859-1"), content_type=content_type)
    (a,) = ingest([url], quick()).articles
    assert "Le café du port, très fréquenté" in a.text and "Zoë Müller" in a.text


def test_stale_meta_charset_on_a_utf8_page() -> None:
    html = page("Zoë's harbour", [*STORY, "Zoë Müller said the café would stay open."], charset="iso-8859-1")
    assert "Zoë Müller" in decode_html(html.encode("utf-8"))


def feed_items(web: FakeWeb) -> list[dict[str, str]]:
    full = web.add("/story/harbour", page("Tarsby approves harbour wall", STORY))
    other = web.add("/story/lab", page("Nordlake opens research centre", OTHER, site="Kessvik Post"))
    return [
        {
            "title": "Tarsby approves harbour wall",
            "link": full + "?utm_source=rss",
            "description": "The council approved it.",
        },
        {"title": "Nordlake opens research centre", "link": other, "description": " ".join(OTHER * 12)},
    ]


def test_a_feed_url_follows_teasers_to_the_full_article(web: FakeWeb) -> None:
    url = web.add("/feed.xml", rss("Tarsby Times", feed_items(web)), content_type="application/rss+xml")
    result = ingest([url], quick())
    assert result.failures == []
    teaser, full = result.articles
    assert teaser.title == "Tarsby approves harbour wall" and STORY[1] in teaser.text
    assert teaser.source == "Tarsby Times" and teaser.published == datetime(2026, 11, 27, 8, tzinfo=UTC)
    assert full.text.startswith(OTHER[0])  # a full entry is not fetched again
    assert "/story/lab" not in web.hits


def test_no_follow_keeps_the_teaser(web: FakeWeb) -> None:
    url = web.add("/feed.xml", rss("Tarsby Times", feed_items(web)), content_type="application/rss+xml")
    options = quick()
    options.follow = False
    teaser, _ = ingest([url], options).articles
    assert teaser.text == "The council approved it."
    assert "/story/harbour?utm_source=rss" not in web.hits


def test_feed_files_rss_latin1_atom_and_json_feed(tmp_path: Path) -> None:
    latin = tmp_path / "latin.rss"
    latin.write_bytes(
        rss(
            "Jornal",
            [
                {
                    "title": "Eleição em São Paulo",
                    "link": "http://example.org/1",
                    "description": "Votação começa às oito horas em todas as seções.",
                }
            ],
            "iso-8859-1",
        )
    )
    atom = tmp_path / "feed.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Kessvik Post</title>'
        '<entry><title>Lab opens</title><link href="http://example.org/lab"/><updated>2026-11-26T10:00:00Z</updated>'
        '<content type="html">&lt;p&gt;Nordlake opened a lab.&lt;/p&gt;</content></entry></feed>',
        encoding="utf-8",
    )
    jsonfeed = tmp_path / "feed.json"
    jsonfeed.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Harbour Daily",
                "items": [
                    {
                        "id": "1",
                        "url": "http://example.org/h",
                        "title": "Wall approved",
                        "content_text": "The wall was approved.",
                        "date_published": "2026-11-25T09:00:00Z",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    options = quick()
    options.follow = False
    result = ingest([str(latin), str(atom), str(jsonfeed)], options)
    assert result.failures == []
    titles = {a.title: a for a in result.articles}
    assert titles["Eleição em São Paulo"].text == "Votação começa às oito horas em todas as seções."
    assert titles["Lab opens"].text == "Nordlake opened a lab." and titles["Lab opens"].source == "Kessvik Post"
    assert titles["Wall approved"].published == datetime(2026, 11, 25, 9, tzinfo=UTC)


def test_malformed_feed_is_a_failure(tmp_path: Path) -> None:
    bad = tmp_path / "broken.rss"
    bad.write_text("<?xml version='1.0'?><rss><channel><title>x</title><item><title>unclosed", encoding="utf-8")
    result = ingest([str(bad)], quick())
    assert result.articles == [] and result.failures[0].source == str(bad)
    assert "feed" in result.failures[0].error


def test_html_gz_and_json_files(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page("Tarsby approves harbour wall", STORY).encode()))
    (tmp_path / "items.jsonl").write_text(
        json.dumps({"article": " ".join(OTHER), "url": "http://example.org/lab", "published": "2026-11-26"})
        + "\n"
        + "{not json\n"
        + json.dumps({"title": "no text"})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "list.json").write_text(json.dumps([{"title": "Listed", "text": "A council voted on a plan today."}]))
    result = ingest([str(tmp_path)], quick())
    titles = sorted(a.title for a in result.articles)
    assert titles == [
        "Listed",
        "Nordlake Energy opened its new research centre in Kessvik on Wednesday with two…",
        "Tarsby approves harbour wall",
    ]
    errors = sorted(f.error for f in result.failures)
    assert errors == [
        "invalid JSON (Expecting property name enclosed in double quotes)",
        "no 'text' or 'article' field",
    ]
    assert {f.source for f in result.failures} == {f"{tmp_path / 'items.jsonl'}:2", f"{tmp_path / 'items.jsonl'}:3"}


SHARED = "The Tarsby council approved 12 million euros for the harbour wall on Thursday."
JSONL_ROWS = [
    {
        "article": "On Thursday, crews in Tarsby worked through the night to shore up the sea wall, officials said. "
        + SHARED,
        "url": "https://www.dailymail.co.uk/news/article-1/harbour.html",
    },
    {
        "article": "Regional lawmakers in Arland approved an ambitious programme of investment in rural railway "
        "lines yesterday. " + SHARED,
        "url": "http://www.dailymail.co.uk/news/article-2/rail.html",
    },
    {
        "article": "Kessvik fishing crews said the storm season had started early this year. " + SHARED,
        "url": "https://www.bbc.co.uk/news/uk-3",
    },
    {
        "article": "Nordlake Energy hired two hundred staff for its Kessvik research centre.",
        "source": "Kessvik Post",
        "url": "https://www.bbc.co.uk/news/uk-4",
    },
    {"article": "Valdora officials opened the new flood barrier to visitors on Sunday afternoon."},
]


def test_json_lines_titles_cut_at_words_and_sources_are_publications(tmp_path: Path) -> None:
    (tmp_path / "news.jsonl").write_text("".join(json.dumps(row) + "\n" for row in JSONL_ROWS), encoding="utf-8")
    result = ingest([str(tmp_path / "news.jsonl")], quick())
    assert [(a.title, a.source) for a in result.articles] == [
        ("On Thursday, crews in Tarsby worked through the night to shore up the sea wall", "dailymail.co.uk"),
        ("Regional lawmakers in Arland approved an ambitious programme of investment in…", "dailymail.co.uk"),
        ("Kessvik fishing crews said the storm season had started early this year", "bbc.co.uk"),
        ("Nordlake Energy hired two hundred staff for its Kessvik research centre", "Kessvik Post"),
        (
            "Valdora officials opened the new flood barrier to visitors on Sunday afternoon",
            str(tmp_path / "news.jsonl"),
        ),
    ]
    assert all(len(a.title) <= 80 for a in result.articles)
    md = runner.invoke(app, ["run", str(tmp_path / "news.jsonl"), "--offline", "-q"]).stdout
    assert "5 articles from 4 sources" in md
    # three articles report the fact, two of them in one paper: two publications confirm it
    assert "confirmed by 2 sources" in md and "confirmed by 3 sources" not in md


def gzip_of_zeros(megabytes: int) -> Iterator[bytes]:
    """A gzip stream that inflates to `megabytes` MB of zeros, made without holding either side in memory:
    one megabyte compressed once, flushed to a byte boundary with no back-references, then repeated."""
    import zlib

    block = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip header: deflate, no name, no time
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
        yield deflated
    yield zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)  # the last, empty block
    yield crc.to_bytes(4, "little") + ((megabytes << 20) % (1 << 32)).to_bytes(4, "little")


# Ingests a file and reports the errors and the process's peak memory, in MB.
INGEST_AND_MEASURE = """
import resource, sys
from briefer.sources import ingest
result = ingest([sys.argv[1]])
print([f.error for f in result.failures], len(result.articles))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_a_small_gzip_file_that_inflates_to_a_gigabyte_is_refused_without_inflating_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    def measure(source: Path) -> subprocess.Popen[str]:
        command = [sys.executable, "-c", INGEST_AND_MEASURE, str(source)]
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    baseline = measure(tmp_path / "missing.txt")  # the same process reading nothing, meanwhile
    bomb = tmp_path / "page.html.gz"
    with bomb.open("wb") as out:
        out.writelines(gzip_of_zeros(1024))
    assert bomb.stat().st_size < 2 << 20
    assert gzip.GzipFile(bomb).read(1 << 20) == bytes(1 << 20)  # a valid gzip file
    output, errors = measure(bomb).communicate(timeout=120)
    failures, peak = output.splitlines()
    assert failures == "['larger than 20 MB when decompressed'] 0", errors
    least = baseline.communicate(timeout=60)[0].splitlines()[1]
    assert int(peak) - int(least) < 60  # MB: the 20 MB cap and a chunk, not a gigabyte


def test_a_gzip_encoded_page_is_read_and_a_gzip_bomb_refused_while_streaming(web: FakeWeb) -> None:
    import tracemalloc
    import zlib

    html = page("Tarsby approves harbour wall", STORY).encode()
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    encoded = [
        ("gzip", gzip.compress(html)),
        ("deflate", zlib.compress(html)),
        ("deflate", raw_deflate.compress(html) + raw_deflate.flush()),  # as some servers send it
    ]
    urls = [web.add(f"/harbour/{n}", body, headers={"Content-Encoding": e}) for n, (e, body) in enumerate(encoded)]
    result = ingest(urls, quick())
    assert result.failures == [] and result.merged == 2
    assert result.articles[0].title == "Tarsby approves harbour wall"
    assert result.articles[0].text.startswith(STORY[0])
    gzipped = {"Content-Encoding": "gzip"}
    bomb = web.add("/bomb", b"".join(gzip_of_zeros(64)), headers=gzipped)  # 64 KB on the wire
    tracemalloc.start()
    try:
        result = ingest([bomb], quick(max_bytes=1 << 20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [f.error for f in result.failures] == ["larger than 1 MB when decompressed"]
    assert peak < 8 << 20  # the 1 MB cap and some, not the 64 MB it inflates to


def test_since_keeps_recent_and_undated_articles(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "title": "new",
            "text": "Fresh news about the harbour wall today.",
            "published": (now - timedelta(hours=2)).isoformat(),
        },
        {
            "title": "old",
            "text": "Old news about the harbour wall last year.",
            "published": (now - timedelta(days=3)).isoformat(),
        },
        {"title": "undated", "text": "Undated news about the harbour wall."},
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    options = quick()
    options.since = parse_since("24h", now)
    result = ingest([str(path)], options)
    assert [a.title for a in result.articles] == ["new", "undated"] and result.too_old == 1


def test_parse_since() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert parse_since("24h", now) == datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert parse_since("2w", now) == datetime(2026, 11, 14, 12, tzinfo=UTC)
    assert parse_since("2026-11-27", now) == datetime(2026, 11, 27, tzinfo=UTC)
    with pytest.raises(UsageError, match="--since: 'yesterday'"):
        parse_since("yesterday", now)


def test_sources_file(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("# my feeds\nhttp://example.org/a.xml  # world news\n\n  examples/  \n", encoding="utf-8")
    assert read_sources_file(listing) == ["http://example.org/a.xml", "examples/"]


def test_canonical_url_drops_tracking() -> None:
    assert canonical_url("http://www.Example.org/a/?utm_source=x&id=3&fbclid=9#top") == "https://example.org/a?id=3"


def art(i: int, text: str, url: str | None = None, source: str = "s") -> Article:
    return Article(id=f"id{i}", title=f"t{i}", source=source, url=url, text=text)


def test_duplicates_merge_and_list_all_their_sources() -> None:
    wire = " ".join(STORY)
    edited = wire.replace("Fishing crews welcomed", "Local fishing crews welcomed") + " Reporting by the Wire."
    items = [
        art(1, wire, "https://tarsby.example/harbour?utm_source=rss", "Tarsby Times"),
        art(2, " ".join(OTHER), "https://kessvik.example/lab", "Kessvik Post"),
        art(3, edited, "https://coast.example/harbour", "Coast News"),
        art(4, "Short text.", "https://tarsby.example/harbour", "Tarsby Times again"),
    ]
    merged = merge_duplicates(items)
    assert [a.id for a in merged] == ["id3", "id2"]  # the fullest copy leads, in first-seen order
    assert [(o.source, o.url) for o in merged[0].duplicates] == [
        ("Tarsby Times", "https://tarsby.example/harbour?utm_source=rss"),
        ("Tarsby Times again", "https://tarsby.example/harbour"),
    ]
    assert merged[1].duplicates == []


def test_different_stories_about_one_event_are_not_merged() -> None:
    a = " ".join(STORY)
    b = (
        "A plan to rebuild the Tarsby harbour wall won council approval on Thursday. Critics said the budget of "
        "12 million euros was too small, and the opposition leader called for an independent review of the "
        "engineering study before any contract is signed. Residents will be consulted in January."
    )
    assert len(merge_duplicates([art(1, a), art(2, b)])) == 2


# A round-up holding two stories: a near-copy of each, equally. The earlier story must win, whatever the hashing.
ROUND_UP = """
from briefer.models import Article
from briefer.sources.dedupe import merge_duplicates
first = " ".join(f"first{i}" for i in range(40))
second = " ".join(f"second{i}" for i in range(40))
items = [(1, first), (2, second), (3, first + " " + second)]
merged = merge_duplicates([Article(id=f"id{i}", title="t", source=f"s{i}", text=t) for i, t in items])
print([(a.id, [o.source for o in a.duplicates]) for a in merged])
"""


def test_a_tie_between_near_copies_goes_to_the_first_seen_whatever_the_hash_seed() -> None:
    import os
    import subprocess
    import sys

    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ROUND_UP],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "5")
    ]
    outputs = [process.communicate(timeout=30)[0] for process in processes]
    assert outputs == ["[('id3', ['s1']), ('id2', [])]\n"] * 2


def test_extract_page_without_article() -> None:
    result = extract_page("<html><body><p>Hi.</p></body></html>", None, "x.html")
    assert not isinstance(result, Article) and "no article text" in result.error


def test_cli_ingest_prints_json_lines(web: FakeWeb) -> None:
    url = web.add("/harbour", page("Tarsby approves harbour wall", STORY))
    result = runner.invoke(app, ["ingest", url, web.url("/nope")])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert {"id", "title", "source", "url", "author", "published", "text", "word_count"} <= record.keys()
    assert record["word_count"] == len(record["text"].split()) and record["source"] == "Tarsby Times"
    assert "failed: " + web.url("/nope") + ": HTTP 404" in result.stderr


def test_cli_run_with_sources_file_and_since(web: FakeWeb, isolated: Path) -> None:
    url = web.add("/feed.xml", rss("Tarsby Times", feed_items(web)), content_type="application/rss+xml")
    listing = isolated / "feeds.txt"
    listing.write_text(f"# daily\n{url}\n", encoding="utf-8")
    out = isolated / "today.json"
    result = runner.invoke(app, ["run", "--sources", str(listing), "--since", "30000d", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert len(data["articles"]) == 2 and data["since"] is not None
    web.hits.clear()
    result = runner.invoke(app, ["run", "--sources", str(listing), "--since", "1h"])
    assert result.exit_code == 3
    assert "error: no article published in the --since window (1h): 2 read, all older" in result.stderr
    assert web.hits == ["/feed.xml"]  # no page fetched for an item the window drops


def test_cli_without_sources_is_a_usage_error() -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2 and "no sources" in result.stderr


def test_corpus_feeds_parse(corpus: Path) -> None:
    from briefer.sources.feeds import parse_feed

    guardian = (corpus / "feeds" / "rss-parser" / "input" / "guardian.rss").read_bytes()
    entries, failures = parse_feed(guardian, "guardian")
    assert len(entries) == 55 and failures == [] and entries[0].article.source.startswith("The Guardian")


def test_a_feed_date_feedparser_cannot_parse_is_no_error(tmp_path: Path) -> None:
    feed = tmp_path / "uol.rss"  # a Portuguese date: published_parsed is None, and updated_parsed is absent
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Notícias</title><item>'
        "<title>Chuva em São Paulo</title><link>https://example.org/chuva</link>"
        "<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate><description>Chove em São Paulo.</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    (article,) = ingest([str(feed)], IngestOptions(follow=False)).articles  # warnings are errors here
    assert article.title == "Chuva em São Paulo" and article.published is None
