"""`briefer site`: the archive built from a real history (two days briefed offline, and an evening briefing
whose every string is hostile markup), read back as files: what each page says, that it escapes and links
safely, that the feed and calendar parse, that builds are deterministic and write only what changed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar
from markupsafe import escape
from typer.testing import CliRunner

from briefer.cli import app
from briefer.config import Settings
from briefer.memory.records import NewSighting
from briefer.memory.store import open_store, store_path
from briefer.models import Briefing
from briefer.site.build import build
from briefer.site.writing import MANIFEST
from tests.conftest import REPO
from tests.site.history import (
    DAY2,
    DAYS,
    HOSTILE,
    HOSTILE_ID,
    IMG_HEADLINE,
    SCRIPT_TITLE,
    hostile_day,
    make_history,
    settings_for,
)

runner = CliRunner()
CHANGED, OVERDUE = "18943b90", "7d93b4ec"  # the ministry's moved deadline; the council's passed one


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The history, made once for the module; tests that change it work on a copy (`home`)."""
    home = tmp_path_factory.mktemp("history")
    make_history(home)
    return home


@pytest.fixture
def home(history: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(history, copy)
    return copy


@pytest.fixture(scope="module")
def site(history: Path) -> Path:
    folder = history / "site"
    build(settings_for(history), folder)
    return folder


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".briefer-site")
    }


def text(folder: Path, page: str) -> str:
    return (folder / page).read_text(encoding="utf-8")


class Links(HTMLParser):
    """Every href and src of a page, and every id."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.metas: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "meta":
            self.metas.append(found)
        for name in ("href", "src"):
            if found.get(name) is not None:
                self.links.append((tag, str(found[name]), found))


def parsed(folder: Path, page: str) -> Links:
    parser = Links()
    parser.feed(text(folder, page))
    return parser


# What the pages show ---------------------------------------------------------------------------------------


def test_the_index_shows_each_day_newest_first_with_its_counts(site: Path) -> None:
    index = text(site, "index.html")
    days = re.findall(r'<a href="(briefings/[^"]+)"><time datetime="([\d-]+)">', index)
    assert days == [
        ("briefings/2026-12-03-evening.html", "2026-12-03"),
        ("briefings/2026-12-02.html", "2026-12-02"),
        ("briefings/2026-12-01.html", "2026-12-01"),
    ]
    second = index[index.index("briefings/2026-12-02.html") : index.index("briefings/2026-12-01.html")]
    assert "3 articles" in second and "1 new" in second and "1 overdue" in second
    assert "The transport ministry will spend 12 million euros" in second  # its bottom line
    assert "3 new" in index[index.index("briefings/2026-12-01.html") :]
    assert "the ledger as of Thursday 3 December 2026" in index  # the latest run's date, not the clock's


def test_the_commitments_page_groups_the_ledger_by_status(site: Path) -> None:
    page = text(site, "commitments.html")
    groups = {}
    for group in ("overdue", "due-soon", "open", "done"):
        start = page.index(f'<section class="group" id="{group}"')
        end = page.find("</section>", start)
        groups[group] = re.findall(r'href="c/([0-9a-f]{8})\.html"', page[start:end])
    assert groups == {
        "overdue": [OVERDUE],
        "due-soon": [HOSTILE_ID],
        "open": ["9ae04186", "53ba9fcf", CHANGED],
        "done": [],
    }
    row = page[page.index(f'href="c/{CHANGED}.html"') :]
    row = row[: row.index("</tr>")]
    assert "2027-09-30" in row and ">changed<" in row and "2 days, first 2026-12-01" in row
    assert "breakwater-funds.txt, breakwater-delay.txt" in row  # sources (local files by name only)
    assert 'href="actors/transport-ministry.html"' in page


def test_a_commitment_page_tells_its_history(site: Path) -> None:
    page = text(site, f"c/{CHANGED}.html")
    assert "2026-12-02</time>: deadline 2027-06-30 → 2027-09-30" in page
    assert page.count('<li>\n<h3><a href="../briefings/') == 2  # each day seen, linked to its briefing
    assert (
        "The transport ministry pledged 12 million euros to repair the Port Estrel breakwater by 30 June 2027." in page
    )
    assert "three months later than first announced" in page  # the second day's quote
    assert "Source: breakwater-funds.txt" in page and "Source: breakwater-delay.txt" in page
    overdue = text(site, f"c/{OVERDUE}.html")
    assert "⚠ overdue" in overdue and "2026-12-01</time>: its deadline passed, with no report of it done" in overdue


def test_the_timeline_is_an_svg_with_a_text_alternative(site: Path) -> None:
    page = text(site, "timeline.html")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="timeline-title timeline-desc"' in svg
    assert "<script" not in svg and 'href="http' not in svg  # drawn at build time, nothing loaded
    assert svg.count('href="#marker-overdue"') == 1 and svg.count('href="#marker-due"') == 4
    assert '<tspan class="late">Overdue: </tspan>Tarsby council' in svg  # in words, not only in colour
    assert "today, 3 Dec" in svg
    alternative = page[page.index('<ol class="alt">') :]
    items = re.findall(r"<li>(.*?)</li>", alternative[: alternative.index("</ol>")], re.S)
    assert len(items) == 5 and items[0].startswith('<strong>Overdue</strong> since <time datetime="2026-12-01">')


def test_briefing_pages_are_the_output_templates_own_with_the_archive_around(site: Path, history: Path) -> None:
    page = text(site, "briefings/2026-12-02.html")
    run = (history / "day2.html").read_text(encoding="utf-8")  # what `briefer run` wrote that day
    assert run[run.index("<main>") :] in page.replace(
        f'<a href="../c/{OVERDUE}.html"><code>{OVERDUE}</code></a>', f"<code>{OVERDUE}</code>"
    )
    assert 'rel="prev">‹ 2026-12-01</a>' in page and 'href="../index.html">← All briefings' in page
    assert f'<a href="../c/{OVERDUE}.html"><code>{OVERDUE}</code></a>' in page  # the ledger id, linked


def test_a_users_template_override_applies_to_the_briefing_pages(home: Path) -> None:
    templates = home / "my-templates"
    templates.mkdir()
    source = (REPO / "templates" / "briefing.html.j2").read_text(encoding="utf-8")
    (templates / "briefing.html.j2").write_text(source.replace("<h1>", "<h1>OVERRIDDEN "), encoding="utf-8")
    folder = home / "site"
    build(settings_for(home), folder)
    assert "OVERRIDDEN" not in text(folder, "briefings/2026-12-01.html")
    report = build(settings_for(home, templates_dir=templates), folder)
    assert "<h1>OVERRIDDEN " in text(folder, "briefings/2026-12-01.html")
    assert report.written == 3  # the three briefing pages: the site's own templates did not change


def test_a_users_template_override_applies_to_the_sites_own_pages(home: Path) -> None:
    templates = home / "my-templates" / "site"
    templates.mkdir(parents=True)
    (templates / "actors.html.j2").write_text(
        '{% extends "site/base.html.j2" %}{% block title %}Who{% endblock %}{% block main %}<h1>Our actors</h1>'
        "{% endblock %}",
        encoding="utf-8",
    )
    build(settings_for(home, templates_dir=templates.parent), home / "custom")
    assert "<h1>Our actors</h1>" in text(home / "custom", "actors.html")
    assert "<h1>Commitments</h1>" in text(home / "custom", "commitments.html")  # the others as packaged


# Safe anywhere ---------------------------------------------------------------------------------------------


def test_every_link_is_relative_and_nothing_is_loaded_from_elsewhere(site: Path) -> None:
    pages = [p for p in files(site) if p.endswith(".html")]
    assert len(pages) >= 15
    for page in pages:
        found = parsed(site, page)
        policy = [m["content"] for m in found.metas if m.get("http-equiv") == "Content-Security-Policy"]
        assert policy and str(policy[0]).startswith("default-src 'none'"), page
        for tag, target, attrs in found.links:
            if tag == "a" and target.startswith(("https://", "http://")):
                assert attrs.get("rel") == "noopener noreferrer nofollow", (page, target)  # an article's own link
                continue
            assert tag in ("a", "link", "use"), (page, tag, target)  # no img, script or iframe source at all
            assert not re.match(r"^[a-z][a-z0-9+.-]*:", target) or target == "data:,", (page, target)
            assert not target.startswith("/"), (page, target)  # relative: works from any folder


def test_hostile_strings_are_escaped_on_every_page(site: Path) -> None:
    assert files(site)
    for page, data in files(site).items():
        if page.endswith(".ics"):
            continue  # plain text for a calendar, as `commitments export --ics` writes it
        body = data.decode("utf-8")
        for attack in HOSTILE:
            assert attack not in body, (page, attack)
        assert 'href="javascript:' not in body, page
    shown = {
        "index.html": str(escape(SCRIPT_TITLE)),
        "briefings/2026-12-03-evening.html": str(escape(IMG_HEADLINE)),
        f"c/{HOSTILE_ID}.html": "&lt;b onmouseover=alert(&#34;quote&#34;)&gt;We will&lt;/b&gt;",
        "commitments.html": "&lt;script&gt;alert(&#34;actor&#34;)&lt;/script&gt; board",
        "timeline.html": "&lt;script&gt;alert(&#34;actor&#34;)&lt;/script&gt; board",
    }
    for page, escaped in shown.items():
        assert escaped in text(site, page), page


def test_the_feed_parses_and_its_hostile_titles_stay_text(site: Path) -> None:
    parsed_feed = feedparser.parse(
        (site / "feed.xml").read_bytes(),
        response_headers={
            "content-location": "https://example.org/news/feed.xml",
            "content-type": "application/atom+xml",
        },
    )
    assert not parsed_feed.bozo, parsed_feed.get("bozo_exception")
    assert parsed_feed.feed.title == "Briefings"
    entries = parsed_feed.entries
    assert [e.title for e in entries] == [
        f"{SCRIPT_TITLE} — 2026-12-03 (evening)",
        "Briefing — 2026-12-02",
        "Briefing — 2026-12-01",
    ]
    assert entries[1].link == "https://example.org/news/briefings/2026-12-02.html"  # relative, resolved
    assert entries[1].summary.startswith("The transport ministry will spend 12 million euros")
    assert len({e.id for e in entries}) == 3
    raw = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw and '&lt;script&gt;alert("title")' in raw


def test_the_calendar_is_the_ledgers_export(site: Path, history: Path) -> None:
    events = Calendar.from_ical((site / "commitments.ics").read_bytes()).walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == sorted(
        f"{i}@briefer" for i in (CHANGED, OVERDUE, HOSTILE_ID, "9ae04186", "53ba9fcf")
    )
    exported = runner.invoke(
        app, ["commitments", "export", "--ics", "--date", "2026-12-03"], env={"BRIEFER_HOME": str(history)}
    )
    assert exported.exit_code == 0, exported.output

    def without_stamps(data: str) -> str:
        return re.sub(r"DTSTAMP:\S+\r?\n", "", data.replace("\r\n", "\n"))

    assert without_stamps(exported.stdout) == without_stamps(text(site, "commitments.ics"))


# Deterministic, incremental ------------------------------------------------------------------------------


def _build_in_subprocess(home: Path, folder: Path, seed: str) -> None:
    code = (
        "import sys; from pathlib import Path; from tests.site.history import settings_for; "
        "from briefer.site.build import build; build(settings_for(Path(sys.argv[1])), Path(sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code, str(home), str(folder)], check=True, env=env, cwd=REPO)


def test_the_site_is_the_same_byte_for_byte_across_runs_and_hash_seeds(home: Path, site: Path) -> None:
    _build_in_subprocess(home, home / "one", "1")
    _build_in_subprocess(home, home / "two", "2024")
    assert files(home / "one") == files(home / "two") == files(site)
    assert (home / "one" / MANIFEST).read_bytes() == (home / "two" / MANIFEST).read_bytes()


def test_unchanged_pages_are_not_rewritten_and_a_new_day_rewrites_only_its_own(home: Path) -> None:
    settings = settings_for(home)
    with open_store(store_path(settings.dirs.data)) as store:  # the site of the first two days first
        store.db.execute("DELETE FROM runs WHERE name = 'evening'")
        store.db.execute("DELETE FROM commitments WHERE id NOT IN (SELECT commitment_id FROM sightings)")
    folder = home / "fresh"
    first = build(settings, folder)
    assert first.written == len(files(folder)) and first.unchanged == 0
    old = os.stat(folder / "c/53ba9fcf.html").st_mtime_ns
    os.utime(folder / "c/53ba9fcf.html", ns=(old - 10**9, old - 10**9))
    again = build(settings, folder)
    assert (again.written, again.removed) == (0, 0) and again.unchanged == first.written
    assert os.stat(folder / "c/53ba9fcf.html").st_mtime_ns == old - 10**9
    hostile_day(settings, name="default")  # a third day of the same briefing
    third = build(settings, folder)
    assert 0 < third.written < third.written + third.unchanged
    assert os.stat(folder / "c/53ba9fcf.html").st_mtime_ns == old - 10**9  # not its day: untouched
    cold = home / "cold"
    build(settings, cold)
    assert files(folder) == files(cold)  # an incremental build makes what a fresh one makes


def test_pages_no_longer_in_the_site_are_removed_and_other_files_kept(home: Path) -> None:
    settings = settings_for(home)
    folder = home / "site"
    build(settings, folder)
    (folder / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    assert (folder / f"c/{HOSTILE_ID}.html").is_file()
    with open_store(store_path(settings.dirs.data)) as store:
        store.db.execute("DELETE FROM runs WHERE name = 'evening'")
        store.db.execute("DELETE FROM commitments WHERE id NOT IN (SELECT commitment_id FROM sightings)")
    report = build(settings, folder)
    assert report.removed >= 3  # its briefing, its commitment, its actor
    assert not (folder / f"c/{HOSTILE_ID}.html").exists()
    assert not (folder / "briefings/2026-12-03-evening.html").exists()
    assert (folder / "CNAME").read_text(encoding="utf-8") == "news.example.org\n"


def test_the_date_builds_the_site_as_it_stood_that_day(home: Path) -> None:
    folder = home / "site"
    report = build(settings_for(home), folder, on=DAY2)
    assert (report.runs, report.commitments) == (2, 4)
    assert not (folder / "briefings/2026-12-03-evening.html").exists()


# The command line ----------------------------------------------------------------------------------------


def test_briefer_site_writes_the_folder_and_says_so(home: Path) -> None:
    result = runner.invoke(
        app, ["site", "-o", str(home / "out"), "--title", "Harbour news"], env={"BRIEFER_HOME": str(home)}
    )
    assert result.exit_code == 0, result.output
    assert re.match(
        r"briefer: site: 3 briefings, 5 commitments as of 2026-12-03 -> .*out \(\d+ written, 0 unchanged", result.stderr
    )
    assert "<title>Briefings · Harbour news</title>" in text(home / "out", "index.html")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["site"], "briefer: error: site: name its folder: `briefer site -o site/`"),
        (["site", "-o", "x", "--port", "8000"], "briefer: error: --port: it is the preview's port; add --serve"),
        (["site", "-o", "x", "--date", "2026-13-01"], "briefer: error: --date: '2026-13-01' is not a date"),
    ],
)
def test_site_usage_errors_are_one_line(args: list[str], message: str, home: Path) -> None:
    result = runner.invoke(app, args, env={"BRIEFER_HOME": str(home)})
    assert result.exit_code == 2 and result.stderr.startswith(message) and result.stderr.count("\n") == 1


def test_a_folder_of_other_files_is_refused_untouched(home: Path) -> None:
    folder = home / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["site", "-o", str(folder)], env={"BRIEFER_HOME": str(home)})
    assert result.exit_code == 2
    assert "the folder holds other files and no .briefer-site.json; choose a new or empty folder" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_no_history_yet_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["site", "-o", str(tmp_path / "s")], env={"BRIEFER_HOME": str(tmp_path / "h")})
    assert result.exit_code == 2 and "no history yet" in result.stderr and not (tmp_path / "s").exists()


def test_run_updates_the_site_after_a_kept_run(isolated: Path) -> None:
    first = runner.invoke(app, ["run", str(DAYS / "day1"), "--date", "2026-12-01", "-o", "d1.html", "--site", "site"])
    assert first.exit_code == 0, first.output
    assert "briefer: site: 1 briefing, 3 commitments as of 2026-12-01 -> site" in first.stderr
    Path("briefer.toml").write_text('[site]\ndir = "archive"\ntitle = "Port Estrel"\n', encoding="utf-8")
    second = runner.invoke(app, ["run", str(DAYS / "day2"), "--date", "2026-12-02", "-q", "-o", "d2.html"])
    assert second.exit_code == 0, second.output
    index = (isolated / "archive" / "index.html").read_text(encoding="utf-8")
    assert "briefings/2026-12-02.html" in index and "briefings/2026-12-01.html" in index
    assert "<h1>Port Estrel</h1>" in index


def test_site_with_no_history_fails_before_the_work(isolated: Path) -> None:
    result = runner.invoke(app, ["run", str(DAYS / "day1"), "-o", "d1.html", "--site", "site", "--no-history"])
    assert result.exit_code == 2 and "--site site: the site is made from the history store" in result.stderr
    assert not Path("d1.html").exists() and not Path("site").exists()


def _serve(home: Path, folder: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    env = {**os.environ, "BRIEFER_HOME": str(home), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "briefer", "site", "-o", str(folder), "--serve"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines = [process.stderr.readline() for _ in range(3)]
    url = next((m.group(1) for line in lines if (m := re.search(r"at (http://127\.0\.0\.1:\d+/) \(Ctrl-C", line))), "")
    try:
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        process.stderr.close()


def test_serve_previews_on_loopback_and_stops_on_ctrl_c(home: Path) -> None:
    import httpx

    for process, url in _serve(home, home / "site"):
        assert url, "no address printed"
        page = httpx.get(url + "commitments.html", timeout=10)
        assert page.status_code == 200 and "<h1>Commitments</h1>" in page.text
        assert httpx.get(url, timeout=10).text == text(home / "site", "index.html")
        assert httpx.get(url + "c/", timeout=10).status_code == 404  # no folder listings
        process.send_signal(2)  # Ctrl-C
        assert process.wait(10) == 0
        assert process.stderr is not None and "briefer: stopped" in process.stderr.read()


def test_pages_are_small_and_a_long_group_goes_on_further_pages(home: Path, tmp_path: Path) -> None:
    from briefer.site import pages

    settings = settings_for(home)
    count = pages.GROUP_ROWS + 30
    _many_commitments(settings, count)
    folder = tmp_path / "many"
    build(settings, folder)
    page = text(folder, "commitments.html")
    assert page.count('<tr data-status="open">') == pages.GROUP_ROWS
    assert '<a href="commitments/open-2.html">page 2</a>' in page
    rest = text(folder, "commitments/open-2.html")
    assert rest.count('<tr data-status="open">') == count + 3 - pages.GROUP_ROWS  # the three open ones of the days
    assert len(page.encode()) < 500_000 and len(text(folder, "index.html").encode()) < 200_000


def _many_commitments(settings: Settings, count: int) -> None:
    """`count` more open commitments, all first seen in one run of a briefing of their own."""
    day = date(2026, 11, 20)
    briefing = Briefing(title="Many", date=day, generated_at=datetime(2026, 11, 20, 7, tzinfo=UTC), provider="offline")
    sightings = [
        NewSighting(
            id=f"{n:08x}",
            first_seen=day,
            actor=f"Agency {n % 37}",
            action=f"publish report number {n}",
            counterparty=None,
            deadline=None,
            due=None,
            mark="new",
            changed=[],
            quotes=[f"Agency {n % 37} will publish report number {n}."],
            sources=[f"https://example.org/{n}"],
        )
        for n in range(count)
    ]
    with open_store(store_path(settings.dirs.data)) as store:
        store.save(briefing, "bulk", sightings, [])


def test_the_readme_walkthrough_makes_the_site_it_describes(isolated: Path) -> None:
    """The README's commands, as written: two briefings on consecutive dates, then `briefer site -o site/`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## The briefing archive: `briefer site`")
    (block,) = re.findall(r"```sh\n(.*?)```", readme[start : readme.index("\n## ", start + 10)], re.S)
    commands = [line.split("#")[0].split() for line in block.splitlines() if line.startswith("briefer ")]
    assert [c[:2] for c in commands] == [["briefer", "run"], ["briefer", "run"], ["briefer", "site"]]
    for command in commands:
        args = [str(REPO / a) if a.startswith("tests/") else a for a in command[1:]]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    site = isolated / "site"
    index = text(site, "index.html")
    assert "Wednesday 2 December 2026" in index and "Tuesday 1 December 2026" in index  # both days
    commitments = text(site, "commitments.html")
    assert "⚠ overdue" in commitments and ">changed<" in commitments and ">reaffirmed<" in commitments
    assert "deadline 2027-06-30 → 2027-09-30" in text(site, f"c/{CHANGED}.html")  # a commitment's history
    assert "<svg" in index and "<svg" in text(site, "timeline.html")  # the timeline
