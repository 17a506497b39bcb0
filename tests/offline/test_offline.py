from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefer.models import Article
from briefer.offline.extractor import extract_offline
from briefer.offline.sentences import split_sentences
from briefer.sources import ingest
from tests.conftest import EXAMPLES


def article(text: str, published: datetime | None = None) -> Article:
    return Article(id="t", title="Test", source="test.txt", text=text, published=published)


def commitments_of(text: str, published: datetime | None = None) -> list[tuple[str, str | None]]:
    brief = extract_offline(article(text, published))
    return [(c.actor, c.counterparty) for c in brief.commitments]


def test_sentences_carry_their_offsets() -> None:
    text = "First sentence here. Dr. Smith arrived at 5 p.m. on Monday.\nA new paragraph starts here."
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "First sentence here.",
        "Dr. Smith arrived at 5 p.m. on Monday.",
        "A new paragraph starts here.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sents)


@pytest.mark.parametrize(
    "sentence",
    [
        "Nordlake Energy pledged to build a plant in Tarsby.",
        "The Tarsby council vowed to cut waiting times.",
        "Mayor Ilse Vantongeren promised to publish the study.",
        "The union agreed to end the strike.",
        "Valdora signed a framework agreement with Port Estrel.",
        "Ministers reaffirmed their commitment to the treaty.",
        "The Acme Corporation plans to hire 200 engineers.",
        "Acme Corporation will invest 5 million euros in the town.",
    ],
)
def test_commitment_cues_are_detected(sentence: str) -> None:
    assert len(commitments_of(sentence)) == 1, sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "This pledge was made during talks in the capital.",  # reports a pledge, makes none
        "The two ministers agreed that their assessments are unanimous.",  # a shared view, not a pledge
        "The mayor refused to commit to a date.",
        "The match will be played on Sunday.",
        "Acme Corporation will face its rivals in court.",
        "Shares in Nordlake rose 4 per cent after the announcement.",
        "The government expressed its firm support for the plan.",  # a position stated, nothing undertaken
        "Prices will rise next year, analysts said.",  # a forecast: no party commits
        "In a survey, 42 per cent of parents said they plan to move house.",  # a poll
        "The minister will speak at the conference on Friday.",  # an appearance
        "The council built the bridge in 2019.",  # done, not undertaken
        "The company could close the plant if sales fall.",  # a hypothetical
        "Acme plans to release a new laptop next year, according to industry sources.",  # hearsay
        "The band unveiled its plans on Monday night.",  # a plan announced, but not what it is
        "Acme has promised a lot.",  # praise, nothing undertaken
        "Analyst Ming Kuo predicted that Acme will cut prices in 2027.",  # someone else's prediction
    ],
)
def test_non_commitments_are_left_out(sentence: str) -> None:
    assert commitments_of(sentence) == [], sentence


def test_group_and_pronoun_actors_resolve_from_context() -> None:
    text = (
        "Arland and Beloria on Friday reaffirmed their commitment to a trade pact. "
        "Both sides vowed to remove tariffs. "
        "Arland Energy said on Monday it will invest 3 billion euros in the port. "
        "They also pledged to meet again."
    )
    actors = [c[0] for c in commitments_of(text)]
    assert actors == ["Arland and Beloria", "Arland and Beloria", "Arland Energy", "Arland and Beloria"]


def test_reported_subject_and_definite_reference() -> None:
    text = (
        "The Kessvik water authority backed the dam. "
        "Its chief executive said the authority would contribute 20 million euros."
    )
    brief = extract_offline(article(text))
    assert [(c.actor, c.action) for c in brief.commitments] == [
        ("Kessvik water authority", "contribute 20 million euros")
    ]


def test_a_conditional_promise_keeps_its_condition() -> None:
    (c,) = extract_offline(article("If elected, Ms Rao promised to cut taxes.")).commitments
    assert (c.actor, c.action, c.condition) == ("Ms Rao", "cut taxes", "If elected")


def test_two_undertakings_in_one_sentence_each_with_its_own_deadline() -> None:
    published = datetime(2026, 11, 26, tzinfo=UTC)
    text = (
        "The transport ministry pledged 12 million euros to repair the breakwater, and the authority promised "
        "to dredge the eastern channel by March 2027."
    )
    found = [(c.actor, c.action, c.deadline) for c in extract_offline(article(text, published)).commitments]
    assert found == [
        ("transport ministry", "pledge 12 million euros to repair the breakwater", None),
        ("authority", "dredge the eastern channel by March 2027", "by March 2027"),
    ]


def test_conditional_undertakings_keep_their_condition_and_aliases_merge() -> None:
    text = (
        "The DPRK said it will send a delegation to Moscow. "
        "The IMF will not release funds until the reforms pass. "
        "Pyongyang will release the prisoners only once the talks resume."
    )
    found = [(c.actor, c.action, c.condition) for c in extract_offline(article(text)).commitments]
    assert found == [
        ("North Korea", "send a delegation to Moscow", None),
        ("IMF", "not release funds", "until the reforms pass"),
        ("North Korea", "release the prisoners", "only once the talks resume"),
    ]


def test_counterparty_and_deadline() -> None:
    published = datetime(2026, 3, 2, tzinfo=UTC)
    brief = extract_offline(article("On Monday, Arland pledged 40 tanks to Beloria by June 30.", published))
    (c,) = brief.commitments
    assert c.actor == "Arland"
    assert c.counterparty == "Beloria"
    assert c.deadline == "by June 30"
    assert c.due is not None and c.due.isoformat() == "2026-06-30"


def test_the_day_a_pledge_was_made_is_not_its_deadline() -> None:
    (c,) = extract_offline(article("Arland and Beloria on Saturday reaffirmed their pact.")).commitments
    assert c.deadline is None


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_contract_on_example_articles(path: Path) -> None:
    result = ingest([str(path)])
    (a,), failures = result.articles, result.failures
    assert failures == []
    brief = extract_offline(a)
    assert brief.summary and brief.facts and brief.commitments
    for item in [*brief.facts, *brief.commitments]:
        assert item.grounded
        for e in item.evidence:
            assert e.start is not None and e.end is not None
            assert a.text[e.start : e.end] == e.quote
    assert all(i.confidence == "low" and i.basis == "stated" for i in brief.implications)
    assert extract_offline(a) == brief  # deterministic


def test_summary_is_the_lead_without_the_dateline() -> None:
    text = "PORT ESTREL (Estrel Courier) - The authority backed the barrier on the estuary. " + " ".join(
        f"It will cost {n} million euros to build stage {n}." for n in range(2, 7)
    )
    summary = extract_offline(article(text)).summary
    assert summary.startswith("The authority backed the barrier")
    assert len(split_sentences(summary)) == 3


def test_seed_article(corpus: Path) -> None:
    (seed,) = ingest([str(next((corpus / "seed").glob("*.txt")))]).articles
    brief = extract_offline(seed)
    actions = " | ".join(f"{c.actor}: {c.action}" for c in brief.commitments)
    for pledge in (
        "strengthen their bilateral relationship",
        "support for each other",
        "fully implement",
        "cooperation on the global stage",
        "coordinate the common stand",
    ):
        assert pledge in actions, pledge
    assert {c.actor for c in brief.commitments} == {"North Korea and Russia", "North Korea", "Russia"}
    # the pledge each side made: its stated support for the other
    assert ("Russia", "support the DPRK side", "North Korea") in {
        (c.actor, c.action, c.counterparty) for c in brief.commitments
    }
    assert any(
        c.actor == "North Korea" and c.action.startswith("support all actions taken by the Russian government")
        for c in brief.commitments
    )
    assert all("This pledge was made" not in c.evidence[0].quote for c in brief.commitments)
    facts = " ".join(f.statement for f in brief.facts)
    assert "Wonsan" in brief.summary  # "This pledge was made ... in Wonsan" reads right after its referent only
    assert "This pledge" not in facts
    for name in ("Choe Son Hui", "Sergei Lavrov", "Kim Jong Un"):
        assert name in facts, name
