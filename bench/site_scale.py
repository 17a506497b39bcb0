"""The archive site at scale: a year of history (365 days of 50 articles, about 2,000 commitments), built.

Usage: python -m bench.site_scale [--corpus ../shared/corpus] [--days 365] [--keep DIR]

Writes 364 days of history straight into a fresh store (`bench/site_history.py`: real article text from
`shared/corpus/html-articles`, synthetic briefings and ledger), then measures:
- the full build of the site into an empty folder;
- a build with nothing changed;
- adding the 365th day (kept in the store) and building again, as `briefer run --site` does;
- the size of index.html and commitments.html, the pages written, and the whole site.
Aims (issue 25): full build <= 20 s on 2 cores, one more day <= 2 s, index <= 200 KB, commitments <= 500 KB.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefer.site.build import Report

HERE = Path(__file__).resolve().parent


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _timed(build: Callable[[], Report]) -> tuple[Report, str]:
    """The build's report, and the processor time it took: this process's, and its workers'."""
    before = _cpu()
    report = build()
    after = _cpu()
    return report, f"{after[0] - before[0]:.2f} s + workers {after[1] - before[1]:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", type=Path, help="build here (and keep it) instead of a temporary folder")
    args = parser.parse_args()
    if not (args.corpus / "html-articles").is_dir():
        raise SystemExit(f"{args.corpus}/html-articles: not found (--corpus)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="briefer-site-"))
    os.environ["BRIEFER_HOME"] = str(work / "home")

    from bench.site_history import add_day, write_year
    from briefer.config import load_settings
    from briefer.site.build import build

    started = time.perf_counter()
    year = write_year(work / "home", args.corpus, args.days - 1, date(2025, 12, 5))
    print(f"history: {args.days - 1} days written in {time.perf_counter() - started:.1f} s")
    settings = load_settings({"provider": "offline"})
    site = work / "site"
    print(f"load average before: {os.getloadavg()[0]:.1f} (the machine's other work slows the wall-clock figures)")
    full, cpu = _timed(lambda: build(settings, site))
    print(f"full build:      {full.seconds:6.2f} s, cpu {cpu}  ({full.written} pages written)")
    again, cpu = _timed(lambda: build(settings, site))
    print(f"nothing changed: {again.seconds:6.2f} s, cpu {cpu}  ({again.written} written, {again.unchanged} unchanged)")
    add_day(work / "home", year, args.days - 1)
    more, cpu = _timed(lambda: build(settings, site))
    print(f"one more day:    {more.seconds:6.2f} s, cpu {cpu}  ({more.written} written, {more.unchanged} unchanged)")
    sizes = {name: (site / name).stat().st_size for name in ("index.html", "commitments.html", "timeline.html")}
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = sum(1 for _ in site.rglob("*.html"))
    for name, size in sizes.items():
        print(f"{name:18} {size / 1000:7.1f} KB")
    print(f"site: {pages} pages, {total / 1e6:.1f} MB; {more.runs} briefings, {more.commitments} commitments")
    print(f"machine: {_machine()}")
    aims = {
        "full build <= 20 s": full.seconds <= 20,
        "one more day <= 2 s": more.seconds <= 2,
        "index <= 200 KB": sizes["index.html"] <= 200_000,
        "commitments <= 500 KB": sizes["commitments.html"] <= 500_000,
    }
    print("aims: " + ", ".join(f"{aim}: {'met' if ok else 'NOT MET'}" for aim, ok in aims.items()))
    if args.keep is None:
        print(f"(the site and its store are in {work}; --keep DIR to choose)")


if __name__ == "__main__":
    main()
