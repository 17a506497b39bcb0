"""What a run would send, with nothing sent: the first article's exact messages and the run's estimate; offline,
the articles and the messages a model would be sent."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from briefer.config import Settings
from briefer.extraction.budget import day_estimate
from briefer.extraction.extract import EXTRACTION, ModelExtractor
from briefer.extraction.extractors import open_extractor
from briefer.models import Article
from briefer.output.templating import outlet
from briefer.progress import counted


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
    day_prompt_tokens: int = 0  # the day's synthesis request, when there is anything to extract
    day_completion_tokens: int = 0
    offline_reason: str = ""

    def describe(self) -> str:
        """The plan as the dry run prints it."""
        if self.provider == "offline":
            return self._describe_offline()
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
        day = (
            f", the day's synthesis included ({self.day_prompt_tokens} prompt + {self.day_completion_tokens} "
            "completion tokens)"
            if self.day_prompt_tokens
            else ", plus the day's synthesis (cached, or nothing to synthesize)"
        )
        lines.append(
            f"\n# Estimate for {counted(len(self.articles), 'article')} ({self.cached} already cached, nothing to "
            f"pay for them): {counted(self.requests, 'request')}, {self.prompt_tokens} prompt + "
            f"{self.completion_tokens} completion tokens, {cost}{day}. Tokens: {self.token_method}; completions "
            "estimated from the output schema and each article's length."
        )
        return "\n".join(lines) + "\n"

    def _describe_offline(self) -> str:
        """Offline: that nothing is sent, which articles, and the first request a model would be sent."""
        why = self.offline_reason or "no model endpoint is configured"
        lines = [
            f"offline: {counted(len(self.articles), 'article')} would be extracted without a language model; "
            f"no prompt is sent and nothing is paid ({why}).",
            "",
            "# Articles:",
        ]
        lines += [
            f"{n}. {a.title} ({outlet(a)}; {counted(len(a.text.split()), 'word')})"
            for n, a in enumerate(self.articles, start=1)
        ]
        if self.messages:
            lines.append(f"\n# With a model, the request for the first article would be: {self.articles[0].title}")
            lines += [f"\n--- {message['role']} ---\n{message['content']}" for message in self.messages]
        return "\n".join(lines) + "\n"


def _offline_plan(settings: Settings, articles: list[Article]) -> Plan:
    """The offline plan, with the messages a model would be sent for the first article."""
    from briefer.extraction.extract import extraction_messages
    from briefer.extraction.parts import split_text
    from briefer.extraction.prompts import read_meta
    from briefer.output.templating import prompt_environment

    env = prompt_environment(settings.prompts_dir, settings.dirs.config)
    meta = read_meta(env)
    variables: dict[str, object] = {**settings.vars, "vars": settings.vars, "fields": meta.fields}
    parts = split_text(articles[0].text, settings.max_article_tokens)
    messages = extraction_messages(env, articles[0], variables, parts[0], 1, len(parts))
    why = (
        "--offline, or provider = offline"
        if settings.provider == "offline"
        else "no model is configured: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server"
    )
    return Plan(articles=articles, provider="offline", messages=messages, offline_reason=why)


def plan(settings: Settings, articles: list[Article]) -> Plan:
    """The plan for `articles` (at least one)."""
    from briefer.model.formats import inline_schema
    from briefer.model.pricing import cost
    from briefer.model.tokens import exact

    if settings.resolved_provider() == "offline":
        return _offline_plan(settings, articles)

    async def go() -> Plan:
        async with open_extractor(settings, articles=len(articles)) as extractor:
            assert isinstance(extractor, ModelExtractor)  # the provider is a model's
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
            if result.requests:
                result.day_prompt_tokens, result.day_completion_tokens = day_estimate(len(articles))
            prompt, completion = result.prompt_tokens + result.day_prompt_tokens, result.completion_tokens
            result.cost = cost(extractor.price, prompt, 0, completion + result.day_completion_tokens)
            return result

    return asyncio.run(go())
