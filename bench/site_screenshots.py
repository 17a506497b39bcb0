"""Screenshots of the archive site for docs/screenshots/: the README's walk-through (the two days of
tests/data/ledger briefed offline on consecutive dates, then `briefer site`), in Chromium at 390 px and
1280 px: the index, the commitments, one commitment's history and one briefing; and the index in dark mode.

Usage: python -m bench.site_screenshots [--out docs/screenshots] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PAGES = {
    "index": "index.html",
    "commitments": "commitments.html",
    "commitment": "c/18943b90.html",  # the ministry's breakwater: its deadline moved on the second day
    "briefing": "briefings/2026-12-02.html",
}
TALLEST = 2200  # pixels: a long page is cut here


def build_demo(work: Path) -> Path:
    os.environ["BRIEFER_HOME"] = str(work / "home")
    from briefer import pipeline
    from briefer.config import load_settings
    from briefer.site.build import build

    settings = load_settings({"provider": "offline"})
    days = REPO / "tests" / "data" / "ledger"
    for n, day in enumerate((date(2026, 12, 1), date(2026, 12, 2)), start=1):
        pipeline.run(settings, pipeline.Request(sources=[str(days / f"day{n}")], output=work / f"day{n}.html", day=day))
    build(settings, work / "site")
    return work / "site"


def shoot(site: Path, out: Path, chromium: str | None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(**({"executable_path": chromium} if chromium else {}))
        for width, scheme in ((390, "light"), (1280, "light"), (390, "dark")):
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            for name, path in PAGES.items():
                if scheme == "dark" and name != "index":
                    continue
                page.goto((site / path).as_uri())
                height = min(page.evaluate("document.documentElement.scrollHeight"), TALLEST)
                target = out / f"{name}-{width}{'-dark' if scheme == 'dark' else ''}.png"
                page.screenshot(
                    path=str(target), clip={"x": 0, "y": 0, "width": width, "height": height}, full_page=True
                )
                made.append(target)
            context.close()
        browser.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefer-shots-") as work:
        for path in shoot(build_demo(Path(work)), args.out, args.chromium):
            print(
                f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}  {path.stat().st_size / 1000:.0f} KB"
            )


if __name__ == "__main__":
    main()
