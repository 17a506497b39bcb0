"""What a run would send, with nothing sent: the first article's exact messages and the run's estimate."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from briefer.config import Settings
from briefer.extraction.extract import EXTRACTION, ModelExtractor
from briefer.extraction.extractors import open_extractor
from briefer.models import Article


@dataclass
class Plan:
    """What a run would send, for --dry-run."""

    articles: list[Article]
    provider: str
    model: str | None = None
    endpoint: str = ""
    schema_name: str = ""
    schema: dict[str, object] | None = None
    messages: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None
    token_method: str = ""

    def describe(self) -> str:
        """The plan as the dry run prints it."""
        if self.provider == "offline":
            return f"offline: {len(self.articles)} articles would be extracted without a language model; no cost\n"
        first = self.articles[0]
        lines = [
            f"# Request for the first article: {first.title} ({first.source})",
            f"# model: {self.model}; endpoint: {self.endpoint}; structured output: json_schema '{self.schema_name}'",
        ]
        lines += [f"\n--- {message['role']} ---\n{message['content']}" for message in self.messages]
        lines += ["\n--- response schema ---", json.dumps(self.schema, indent=2)]
        cost = (
            f'not priced (no price for {self.model} at this endpoint; [prices."{self.model}"] gives one)'
            if self.cost is None
            else f"about ${self.cost:.4f}"
        )
        lines.append(
            f"\n# Estimate for {len(self.articles)} articles ({self.cached} already cached, nothing to pay for "
            f"them): {self.requests} requests, {self.prompt_tokens} prompt + {self.completion_tokens} completion "
            f"tokens, {cost}, plus one synthesis request. Tokens: {self.token_method}."
        )
        return "\n".join(lines) + "\n"


def plan(settings: Settings, articles: list[Article]) -> Plan:
    """The plan for `articles` (at least one)."""
    from briefer.model.formats import inline_schema
    from briefer.model.pricing import cost
    from briefer.model.tokens import exact

    async def go() -> Plan:
        async with open_extractor(settings, articles=len(articles)) as extractor:
            if not isinstance(extractor, ModelExtractor):
                return Plan(articles=articles, provider="offline")
            result = Plan(
                articles=articles,
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

    return asyncio.run(go())
