"""`briefer eval`: the matching rules on hand-made cases both ways, every option, bad label files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefer.cli import app
from briefer.errors import ExitCode
from briefer.evaluation.scoring import Label, Totals, same_party, score_article
from briefer.evidence.grounding import Grounder
from briefer.models import ArticleBrief, Commitment, Evidence, Fact
from tests.fake_openai import FakeOpenAI

runner = CliRunner()
TEXT = (
    "The Arland council pledged on Monday to build four schools by 2030. "
    "Ford Motor Co said it would open a plant in Veldby and hire 900 workers. "
    "Analysts expect prices to rise next year. "
    "North Korea and Russia vowed to deepen military ties."
)


def sentence(n: int) -> str:
    return [s if s.endswith(".") else s + "." for s in TEXT.split(". ")][n]


def label(
    n: int,
    actor: str,
    action: str,
    aliases: tuple[str, ...] = (),
    deadline: tuple[date, date] | None = None,
    counterparty: str | None = None,
) -> Label:
    s = sentence(n)
    return Label(
        actor=actor,
        aliases=aliases,
        action=action,
        sentence=s,
        span=Grounder(TEXT).locate(s),
        counterparty=counterparty,
        deadline=deadline,
    )


def item(
    actor: str, action: str, quote: str, due: date | None = None, counterparty: str | None = None, grounded: bool = True
) -> Commitment:
    span = Grounder(TEXT).locate(quote)
    evidence = [Evidence(quote=quote, start=span[0], end=span[1])] if span else [Evidence(quote=quote)]
    return Commitment(
        actor=actor,
        action=action,
        counterparty=counterparty,
        due=due,
        evidence=evidence,
        grounded=grounded and span is not None,
    )


def brief(*commitments: Commitment, facts: tuple[str, ...] = ()) -> ArticleBrief:
    fact_items = [Fact(statement=f, evidence=[Evidence(quote=f)], grounded=True) for f in facts]
    return ArticleBrief(id="a", title="t", source="s", summary="", facts=fact_items, commitments=list(commitments))


def test_a_quote_overlapping_the_labelled_sentence_matches_and_aliases_decide_the_actor() -> None:
    labels = [label(0, "the Arland council", "build four schools", deadline=(date(2030, 12, 31), date(2030, 12, 31)))]
    right = score_article(
        "a", TEXT, brief(item("Arland council", "build schools", sentence(0), date(2030, 12, 31))), labels, [], []
    )
    assert len(right.pairs) == 1 and right.pairs[0].actor and right.pairs[0].deadline is True
    wrong = score_article("a", TEXT, brief(item("Monday", "build", sentence(0), date(2031, 6, 30))), labels, [], [])
    assert len(wrong.pairs) == 1 and not wrong.pairs[0].actor and wrong.pairs[0].deadline is False


def test_words_match_when_the_quote_is_elsewhere_and_nothing_matches_when_both_differ() -> None:
    labels = [label(1, "Ford Motor Co", "hire 900 workers")]
    by_words = score_article("a", TEXT, brief(item("Ford", "hire 900 workers", sentence(0))), labels, [], [])
    assert len(by_words.pairs) == 1 and by_words.pairs[0].actor  # "Ford" is within "Ford Motor Co"
    unrelated = score_article("a", TEXT, brief(item("Analysts", "expect prices to rise", sentence(2))), labels, [], [])
    assert unrelated.pairs == [] and len(unrelated.missed) == 1 and len(unrelated.false_alarms) == 1


def test_two_commitments_in_one_sentence_pair_by_their_words() -> None:
    labels = [label(1, "Ford Motor Co", "hire 900 workers"), label(1, "Ford Motor Co", "open a plant in Veldby")]
    extracted = brief(
        item("Ford", "open a plant in Veldby", sentence(1)), item("Ford", "hire 900 workers", sentence(1))
    )
    result = score_article("a", TEXT, extracted, labels, [], [])
    assert [(p.label.action, p.item.action) for p in result.pairs] == [
        ("hire 900 workers", "hire 900 workers"),
        ("open a plant in Veldby", "open a plant in Veldby"),
    ]


def test_parties_compare_through_aliases_not_loose_words() -> None:
    assert same_party("the DPRK", ["North Korea", "DPRK", "Pyongyang"])
    assert same_party("North Korea's government", ["North Korea"])  # a country and its government: one party
    assert same_party("Russia", ["North Korea", "DPRK"]) is False
    assert same_party(None, ["Russia"]) is False


def test_ungrounded_items_are_not_shown_and_listed_traps_and_facts_are_counted() -> None:
    labels = [label(3, "North Korea", "deepen military ties", aliases=("DPRK",), counterparty="Russia")]
    extracted = brief(
        item("North Korea", "deepen military ties", sentence(3), counterparty="Russia"),
        item("Analysts", "raise prices", sentence(2)),
        item("Ford", "build a moon base", "Ford will build a moon base."),  # not in the text: ungrounded
        facts=("Ford Motor Co said it would open a plant in Veldby", "prices to rise next year"),
    )
    result = score_article("a", TEXT, extracted, labels, ["900  WORKERS", "four schools"], [sentence(2)])
    assert result.shown == 2 and len(result.pairs) == 1 and result.pairs[0].counterparty is True
    assert result.traps_listed == [sentence(2)]
    assert result.facts_found == 0 and result.facts_missed == ["900  WORKERS", "four schools"]
    totals = Totals()
    totals.add(result, labelled=1, facts=2, trap=True)
    assert totals.precision == 0.5 and totals.recall == 1.0 and totals.clean_traps == 0.0


def write_set(path: Path, lines: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_init_writes_an_example_that_scores_and_min_f1_gates(isolated: Path) -> None:
    made = runner.invoke(app, ["eval", "init", "set.jsonl"])
    assert made.exit_code == 0 and "briefer eval set.jsonl" in made.stdout
    again = runner.invoke(app, ["eval", "init", "set.jsonl"])
    assert again.exit_code == ExitCode.USAGE and "--force" in again.stderr
    hard = {  # an undertaking no extractor of words finds: it is implied, not stated
        "id": "implied",
        "text": "The bridge reopens next week. Drivers have waited for months.",
        "commitments": [
            {"actor": "the city", "action": "reopen the bridge", "sentence": "The bridge reopens next week."}
        ],
    }
    with (isolated / "set.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(hard) + "\n")
    result = runner.invoke(app, ["eval", "set.jsonl", "--offline", "--json", "scores.json", "--show", "misses"])
    assert result.exit_code == 0, result.output
    assert "| commitments recall" in result.stdout and "3 articles (1 chosen for forecasts" in result.stdout
    assert "## current (offline)" in result.stdout and "- missed:" in result.stdout
    scores = json.loads((isolated / "scores.json").read_text(encoding="utf-8"))["configurations"][0]
    f1 = scores["scores"]["item_f1"]  # --min-f1 gates the item-level F1
    assert 0 < f1 < 1 and scores["counts"]["labelled"] == 5
    low = runner.invoke(app, ["eval", "set.jsonl", "--offline", "-q", "--min-f1", str(round(f1 - 0.01, 2))])
    assert low.exit_code == 0
    high = runner.invoke(app, ["eval", "set.jsonl", "--offline", "-q", "--min-f1", "0.99"])
    assert high.exit_code == ExitCode.QUALITY and "below --min-f1 0.99" in high.stdout


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("{not json", "set.jsonl:2:"),
        ('{"text": "A.", "commitments": [{"actor": "X"}]}', "set.jsonl:2: commitments.0.action"),
        ('{"text": "A.", "path": "b.txt"}', "set.jsonl:2: give text or path, not both"),
        ('{"text": "A.", "commitments": [{"actor": "X", "action": "y", "deadline": "March"}]}', "deadline"),
        ('{"text": "A.", "colour": "red"}', "set.jsonl:2: colour"),
    ],
)
def test_a_bad_label_file_is_one_line_naming_the_line(isolated: Path, line: str, fragment: str) -> None:
    (isolated / "set.jsonl").write_text('{"text": "Fine."}\n' + line + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "set.jsonl", "--offline"])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_pointer_into_a_json_file_and_a_pointer_leading_nowhere(isolated: Path) -> None:
    (isolated / "corpus.json").write_text(json.dumps({"x1": {"articleBody": TEXT}}), encoding="utf-8")
    good = {
        "id": "x1",
        "path": "corpus.json",
        "pointer": "/x1/articleBody",
        "commitments": [{"actor": "Ford Motor Co", "action": "hire 900 workers", "sentence": sentence(1)}],
    }
    write_set(isolated / "set.jsonl", [good])
    assert runner.invoke(app, ["eval", "set.jsonl", "--offline", "-q"]).exit_code == 0
    write_set(isolated / "set.jsonl", [{**good, "pointer": "/x2/articleBody"}])
    result = runner.invoke(app, ["eval", "set.jsonl", "--offline"])
    assert result.exit_code == ExitCode.USAGE and "'/x2/articleBody' leads nowhere" in result.stderr


def model_env(fake: FakeOpenAI) -> dict[str, str]:
    return {"OPENAI_BASE_URL": fake.url, "OPENAI_API_KEY": "k", "BRIEFER_MODEL": "fake-model"}


def test_compare_puts_configurations_side_by_side_and_the_cache_makes_a_rerun_free(
    fake: FakeOpenAI, isolated: Path
) -> None:
    runner.invoke(app, ["eval", "init", "set.jsonl"])
    prompts = isolated / "v2"
    assert runner.invoke(app, ["prompts", "init", str(prompts)]).exit_code == 0
    system = prompts / "extract.system.j2"
    system.write_text(system.read_text(encoding="utf-8") + "\nList every commitment.\n", encoding="utf-8")
    args = ["eval", "set.jsonl", "--compare", str(prompts), "--compare-offline", "-q", "--json", "s.json"]
    first = runner.invoke(app, args, env=model_env(fake))
    assert first.exit_code == 0, first.output
    header = first.stdout.splitlines()[0]
    assert "current (fake-model)" in header and f"prompts {prompts}" in header and "offline" in header
    assert "*" in first.stdout and "the better figure" in first.stdout
    asked = len(fake.requests)
    assert asked == 4  # two articles, two model configurations
    second = runner.invoke(app, args, env=model_env(fake))
    assert second.exit_code == 0 and len(fake.requests) == asked  # unchanged configurations cost nothing
    runs = json.loads((isolated / "s.json").read_text(encoding="utf-8"))["configurations"]
    assert [r["usage"]["requests"] for r in runs] == [0, 0, 0]


def test_unlabelled_lists_what_one_configuration_extracts_and_the_other_does_not(
    fake: FakeOpenAI, isolated: Path
) -> None:
    runner.invoke(app, ["eval", "init", "set.jsonl"])
    result = runner.invoke(app, ["eval", "set.jsonl", "--unlabelled", "--compare-offline", "-q"], env=model_env(fake))
    assert result.exit_code == 0, result.output
    assert "# current (fake-model) vs offline" in result.stdout
    assert "## tarsby-harbour-wall (grounded:" in result.stdout and "- only in " in result.stdout
    alone = runner.invoke(app, ["eval", "set.jsonl", "--unlabelled"], env=model_env(fake))
    assert alone.exit_code == ExitCode.USAGE and "compares two configurations" in alone.stderr


def test_compare_model_needs_an_endpoint(isolated: Path) -> None:
    runner.invoke(app, ["eval", "init", "set.jsonl"])
    result = runner.invoke(app, ["eval", "set.jsonl", "--compare-model", "gpt-4o"])
    assert result.exit_code == ExitCode.USAGE and "needs a model endpoint" in result.stderr
