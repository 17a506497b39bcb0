"""A run through OpenAI's Batch API: the articles submitted as one job, polled, collected and briefed."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path
from typing import TextIO

from briefer.config import Settings
from briefer.extraction.stream import Extracted
from briefer.models import Briefing
from briefer.output.publish import check_output, emit, output_format, render
from briefer.progress import Progress
from briefer.sources.reading import Read, no_article, report_reading


def batch_run(
    settings: Settings, everything: Read, output: Path | None, wait: bool, day: date | None, progress: Progress
) -> Briefing | None:
    """Submit the articles read as a Batch API job; with `wait`, poll until done and return the briefing."""
    from briefer.extraction import batch

    report_reading(progress, everything.tally, everything.merged)
    if not everything.articles:
        raise no_article(everything.failures, everything.tally)
    batch_id, count = batch.submit_job(settings, everything.articles, everything.failures)
    resume = f"briefer batch fetch {batch_id}" + (f" -o {output}" if output else "")
    progress.note(f"batch {batch_id} submitted ({count} requests; the rest were cached)")
    if not wait:
        progress.note(f"resume with: {resume}")
        return None
    try:
        return fetch_batch(settings, batch_id, wait=True, progress=progress, today=day)
    except KeyboardInterrupt:
        progress.note(f"stopped waiting; the batch goes on. Resume with: {resume}")
        raise


def fetch_batch(
    settings: Settings,
    batch_id: str,
    wait: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> Briefing:
    """The briefing of a finished batch (waiting for it first when `wait`), dated `today` (the clock's by
    default). A batch fetched later with `briefer batch fetch` is not kept in the history store."""
    from briefer.day.stage import finish_briefing
    from briefer.extraction import batch

    progress = progress or Progress()
    started = time.perf_counter()

    async def go() -> Briefing:
        async with batch.opened(settings) as extractor:
            collected = await batch.collect_job(extractor, batch_id, settings, wait, progress.note)
            return await finish_briefing(
                Extracted(collected.briefs, collected.failures),
                extractor,
                settings,
                progress,
                started,
                title=collected.title,
                spent=collected.spent,
                today=today,
            )

    return asyncio.run(go())


def fetch_and_render(
    settings: Settings,
    batch_id: str,
    output: Path | None,
    fmt: str | None,
    stdout: TextIO | None,
    wait: bool = False,
    progress: Progress | None = None,
) -> Briefing:
    """`briefer batch fetch`: the batch's briefing, rendered and written."""
    chosen = output_format(output, fmt)
    check_output(output, mkdir=True)
    briefing = fetch_batch(settings, batch_id, wait, progress)
    emit(render(briefing, chosen, settings), output, stdout)
    return briefing


def batch_status(settings: Settings, batch_id: str) -> str:
    from briefer.extraction import batch

    return batch.describe_status(settings, batch_id)
