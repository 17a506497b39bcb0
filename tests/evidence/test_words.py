"""The support check reads an article's words once: each item's sentences, and the article before them, are
taken from that one reading. These tests hold it to what reading each passage afresh gives."""

from __future__ import annotations

import json
import random
from bisect import bisect_left
from pathlib import Path

import pytest

from briefer.evidence.grounding import Grounder
from briefer.evidence.support import ArticleWords, _Passage, passage_supports, sentence_bounds
from briefer.evidence.words import tokens

GROUND_TRUTH = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "html-articles" / "ground-truth.json"

# Invented, with what makes a reading depend on its context: initialisms, "May" as a month and as a name,
# figures with scales, a French elision, a heading with no full stop, a figure at a line's end.
TEXT = (
    "Harbour plan approved\n"
    "Tarsby, 3 March. The U.S. envoy and the EU agreed on Monday to fund a €1.1bn harbour wall. "
    "May was the wettest month on record, officials said. Minister Will Harper said work would begin in May "
    "and cost 12 million euros a year.\n"
    "The sum rose to 12\n"
    "million by then, the ministry said. Mr. Lind of the Bank of England warned that forty jobs were at risk! "
    "“We will not let the harbour flood again,” he told L'Express. Will the plan survive? Nobody knows.\n"
    "Unemployment fell to 6.4% in January"
)


def fresh(text: str, bounds: list[tuple[int, int]]) -> list[str]:
    return [t.key for t in tokens(" ".join(text[lo:hi] for lo, hi in bounds))]


def every_sentence(text: str) -> list[tuple[int, int]]:
    found, i = [], 0
    while i < len(text):
        lo, hi = sentence_bounds(text, i, i + 1)
        if hi > lo:
            found.append((lo, hi))
        i = hi + 1
    return sorted(set(found))


def test_each_sentence_and_pair_of_sentences_reads_as_a_fresh_reading() -> None:
    words = ArticleWords(TEXT)
    sentences = every_sentence(TEXT)
    assert len(sentences) >= 10
    read = 0
    for first in sentences:
        for second in [None, *sentences]:
            bounds = [first] if second is None else [first, second]
            got = words.sentences(bounds)
            if got is not None:
                read += 1
                assert [t.key for t in got] == fresh(TEXT, bounds), bounds
    assert read > 2 * len(sentences)  # read from the article's words wherever nothing could differ


@pytest.mark.parametrize(
    "quote",
    [
        "million by then",  # the sentence starts after "12\n": one figure in the article, two words apart
        "May was the wettest month",  # "May" opening a sentence: a name or not by what precedes it
    ],
)
def test_where_a_fresh_reading_could_differ_the_sentences_are_read_again(quote: str) -> None:
    start = TEXT.index(quote)
    bounds = [sentence_bounds(TEXT, start, start + len(quote))]
    assert ArticleWords(TEXT).sentences(bounds) is None


def test_a_sentence_with_no_full_stop_before_the_next_is_read_again() -> None:
    first, second = TEXT.index("The sum rose to 12"), TEXT.index("million by then")
    bounds = [sentence_bounds(TEXT, first, first + 5), sentence_bounds(TEXT, second, second + 5)]
    assert TEXT[bounds[0][0] : bounds[0][1]] == "The sum rose to 12"
    assert ArticleWords(TEXT).sentences(bounds) is None
    # Either way the verdict is the one a fresh reading of the passage gives.
    grounder = Grounder(TEXT)
    for claim in ("The sum rose to 12 million.", "The ministry said the sum rose to 12."):
        passage = " ".join(TEXT[lo:hi] for lo, hi in bounds)
        assert grounder.supports(claim, [(first, first + 5), (second, second + 5)]) == passage_supports(
            claim, passage, bounds[0][0], ArticleWords(TEXT)
        )


def test_the_article_before_a_passage_holds_what_its_words_hold() -> None:
    words = ArticleWords(TEXT)
    probes = [*words.tokens, *tokens("EU USA Americans European Union Tarsby Harper Lind England BoE TMW")]
    for offset in range(0, len(TEXT), 7):
        count = bisect_left(words.starts, offset)
        expected, before = _Passage(words.tokens[:count]), words.before(offset)
        assert [before.has(t) for t in probes] == [expected.has(t) for t in probes], offset
        runs = [probes[i : i + 3] for i in range(len(probes))]
        assert [before.has_name(r) for r in runs] == [expected.has_name(r) for r in runs], offset


@pytest.mark.skipif(not GROUND_TRUTH.exists(), reason="../shared/corpus is absent")
def test_real_articles_read_alike_both_ways() -> None:
    texts = [v["articleBody"] for v in json.loads(GROUND_TRUTH.read_text(encoding="utf-8")).values()]
    rng = random.Random(7)
    read = 0
    for text in texts:
        if len(text) < 200:
            continue
        words = ArticleWords(text)
        for _ in range(8):
            bounds = []
            for _ in range(rng.choice([1, 2])):
                start = rng.randrange(len(text) - 100)
                bounds.append(sentence_bounds(text, start, start + rng.randrange(3, 100)))
            got = words.sentences(bounds)
            if got is not None:
                read += 1
                assert [t.key for t in got] == fresh(text, bounds)
    assert read > 1000
