"""ingest -> extract -> synthesize -> render, as plain functions taking their collaborators."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from briefer import synthesize
from briefer.config import Settings, user_dir
from briefer.errors import BrieferError, BudgetError, FatalModelError, InputError, ModelError, UsageError
from briefer.models import Article, ArticleBrief, Briefing, Failure, Usage

DEFAULT_TITLE = "Briefing"


class Extractor(Protocol):
    provider: str

    @property
    def model(self) -> str | None: ...

    @property
    def usage(self) -> Usage: ...

    def spent(self) -> float | None: ...

    async def extract(self, article: Article) -> ArticleBrief: ...

    async def aclose(self) -> None: ...


@dataclass
class Progress:
    """Callbacks the CLI uses to draw a progress bar; the defaults do nothing."""

    start: Callable[[int], None] = lambda total: None
    advance: Callable[[], None] = lambda: None


# Below this many articles a process pool costs more to start than it saves.
OFFLINE_POOL_MIN_ARTICLES = 24


def make_extractor(
    settings: Settings, env: Mapping[str, str], variables: Mapping[str, Any] | None = None, articles: int = 1
) -> Extractor:
    """The offline extractor or the model, as the settings say. Call inside the event loop that uses it."""
    if settings.resolved_provider() == "offline":
        from briefer.offline import OfflineExtractor

        processes = (os.cpu_count() or 1) if articles >= OFFLINE_POOL_MIN_ARTICLES else 0
        return OfflineExtractor(processes=processes)
    from briefer.cache import Cache, cache_dir
    from briefer.config import apply_prompt_settings
    from briefer.extract import ModelExtractor
    from briefer.llm import LLM
    from briefer.pricing import price_for
    from briefer.prompts import read_meta
    from briefer.templating import prompt_environment

    prompts = prompt_environment(settings.prompts_dir, user_dir(env))
    meta = read_meta(prompts)
    settings = apply_prompt_settings(settings, meta.model, meta.temperature, meta.max_output_tokens)
    cache = Cache.at(cache_dir(env)) if settings.cache else None
    price = price_for(settings.model, settings.prices)
    context = {**settings.vars, **(variables or {})}
    return ModelExtractor(LLM(settings), prompts, {**context, "vars": context}, cache=cache, price=price)


def check_budget(articles: list[Article], extractor: Extractor, max_cost: float) -> float:
    """The estimated cost of the run; BudgetError when it is over `max_cost`, UsageError when unknowable."""
    from briefer.pricing import cost

    estimate = getattr(extractor, "estimate", None)
    if estimate is None:
        return 0.0  # the offline extractor costs nothing
    prompt = completion = 0
    for article in articles:
        p, c = estimate(article)
        prompt, completion = prompt + p, completion + c
    dollars = cost(getattr(extractor, "price", None), prompt, 0, completion)
    if dollars is None:
        raise UsageError(
            f"--max-cost: no price is known for model '{extractor.model}'; "
            f'add [prices."{extractor.model}"] with input and output (USD per 1M tokens) to the configuration'
        )
    if dollars > max_cost:
        raise BudgetError(
            f"the estimated cost ${dollars:.4f} ({prompt} prompt + {completion} completion tokens, "
            f"{len(articles)} articles) is over --max-cost ${max_cost:g}; nothing was sent"
        )
    return dollars


async def extract_all(
    articles: list[Article],
    extractor: Extractor,
    concurrency: int,
    progress: Progress | None = None,
    max_cost: float | None = None,
) -> tuple[list[ArticleBrief], list[Failure]]:
    """Extract concurrently; keep input order. A failed article becomes a Failure; a fatal error stops all.
    Once the spending reaches `max_cost`, articles not yet started are skipped (listed as failures)."""
    progress = progress or Progress()
    progress.start(len(articles))
    semaphore = asyncio.Semaphore(concurrency)
    results: list[ArticleBrief | Failure | None] = [None] * len(articles)

    async def one(index: int, article: Article) -> None:
        async with semaphore:
            if max_cost is not None and (extractor.spent() or 0.0) >= max_cost:
                results[index] = Failure(
                    source=article.source, error=f"skipped: the run reached --max-cost ${max_cost:g}"
                )
                progress.advance()
                return
            try:
                results[index] = await extractor.extract(article)
            except FatalModelError:
                raise
            except ModelError as e:
                results[index] = Failure(source=article.source, error=e.message)
            finally:
                progress.advance()

    try:
        async with asyncio.TaskGroup() as group:
            for i, article in enumerate(articles):
                group.create_task(one(i, article))
    except* BrieferError as fatal:  # a rejected key, a broken prompt: the first stops the run
        raise fatal.exceptions[0] from None
    briefs = [r for r in results if isinstance(r, ArticleBrief)]
    failures = [r for r in results if isinstance(r, Failure)]
    return briefs, failures


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
) -> Briefing:
    now = datetime.now(UTC)
    day = today or now.date()
    synthesis = synthesis or synthesize.synthesize(briefs, day)
    return Briefing(
        title=title or DEFAULT_TITLE,
        date=day,
        generated_at=now,
        provider=provider,
        model=model,
        overview=synthesis.overview,
        themes=synthesis.themes,
        commitments=synthesis.commitments,
        facts=synthesis.facts,
        conflicts=synthesis.conflicts,
        watch=synthesis.watch,
        articles=briefs,
        failures=failures,
        usage=usage,
    )


async def synthesize_day(
    briefs: list[ArticleBrief], extractor: Extractor, today: date, failures: list[Failure]
) -> synthesize.Synthesis:
    """The deterministic synthesis, with the model's overview, themes and watch list when there is one.
    A failed synthesis call falls back to the deterministic one and is listed under failures."""
    base = synthesize.synthesize(briefs, today)
    ask = getattr(extractor, "synthesize", None)
    if ask is None or not briefs:
        return base
    try:
        answer = await ask(briefs, today)
    except FatalModelError:
        raise
    except ModelError as e:
        failures.append(Failure(source="synthesis", error=f"{e.message} (the overview is made from the leads)"))
        return base
    return synthesize.apply_model(base, answer, briefs, today)


def extract_briefing(
    articles: list[Article],
    ingest_failures: list[Failure],
    settings: Settings,
    env: Mapping[str, str],
    progress: Progress | None = None,
    variables: Mapping[str, Any] | None = None,
) -> Briefing:
    """Run the extraction for a list of articles and assemble the Briefing.

    Raises InputError when there is no article at all, ModelError when none could be extracted.
    """
    if not articles:
        reasons = "; ".join(f"{f.source}: {f.error}" for f in ingest_failures[:3]) or "no sources given"
        raise InputError(f"no readable article ({reasons})")
    started = time.perf_counter()

    today = datetime.now(UTC).date()

    async def go() -> tuple[list[ArticleBrief], list[Failure], Extractor, synthesize.Synthesis]:
        extractor = make_extractor(settings, env, variables, articles=len(articles))
        try:
            if settings.max_cost is not None:
                check_budget(articles, extractor, settings.max_cost)
            briefs, failures = await extract_all(articles, extractor, settings.concurrency, progress, settings.max_cost)
            day = await synthesize_day(briefs, extractor, today, failures)
        finally:
            await extractor.aclose()
        return briefs, failures, extractor, day

    briefs, failures, extractor, day = asyncio.run(go())
    if not briefs:
        raise ModelError(f"no article could be extracted ({failures[0].source}: {failures[0].error})")
    usage = extractor.usage.model_copy(
        update={"elapsed_seconds": round(time.perf_counter() - started, 3), "cost_usd": extractor.spent()}
    )
    return build_briefing(
        briefs,
        [*ingest_failures, *failures],
        provider=extractor.provider,
        model=extractor.model,
        usage=usage,
        title=settings.title,
        today=today,
        synthesis=day,
    )


def write_output(text: str, output: Path) -> None:
    """Write atomically: a temporary file beside the target, then a rename. A reader never sees half a file."""
    import tempfile

    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        # mkstemp makes the file private; give it the mode a plain open() would have.
        os.chmod(tmp, output.stat().st_mode & 0o777 if output.exists() else 0o666 & ~_umask())
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _model_extractor(settings: Settings, env: Mapping[str, str]) -> Any:
    extractor = make_extractor(settings, env)
    if extractor.provider == "offline":
        raise UsageError("--batch needs a model endpoint (OPENAI_API_KEY), not the offline extractor")
    return extractor


def submit_batch(
    articles: list[Article], failures: list[Failure], settings: Settings, env: Mapping[str, str]
) -> tuple[str, int]:
    """Start a Batch API job for the articles; returns its id and how many requests it holds."""
    from briefer import batch

    if not articles:
        reasons = "; ".join(f"{f.source}: {f.error}" for f in failures[:3]) or "no sources given"
        raise InputError(f"no readable article ({reasons})")

    async def go() -> tuple[str, int]:
        extractor = _model_extractor(settings, env)
        try:
            if settings.max_cost is not None:
                check_budget(articles, extractor, settings.max_cost * 2)  # the Batch API bills half
            return await batch.submit(articles, extractor, settings.title, failures)
        finally:
            await extractor.aclose()

    return asyncio.run(go())


def batch_status(batch_id: str, settings: Settings, env: Mapping[str, str]) -> Any:
    from briefer import batch

    async def go() -> Any:
        extractor = _model_extractor(settings, env)
        try:
            batch.load_state(extractor, batch_id)
            return await batch.status(extractor, batch_id)
        finally:
            await extractor.aclose()

    return asyncio.run(go())


def fetch_batch(
    batch_id: str,
    settings: Settings,
    env: Mapping[str, str],
    wait: bool = False,
    on_poll: Callable[[Any], None] | None = None,
) -> Briefing:
    """The briefing of a finished batch (waiting for it first when `wait`)."""
    from briefer import batch
    from briefer.pricing import cost

    started = time.perf_counter()
    today = datetime.now(UTC).date()

    async def go() -> tuple[list[ArticleBrief], list[Failure], Any, Any, synthesize.Synthesis, float | None]:
        extractor = _model_extractor(settings, env)
        try:
            batch.load_state(extractor, batch_id)
            if wait:
                await batch.wait(extractor, batch_id, settings.batch_poll_seconds, on_poll)
            briefs, failures, state = await batch.collect(extractor, batch_id)
            batched = extractor.usage.model_copy()
            day = await synthesize_day(briefs, extractor, today, failures)  # one live request, full price
            u = extractor.usage
            batch_cost = cost(
                extractor.price, batched.prompt_tokens, batched.cached_tokens, batched.completion_tokens, batch=True
            )
            live_cost = cost(
                extractor.price,
                u.prompt_tokens - batched.prompt_tokens,
                u.cached_tokens - batched.cached_tokens,
                u.completion_tokens - batched.completion_tokens,
            )
            spent = None if batch_cost is None or live_cost is None else batch_cost + live_cost
            return briefs, failures, state, extractor, day, spent
        finally:
            await extractor.aclose()

    briefs, failures, state, extractor, day, spent = asyncio.run(go())
    if not briefs:
        raise ModelError(f"no article could be extracted ({failures[0].source}: {failures[0].error})")
    usage = extractor.usage.model_copy(
        update={"elapsed_seconds": round(time.perf_counter() - started, 3), "cost_usd": spent}
    )
    return build_briefing(
        briefs,
        failures,
        provider=extractor.provider,
        model=extractor.model,
        usage=usage,
        title=settings.title or state.title,
        today=today,
        synthesis=day,
    )


@dataclass
class Plan:
    """What a run would send, for --dry-run."""

    provider: str
    model: str | None = None
    endpoint: str = ""
    schema_name: str = ""
    schema: dict[str, Any] | None = None
    messages: list[dict[str, str]] | None = None
    requests: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None
    token_method: str = ""


def plan(articles: list[Article], settings: Settings, env: Mapping[str, str]) -> Plan:
    """The first article's exact messages and the run's estimate, with no request sent."""
    from briefer.extract import EXTRACTION
    from briefer.llm import inline_schema
    from briefer.pricing import cost
    from briefer.tokens import exact

    async def go() -> Plan:
        extractor: Any = make_extractor(settings, env, articles=len(articles))
        try:
            if extractor.provider == "offline":
                return Plan(provider="offline")
            result = Plan(
                provider=extractor.provider,
                model=extractor.model,
                endpoint=extractor.llm.endpoint,
                schema_name=EXTRACTION,
                schema=inline_schema(extractor.output),
                messages=extractor.requests_for(articles[0])[0].messages,
                token_method="counted with the cl100k tokenizer" if exact() else "estimated at 4 characters a token",
            )
            for article in articles:
                pending = extractor.pending(article)
                result.requests += len(pending)
                result.cached += 0 if pending else 1
                prompt, completion = extractor.estimate(article, pending)
                result.prompt_tokens += prompt
                result.completion_tokens += completion
            result.cost = cost(extractor.price, result.prompt_tokens, 0, result.completion_tokens)
            return result
        finally:
            await extractor.aclose()

    return asyncio.run(go())
