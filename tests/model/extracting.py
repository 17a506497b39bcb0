"""One article extracted through the model client against the fake endpoint: the model tests' common step."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from briefer.config import Settings
from briefer.extraction.extract import ModelExtractor
from briefer.model.client import LLM
from briefer.models import Article, ArticleBrief
from briefer.output.templating import prompt_environment
from tests.fake_openai import FakeOpenAI

KEY = "sk-test-secret-123"  # the API key the client sends
TEXT = (
    "The Arland parliament approved a 2 billion euro rail plan on Monday. "
    "The transport minister pledged to open the first line by 2028. "
    "Opposition parties criticised the cost of the plan."
)
ARTICLE = Article(id="a1", title="Arland rail plan", source="arland.txt", text=TEXT)


def settings(fake: FakeOpenAI, **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "base_url": fake.url,
        "api_key": KEY,
        "model": "fake-model",
        "retry_wait": 0.01,
        "retry_wait_max": 2.0,
        "timeout": 5.0,
    }
    return Settings(**{**values, **kw})


def extract(fake: FakeOpenAI, article: Article = ARTICLE, **kw: Any) -> tuple[ArticleBrief, LLM]:
    async def go() -> tuple[ArticleBrief, LLM]:
        llm = LLM(settings(fake, **kw))
        extractor = ModelExtractor(llm, prompt_environment(None, Settings().prompts_dir or no_home()))
        try:
            return await extractor.extract(article), llm
        finally:
            await llm.aclose()

    return asyncio.run(go())


def no_home() -> Path:
    return Path("/nonexistent-user-home")
