"""What a reader sees of a commitment, judged: does its action say what was labelled, and is it well formed.

Sentence-level matching (`scoring`) asks whether an item was found where a label is; these checks ask
whether the item says the right thing and reads properly:

- **Agreement.** The item's action holds at least half of the labelled action's content words, compared
  by lemma ("pledged to build" agrees with "build"; "builds" with "build"), and its actor names the labelled
  actor or one of its aliases (`scoring.same_party`, through the alias gazetteer as well).
- **Form.** The action starts with a verb in its base form (read as the complement of "will": a negation or
  an adverb may come first), does not end on a preposition, article, conjunction or a bare "to", its quote
  marks balance, and the actor is not caption or heading text glued to the sentence (no word run into
  another, no quote mark, no line break, at most twelve words, and found as such in the article).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from briefer.offline.aliases import canonical

if TYPE_CHECKING:
    from spacy.language import Language

_WORD = re.compile(r"[0-9A-Za-zÀ-ÿ]+")
_STOP = frozenset(
    "a an the and or of to in on at by for with from as is are was were be been will would shall should "
    "can could may might must it its their his her they he she we said says that this these those".split()
)
_DANGLING = {"ADP", "DET", "CCONJ", "SCONJ"}
_LEADS = {"not", "never", "also", "then", "now", "soon", "jointly", "still", "only", "again", "further"}
# A word run into the next (a heading fused to its text, "KitchenHow"; a caption, "memorial'Lindmar"), not
# a name written in camel case ("SoftBank", "McClatchy": short runs before the capital).
_GLUED = re.compile(r"[a-z]{4,}[A-Z][a-z]|[a-z]['’][A-Z]|\w[“”\"]\w")
MAX_ACTOR_WORDS = 12


@dataclass(frozen=True)
class Form:
    """One item's form checks; `problems` names each that failed ("no base verb", ...)."""

    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@cache
def _nlp() -> Language:
    from briefer.offline.nlp import pipeline

    return pipeline()


@cache
def lemmas(text: str) -> frozenset[str]:
    """The content words of `text` by lemma, lower case."""
    doc = _nlp()(text)
    return frozenset(t.lemma_.casefold() for t in doc if _WORD.fullmatch(t.text) and t.lemma_.casefold() not in _STOP)


def action_agrees(labelled: str, extracted: str) -> bool:
    """At least half of the labelled action's content lemmas are in the extracted action."""
    wanted = lemmas(labelled)
    if not wanted:
        return False
    return len(wanted & lemmas(extracted)) * 2 >= len(wanted)


def actor_agrees(extracted: str, names: Iterable[str]) -> bool:
    """The extracted actor names the labelled party: as `scoring.same_party`, or one canonical name."""
    from briefer.evaluation.scoring import same_party

    names = list(names)
    if same_party(extracted, names):
        return True
    mine = canonical(extracted)
    return bool(mine) and any(canonical(n) == mine for n in names if n)


def _quotes_balance(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _base_verb_first(action: str) -> bool:
    doc = _nlp()(f"They will {action.strip()}.")
    for token in list(doc)[2:]:
        if token.text.casefold() in _LEADS or token.pos_ == "ADV":
            continue
        # the tagger sometimes reads a base form after "will" as "divulges" (VBZ): the lemma tells
        return bool(token.tag_ == "VB" or (token.pos_ in ("VERB", "AUX") and token.lemma_.lower() == token.lower_))
    return False


def _dangling_end(action: str) -> bool:
    doc = _nlp()(f"They will {action.strip()}")
    words = [t for t in doc if not t.is_punct]
    if len(words) <= 2:
        return True
    last = words[-1]
    return bool(last.pos_ in _DANGLING or last.tag_ == "TO")


def _actor_clean(actor: str, article: str) -> bool:
    if not actor or "\n" in actor or any(q in actor for q in '“”"'):
        return False
    if _GLUED.search(actor) or len(actor.split()) > MAX_ACTOR_WORDS:
        return False
    for part in re.split(r",? and ", actor):  # "A and B": a joint actor named in parts
        found = re.search(r"(?<![\w'’])" + re.escape(part) + r"(?![\w])", article, re.IGNORECASE)
        if found is None and not part.casefold().startswith(("the ", "both ")):
            return False
    return True


@cache
def _form_of(actor: str, action: str, article_key: int) -> tuple[str, ...]:
    article = _ARTICLES.get(article_key, "")
    problems = []
    if not _base_verb_first(action):
        problems.append("no base verb first")
    if _dangling_end(action):
        problems.append("ends on a function word")
    if not _quotes_balance(action):
        problems.append("unbalanced quote marks")
    if not _actor_clean(actor, article):
        problems.append("actor is not a clean name")
    return tuple(problems)


_ARTICLES: dict[int, str] = {}


def form(actor: str, action: str, article: str) -> Form:
    """The form checks of one listed commitment of `article`."""
    key = hash(article)
    _ARTICLES.setdefault(key, article)
    return Form(_form_of(actor, action, key))


def form_share(forms: Sequence[Form]) -> float | None:
    return sum(f.ok for f in forms) / len(forms) if forms else None
