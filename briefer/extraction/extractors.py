"""Open the extractor a run uses: the embedded offline one, or the model behind an OpenAI-compatible endpoint.

`open_extractor` is the one way in: every entry point (run, extract, batch, dry run, the Python API)
opens its extractor here, in one `async with`, and the extractor's resources (the HTTP client, the cache,
the process pool) are closed when the block ends.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TypeAlias

from briefer.config import Settings, apply_prompt_settings
from briefer.extraction.extract import ModelExtractor

if TYPE_CHECKING:  # spaCy comes with it: imported only when a run extracts offline
    from briefer.offline.extractor import OfflineExtractor

Extractor: TypeAlias = "OfflineExtractor | ModelExtractor"

# Below this many articles a process pool costs more to start than it saves.
OFFLINE_POOL_MIN_ARTICLES = 24
STREAM_POOL_FROM = 4  # articles read in a stream: the pool takes over from the 4th


def _make(settings: Settings, variables: Mapping[str, str] | None = None, articles: int | None = None) -> Extractor:
    """The offline extractor or the model, as the settings say; the caller closes it (`aclose`).
    `articles`, when known, is how many articles there are (a few are extracted without a process pool)."""
    if settings.resolved_provider() == "offline":
        from briefer.offline.extractor import OfflineExtractor

        processes = os.cpu_count() or 1
        if articles is not None and articles < OFFLINE_POOL_MIN_ARTICLES:
            processes = 0
        return OfflineExtractor(processes=processes, pool_from=STREAM_POOL_FROM if articles is None else 1)
    from briefer.cache import Cache
    from briefer.extraction.prompts import read_meta
    from briefer.model.client import LLM
    from briefer.output.templating import prompt_environment
    from briefer.paths import ensure

    prompts = prompt_environment(settings.prompts_dir, settings.dirs.config)
    meta = read_meta(prompts)
    settings = apply_prompt_settings(settings, meta.model, meta.temperature, meta.max_output_tokens, file=meta.file)
    cache = Cache.at(ensure(settings.dirs.cache))  # --no-cache only stops reading it: new answers are kept
    context: dict[str, object] = {**settings.vars, **(variables or {})}
    return ModelExtractor(LLM(settings), prompts, {**context, "vars": context}, cache=cache, read_cache=settings.cache)


@asynccontextmanager
async def open_extractor(
    settings: Settings, variables: Mapping[str, str] | None = None, articles: int | None = None
) -> AsyncIterator[Extractor]:
    """The run's extractor, closed when the block ends. Open it inside the event loop that uses it.
    For a model, the model is settled here (asking the server when none is named) and priced."""
    extractor = _make(settings, variables, articles)
    try:
        if isinstance(extractor, ModelExtractor):
            from briefer.model.client import is_openai
            from briefer.model.pricing import price_for

            model = await extractor.llm.choose_model()
            extractor.price = price_for(model, settings.prices, official=is_openai(extractor.llm.endpoint))
        yield extractor
    finally:
        await extractor.aclose()
