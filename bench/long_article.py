"""Offline extraction time against article length: it must grow linearly, and 100,000 words stay under 30 s.

Usage: python -m bench.long_article [--words 10000 20000 40000 100000]
       python -m bench.long_article --megabytes 1 5
The long texts of --words are made by joining real articles from ../shared/corpus/news-text (throughput
only; nothing is scored), so sentence lengths and vocabulary are those of real news.

--megabytes runs the whole `briefer run FILE --offline` on a made-up text file of that size (the user's case:
one huge .txt), each in its own process, and reports seconds, peak memory (RSS) and how many times the one
pledge sentence that recurs through the text is listed (it must be once).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
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


RECURRING = "The Tarsby council promised to reopen the old bridge over the Meran by June 2027."
_PLACES = "Lindmar Tarsby Kessvik Ostral Meran Valdora Estrel Nordhavn Pesk Orla".split()
_PEOPLE = "Marta Lindqvist|Ilse Vantongeren|Tomas Brekke|Petra Lund|Aksel Ferro|Jan Orm|Dag Holm".split("|")
_BODIES = "council|port authority|transport ministry|water board|regional government|harbour company".split("|")
_THINGS = "bridge|school|clinic|ferry line|flood barrier|rail link|sports hall|housing block".split("|")
_MONTHS = "January February March April May June July August September October November December".split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday".split()
_SENTENCES = (
    "The {place} {body} said it will build {n} new {thing}s by {month} {year}.",
    "The {thing} in {place} cost {n} million euros, according to {person}.",
    "{person}, who chairs the {place} {body}, told reporters the {thing} had been delayed by {n} weeks.",
    "About {n}00 residents attended the meeting in {place} on {day}.",
    "Critics warned that the new {thing} could shift traffic to the villages around {place}.",
    "The {body} approved {n} changes to the plans for the {thing} on {day}.",
    "Work on the {thing} near {place} stopped for {n} days after the storm in {month}.",
    "{person} said the {thing} was the largest project in {place} for {n} years.",
)


def made_up(megabytes: float, seed: int = 7) -> str:
    """A made-up news text of about `megabytes` MB: paragraphs of four to seven sentences about fictional
    places, with figures, dates and pledges, and RECURRING six times in every 150 paragraphs."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        sentences = [
            rng.choice(_SENTENCES).format(
                place=rng.choice(_PLACES),
                person=rng.choice(_PEOPLE),
                body=rng.choice(_BODIES),
                thing=rng.choice(_THINGS),
                month=rng.choice(_MONTHS),
                day=rng.choice(_DAYS),
                n=rng.randint(2, 60),
                year=rng.randint(2027, 2031),
            )
            for _ in range(rng.randint(4, 7))
        ]
        if len(paragraphs) % 150 in (1, 2, 3, 5, 8, 13):  # early and often, as in a text pasted together
            sentences.insert(rng.randint(0, len(sentences)), RECURRING)
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 1
    return "Tarsby and its neighbours: the year in projects\n" + "\n".join(paragraphs) + "\n"


def whole_run(megabytes: float) -> dict[str, float]:
    """`briefer run` on a made-up text of that size, in a process of its own: seconds, peak RSS in MB (of the
    largest process: briefer or one of its workers), and how often the recurring pledge is listed."""
    with tempfile.TemporaryDirectory() as folder:
        text = Path(folder) / f"long-{megabytes:g}mb.txt"
        text.write_text(made_up(megabytes), encoding="utf-8")
        output = Path(folder) / "briefing.json"
        environment = {**os.environ, "BRIEFER_HOME": folder, "BRIEFER_CACHE_DIR": folder}
        command = [sys.executable, "-m", "briefer", "run", str(text), "--offline", "--no-history", "-q"]
        started = time.perf_counter()
        subprocess.run([*command, "-o", str(output)], env=environment, check=True, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        briefing = json.loads(output.read_text(encoding="utf-8"))
    listed = sum(1 for c in briefing["articles"][0]["commitments"] if "reopen the old bridge" in c["action"])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": elapsed, "peak_mb": peak, "listed": listed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, nargs="+", default=[10_000, 20_000, 40_000, 100_000])
    parser.add_argument("--megabytes", type=float, nargs="+", help="whole runs on made-up texts of these sizes")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)  # a single whole run, in a child process
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(whole_run(args.one)))
        return
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}\n")
    if args.megabytes:
        print("| text | seconds | peak RSS (MB) | the recurring pledge listed |")
        print("|---|---|---|---|")
        for megabytes in args.megabytes:
            child = [sys.executable, "-m", "bench.long_article", "--one", str(megabytes)]
            row = json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout)
            print(f"| {megabytes:g} MB | {row['seconds']:.1f} | {row['peak_mb']:.0f} | {row['listed']} |")
        return
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
