"""The constructions the offline extractor reads as commitments (and their near misses), one test each.

The sentences are invented for these tests; each construction is a general one, not a dev-set sentence."""

from datetime import UTC, datetime

import pytest

from briefer.models import Article, Commitment
from briefer.offline import extract_offline

PUBLISHED = datetime(2026, 3, 2, tzinfo=UTC)


def commitments(text: str, published: datetime | None = PUBLISHED) -> list[Commitment]:
    return extract_offline(Article(id="t", title="Test", source="t.txt", text=text, published=published)).commitments


def test_a_schedule_with_set_scheduled_or_due_is_read() -> None:
    found = commitments("Solvane Motors is scheduled to open its Kessing plant in 2028.")
    assert [(c.actor, c.deadline) for c in found] == [("Solvane Motors", "in 2028")]


def test_a_plural_name_the_tagger_took_for_a_noun_is_the_actor() -> None:
    found = commitments("The Harriers plan to extend the stadium by 2029.")
    assert [c.actor for c in found] == ["Harriers"]


def test_a_group_named_in_an_apposition_without_an_entity_label() -> None:
    found = commitments(
        "The volunteers, members of a small charity Friends of Larkhill Park, have promised to plant 300 trees."
    )
    assert [c.actor for c in found] == ["Friends of Larkhill Park"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The doctors, members of the local union, have offered to staff the clinic.",  # no party named: no actor
        "Kessing's old plant was scheduled to close in 2010.",  # a schedule already past
    ],
)
def test_near_misses_stay_out(sentence: str) -> None:
    assert commitments(sentence) == []
