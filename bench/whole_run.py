"""The whole `briefer run` as a user runs it, process start to exit, against a fake endpoint on loopback.

Usage: python -m bench.whole_run [--baseline REV] [--rounds 3]

Two measurements, each with the current tree and, given --baseline, a git revision checked out beside it
(same interpreter and packages), alternated round by round so both see the same machine load:
1. 200 local articles, 0.5 s per model request, concurrency 16, against the ideal
   200/16 x 0.5 s + one synthesis request (0.5 s) = 6.75 s;
2. 50 web pages served on loopback at 100 ms each (--page-delay), listed in a --sources file, 0.05 s per
   model request:
   the time from process start to the first model request, and the total.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

from bench.throughput import Server
from tests.fake_web import FakeWeb

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "news-text" / "articles.jsonl"


def texts(n: int) -> list[str]:
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")][:n]
    return [r["article"] for r in rows]


def timed_run(code: Path, args: list[str], endpoint: Server, home: str) -> tuple[float, float | None]:
    """(seconds from process start to exit, seconds to the first model request)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "OPENAI_BASE_URL": endpoint.url,
        "OPENAI_API_KEY": "sk-bench",
        "BRIEFER_MODEL": "gpt-4o-mini",
        "BRIEFER_HOME": home,
    }
    before = len(endpoint.arrivals())
    started = time.time()
    subprocess.run([sys.executable, "-m", "briefer", "run", *args], env=env, check=True, capture_output=True)
    total = time.time() - started
    arrivals = endpoint.arrivals()[before:]
    return total, (min(arrivals) - started if arrivals else None)


def checkout(rev: str, where: Path) -> Path:
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(where), rev], check=True)
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="a git revision to measure side by side with the current tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page-delay", type=float, default=0.1, help="seconds the web server takes per page")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores\n"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        trees = {"current": REPO}
        if args.baseline:
            trees[f"baseline {args.baseline}"] = checkout(args.baseline, tmp / "baseline")
        try:
            local = tmp / "articles"
            local.mkdir()
            for i, text in enumerate(texts(200)):
                (local / f"a{i:03}.txt").write_text(f"Article {i}\n\n{text}\n", encoding="utf-8")
            web = FakeWeb().start()
            urls = []
            for i, text in enumerate(texts(50)):
                paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
                page = (
                    f"<html><head><title>Story {i}</title></head>"
                    f"<body><article><h1>Story {i}</h1>{paragraphs}</article></body></html>"
                )
                urls.append(web.add(f"/story/{i}", page, delay=args.page_delay))
            listing = tmp / "sources.txt"
            listing.write_text("\n".join(urls) + "\n", encoding="utf-8")

            slow, fast = Server(0.5), Server(0.05)
            results: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
            for round_ in range(args.rounds):
                for name, code in trees.items():
                    home = str(tmp / f"home-{round_}-{name.split()[0]}")
                    total, _ = timed_run(code, [str(local), "-c", "16", "--no-cache", "-o", f"{home}.json"], slow, home)
                    results[name].setdefault("local", []).append(total)
                    web_args = ["--sources", str(listing), "-c", "16", "--no-cache", "-o", f"{home}-web.json"]
                    total, first = timed_run(code, web_args, fast, home)
                    results[name].setdefault("web", []).append(total)
                    results[name].setdefault("web-first", []).append(first if first is not None else float("nan"))
            slow.stop()
            fast.stop()
            web.stop()
        finally:
            if args.baseline:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tmp / "baseline")])

    ideal = 200 / 16 * 0.5 + 0.5
    print(f"median of {args.rounds} rounds, alternated\n")
    print(
        "| tree | 200 local articles, 0.5 s/request, c=16 | vs ideal 6.75 s "
        f"| 50 pages at {args.page_delay * 1000:.0f} ms: first request | total |"
    )
    print("|---|---|---|---|---|")
    for name, r in results.items():
        local_s = statistics.median(r["local"])
        print(
            f"| {name} | {local_s:.2f} s | {local_s / ideal:.2f}x | "
            f"{statistics.median(r['web-first']):.2f} s | {statistics.median(r['web']):.2f} s |"
        )


if __name__ == "__main__":
    main()
