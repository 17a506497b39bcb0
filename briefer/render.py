"""Briefing to Markdown, HTML or JSON through the output templates, with numbered citations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import jinja2

from briefer.errors import UsageError
from briefer.models import ArticleBrief, Briefing, Commitment, Evidence, Fact
from briefer.templating import render_template

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")
_SUFFIXES: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
TEMPLATE_FOR: dict[str, str] = {"md": "briefing.md.j2", "html": "briefing.html.j2"}


def choose_format(output: Path | None, explicit: str | None) -> Format:
    """--format wins; else -o's extension; else Markdown."""
    if explicit:
        if explicit not in FORMATS:
            raise UsageError(f"--format: unknown format '{explicit}' (choose from {', '.join(FORMATS)})")
        return explicit
    if output is None:
        return "md"
    fmt = _SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        raise UsageError(f"{output}: cannot tell the format from the extension; use .md, .html or .json, or --format")
    return fmt


@dataclass
class Citation:
    number: int
    evidence: list[Evidence]


@dataclass
class ItemView:
    """A fact or commitment as shown: its citation, or none when it is not grounded."""

    item: Fact | Commitment
    grounded: bool
    citation: Citation | None


@dataclass
class ArticleView:
    number: int
    brief: ArticleBrief
    facts: list[ItemView] = field(default_factory=list)
    commitments: list[ItemView] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


def build_views(briefing: Briefing, include_ungrounded: bool) -> list[ArticleView]:
    """Number every shown fact and commitment; only located quotes are ever cited."""
    views: list[ArticleView] = []
    counter = 0
    for n, brief in enumerate(briefing.articles, start=1):
        view = ArticleView(number=n, brief=brief)
        for kind, items in (("commitments", brief.commitments), ("facts", brief.facts)):
            for item in items:
                if not item.grounded and not include_ungrounded:
                    continue
                located = [e for e in item.evidence if e.start is not None]
                citation = None
                if item.grounded and located:
                    counter += 1
                    citation = Citation(number=counter, evidence=located)
                    view.citations.append(citation)
                getattr(view, kind).append(ItemView(item=item, grounded=item.grounded, citation=citation))
        views.append(view)
    return views


def render(briefing: Briefing, fmt: Format, env: jinja2.Environment, include_ungrounded: bool = False) -> str:
    """The briefing as text in `fmt`."""
    if fmt == "json":
        return briefing.model_dump_json(indent=2) + "\n"
    views = build_views(briefing, include_ungrounded)
    context = {
        "briefing": briefing,
        "articles": views,
        "commitments": [(view, c) for view in views for c in view.commitments],
        "include_ungrounded": include_ungrounded,
        "sources_count": len({b.source for b in briefing.articles}),
    }
    return render_template(env, TEMPLATE_FOR[fmt], context)
