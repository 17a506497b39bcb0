"""The constructions the offline extractor reads as commitments (and their near misses), one test each.

The sentences are invented for these tests; each construction is a general one, not a dev-set sentence."""

from datetime import UTC, datetime

import pytest

from briefer.models import Article, Commitment
from briefer.offline.extractor import extract_offline

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


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Halvard Foods said it wanted to open 40 stores in Norway.", "Halvard Foods"),
        ("The Tarsby council seeks to double its port capacity by 2030.", "Tarsby council"),
        ("Nordlake Energy stands ready to supply the grid this winter.", "Nordlake Energy"),
        ("Acme Corporation is willing to pay the fine.", "Acme Corporation"),
    ],
)
def test_stated_intentions_and_readiness(sentence: str, actor: str) -> None:
    assert [c.actor for c in commitments(sentence)] == [actor]


@pytest.mark.parametrize(
    "sentence",
    [
        "Halvard Foods wants Norway to cut its tariffs.",  # a wish about someone else's act
        "Halvard Foods wants to let the market decide prices.",  # others act
        "Halvard Foods just wants to be able to compete.",  # no act
        "While Halvard Foods wants to expand, it balked at the terms.",  # conceded background
        "Many shop owners are willing to pay the fee.",  # a share of a class, no party
        "Nordlake Energy is unlikely to agree to the terms.",  # a forecast
        "Nordlake Energy has been reluctant to commit to a date.",  # a refusal
        "Nordlake Energy said it will monitor the grid and could cut supply if demand falls.",  # one, not two
    ],
)
def test_wishes_shares_forecasts_and_modal_conjuncts_stay_out(sentence: str) -> None:
    found = commitments(sentence)
    assert all("cut supply" not in c.action for c in found), found
    assert len(found) == (1 if "monitor" in sentence else 0), found


@pytest.mark.parametrize(
    ("sentence", "actor", "action"),
    [
        ("The funds will be released by the finance ministry in March.", "finance ministry", "release the funds"),
        (
            "The old mill will be turned into a library, the Tarsby council said on Monday.",
            "Tarsby council",
            "turn the old mill into a library",
        ),
    ],
)
def test_a_future_passive_is_undertaken_by_its_agent_or_its_announcer(sentence: str, actor: str, action: str) -> None:
    found = commitments(sentence)
    assert [c.actor for c in found] == [actor]
    assert found[0].action.startswith(action)


@pytest.mark.parametrize(
    "sentence",
    [
        "The final will be played on Sunday.",  # no one's undertaking
        "Prices will be raised next year, analysts said.",  # a forecast by people at large
        "The mill will be turned into a library, it said.",  # no named announcer
    ],
)
def test_a_future_passive_without_a_party_stays_out(sentence: str) -> None:
    assert commitments(sentence) == []


def test_a_present_progressive_with_a_time_ahead_is_a_plan() -> None:
    found = commitments("Solvane Motors is opening a plant in Kessing in March 2027.")
    assert [(c.actor, c.action, c.due and c.due.isoformat()) for c in found] == [
        ("Solvane Motors", "open a plant in Kessing in March 2027", "2027-03-31")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Solvane Motors is building cars in Kessing.",  # what goes on now
        "Solvane Motors is opening its books to investors after last year's losses.",  # no time ahead
        "Solvane Motors is holding a press event next month.",  # a scheduled appearance
        "Car prices are rising in 2027.",  # no party
    ],
)
def test_a_present_progressive_without_a_plan_stays_out(sentence: str) -> None:
    assert commitments(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Valdora said it is committed to the border treaty.", "Valdora"),
        ('"We are going to close two depots," said Halvard Foods chief Ines Berg.', "Ines Berg"),
        ("The Valdoran government wants to help farmers double their yields by 2030.", "Valdoran government"),
    ],
)
def test_commitment_adjective_going_to_and_a_wish_to_help(sentence: str, actor: str) -> None:
    assert [c.actor for c in commitments(sentence)] == [actor]


def test_going_to_with_an_earlier_party_is_a_prediction() -> None:
    text = "Halvard Foods sold its stake in the chain. They are going to walk away with millions."
    assert commitments(text) == []


def test_a_decade_is_a_deadline_and_the_day_plans_were_revealed_is_not() -> None:
    found = commitments("Halvard Foods in October revealed plans to open 40 stores by the end of 2029.")
    assert [c.due and c.due.isoformat() for c in found] == ["2029-12-31"]
    found = commitments("Valdora plans to reach the moon in the 2030s.")
    assert [c.due and c.due.isoformat() for c in found] == ["2039-12-31"]


def test_a_number_inside_a_modifier_does_not_make_a_survey() -> None:
    found = commitments("The 150-year-old company will build a plant in Tarsby.")
    assert [c.action for c in found] == ["build a plant in Tarsby"]
    assert commitments("Two in five voters plan to move abroad.") == []


def test_a_pronoun_reporter_names_the_speaker_of_a_first_person_plan() -> None:
    text = 'Ines Berg said Halvard would open a depot. "We are going to start with a small one," she said.'
    assert [c.actor for c in commitments(text)][-1] == "Ines Berg"
    assert commitments('"We are going to start with a small one," she said.') == []  # no speaker named before


def test_what_a_plan_includes_is_undertaken_by_the_planner() -> None:
    text = (
        "Valdora's Ministry of Transport, Housing and Energy pledged to cut emissions. "
        "The plan includes measures to expand rail freight, insulate homes and close two coal plants."
    )
    found = commitments(text)
    assert [c.action for c in found[1:]] == ["expand rail freight", "insulate homes", "close two coal plants"]
    assert {c.actor for c in found} == {"Ministry of Transport, Housing and Energy"}


@pytest.mark.parametrize(
    "text",
    [
        "Valdora pledged to cut emissions. The plan includes a new logo and a website.",  # no act listed
        "Valdora pledged to cut emissions. The report includes measures to expand rail freight.",  # not a plan
    ],
)
def test_what_a_plan_includes_needs_acts_and_a_plan(text: str) -> None:
    assert len(commitments(text)) == 1


def test_a_pronoun_patient_of_a_future_passive_takes_the_object_case() -> None:
    (found,) = commitments("Halvard Foods says she will be allowed to keep her shares.")
    assert found.action.startswith("allow her to keep")


def test_looking_to_do_is_an_aim() -> None:
    assert [c.action for c in commitments("Halvard Foods is looking to hire 200 drivers.")] == ["hire 200 drivers"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Halvard Foods looks to the future.",  # no act
        "Halvard Foods is looking to the council to build the road.",  # others act
        "Halvard Foods was looking to hire drivers, but the plan stalled.",  # an aim overtaken
    ],
)
def test_looking_to_without_an_own_act_stays_out(sentence: str) -> None:
    assert commitments(sentence) == []


def test_the_object_of_a_relative_clause_is_its_antecedent() -> None:
    found = commitments("Officials praised the peace talks, which the Valdoran government stands ready to support.")
    assert [(c.actor, c.action) for c in found] == [("Valdoran government", "support the peace talks")]


def test_a_generic_noun_names_the_party_with_that_word_in_its_name() -> None:
    text = (
        "Harrow Airline ordered 30 jets from Selwyn Aero. The Model 9X order was cut. "
        "Its chief said the airline will resume its expansion in 2027."
    )
    assert [c.actor for c in commitments(text)] == ["Harrow Airline"]


@pytest.mark.parametrize(
    "sentence",
    [
        # the future perfect foretells a state
        "Tarsby Council said that by the spring the Kessing mayor will have lost most of his support.",
        # an indefinite subject is nobody's undertaking, and a name only addressed is not its subject
        "Nordlake Energy warned that someone is going to copy its battery design.",
        "Relax, Tarsby, nobody is going to close your harbour.",
        "Don't worry, Valdora, no one's going to move the festival.",
        # "it" standing for the clause of a passive
        "Halvard Foods warned investors that it is guaranteed that prices will rise next year.",
    ],
)
def test_foretold_states_indefinite_subjects_and_expletive_it_stay_out(sentence: str) -> None:
    assert commitments(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Tarsby and Meran have agreed to share the cost of the new ferry.", "Tarsby and Meran"),  # perfect, no will
        ("Nordlake Energy has pledged to open the plant by 2028.", "Nordlake Energy"),
    ],
)
def test_near_misses_of_those_still_commit(sentence: str, actor: str) -> None:
    assert [c.actor for c in commitments(sentence)] == [actor]
