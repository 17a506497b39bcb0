"""Render a briefing of the example articles and screenshot it in headless Chromium, to check its look by eye.

Usage: python scripts/screenshot.py [SOURCES...] [--out shots/] [--width 1000]
Needs Debian's chromium (`apt-get install chromium`). Writes briefing.html, the email's HTML part (from a
.eml dry run) and, per view (desktop, phone, dark mode, email), a PNG; the paths are printed.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
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


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="*", default=[str(REPO / "examples")])
    parser.add_argument("--out", type=Path, default=REPO / "shots", help="where the files go (default: shots/)")
    parser.add_argument(
        "--width", type=int, default=1000, help="the desktop and dark views' width in pixels (default: 1000)"
    )
    return parser.parse_args(argv)


def main() -> None:
    args = parse()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium not found: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    page = args.out / "briefing.html"
    data = args.out / "briefing.json"
    briefer = [sys.executable, "-m", "briefer"]
    subprocess.run([*briefer, "run", *args.sources, "-o", str(data), "-q", "--title", "Example briefing"], check=True)
    subprocess.run([*briefer, "render", str(data), "-o", str(page)], check=True)
    # the email: the HTML part of the .eml that a dry run writes
    eml = args.out / "briefing.eml"
    env = {**os.environ, "BRIEFER_SMTP_FROM": "desk@example.org"}
    subprocess.run(
        [*briefer, "email", str(data), "--to", "reader@example.org", "--eml", str(eml)],
        check=True,
        env=env,
        capture_output=True,
    )
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    email_page = args.out / "email.html"
    email_page.write_text(html_part.get_content(), encoding="utf-8")
    views = [
        ("desktop", f"{args.width},2600", [], page),
        ("phone", "390,2600", [], page),
        ("dark", f"{args.width},2600", ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"], page),
        ("email", "800,2600", [], email_page),
    ]
    for name, size, extra, target in views:
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
                    target.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
        print(shot)


if __name__ == "__main__":
    main()
