"""The archive site in a real browser (Chromium through pytest-playwright), opened from file:// as a reader
would open it: a crawl from index.html, no horizontal scroll on a phone or a desktop, the timeline readable,
every link reachable by keyboard, an accessibility scan, dark mode, the filter script under its policy, and
hostile strings that never run. The site is built once for the module, from the same history as test_site.

The browser lives for this module only (pytest-playwright's launch arguments, `conftest.py`, choose it):
Playwright's sync API keeps an event loop running while it is open, and the tests after these run briefer,
whose runs start their own."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright", reason="pytest-playwright is not installed (pip install -e '.[dev]')")

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from briefer.site.build import build
from tests.site.history import HOSTILE_ID, make_history

WIDTHS = (390, 1280)
# The pages a reader goes to first, one of each kind.
KINDS = ("index.html", "commitments.html", "c/18943b90.html", "timeline.html", "briefings/2026-12-02.html")


@pytest.fixture(scope="module")
def browser(browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**browser_type_launch_args)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("browser")
    folder = home / "site"

    def made() -> None:  # in a thread of its own: Playwright's event loop runs in this one, and a run has its own
        build(make_history(home), folder)

    with ThreadPoolExecutor(1) as pool:
        pool.submit(made).result()
    return folder


def url(site: Path, page: str) -> str:
    return (site / page).as_uri()


class Watched:
    """A page whose console errors, failed requests and dialogs are recorded: a page of the site has none."""

    def __init__(self, context: BrowserContext) -> None:
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("requestfailed", lambda request: self.problems.append(f"request failed: {request.url}"))
        self.page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"a dialog opened: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport={"width": 1280, "height": 900})
    yield made
    made.close()


def _links_and_ids(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        """() => ({
            links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
            ids: [...document.querySelectorAll('[id]')].map(e => e.id),
            images: [...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]),
        })"""
    )
    return result


def test_a_crawl_from_the_index_reaches_every_page_and_nothing_is_broken(site: Path, context: BrowserContext) -> None:
    watched = Watched(context)
    ids: dict[str, set[str]] = {}
    wanted: list[tuple[str, str, str]] = []  # (from page, target page, anchor)
    queue, seen = ["index.html"], set()
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        watched.page.goto(url(site, path))
        found = _links_and_ids(watched.page)
        ids[path] = set(found["ids"])
        assert all(loaded for _, loaded in found["images"]), (path, found["images"])
        for href in found["links"]:
            if href.startswith(("http://", "https://")):
                continue  # an article's own page, elsewhere: not part of the site
            target, _, anchor = href.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target)) if target else path
            assert (site / resolved).is_file(), f"{path}: broken link {href}"
            wanted.append((path, resolved, anchor))
            if resolved.endswith(".html"):
                queue.append(resolved)
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert seen == on_disk  # every page is reachable from the index, and nothing links outside the site
    for source, target, anchor in wanted:
        if anchor and target.endswith(".html"):
            assert anchor in ids[target], f"{source}: broken anchor {target}#{anchor}"
    assert watched.problems == []  # nothing blocked by the policy, nothing failed, no script ran


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(site: Path, browser: Browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = []
    for path in sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")):
        page.goto(url(site, path))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide.append((path, overflow))
    context.close()
    assert wide == []


def test_the_timeline_is_readable_on_a_phone_with_a_text_alternative(site: Path, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(url(site, "timeline.html"))
    svg = page.locator("svg.timeline")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 330 and box["height"] > 200
    assert page.get_by_role("img", name="Open commitments by due date").count() == 1
    # Every row's words fit the drawing at 390 px, in a size that can be read.
    fits = page.evaluate(
        """() => [...document.querySelectorAll('svg.timeline text.label')].map(t => {
            const b = t.getBBox();
            return [b.x >= 0 && b.x + b.width <= t.ownerSVGElement.clientWidth,
                    parseFloat(getComputedStyle(t).fontSize)];
        })"""
    )
    assert len(fits) == 5 and all(inside and size >= 12 for inside, size in fits)
    # Overdue differs by more than colour: its marker's shape, its dashed line, and the word.
    shapes = page.evaluate(
        """() => [...document.querySelectorAll('svg.timeline g')].map(g => [
            g.classList.contains('overdue'),
            g.querySelector('use').getAttribute('href'),
            getComputedStyle(g.querySelector('line.span')).strokeDasharray,
            g.querySelector('text.label').textContent,
        ])"""
    )
    for overdue, marker, dashes, label in shapes:
        assert (marker == "#marker-overdue") is overdue and (dashes != "none") is overdue
        assert label.startswith("Overdue: ") is overdue
    alternative = page.locator("ol.alt li")
    assert alternative.count() == 5 and alternative.first.inner_text().startswith("Overdue since 2026-12-01")
    context.close()


def _tab_reaches(page: Page) -> tuple[set[int], set[int]]:
    """The visible links of the page, by index, and those that pressing Tab reached."""
    visible = page.evaluate(
        """() => {
            const links = [...document.querySelectorAll('a[href]')];
            window.reached = new Set();
            document.addEventListener('focusin', e => window.reached.add(links.indexOf(e.target)));
            return links.map((a, i) => [i, a.getClientRects().length > 0]).filter(([, shown]) => shown).map(([i]) => i);
        }"""
    )
    for _ in range(len(visible) + 15):  # the links, and the few other stops (the filter's fields, tables)
        page.keyboard.press("Tab")
    reached = page.evaluate("[...window.reached]")
    return set(visible), set(reached)


@pytest.mark.parametrize("path", KINDS)
def test_keyboard_navigation_reaches_every_link(site: Path, context: BrowserContext, path: str) -> None:
    page = context.new_page()
    page.goto(url(site, path))
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # a reader opens them
    visible, reached = _tab_reaches(page)
    assert visible and visible <= reached


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(site: Path, browser: Browser, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    axe = Axe()
    found = []
    for path in KINDS:
        page.goto(url(site, path))
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                found.append((path, violation["id"], [n["target"] for n in violation["nodes"]][:3]))
    context.close()
    assert found == []


def _luminance(rgb: str) -> float:
    red, green, blue = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def test_dark_mode_turns_every_kind_of_page_dark(site: Path, browser: Browser) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    for path in KINDS:
        page.goto(url(site, path))
        background, text = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        assert _luminance(background) < 0.15 and _luminance(text) > 0.8, path
    page.goto(url(site, "timeline.html"))
    label = page.evaluate("getComputedStyle(document.querySelector('svg.timeline text.label')).fill")
    assert _luminance(label) > 0.8  # the drawing follows the page into the dark
    context.close()


def test_the_filter_runs_under_the_policy_and_narrows_the_rows(site: Path, context: BrowserContext) -> None:
    watched = Watched(context)
    watched.page.goto(url(site, "commitments.html"))
    rows = watched.page.locator("tr[data-status]")
    assert watched.page.locator("#filter").is_visible() and rows.count() == 5
    watched.page.fill("#filter-text", "harbour authority")
    assert [rows.nth(i).is_visible() for i in range(5)].count(True) == 1
    watched.page.fill("#filter-text", "")
    watched.page.select_option("#filter-status", "overdue")
    assert [rows.nth(i).is_visible() for i in range(5)].count(True) == 1
    assert watched.page.locator("#filter-count").inner_text() == "1 of 5 shown on this page"
    assert watched.problems == []


def test_without_script_a_status_link_shows_that_group_alone(site: Path, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url(site, "commitments.html"))
    assert not page.locator("#filter").is_visible()  # the script's form stays hidden without it
    page.click("text=Overdue (1)")
    assert page.locator("section#overdue").is_visible() and not page.locator("section#open").is_visible()
    page.click("text=All")
    assert page.locator("section#open").is_visible()
    context.close()


def test_hostile_strings_show_as_text_and_never_run(site: Path, context: BrowserContext) -> None:
    watched = Watched(context)
    for path in ("index.html", "briefings/2026-12-03-evening.html", f"c/{HOSTILE_ID}.html", "commitments.html"):
        watched.page.goto(url(site, path))
        assert watched.page.locator("script:not(:empty)").count() == (1 if path == "commitments.html" else 0)
        assert watched.page.locator("img, svg[onload], [onerror], [onmouseover]").count() == 0
    watched.page.goto(url(site, "index.html"))
    assert '<script>alert("title")</script> Evening' in watched.page.inner_text("main")
    assert watched.problems == []
