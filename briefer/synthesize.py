"""The briefing across articles: for now, the overview built from each article's lead."""

from __future__ import annotations

from briefer.models import ArticleBrief

OVERVIEW_MAX_ARTICLES = 5


def lead_sentence(summary: str) -> str:
    """The first sentence of a summary (up to the first full stop followed by a space)."""
    for end in (". ", "! ", "? "):
        cut = summary.find(end)
        if cut > 0:
            return summary[: cut + 1]
    return summary


def overview(briefs: list[ArticleBrief]) -> str:
    """A bottom line from the leads: one article's summary, or the lead sentence of the first few."""
    if not briefs:
        return ""
    if len(briefs) == 1:
        return briefs[0].summary
    leads = [lead_sentence(b.summary) for b in briefs[:OVERVIEW_MAX_ARTICLES]]
    more = len(briefs) - OVERVIEW_MAX_ARTICLES
    text = " ".join(lead for lead in leads if lead)
    return text + (f" Also: {more} more article{'s' if more != 1 else ''} below." if more > 0 else "")
