"""The embedded extractor: a grounded briefing from spaCy's English pipeline, with no model and no downloads.

Every sentence is parsed (`nlp`). The summary is the lead (the strong news baseline). Commitments come from
the parse (`pledges`): a committing verb or a future construction with a party as its subject, the actor
resolved and merged through its aliases, the action, counterparty, deadline and condition taken from that
clause. Facts are the sentences richest in names, numbers and dates, earlier ones first, never a caption,
page furniture or a sentence that leans on an unresolved "this" or "that". Implications are the article's
own forward-looking statements. Every quote is a whole sentence of the article, so everything is grounded.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from briefer.evidence.grounding import Grounder
from briefer.models import Article, ArticleBrief, Attribution, Commitment, Evidence, Fact, Usage
from briefer.offline.failsafe import OfflineCrash, extract_each
from briefer.offline.nlp import Sentence, parse
from briefer.offline.outlook import outlooks
from briefer.offline.sentences import Sentence as Sentence_
from briefer.offline.sentences import clean_sentence, split_sentences
from briefer.offline.walk import distinct, parse_until_full, regroup

SUMMARY_SENTENCES = 3
SUMMARY_MAX_WORDS = 90
MAX_FACTS = 7
MAX_COMMITMENTS = 12
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"})
TIME_LABELS = frozenset({"DATE", "TIME"})
DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "it", "such"})
# Page furniture and captions that pages leave in the text: never a fact.
_FURNITURE = re.compile(
    r"scroll down|\(pictured\)|pictured:|click here|sign up|follow us|read more|share this|all rights reserved|"
    r"newsletter|subscribe|advertisement|getty images|image:|photo:|caption|copyright|cookies",
    re.I,
)

T = TypeVar("T")


_DENIED = re.compile(
    r"\b(?:denied|denies|deny|denying|rejected (?:the|these|those) (?:claims?|allegations?|reports?))\b", re.I
)
_ALLEGED = re.compile(
    r"\b(?:alleged(?:ly)?|allegations?|accused|accuses|claimed|claims|reportedly|purported(?:ly)?)\b", re.I
)
_REPORTED = re.compile(
    r"\b(?:said|says|told|according to|reported|stated|announced|cited|quoted|confirmed|noted|added|warned)\b", re.I
)


def attribution(sentence: str) -> Attribution:
    """How the article puts it: a denial, an allegation, someone's report, or plainly stated."""
    if _DENIED.search(sentence):
        return "denied"
    if _ALLEGED.search(sentence):
        return "alleged"
    if _REPORTED.search(sentence):
        return "reported"
    return "stated"


_MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow".split()
)


def _fact_score(sentence: Sentence, total: int) -> float:
    """Salience from parts of speech: names, numbers and dates, and the lead's position. Zero for what must
    never be a fact."""
    span = sentence.span
    words = [t for t in span if not t.is_punct and not t.is_space]
    if len(words) < 6 or sentence.text.endswith("?") or _FURNITURE.search(sentence.text):
        return 0.0
    if not any(t.pos_ in ("VERB", "AUX") for t in span):
        return 0.0  # a fragment: a caption, a heading, a byline
    first = words[0]
    if first.lower_ in DEMONSTRATIVES and first.pos_ in ("DET", "PRON"):
        return 0.0  # "This pledge was made ...": meaningless without the sentence before
    names = {t.text for t in words[1:] if t.pos_ == "PROPN"}
    numbers = [t for t in words if t.pos_ == "NUM" or t.like_num]
    dated = any(t.lower_ in _MONTHS_DAYS or (t.shape_ == "dddd" and t.text[:2] in ("19", "20")) for t in words)
    score = 1.5 * min(len(names), 4) + 1.0 * min(len(numbers), 3) + (1.0 if dated else 0.0)
    score += 0.5 if any(t.lower_ in ("said", "says", "told", "reported", "announced") for t in words) else 0.0
    score += 2.0 * (1 - sentence.index / max(total, 1))  # earlier sentences carry the news
    if len(words) > 60:
        score -= 2.0
    return score


def summarise(found: list[Sentence_]) -> str:
    """The lead: the first sentences, up to SUMMARY_SENTENCES or SUMMARY_MAX_WORDS."""
    chosen: list[str] = []
    words = 0
    for s in found:
        text = clean_sentence(s.text)
        n = len(text.split())
        if n < 4 or _FURNITURE.search(text):
            continue
        if chosen and words + n > SUMMARY_MAX_WORDS:
            break
        chosen.append(text)
        words += n
        if len(chosen) == SUMMARY_SENTENCES:
            break
    return " ".join(chosen)


_WORDS = re.compile(r"[\w']+")
LEAD = 3  # sentences always parsed: the lead names the parties later sentences refer to


def _quick_salience(text: str, index: int, total: int) -> float:
    """Names and figures counted without a parse, to choose the fact candidates worth parsing."""
    words = text.split()
    names = sum(1 for w in words[1:] if w[:1].isupper())
    figures = sum(1 for w in words if any(ch.isdigit() for ch in w))
    return min(names, 6) + min(figures, 3) + 2.0 * (1 - index / max(total, 1)) if len(words) >= 6 else 0.0


def _worth_parsing(found: list[Sentence_]) -> list[Sentence_]:
    """The sentences whose parse can find a commitment (the lead too, for the parties later sentences refer
    to). The others are only split; the likeliest facts among them are tagged."""
    from briefer.offline.lexicon import worth_parsing

    chosen = {s.index for s in found[:LEAD]}
    chosen.update(s.index for s in found if worth_parsing(_WORDS.findall(s.text.lower().replace("’", "'"))))
    return [s for s in found if s.index in chosen]


def _fact_candidates(found: list[Sentence_], total: int, parsed: set[int]) -> list[Sentence_]:
    """The likeliest facts not parsed already, to be tagged (not parsed) and weighed."""
    ranked = sorted((s for s in found if s.index not in parsed), key=lambda s: -_quick_salience(s.text, s.index, total))
    return sorted(ranked[: MAX_FACTS + 6], key=lambda s: s.index)


def extract_offline(article: Article) -> ArticleBrief:
    """The whole offline extraction of one article; deterministic."""
    return extract_offline_many([article])[0]


def extract_offline_many(articles: list[Article]) -> list[ArticleBrief]:
    """Several articles at once: their chosen sentences go through spaCy in one batch (the network's matrix
    work is cheaper per sentence in large batches). The same briefs as one at a time."""
    splits = [distinct(split_sentences(a.text)) for a in articles]  # a recurring sentence is read once
    chosen = [_worth_parsing(split) for split in splits]
    parsed = parse_until_full(articles, chosen, _row, MAX_COMMITMENTS)  # a book: only as far as it needs
    candidates = [
        _fact_candidates(split, len(split), {s.index for s in found})
        for split, found in zip(splits, parsed, strict=True)
    ]
    tagged = regroup(parse([_row(s) for group in candidates for s in group], full=False), [len(g) for g in candidates])
    return [_brief(*parts) for parts in zip(articles, splits, parsed, tagged, strict=True)]


def _row(s: Sentence_) -> tuple[str, int, int, int]:
    """A sentence to parse, without a dateline or outlet tag in front: "VALDORA (Valdora Post) - The agency
    will ..." would give the dateline as the subject. Its offsets move with it, so quotes stay the article's."""
    text = clean_sentence(s.text)
    if text == s.text or not text:
        return s.text, s.start, s.end, s.index
    at = s.start + s.text.index(text)
    return text, at, at + len(text), s.index


def _brief(article: Article, split: list[Sentence_], found: list[Sentence], tagged: list[Sentence]) -> ArticleBrief:
    commitments, used = _commitments(article, found)
    implications = outlooks(found, used)
    facts = _facts([*found, *tagged], len(split), used)
    return ArticleBrief.of(
        article,
        summary=summarise(split) or clean_sentence(article.text[:300]),
        facts=facts,
        commitments=commitments,
        implications=implications,
    )


def _commitments(article: Article, found: list[Sentence]) -> tuple[list[Commitment], set[int]]:
    """The commitments the parsed sentences state, up to MAX_COMMITMENTS, each checked for support; and the
    sentences they were taken from."""
    from briefer.offline.actors import Context
    from briefer.offline.pledges import commitments_in, merged

    reference = article.published.date() if article.published else None
    context = Context()
    commitments: list[Commitment] = []
    used: set[int] = set()
    for s in found:
        if len(commitments) < MAX_COMMITMENTS:
            made = commitments_in(s, context, reference)
            if made:
                commitments.extend(made[: MAX_COMMITMENTS - len(commitments)])
                used.add(s.index)
        context.learn(s.span)
    commitments = merged(commitments)
    # The same support check as for a model's items: the quote (the whole sentence) must back the actor and
    # the action, an actor resolved from an earlier sentence included.
    grounder = Grounder(article.text)
    commitments = [
        c
        if grounder.supports(
            f"{c.actor} {c.action}", [(e.start, e.end) for e in c.evidence if e.start is not None and e.end is not None]
        )
        else c.model_copy(update={"grounded": False, "ungrounded_reason": "unsupported"})
        for c in commitments
    ]
    return commitments, used


def _facts(sentences: list[Sentence], total: int, used: set[int]) -> list[Fact]:
    """The MAX_FACTS most salient of the sentences not `used` (of `total` in the article), in article order,
    chosen so that together they name the article's main actors and figures: each pick adds the salience of
    a sentence plus what it names that the facts chosen so far do not."""
    weighed = [s for s in sentences if s.index not in used]
    scores = {s.index: _fact_score(s, total) for s in weighed}
    pool = [s for s in weighed if scores[s.index] > 0]
    names = {s.index: {t.text for t in s.span if t.pos_ == "PROPN"} for s in pool}
    figures = {s.index: {t.text for t in s.span if t.like_num or t.pos_ == "NUM"} for s in pool}
    counts: dict[str, int] = {}
    for found in names.values():
        for name in found:
            counts[name] = counts.get(name, 0) + 1
    main = {n for n, c in counts.items() if c >= 2}  # named more than once: the article's actors
    chosen: list[Sentence] = []
    covered: set[str] = set()
    while pool and len(chosen) < MAX_FACTS:
        best = max(
            pool,
            key=lambda s: (
                scores[s.index] + 1.5 * len((names[s.index] & main) - covered) + 1.0 * len(figures[s.index] - covered),
                -s.index,
            ),
        )
        chosen.append(best)
        covered |= names[best.index] | figures[best.index]
        pool.remove(best)
    chosen.sort(key=lambda s: s.index)
    return [
        Fact(
            statement=clean_sentence(s.text),
            attribution=attribution(s.text),
            evidence=[Evidence(quote=s.text, start=s.start, end=s.end)],
            grounded=True,
        )
        for s in chosen
    ]


class OfflineExtractor:
    """The extractor used with no model configured (provider "offline").

    Extraction is CPU-bound. With `processes` > 1 a process pool takes over from the `pool_from`-th
    article on (below that a pool costs more to start than it saves); articles then go to it in batches
    of up to BATCH (or whatever has arrived within BATCH_WAIT seconds), so spaCy works on many sentences at
    once. Before that, and with no pool, it runs in the calling thread.
    """

    provider = "offline"
    model = None
    BATCH = 8
    BATCH_WAIT = 0.02
    ALONE = 100_000  # characters: longer articles are extracted on their own

    def __init__(self, processes: int = 0, pool_from: int = 1) -> None:
        self.usage = Usage()
        self.processes = processes
        self.pool_from = pool_from
        self._requested = 0
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: list[tuple[Article, asyncio.Future[ArticleBrief]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._here = asyncio.Lock()  # spaCy's pipeline is not shared between threads

    def spent(self) -> float:
        return 0.0

    async def extract(self, article: Article) -> ArticleBrief:
        self._requested += 1
        if self._pool is None and self.processes > 1:
            # The workers are forked now, before this process has loaded spaCy: workers forked from a process
            # that has run it extract at about half the speed (501 articles: 69 s forked late, 44 s early).
            self._pool = ProcessPoolExecutor(self.processes)
            self._pool.submit(int).result()
        if self._pool is None or self._requested < self.pool_from:
            async with self._here:  # one at a time, off the event loop: a long one leaves it free to report
                return await asyncio.to_thread(extract_offline, article)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ArticleBrief] = loop.create_future()
        if len(article.text) > self.ALONE:  # a book-length text goes alone: it holds no other article up
            self._submit([(article, future)])
            return await future
        self._waiting.append((article, future))
        if len(self._waiting) >= self.BATCH:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.BATCH_WAIT, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._waiting = self._waiting, []
        self._submit(batch)

    def _submit(self, batch: list[tuple[Article, asyncio.Future[ArticleBrief]]]) -> None:
        if not batch or self._pool is None:
            return
        done = asyncio.wrap_future(self._pool.submit(extract_each, [a for a, _ in batch]))

        def hand_out(result: asyncio.Future[list[ArticleBrief | OfflineCrash]]) -> None:
            for n, (_, waiting) in enumerate(batch):
                if waiting.done():
                    continue
                if result.cancelled():
                    waiting.cancel()
                elif (error := result.exception()) is not None:
                    waiting.set_exception(error)
                elif isinstance(brief := result.result()[n], OfflineCrash):
                    waiting.set_exception(brief)
                else:
                    waiting.set_result(brief)

        done.add_done_callback(hand_out)

    async def parse_many(self, parse: Callable[[list[str]], list[T]], texts: list[str]) -> list[T]:
        """`parse(texts)` (a module-level function, such as the synthesis's signatures) run on the pool's
        workers, whose spaCy is loaded already, the texts split between them; in a worker thread of this
        process when there is no pool."""
        if self._pool is None or len(texts) < self.processes:
            return await asyncio.to_thread(parse, texts)
        size = -(-len(texts) // self.processes)
        parts = [texts[n : n + size] for n in range(0, len(texts), size)]
        done = await asyncio.gather(*(asyncio.wrap_future(self._pool.submit(parse, part)) for part in parts))
        return [signature for part in done for signature in part]

    async def aclose(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
