"""The support check: a located quote must back its item. Hand-made pairs both ways: honest paraphrases that
must pass, and real quotes of the same article about something else that must not."""

from __future__ import annotations

import pytest

from briefer.evidence.grounding import Grounder, supported
from briefer.evidence.support import sentence_bounds

HARBOUR = (
    "Tarsby, 3 March. The Arland government on Monday approved a €1.1bn plan to rebuild the Tarsby harbour "
    "wall, which storms breached twice last winter. Transport Minister Ilse Vantongeren said work would begin "
    "in September and finish by the end of 2028. The plan includes 12 million euros a year for maintenance, "
    "paid from a new levy on cruise ships.\n"
    "“We will not let the harbour flood again,” Vantongeren told reporters at the quay.\n"
    "Nordlake Energy, which runs the port's power station, pledged to cover a third of the cost of new flood "
    "gates. The company's chief executive, Amadou Kessler, said the firm would also hire 200 local workers.\n"
    "Fishing cooperatives criticised the levy, saying it would drive cruise traffic to Port Estrel. Their "
    "spokesman, Jonas Lind, warned that up to forty jobs in the fish market were at risk.\n"
    "Unemployment in the region fell to 6.4% in January, according to the statistics office. The European "
    "Union is expected to co-finance part of the project through its cohesion fund.\n"
    "Opposition leader Marta Holm called the timetable unrealistic and demanded an independent review. The "
    "wall was last rebuilt in 1953 after a storm surge killed 31 people."
)
CARMAKER = (
    "Kessvik, 12 May. Shares in Valdora Motors rose 8% on Tuesday after the carmaker reported a first-quarter "
    "profit of $412 million, up from $290 million a year earlier. Revenue grew to $5.6bn, beating analysts' "
    "forecasts. Chief executive Lena Brandt said the company would cut 1,200 jobs in Europe by the end of next "
    "year as it shifts production to electric vehicles.\n"
    "Unions called the plan a betrayal and threatened strikes at the Kessvik plant. The company also said it "
    "expects to deliver 300,000 electric cars in 2026, twice as many as last year. Analysts at Northbank said "
    "the target looked ambitious given slowing demand in China. Valdora will open a battery factory in Spain "
    "in 2027, Brandt told investors on a call."
)

# (article, claim, quote): what a careful model writes in its own words, with a quote from the article. A
# commitment's claim is its actor and action.
PARAPHRASES = [
    (HARBOUR, "Arland approved a 1.1 billion euro plan to rebuild Tarsby's harbour wall.", "approved a €1.1bn plan"),
    (HARBOUR, "Storms broke through the harbour wall twice last winter.", "which storms breached twice last winter"),
    (
        HARBOUR,
        "Vantongeren said construction will start in September and end by late 2028.",
        "work would begin in September and finish by the end of 2028",
    ),
    (HARBOUR, "Maintenance will cost €12m annually, funded by a cruise ship levy.", "12 million euros a year"),
    (HARBOUR, "Vantongeren vowed the harbour would not flood again.", "We will not let the harbour flood again"),
    (HARBOUR, "Nordlake Energy pay a third of the cost of new flood gates", "pledged to cover a third of the cost"),
    (HARBOUR, "Nordlake Energy hire 200 local workers", "the firm would also hire 200 local workers"),
    (HARBOUR, "Kessler said Nordlake would hire 200 people from the area.", "the firm would also hire 200"),
    (
        HARBOUR,
        "Fishermen's cooperatives said the levy would push cruise ships to Port Estrel.",
        "Fishing cooperatives criticised the levy",
    ),
    (HARBOUR, "Up to 40 fish market jobs are at risk, Jonas Lind warned.", "up to forty jobs in the fish market"),
    (HARBOUR, "Regional unemployment dropped to 6.4 percent in January.", "Unemployment in the region fell to 6.4%"),
    (HARBOUR, "The EU is likely to co-fund part of the project.", "is expected to co-finance part of the project"),
    (
        HARBOUR,
        "Marta Holm, the opposition leader, said the schedule was unrealistic and called for an independent review.",
        "called the timetable unrealistic and demanded an independent review",
    ),
    (HARBOUR, "A 1953 storm surge that killed 31 people led to the wall's last rebuild.", "after a storm surge"),
    (HARBOUR, "The government approved the harbour plan on Monday.", "approved a €1.1bn plan"),
    (HARBOUR, "Arland government commit 12 million euros a year to maintenance", "The plan includes 12 million"),
    (HARBOUR, "Fishing groups oppose the cruise levy.", "Fishing cooperatives criticised the levy"),
    (CARMAKER, "Valdora Motors' stock jumped 8% after strong quarterly results.", "Shares in Valdora Motors rose 8%"),
    (CARMAKER, "First-quarter profit rose to $412m from $290m.", "a first-quarter profit of $412 million"),
    (CARMAKER, "Revenue climbed to 5.6 billion dollars, ahead of analyst expectations.", "Revenue grew to $5.6bn"),
    (CARMAKER, "Brandt said Valdora will eliminate 1,200 European jobs by late next year.", "cut 1,200 jobs"),
    (
        CARMAKER,
        "Unions threatened to strike at the Kessvik factory, calling the plan a betrayal.",
        "threatened strikes",
    ),
    (CARMAKER, "The carmaker aims to double electric car deliveries to 300,000 in 2026.", "deliver 300,000 electric"),
    (CARMAKER, "Northbank analysts called the goal ambitious because demand in China is slowing.", "looked ambitious"),
    (CARMAKER, "Valdora open a battery factory in Spain in 2027", "Valdora will open a battery factory"),
    (CARMAKER, "Valdora Motors reduce its European workforce by 1,200", "would cut 1,200 jobs in Europe"),
    (CARMAKER, "Lena Brandt plans to move production towards EVs.", "as it shifts production to electric vehicles"),
]

# (article, claim, quote): a real quote of the same article that is about something else.
UNRELATED = [
    (
        HARBOUR,
        "Arland approved a 1.1 billion euro plan to rebuild the harbour wall.",
        "Fishing cooperatives criticised",
    ),
    (
        HARBOUR,
        "Nordlake Energy will hire 200 local workers.",
        "pledged to cover a third of the cost of new flood gates",
    ),
    (HARBOUR, "Up to 40 jobs in the fish market are at risk.", "Unemployment in the region fell to 6.4% in January"),
    (HARBOUR, "Marta Holm demanded an independent review.", "Vantongeren told reporters at the quay"),
    (HARBOUR, "Work on the wall will begin in September.", "The wall was last rebuilt in 1953"),
    (HARBOUR, "The EU will co-finance the project.", "The plan includes 12 million euros a year for maintenance"),
    (HARBOUR, "Storms breached the wall twice last winter.", "is expected to co-finance part of the project"),
    (HARBOUR, "Kessler said the firm would hire workers.", "Fishing cooperatives criticised the levy"),
    (HARBOUR, "Nordlake Energy cover a third of the cost of new flood gates", "the firm would also hire 200"),
    (HARBOUR, "The harbour wall was rebuilt in 1953.", "Unemployment in the region fell to 6.4% in January"),
    (HARBOUR, "Opposition leader Marta Holm called the plan unrealistic.", "Fishing cooperatives criticised the levy"),
    (HARBOUR, "Vantongeren said the harbour will not flood again.", "said work would begin in September"),
    (HARBOUR, "Vantongeren resigned.", "said work would begin in September"),
    (CARMAKER, "Valdora will cut 1,200 jobs in Europe.", "Unions called the plan a betrayal"),
    (CARMAKER, "Unions threatened strikes at the Kessvik plant.", "Analysts at Northbank said the target"),
    (CARMAKER, "Demand in China is slowing.", "Revenue grew to $5.6bn, beating analysts' forecasts."),
    (CARMAKER, "Analysts said the delivery target was ambitious.", "expects to deliver 300,000 electric cars"),
    (CARMAKER, "Valdora Motors build a battery factory in Spain", "the company would cut 1,200 jobs in Europe"),
    (CARMAKER, "Brandt said the company is shifting production to electric vehicles.", "Valdora will open a battery"),
    (CARMAKER, "The company expects to deliver more electric cars.", "would cut 1,200 jobs in Europe"),
    (CARMAKER, "Shares in the carmaker rose after its results.", "Unions called the plan a betrayal"),
    (CARMAKER, "Revenue beat analysts' forecasts.", "Analysts at Northbank said the target looked ambitious"),
    (CARMAKER, "The company will open a factory.", "expects to deliver 300,000 electric cars"),
]


def check(text: str, claim: str, quote: str) -> bool:
    grounder = Grounder(text)
    span = grounder.locate(quote)
    assert span is not None, quote
    return grounder.supports(claim, [span])


@pytest.mark.parametrize(("text", "claim", "quote"), PARAPHRASES, ids=[p[1][:40] for p in PARAPHRASES])
def test_honest_paraphrases_are_supported(text: str, claim: str, quote: str) -> None:
    assert check(text, claim, quote)


@pytest.mark.parametrize(("text", "claim", "quote"), UNRELATED, ids=[p[1][:40] for p in UNRELATED])
def test_a_real_quote_about_something_else_does_not_support(text: str, claim: str, quote: str) -> None:
    assert not check(text, claim, quote)


@pytest.mark.parametrize(
    ("claim", "quote", "expected"),
    [
        ("The budget is 1.1 billion euros.", "The budget is €1.1bn.", True),
        ("The budget is €1.1bn.", "The budget is 1.1 billion euros.", True),
        ("The budget is 1,100 million euros.", "The budget is €1.1bn.", True),
        ("The fund holds 12 million euros.", "The fund holds €12m.", True),
        ("The town hired 1,200 staff.", "The town hired 1200 staff.", True),
        ("Forty people were hurt.", "40 people were injured.", True),
        ("40 people were hurt.", "Forty people were injured.", True),
        ("Inflation reached 5 percent in June.", "Inflation reached 5% in June.", True),
        ("The budget is 1.2 billion euros.", "The budget is €1.1bn.", False),
        ("The fund holds 12 billion euros.", "The fund holds €12m.", False),
        ("41 people were hurt.", "Forty people were injured.", False),
        ("The vote was in 2024.", "The vote was in 2023.", False),
    ],
)
def test_numbers_are_compared_by_value(claim: str, quote: str, expected: bool) -> None:
    assert check(quote, claim, quote) is expected


@pytest.mark.parametrize(
    ("text", "claim", "expected"),
    [
        ("Ms Ruiz said the bridge would close in May.", "Mayor Ana Ruiz said the bridge would close in May.", True),
        ("The EU pledged to fund the bridge.", "The European Union pledged to fund the bridge.", True),
        ("The European Union pledged to fund the bridge.", "The EU pledged to fund the bridge.", True),
        ("The U.S. pledged to fund the bridge.", "The US pledged to fund the bridge.", True),
        ("Moscow backs the Russian bid for the games.", "Moscow backs Russia's bid for the games.", True),
        ("Ms Ruiz said the bridge would close in May.", "Ms Lopez said the bridge would close in May.", False),
        ("Ms Ruiz said the bridge would close in May.", "Ms Ruiz said the bridge would close in June.", False),
        ("The bridge will close, Ms Ruiz said.", "Prices for the bridge will close.", True),  # not a name: opens
    ],
)
def test_names_must_be_in_the_quote(text: str, claim: str, expected: bool) -> None:
    assert check(text, claim, text) is expected


def test_a_name_given_earlier_may_be_referred_to_but_not_one_given_later() -> None:
    text = (
        "Nordlake Energy will build a plant in Tarsby. The company pledged to hire 900 workers. "
        "Kessvik Power made no pledge."
    )
    assert check(text, "Nordlake Energy hire 900 workers", "The company pledged to hire 900 workers")
    assert not check(text, "Kessvik Power hire 900 workers", "The company pledged to hire 900 workers")
    # A name from earlier is not evidence by itself: what is said must still be in the quote.
    assert not check(text, "Nordlake Energy build a plant", "The company pledged to hire 900 workers")


def test_the_quote_is_widened_to_its_sentence() -> None:
    text = "Officials said on Monday that Mayor Ana Ruiz pledged 40 new buses by 2027. Critics were unmoved."
    assert check(text, "Ana Ruiz promised 40 buses by 2027, officials said.", "pledged 40 new buses")
    assert not check(text, "Critics rejected the 40 buses.", "Critics were unmoved")


@pytest.mark.parametrize(
    ("text", "quote", "sentence"),
    [
        (
            "First one. Mr. Smith met Dr. Jones at 5 p.m. today. Last one.",
            "met Dr.",
            "Mr. Smith met Dr. Jones at 5 p.m. today.",
        ),
        ("It ended. J. K. Rowling wrote it in 1997! Then more.", "wrote it", "J. K. Rowling wrote it in 1997!"),
        ("A line\nSecond line here\nThird", "line here", "Second line here"),
        ("He said: “We stay.” She left. Then?", "She left", "She left."),
        ("He said: “We stay.” She left. Then?", "We stay", "He said: “We stay.”"),
        ("One sentence ends here. Another starts.", "One sentence ends here.", "One sentence ends here."),
        ("Costs rose 2.5 per cent. Then fell.", "per cent", "Costs rose 2.5 per cent."),
    ],
)
def test_sentence_bounds(text: str, quote: str, sentence: str) -> None:
    start = text.index(quote)
    lo, hi = sentence_bounds(text, start, start + len(quote))
    assert text[lo:hi].strip() == sentence


GERMAN = (
    "Die Regierung in Berlin hat am Montag 2,5 Milliarden Euro für neue Brücken bewilligt. "
    "Verkehrsministerin Anna Keller sagte, die Arbeiten sollen 2026 beginnen."
)


def test_a_claim_in_another_language_is_judged_on_its_names_and_numbers() -> None:
    def check_in(text: str, claim: str, quote: str, translated: bool = False) -> bool:
        grounder = Grounder(text, translated)
        span = grounder.locate(quote)
        assert span is not None
        return grounder.supports(claim, [span])

    quote = "die Arbeiten sollen 2026 beginnen"
    assert check_in(GERMAN, "Keller said work will start in 2026.", quote)
    assert not check_in(GERMAN, "Keller said work will start in 2027.", quote)
    assert not check_in(GERMAN, "Berlin approved new bridges.", quote)  # Berlin: only earlier in the article
    # In the article's own language, its words count as usual.
    assert check_in(GERMAN, "Keller sagte, die Arbeiten beginnen 2026.", quote)
    assert not check_in(GERMAN, "Die Regierung hat neue Brücken bewilligt.", quote)
    # An English article, a briefing the user asked for in French.
    english, quote = "Mayor Ana Ruiz pledged 40 new buses by 2027, officials said.", "pledged 40 new buses"
    assert check_in(english, "Ana Ruiz s'est engagée à acheter 40 autobus d'ici 2027.", quote, translated=True)
    assert not check_in(english, "Ana Ruiz s'est engagée à acheter 40 autobus d'ici 2027.", quote)
    # Without a set language, English words absent from an English article are not taken for another language.
    assert not check_in(HARBOUR, "Vantongeren resigned amid allegations.", "said work would begin in September")


def test_ground_says_why_an_item_is_not_grounded() -> None:
    grounder = Grounder(HARBOUR)
    ok = grounder.ground("Up to 40 fish market jobs are at risk.", ["up to forty jobs in the fish market"])
    assert ok.grounded and ok.reason is None and ok.evidence[0].start is not None
    unrelated = grounder.ground("Up to 40 fish market jobs are at risk.", ["The wall was last rebuilt in 1953"])
    assert not unrelated.grounded and unrelated.reason == "unsupported"
    assert unrelated.evidence[0].quote == "The wall was last rebuilt in 1953"  # found, kept with its offsets
    missing = grounder.ground("Up to 40 fish market jobs are at risk.", ["words that appear nowhere at all"])
    assert missing.reason == "not_found" and missing.evidence[0].start is None
    # Two quotes: together they carry the claim.
    both = grounder.ground(
        "Vantongeren said work begins in September and the plan has 12 million euros a year for maintenance.",
        ["work would begin in September", "12 million euros a year for maintenance"],
    )
    assert both.grounded


def test_supported_is_the_check_on_its_own() -> None:
    start = HARBOUR.index("Unemployment in the region")
    span = (start, start + len("Unemployment in the region fell to 6.4%"))
    assert supported("Regional unemployment dropped to 6.4%.", HARBOUR, [span])
    assert not supported("Regional unemployment dropped to 6.5%.", HARBOUR, [span])
