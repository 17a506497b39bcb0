"""Each defect a reader saw on unseen articles, as a made-up sentence of that shape: the item is right or absent."""

from __future__ import annotations

from datetime import datetime

import pytest

from briefer.models import Article, Commitment
from briefer.offline.extractor import extract_offline


def commitments(text: str, published: datetime | None = datetime(2026, 3, 2)) -> list[Commitment]:
    brief = extract_offline(Article(id="a", source="t.txt", title="Title", text=text, published=published))
    return [c for c in brief.commitments if c.grounded]


def test_an_actor_is_never_caption_text_glued_to_the_sentence() -> None:
    found = commitments("Mourners gathered at the memorial'Lindmar Council will rebuild the pier by 2027.")
    assert all("memorial" not in c.actor for c in found)


def test_an_action_always_has_its_verb() -> None:
    (item,) = commitments("Valdora is committed to all its obligations under the accord.")
    assert item.action == "honour all its obligations under the accord"


def test_a_long_action_is_shortened_at_a_phrase_boundary_without_an_ellipsis() -> None:
    (item,) = commitments(
        "The operator will pay the remaining balance for the new ferry terminal at the eastern end of the harbour "
        "for the use of fishermen and their families from the two villages."
    )
    assert item.action.startswith("pay the remaining balance for the new ferry terminal")
    assert "…" not in item.action and item.action.split()[-1] not in ("for", "of", "the", "and", "at", "from")


def test_the_same_pledge_twice_in_one_article_is_one_item_with_both_quotes() -> None:
    text = (
        "Tarn Holdings will repay the full £40,000, the court heard.\n"
        "The hearing lasted an hour.\n"
        "Its lawyer said Tarn Holdings will repay the full £40,000 to the council."
    )
    found = commitments(text)
    repaid = [c for c in found if "repay the full £40,000" in c.action]
    assert len(repaid) == 1
    assert len(repaid[0].evidence) == 2


def test_receiving_money_is_nobodys_commitment() -> None:
    text = "Jon Hale agreed to repay £40,000. The bank will receive the money in May."
    assert [(c.actor, c.action) for c in commitments(text)] == [("Jon Hale", "repay £40,000")]


def test_a_counted_group_is_not_a_counterparty() -> None:
    (item,) = commitments("The council promised free meals for 600 pupils a year.")
    assert item.counterparty is None or not item.counterparty[0].isdigit()


def test_a_deadline_in_the_same_sentence_is_attached() -> None:
    (item,) = commitments("The judge will confirm the payment at a hearing on May 15.")
    assert item.due is not None and item.due.isoformat() == "2026-05-15"
    (item,) = commitments("The council will publish the report within the next seven working days.")
    assert item.due is not None and item.due.isoformat() == "2026-03-11"
    (item,) = commitments("The firm promised to repay the loan before 4 July.")
    assert item.due is not None and item.due.isoformat() == "2026-07-04"


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("The ministry is committed to strengthening its ties.", "strengthen its ties"),
        (
            "Both leaders vowed to elevate it into what they called “lasting partnership” next year.",
            "elevate it into “lasting partnership” next year",
        ),
    ],
)
def test_no_gerund_and_no_unbalanced_quote_mark_in_an_action(text: str, action: str) -> None:
    (item,) = commitments(text)
    assert item.action == action


@pytest.mark.parametrize(
    "text",
    [
        "Prices are expected to rise next year, analysts said.",
        "In a poll of 800 parents, 40 per cent said they plan to move their children to the new school.",
        "The union urged the minister to reopen the talks before March.",
        "The council approved the budget and opened the new library last week.",
        "The president said China is going to have to make a deal that he likes.",
        "Police decided not to prosecute the driver.",
        "The board decided last month to close the plant.",  # a decision reported once taken
        "Forced to choose between a crackdown and anarchy, Xi will choose the former.",  # the writer's guess
    ],
)
def test_articles_with_no_commitment_get_none(text: str) -> None:
    assert commitments(text) == []


def test_both_sides_are_the_two_parties_named_before() -> None:
    text = (
        "The city of Valdora and the Port Estrel harbour authority signed an agreement to build a flood barrier.\n"
        "Both sides vowed to consult fishing cooperatives before the route is fixed."
    )
    actors = {c.actor for c in commitments(text)}
    assert "sides" not in actors and any("Valdora" in a for a in actors)


def test_a_relative_deadline_of_an_undated_article_is_kept_as_worded() -> None:
    (item,) = commitments("The authority will open a consultation office in the harbour district next month.", None)
    assert item.deadline == "next month" and item.due is None  # resolved later against the briefing's date


def test_a_past_decision_told_in_passing_and_a_possessive_actor_are_not_pledges() -> None:
    text = (
        "Donald Trump’s critics were furious. Just one day after he decided to go easy on Russia, "
        "the president spoke again."
    )
    assert [c for c in commitments(text) if "’s" in c.actor or "go easy" in c.action] == []


def test_a_pledge_reported_as_a_that_clause_is_worded_from_the_pledger() -> None:
    (item,) = commitments("Mayor Ilse Vantongeren pledged that construction would begin by March 2027.")
    assert item.action == "ensure that construction will begin by March 2027" and item.due is not None


def test_a_cut_action_leaves_no_word_whose_head_was_cut() -> None:
    (item,) = commitments(
        "The transport ministry will spend 12 million euros to repair the Port Estrel breakwater by 30 September "
        "2027, three months later than first announced."
    )
    assert not item.action.endswith(("three", ","))
