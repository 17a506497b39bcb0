"""Running configurations: each one extracts every labelled article, and what it listed is scored."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from briefer.config import Settings
from briefer.evaluation.labels import Case
from briefer.evaluation.scoring import ArticleScore, Totals, score_article
from briefer.extraction.extractors import open_extractor
from briefer.extraction.stream import extract_all
from briefer.models import ArticleBrief, Failure, Usage
from briefer.progress import Progress


@dataclass
class Config:
    """A configuration to score: a name for the table and the settings a run would use."""

    name: str
    settings: Settings


@dataclass
class Run:
    """What one configuration extracted, and what it cost."""

    config: Config
    provider: str = ""
    model: str | None = None
    briefs: dict[str, ArticleBrief | None] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    scores: list[ArticleScore] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


async def _extract(config: Config, cases: Sequence[Case], progress: Progress) -> Run:
    run = Run(config=config)
    started = time.perf_counter()
    articles = [c.article for c in cases]
    async with open_extractor(config.settings, articles=len(articles)) as extractor:
        progress.stage(f"extracting: {config.name}")
        briefs, failures = await extract_all(articles, extractor, config.settings.concurrency, progress)
        run.provider, run.model = extractor.provider, extractor.model
        run.usage = extractor.usage.model_copy(update={"cost_usd": extractor.spent()})
    run.seconds = time.perf_counter() - started
    run.usage = run.usage.model_copy(update={"elapsed_seconds": round(run.seconds, 3)})
    by_id = {b.id: b for b in briefs}
    run.briefs = {c.article.id: by_id.get(c.article.id) for c in cases}
    run.failures = failures
    return run


def score(run: Run, cases: Sequence[Case]) -> None:
    for case in cases:
        result = score_article(
            case.article.id,
            case.article.text,
            run.briefs[case.article.id],
            case.labels,
            case.label.facts,
            case.label.not_commitments,
        )
        run.scores.append(result)
        run.totals.add(result, len(case.labels), len(case.label.facts), case.trap)


def evaluate(configs: Sequence[Config], cases: Sequence[Case], progress: Progress | None = None) -> list[Run]:
    """Extract and score every case with every configuration, one configuration after the other."""
    progress = progress or Progress()
    runs = []
    for config in configs:
        run = asyncio.run(_extract(config, cases, progress))
        score(run, cases)
        runs.append(run)
    return runs
