"""Made-up days of the shapes a new user met on a real morning (issue 22): a bottom line a busy reader can
trust (three to five well-formed sentences), key facts and implications that are never page boilerplate or
a content warning, no conflict between two items that agree, one theme for one event, and a watch list with
the soonest deadlines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from briefer.cli import app
from briefer.day.overview import checked
from briefer.day.stage import build_briefing
from briefer.day.synthesize import synthesize
from briefer.day.themes import themes
from briefer.models import ArticleBrief, Evidence, Fact, Implication, ModelSentence, Usage
from briefer.output.rendering import render
from briefer.output.templating import output_environment

runner = CliRunner()
TODAY = date(2026, 12, 4)


def brief(
    id: str, summary: str, facts: Sequence[str] = (), title: str = "", implications: Sequence[str] = ()
) -> ArticleBrief:
    """An article's brief: its lead as summary, its facts quoted from its text (the summary, then the facts)."""
    text = " ".join([summary, *facts])

    def fact(statement: str) -> Fact:
        start = text.index(statement)
        quote = [Evidence(quote=statement, start=start, end=start + len(statement))]
        return Fact(statement=statement, attribution="stated", evidence=quote, grounded=True)

    return ArticleBrief(
        id=id,
        title=title or f"Article {id}",
        source=f"{id}.txt",
        summary=summary,
        facts=[fact(f) for f in facts],
        implications=[
            Implication(statement=i, rationale="Stated in the article.", confidence="low", basis="stated")
            for i in implications
        ],
    )


def well_formed(sentence: str) -> bool:
    opening = sentence.lstrip("\"“‘'(")
    return opening[:1].isupper() and sentence.rstrip("\"”’')").endswith(".") and len(sentence.split()) <= 45


STANDFIRST_INTO_BODY = (
    "The president's new moment speech stirred applause in the Assembly while the Green Bloc showed thinly "
    "disguised contempt Ilse Marrow has promised a new rail line to Ostral, more ferries on the northern route "
    "for the coming winter, a review of the harbour fees that the port authority has asked for since last year, "
    "lower taxes on small firms and a new hospital in Kessvik before the end of her term. "
    "The Assembly will vote on her budget in May."
)
MORNING = [
    brief("speech", STANDFIRST_INTO_BODY, title="Marrow's speech"),
    brief(
        "singer",
        "the singer Rosa Veld appears to question a statement issued in her name. Her lawyer Jan Orm said on "
        "Tuesday that the statement was real.",
        title="Rosa Veld casts doubt",
    ),
    brief(
        "forager",
        "The Mad Forager’s KitchenHow to Infuse Oils and Vinegars with Foraged Ingredients. Foragers gathered "
        "in Tarsby on Sunday for the autumn fair.",
        title="Wild flavours",
    ),
    brief(
        "medium",
        "Picking Fruits was originally published in Invironment on Medium, where people are continuing the "
        "conversation by highlighting and responding to this story. The city of Meran sent 30 trucks of soil "
        "to the abandoned lot.",
        title="Picking fruits",
    ),
    brief("strike", "Dock workers in Kessvik ended a nine-day strike on Monday.", title="Strike ends"),
]


def test_the_bottom_line_is_three_to_five_well_formed_sentences() -> None:
    overview = [s.text for s in synthesize(MORNING, TODAY).overview]
    assert 3 <= len(overview) <= 5, overview
    assert all(well_formed(s) for s in overview), overview
    said = " ".join(overview)
    assert "KitchenHow" not in said and "originally published" not in said and "contempt" not in said
    assert "Her lawyer Jan Orm said on Tuesday that the statement was real." in overview  # not the lower-case one
    assert "The city of Meran sent 30 trucks of soil to the abandoned lot." in overview  # after the notice


def test_one_article_gives_a_bottom_line_of_its_well_formed_lead_sentences() -> None:
    lead = (
        "Foragers gathered in Tarsby on Sunday for the autumn fair. Stalls sold wild garlic and sloe gin. "
        "the fair ends on Monday. The council said it would hold another in spring."
    )
    overview = [s.text for s in synthesize([brief("fair", lead)], TODAY).overview]
    assert overview == [
        "Foragers gathered in Tarsby on Sunday for the autumn fair.",
        "Stalls sold wild garlic and sloe gin.",
        "The council said it would hold another in spring.",
    ]


BOILERPLATE = [
    "Picking Fruits and Greening Cities was originally published in Invironment on Medium, where people are "
    "continuing the conversation by highlighting and responding to this story.",
    "The story will be unlocked and available to all of our readers after 30 days.",
    "Subscribe to our newsletter for the latest news from Meran and the estuary.",
    "Sign up for our morning briefing and get the news from Meran first.",
    "Warning: this report contains distressing details.",
    "This article is available only to subscribers of the Meran Courier.",
]


def test_key_facts_are_never_page_boilerplate() -> None:
    real = ["The city of Meran sent 30 trucks of soil to the abandoned lot.", "About 40 volunteers planted 200 trees."]
    day = [brief("garden", "Meran greens an abandoned lot.", [BOILERPLATE[0], real[0], *BOILERPLATE[1:], real[1]])]
    facts = [f.statement for f in synthesize(day, TODAY).facts]
    assert facts == real


AGREEING = [
    brief(
        "veld",
        "Rosa Veld casts doubt on the denial.",
        [
            "The adult film star Rosa Veld appears to question the authenticity of a statement denying her affair "
            "with the Varnian president, Jan Orm, only for her lawyer to insist it is real."
        ],
        title="Rosa Veld casts doubt on denial of affair with Jan Orm",
    ),
    brief(
        "orm",
        "The Rosa Veld affair took another twist.",
        [
            "The allegations that Jan Orm paid hush money to hide an affair with adult film star Rosa Veld took "
            "another bizarre twist on Tuesday night during an interview with late-night host Petra Lund that "
            "followed the president’s first State of the Nation address."
        ],
        title="Rosa Veld and Jan Orm: the affair takes another twist",
    ),
]


def test_two_items_that_agree_are_no_conflict_but_a_denial_is() -> None:
    day = synthesize(AGREEING, TODAY)
    assert len(day.themes) == 1 and not day.themes[0].other
    assert day.conflicts == []  # "a statement denying her affair" mentions a denial; it denies nothing
    denial = brief("denial", "Jan Orm denies it.", ["President Jan Orm denied paying hush money to Rosa Veld."])
    conflicts = synthesize([AGREEING[1], denial], TODAY).conflicts
    assert [c.topic for c in conflicts] == ["one source denies what the other states"]


OUTLOOK = [
    "Warning: this report contains distressing details from {place}.",
    "The {place} council will vote on the plan next month and expects to start work in 2028.",
    "Residents of {place} were pleased.",
    "Critics warned the barrier could shift flooding to {place}.",
]
PLACES = ["Meran", "Orla", "Pesk", "Tarsby"]


def test_the_day_keeps_a_handful_of_implications_and_never_a_content_warning(isolated: Path) -> None:
    briefs = [
        brief(
            f"a{n}",
            f"Story {n} of the day happened in {place}.",
            title=f"Story {n}",
            implications=[i.format(place=place) for i in OUTLOOK],
        )
        for n, place in enumerate(PLACES)
    ]
    briefing = build_briefing(briefs, [], provider="offline", model=None, usage=Usage(), today=TODAY)
    assert briefing.implications is not None and len(briefing.implications) == 5  # of 16
    statements = [d.implication.statement for d in briefing.implications]
    assert not any(s.startswith("Warning") for s in statements)
    # each article's most forward-looking first (a vote next month, work in 2028), then the next best
    assert statements == [
        OUTLOOK[1].format(place="Meran"),
        OUTLOOK[3].format(place="Meran"),
        *(OUTLOOK[1].format(place=place) for place in PLACES[1:]),
    ]
    markdown = render(briefing, "md", output_environment(None, isolated))
    section = markdown.split("## Implications")[1].split("\n## ")[0]
    assert section.count("\n- ") == 5 and "distressing" not in section


def event(id: str, title: str, summary: str, facts: list[str]) -> ArticleBrief:
    return brief(id, summary, facts, title=title)


STATE_OF_THE_NATION = [
    event(
        "speech",
        "Marrow State of the Nation address promised unity",
        "President Ilse Marrow used her first State of the Nation address on Tuesday to call for unity, as "
        "Green Bloc members booed.",
        ["Speaker Tomas Brekke called for order twice.", "Marrow promised a new rail line."],
    ),
    event(
        "protest",
        "Moments of protest during Marrow's State of the Nation address",
        "Green Bloc members held up signs during the State of the Nation address on Tuesday.",
        ["Speaker Tomas Brekke called for order twice.", "Several Green Bloc members walked out."],
    ),
    event(
        "comedy",
        "Late-night hosts on the State of the Nation",
        "Comedians Petra Lund and Aksel Ferro mocked the State of the Nation address.",
        ["Lund joked about the length of the applause.", "Ferro played the speech backwards."],
    ),
    event(
        "comedy2",
        "Petra Lund and Aksel Ferro on the State of the Nation",
        "Petra Lund and Aksel Ferro spent their shows on the State of the Nation address.",
        ["Lund joked about the applause.", "Ferro mocked the rail line."],
    ),
]
ELSEWHERE = [
    event(f"o{n}", title, summary, [])
    for n, (title, summary) in enumerate(
        [
            ("Harbour strike ends in Kessvik", "Dock workers in Kessvik ended a nine-day strike on Monday."),
            ("Floods close roads in Ostral", "Heavy rain flooded roads around Ostral on Tuesday, State Railways said."),
            ("Tarsby library wins prize", "The new Tarsby library won the Nation Prize for architecture."),
            ("Chess champion keeps title", "Anika Solberg kept her world chess title in Geneva on Sunday."),
            ("State Railways cuts fares", "State Railways will cut fares on the northern lines from March."),
            ("Nation Cup final in Tarsby", "The Nation Cup final will be played in Tarsby in May."),
            ("State Bank raises rates", "The State Bank raised its main rate to 3 percent on Thursday."),
            ("Nation Party picks leader", "The Nation Party chose Vera Lind as its leader on Saturday."),
        ]
    )
]


def test_one_event_told_from_several_angles_is_one_theme() -> None:
    found = themes([*STATE_OF_THE_NATION, *ELSEWHERE])
    (event_theme,) = [t for t in found if "speech" in t.articles]
    assert event_theme.articles == ["speech", "protest", "comedy", "comedy2"]
    assert event_theme.label.startswith("State of the Nation")  # a name of several words, whole
    assert not any("Marrow State" in t.label for t in found)  # a headline's words are no name
    assert "o0" in found[-1].articles and found[-1].other  # "State" and "Nation" alone join nothing


def test_the_watch_list_holds_the_soonest_deadlines_of_an_undated_article(isolated: Path) -> None:
    (isolated / "plans.txt").write_text(
        "Harbour plans\n"
        "Mayor Ilse Vantongeren promised to publish the full engineering study within two weeks. "
        "The regional government will review the environmental permit by the end of the year. "
        "The council said it will build a new school by June 2027.\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["run", "plans.txt", "--offline", "--no-history", "--date", "2026-12-04", "-f", "json", "-q"]
    )
    assert result.exit_code == 0, result.output
    watch = [(w["due"], w["when"]) for w in json.loads(result.stdout)["watch"]]
    assert watch == [
        ("2026-12-18", "within two weeks"),
        ("2026-12-31", "by the end of the year"),
        ("2027-06-30", "by June 2027"),
    ]


def test_the_models_bottom_line_is_mended_or_left_out_when_it_is_not_a_sentence() -> None:
    day = [brief("a", "Dock workers in Kessvik ended a nine-day strike on Monday.")]
    supported = [
        "The nine-day strike in Kessvik ended on Monday.",
        "Kessvik dock workers ended a strike.",
        "A nine-day strike ended in Kessvik.",
        "Workers in Kessvik ended the strike on Monday.",
        "The dock strike in Kessvik ended.",
    ]
    proposed = [
        ModelSentence(text="dock workers in Kessvik ended a strike", articles=["a"]),
        ModelSentence(text="Dock workers in Kessvik ended a strike " + "on Monday " * 25 + ".", articles=["a"]),
        *(ModelSentence(text=text, articles=["a"]) for text in supported),
    ]
    kept, dropped = checked(proposed, day)
    assert [s.text for s in kept] == ["Dock workers in Kessvik ended a strike.", *supported[:4]]
    assert [d.reason for d in dropped] == ["longer than 45 words", "the bottom line holds 5 sentences at most"]
