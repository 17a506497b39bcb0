"""Item-level scoring: an item matches only when it says what was labelled; and the form checks, one by one."""

from __future__ import annotations

import pytest

from briefer.evaluation.items import action_agrees, actor_agrees, form

ARTICLE = (
    "Valdora is committed to all its obligations under the accord, the minister said.\n"
    "The Mad Forager’s KitchenHow to Infuse Oils\n"
    "SoftBank said it will invest $2 billion in the venture."
)


@pytest.mark.parametrize(
    ("labelled", "extracted", "agrees"),
    [
        ("build a new school", "build a new primary school by June", True),
        ("build a new school", "builds the new school", True),  # lemmas: builds = build
        ("repay the full £40,000", "receive the money", False),
        ("honour all its obligations under the accord", "all its obligations under the accord", True),
        ("expand the fleet by 30%", "expand", False),  # one word of three content words is not half
    ],
)
def test_the_action_must_hold_half_the_labelled_lemmas(labelled: str, extracted: str, agrees: bool) -> None:
    assert action_agrees(labelled, extracted) is agrees


def test_the_actor_must_be_the_labelled_party_or_an_alias() -> None:
    assert actor_agrees("Ford", ["Ford Motor Co"])
    assert actor_agrees("Pyongyang", ["North Korea", "the DPRK"])  # through the alias gazetteer
    assert not actor_agrees("the bank", ["the defendant", "Jon Hale"])


@pytest.mark.parametrize(
    ("actor", "action", "problem"),
    [
        ("Valdora", "all its obligations under the accord", "no base verb first"),  # no verb
        ("Valdora", "strengthening their ties", "no base verb first"),  # a gerund
        ("Valdora", "pay the remaining balance for", "ends on a function word"),  # cut mid-phrase
        ("Valdora", "elevate it into what they called “lasting partnership", "unbalanced quote marks"),
        ("KitchenHow", "infuse oils", "actor is not a clean name"),  # a heading run into its text
        ("memorial'Lindmar Council", "build a memorial", "actor is not a clean name"),  # caption glued
        ("Nobody Named Here", "build a memorial", "actor is not a clean name"),  # not in the article
    ],
)
def test_each_form_defect_is_caught(actor: str, action: str, problem: str) -> None:
    assert problem in form(actor, action, ARTICLE).problems


@pytest.mark.parametrize(
    ("actor", "action"),
    [
        ("Valdora", "honour all its obligations under the accord"),
        ("SoftBank", "invest $2 billion in the venture"),  # a camel-case name is not glued text
        ("Valdora", "not raise taxes"),  # a negative pledge: the verb after "not"
        ("the minister", "sign the deal"),
    ],
)
def test_well_formed_items_pass(actor: str, action: str) -> None:
    assert form(actor, action, ARTICLE).ok, form(actor, action, ARTICLE).problems
