"""Speed and cost against a fake OpenAI-compatible server on loopback that answers after a fixed latency.

Usage: python -m bench.throughput [--articles 200] [--latency 0.5]
Prints one table: concurrency 16 against the ideal and against concurrency 1 (same run; both after one
warm-up round that imports the client, whose cost is part of start-up, measured last), a provider that
allows 6 concurrent requests while briefer starts at 16, the same articles again from the cache, the fixed
prompt overhead per article, and `briefer --help` start-up against `python -c "import typer"`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from briefer.config import Settings
from briefer.extraction.extract import extraction_messages
from briefer.extraction.extractors import open_extractor
from briefer.extraction.stream import extract_all
from briefer.model.formats import inline_schema
from briefer.model.tokens import count_tokens, exact
from briefer.models import Article, ModelExtraction
from briefer.output.templating import prompt_environment
from briefer.paths import Dirs
from briefer.sources.files import article_id

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news-text" / "articles.jsonl"


def load(n: int) -> list[Article]:
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")][:n]
    return [
        Article(id=article_id(r["article"]), title=f"a{i}", source=r["url"], text=r["article"])
        for i, r in enumerate(rows)
    ]


class Server:
    """The fake endpoint in a child process."""

    def __init__(self, latency: float, ceiling: int | None = None) -> None:
        command = [sys.executable, "-m", "tests.fake_openai", "--latency", str(latency)]
        if ceiling is not None:
            command += ["--ceiling", str(ceiling)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def log(self) -> list[tuple[float, int]]:
        import urllib.request

        with urllib.request.urlopen(self.url.replace("/v1", "/_log")) as response:
            return [tuple(x) for x in json.load(response)]

    def arrivals(self) -> list[float]:
        """When each request came in (time.time() of the server's process)."""
        import urllib.request

        with urllib.request.urlopen(self.url.replace("/v1", "/_arrivals")) as response:
            return [float(t) for t in json.load(response)]

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def run(articles: list[Article], server: Server, concurrency: int, cache_dir: str) -> tuple[float, Any]:
    settings = Settings(
        base_url=server.url,
        api_key="sk-bench",
        model="gpt-4o-mini",
        concurrency=concurrency,
        dirs=Dirs.from_env({"BRIEFER_HOME": cache_dir}),
    )

    async def go() -> Any:
        async with open_extractor(settings) as extractor:
            briefs, failures = await extract_all(articles, extractor, concurrency)
            assert len(briefs) == len(articles), failures[:3]
            return extractor.usage

    started = time.perf_counter()
    usage = asyncio.run(go())
    return time.perf_counter() - started, usage


def startup(n: int = 31) -> tuple[float, float]:
    """Median wall time of `briefer --help` (the console script) and of `python -c "import typer"`, alternated.
    briefer's bytecode is kept in a cache of its own, as an installed package has it (even where
    PYTHONDONTWRITEBYTECODE is set); the first run of each writes it and is not counted."""
    script = Path(sys.executable).with_name("briefer")
    ours_command = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "briefer", "--help"]
    with tempfile.TemporaryDirectory() as pycache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": pycache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        ours, base = [], []
        for _ in range(n + 1):
            for command, times in ((ours_command, ours), ([sys.executable, "-c", "import typer"], base)):
                started = time.perf_counter()
                subprocess.run(command, capture_output=True, check=True, env=env)
                times.append(time.perf_counter() - started)
    return statistics.median(ours[1:]), statistics.median(base[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args()
    articles = load(args.articles)
    n, latency = len(articles), args.latency
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; {n} articles, {latency} s per request\n"
    )
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(latency)
        run(articles[:16], server, 16, f"{tmp}/warm-up")  # imports the client once; start-up is measured below
        fast, _ = run(articles, server, 16, f"{tmp}/c16")
        ideal = math.ceil(n / 16) * latency
        slow, _ = run(articles, server, 1, f"{tmp}/c1")
        rows.append(
            (
                "concurrency 16: wall time",
                f"{fast:.2f} s (ideal {ideal:.2f} s, +{(fast / ideal - 1) * 100:.1f}%)",
                "within 15% of ideal",
            )
        )
        rows.append(("concurrency 1: wall time", f"{slow:.2f} s ({slow / fast:.1f}x the time at 16)", "at least 12x"))
        again, usage_again = run(articles, server, 16, f"{tmp}/c16")
        rows.append(
            (
                "same articles again (cache)",
                f"{again:.3f} s, {usage_again.requests} requests, {fast / again:.0f}x faster than the first run",
                "0 requests, at least 50x",
            )
        )
        server.stop()

        limited = Server(latency, ceiling=6)
        started = time.time()
        elapsed, usage = run(articles, limited, 16, f"{tmp}/ceiling")
        log = limited.log()
        limited.stop()
        late = [status for t, status in log if t - started > 10]
        share = sum(1 for s in late if s == 429) / max(1, len(late))
        throughput = n / elapsed
        best = 6 / latency
        rows.append(
            (
                "ceiling of 6 at once, starting at 16",
                f"{share:.1%} answered 429 after the first 10 s; "
                f"{throughput:.1f} articles/s = {throughput / best:.0%} of the ceiling's {best:.0f}/s; "
                f"{usage.retries} retries in all",
                "under 5%; at least 80%",
            )
        )

    env = prompt_environment(None, Path("/nonexistent"))
    empty = Article(id="x", title="", source="", text="")
    overhead = sum(count_tokens(m["content"]) for m in extraction_messages(env, empty))
    overhead += count_tokens(json.dumps(inline_schema(ModelExtraction), separators=(",", ":")))
    how = "cl100k tokenizer" if exact() else "estimate, 4 characters a token"
    rows.append(("fixed prompt overhead per article", f"{overhead} tokens ({how})", "at most 800"))

    ours, base = startup()
    rows.append(
        (
            "`briefer --help` start-up",
            f"{ours * 1000:.0f} ms vs {base * 1000:.0f} ms for `import typer`: {ours / base:.2f}x",
            "at most 1.3x",
        )
    )
    print("| measure | result | bound |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")


if __name__ == "__main__":
    main()
