"""The day as one story, end to end: the port example of three articles offline, the model's verdicts and
overview checked, and a briefing saved before these fields still renders."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from briefer.cli import app
from tests.fake_openai import FakeOpenAI, Reply, completion, default_responder, is_synthesis, synthesis_for

runner = CliRunner()

PORT = {
    "harbour-post.txt": (
        "Lindmar port reopens after four-day closure\n"
        "The port of Lindmar reopened on Tuesday after a four-day closure caused by storm damage. "
        "About 40 ships had been waiting offshore. The transport ministry pledged 12 million euros to repair the "
        "breakwater, and the port authority promised to dredge the eastern channel by March 2027.\n"
    ),
    "coast-daily.txt": (
        "Ships return to Lindmar\n"
        "Lindmar's port resumed operations on Tuesday, ending a four-day shutdown. Roughly 40 vessels had queued "
        "offshore. Repairs to the breakwater will cost 30 million euros, not the 12 million the transport ministry "
        "pledged, the port director said.\n"
    ),
    "regional-wire.txt": (
        "Lindmar harbour back in business\n"
        "The port of Lindmar reopened on Tuesday after being closed for four days, harbour officials said. "
        "About 40 ships had been waiting offshore. Fishing cooperatives welcomed the news.\n"
    ),
}
UNRELATED = (
    "Tarsby library wins design prize\n"
    "The new Tarsby library won the national architecture prize on Monday. The jury praised its timber roof.\n"
)


def write_port(folder: Path, unrelated: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in PORT.items():
        (folder / name).write_text(text, encoding="utf-8")
    if unrelated:
        (folder / "library.txt").write_text(UNRELATED, encoding="utf-8")
    return folder


def test_the_port_example_is_three_facts_one_conflict_and_one_theme(isolated: Path) -> None:
    folder = write_port(isolated / "port", unrelated=True)
    result = runner.invoke(app, ["run", str(folder), "--offline", "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = {a["id"]: Path(a["source"]).name for a in data["articles"]}
    facts = [(f["statement"], sorted(names[s] for s in f["sources"])) for f in data["facts"]]
    port = sorted(PORT)
    assert ("Lindmar's port resumed operations on Tuesday, ending a four-day shutdown.", port) in facts
    assert ("Roughly 40 vessels had queued offshore.", port) in facts
    assert len([f for f in facts if "library" not in " ".join(f[1])]) == 3, facts
    (conflict,) = data["conflicts"]
    assert conflict["topic"] == "cost: 30 million euros or 12 million euros"
    assert [names[s["article"]] for s in conflict["sides"]] == ["coast-daily.txt", "harbour-post.txt"]
    assert (
        "not the 12 million" in conflict["sides"][0]["quote"] and "pledged 12 million" in conflict["sides"][1]["quote"]
    )
    themes = [(t["label"], sorted(names[a] for a in t["articles"]), t["other"]) for t in data["themes"]]
    assert themes == [("Lindmar", port, False), ("Other stories", ["library.txt"], True)]
    for sentence in data["overview_sentences"]:  # every sentence cites, and only articles that hold it
        assert sentence["articles"]
        holders = [a for a in data["articles"] if a["id"] in sentence["articles"]]
        assert all(sentence["text"].split()[0].strip("'s") in (a["title"] + a["summary"]) for a in holders)


def sentences_of(markdown: str) -> Counter[str]:
    """The sentences the reader sees, counted, line by line before the sources; the conflict callout's
    quotes are evidence, like the sources' quotes, and are not counted."""
    found: Counter[str] = Counter()
    for line in markdown.split("\n## Sources")[0].splitlines():
        if line.startswith((">", "#", "|")):
            continue
        text = re.sub(r"^\s*[-*]\s|\[\^\d+\]|\(\d+(?:, \d+)*\)|\*|— confirmed by \d+ sources", " ", line)
        found.update(s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) > 4)
    return found


def test_no_sentence_is_shown_more_than_twice(isolated: Path) -> None:
    folder = write_port(isolated / "port")
    result = runner.invoke(app, ["run", str(folder), "--offline", "-q"])
    assert result.exit_code == 0, result.output
    counts = sentences_of(result.stdout)
    assert counts and max(counts.values()) <= 2, counts.most_common(3)
    assert counts["Lindmar's port resumed operations on Tuesday, ending a four-day shutdown."] == 2


def model_env(fake: FakeOpenAI, isolated: Path) -> dict[str, str]:
    config = isolated / "day.toml"
    config.write_text("retry_wait = 0.01\n", encoding="utf-8")
    return {
        "OPENAI_BASE_URL": fake.url,
        "OPENAI_API_KEY": "sk-day",
        "BRIEFER_MODEL": "m",
        "BRIEFER_CONFIG": str(config),
    }


def answering(change: Any) -> Any:
    """A responder whose synthesis answer is the usual one, changed by `change(answer, request_text)`."""

    def respond(body: dict[str, Any]) -> Reply:
        if not is_synthesis(body):
            return default_responder(body)
        answer = synthesis_for(body)
        assert answer is not None
        change(answer, body["messages"][-1]["content"])
        return Reply(body=completion(json.dumps(answer)))

    return respond


def test_the_model_judges_candidates_by_id_and_invented_ids_are_ignored(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_port(isolated / "port")

    def refuse(answer: dict[str, Any], _: str) -> None:
        answer["same"] = [{"id": v["id"], "yes": False} for v in answer["same"]] + [{"id": "m999", "yes": True}]

    fake.responder = answering(refuse)
    result = runner.invoke(app, ["run", str(folder), "-f", "json", "-q"], env=model_env(fake, isolated))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (request,) = [r for r in fake.requests if is_synthesis(r)]
    shown = re.findall(r"^\[(m\d+)\] \(", request["messages"][-1]["content"], re.M)
    assert shown  # the cheap candidates were put to the model
    assert all(len(f["sources"]) == 1 for f in data["facts"])  # it said no to every merge
    assert any(
        "was not shown under that question (m999)" in n["what"] for n in data["notices"] if n["stage"] == "synthesis"
    )

    fake.requests.clear()
    fake.responder = default_responder  # yes to every candidate
    rerun = ["run", str(folder), "-f", "json", "-q", "--no-cache"]
    again = json.loads(runner.invoke(app, rerun, env=model_env(fake, isolated)).stdout)
    assert max(len(f["sources"]) for f in again["facts"]) >= 2


def test_an_overview_sentence_its_articles_do_not_hold_is_dropped(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_port(isolated / "port")

    def invent(answer: dict[str, Any], _: str) -> None:
        first = answer["overview"][0]["articles"]
        answer["overview"].append({"text": "Admiral Vantongeren resigned over 55 lost ships.", "articles": first})
        answer["overview"].append({"text": "Nothing cites this.", "articles": ["no-such-id"]})

    fake.responder = answering(invent)
    data = json.loads(
        runner.invoke(app, ["run", str(folder), "-f", "json", "-q"], env=model_env(fake, isolated)).stdout
    )
    dropped = {d["text"]: d["reason"] for d in data["overview_dropped"]}
    assert "Vantongeren" in dropped["Admiral Vantongeren resigned over 55 lost ships."]
    assert "55" in dropped["Admiral Vantongeren resigned over 55 lost ships."]
    assert dropped["Nothing cites this."] == "it cites no article of the day"
    assert "Vantongeren" not in data["overview"] and len(data["overview_sentences"]) == 3


def test_an_overview_with_nothing_supported_falls_back_to_the_offline_one(fake: FakeOpenAI, isolated: Path) -> None:
    folder = write_port(isolated / "port")

    def echo(answer: dict[str, Any], prompt: str) -> None:
        answer["overview"] = [{"text": prompt[:80], "articles": answer["overview"][0]["articles"]}]

    fake.responder = answering(echo)
    data = json.loads(
        runner.invoke(app, ["run", str(folder), "-f", "json", "-q"], env=model_env(fake, isolated)).stdout
    )
    assert "Today:" not in data["overview"] and data["overview_sentences"]
    assert data["failures"] == []
    assert [n["instead"] for n in data["notices"] if n["stage"] == "synthesis"] == ["the offline overview"]


def test_a_briefing_saved_before_these_fields_still_renders(isolated: Path) -> None:
    folder = write_port(isolated / "port")
    saved = json.loads(runner.invoke(app, ["run", str(folder), "--offline", "-f", "json", "-q"]).stdout)
    for key in ("overview_sentences", "overview_dropped"):
        del saved[key]
    for theme in saved["themes"]:
        del theme["other"]
    for commitment in saved["commitments"]:
        del commitment["deadlines"]
    old = isolated / "old.json"
    old.write_text(json.dumps(saved), encoding="utf-8")
    result = runner.invoke(app, ["render", str(old), "-f", "md"])
    assert result.exit_code == 0, result.output
    assert saved["overview"] in result.stdout and "## Themes" in result.stdout


def test_the_models_themes_keep_known_ids_once_and_send_singletons_to_other_stories() -> None:
    from datetime import date

    from briefer.day.model_day import apply_model
    from briefer.day.synthesize import prepare
    from briefer.models import ArticleBrief, ModelSynthesis, ModelTheme

    briefs = [
        ArticleBrief(
            id=i, title=f"Story {i}", source=f"{i}.example", summary=f"Ships wait at Lindmar, report {i} says."
        )
        for i in "abcd"
    ]
    long_label = "Lindmar port reopens after a four-day closure as forty ships wait offshore and officials argue"
    answer = ModelSynthesis(
        overview=[],
        themes=[
            ModelTheme(label=long_label, articles=["a", "b", "zzz"]),
            ModelTheme(label="Again", articles=["b", "c"]),  # b is placed already: c alone
            ModelTheme(label="Alone", articles=["d"]),
        ],
        watch=[],
        same=[],
        conflicts=[],
    )
    result, problems = apply_model(prepare(briefs), answer, date(2026, 11, 28))
    assert [(t.articles, t.other) for t in result.themes] == [(["a", "b"], False), (["c", "d"], True)]
    assert result.themes[0].label == "Lindmar" and result.themes[1].label == "Other stories"
    assert result.overview and problems[0].instead == "the offline overview"  # no sentence: the offline one


def test_the_overview_check_matches_whole_words_measures_years_and_days() -> None:
    from briefer.day.overview import checked
    from briefer.models import ArticleBrief, ModelSentence

    article = ArticleBrief(
        id="a",
        title="Varna bridge",
        source="a.example",
        summary="In comparison with other towns, Varna will spend 12 million euros on the bridge by 3 March 2026.",
    )
    sentences = {
        "Overall, Varna will spend 12 million euros on the bridge.": True,  # an opening word is not a name
        "Officials in Paris back the bridge.": False,  # "Paris" is inside no word of the article
        "Varna will spend 12 million dollars.": False,  # euros are not dollars
        "The bridge opens on 3 March 2031.": False,
        "The bridge opens on 10 March 2026.": False,
    }
    kept, dropped = checked([ModelSentence(text=t, articles=["a"]) for t in sentences], [article])
    assert [s.text for s in kept] == [t for t, ok in sentences.items() if ok]
    assert len(dropped) == 4


def test_the_offline_pool_parses_statements_as_this_process_does() -> None:
    import asyncio

    from briefer.day.sameness import signatures
    from briefer.models import Article
    from briefer.offline.extractor import OfflineExtractor

    texts = [f"About {n} ships waited off Lindmar on Tuesday, officials said." for n in range(5)]

    async def on_the_pool() -> list[object]:
        extractor = OfflineExtractor(processes=2, pool_from=1)
        try:
            await extractor.extract(Article(id="a", title="Port", source="a.txt", text=PORT["harbour-post.txt"]))
            return list(await extractor.parse_many(signatures, texts))
        finally:
            await extractor.aclose()

    assert asyncio.run(on_the_pool()) == signatures(texts)
