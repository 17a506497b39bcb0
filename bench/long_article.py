"""Offline extraction time against article length: it must grow linearly, and 100,000 words stay under 30 s.

Usage: python -m bench.long_article [--words 10000 20000 40000 100000]
The long texts are made by joining real articles from ../shared/corpus/news-text (throughput only; nothing
is scored), so sentence lengths and vocabulary are those of real news.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from briefer.models import Article
from briefer.offline.extractor import extract_offline
from briefer.offline.nlp import pipeline

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news-text" / "articles.jsonl"


def text_of(words: int) -> str:
    rows = [json.loads(line)["article"] for line in CORPUS.open(encoding="utf-8")]
    parts: list[str] = []
    count = 0
    while count < words:
        for row in rows:
            parts.append(row)
            count += len(row.split())
            if count >= words:
                break
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, nargs="+", default=[10_000, 20_000, 40_000, 100_000])
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}\n")
    started = time.perf_counter()
    pipeline()
    print(f"spaCy pipeline loaded in {time.perf_counter() - started:.2f} s\n")
    print("| words | seconds | ms per 1,000 words |")
    print("|---|---|---|")
    for words in args.words:
        text = text_of(words)
        started = time.perf_counter()
        extract_offline(Article(id="long", title="long", source="bench", text=text))
        elapsed = time.perf_counter() - started
        print(f"| {len(text.split()):,} | {elapsed:.1f} | {elapsed / len(text.split()) * 1e6:.0f} |")


if __name__ == "__main__":
    main()
