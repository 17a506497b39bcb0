"""Score extracted briefs against labels: which commitment matches which, and how well its parts agree.

The rules, in order (the README's "Measuring quality" section states them for users):

1. A labelled commitment and an extracted one *match* when a quote of the extracted item overlaps the
   labelled sentence as located in the article (at least half of the shorter of the two), or, failing
   that, when their words agree: at least half of the content words of the labelled actor and action are
   in the extracted actor and action, and the extracted action shares a content word with the label's.
   Each side matches at most once; the best-scoring pairs are taken first (overlap, then word agreement).
2. On a matched pair, the *actor* is right when the extracted actor names the labelled actor or one of its
   aliases: the same words once case, "the", possessives and punctuation are set aside, or all the words of
   one contained in the other ("Ford" and "Ford Motor Co"). The *counterparty* is scored the same way on
   pairs where either side has one (both empty is not counted). The *deadline* is right when the extracted
   date falls within the labelled date or range, scored on pairs where either side has one.
3. Precision counts the extracted commitments a reader is shown (grounded ones); recall counts labels.
4. A labelled fact (a name, number or phrase) is recalled when it appears, compared case- and
   space-insensitively, in an extracted fact's statement or quote.
5. A sentence listed under `not_commitments` is *listed* when an extracted commitment's quote overlaps it.
6. *Item level*, what a reader sees (`items`): a matched pair also counts as an item match when the item's
   action holds half or more of the labelled action's content lemmas and its actor names the labelled actor
   or an alias. Item precision and recall are the headline figures; sentence-level ones stay beside them.
   Each listed commitment's *form* is checked too (a base verb first, no dangling function word, balanced
   quote marks, a clean actor).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from briefer.evaluation.items import Form, action_agrees, actor_agrees, form
from briefer.evidence.grounding import Grounder
from briefer.models import ArticleBrief, Commitment

_WORD = re.compile(r"[0-9A-Za-zÀ-ÿ]+")
_STOP = frozenset(
    "a an the and or of to in on at by for with from as is are was were be been will would shall should "
    "can could may might must it its their his her they he she we said says that this these those".split()
)
OVERLAP = 0.5  # share of the shorter span that must overlap
WORDS = 0.5  # share of the label's content words the extracted item must hold


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def content(text: str) -> set[str]:
    return {w for w in words(text) if w not in _STOP}


def normal_name(name: str) -> str:
    """A name as compared: lower case, no leading article, no possessive, no punctuation."""
    text = re.sub(r"['’]s\b", "", name.casefold())
    parts = words(text)
    while parts and parts[0] in ("the", "a", "an"):
        parts = parts[1:]
    return " ".join(parts)


def same_party(extracted: str | None, names: Iterable[str]) -> bool:
    """Does `extracted` name the party known by `names` (its name and aliases)?"""
    if not extracted:
        return False
    ours = normal_name(extracted)
    if not ours:
        return False
    mine = set(ours.split())
    for name in names:
        theirs = normal_name(name)
        if not theirs:
            continue
        if ours == theirs:
            return True
        other = set(theirs.split())
        if mine <= other or other <= mine:
            return True
    return False


def parse_deadline(value: str) -> tuple[date, date]:
    """An ISO date, or a range `start/end`; ValueError otherwise."""
    start, sep, end = value.partition("/")
    first = date.fromisoformat(start.strip())
    last = date.fromisoformat(end.strip()) if sep else first
    if last < first:
        raise ValueError(f"the range {value!r} ends before it starts")
    return first, last


@dataclass(frozen=True)
class Label:
    """A labelled commitment, its sentence located in the article (None when not found)."""

    actor: str
    aliases: tuple[str, ...]
    action: str
    sentence: str | None
    span: tuple[int, int] | None
    counterparty: str | None
    deadline: tuple[date, date] | None


@dataclass
class Pair:
    label: Label
    item: Commitment
    actor: bool
    counterparty: bool | None  # None: neither side has one
    deadline: bool | None
    agrees: bool = False  # item level: the action says what was labelled, by the labelled actor


@dataclass
class ArticleScore:
    """One article's comparison of extracted commitments and facts with its labels."""

    article: str
    pairs: list[Pair] = field(default_factory=list)
    missed: list[Label] = field(default_factory=list)
    false_alarms: list[Commitment] = field(default_factory=list)
    shown: int = 0  # extracted commitments a reader sees (grounded)
    traps_listed: list[str] = field(default_factory=list)  # not_commitments sentences listed anyway
    facts_found: int = 0
    facts_missed: list[str] = field(default_factory=list)
    items: int = 0  # facts and commitments extracted
    grounded: int = 0
    forms: list[tuple[Commitment, Form]] = field(default_factory=list)  # each shown commitment's form


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shortest = min(a[1] - a[0], b[1] - b[0])
    return shared / shortest if shared > 0 and shortest > 0 else 0.0


def _spans(item: Commitment) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in item.evidence if e.start is not None and e.end is not None]


def _match_score(label: Label, item: Commitment) -> float:
    """> 0 when they match: 2 + agreement for overlapping quotes, else word agreement alone (at most 1)."""
    label_words = content(f"{label.actor} {label.action}")
    item_words = content(f"{item.actor} {item.action}")
    agreement = len(label_words & item_words) / len(label_words) if label_words else 0.0
    if label.span is not None and any(_overlap(label.span, s) >= OVERLAP for s in _spans(item)):
        return 2.0 + agreement
    if agreement >= WORDS and content(label.action) & content(item.action):
        return agreement
    return 0.0


def _normal_text(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').casefold().split())


def score_article(
    article_id: str,
    text: str,
    brief: ArticleBrief | None,
    labels: Sequence[Label],
    facts: Sequence[str],
    not_commitments: Sequence[str],
) -> ArticleScore:
    """Compare one article's extraction (None: it failed) with its labels."""
    result = ArticleScore(article=article_id)
    shown = [c for c in brief.commitments if c.grounded] if brief is not None else []
    result.shown = len(shown)
    if brief is not None:
        result.items = len(brief.facts) + len(brief.commitments)
        result.grounded = sum(f.grounded for f in brief.facts) + sum(c.grounded for c in brief.commitments)
    candidates = sorted(
        (
            (s, li, ii)
            for li, label in enumerate(labels)
            for ii, item in enumerate(shown)
            if (s := _match_score(label, item)) > 0
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_labels: set[int] = set()
    used_items: set[int] = set()
    for _, li, ii in candidates:
        if li in used_labels or ii in used_items:
            continue
        used_labels.add(li)
        used_items.add(ii)
        label, item = labels[li], shown[ii]
        result.pairs.append(
            Pair(
                label=label,
                item=item,
                actor=same_party(item.actor, (label.actor, *label.aliases)),
                counterparty=None
                if not (label.counterparty or item.counterparty)
                else same_party(item.counterparty, [label.counterparty] if label.counterparty else []),
                deadline=None
                if not (label.deadline or item.due)
                else bool(label.deadline and item.due and label.deadline[0] <= item.due <= label.deadline[1]),
                agrees=action_agrees(label.action, item.action)
                and actor_agrees(item.actor, (label.actor, *label.aliases)),
            )
        )
    result.pairs.sort(key=lambda p: labels.index(p.label))
    result.missed = [label for i, label in enumerate(labels) if i not in used_labels]
    result.false_alarms = [item for i, item in enumerate(shown) if i not in used_items]
    result.forms = [(item, form(item.actor, item.action, text)) for item in shown]
    grounder = Grounder(text)
    for sentence in not_commitments:
        span = grounder.locate(sentence)
        if span is not None and any(_overlap(span, s) >= OVERLAP for item in shown for s in _spans(item)):
            result.traps_listed.append(sentence)
    said = [_normal_text(f.statement) for f in brief.facts if f.grounded] if brief is not None else []
    said += [
        _normal_text(e.quote) for f in (brief.facts if brief is not None else []) if f.grounded for e in f.evidence
    ]
    for fact in facts:
        if any(_normal_text(fact) in s for s in said):
            result.facts_found += 1
        else:
            result.facts_missed.append(fact)
    return result


@dataclass
class Totals:
    """Scores over a set of articles."""

    labelled: int = 0
    shown: int = 0
    matched: int = 0
    actor_right: int = 0
    counterparty_right: int = 0
    counterparty_scored: int = 0
    deadline_right: int = 0
    deadline_scored: int = 0
    traps_listed: int = 0
    trap_articles: int = 0
    trap_articles_clean: int = 0
    facts: int = 0
    facts_found: int = 0
    items: int = 0
    grounded: int = 0
    agreed: int = 0  # item-level matches
    well_formed: int = 0

    @property
    def item_precision(self) -> float | None:
        return self.agreed / self.shown if self.shown else None

    @property
    def item_recall(self) -> float | None:
        return self.agreed / self.labelled if self.labelled else None

    @property
    def item_f1(self) -> float | None:
        p, r = self.item_precision, self.item_recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def form_share(self) -> float | None:
        """The share of listed commitments whose action and actor pass the form checks."""
        return self.well_formed / self.shown if self.shown else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.shown if self.shown else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.labelled if self.labelled else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def actor_accuracy(self) -> float | None:
        return self.actor_right / self.matched if self.matched else None

    @property
    def counterparty_accuracy(self) -> float | None:
        return self.counterparty_right / self.counterparty_scored if self.counterparty_scored else None

    @property
    def deadline_accuracy(self) -> float | None:
        return self.deadline_right / self.deadline_scored if self.deadline_scored else None

    @property
    def facts_recall(self) -> float | None:
        return self.facts_found / self.facts if self.facts else None

    @property
    def grounded_share(self) -> float | None:
        return self.grounded / self.items if self.items else None

    @property
    def clean_traps(self) -> float | None:
        """The share of trap articles (forecasts, polls, past actions) where no false commitment is listed."""
        return self.trap_articles_clean / self.trap_articles if self.trap_articles else None

    def add(self, score: ArticleScore, labelled: int, facts: int, trap: bool) -> None:
        self.labelled += labelled
        self.shown += score.shown
        self.matched += len(score.pairs)
        self.agreed += sum(p.agrees for p in score.pairs)
        self.well_formed += sum(f.ok for _, f in score.forms)
        self.actor_right += sum(p.actor for p in score.pairs)
        self.counterparty_scored += sum(p.counterparty is not None for p in score.pairs)
        self.counterparty_right += sum(p.counterparty is True for p in score.pairs)
        self.deadline_scored += sum(p.deadline is not None for p in score.pairs)
        self.deadline_right += sum(p.deadline is True for p in score.pairs)
        self.traps_listed += len(score.traps_listed)
        if trap:
            self.trap_articles += 1
            self.trap_articles_clean += not score.false_alarms
        self.facts += facts
        self.facts_found += score.facts_found
        self.items += score.items
        self.grounded += score.grounded
