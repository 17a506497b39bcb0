"""The support check: whether the sentences holding an item's quotes back the item, by its words alone.

Lexical and linear, no language model and no NLP library. A claim (a fact's statement; a commitment's actor
and action) is supported by a passage (the sentences of its quotes, from `sentence_bounds`) when:
- every number of the claim is in the passage, compared by value: "1.1bn" is "1.1 billion", "12m" is "12
  million", "1,200" is "1200", "forty" is "40", "$" is "dollar";
- every name of the claim is there, at least in part: a run of capitalised words is there when one of its
  words is ("Prime Minister Ana Ruiz": "Ruiz"), an acronym when its words are ("EU": "European Union", and
  back), a name when it takes another ending ("Russian": "Russia"). A word capitalised only because it opens
  the claim is a name only if the article capitalises it mid-sentence. A name missing from the passage may
  be in the article before it, the passage referring to it ("the company", "she", "both sides"): it is then
  left out of the share below, which only the passage can fill;
- at least one of its ordinary words (not a name or number) is there, when it has any: a quote sharing only
  the names says something else about the same people;
- and at least SUPPORT_SHARE of all its content words are there, names and numbers counted, after
  case-folding, a crude stem ("raise", "raised", "raising") and a short list of irregular forms and newswire
  synonyms ("rose", "increased"; "levy", "tax"), stop words left out.
When the claim may be in another language than the article (the user set the briefing's language, or the
article is not in English) and its ordinary words are mostly absent from the whole article, it is judged on
its names and numbers alone, at least one of them in the passage.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from functools import cached_property, lru_cache
from typing import NamedTuple

# An item is supported when its names and numbers are in its quotes' sentences and at least this share of its
# content words (names and numbers counted) are too. The hand-made pairs of tests/test_support.py: honest
# paraphrases keep half or more; a real quote of the same article about something else 40% at most (bar one
# sharing only a name, which the rule on ordinary words rejects). docs/benchmarks.md has the corpus figures.
SUPPORT_SHARE = 0.5
# When the claim may be in another language than the article (a briefing written in a language the user set,
# or an article not in English), a claim with less than this share of its ordinary words anywhere in the
# article is taken to be in another language: only its names and numbers can be checked.
SAME_LANGUAGE_SHARE = 0.3
# An article is in English when at least this share of its words are English stop words (about a third, in
# English prose; a few hundredths in other languages that share "a", "in", "die").
ENGLISH_STOPWORD_SHARE = 0.1
# How far the scan for a quote's sentence goes either side of it: bounds the work on text with no full stops.
_MAX_SENTENCE_REACH = 1000
_TERMINATORS = ".!?"
_CLOSERS = "\"'”’»)]"
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr prof gen sen rep gov lt col capt sgt cpl rev hon no nos vs etc inc co corp ltd "
    "jan feb mar apr jun jul aug sep sept oct nov dec approx fig".split()
)
_STOPWORDS = frozenset(
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
_ALSO_NAMES = frozenset({"may", "will"})
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
_TOKEN = re.compile(
    r"(?P<number>\d[\d,]*(?:\.\d+)?)(?:st|nd|rd|th)?"
    r"(?:\s?(?P<scale>" + "|".join(sorted((k for k in _SCALES if len(k) > 1), key=len, reverse=True)) + r")\b"
    r"|(?P<unit>[kmb])\b)?"
    r"|(?P<currency>[$€£¥])"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)",
    re.I,
)
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")  # "2,5 Milliarden": a decimal comma, not a thousands separator
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu)['’](?=\w)", re.I)  # French "d'euros", "L'Arland"
_WORD = re.compile(r"[^\W\d_]+")
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")  # "U.S." reads as "US"
_ACRONYM = re.compile(r"[A-Z]{2,}s?")  # "EU", "EVs"
_OPENERS = frozenset('.!?:;\n"“«(')
_LONGEST_ACRONYM = 6
_WORD_AT = re.compile(r"[\w’'.,%-]*\w|\S")  # a word or figure as written, from its first character


class _Token(NamedTuple):
    key: str  # a number's canonical value, or a word case-folded and crudely stemmed
    start: int  # where it is in the text
    number: bool = False
    capital: bool = False
    name: bool = False  # capitalised and a name: not only capitalised for opening a sentence
    acronym: bool = False
    run: int = 0  # the capitalised words of one name ("Bank of England") share it


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


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A crude English stem, the same for "raise", "raises", "raised" and "raising": enough to compare. Common
    irregular forms and newswire synonyms share one: "rose" and "increased", "fell" and "dropped"."""
    stem = _plain_stem(word)
    return _SAME_AS.get(stem, stem)


def _tokens(text: str, proper: frozenset[str] = frozenset()) -> list[_Token]:
    """The words and numbers of `text` that carry content, stop words left out. A capitalised word opening a
    sentence is a name only when `proper` (the words the article capitalises mid-sentence) says so: "Prices
    rose" is not about someone called Prices."""
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " " * m.group(0).count("."), text)  # same offsets
    tokens: list[_Token] = []
    last, run, previous = 0, 0, ""
    for m in _TOKEN.finditer(text):
        between, first, last = text[last : m.start()], last == 0, m.end()
        opens = first or (
            between != " "
            and not _OPENERS.isdisjoint(between)
            and not (between.strip() == "." and previous in _ABBREVIATIONS)
        )
        word = m.group("word")
        if m.group("number") is not None:
            raw = m.group("number").rstrip(",")
            raw = raw.replace(",", ".") if _DECIMAL_COMMA.fullmatch(raw) else raw.replace(",", "")
            scale = _SCALES.get((m.group("scale") or m.group("unit") or "").casefold(), 1.0)
            tokens.append(_Token(f"{float(raw) * scale:.12g}", m.start(), number=True))
            run, previous = run + 1, ""
            continue
        if word is None:
            tokens.append(_Token(_CURRENCIES[m.group("currency")], m.start()))
            run, previous = run + 1, ""
            continue
        if "'" in word or "’" in word:
            word = _ELISION.sub("", word)
        previous = folded = word.casefold()
        acronym = bool(_ACRONYM.fullmatch(word))
        if folded in _NUMBER_WORDS:
            tokens.append(_Token(f"{_NUMBER_WORDS[folded]:.12g}", m.start(), number=True))
            run += 1
        elif (
            acronym
            or (word[0].isupper() and not opens and folded in _ALSO_NAMES)
            or (folded not in _STOPWORDS and folded.replace("’", "'").removesuffix("'s") not in _STOPWORDS)
        ):
            key = folded.removesuffix("s") if acronym and word[-1] == "s" else _stem(word)
            capital = word[0].isupper()
            if not (capital and tokens and tokens[-1].capital and tokens[-1].run == run):
                run += 1
            name = acronym or (capital and (not opens or key in proper))
            tokens.append(_Token(key, m.start(), capital=capital, name=name, acronym=acronym, run=run))
        elif folded not in _NAME_GLUE:
            run += 1
    return tokens


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """`start`-`end` of `text` widened to the sentence(s) around it: a linear scan either way for a line break
    or a full stop, question or exclamation mark followed by a space (not the stop of "Mr." or an initial)."""
    lo, floor = start, max(0, start - _MAX_SENTENCE_REACH)
    while lo > floor and not (text[lo - 1] == "\n" or (text[lo - 1].isspace() and _ends_sentence(text, lo - 1))):
        lo -= 1
    hi, ceiling = max(end, lo), min(len(text), end + _MAX_SENTENCE_REACH)
    while hi < ceiling and not (text[hi] == "\n" or (text[hi].isspace() and _ends_sentence(text, hi))):
        hi += 1
    return lo, hi


def _ends_sentence(text: str, space: int) -> bool:
    """Whether the whitespace at `space` follows the end of a sentence."""
    i = space - 1
    while i >= 0 and text[i] in _CLOSERS:
        i -= 1
    if i < 0 or text[i] not in _TERMINATORS:
        return False
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    word = text[j:i]
    return text[i] != "." or not (word.casefold() in _ABBREVIATIONS or len(word) == 1)  # "Mr.", "J.", "p.m."


class _Passage:
    """The content words and numbers of a quote's sentences (or of the article before them)."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.keys = frozenset(t.key for t in tokens)

    @cached_property
    def initials(self) -> frozenset[str]:
        """The initials of every few words in a row: "dprk" for "Democratic People's Republic of Korea"."""
        words = [t.key for t in self.tokens if not t.number]
        return frozenset(
            "".join(w[0] for w in words[i : i + n])
            for i in range(len(words))
            for n in range(2, _LONGEST_ACRONYM + 1)
            if i + n <= len(words)
        )

    def has(self, token: _Token) -> bool:
        if token.key in self.keys or (token.acronym and token.key in self.initials):
            return True
        # "Russian" for "Russia", "Ukrainian" for "Ukraine": a name may take another ending.
        return (
            token.capital
            and len(token.key) >= 5
            and any(len(k) >= 5 and (k.startswith(token.key) or token.key.startswith(k)) for k in self.keys)
        )

    def has_name(self, run: list[_Token]) -> bool:
        """A name is there when one of its words is ("Prime Minister Ana Ruiz": "Ruiz"), or its initials are
        ("the European Union": "EU")."""
        return any(self.has(t) for t in run) or (len(run) >= 2 and "".join(t.key[0] for t in run) in self.keys)


def _supports(
    claim: list[_Token],
    passage: _Passage,
    before: Callable[[], _Passage],
    vocabulary: frozenset[str],
    other_language: bool,
) -> bool:
    """Whether `passage` (the quotes' sentences) supports `claim`. `before` is the article up to the passage:
    a name missing from the passage may be there, the passage referring to it ("the company", "she"); such a
    name is then left out of the share, which only the passage can fill."""
    if not all(passage.has(t) for t in claim if t.number):
        return False
    runs: dict[int, list[_Token]] = {}
    for t in claim:
        if t.capital:
            runs.setdefault(t.run, []).append(t)
    referred: set[int] = set()
    for number, run in runs.items():
        if any(t.name for t in run) and not passage.has_name(run):
            if not before().has_name(run):
                return False
            referred.add(number)
    units = list({t.key: t for t in claim if not (t.capital and t.run in referred)}.values())
    if not units:
        return not referred  # nothing to check, or nothing of it in the passage
    ordinary = [t for t in units if not (t.number or t.name)]
    if other_language and sum(t.key in vocabulary for t in ordinary) < SAME_LANGUAGE_SHARE * len(ordinary):
        return any(passage.has(t) for t in units if t.number or t.name)  # all that can be checked across languages
    if ordinary and not any(passage.has(t) for t in ordinary):
        return False  # only names and numbers are shared: something else said about the same people
    return sum(passage.has(t) for t in units) >= SUPPORT_SHARE * len(units)


class ArticleWords:
    """What the check needs of a whole article, read once: its words, those it capitalises mid-sentence, and
    whether it is in English (a tenth of its words or more are English stop words)."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.starts = [t.start for t in self.tokens]
        self.vocabulary = frozenset(t.key for t in self.tokens)
        self.proper = frozenset(t.key for t in self.tokens if t.name)
        words = _WORD.findall(text.casefold())
        self.english = sum(w in _STOPWORDS for w in words) >= ENGLISH_STOPWORD_SHARE * len(words)

    def before(self, offset: int) -> _Passage:
        return _Passage(self.tokens[: bisect_left(self.starts, offset)])


def unheld(claim: str, article: ArticleWords) -> list[str]:
    """The numbers and names of `claim` that the article holds nowhere, as the claim words them: the check of
    text a model wrote about the whole article without quoting it (its summary)."""
    tokens = _tokens(claim, article.proper)
    whole = _Passage(article.tokens)
    missing = [(t.start, _TOKEN.match(claim, t.start)) for t in tokens if t.number and not whole.has(t)]
    runs: dict[int, list[_Token]] = {}
    for t in tokens:
        if t.capital:
            runs.setdefault(t.run, []).append(t)
    for run in runs.values():
        if any(t.name for t in run) and not whole.has_name(run):
            missing.append((run[0].start, _WORD_AT.match(claim, run[-1].start)))
    return [claim[start : end.end() if end else start + 1] for start, end in sorted(missing, key=lambda m: m[0])]


def passage_supports(claim: str, passage: str, start: int, article: ArticleWords, translated: bool = False) -> bool:
    """Whether `passage` (the sentences holding the quotes, the first at `start` in the article) supports
    `claim`; the article before it may name whom the passage refers to. `translated`: the claim may be in
    another language than the article (the briefing is written in a language set by the user)."""
    return _supports(
        _tokens(claim, article.proper),
        _Passage(_tokens(passage)),
        lambda: article.before(start),
        article.vocabulary,
        translated or not article.english,
    )
