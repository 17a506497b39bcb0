"""Offline extractor: quality on the seed article, ROUGE against reference summaries, and throughput.

Usage: python bench/offline_quality.py [--corpus ../shared/corpus] [--limit N]
Prints a table; needs the `bench` extra (rouge-score) for ROUGE.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from briefer.config import Settings
from briefer.extraction.extractors import open_extractor
from briefer.extraction.stream import extract_all
from briefer.models import Article, ArticleBrief, Failure
from briefer.offline.extractor import extract_offline
from briefer.offline.sentences import split_sentences
from briefer.sources import ingest
from briefer.sources.files import article_id

# The undertakings the seed states ("expressed support" states a position and undertakes nothing).
SEED_PLEDGES = {
    "strengthening their bilateral relationship": "strengthen their bilateral relationship",
    "eternal strategic relations": "elevate relations into eternal strategic relations",
    "support for each other": "support each other's national interests",
    "fully implement": "implement the treaty on comprehensive strategic partnership",
    "cooperation on the global stage": "strengthen cooperation on the global stage",
    "coordinate the common stand": "coordinate their common stand",
}
SEED_NAMES = ("Wonsan", "Choe Son Hui", "Sergei Lavrov", "Kim Jong Un")


def seed(corpus: Path) -> None:
    (article,) = ingest([str(next((corpus / "seed").glob("*.txt")))]).articles
    brief = extract_offline(article)
    found = " | ".join(f"{c.actor}: {c.action}" for c in brief.commitments)
    print("## Seed article")
    for cue, label in SEED_PLEDGES.items():
        print(f"- pledge {label}: {'found' if cue in found else 'MISSING'}")
    meeting_only = [c for c in brief.commitments if "This pledge was made" in c.evidence[0].quote]
    print(f"- sentences that only report the meeting, taken as commitments: {len(meeting_only)}")
    said = " ".join([brief.summary, *(f.statement for f in brief.facts)])
    for name in SEED_NAMES:
        print(f"- summary and facts name {name}: {'yes' if name in said else 'NO'}")
    print(f"- actors: {sorted({c.actor for c in brief.commitments})}")
    print(
        f"- commitments: {len(brief.commitments)}, facts: {len(brief.facts)}, all grounded: "
        f"{all(i.grounded for i in [*brief.facts, *brief.commitments])}"
    )


def lead3(text: str) -> str:
    return " ".join(s.text for s in split_sentences(text)[:3])


async def _pipeline(articles: list[Article]) -> tuple[list[ArticleBrief], list[Failure]]:
    async with open_extractor(Settings(provider="offline"), articles=len(articles)) as extractor:
        return await extract_all(articles, extractor, concurrency=64)


def news(corpus: Path, limit: int | None) -> None:
    rows = [json.loads(line) for line in (corpus / "news-text" / "articles.jsonl").open(encoding="utf-8")]
    rows = rows[:limit] if limit else rows
    articles = [Article(id=article_id(r["article"]), title="", source=r["url"], text=r["article"]) for r in rows]
    started = time.perf_counter()
    briefs = [extract_offline(a) for a in articles]
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    pooled, _ = asyncio.run(_pipeline(articles))
    pooled_elapsed = time.perf_counter() - started
    assert pooled == briefs, "the process pool must give the same result"
    print(f"\n## {len(articles)} news articles (news-text/articles.jsonl)")
    print(f"- extraction time, one process: {elapsed:.2f} s ({len(articles) / elapsed:.0f} articles/s)")
    print(
        f"- extraction time, the pipeline as `briefer run` uses it ({os.cpu_count()} processes): "
        f"{pooled_elapsed:.2f} s ({len(articles) / pooled_elapsed:.0f} articles/s, "
        f"{elapsed / pooled_elapsed:.2f}x the single process, same run)"
    )
    commitments = [len(b.commitments) for b in briefs]
    print(
        f"- commitments per article: mean {statistics.mean(commitments):.2f}, "
        f"articles with at least one: {sum(1 for c in commitments if c)}/{len(briefs)}"
    )
    print(
        f"- facts per article: mean {statistics.mean(len(b.facts) for b in briefs):.2f}; "
        f"implications per article: mean {statistics.mean(len(b.implications) for b in briefs):.2f}"
    )
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        print("- ROUGE: install the bench extra (pip install -e '.[bench]')")
        return
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)
    print("\n| subset | n | summary R-1 F | summary R-L F | plain lead-3 R-1 F | plain lead-3 R-L F |")
    print("|---|---|---|---|---|---|")
    for name in ("cnndm", "xsum_bbc", "all"):
        picked = [
            (r, b)
            for r, b in zip(rows, briefs, strict=True)
            if r.get("reference_summary") and (name == "all" or r.get("dataset", "") == name)
        ]
        if not picked:
            continue
        ours = [scorer.score(r["reference_summary"], b.summary) for r, b in picked]
        base = [scorer.score(r["reference_summary"], lead3(r["article"])) for r, _ in picked]

        def mean(scores: list[dict[str, object]], key: str) -> float:
            return statistics.mean(s[key].fmeasure for s in scores)  # type: ignore[attr-defined]

        print(
            f"| {name} | {len(picked)} | {mean(ours, 'rouge1'):.3f} | {mean(ours, 'rougeL'):.3f} | "
            f"{mean(base, 'rouge1'):.3f} | {mean(base, 'rougeL'):.3f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found: {args.corpus}")
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores\n"
    )
    seed(args.corpus)
    news(args.corpus, args.limit)


if __name__ == "__main__":
    main()
