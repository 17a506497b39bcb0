"""One article to one ArticleBrief through the model: prompts, the structured call, grounding."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2

from briefer.dates import resolve_deadline
from briefer.grounding import Grounder
from briefer.llm import LLM
from briefer.models import Article, ArticleBrief, Commitment, Fact, Implication, ModelExtraction, Usage
from briefer.templating import render_template

SYSTEM_PROMPT = "extract.system.j2"
USER_PROMPT = "extract.user.j2"


def fence(text: str) -> str:
    """Article text as inert data inside <article> tags: it cannot close the fence early."""
    return re.sub(r"</?\s*article\s*>", lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text, flags=re.I)


def extraction_messages(
    env: jinja2.Environment, article: Article, variables: Mapping[str, Any] | None = None
) -> list[dict[str, str]]:
    """The system message (static: cacheable by providers) and the user message ending with the article."""
    context = {**(variables or {}), "article": article, "article_text": fence(article.text)}
    system = render_template(env, SYSTEM_PROMPT, context).strip()
    user = render_template(env, USER_PROMPT, context).strip()
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def to_brief(article: Article, extraction: ModelExtraction) -> ArticleBrief:
    """Ground the model's quotes in the article; offsets and `grounded` come from briefer, never the model."""
    grounder = Grounder(article.text)
    reference = article.published.date() if article.published else None
    facts = []
    for fact in extraction.facts:
        evidence, grounded = grounder.evidence(fact.quotes)
        facts.append(Fact(statement=fact.statement.strip(), evidence=evidence, grounded=grounded))
    commitments = []
    for c in extraction.commitments:
        evidence, grounded = grounder.evidence(c.quotes)
        commitments.append(
            Commitment(
                actor=c.actor.strip(),
                action=c.action.strip(),
                counterparty=(c.counterparty or "").strip() or None,
                deadline=(c.deadline or "").strip() or None,
                due=resolve_deadline(c.deadline, reference),
                evidence=evidence,
                grounded=grounded,
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
    )


class ModelExtractor:
    """Extracts with a language model behind an OpenAI-compatible endpoint."""

    provider = "openai"

    def __init__(self, llm: LLM, prompts: jinja2.Environment, variables: Mapping[str, Any] | None = None) -> None:
        self.llm = llm
        self.prompts = prompts
        self.variables = dict(variables or {})

    @property
    def model(self) -> str:
        return self.llm.settings.model

    @property
    def usage(self) -> Usage:
        return self.llm.usage

    async def extract(self, article: Article) -> ArticleBrief:
        messages = extraction_messages(self.prompts, article, self.variables)
        extraction = await self.llm.structured(messages, "article_extraction", ModelExtraction)
        return to_brief(article, extraction)

    async def aclose(self) -> None:
        await self.llm.aclose()
