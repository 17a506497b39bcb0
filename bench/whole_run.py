"""The whole `briefer run` as a user runs it, process start to exit, against a fake endpoint on loopback.

Usage: python -m bench.whole_run [--baseline REV] [--rounds 3]

Measured side by side in one run, round by round so that all see the same machine load (each round runs the
trees in turn, then the two reference clients; the load average is printed before and after):
1. 200 local articles, 0.5 s per model request, concurrency 16, against the ideal 200/16 x 0.5 s + one
   day-level request (0.5 s) = 6.75 s; against a bare client (`floor`), a process that imports nothing but
   asyncio and sends the same 201 requests over plain sockets, at most 16 at once (what any client meets: the
   interpreter's start, 13 rounds where the ideal counts 12.5, the endpoint's own overhead); and against the
   `openai` package alone (a reference), a process that sends the same requests through `AsyncOpenAI` and
   does nothing else (its import and its CPU per request; not a strict floor, since briefer sends and reads
   its requests with less of the SDK than `chat.completions.create` uses);
2. 50 web pages served on loopback at 100 ms each (--page-delay), listed in a --sources file, 0.05 s per
   model request: the time from process start to the first model request, and the total.
Each tree is the current one and, given --baseline, a git revision exported beside it (`git archive`, same
interpreter and packages). Python's bytecode of each tree is kept in a cache of its own (PYTHONPYCACHEPREFIX)
and written by a warm-up run, as an installed package has it, even where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from html import escape
from io import BytesIO
from pathlib import Path

from bench.throughput import Server
from tests.fake_web import FakeWeb

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "news-text" / "articles.jsonl"
IDEAL = 200 / 16 * 0.5 + 0.5

# The bare client: 201 POSTs, 16 at a time, over keep-alive HTTP/1.1 connections; prints nothing.
FLOOR = """
import asyncio, sys
from urllib.parse import urlsplit
url = urlsplit(sys.argv[1] + "/chat/completions")
body = b'{"model": "m", "messages": [{"role": "user", "content": "<article>\\\\nA floor.\\\\n</article>"}]}'
head = (f"POST {url.path} HTTP/1.1\\r\\nHost: {url.netloc}\\r\\nContent-Type: application/json\\r\\n"
        f"Content-Length: {len(body)}\\r\\n\\r\\n").encode()
async def worker(queue):
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    while not queue.empty():
        queue.get_nowait()
        writer.write(head + body)
        length = 0
        while (line := await reader.readline()) not in (b"\\r\\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
    writer.close()
async def main():
    queue = asyncio.Queue()
    for _ in range(200):
        queue.put_nowait(None)
    await asyncio.gather(*(worker(queue) for _ in range(16)))
    queue.put_nowait(None)
    await worker(queue)  # the day-level request, once every article is answered
asyncio.run(main())
"""


# The same requests through the openai package and nothing else: `chat.completions.create`, 16 at a time.
OPENAI_FLOOR = """
import asyncio, sys
import openai
async def main():
    client = openai.AsyncOpenAI(api_key="sk-floor", base_url=sys.argv[1], max_retries=0)
    slots = asyncio.Semaphore(16)
    async def one():
        async with slots:
            reply = await client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "<article>\\nA floor.\\n</article>"}], max_tokens=2048
            )
            return reply.choices[0].message.content
    await asyncio.gather(*(one() for _ in range(200)))
    await one()  # the day-level request, once every article is answered
    await client.close()
asyncio.run(main())
"""


def texts(n: int) -> list[str]:
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")][:n]
    return [r["article"] for r in rows]


def environment(code: Path, endpoint: Server, home: str, pycache: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "PYTHONPYCACHEPREFIX": str(pycache),
        "OPENAI_BASE_URL": endpoint.url,
        "OPENAI_API_KEY": "sk-bench",
        "BRIEFER_MODEL": "gpt-4o-mini",
        "BRIEFER_HOME": home,
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(command: list[str], env: dict[str, str], endpoint: Server, cwd: Path) -> tuple[float, float | None]:
    """(seconds from process start to exit, seconds to the first model request). Run in `cwd`, the tree
    measured: `python -m` puts the working directory first on the path."""
    before = len(endpoint.arrivals())
    started = time.time()
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=cwd)
    total = time.time() - started
    arrivals = endpoint.arrivals()[before:]
    return total, (min(arrivals) - started if arrivals else None)


def export(rev: str, where: Path) -> Path:
    """The tree of revision `rev`, written to `where` (git's state is left alone)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(where, filter="data")
    return where


def sources(tmp: Path, page_delay: float) -> tuple[Path, Path, FakeWeb]:
    """The 200 local articles, and a --sources file of 50 pages on a fake web server."""
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
        urls.append(web.add(f"/story/{i}", page, delay=page_delay))
    listing = tmp / "sources.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return local, listing, web


def measure(trees: dict[str, Path], tmp: Path, rounds: int, page_delay: float) -> dict[str, dict[str, list[float]]]:
    local, listing, web = sources(tmp, page_delay)
    slow, fast = Server(0.5), Server(0.05)
    results: dict[str, dict[str, list[float]]] = {name: {} for name in [*trees, "floor", "openai"]}
    try:
        for round_ in range(-1, rounds):  # round -1: the warm-up that writes each tree's bytecode
            for name, code in trees.items():
                home = str(tmp / f"home-{round_}-{name.split()[0]}")
                env = environment(code, slow, home, tmp / f"pycache-{name.split()[0]}")
                run = [sys.executable, "-m", "briefer", "run"]
                local_args = [str(local), "-c", "16", "--no-cache", "-o", f"{home}.json"]
                total, first = timed([*run, *local_args], env, slow, code)
                env = environment(code, fast, home, tmp / f"pycache-{name.split()[0]}")
                web_args = ["--sources", str(listing), "-c", "16", "--no-cache", "-o", f"{home}-web.json"]
                web_total, web_first = timed([*run, *web_args], env, fast, code)
                if round_ >= 0:
                    figures = {"local": total, "local-first": first, "web": web_total, "web-first": web_first}
                    for key, value in figures.items():
                        results[name].setdefault(key, []).append(value if value is not None else float("nan"))
            plain = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as the trees run
            floor, _ = timed([sys.executable, "-c", FLOOR, slow.url], plain, slow, tmp)
            sdk, sdk_first = timed([sys.executable, "-c", OPENAI_FLOOR, slow.url], plain, slow, tmp)
            if round_ >= 0:
                results["floor"].setdefault("local", []).append(floor)
                results["openai"].setdefault("local", []).append(sdk)
                results["openai"].setdefault("local-first", []).append(sdk_first or float("nan"))
    finally:
        slow.stop()
        fast.stop()
        web.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="a git revision to measure side by side with the current tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page-delay", type=float, default=0.1, help="seconds the web server takes per page")
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores; load average {load[0]:.2f} before"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        trees = {"current": REPO}
        if args.baseline:
            trees[f"baseline {args.baseline}"] = export(args.baseline, tmp / "baseline")
        results = measure(trees, tmp, args.rounds, args.page_delay)
    print(f"load average {os.getloadavg()[0]:.2f} after; median of {args.rounds} rounds, alternated\n")
    sdk = statistics.median(results["openai"]["local"])
    print(
        f"| tree | 200 local articles, 0.5 s/request, c=16 | vs ideal {IDEAL:.2f} s | vs the openai package alone "
        f"| first request | 50 pages at {args.page_delay * 1000:.0f} ms: first request | total |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        local = statistics.median(r["local"])
        if name == "floor":
            print(f"| bare client (floor) | {local:.2f} s | {local / IDEAL:.2f}x | {local / sdk:.2f}x | | | |")
            continue
        first = statistics.median(r["local-first"])
        if name == "openai":
            row = f"| the openai package alone (reference) | {local:.2f} s | {local / IDEAL:.2f}x | 1.00x "
            print(row + f"| {first:.2f} s | | |")
            continue
        print(
            f"| {name} | {local:.2f} s | {local / IDEAL:.2f}x | {local / sdk:.2f}x | {first:.2f} s "
            f"| {statistics.median(r['web-first']):.2f} s | {statistics.median(r['web']):.2f} s |"
        )


if __name__ == "__main__":
    main()
