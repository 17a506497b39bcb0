"""The browser for the site's browser tests: the system's Chromium (through Playwright's `executable_path`),
else Playwright's own where it is installed; with neither, the browser tests skip and say why."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

SYSTEM_CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_BROWSER = "no Chromium here (apt-get install chromium, or playwright install chromium): browser tests skipped"


def system_chromium() -> str | None:
    return next((found for name in SYSTEM_CHROMIUM if (found := shutil.which(name))), None)


def playwright_chromium() -> str | None:
    """Playwright's own Chromium, when `playwright install chromium` put it there."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        path = p.chromium.executable_path
    return path if Path(path).is_file() else None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments, with the browser to drive."""
    path = system_chromium()
    if path is not None:
        return {**browser_type_launch_args, "executable_path": path}
    if playwright_chromium() is None:
        pytest.skip(NO_BROWSER)
    return browser_type_launch_args
