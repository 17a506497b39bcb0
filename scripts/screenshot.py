"""Render a briefing of the example articles and screenshot it in headless Chromium, to check its look by eye.

Usage: python scripts/screenshot.py [SOURCES...] [--out shots/] [--width 1000]
Needs Debian's chromium (`apt-get install chromium`). Writes briefing.html and, per viewport (desktop,
phone, dark mode), a PNG; the paths are printed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sources", nargs="*", default=[str(REPO / "examples")])
    parser.add_argument("--out", type=Path, default=REPO / "shots")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium not found: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    page = args.out / "briefing.html"
    subprocess.run(
        [sys.executable, "-m", "briefer", "run", *args.sources, "-o", str(page), "-q", "--title", "Example briefing"],
        check=True,
    )
    for name, size, extra in (
        ("desktop", "1000,2600", []),
        ("phone", "390,2600", []),
        ("dark", "1000,2600", ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]),
    ):
        shot = args.out / f"briefing-{name}.png"
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    chromium,
                    *FLAGS,
                    *extra,
                    f"--user-data-dir={profile}",
                    f"--window-size={size}",
                    f"--screenshot={shot}",
                    page.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
        print(shot)


if __name__ == "__main__":
    main()
