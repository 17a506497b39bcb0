"""Footnotes: one citation number per distinct quote, whichever items rest on it, in the day's sections and
the articles' alike; and no sentence shown more than twice (bottom line, key facts, summary)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from briefer.models import (
    ArticleBrief,
    Briefing,
    Commitment,
    DayCommitment,
    DayFact,
    Evidence,
    Fact,
    OverviewSentence,
    SourcedEvidence,
    Usage,
)
from briefer.output.rendering import build_views, render
from briefer.output.templating import output_environment

TEXT = (
    "North Korea and Russia reaffirmed their commitment to strengthening their relationship, aiming to elevate "
    "it into eternal strategic relations, while pledging support for each other's interests. "
    "Present at the meeting were the two foreign ministers. "
    "The ministers agreed to meet again in Moscow next year."
)
PLEDGES = TEXT.index(" Present") + 0  # the first sentence's end
PRESENT = (TEXT.index("Present"), TEXT.index(" The ministers"))
MEET = (TEXT.index("The ministers"), len(TEXT))


def _quote(start: int, end: int) -> Evidence:
    return Evidence(quote=TEXT[start:end], start=start, end=end)


def _sourced(start: int, end: int, article: str = "seed") -> SourcedEvidence:
    return SourcedEvidence(article=article, quote=TEXT[start:end], start=start, end=end)


def _seed() -> Briefing:
    actions = ["strengthen their relationship", "elevate it into eternal strategic relations", "support each other"]
    commitments = [
        Commitment(actor="North Korea and Russia", action=a, evidence=[_quote(0, PLEDGES)], grounded=True)
        for a in actions
    ]
    commitments.append(
        Commitment(actor="the ministers", action="meet again in Moscow", evidence=[_quote(*MEET)], grounded=True)
    )
    present = TEXT[PRESENT[0] : PRESENT[1]]
    brief = ArticleBrief(
        id="seed",
        title="North Korea, Russia forge ties",
        source="seed.txt",
        published=datetime(2026, 3, 2, tzinfo=UTC),
        summary=f"{TEXT[:PLEDGES]} {present}",
        facts=[
            Fact(statement=present, evidence=[_quote(*PRESENT)], grounded=True),
            Fact(statement=TEXT[MEET[0] : MEET[1]], evidence=[_quote(*MEET)], grounded=True),
        ],
        commitments=commitments,
    )
    day = [
        DayCommitment(actor=c.actor, action=c.action, sources=["seed"], evidence=[_sourced(0, PLEDGES)])
        for c in commitments[:3]
    ]
    day.append(DayCommitment(actor="the ministers", action="meet again", sources=["seed"], evidence=[_sourced(*MEET)]))
    return Briefing(
        title="Seed",
        date=date(2026, 3, 2),
        generated_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        provider="offline",
        overview=brief.summary,
        overview_sentences=[OverviewSentence(text=brief.summary, articles=["seed"])],  # a lone article's lead
        commitments=day,
        facts=[
            DayFact(statement=present, sources=["seed"], evidence=[_sourced(*PRESENT)]),
            DayFact(statement=TEXT[MEET[0] : MEET[1]], sources=["seed"], evidence=[_sourced(*MEET)]),
        ],
        articles=[brief],
        usage=Usage(),
    )


def env():  # type: ignore[no-untyped-def]
    return output_environment(None, Path("/nonexistent-user-home"))


def test_three_pledges_of_one_sentence_cite_one_footnote_everywhere() -> None:
    views = build_views(_seed(), include_ungrounded=False)
    assert [d.citations for d in views.commitments] == [[1], [1], [1], [2]]
    assert [d.citations for d in views.facts] == [[3], [2]]  # the meeting's sentence is cited as [2] again
    article = views.articles[0]
    assert [c.citations for c in article.commitments] == [[1], [1], [1], [2]]
    assert [number for number, _ in article.citations] == [1, 2, 3]
    md = render(_seed(), "md", env())
    footnotes = re.findall(r"^\[\^(\d+)\]: ", md, re.M)
    assert footnotes == ["1", "2", "3"]  # one footnote per quote
    quotes = re.findall(r"^\[\^\d+\]: \(1\) “(.*)”$", md, re.M)
    assert len(quotes) == len(set(quotes)) == 3


def test_an_item_resting_on_two_quotes_cites_both_and_shares_each() -> None:
    briefing = _seed()
    merged = DayFact(
        statement="The ministers will meet in Moscow.",
        sources=["seed"],
        evidence=[_sourced(*PRESENT), _sourced(*MEET)],
    )
    briefing = briefing.model_copy(update={"facts": [merged]})
    views = build_views(briefing, include_ungrounded=False)
    assert views.facts[0].citations == [3, 2] and views.facts[0].citation == 3
    html = render(briefing, "html", env())
    for n in (1, 2, 3):
        assert html.count(f'id="cite-{n}"') == 1 and f'href="#cite-{n}"' in html


def test_no_sentence_is_shown_more_than_twice() -> None:
    md = render(_seed(), "md", env())
    body = md.split("## Sources")[0]
    present = TEXT[PRESENT[0] : PRESENT[1]]
    # bottom line (inside the lone article's lead) and key facts: not a third time in the article's summary
    assert body.count(present) == 2
    html = render(_seed(), "html", env())
    assert html.split('id="sources"')[0].count(present) == 2
