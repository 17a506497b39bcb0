"""One article to one ArticleBrief through the model: prompts, the cache, long articles, grounding."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import jinja2
from pydantic import BaseModel

from briefer.cache import Cache, key_for
from briefer.dates import resolve_deadline
from briefer.errors import BudgetError, ModelError, UsageError
from briefer.evidence.grounding import Grounder
from briefer.extraction.budget import Budget, Reservation, completion_estimate, day_completion, day_estimate
from briefer.extraction.gate import Gate
from briefer.extraction.parts import extra_fields, merge_extractions, split_text
from briefer.extraction.prompts import SYSTEM_PROMPT, extraction_model, read_meta
from briefer.extraction.sendable import sendable, sendable_context
from briefer.extraction.summary import checked_summary
from briefer.model.client import LLM
from briefer.model.formats import inline_schema
from briefer.model.pricing import cost
from briefer.model.tokens import count_tokens
from briefer.models import (
    SCHEMA_VERSION,
    Article,
    ArticleBrief,
    Commitment,
    Fact,
    Implication,
    ModelExtraction,
    Usage,
)
from briefer.output.templating import render_template
from briefer.progress import counted
from briefer.sections import Price

Answer = TypeVar("Answer", bound=BaseModel)
USER_PROMPT = "extract.user.j2"
EXTRACTION = "article_extraction"
SYNTHESIS = "briefing_synthesis"
LEDGER = "ledger_matches"


def fence_articles(text: str) -> str:
    """The synthesis prompt with any <articles> tags inside the data neutralised, bar the outer pair."""
    head, sep, rest = text.partition("<articles>")
    body, sep2, tail = rest.rpartition("</articles>")
    if not (sep and sep2):
        return text.strip()
    inner = re.sub(r"</?\s*articles\s*>", lambda m: m.group(0).replace("<", "‹").replace(">", "›"), body, flags=re.I)
    return (head + sep + inner + sep2 + tail).strip()


def fence(text: str) -> str:
    """Article text as inert data inside <article> tags: it cannot close the fence early."""
    return re.sub(r"</?\s*article\s*>", lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text, flags=re.I)


def extraction_messages(
    env: jinja2.Environment,
    article: Article,
    variables: Mapping[str, Any] | None = None,
    text: str | None = None,
    part: int = 1,
    parts: int = 1,
) -> list[dict[str, str]]:
    """The system message (static: cacheable by providers) and the user message ending with the article. The
    article's source is shown as its outlet or site, never as a path on this machine."""
    context = {
        "fields": {},
        **(variables or {}),
        "article": sendable(article),
        "article_text": fence(article.text if text is None else text),
        "part": part,
        "parts": parts,
    }
    system = render_template(env, SYSTEM_PROMPT, context).strip()
    user = render_template(env, USER_PROMPT, context).strip()
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def to_brief(article: Article, extraction: ModelExtraction, translated: bool = False) -> ArticleBrief:
    """Ground the model's quotes in the article: an item is grounded when a quote is found and supports it
    (its names, numbers and enough of its words are there). Offsets and `grounded` come from briefer, never
    the model. A summary sentence with a name or number the article lacks is dropped (`summary_dropped`).
    `translated`: the model was asked to write in a set language, maybe not the article's."""
    grounder = Grounder(article.text, translated)
    reference = article.published.date() if article.published else None
    facts = []
    for fact in extraction.facts:
        statement = fact.statement.strip()
        g = grounder.ground(statement, fact.quotes)
        facts.append(
            Fact(
                statement=statement,
                attribution=fact.attribution,
                evidence=g.evidence,
                grounded=g.grounded,
                ungrounded_reason=g.reason,
            )
        )
    commitments = []
    for c in extraction.commitments:
        actor, action = c.actor.strip(), c.action.strip()
        g = grounder.ground(f"{actor} {action}", c.quotes)
        commitments.append(
            Commitment(
                actor=actor,
                action=action,
                counterparty=(c.counterparty or "").strip() or None,
                deadline=(c.deadline or "").strip() or None,
                due=resolve_deadline(c.deadline, reference),
                evidence=g.evidence,
                grounded=g.grounded,
                ungrounded_reason=g.reason,
            )
        )
    implications = [
        Implication(statement=i.statement.strip(), rationale=i.rationale.strip(), confidence=i.confidence)
        for i in extraction.implications
    ]
    summary, dropped = checked_summary(extraction.summary, grounder)
    brief = ArticleBrief.of(
        article,
        summary=summary,
        facts=facts,
        commitments=commitments,
        implications=implications,
        extra={name: getattr(extraction, name) for name in extra_fields(extraction)},
    )
    return brief.model_copy(update={"summary_dropped": dropped}) if dropped else brief


async def _done(extraction: ModelExtraction) -> ModelExtraction:
    return extraction


@dataclass
class Request:
    """One extraction request: an article, or one part of a long one."""

    messages: list[dict[str, str]]
    key: str
    text: str = ""  # the article text it carries

    @cached_property
    def article_tokens(self) -> int:
        """The tokens of the article text it carries, counted when an estimate asks (--max-cost, a dry run):
        the tokenizer takes a while to load, and a run without an estimate never needs it."""
        return count_tokens(self.text)


class ModelExtractor:
    """Extracts with a language model behind an OpenAI-compatible endpoint."""

    provider = "openai"

    def __init__(
        self,
        llm: LLM,
        prompts: jinja2.Environment,
        variables: Mapping[str, Any] | None = None,
        cache: Cache | None = None,
        price: Price | None = None,
        read_cache: bool = True,
    ) -> None:
        self.llm = llm
        self.prompts = prompts
        self.variables = dict(variables or {})
        self.cache = cache
        self.read_cache = read_cache  # False (--no-cache): ask again, and still keep the new answer
        self.price = price
        self.budget: Budget | None = None  # --max-cost during the run, set by check_budget
        self.meta = read_meta(prompts)
        self.output = extraction_model(self.meta.fields)
        self.gate = Gate(llm.settings.concurrency)  # articles' requests in flight

    @property
    def model(self) -> str:
        return self.llm.model

    @property
    def usage(self) -> Usage:
        return self.llm.usage

    def spent(self) -> float | None:
        u = self.llm.usage
        return cost(self.price, u.prompt_tokens, u.cached_tokens, u.completion_tokens)

    def cache_key_of_run(self, articles: list[Article]) -> str:
        """A stable name for a set of articles (a batch whose every request was cached)."""
        return key_for({"model": self.model, "articles": [a.id for a in articles]})[:24]

    def requests_for(self, article: Article) -> list[Request]:
        """The requests an article needs: one, or one per part when it is over the token budget."""
        texts = split_text(article.text, self.llm.settings.max_article_tokens)
        requests = []
        for n, text in enumerate(texts, start=1):
            messages = extraction_messages(
                self.prompts, article, {**self.variables, "fields": self.meta.fields}, text, n, len(texts)
            )
            requests.append(Request(messages=messages, key=self._cache_key(messages), text=text))
        return requests

    def _cache_key(self, messages: list[dict[str, str]], output: type[BaseModel] | None = None) -> str:
        s = self.llm.settings
        return key_for(
            {
                "schema_version": SCHEMA_VERSION,
                "model": self.model,
                "endpoint": self.llm.endpoint,
                "temperature": s.temperature,
                "max_output_tokens": s.max_output_tokens,
                "schema": inline_schema(output or self.output),
                "messages": messages,
            }
        )

    def cached(self, request: Request) -> ModelExtraction | None:
        """The cache's answer to `request`; None when there is none or the run asked again (--no-cache)."""
        return self.stored(request) if self.read_cache else None

    def stored(self, request: Request) -> ModelExtraction | None:
        """The answer the cache holds for `request`, read even with --no-cache (a batch's fresh results)."""
        if self.cache is None:
            return None
        stored = self.cache.get(request.key)
        if stored is None:
            return None
        try:
            return self.output.model_validate_json(stored)
        except ValueError:
            return None  # written by an older briefer: ask again

    def pending(self, article: Article) -> list[Request]:
        """The article's requests that the cache cannot answer."""
        return [r for r in self.requests_for(article) if self.cached(r) is None]

    def estimate(self, article: Article, pending: list[Request] | None = None) -> tuple[int, int]:
        """(prompt, completion) tokens this article would cost; zero for what the cache already holds.
        `pending`, when the caller has it already, spares rendering the prompts again. The completion is
        estimated from the output schema and the article's length (`briefer.extraction.budget`)."""
        requests = self.pending(article) if pending is None else pending
        schema_tokens = count_tokens(str(inline_schema(self.output)))
        prompt = sum(count_tokens(m["content"]) for r in requests for m in r.messages) + schema_tokens * len(requests)
        limit, fields = self.llm.settings.max_output_tokens, len(self.meta.fields)
        return prompt, sum(completion_estimate(r.article_tokens, fields, limit) for r in requests)

    def check_budget(self, articles: list[Article], max_cost: float, batch: bool = False) -> float:
        """The estimated cost of extracting `articles` (at Batch API prices with `batch`) and of the day's
        synthesis over them (a live request either way); a BudgetError when it is over `max_cost`, a
        UsageError when the model's price is unknown. Without `batch`, the limit is then kept request by
        request during the run (`Budget`)."""
        prompt = completion = pending = 0
        for article in articles:
            requests = self.pending(article)
            p, c = self.estimate(article, requests)
            prompt, completion, pending = prompt + p, completion + c, pending + bool(requests)
        day_in, day_out = day_estimate(len(articles)) if pending else (0, 0)
        extraction, day = cost(self.price, prompt, 0, completion, batch=batch), cost(self.price, day_in, 0, day_out)
        if extraction is None or day is None or self.price is None:
            raise UsageError(
                f"--max-cost: no price is known for model '{self.model}'; "
                f'add [prices."{self.model}"] with input and output (USD per 1M tokens) to the configuration'
            )
        if extraction + day > max_cost:
            raise BudgetError(
                f"the estimated cost ${extraction + day:.4f} ({prompt + day_in} prompt + {completion + day_out} "
                f"completion tokens: {counted(len(articles), 'article')}"
                + (" and the day's synthesis" if day_in else "")
                + f") is over --max-cost ${max_cost:g}; nothing was sent"
            )
        if not batch:
            self.budget = Budget(max_cost, self.price, self.spent, held=day)
        return extraction + day

    async def _admit(self, requests: list[Request], article: Article) -> Reservation | None:
        """The budget's reservation for an article's pending requests; a ModelError when it would cross it."""
        if self.budget is None or not requests:
            return None
        reservation = await self.budget.admit(*self.estimate(article, requests))
        if reservation is None:
            raise ModelError(
                f"skipped: extracting it would take the run over --max-cost ${self.budget.limit:g} "
                f"(${self.spent() or 0.0:.4f} spent)"
            )
        return reservation

    async def _ask(self, request: Request) -> ModelExtraction:
        async with self.gate.place():
            extraction = await self.llm.structured(request.messages, EXTRACTION, self.output)
        if self.cache is not None:
            self.cache.put(request.key, self.model, extraction.model_dump_json())
        return extraction

    async def extract(self, article: Article, on_answer: Callable[[], None] | None = None) -> ArticleBrief:
        """The article's brief. `on_answer` is called once the model has answered every part, before the
        grounding: the caller may start the next article's request then."""
        requests = self.requests_for(article)
        hits = [self.cached(r) for r in requests]
        if all(hit is not None for hit in hits):
            self.llm.record_cache_hit()
        reservation = await self._admit([r for r, hit in zip(requests, hits, strict=True) if hit is None], article)
        answered = False
        try:
            parts = await asyncio.gather(
                *(_done(hit) if hit is not None else self._ask(r) for r, hit in zip(requests, hits, strict=True))
            )
            answered = True
        finally:
            if reservation is not None and self.budget is not None:
                await self.budget.settle(reservation, answered)
        if on_answer is not None:
            on_answer()
        if all(hit is not None for hit in hits):
            return self.brief(article, list(parts))
        # Grounding and the support check in a worker thread: the loop stays free to send the next requests
        # and to take the replies that come back meanwhile.
        return await asyncio.to_thread(self.brief, article, list(parts))

    def brief(self, article: Article, parts: list[ModelExtraction]) -> ArticleBrief:
        """The article's brief from the model's extraction of its parts."""
        return to_brief(article, merge_extractions(parts), translated="language" in self.variables)

    async def _admit_day(self, messages: list[dict[str, str]], output: type[BaseModel]) -> Reservation | None:
        """The budget's reservation for a request over the day; a ModelError when it would cross it."""
        if self.budget is None:
            return None
        tokens = sum(count_tokens(m["content"]) for m in messages) + count_tokens(str(inline_schema(output)))
        reservation = await self.budget.admit(
            tokens, day_completion(tokens, self.llm.settings.max_output_tokens), day=True
        )
        if reservation is None:
            raise ModelError(f"not sent: it would take the run over --max-cost ${self.budget.limit:g}")
        return reservation

    async def ask_cached(self, prompt: str, context: Mapping[str, Any], name: str, output: type[Answer]) -> Answer:
        """One request over the day (not an article): the prompts `{prompt}.system.j2` and `{prompt}.user.j2`
        rendered with `context` (its articles' sources as outlets or sites, never local paths), the data fenced,
        the validated answer cached like an extraction."""
        context = sendable_context(context)
        messages = [
            {"role": "system", "content": render_template(self.prompts, f"{prompt}.system.j2", context).strip()},
            {"role": "user", "content": fence_articles(render_template(self.prompts, f"{prompt}.user.j2", context))},
        ]
        key = self._cache_key(messages, output)
        if self.cache is not None and self.read_cache and (stored := self.cache.get(key)) is not None:
            try:
                return output.model_validate_json(stored)
            except ValueError:
                pass
        reservation = await self._admit_day(messages, output)
        answer = None
        try:
            answer = await self.llm.structured(messages, name, output)
        finally:
            if reservation is not None and self.budget is not None:
                await self.budget.settle(reservation, answered=answer is not None)
        if self.cache is not None:
            self.cache.put(key, self.model, answer.model_dump_json())
        return answer

    async def aclose(self) -> None:
        await self.llm.aclose()
        if self.cache is not None:
            self.cache.close()
