"""When two statements from different articles say the same thing, and when they disagree.

Two steps, cheap first. `Cheap` keys (words, figures) are computed for every statement and find candidate
pairs. Only the candidates are parsed with spaCy into a `Signature`: content lemmas, names (entities and
proper nouns, through the alias gazetteer), people, dates, figures. The verdicts:

- the same fact: the figures agree (value for value, whatever they count: "40 ships" = "40 vessels"), the
  names agree (they share one, and name no different person), the dates agree, neither denies what the
  other states, and content lemmas overlap (a little when figures, names or dates anchor the pair, half of
  them when nothing does);
- a conflict: the same measure (a currency, percent, or the same counted word) given different values about
  the same thing (a subject word shared beyond the figures' own words, and shared names, close wording or
  the same word introducing both figures: "cost"; no different person, no different date), or one
  statement disputing a figure the other states ("30 million, not the 12 million"), or one denying what
  the other states. A person who only reports the statement ("Voss said") is a speaker, not a subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from briefer.day.figures import Figure, figures, singular
from briefer.offline.aliases import canonical

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
STOP = frozenset(
    """a an the and or but of to in on at by for with from as is are was were be been being has have had it its
    this that these those their his her they he she we you i not no will would could should may might can said
    says told according also than then there which who whom whose what when where while after before over under
    about into out up down more most less least very just so such only other some any each roughly around nearly
    almost approximately""".split()
)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ied|ies|ying)|not true|(?:rejected|dismissed) (?:the )?(?:claims?|reports?|allegations?))\b", re.I
)
_DATE_WORDS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|yesterday|today|tomorrow|tonight|(?:19|20)\d\d)\b",
    re.I,
)
_DAY_MONTH = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2}\b",
    re.I,
)
# Verbs by which a source reports a statement: their subject is the speaker, not what the statement is about.
REPORTING = frozenset(
    """say tell add put estimate state claim report announce confirm insist warn describe told said according""".split()
)
_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
_CONTENT_POS = {"NOUN", "VERB", "ADJ", "ADV", "PROPN"}
SAME_WITHOUT_ANCHOR = 0.5  # content lemmas shared (Jaccard) when no figure, name or date anchors the pair
SAME_WITH_ANCHOR = 0.2
SAME_SUBJECT = 0.25  # for a conflict: content lemmas shared (Jaccard) by statements about one thing
AKIN = 7  # letters two words of one root share ("inspect", "inspection")
DENIED_SHARE = 0.4  # of the shorter statement's words, for a denial to be of what the other states


def stem(word: str) -> str:
    """A crude stem for cheap matching: lower case, no plural s."""
    return singular(word.strip("'’-"))


@lru_cache(maxsize=1 << 14)  # the day's statements are read by several steps, and warmed as articles come in
def words(text: str) -> frozenset[str]:
    """Content words, crudely stemmed: the cheap key."""
    return frozenset(stem(w) for w in _WORD.findall(text) if w.lower() not in STOP and len(w) > 2)


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)  # the union's size, without building the union


@lru_cache(maxsize=1 << 14)
def denies(text: str) -> bool:
    """Whether a denial's word is in the text: cheap, and loose ("a statement denying the affair" has one)."""
    return bool(_DENIAL.search(text))


_DENYING = frozenset({"deny", "refute"})
_DISMISSING = frozenset({"reject", "dismiss"})
_DENIED_THINGS = frozenset({"claim", "report", "allegation", "accusation"})
_MAIN = frozenset({"ROOT", "ccomp", "xcomp", "conj"})


def asserts_denial(doc: Doc) -> bool:
    """Whether the statement itself is a denial, by its parse: its main verb (or one it reports or joins)
    denies ("The ministry denied paying", "Voss said he denied it", "continue to deny"). A denial it only
    mentions is none: "a statement denying her affair", "the company, which has denied wrongdoing, said"."""
    if re.search(r"\bnot true\b", doc.text, re.I):
        return True
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma not in _DENYING and not (
            lemma in _DISMISSING and any(c.lemma_.lower() in _DENIED_THINGS for c in token.children)
        ):
            continue
        if token.pos_ != "VERB" and token.pos_ != "AUX":
            continue
        head = token
        while head.dep_ in _MAIN and head.dep_ != "ROOT":
            head = head.head
        if head.dep_ == "ROOT":
            return True
    return False


@dataclass(frozen=True)
class Signature:
    """What a statement says, for comparing: parsed once, compared many times."""

    lemmas: frozenset[str]
    names: frozenset[str]
    people: frozenset[str]
    dates: frozenset[str]
    figures: tuple[Figure, ...]
    denied: bool
    stems: frozenset[str]  # the cheap words, for matching a figure's lead word
    objects: frozenset[str] = frozenset()  # what is acted on: the lemmas of direct objects and passive subjects
    entities: frozenset[str] = frozenset()  # whole names, as one string each ("tamsel park"), speakers aside

    def values(self) -> frozenset[float]:
        """The values it states (not the ones it disputes)."""
        return frozenset(f.value for f in self.figures if not f.disputed)


def signatures(texts: Sequence[str]) -> list[Signature]:
    """The signature of each text, parsed with spaCy (the parse tells a speaker from a subject)."""
    if not texts:
        return []
    from briefer.offline.nlp import pipeline

    nlp = pipeline()
    return [_signature(doc) for doc in nlp.pipe(texts, batch_size=128)]


def _speaker(token: Token) -> bool:
    """Whether the name `token` belongs to says or reports the statement ("Voss said", "according to
    Voss", "Voss put the cost at"), rather than being what it is about."""
    head = token
    while head.dep_ in {"compound", "flat", "appos", "poss"} and head.head is not head:
        head = head.head
    if head.dep_ in {"nsubj", "nsubjpass"} and head.head.lemma_ in REPORTING:
        return True
    return head.dep_ == "pobj" and head.head.lower_ == "to" and head.head.head.lower_ == "according"


def _signature(doc: Doc) -> Signature:
    names: set[str] = set()
    people: set[str] = set()
    dates: set[str] = set()
    in_name: set[int] = set()
    entities: set[str] = set()
    for ent in doc.ents:
        if ent.label_ in _NAME_LABELS:
            in_name.update(range(ent.start, ent.end))
            if _speaker(ent.root):
                continue
            whole = canonical(ent.text.removesuffix("'s").removesuffix("’s")).casefold()
            entities.add(" ".join(w for w in whole.split() if w not in STOP))
            if whole != ent.text.casefold():
                names.add(whole)  # the gazetteer's one name: "DPRK" and "North Korea" agree
            names.update(t.lower_ for t in ent if not t.is_stop and t.is_alpha)
            if ent.label_ == "PERSON":
                people.add(ent[-1].lower_)
        elif ent.label_ in {"DATE", "TIME"}:
            dates.update(w.lower() for w in _DATE_WORDS.findall(ent.text))
    for token in doc:
        if token.pos_ == "PROPN" and token.is_alpha and not token.is_stop and token.i not in in_name:
            in_name.add(token.i)
            if not _speaker(token):
                names.add(canonical(token.text).casefold())
    dates.update(w.lower() for w in _DATE_WORDS.findall(doc.text))
    days = {" ".join(m.group(0).lower().split()) for m in _DAY_MONTH.finditer(doc.text)}
    dates = (dates | days) - {w for day in days for w in day.split()}  # "3 march" and "10 march" differ
    names -= dates
    lemmas = frozenset(
        t.lemma_.lower()
        for t in doc
        if t.pos_ in _CONTENT_POS
        and t.is_alpha
        and not t.is_stop
        and t.i not in in_name
        and t.lower_ not in STOP
        and t.lemma_.lower() not in REPORTING
        and len(t.text) > 2
    )
    return Signature(
        lemmas=lemmas,
        names=frozenset(names),
        people=frozenset(people),
        dates=frozenset(dates),
        figures=tuple(figures(doc.text)),
        denied=asserts_denial(doc),
        stems=words(doc.text),
        objects=frozenset(
            t.lemma_.lower() for t in doc if t.dep_ in _OBJECT_DEPS and t.pos_ in ("NOUN", "PROPN") and t.is_alpha
        ),
        entities=frozenset(e for e in entities if e),
    )


_OBJECT_DEPS = {"dobj", "obj", "nsubjpass"}


def _entities_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sets of whole names agree when either is empty or a name of one is, or holds, a name of the other
    ("Kelderby General" and "Kelderby General Hospital"; not "Tamsel Park" and "Ardwin Park")."""
    if not a or not b:
        return True
    return any(x == y or f" {x} " in f" {y} " or f" {y} " in f" {x} " for x in a for y in b)


def objects_agree(a: Signature, b: Signature) -> bool:
    """Whether two undertakings act on the same thing: the names they give agree ("trees in Tamsel Park" and
    "trees in Ardwin Park" do not), and a direct object of one is among the other's words ("lodge an appeal",
    "file an appeal"), or one names none; "open two schools" and "open two clinics" do not."""
    if not _names_agree(a, b) or not _entities_agree(a.entities, b.entities):
        return False
    if not a.objects or not b.objects:
        return True
    return bool(a.objects & (b.lemmas | b.names | b.objects)) or bool(b.objects & (a.lemmas | a.names | a.objects))


def _names_agree(a: Signature, b: Signature) -> bool:
    """No different people (a person of one the other does not name, and the other way round: "Smith
    scored twice", "Jones scored twice"), and a shared name when both name someone or something."""
    if (a.people - b.names) and (b.people - a.names):
        return False
    return not (a.names and b.names) or bool(a.names & b.names)


def same_fact(a: Signature, b: Signature) -> bool:
    """Whether two statements state one fact (see the module's docstring)."""
    if a.denied != b.denied or not _names_agree(a, b):
        return False
    if a.dates and b.dates and not (a.dates & b.dates):
        return False
    values_a, values_b = a.values(), b.values()
    if not (values_a <= values_b or values_b <= values_a):
        return False  # a figure each that the other lacks: "40 ships" and "45 ships"
    shared_names = len(a.names & b.names)
    anchors = int(bool(values_a & values_b)) + int(bool(shared_names)) + int(bool(a.dates & b.dates))
    shared = len(a.lemmas & b.lemmas)
    overlap = jaccard(a.lemmas, b.lemmas)
    if anchors == 3 and shared_names >= 2:
        return True  # the same figures, names and day: told in other words
    if anchors >= 2:
        return shared >= 1
    if anchors == 1:
        return shared >= 1 and overlap >= SAME_WITH_ANCHOR
    return overlap >= SAME_WITHOUT_ANCHOR


def _figure_words(sig: Signature) -> set[str]:
    return {w for f in sig.figures for w in (f.lead, f.measure) if w}


def conflict(a: Signature, b: Signature) -> str | None:
    """What two statements disagree about, or None (see the module's docstring)."""
    if not _names_agree(a, b):
        return None
    days_a, days_b = _days(a), _days(b)
    if days_a and days_b and not (days_a & days_b):  # two days for one thing ("sentenced", "sentencing")
        akin = _akin(a.lemmas, b.lemmas) and a.denied == b.denied
        return f"date: {', '.join(sorted(days_a))} or {', '.join(sorted(days_b))}" if akin else None
    if a.dates and b.dates and not (a.dates & b.dates):
        return None
    subject = (a.lemmas & b.lemmas) - _figure_words(a) - _figure_words(b)
    close = bool(a.names & b.names) or jaccard(a.lemmas, b.lemmas) >= SAME_SUBJECT
    if not subject:
        return None
    if a.denied != b.denied:
        return "one source denies what the other states" if _denies_this(a, b) else None
    for x in a.figures:
        for y in b.figures:
            if not x.measure or x.measure != y.measure or _vague(x):
                continue
            if not (close or (x.lead and x.lead == y.lead)) or not _same_lead(x, y, a, b):
                continue  # the same measure of the same thing: the word introducing one figure is in the other
            if x.value == y.value and x.disputed != y.disputed:
                return f"{x.lead or x.measure}: one source disputes {x.show()}"
            if x.value != y.value and not (x.disputed or y.disputed) and _sole(a, x) and _sole(b, y):
                return f"{x.lead or y.lead or x.measure}: {x.show()} or {y.show()}"
    return None


@lru_cache(maxsize=1 << 14)
def calendar_days(text: str) -> frozenset[str]:
    """The calendar days a text names, as "3 march" (cheap: no parse)."""
    return frozenset(" ".join(m.group(0).lower().split()) for m in _DAY_MONTH.finditer(text))


def figure_moved(before: str, after: str) -> tuple[str, str] | None:
    """(was, now) when two statements about one subject give one measure, introduced by one word, different
    values ("cost 12 million euros", then "cost 14 million euros"): what changed between two days. Cheap:
    no parse."""
    old, new = figures(before), figures(after)
    own = {stem(w) for f in (*old, *new) for w in (f.lead, f.measure) if w}
    if not (words(before) & words(after)) - own:
        return None
    for x in old:
        for y in new:
            same_kind = x.measure and x.measure == y.measure and stem(x.lead) == stem(y.lead)
            if same_kind and x.value != y.value and not (x.disputed or y.disputed):
                return x.show(), y.show()
    return None


def _days(sig: Signature) -> set[str]:
    """The calendar days a statement names ("3 march")."""
    return {d for d in sig.dates if " " in d}


def _akin(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two sets of lemmas share a word, or two words of one root ("sentence", "sentencing"): the
    same first AKIN letters."""
    if a & b:
        return True
    roots = {w[:AKIN] for w in a if len(w) >= AKIN}
    return any(w[:AKIN] in roots for w in b if len(w) >= AKIN)


def _denies_this(a: Signature, b: Signature) -> bool:
    """The denial is of what the other states: most of the shorter statement's words are in the other (the
    denial's own verb aside)."""
    denial_words = {"deny", "denial", "reject", "dismiss", "claim", "report", "allegation", "accusation"}
    first, second = a.lemmas - denial_words, b.lemmas - denial_words
    smaller = min(len(first), len(second))
    return smaller > 0 and len(first & second) / smaller >= DENIED_SHARE


def _same_lead(x: Figure, y: Figure, a: Signature, b: Signature) -> bool:
    """The figures measure the same thing: one word introduces both ("cost"), or each one's word is in the
    other statement ("would cost 30 million" and "put the cost of repairs at 12 million")."""
    lead_x, lead_y = stem(x.lead), stem(y.lead)
    return lead_x == lead_y or (lead_x in b.stems) or (lead_y in a.stems)


def _vague(f: Figure) -> bool:
    """A figure whose measure says nothing about what it measures ("aged 18", "one of ...")."""
    return len(f.measure) < 3 and f.measure != "%"


def _sole(sig: Signature, figure: Figure) -> bool:
    """The statement gives one value for this measure: two values ("from 25 to 30 percent") are a change, not
    a claim that conflicts with either."""
    return sum(1 for f in sig.figures if f.measure == figure.measure and not f.disputed) == 1
