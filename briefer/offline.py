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
from concurrent.futures import ProcessPoolExecutor

from briefer.models import Article, ArticleBrief, Attribution, Commitment, Evidence, Fact, Implication, Usage
from briefer.nlp import Sentence, sentences

SUMMARY_SENTENCES = 3
SUMMARY_MAX_WORDS = 90
MAX_FACTS = 6
MAX_COMMITMENTS = 12
MAX_IMPLICATIONS = 3
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"})
NUMBER_LABELS = frozenset({"MONEY", "PERCENT", "CARDINAL", "QUANTITY"})
TIME_LABELS = frozenset({"DATE", "TIME"})
FORWARD_LEMMAS = frozenset({"warn", "expect", "forecast", "predict", "risk", "threaten", "fear", "likely"})
HYPOTHETICAL = frozenset({"could", "may", "might"})
DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "it", "such"})
# Page furniture and captions that pages leave in the text: never a fact.
_FURNITURE = re.compile(
    r"scroll down|\(pictured\)|pictured:|click here|sign up|follow us|read more|share this|all rights reserved|"
    r"newsletter|subscribe|advertisement|getty images|image:|photo:|caption|copyright|cookies",
    re.I,
)


_OUTLET_PREFIX = re.compile(
    r"^\((?P<outlet>[A-Z][\w&.\- ]{1,30})\)\s*[-—–:]?\s*"
    r"|^[A-Z][A-Z ,.]{2,40}\((?P<agency>[A-Za-z ]{2,20})\)\s*[-—–:]\s*"
)


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


def clean_sentence(text: str) -> str:
    """A sentence without an outlet tag or dateline in front ("(MENAFN) ", "LONDON (Reuters) - ")."""
    return _OUTLET_PREFIX.sub("", text, count=1).strip()


def _fact_score(sentence: Sentence, total: int) -> float:
    """Salience: names, numbers and dates, and the lead's position. Zero for what must never be a fact."""
    span = sentence.span
    words = [t for t in span if not t.is_punct and not t.is_space]
    if len(words) < 6 or sentence.text.endswith("?") or _FURNITURE.search(sentence.text):
        return 0.0
    if not any(t.pos_ in ("VERB", "AUX") for t in span):
        return 0.0  # a fragment: a caption, a heading, a byline
    first = words[0]
    if first.lower_ in DEMONSTRATIVES and first.dep_ in ("nsubj", "nsubjpass", "det"):
        return 0.0  # "This pledge was made ...": meaningless without the sentence before
    ents = list(span.ents)
    names = {e.text for e in ents if e.label_ in NAME_LABELS}
    numbers = [e for e in ents if e.label_ in NUMBER_LABELS]
    score = 1.5 * min(len(names), 4) + 1.0 * min(len(numbers), 3)
    score += 1.0 if any(e.label_ in TIME_LABELS for e in ents) else 0.0
    score += 0.5 if any(t.lemma_ in ("say", "tell", "report", "announce") for t in span) else 0.0
    score += 2.0 * (1 - sentence.index / max(total, 1))  # earlier sentences carry the news
    if len(words) > 60:
        score -= 2.0
    return score


def _forward(sentence: Sentence) -> str | None:
    """The word that makes the sentence an outlook ("warned", "could"), if it is one."""
    for token in sentence.span:
        if token.lemma_ in FORWARD_LEMMAS and token.pos_ in ("VERB", "ADJ"):
            return token.text
        if token.lower_ in HYPOTHETICAL and token.dep_ == "aux" and token.head.pos_ == "VERB":
            return token.text
    return None


def summarise(found: list[Sentence]) -> str:
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


def extract_offline(article: Article) -> ArticleBrief:
    """The whole offline extraction of one article; deterministic."""
    from briefer.pledges import Context, commitments_in

    found = sentences(article.text)
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

    implications: list[Implication] = []
    for s in found:
        if s.index in used or len(implications) >= MAX_IMPLICATIONS:
            continue
        cue = _forward(s)
        # A sentence with figures in it ("is expected to cost 310 million euros") is a fact, not an outlook.
        if cue and len(s.text.split()) >= 6 and not any(e.label_ in NUMBER_LABELS for e in s.span.ents):
            implications.append(
                Implication(
                    statement=clean_sentence(s.text),
                    rationale=f"Stated in the article (“{cue}”); not an inference by briefer.",
                    confidence="low",
                    basis="stated",
                )
            )
            used.add(s.index)

    scores = {s.index: _fact_score(s, len(found)) for s in found}
    ranked = sorted((s for s in found if s.index not in used and scores[s.index] > 0), key=lambda s: -scores[s.index])
    chosen = sorted(ranked[:MAX_FACTS], key=lambda s: s.index)
    facts = [
        Fact(
            statement=clean_sentence(s.text),
            attribution=attribution(s.text),
            evidence=[Evidence(quote=s.text, start=s.start, end=s.end)],
            grounded=True,
        )
        for s in chosen
    ]
    return ArticleBrief.of(
        article,
        summary=summarise(found) or clean_sentence(article.text[:300]),
        facts=facts,
        commitments=commitments,
        implications=implications,
    )


class OfflineExtractor:
    """The extractor used with no model configured (provider "offline").

    Extraction is CPU-bound. With `processes` > 1 a process pool takes over from the `pool_from`-th
    article on (below that a pool costs more to start than it saves); before that, and with no pool,
    it runs in the calling thread.
    """

    provider = "offline"
    model = None

    def __init__(self, processes: int = 0, pool_from: int = 1) -> None:
        self.usage = Usage()
        self.processes = processes
        self.pool_from = pool_from
        self._requested = 0
        self._pool: ProcessPoolExecutor | None = None

    def spent(self) -> float:
        return 0.0

    async def extract(self, article: Article) -> ArticleBrief:
        self._requested += 1
        if self._pool is None and self.processes > 1 and self._requested >= self.pool_from:
            self._pool = ProcessPoolExecutor(self.processes)
        if self._pool is None:
            return extract_offline(article)
        return await asyncio.get_running_loop().run_in_executor(self._pool, extract_offline, article)

    async def aclose(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
