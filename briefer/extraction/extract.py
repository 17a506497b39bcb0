"""One article to one ArticleBrief through the model: prompts, the cache, long articles, grounding."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
from pydantic import BaseModel

from briefer.cache import Cache, key_for
from briefer.dates import resolve_deadline
from briefer.errors import BudgetError, UsageError
from briefer.evidence.grounding import Grounder
from briefer.extraction.prompts import SYSTEM_PROMPT, extraction_model, read_meta
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
    ModelCommitment,
    ModelExtraction,
    ModelFact,
    ModelImplication,
    Usage,
)
from briefer.output.templating import render_template
from briefer.sections import Price

if TYPE_CHECKING:
    pass

Answer = TypeVar("Answer", bound=BaseModel)
USER_PROMPT = "extract.user.j2"
EXTRACTION = "article_extraction"
SYNTHESIS = "briefing_synthesis"
LEDGER = "ledger_matches"
# What one article's extraction is expected to cost in completion tokens, for estimates before a run.
EXPECTED_COMPLETION_TOKENS = 700
MAX_IMPLICATIONS = 4


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
    """The system message (static: cacheable by providers) and the user message ending with the article."""
    context = {
        "fields": {},
        **(variables or {}),
        "article": article,
        "article_text": fence(article.text if text is None else text),
        "part": part,
        "parts": parts,
    }
    system = render_template(env, SYSTEM_PROMPT, context).strip()
    user = render_template(env, USER_PROMPT, context).strip()
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def split_text(text: str, max_tokens: int) -> list[str]:
    """Parts of at most `max_tokens`, cut at paragraph boundaries, each starting with the previous part's
    last paragraph (the overlap keeps a sentence's context). A paragraph too long on its own is cut at
    sentence ends. Nothing is dropped."""
    if len(text) <= max_tokens or count_tokens(text) <= max_tokens:  # a token is at least one character
        return [text]
    pieces: list[str] = []
    for paragraph in (p for p in text.split("\n") if p.strip()):
        if count_tokens(paragraph) <= max_tokens:
            pieces.append(paragraph)
            continue
        from briefer.offline.sentences import split_sentences

        pieces.extend(s.text for s in split_sentences(paragraph))
    parts: list[list[str]] = [[]]
    size = 0
    for piece in pieces:
        tokens = count_tokens(piece) + 1
        if parts[-1] and size + tokens > max_tokens:
            overlap = parts[-1][-1]
            parts.append([overlap] if count_tokens(overlap) + tokens <= max_tokens else [])
            size = count_tokens(overlap) + 1 if parts[-1] else 0
        parts[-1].append(piece)
        size += tokens
    return ["\n".join(p) for p in parts if p]


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def merge_extractions(parts: list[ModelExtraction]) -> ModelExtraction:
    """One extraction from the parts of a long article; repeats (from the overlaps) removed."""
    if len(parts) == 1:
        return parts[0]
    facts: dict[str, ModelFact] = {}
    commitments: dict[tuple[str, str], ModelCommitment] = {}
    implications: dict[str, ModelImplication] = {}
    for part in parts:
        for f in part.facts:
            facts.setdefault(_key(f.statement), f)
        for c in part.commitments:
            commitments.setdefault((_key(c.actor), _key(c.action)), c)
        for i in part.implications:
            implications.setdefault(_key(i.statement), i)
    extra: dict[str, Any] = {}
    for name in extra_fields(parts[0]):
        values = [getattr(p, name) for p in parts]
        if isinstance(values[0], list):
            extra[name] = list(dict.fromkeys(v for value in values for v in value))
        else:
            extra[name] = values[0]
    return type(parts[0])(
        summary=parts[0].summary,
        facts=list(facts.values()),
        commitments=list(commitments.values()),
        implications=list(implications.values())[:MAX_IMPLICATIONS],
        **extra,
    )


def extra_fields(extraction: ModelExtraction) -> list[str]:
    """The sections a customised prompt added to the built-in ones."""
    return [name for name in type(extraction).model_fields if name not in ModelExtraction.model_fields]


def to_brief(article: Article, extraction: ModelExtraction, translated: bool = False) -> ArticleBrief:
    """Ground the model's quotes in the article: an item is grounded when a quote is found and supports it
    (its names, numbers and enough of its words are there). Offsets and `grounded` come from briefer, never
    the model. `translated`: the model was asked to write in a set language, maybe not the article's."""
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
    return ArticleBrief.of(
        article,
        summary=extraction.summary.strip(),
        facts=facts,
        commitments=commitments,
        implications=implications,
        extra={name: getattr(extraction, name) for name in extra_fields(extraction)},
    )


async def _done(extraction: ModelExtraction) -> ModelExtraction:
    return extraction


@dataclass
class Request:
    """One extraction request: an article, or one part of a long one."""

    messages: list[dict[str, str]]
    key: str


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
    ) -> None:
        self.llm = llm
        self.prompts = prompts
        self.variables = dict(variables or {})
        self.cache = cache
        self.price = price
        self.meta = read_meta(prompts)
        self.output = extraction_model(self.meta.fields)

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
            requests.append(Request(messages=messages, key=self._cache_key(messages)))
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
        `pending`, when the caller has it already, spares rendering the prompts again."""
        requests = self.pending(article) if pending is None else pending
        schema_tokens = count_tokens(str(inline_schema(self.output)))
        prompt = sum(count_tokens(m["content"]) for r in requests for m in r.messages) + schema_tokens * len(requests)
        return prompt, EXPECTED_COMPLETION_TOKENS * len(requests)

    def check_budget(self, articles: list[Article], max_cost: float, batch: bool = False) -> float:
        """The estimated cost of extracting `articles` (at Batch API prices with `batch`); a BudgetError when
        it is over `max_cost`, a UsageError when the model's price is unknown."""
        prompt = completion = 0
        for article in articles:
            p, c = self.estimate(article)
            prompt, completion = prompt + p, completion + c
        dollars = cost(self.price, prompt, 0, completion, batch=batch)
        if dollars is None:
            raise UsageError(
                f"--max-cost: no price is known for model '{self.model}'; "
                f'add [prices."{self.model}"] with input and output (USD per 1M tokens) to the configuration'
            )
        if dollars > max_cost:
            raise BudgetError(
                f"the estimated cost ${dollars:.4f} ({prompt} prompt + {completion} completion tokens, "
                f"{len(articles)} articles) is over --max-cost ${max_cost:g}; nothing was sent"
            )
        return dollars

    async def _ask(self, request: Request) -> ModelExtraction:
        extraction = await self.llm.structured(request.messages, EXTRACTION, self.output)
        if self.cache is not None:
            self.cache.put(request.key, self.model, extraction.model_dump_json())
        return extraction

    async def extract(self, article: Article) -> ArticleBrief:
        requests = self.requests_for(article)
        hits = [self.cached(r) for r in requests]
        if all(hit is not None for hit in hits):
            self.llm.record_cache_hit()
        parts = await asyncio.gather(
            *(_done(hit) if hit is not None else self._ask(r) for r, hit in zip(requests, hits, strict=True))
        )
        return self.brief(article, list(parts))

    def brief(self, article: Article, parts: list[ModelExtraction]) -> ArticleBrief:
        """The article's brief from the model's extraction of its parts."""
        return to_brief(article, merge_extractions(parts), translated="language" in self.variables)

    async def ask_cached(self, prompt: str, context: Mapping[str, Any], name: str, output: type[Answer]) -> Answer:
        """One request over the day (not an article): the prompts `{prompt}.system.j2` and `{prompt}.user.j2`
        rendered with `context`, the data fenced, the validated answer cached like an extraction."""
        messages = [
            {"role": "system", "content": render_template(self.prompts, f"{prompt}.system.j2", context).strip()},
            {"role": "user", "content": fence_articles(render_template(self.prompts, f"{prompt}.user.j2", context))},
        ]
        key = self._cache_key(messages, output)
        if self.cache is not None and (stored := self.cache.get(key)) is not None:
            try:
                return output.model_validate_json(stored)
            except ValueError:
                pass
        answer = await self.llm.structured(messages, name, output)
        if self.cache is not None:
            self.cache.put(key, self.model, answer.model_dump_json())
        return answer

    async def aclose(self) -> None:
        await self.llm.aclose()
        if self.cache is not None:
            self.cache.close()
