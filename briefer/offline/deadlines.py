"""When a commitment is due: the date attached to its clause, and the present progressive that plans.

The deadline is a date inside the undertaking's clause (not the day it was announced), kept as worded and
resolved against the article's date (`dates.resolve_deadline`); a date already past is when something
happened. A present progressive with a time ahead ("is stepping down in May") states a plan.
"""

from __future__ import annotations

from datetime import date

from spacy.tokens import Token

from briefer.dates import resolve_deadline
from briefer.offline.actors import clean

DEADLINE_PREPS = frozenset({"by", "before", "until", "within", "in", "from", "no", "through", "till", "during"})
UNTIL = frozenset({"by", "before", "until", "within", "through", "till", "no"})
PAST_MARKERS = frozenset({"last", "ago", "yesterday", "earlier", "previous", "past"})


def deadline_of(
    head: Token, reference: date | None, reporting: frozenset[str], sealing: frozenset[str]
) -> tuple[str | None, date | None]:
    """A date attached to this clause, as worded ("by March 2027") and resolved; a date on a verb of saying
    (`reporting`) or announcing (`sealing`) in the past is when it was said."""
    doc = head.doc
    joined = {t.i for c in head.children if c.dep_ == "conj" for t in c.subtree}
    clause = {t.i for t in head.subtree} - joined
    unresolved: str | None = None
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME") or ent.start not in clause:
            continue
        anchor = ent.root.head.head if ent.root.dep_ == "pobj" else ent.root.head
        announced = anchor.lemma_ in reporting | sealing and anchor.tag_ in ("VBD", "VBN")
        by = ent.root.dep_ == "pobj" and ent.root.head.lower_ in UNTIL
        # "revealed in October plans to expand by 2025": October is when, even on the announcing verb itself;
        # "pledged 40 tanks by June 30": a "by" date on it is the deadline
        if (announced and (anchor.i != head.i or not by)) or (
            ent.root.head.i == head.i and ent.root.dep_ in ("npadvmod", "tmod") and head.lemma_ in reporting
        ):
            continue  # "said on Monday", "revealed in October": when it was said, not when it is due
        prep = ent.root.head if ent.root.dep_ == "pobj" else None
        worded = f"{prep.text} {ent.text}" if prep is not None and prep.lower_ in DEADLINE_PREPS else ent.text
        due = resolve_deadline(worded, reference) or resolve_deadline(ent.text, reference)
        if due is None:
            if prep is not None and prep.lower_ in UNTIL:  # "in nearly 25 years" is a span, not a deadline
                unresolved = unresolved or clean(worded)
            elif reference is None and resolve_deadline(worded, date(2000, 1, 1)) is not None:
                unresolved = unresolved or clean(worded)  # "next month" of an undated article: the briefing's date
            continue
        if reference is not None and due < reference:
            continue  # a date already past is when something happened, not a deadline
        return clean(worded), due
    return unresolved, None


def futurate(verb: Token, reference: date | None) -> bool:
    """A present progressive with a time ahead is a plan ("is stepping down in May", "are opening a store next
    week"); without one it says what is going on now ("is producing the tour")."""
    if verb.tag_ != "VBG" or verb.pos_ != "VERB" or verb.dep_ not in ("ROOT", "ccomp", "conj"):
        return False
    if not any(c.dep_ == "aux" and c.lemma_ == "be" and c.tag_ in ("VBZ", "VBP") for c in verb.children):
        return False
    for ent in verb.doc.ents:
        attached = ent.root.head if ent.root.dep_ == "pobj" else ent.root
        if ent.label_ != "DATE" or attached.head != verb or attached.dep_ not in ("prep", "npadvmod", "tmod"):
            continue
        if any(t.lower_ in PAST_MARKERS for t in ent):
            continue
        prep = ent.root.head if ent.root.dep_ == "pobj" else None
        due = resolve_deadline(f"{prep.text} {ent.text}" if prep is not None else ent.text, reference)
        due = due or resolve_deadline(ent.text, reference)
        if due is not None and (reference is None or due >= reference):
            return True
    return False
