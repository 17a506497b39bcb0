"""The synthesis stage: the day as one story (offline, or judged by the model), and the Briefing built from it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from briefer.config import Settings
from briefer.day import model_day, synthesize
from briefer.day.sameness import signatures
from briefer.errors import FatalModelError, ModelError
from briefer.extraction.extract import ModelExtractor
from briefer.extraction.extractors import Extractor
from briefer.extraction.stream import Extracted
from briefer.models import ArticleBrief, Briefing, Failure, Usage
from briefer.notices import OFFLINE_DAY, Notice
from briefer.progress import Progress
from briefer.sources.reading import clock

DEFAULT_TITLE = "Briefing"


async def synthesize_day(
    briefs: list[ArticleBrief], extractor: Extractor, today: date, notices: list[Notice], progress: Progress
) -> synthesize.Synthesis:
    """The day as one story. Offline, judged by the sentences' signatures; with a model, the cheap candidates
    are found first (in a worker thread) and the one synthesis request judges them, writes the overview and
    the themes. A failed synthesis request, or a reply that ignores the format, falls back to the offline
    synthesis; that, and what was rejected of the model's answer, goes to `notices` (never failures: every
    article is still briefed)."""
    if not briefs:
        return synthesize.synthesize(briefs, today)
    if not isinstance(extractor, ModelExtractor):  # offline: its workers parse the statements (spaCy is there)
        day = await asyncio.to_thread(synthesize.prepare, briefs)
        needed = synthesize.to_parse(day)
        parsed = await extractor.parse_many(signatures, [day.statements[i].text for i in needed])
        same, real = synthesize.judge_offline(day, dict(zip(needed, parsed, strict=True)))
        return await asyncio.to_thread(synthesize.settle, day, same, real, today)
    progress.stage("writing the overview")
    day = await asyncio.to_thread(synthesize.prepare, briefs)
    try:
        answer = await model_day.ask(extractor, day, today)
    except FatalModelError:
        raise
    except ModelError as e:
        notices.append(Notice(stage="synthesis", what=e.message, instead=OFFLINE_DAY))
        return await asyncio.to_thread(synthesize.synthesize, briefs, today)
    result, problems = model_day.apply_model(day, answer, today)
    notices.extend(problems)
    return result


def build_briefing(
    briefs: list[ArticleBrief],
    failures: list[Failure],
    *,
    provider: str,
    model: str | None,
    usage: Usage,
    title: str | None = None,
    today: date | None = None,
    synthesis: synthesize.Synthesis | None = None,
    since: datetime | None = None,
    notices: list[Notice] | None = None,
) -> Briefing:
    now = datetime.now(UTC)
    day = today or datetime.now().date()
    synthesis = synthesis or synthesize.synthesize(briefs, day)
    return Briefing(
        title=title or DEFAULT_TITLE,
        date=day,
        generated_at=now,
        provider=provider,
        model=model,
        since=since,
        overview=synthesis.overview_text,
        overview_sentences=synthesis.overview,
        overview_dropped=synthesis.dropped,
        themes=synthesis.themes,
        commitments=synthesis.commitments,
        facts=synthesis.facts,
        conflicts=synthesis.conflicts,
        watch=synthesis.watch,
        implications=synthesis.implications,
        articles=briefs,
        failures=failures,
        notices=notices or [],
        usage=usage,
    )


async def finish_briefing(
    extracted: Extracted,
    extractor: Extractor,
    settings: Settings,
    progress: Progress,
    started: float,
    *,
    title: str | None = None,
    spent: Callable[[], float | None] | None = None,
    today: date | None = None,
) -> Briefing:
    """Synthesize the day and build the Briefing (ModelError when no article could be extracted); `today` is
    the briefing's date (the wall clock's by default)."""
    if not extracted.briefs:
        first = extracted.failures[0] if extracted.failures else Failure(source="-", error="nothing to extract")
        raise ModelError(f"no article could be extracted ({first.source}: {first.error})")
    today = today or datetime.now().date()
    notices: list[Notice] = []
    day = await synthesize_day(extracted.briefs, extractor, today, notices, progress)
    usage = extractor.usage.model_copy(
        update={
            "elapsed_seconds": round(time.perf_counter() - started, 3),
            "cost_usd": spent() if spent is not None else extractor.spent(),
        }
    )
    return build_briefing(
        extracted.briefs,
        list(extracted.failures),
        provider=extractor.provider,
        model=extractor.model,
        usage=usage,
        title=title or settings.title,
        today=today,
        synthesis=day,
        since=settings.since_time(clock(today)),
        notices=notices,
    )
