"""The words and numbers of a text as the support check compares them (`briefer.evidence.support`).

A word is case-folded and crudely stemmed ("raise", "raised", "raising" are one; "rose" and "increased" too),
a number is its value ("1.1bn" is "1.1 billion", "forty" is "40", "$" is "dollar"), stop words are left out,
and a capitalised word is a name unless it is only capitalised for opening a sentence. What a word is does
not depend on where it stands, so it is worked out once per distinct word (`_word`); only whether a
capitalised word opens a sentence is read from the text around it, and only when it matters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr prof gen sen rep gov lt col capt sgt cpl rev hon no nos vs etc inc co corp ltd "
    "jan feb mar apr jun jul aug sep sept oct nov dec approx fig".split()
)
STOPWORDS = frozenset(
    """a an the and or but nor of to in on at by for with from as into onto upon about over under after before
    between among through during against within without via toward towards is are was were be been being am has
    have had having do does did done it its itself this that these those there here their theirs them themselves
    his her hers him himself herself they he she we us our ours you your yours i me my mine not no yes will
    would could should may might can must shall said says say saying told tell tells according also than then
    which who whom whose what when where why how while so such only other others some any each every all both
    either neither more most less least very just much many few own same too again further once if because
    until since per cent percent mr mrs ms dr one inc corp ltd plc llc""".split()
)
# Stop words that are names when capitalised mid-sentence: "in May", "Will Ferrell".
ALSO_NAMES = frozenset({"may", "will"})
# Words that may join the parts of one name: "Bank of England" is one name.
_NAME_GLUE = frozenset("of the de del der van von la le da di for".split())
# Irregular forms and synonyms a paraphrase uses for the article's word; each group reads as its first word.
_SYNONYMS = (
    "rise rose risen raise increase grow grew grown climb jump soar surge",
    "fall fell fallen drop decline decrease slip slide slid",
    "cut reduce lower slash",
    "begin began begun start launch open",
    "end finish complete close",
    "pledge promise vow commit undertake undertook guarantee",
    "pay paid fund finance cover",
    "build built construct rebuild rebuilt",
    "buy bought purchase acquire",
    "sell sold",
    "win won",
    "lose lost",
    "lead led",
    "meet met",
    "hire employ recruit",
    "kill die dead",
    "injure wound hurt",
    "criticise criticize condemn",
    "warn caution",
    "approve adopt",
    "plan intend aim",
    "agree accept",
    "resign quit",
    "big large",
    "fee levy charge tax",
    "maintenance upkeep repair",
    "annual annually yearly",
    "schedule timetable timeline",
    "firm company business",
)
_CURRENCIES = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
_NUMBER_WORDS = {
    word: float(n)
    for n, word in enumerate(
        "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
    if word != "_"
} | {word: float(10 * n) for n, word in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), start=3)}
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9}
_SCALES |= {"trillion": 1e12, "tn": 1e12, "millions": 1e6, "millionen": 1e6, "mio": 1e6}
_SCALES |= {"milliard": 1e9, "milliards": 1e9, "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9}
TOKEN = re.compile(
    r"(?P<number>\d[\d,]*(?:\.\d+)?)(?:st|nd|rd|th)?"
    r"(?:\s?(?P<scale>" + "|".join(sorted((k for k in _SCALES if len(k) > 1), key=len, reverse=True)) + r")\b"
    r"|(?P<unit>[kmb])\b)?"
    r"|(?P<currency>[$€£¥])"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)",
    re.I,
)
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")  # "2,5 Milliarden": a decimal comma, not a thousands separator
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu)['’](?=\w)", re.I)  # French "d'euros", "L'Arland"
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")  # "U.S." reads as "US"
_ACRONYM = re.compile(r"[A-Z]{2,}s?")  # "EU", "EVs"
_OPENERS = frozenset('.!?:;\n"“«(')

# What a word is, wherever it stands (`_word`).
_NUMBER, _CONTENT, _MAY_BE_NAME, _GLUE, _STOP = range(5)


class Token(NamedTuple):
    key: str  # a number's canonical value, or a word case-folded and crudely stemmed
    start: int  # where it is in the text
    number: bool = False
    capital: bool = False
    name: bool = False  # capitalised and a name: not only capitalised for opening a sentence
    acronym: bool = False
    run: int = 0  # the capitalised words of one name ("Bank of England") share it
    end: int = 0  # where it ends in the text


def _plain_stem(word: str) -> str:
    w = word.casefold().replace("’", "'").removesuffix("'s")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith(("ed", "es")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]  # "planned" and "plan"; "called" and "call" both end as "cal"
    return w


_SAME_AS = {_plain_stem(w): _plain_stem(group.split()[0]) for group in _SYNONYMS for w in group.split()}


def stem(word: str) -> str:
    """A crude English stem, the same for "raise", "raises", "raised" and "raising": enough to compare. Common
    irregular forms and newswire synonyms share one: "rose" and "increased", "fell" and "dropped"."""
    stemmed = _plain_stem(word)
    return _SAME_AS.get(stemmed, stemmed)


@lru_cache(maxsize=1 << 16)
def _word(raw: str) -> tuple[str, int, str, bool, bool]:
    """(case-folded, what it is, its key, capitalised, an acronym) for a word as the text spells it."""
    word = _ELISION.sub("", raw) if "'" in raw or "’" in raw else raw
    folded = word.casefold()
    acronym = bool(_ACRONYM.fullmatch(word))
    capital = word[0].isupper()
    if folded in _NUMBER_WORDS:
        return folded, _NUMBER, f"{_NUMBER_WORDS[folded]:.12g}", capital, acronym
    key = folded.removesuffix("s") if acronym and word[-1] == "s" else stem(word)
    if acronym or (folded not in STOPWORDS and folded.replace("’", "'").removesuffix("'s") not in STOPWORDS):
        return folded, _CONTENT, key, capital, acronym
    if capital and folded in ALSO_NAMES:
        return folded, _MAY_BE_NAME, key, capital, acronym
    return folded, _GLUE if folded in _NAME_GLUE else _STOP, key, capital, acronym


def undotted(text: str) -> str:
    """`text` with dotted initialisms read as words ("U.S." as "US  "), every offset kept."""
    return _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " " * m.group(0).count("."), text)


def _number(m: re.Match[str]) -> str:
    raw = m.group("number").rstrip(",")
    raw = raw.replace(",", ".") if _DECIMAL_COMMA.fullmatch(raw) else raw.replace(",", "")
    scale = _SCALES.get((m.group("scale") or m.group("unit") or "").casefold(), 1.0)
    return f"{float(raw) * scale:.12g}"


def name_unless_opening(word: str) -> bool:
    """Whether `word` is a name mid-sentence and a stop word opening one ("May", "Will")."""
    return _word(word)[1] == _MAY_BE_NAME


def tokens(text: str, proper: frozenset[str] = frozenset()) -> list[Token]:
    """The words and numbers of `text` that carry content, stop words left out. A capitalised word opening a
    sentence is a name only when `proper` (the words the article capitalises mid-sentence) says so: "Prices
    rose" is not about someone called Prices."""
    return scan(undotted(text), proper)


def scan(text: str, proper: frozenset[str] = frozenset()) -> list[Token]:
    """`tokens` of a text already `undotted`."""
    found: list[Token] = []
    last, run, previous = 0, 0, ""

    def opens(between: str, first: bool, previous: str) -> bool:
        return first or (
            between != " "
            and not _OPENERS.isdisjoint(between)
            and not (between.strip() == "." and previous in ABBREVIATIONS)
        )

    for m in TOKEN.finditer(text):
        start, end = m.start(), m.end()
        before, last = last, end
        raw = m.group("word")
        if raw is None:
            currency = m.group("currency")
            key = _CURRENCIES[currency] if currency else _number(m)
            found.append(Token(key, start, not currency, False, False, False, 0, end))
            run, previous = run + 1, ""
            continue
        folded, kind, key, capital, acronym = _word(raw)
        said_before, previous = previous, folded
        if kind == _MAY_BE_NAME:  # "May" and "Will": names unless they open a sentence
            kind = _STOP if opens(text[before:start], before == 0, said_before) else _CONTENT
        if kind == _NUMBER:
            found.append(Token(key, start, True, False, False, False, 0, end))
            run += 1
        elif kind == _CONTENT:
            if not (capital and found and found[-1].capital and found[-1].run == run):
                run += 1
            name = acronym or (capital and (key in proper or not opens(text[before:start], before == 0, said_before)))
            found.append(Token(key, start, False, capital, name, acronym, run, end))
        elif kind == _STOP:
            run += 1
    return found
