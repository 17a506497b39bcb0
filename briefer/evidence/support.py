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
from collections.abc import Callable, Sequence
from functools import cached_property

from briefer.evidence.words import (
    ABBREVIATIONS,
    STOPWORDS,
    TOKEN,
    Token,
    name_unless_opening,
    scan,
    tokens,
    undotted,
)

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
_WORD = re.compile(r"[^\W\d_]+")
_LONGEST_ACRONYM = 6
_WORD_AT = re.compile(r"[\w’'.,%-]*\w|\S")  # a word or figure as written, from its first character
_OPEN_END = re.compile(r"[\w,]$")  # a sentence ending with no full stop: a figure there could take a scale


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
    return text[i] != "." or not (word.casefold() in ABBREVIATIONS or len(word) == 1)  # "Mr.", "J.", "p.m."


class _Passage:
    """The content words and numbers of a quote's sentences (or of a whole article)."""

    def __init__(self, tokens: list[Token]) -> None:
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

    def holds(self, key: str) -> bool:
        return key in self.keys

    def holds_initials(self, key: str) -> bool:
        return key in self.initials

    def all_keys(self) -> frozenset[str]:
        return self.keys

    def has(self, token: Token) -> bool:
        if self.holds(token.key) or (token.acronym and self.holds_initials(token.key)):
            return True
        # "Russian" for "Russia", "Ukrainian" for "Ukraine": a name may take another ending.
        return (
            token.capital
            and len(token.key) >= 5
            and any(len(k) >= 5 and (k.startswith(token.key) or token.key.startswith(k)) for k in self.all_keys())
        )

    def has_name(self, run: list[Token]) -> bool:
        """A name is there when one of its words is ("Prime Minister Ana Ruiz": "Ruiz"), or its initials are
        ("the European Union": "EU")."""
        return any(self.has(t) for t in run) or (len(run) >= 2 and self.holds("".join(t.key[0] for t in run)))


class _Before(_Passage):
    """The article up to a quote's sentences: the first `count` of its tokens, answered from where each word
    (and each run of initials) first occurs in the article instead of gathering them again for every item."""

    def __init__(self, article: ArticleWords, count: int) -> None:
        self.article, self.count = article, count

    def holds(self, key: str) -> bool:
        return self.article.first_seen.get(key, self.count) < self.count

    def holds_initials(self, key: str) -> bool:
        words = self.article.words_before[self.count]
        return self.article.initials_end.get(key, words + 1) <= words

    def all_keys(self) -> frozenset[str]:
        return frozenset(k for k, i in self.article.first_seen.items() if i < self.count)


def _supports(
    claim: list[Token],
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
    runs: dict[int, list[Token]] = {}
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
    whether it is in English (a tenth of its words or more are English stop words). The sentences holding an
    item's quotes, and the article before them, are then read from these words: never tokenised again."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.flat = undotted(text)
        self.tokens = scan(self.flat)
        self.starts = [t.start for t in self.tokens]
        self.vocabulary = frozenset(t.key for t in self.tokens)
        self.proper = frozenset(t.key for t in self.tokens if t.name)
        words = _WORD.findall(text.casefold())
        self.english = sum(w in STOPWORDS for w in words) >= ENGLISH_STOPWORD_SHARE * len(words)

    def before(self, offset: int) -> _Passage:
        return _Before(self, bisect_left(self.starts, offset))

    @cached_property
    def whole(self) -> _Passage:
        return _Passage(self.tokens)

    @cached_property
    def first_seen(self) -> dict[str, int]:
        """Each word's first place among the tokens."""
        seen: dict[str, int] = {}
        for i, t in enumerate(self.tokens):
            seen.setdefault(t.key, i)
        return seen

    @cached_property
    def words_before(self) -> list[int]:
        """For each number of tokens from the start, how many of them are words (numbers are no initials)."""
        counts = [0]
        for t in self.tokens:
            counts.append(counts[-1] + (not t.number))
        return counts

    @cached_property
    def initials_end(self) -> dict[str, int]:
        """Each run of initials (`_Passage.initials`) and the fewest words from the start that hold it."""
        words = [t.key for t in self.tokens if not t.number]
        ends: dict[str, int] = {}
        for i in range(len(words)):
            for n in range(2, min(_LONGEST_ACRONYM, len(words) - i) + 1):
                ends.setdefault("".join(w[0] for w in words[i : i + n]), i + n)
        return ends

    def sentences(self, bounds: Sequence[tuple[int, int]]) -> list[Token] | None:
        """The tokens of the sentences at `bounds` joined by a space (as `passage_supports` is given them),
        taken from the article's own; None where reading them apart could differ: a bound not at a space (a
        sentence cut at the scan's reach), a figure across a line break ("12\\nmillion"), "May" or "Will"
        opening one (a name or not by what precedes it), a sentence with no full stop before the next."""
        found: list[Token] = []
        text, last = self.text, len(self.text)
        for n, (lo, hi) in enumerate(bounds):
            i, j = bisect_left(self.starts, lo), bisect_left(self.starts, hi)
            if lo >= hi or (lo and not text[lo - 1].isspace()) or (hi < last and not text[hi].isspace()):
                return None
            if (i and self.tokens[i - 1].end > lo) or (j > i and self.tokens[j - 1].end > hi):
                return None
            opening = TOKEN.search(self.flat, lo, hi)
            if opening is not None and opening.group("word") and name_unless_opening(opening.group("word")):
                return None
            if n and _OPEN_END.search(text, bounds[n - 1][0], bounds[n - 1][1]) and text[lo].isalpha():
                return None
            found.extend(self.tokens[i:j])
        return found


def unheld(claim: str, article: ArticleWords) -> list[str]:
    """The numbers and names of `claim` that the article holds nowhere, as the claim words them: the check of
    text a model wrote about the whole article without quoting it (its summary)."""
    found = tokens(claim, article.proper)
    whole = article.whole
    missing = [(t.start, TOKEN.match(claim, t.start)) for t in found if t.number and not whole.has(t)]
    runs: dict[int, list[Token]] = {}
    for t in found:
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
    return _judge(claim, _Passage(tokens(passage)), start, article, translated)


def sentences_support(
    claim: str, bounds: Sequence[tuple[int, int]], article: ArticleWords, translated: bool = False
) -> bool:
    """`passage_supports` for the article's sentences at `bounds`, their words read from the article's own."""
    start = min((lo for lo, _ in bounds), default=0)
    words = article.sentences(bounds)
    if words is None:
        return passage_supports(claim, " ".join(article.text[lo:hi] for lo, hi in bounds), start, article, translated)
    return _judge(claim, _Passage(words), start, article, translated)


def _judge(claim: str, passage: _Passage, start: int, article: ArticleWords, translated: bool) -> bool:
    return _supports(
        tokens(claim, article.proper),
        passage,
        lambda: article.before(start),
        article.vocabulary,
        translated or not article.english,
    )
