"""The embedded extractor: a grounded briefing from rules alone, with no model and no downloads.

Sentences come from pysbd. The summary is the lead (the strong news baseline); commitments are sentences
with commitment cues whose actor is found before the cue; facts are the remaining sentences richest in
checkable content; implications are the article's own forward-looking statements. Every quote is a whole
sentence of the article, so everything it reports is grounded.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from briefer.dates import find_deadline, resolve_deadline
from briefer.models import Article, ArticleBrief, Attribution, Commitment, Evidence, Fact, Implication, Usage
from briefer.sentences import Sentence, split_sentences

SUMMARY_SENTENCES = 3
SUMMARY_MAX_WORDS = 90
MAX_FACTS = 6
MAX_COMMITMENTS = 8
MAX_IMPLICATIONS = 3


# Commitment cues. Each names the verb that carries the pledge; the actor is looked for before it.
_NEG = r"(?<!not )(?<!never )(?<!refused to )(?<!declined to )(?<!yet to )(?<!failed to )"
_CUES = re.compile(
    _NEG + r"\b(?:"
    r"pledg(?:ed|es|ing)|pledged?\s+to|vow(?:ed|s|ing)?\s|promis(?:ed|es|ing)|"
    r"commit(?:ted|s)?\s+(?:to|itself|themselves|himself|herself)|(?:reaffirmed|renewed|reiterated|made)\s+(?:its|their|his|her|a|the)?\s*(?:\w+\s+)?commitment|"
    r"reaffirm(?:ed|s|ing)?|reiterat(?:ed|es|ing)\s+(?:its|their|his|her)\s+(?:\w+\s+)?(?:intent|intention|determination|resolve|support|pledge|commitment)|"
    r"agreed\s+(?:to|on|a|an)\s|signed\s+(?:an?|the)\s+(?:\w+\s+){0,3}(?:agreement|deal|treaty|pact|contract|accord|memorandum|declaration)|"
    r"undert(?:ook|akes?)\s+to|guarantee(?:d|s)?\s+(?!that\b)|"
    r"expressed\s+(?:its|their|his|her)?\s*(?:\w+\s+)?support\s+for|(?:offered|promised|declared)\s+(?:its|their|his|her)?\s*(?:\w+\s+)?support|"
    r"(?P<plan>plans?|planning|intends?|intending)\s+to\s|"
    r"announced\s+(?:plans|that\s+(?:it|they|he|she)\s+would)|"
    r"(?:said|says|stated|announced|confirmed)\s+(?:that\s+)?(?P<reported>it|they|he|she|the\s+\w+)\s+(?P<would>would)\s+(?!not\b|be\b|have\b|like\b|love\b)\w+|"
    r"will\s+(?:also\s+)?(?:provide|give|invest|build|send|deliver|fund|support|help|cut|reduce|raise|increase|create|"
    r"introduce|launch|implement|review|investigate|ban|protect|defend|cooperate|work\s+with|release|publish|"
    r"spend|allocate|expand|establish|ensure|repay|refund|compensate|donate|supply|deploy|withdraw|resign|step\s+down|"
    r"propose|ratify|honou?r|continue\s+to|seek|hire|close|open|pay|strengthen|boost|double|halve|phase\s+out|"
    r"eliminate|end|stop|lift|impose|restore|rebuild|coordinate|contribute|back)\b"
    r")",
    re.I,
)
_NOT_COMMITMENT = re.compile(r"\b(?:if|whether|unless)\b|\?$|\bagreed that\b", re.I)

_GROUP = re.compile(
    r"^(?:they|we|both|both\s+(?:sides|nations|countries|leaders|ministers|parties|governments|men|companies|firms)|"
    r"the\s+(?:two|both)\s+(?:\w+\s+)?(?:sides|nations|countries|leaders|ministers|parties|governments|companies|firms|states)|"
    r"the\s+(?:ministers|leaders|sides|parties|allies|partners|delegations))$",
    re.I,
)
_LEADING_NOISE = re.compile(
    r"^(?:and|but|also|so|then|meanwhile|additionally|however|moreover|while|although|though|whereas|"
    r"in\s+addition|in\s+a\s+statement|"
    r"media\s+quoted\s+the\s+statement\s+as\s+saying|(?:last|this|next)\s+(?:week|month|year|[A-Z][a-z]+)|"
    r"on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b[\s,]*",
    re.I,
)
_TRAILING_NOISE = re.compile(
    r"[\s,]+(?:also|again|jointly|further|formally|publicly|today|yesterday|now|already|have|has|had|firmly|"
    r"on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|this\s+week|last\s+week|"
    r"on\s+\w+\s+\d{1,2}|in\s+a\s+statement|\.\.\.|…)$",
    re.I,
)
_DEMONYMS = {
    "american": "the United States",
    "us": "the United States",
    "russian": "Russia",
    "chinese": "China",
    "north korean": "North Korea",
    "south korean": "South Korea",
    "japanese": "Japan",
    "british": "Britain",
    "french": "France",
    "german": "Germany",
    "ukrainian": "Ukraine",
    "indian": "India",
    "iranian": "Iran",
    "israeli": "Israel",
    "palestinian": "the Palestinians",
    "turkish": "Turkey",
    "italian": "Italy",
    "spanish": "Spain",
    "canadian": "Canada",
    "australian": "Australia",
    "brazilian": "Brazil",
    "mexican": "Mexico",
    "saudi": "Saudi Arabia",
    "egyptian": "Egypt",
    "polish": "Poland",
    "dprk": "DPRK",
    "european": "the EU",
    "syrian": "Syria",
    "pakistani": "Pakistan",
    "afghan": "Afghanistan",
    "iraqi": "Iraq",
    "korean": "Korea",
    "vietnamese": "Vietnam",
    "taiwanese": "Taiwan",
    "dutch": "the Netherlands",
}
_SIDE = re.compile(r"^(?:[Tt]he\s+)?(?P<who>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?)\s+(?:side|government|delegation)$")
_ENTITY = re.compile(
    r"(?:\b(?:the\s+)?(?:[A-Z][\w'’\-\.]*|DPRK)(?:\s+(?:of|and|for|de|&)?\s*[A-Z][\w'’\-\.]*)*"
    r"(?:\s+(?:side|government|delegation))?)"
)
_COUNTERPARTY = re.compile(
    r"\b(?:to|for|with|towards|toward)\s+(?P<who>each\s+other|one\s+another|(?:the\s+)?(?:[A-Z][\w'’\-]*)(?:\s+(?:[A-Z][\w'’\-]*))*)"
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+|\b[A-Z]{2,}\b")
_SENTENCE_START_WORDS = {
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "In",
    "On",
    "At",
    "But",
    "And",
    "However",
    "According",
    "After",
    "Before",
    "As",
    "When",
    "While",
    "If",
    "For",
    "Media",
}
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion)\b",
    re.I,
)
_ATTRIBUTION = re.compile(r"\b(?:said|says|according to|told|stated|announced|reported|confirmed|cited)\b", re.I)
_FORWARD = re.compile(
    r"\b(?:the\s+goal|the\s+aim|aims?\s+to|aiming\s+to|is\s+expected\s+to|are\s+expected\s+to|expects?\s+to|"
    r"could\s+(?:lead|mean|see|result|cause|trigger|affect|hit|help)|may\s+(?:lead|mean|see|result|cause|affect)|"
    r"likely\s+to|warn(?:ed|s|ing)?|risk(?:s|ed)?\s+(?:of|to|a|an|the)|threat(?:en)?s?\s|forecast|predict(?:ed|s)?|"
    r"poised\s+to|pave\s+the\s+way|lead\s+to|result\s+in|in\s+the\s+(?:coming|next)\s+(?:days|weeks|months|years)|"
    r"will\s+(?:likely|probably)|would\s+(?:likely|probably)|is\s+set\s+to|are\s+set\s+to)\b",
    re.I,
)
_FIGURE = re.compile(r"\b(?!(?:19|20)\d\d\b)\d[\d,.]*\b")
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


def _normalise_actor(phrase: str) -> str:
    phrase = phrase.strip(" ,;:\"'“”‘’()")
    side = _SIDE.match(phrase)
    if side and side.group("who").lower() in _DEMONYMS:
        return _DEMONYMS[side.group("who").lower()]
    if side and side.group("who")[0].isupper():
        return side.group("who")
    if phrase.lower().startswith("the ") and phrase[4:5].isupper():
        phrase = phrase[4:]
    return phrase


_SAID = re.compile(
    r"\s(?:said|says|told\s+\w+|announced|stated|confirmed|added)\b(?:\s+(?:on\s+\w+|yesterday|today|last\s+\w+))?(?:\s+that)?",
    re.I,
)
_PRONOUN = re.compile(r"^(?:it|they|he|she|we)$", re.I)
# A "subject" holding a verb is a clause, not an actor ("The barrier is expected to cost ... and").
_CLAUSE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|do|does|did|can|could|should|may|might)\b|\band$", re.I
)


# Words that cannot be the actor of a pledge: first person without a speaker, demonstratives, gerunds.
_NOT_ACTOR = re.compile(
    r"^(?:(?i:i|i['’][a-z]+|me|my|this|that|these|those|there|there['’]s|it['’]s|here|what|which|who|"
    r"clearly|perhaps|now|today|yesterday)|[A-Z][a-z]+ing)\b"
)


def _strip_noise(phrase: str) -> str:
    phrase = phrase.strip()
    for _ in range(4):
        cleaned = _TRAILING_NOISE.sub("", _LEADING_NOISE.sub("", phrase)).strip()
        if cleaned == phrase:
            break
        phrase = cleaned
    return phrase


def _subject_before(sentence: str, cue_start: int) -> str | None:
    """The noun phrase closest before the cue that can be its subject."""
    before = sentence[:cue_start]
    parts = re.split(r"[,;:“”\"]|\bthat\b|\bwhile\b|\bwhich\b|\.\.\.|…|\s[-—–]\s", before)
    for part in reversed(parts):
        phrase = _strip_noise(part)
        if not phrase:
            continue
        said = _SAID.search(phrase)
        if said:
            speaker, reported = phrase[: said.start()].strip(), _strip_noise(phrase[said.end() :])
            phrase = _strip_noise(speaker if not reported or _PRONOUN.match(reported) else reported)
            if not phrase:
                return None
        if _CLAUSE.search(phrase) or _NOT_ACTOR.match(phrase) or re.search(r"\b[a-z]+ed\b", phrase):
            return None
        words = phrase.split()
        if _GROUP.match(phrase) or _PRONOUN.match(phrase):
            return phrase
        if len(words) <= 12 and (phrase[0].isupper() or re.match(r"^(?:the|both)\s", phrase, re.I)):
            if phrase.lower().startswith("according to"):
                continue
            return phrase
        return None
    return None


class _Context:
    """What the article has named so far, to resolve "both sides", "they" and "he"."""

    def __init__(self) -> None:
        self.plural: str | None = None
        self.single: str | None = None

    def learn(self, sentence: str) -> None:
        pair = re.search(
            r"\b((?:[A-Z][\w\-]*\s?){1,3})\s+and\s+((?:[A-Z][\w\-]*\s?){1,3})(?=\s+(?:on|have|has|had|are|were|will|reaffirmed|pledged|agreed|signed|vowed|said)\b)",
            sentence,
        )
        if pair:
            self.plural = f"{pair.group(1).strip()} and {pair.group(2).strip()}"

    def resolve(self, phrase: str, earlier: str) -> str | None:
        if _GROUP.match(phrase):
            return self.plural
        definite = re.match(r"^the\s+(?P<noun>[a-z]+)$", phrase, re.I)
        if definite:
            named = re.findall(rf"((?:[A-Z][\w\-]*\s+)+(?:[a-z]+\s+)?{definite.group('noun')})\b", earlier)
            named = [n for n in named if re.sub(r"^The\s+", "", n)[:1].isupper()]
            if named:
                return _normalise_actor(named[-1])
        if _PRONOUN.match(phrase):
            return self.single
        if re.match(r"^the\s+(?:company|firm|group|carmaker|retailer|lender|bank)$", phrase, re.I) and self.single:
            return self.single
        return phrase

    def remember(self, actor: str) -> None:
        if " and " in actor:
            self.plural = actor
        else:
            self.single = actor


_TRAILING_ATTRIBUTION = re.compile(
    r",?\s*(?:(?:the|a)\s+\w+(?:\s+\w+)?|media|officials|sources|reports|he|she|they|it)\s+"
    r"(?:said|says|continued|added|noted|reported|stated|announced|emphasi[sz]ed)\s*$",
    re.I,
)


def _action(sentence: str, cue_start: int) -> str:
    """The pledge from its verb on, without a trailing "the release said", cut when long."""
    text = sentence[cue_start:].strip()
    glued = re.search(r"[.!?][\"”’']?(?=[A-Z])", text)  # "case.Syed": a sentence break without a space
    if glued:
        text = text[: glued.start()]
    text = text.rstrip(".").strip()
    text = _TRAILING_ATTRIBUTION.sub("", text).rstrip(" .,;")
    for opening, closing in (("“", "”"), ("‘", "’")):
        if text.count(closing) > text.count(opening) and text.endswith(closing):
            text = text[: -len(closing)].rstrip(" .,;")
        if text.count(opening) > text.count(closing):
            text += closing
    if text.count('"') % 2:
        text = text.rstrip('"') if text.endswith('"') else text + '"'
    words = text.split()
    if len(words) > 32:
        text = " ".join(words[:32]).rstrip(",;:") + "…"
    return text


def _counterparty(sentence: str, cue_start: int, actor: str) -> str | None:
    window = " ".join(sentence[cue_start:].split()[:16])
    if " and " in actor and re.search(r"\b(?:each other|one another|mutual|bilateral)\b", sentence, re.I):
        return "each other"
    if re.match(r"\w+\s+(?:\w+\s+)?(?:\w+\s+)?support\s+for\b", window, re.I):
        for entity in _ENTITY.finditer(window):
            normal = _normalise_actor(entity.group(0))
            if normal and normal.lower() not in actor.lower() and normal[0].isupper():
                return normal
    for match in _COUNTERPARTY.finditer(window):
        who = match.group("who")
        if who.lower() in ("each other", "one another"):
            return "each other"
        who = re.sub(r"\s+(?:In|On|At|By)$", "", who)
        normal = _normalise_actor(who)
        if normal and normal.lower() not in actor.lower() and len(normal) > 1:
            return normal
    return None


def _mutual(actor: str, sentence: str) -> str | None:
    """Two parties pledging together pledge to each other when the sentence says it is shared."""
    shared = re.search(
        r"\b(?:their|each other|one another|mutual|bilateral|jointly|together|both|common|shared|signed|agreed|"
        r"agreement|pact|treaty)\b",
        sentence,
        re.I,
    )
    return "each other" if " and " in actor and shared else None


def _commitment(sentence: Sentence, context: _Context, reference: Any, earlier: str) -> Commitment | None:
    if _NOT_COMMITMENT.search(sentence.text):
        return None
    cue = _CUES.search(sentence.text)
    if cue is None:
        return None
    if cue.group("plan") and re.search(
        r"(?:'s|’s|\b(?:his|her|its|their|our|my|the|a|new))\s*$", sentence.text[: cue.start()]
    ):
        return None
    subject = _subject_before(sentence.text, cue.start())
    action_start = cue.start()
    if cue.group("reported") and not _PRONOUN.match(cue.group("reported")):
        subject, action_start = cue.group("reported"), cue.start("would")
    if subject is None:
        return None
    resolved = context.resolve(subject, earlier)
    if resolved is None:
        return None
    actor = _normalise_actor(resolved)
    if not actor or not (actor[0].isupper() or actor.startswith("the ")):
        return None
    context.remember(actor)
    after = sentence.text[cue.start() :]
    deadline = find_deadline(after)
    return Commitment(
        actor=actor,
        action=_action(sentence.text, action_start),
        counterparty=_counterparty(sentence.text, cue.start(), actor) or _mutual(actor, sentence.text),
        deadline=deadline,
        due=resolve_deadline(deadline, reference),
        evidence=[Evidence(quote=sentence.text, start=sentence.start, end=sentence.end)],
        grounded=True,
    )


def _fact_score(sentence: Sentence, total: int) -> float:
    text = sentence.text
    words = len(text.split())
    if words < 6 or text.endswith("?"):
        return 0.0
    entities = {m.group(0) for m in _CAPITALISED.finditer(text)} - _SENTENCE_START_WORDS
    score = 1.5 * min(len(entities), 4)
    score += 1.0 * min(len(_NUMBER.findall(text)), 3)
    score += (
        1.0
        if find_deadline(text)
        or re.search(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", text, re.I)
        else 0.0
    )
    score += 0.5 if _ATTRIBUTION.search(text) else 0.0
    score += 2.0 * (1 - sentence.index / max(total, 1))  # earlier sentences carry the news
    if words > 60:
        score -= 2.0
    return score


def summarise(sentences: list[Sentence]) -> str:
    """The lead: the first sentences, up to SUMMARY_SENTENCES or SUMMARY_MAX_WORDS."""
    chosen: list[str] = []
    words = 0
    for s in sentences:
        text = clean_sentence(s.text)
        n = len(text.split())
        if n < 4:
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
    sentences = split_sentences(article.text)
    reference = article.published.date() if article.published else None
    context = _Context()
    commitments: list[Commitment] = []
    used: set[int] = set()
    for s in sentences:
        context.learn(s.text)
        if len(commitments) >= MAX_COMMITMENTS:
            break
        c = _commitment(s, context, reference, article.text[: s.start])
        if c is not None:
            commitments.append(c)
            used.add(s.index)

    implications: list[Implication] = []
    for s in sentences:
        if s.index in used or len(implications) >= MAX_IMPLICATIONS:
            continue
        cue = _FORWARD.search(s.text)
        # A sentence with figures in it ("is expected to cost 310 million euros") is a fact, not an outlook.
        if cue and len(s.text.split()) >= 6 and not _FIGURE.search(s.text):
            implications.append(
                Implication(
                    statement=clean_sentence(s.text),
                    rationale=f"Stated in the article (“{cue.group(0).strip()}”); not an inference by briefer.",
                    confidence="low",
                    basis="stated",
                )
            )
            used.add(s.index)

    ranked = sorted(
        (s for s in sentences if s.index not in used),
        key=lambda s: _fact_score(s, len(sentences)),
        reverse=True,
    )
    chosen = sorted((s for s in ranked[:MAX_FACTS] if _fact_score(s, len(sentences)) > 0), key=lambda s: s.index)
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
        summary=summarise(sentences) or clean_sentence(article.text[:300]),
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
