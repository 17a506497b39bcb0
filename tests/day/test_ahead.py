"""The day's work on each article, done as the article is extracted (`briefer.day.ahead`): only earlier, never
different, and it never fails an article."""

from __future__ import annotations

from briefer.day import synthesize
from briefer.day.ahead import read_ahead
from briefer.day.figures import figures
from briefer.day.model_day import apply_model
from briefer.models import ArticleBrief, ModelSynthesis
from tests.day.test_synthesize import TODAY, brief, kessvik


def day_of(briefs: list[ArticleBrief]) -> dict[str, object]:
    offline = synthesize.synthesize(briefs, TODAY)
    day = synthesize.prepare(briefs)
    answer = ModelSynthesis.model_validate(
        {
            "overview": [{"text": b.summary, "articles": [b.id]} for b in briefs],
            "themes": [{"label": "The dam", "articles": [b.id for b in briefs[:2]]}],
            "watch": [],
            "same": [{"id": c.id, "yes": True} for c in day.merges],
            "conflicts": [{"id": c.id, "yes": True} for c in day.conflicts],
        }
    )
    model, notices = apply_model(day, answer, TODAY)
    return {
        "offline": [offline.overview, offline.themes, offline.facts, offline.conflicts, offline.commitments],
        "model": [model.overview, model.dropped, model.themes, model.facts, model.conflicts, notices],
        "candidates": [(c.first, c.second) for c in day.merges + day.conflicts],
    }


def test_reading_ahead_changes_nothing_of_the_day() -> None:
    # Fresh texts (a figure and a name the other tests do not use), so nothing was read before.
    text = "Lindmar port will cost 731 million euros. Mayor Orsa Kvist pledged to open it by 2031."
    fresh = [
        brief("x", text, ["Lindmar port will cost 731 million euros."]),
        brief("y", text.replace("731", "733"), ["Lindmar port will cost 733 million euros."]),
    ]
    cold = day_of(kessvik() + fresh)
    for b in kessvik() + fresh:
        read_ahead(b)
    assert day_of(kessvik() + fresh) == cold
    # The memoised figures are handed out as fresh lists: a caller changing one changes no later answer.
    first = figures("It cost 12 million euros.")
    first.clear()
    assert len(figures("It cost 12 million euros.")) == 1


def test_reading_ahead_never_fails_an_article() -> None:
    odd = ArticleBrief(id="z", title="", source="z.example", summary="")
    read_ahead(odd)
    assert synthesize.synthesize([odd], TODAY).facts == []
