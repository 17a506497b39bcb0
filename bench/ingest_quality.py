"""Ingestion against the real-world corpus: main-text F1, precision and recall on 181 HTML pages beside
trafilatura's, what each of the reader's rules changes there, feeds against other parsers, and the time
`briefer ingest` takes for the 181 pages.

Usage: python bench/ingest_quality.py [--corpus ../shared/corpus]

F1 is scored as the article-extraction-benchmark publishes it: 4-token shingles of \\w+ tokens, counts per
page normalised to sum to one, mean precision and mean recall over pages, F1 of the two means.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from briefer.sources.feeds import parse_feed
from briefer.sources.html import ALL_RULES, MIN_WORDS, decode_html, extract_page, main_text, page_passes

_TOKEN = re.compile(r"\w+")


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)) if tokens[i : i + 4])


def _counts(truth: str, predicted: str) -> tuple[float, float, float]:
    a, b = _shingles(truth), _shingles(predicted)
    tp = sum((a & b).values())
    fp = sum((b - a).values())
    fn = sum((a - b).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))


def _recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))


def f1(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    rows = [_counts(t, p) for t, p in pairs]
    p = statistics.mean(_precision(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(_recall(*x) for x in rows if x[0] + x[2] > 0)
    return 2 * p * r / (p + r), p, r


def _text_with(passes: list[tuple[Any, Any]], rules: frozenset[str]) -> str:
    found = main_text(passes, rules)
    return found[1] if found and len(found[1].split()) >= MIN_WORDS else ""


def rule_effects(bodies: list[str], passes: list[list[tuple[Any, Any]]]) -> None:
    """What each rule of the reader changes: all rules against all but that one, as means and page by page."""
    print("\n### What each rule changes: all rules against all but that one\n")
    print("| rule | F1 | precision | recall | pages: recall up / down | pages: precision up / down |")
    print("|---|---|---|---|---|---|")
    full = [_text_with(p, ALL_RULES) for p in passes]
    base = f1(list(zip(bodies, full, strict=True)))
    for rule in sorted(ALL_RULES):
        without = [_text_with(p, ALL_RULES - {rule}) for p in passes]
        score = f1(list(zip(bodies, without, strict=True)))
        moves = {"recall": [0, 0], "precision": [0, 0]}
        for body, a, b in zip(bodies, without, full, strict=True):
            before, after = _counts(body, a), _counts(body, b)
            for name, measure in (("recall", _recall), ("precision", _precision)):
                change = measure(*after) - measure(*before)
                if abs(change) > 1e-9:
                    moves[name][change < 0] += 1
        deltas = " | ".join(f"{x - y:+.4f}" for x, y in zip(base, score, strict=True))
        up_down = " | ".join(f"{moves[n][0]} / {moves[n][1]}" for n in ("recall", "precision"))
        print(f"| {rule} | {deltas} | {up_down} |")
    none = [_text_with(p, frozenset()) for p in passes]
    print(
        "\nNo rule at all (the reader before issue 24): F1 {:.3f}, precision {:.3f}, recall {:.3f}".format(
            *f1(list(zip(bodies, none, strict=True)))
        )
    )


def html_benchmark(corpus: Path) -> None:
    import trafilatura

    folder = corpus / "html-articles"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {k: gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes()) for k in truth}
    trafilatura_runs: dict[str, dict[str, Any]] = {
        f"trafilatura {trafilatura.__version__}, defaults": {},
        f"trafilatura {trafilatura.__version__}, favor_precision": {"favor_precision": True},
    }
    results: dict[str, list[tuple[str, str]]] = {name: [] for name in [*trafilatura_runs, "briefer"]}
    timings: dict[str, float] = dict.fromkeys(results, 0.0)
    bodies, passes = [], []
    for key, data in pages.items():
        html = decode_html(data)
        body = truth[key]["articleBody"]
        for name, kwargs in trafilatura_runs.items():
            started = time.perf_counter()
            text = trafilatura.extract(html, **kwargs) or ""
            timings[name] += time.perf_counter() - started
            results[name].append((body, text))
        started = time.perf_counter()
        article = extract_page(html, truth[key].get("url"), key)
        timings["briefer"] += time.perf_counter() - started
        results["briefer"].append((body, getattr(article, "text", "")))
        bodies.append(body)
        passes.append(page_passes(html, truth[key].get("url")))
    print(f"## Main text from {len(pages)} HTML pages (html-articles/)\n")
    print("| extractor | F1 | precision | recall | time |")
    print("|---|---|---|---|---|")
    for name, pairs in results.items():
        score, p, r = f1(pairs)
        print(f"| {name} | {score:.3f} | {p:.3f} | {r:.3f} | {timings[name]:.1f} s |")
    rule_effects(bodies, passes)


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _compare(name: str, path: Path, titles: list[str], links: list[str]) -> str | None:
    entries, failures = parse_feed(path.read_bytes(), name)
    got_titles = [_norm(e.article.title) for e in entries]
    got_links = [e.article.url or "" for e in entries]
    problems = []
    if len(entries) != len(titles):
        problems.append(
            f"{len(entries)} items, expected {len(titles)}" + (f" ({failures[0].error})" if failures else "")
        )
    else:
        bad_titles = sum(1 for a, b in zip(got_titles, titles, strict=True) if b and a != _norm(b))
        bad_links = sum(1 for a, b in zip(got_links, links, strict=True) if b and a != b)
        if bad_titles:
            problems.append(f"{bad_titles} titles differ")
        if bad_links:
            problems.append(f"{bad_links} links differ")
    return "; ".join(problems) or None


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def feeds_benchmark(corpus: Path) -> None:
    checked, differ = 0, []
    base = corpus / "feeds" / "rss-parser"
    for expected in sorted((base / "output").glob("*.json")):
        inputs = [p for p in (base / "input").glob(expected.stem + ".*")]
        if not inputs:
            continue
        items = json.loads(_text(expected))["feed"].get("items", [])
        problem = _compare(
            expected.stem, inputs[0], [i.get("title") or "" for i in items], [i.get("link") or "" for i in items]
        )
        checked += 1
        if problem:
            differ.append(f"rss-parser/{inputs[0].name}: {problem}")
    for expected in sorted((corpus / "feeds" / "feed-rs" / "fixture").rglob("*.serde.json")):
        stem = expected.name.removesuffix(".serde.json")
        inputs = [p for p in expected.parent.glob(stem + ".*") if not p.name.endswith(".serde.json")]
        if not inputs:
            continue
        entries = json.loads(_text(expected)).get("entries", [])
        titles = [((e.get("title") or {}).get("content") or "") for e in entries]
        links = [((e.get("links") or [{}])[0].get("href") or "") for e in entries]
        problem = _compare(stem, inputs[0], titles, links)
        checked += 1
        if problem:
            differ.append(f"feed-rs/{expected.parent.name}/{inputs[0].name}: {problem}")
    print(f"\n## Feeds: {checked} with another parser's expected output\n")
    print(f"- same item count, titles and links: {checked - len(differ)}/{checked}")
    for line in differ:
        print(f"- differs: {line}")


def ingest_timing(corpus: Path) -> None:
    folder = corpus / "html-articles" / "html"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "briefer", "ingest", str(folder), "-q"], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    count = len(done.stdout.splitlines())
    print(f"\n## `briefer ingest html-articles/html/`: {count} articles in {elapsed:.1f} s (bound: 60 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found: {args.corpus}")
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores\n"
    )
    html_benchmark(args.corpus)
    feeds_benchmark(args.corpus)
    ingest_timing(args.corpus)


if __name__ == "__main__":
    main()
