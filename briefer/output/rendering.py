"""Briefing to Markdown, HTML or JSON through the output templates, with numbered citations.

A citation number is a quote: each distinct quote (an article and where in it) gets one number, the first time
an item cites it, and every item resting on that quote cites that number (three pledges of one sentence cite
one footnote). The numbers lead to the sources section, where each article lists its quotes under their
numbers. A fact in an article's own detail carries the numbers of the day's items that rest on its quote. Only
quotes that are found in the article and support their item are ever cited; an item without one is left out,
or with --include-ungrounded shown as unverified, saying why.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import jinja2

from briefer.errors import UsageError
from briefer.models import ArticleBrief, Briefing, Commitment, DayCommitment, DayFact, Evidence, Fact, SourcedEvidence
from briefer.output.templating import outlet, render_template

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")
_SUFFIXES: dict[str, Format] = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}
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


# Why an item is shown as unverified (with --include-ungrounded), by its `ungrounded_reason`. A briefing saved
# before the support check has no reason: its only way to be ungrounded was a quote not found.
UNVERIFIED = {
    "not_found": "quote not found in the article",
    "unsupported": "quote does not support it",
    None: "quote not found in the article",
}


@dataclass
class ItemView:
    """A fact or commitment of one article as shown: its citation numbers (one per quote; none when not
    grounded), the first as `citation`; when not grounded, why it is unverified, in words."""

    item: Fact | Commitment
    grounded: bool
    citation: int | None
    unverified: str | None = None
    citations: list[int] = field(default_factory=list)


@dataclass
class DayView:
    """A fact or commitment of the day with its citation numbers (one per quote it rests on; the first is
    `citation`) and the numbers of its articles; a commitment's status ("overdue", "reaffirmed", or "")."""

    item: DayFact | DayCommitment
    citation: int
    articles: list[int]
    publications: int  # how many different sources report it: two articles of one paper count once
    status: str = ""
    status_note: str = ""  # beside the status: "since 2026-12-01", "deadline 2027-03-31 -> 2027-06-30"
    citations: list[int] = field(default_factory=list)


@dataclass
class ArticleView:
    number: int
    brief: ArticleBrief
    summary: str = ""  # the summary as shown: without the sentences the briefing already shows twice
    facts: list[ItemView] = field(default_factory=list)
    commitments: list[ItemView] = field(default_factory=list)
    citations: list[tuple[int, list[SourcedEvidence]]] = field(default_factory=list)  # number, its quote here


@dataclass
class Views:
    articles: list[ArticleView]
    commitments: list[DayView]
    facts: list[DayView]
    by_id: dict[str, ArticleView]


def _span(evidence: Evidence | SourcedEvidence) -> tuple[int, int] | None:
    return (evidence.start, evidence.end) if evidence.start is not None and evidence.end is not None else None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(A-Z0-9])")


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def commitment_status(commitment: DayCommitment, today: date) -> tuple[str, str]:
    """The status shown, and a note beside it. Marked against the ledger: new, reaffirmed (since when it was
    first seen), changed (what changed) or overdue. Without a ledger: overdue when its date has passed,
    reaffirmed when its wording says so, else ""."""
    if commitment.status is not None:
        note = ""
        if commitment.status == "changed":
            note = "; ".join(commitment.changed)
        elif commitment.status in ("reaffirmed", "overdue") and commitment.first_seen:
            note = f"since {commitment.first_seen.isoformat()}"
        return commitment.status, note
    if commitment.due and commitment.due < today:
        return "overdue", ""
    action = commitment.action.lower()
    return ("reaffirmed" if "reaffirm" in action or "reiterat" in action else ""), ""


def commitment_columns(views: list[DayView]) -> list[str]:
    """The optional columns of the commitments table that some row fills: "to", "by", "status"."""
    items = [v.item for v in views if isinstance(v.item, DayCommitment)]
    filled = {
        "to": any(c.counterparty for c in items),
        "by": any(c.due or c.deadline for c in items),
        "status": any(v.status for v in views),
    }
    return [name for name, used in filled.items() if used]


class _Citations:
    """The briefing's citation numbers, one per distinct quote (article and span), numbered as items first cite
    them: the day's commitments, its facts, then the articles' own items; each article's quotes by number."""

    def __init__(self, by_id: dict[str, ArticleView], today: date) -> None:
        self.by_id = by_id
        self.today = today
        self.counter = 0
        self.cited: dict[tuple[str, tuple[int, int]], int] = {}
        self.quotes: dict[str, dict[int, list[SourcedEvidence]]] = {article: {} for article in by_id}

    def of_quotes(self, article_of: list[tuple[str, Evidence | SourcedEvidence]]) -> list[int]:
        """The numbers of these located quotes, in order, each quote numbered the first time it is cited."""
        numbers: list[int] = []
        for article, e in article_of:
            span = _span(e)
            if span is None or article not in self.by_id:
                continue
            if (article, span) not in self.cited:
                self.counter += 1
                self.cited[(article, span)] = self.counter
                self.quotes[article][self.counter] = [
                    SourcedEvidence(article=article, quote=e.quote, start=e.start, end=e.end)
                ]
            if self.cited[(article, span)] not in numbers:
                numbers.append(self.cited[(article, span)])
        return numbers

    def number(self, items: list[DayCommitment] | list[DayFact]) -> list[DayView]:
        """The day's items that rest on a located quote, with their quotes' numbers."""
        views = []
        for item in items:
            numbers = self.of_quotes([(e.article, e) for e in item.evidence])
            if not numbers:
                continue
            known = [self.by_id[a] for a in item.sources if a in self.by_id]
            status = commitment_status(item, self.today) if isinstance(item, DayCommitment) else ("", "")
            views.append(
                DayView(
                    item=item,
                    citation=numbers[0],
                    articles=[v.number for v in known],
                    publications=len({v.brief.source for v in known}),
                    status=status[0],
                    status_note=status[1],
                    citations=numbers,
                )
            )
        return views

    def of_item(self, article: str, item: Commitment | Fact) -> list[int]:
        """An article item's citation numbers: its quotes' (those the day's items cite keep their number)."""
        return self.of_quotes([(article, e) for e in item.evidence]) if item.grounded else []


def build_views(briefing: Briefing, include_ungrounded: bool) -> Views:
    """Number the day's commitments, then its facts; map each article's items onto those numbers."""
    articles = [ArticleView(number=n, brief=b) for n, b in enumerate(briefing.articles, start=1)]
    by_id = {v.brief.id: v for v in articles}
    citations = _Citations(by_id, briefing.date)
    day_commitments = citations.number(briefing.commitments)
    day_facts = citations.number(briefing.facts)
    # A sentence is shown twice at most: counted as the briefing shows it (bottom line, key facts, then each
    # article's summary and facts), it is left out once shown twice; an article's fact its own summary says
    # is not listed again. A bottom-line entry can hold several sentences (a lone article's whole lead).
    overview = [s.text for s in briefing.overview_sentences] or [briefing.overview]
    shown = Counter(_plain(s) for text in overview for s in _SENTENCE_END.split(text) if s.strip())
    shown.update(_plain(d.item.statement) for d in day_facts if isinstance(d.item, DayFact))
    for view in articles:
        summary = _plain(view.brief.summary)
        kept = [s for s in _SENTENCE_END.split(view.brief.summary) if shown[_plain(s)] < 2]
        shown.update(_plain(s) for s in kept)
        view.summary = " ".join(kept)
        for kind, items in (("commitments", view.brief.commitments), ("facts", view.brief.facts)):
            for item in items:
                if not item.grounded and not include_ungrounded:
                    continue
                if isinstance(item, Fact):
                    said = _plain(item.statement)
                    if said in summary or shown[said] > 1:
                        continue
                    shown[said] += 1
                numbers = citations.of_item(view.brief.id, item)
                unverified = None if item.grounded else UNVERIFIED[item.ungrounded_reason]
                first = numbers[0] if numbers else None
                getattr(view, kind).append(ItemView(item, item.grounded, first, unverified, numbers))
        view.citations = sorted(citations.quotes[view.brief.id].items())
    return Views(articles=articles, commitments=day_commitments, facts=day_facts, by_id=by_id)


def render(
    briefing: Briefing,
    fmt: Format,
    env: jinja2.Environment,
    include_ungrounded: bool = False,
    variables: Mapping[str, str] | None = None,
    email: bool = False,
) -> str:
    """The briefing as text in `fmt`; `email` selects the HTML's single-column email variant."""
    if fmt == "json":
        return briefing.model_dump_json(indent=2) + "\n"
    views = build_views(briefing, include_ungrounded)
    implications = (  # the day's few; every article's in a briefing saved before they were chosen
        [(views.by_id[d.article], d.implication) for d in briefing.implications if d.article in views.by_id]
        if briefing.implications is not None
        else [(view, i) for view in views.articles for i in view.brief.implications]
    )
    footnotes: dict[int, list[tuple[ArticleView, list[SourcedEvidence]]]] = {}
    for view in views.articles:
        for number, evidence in view.citations:
            footnotes.setdefault(number, []).append((view, evidence))
    context = {
        **(variables or {}),
        "vars": dict(variables or {}),
        "email": email,
        "briefing": briefing,
        "articles": views.articles,
        "by_id": views.by_id,
        "day_commitments": views.commitments,
        "commitment_columns": commitment_columns(views.commitments),
        "day_facts": views.facts,
        "implications": implications,
        "footnotes": sorted(footnotes.items()),
        "first_place": {number: places[0][0].number for number, places in footnotes.items()},
        "include_ungrounded": include_ungrounded,
        "sources_count": len({outlet(b) for b in briefing.articles}),  # publications, where the source knows it
    }
    return render_template(env, TEMPLATE_FOR[fmt], context)


@dataclass(frozen=True)
class Heading:
    """What a subject is made of when only a saved Markdown or HTML file is at hand, not the whole briefing."""

    title: str
    date: date


def email_subject(
    briefing: Briefing | Heading, env: jinja2.Environment, variables: Mapping[str, str] | None = None
) -> str:
    """The subject from email_subject.txt.j2 (its `briefing` is a Heading for a saved .md or .html file)."""
    context = {**(variables or {}), "vars": dict(variables or {}), "briefing": briefing}
    return render_template(env, "email_subject.txt.j2", context)


def render_email(
    briefing: Briefing,
    env: jinja2.Environment,
    include_ungrounded: bool = False,
    variables: Mapping[str, str] | None = None,
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) for email: the HTML single-column with every style inlined and every
    custom property resolved, no <style> left and nothing external; the Markdown briefing as the plain text."""
    from briefer.output.mailformat import inline_css

    subject = email_subject(briefing, env, variables)
    text = render(briefing, "md", env, include_ungrounded, variables)
    html = render(briefing, "html", env, include_ungrounded, variables, email=True)
    return subject, text, inline_css(html)


def render_email_page(title: str, body: str, env: jinja2.Environment) -> str:
    """HTML made elsewhere (`body`, already safe) in the email page of email_page.html.j2, CSS inlined."""
    from markupsafe import Markup

    from briefer.output.mailformat import inline_css

    return inline_css(render_template(env, "email_page.html.j2", {"title": title, "body": Markup(body)}))
