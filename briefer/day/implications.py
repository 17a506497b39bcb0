"""The day's implications: a handful, the most forward-looking of what its articles imply or foresee.

Each article may give several (the offline extractor takes an article's own outlook; a model infers some);
a day of fifty articles would list dozens. The day keeps MAX_IMPLICATIONS: the more confident first, then
those that look further ahead (a future tense, a forecast, a warning, a date to come), one per article before
any article gives a second. Never a content warning, page boilerplate or a fused heading (`readable.unfit`),
never the same sentence twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from briefer.day.readable import unfit
from briefer.models import ArticleBrief, DayImplication, Implication

MAX_IMPLICATIONS = 5
_CONFIDENCE = {"high": 2, "medium": 1, "low": 0}
_FORWARD = re.compile(
    r"\b(?:will|shall|would|could|may|might|expect(?:s|ed)?|likely|risks?|warn(?:s|ed)?|threaten(?:s|ed)?|"
    r"plans?|next|future|coming|soon|forecasts?|predict(?:s|ed)?|set to|due to|ahead|outlook)\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def looking_ahead(statement: str, today: date) -> int:
    """How far a statement looks ahead, crudely: its words of the future (three at most), and a year to come."""
    cues = len({m.group(0).lower() for m in _FORWARD.finditer(statement)})
    coming = any(int(year) > today.year for year in _YEAR.findall(statement))
    return min(cues, 3) + (1 if coming else 0)


def day_implications(briefs: Sequence[ArticleBrief], today: date) -> list[DayImplication]:
    """At most MAX_IMPLICATIONS of the articles' implications (see the module's docstring), in the order the
    articles give them."""
    candidates: list[tuple[int, int, int, int, DayImplication]] = []
    seen: set[str] = set()
    for order, brief in enumerate(briefs):
        weighed = []
        for place, implication in enumerate(brief.implications):
            plain = " ".join(implication.statement.split()).casefold()
            if not plain or plain in seen or unfit(implication.statement) or plain.endswith("?"):
                continue
            seen.add(plain)
            weight = _CONFIDENCE[implication.confidence] + looking_ahead(implication.statement, today)
            weighed.append((-weight, place, implication))
        for rank, (negative, place, implication) in enumerate(sorted(weighed, key=lambda w: w[:2])):
            candidates.append((rank, negative, order, place, _of(brief.id, implication)))
    chosen = sorted(candidates, key=lambda c: c[:4])[:MAX_IMPLICATIONS]
    return [c[-1] for c in sorted(chosen, key=lambda c: (c[2], c[3]))]


def _of(article: str, implication: Implication) -> DayImplication:
    return DayImplication(article=article, implication=implication)
