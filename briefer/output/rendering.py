"""Briefing to Markdown, HTML or JSON through the output templates, with numbered citations.

Every commitment and fact of the day gets a citation number; the number leads to the sources section, where
each article lists the exact quotes its citations rest on. A fact in an article's own detail carries the
number of the day's fact it was merged into. Only quotes that are found in the article and support their item
are ever cited; an item without one is left out, or with --include-ungrounded shown as unverified, saying why.
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
    """A fact or commitment of one article as shown: its citation number, or none when not grounded; when not
    grounded, why it is unverified, in words."""

    item: Fact | Commitment
    grounded: bool
    citation: int | None
    unverified: str | None = None


@dataclass
class DayView:
    """A fact or commitment of the day with its citation number and the numbers of its articles; a
    commitment's status ("overdue", "reaffirmed", or "" when unknown)."""

    item: DayFact | DayCommitment
    citation: int
    articles: list[int]
    publications: int  # how many different sources report it: two articles of one paper count once
    status: str = ""
    status_note: str = ""  # beside the status: "since 2026-12-01", "deadline 2027-03-31 -> 2027-06-30"


@dataclass
class ArticleView:
    number: int
    brief: ArticleBrief
    summary: str = ""  # the summary as shown: without the sentences the briefing already shows twice
    facts: list[ItemView] = field(default_factory=list)
    commitments: list[ItemView] = field(default_factory=list)
    citations: list[tuple[int, list[SourcedEvidence]]] = field(default_factory=list)  # number, quotes here


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
    """The briefing's citation numbers: one per day-level item, then one per article item not cited yet, each
    with the quotes it rests on, per article."""

    def __init__(self, by_id: dict[str, ArticleView], today: date) -> None:
        self.by_id = by_id
        self.today = today
        self.counter = 0
        self.cited: dict[tuple[str, tuple[int, int]], int] = {}
        self.quotes: dict[str, dict[int, list[SourcedEvidence]]] = {article: {} for article in by_id}

    def number(self, items: list[DayCommitment] | list[DayFact]) -> list[DayView]:
        """The day's items that rest on a located quote, numbered in order."""
        views = []
        for item in items:
            located = [e for e in item.evidence if _span(e) and e.article in self.by_id]
            if not located:
                continue
            self.counter += 1
            for e in located:
                self.cited[(e.article, _span(e))] = self.counter  # type: ignore[index]
                self.quotes[e.article].setdefault(self.counter, []).append(e)
            known = [self.by_id[a] for a in item.sources if a in self.by_id]
            status = commitment_status(item, self.today) if isinstance(item, DayCommitment) else ("", "")
            views.append(
                DayView(
                    item=item,
                    citation=self.counter,
                    articles=[v.number for v in known],
                    publications=len({v.brief.source for v in known}),
                    status=status[0],
                    status_note=status[1],
                )
            )
        return views

    def of_item(self, article: str, item: Commitment | Fact) -> int | None:
        """An article item's citation: the day-level one its quote already has, else a new one."""
        spans = [s for s in (_span(e) for e in item.evidence) if s] if item.grounded else []
        citation = next((self.cited[(article, s)] for s in spans if (article, s) in self.cited), None)
        if citation is None and spans:
            self.counter += 1
            citation = self.counter
            located = [e for e in item.evidence if _span(e)]
            self.quotes[article][citation] = [
                SourcedEvidence(article=article, quote=e.quote, start=e.start, end=e.end) for e in located
            ]
        return citation


def build_views(briefing: Briefing, include_ungrounded: bool) -> Views:
    """Number the day's commitments, then its facts; map each article's items onto those numbers."""
    articles = [ArticleView(number=n, brief=b) for n, b in enumerate(briefing.articles, start=1)]
    by_id = {v.brief.id: v for v in articles}
    citations = _Citations(by_id, briefing.date)
    day_commitments = citations.number(briefing.commitments)
    day_facts = citations.number(briefing.facts)
    # A sentence is shown twice at most: counted as the briefing shows it (bottom line, key facts, then each
    # article's summary and facts), it is left out once shown twice; an article's fact its own summary says
    # is not listed again.
    shown = Counter(_plain(s.text) for s in briefing.overview_sentences)
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
                citation = citations.of_item(view.brief.id, item)
                unverified = None if item.grounded else UNVERIFIED[item.ungrounded_reason]
                getattr(view, kind).append(ItemView(item, item.grounded, citation, unverified))
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
    implications = [(view, i) for view in views.articles for i in view.brief.implications]
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
