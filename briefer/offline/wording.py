"""The words of a commitment taken from its clause's parse: the action, the counterparty and the condition."""

from __future__ import annotations

from spacy.tokens import Token

from briefer.offline.actors import clean, party_of, phrase_of
from briefer.offline.clauses import negated
from briefer.offline.lexicon import (
    COMMITMENT_NOUNS,
    COMMITTING,
    CONDITION_MARKS,
    DEAL_NOUNS,
    FUTURE,
    GIVING,
    MAX_ACTION_WORDS,
    OBJECT_CASE,
    PLAN_NOUNS,
)


def _action_tokens(head: Token, stop: set[int]) -> list[Token]:
    """The verb phrase of `head`: its subtree without joined clauses (other commitments), conditions and
    the subject."""
    excluded: set[int] = set(stop)
    for child in head.children:
        if child.dep_ in ("conj", "cc", "nsubj", "nsubjpass", "mark", "punct") or (
            child.dep_ == "advcl" and any(m.lower_ in CONDITION_MARKS for m in child.children if m.dep_ == "mark")
        ):
            excluded.update(t.i for t in child.subtree)
        if child.dep_ == "aux" and child.lower_ in FUTURE | {"to", "would", "'d"}:
            excluded.add(child.i)
    return [t for t in head.subtree if t.i not in excluded and (t.i >= head.i or t.dep_ in ("neg", "prt"))]


def _text(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "cc"):
        tokens.pop()
    cut = len(tokens) > MAX_ACTION_WORDS
    tokens = tokens[:MAX_ACTION_WORDS]
    text = ""
    for n, token in enumerate(tokens):
        text += token.text
        if n + 1 < len(tokens):
            text += token.whitespace_ if tokens[n + 1].i == token.i + 1 else " "
    return clean(text) + ("…" if cut else "")


def counterparty_of(verbs: list[Token], actor: str) -> str | None:
    """The party the undertaking is made to or with: a dative, the object of "to"/"with"/"for"/"into", or
    the one given something ("provide Vietnam's coast guard with a ship"); never the actor."""
    for verb in verbs:
        for child in verb.children:
            if child.dep_ == "dative":
                target = next((c for c in child.children if c.dep_ == "pobj"), child)
                named = party_of(target)
                if named and named != actor:
                    return named
            if (
                child.dep_ == "dobj"
                and verb.lemma_.lower() in GIVING
                and any(c.dep_ == "prep" and c.lower_ == "with" for c in verb.children)
            ):  # "provide Vietnam's coast guard with a ship"
                named = party_of(child)
                if named and named != actor:
                    return named
            if child.dep_ == "prep" and child.lower_ in ("to", "with", "for", "into"):
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                named = party_of(pobj) if pobj is not None else None
                if named and named != actor:
                    return named
        for child in verb.children:
            if child.dep_ == "dobj" and child.lemma_.lower() in DEAL_NOUNS | COMMITMENT_NOUNS:
                found = counterparty_of([child], actor)
                if found:
                    return found
    return None


def condition_of(verbs: list[Token]) -> str | None:
    """The condition the undertaking is kept with ("if", "unless", "until", "once" ...), as worded."""
    for verb in verbs:
        for child in verb.children:
            marks = [m for m in child.children if m.dep_ == "mark" and m.lower_ in CONDITION_MARKS]
            if child.dep_ == "advcl" and marks:
                return clean(child.doc[min(t.i for t in child.subtree) : max(t.i for t in child.subtree) + 1].text)
            if child.dep_ == "prep" and child.lower_ == "until":
                return clean(child.doc[child.i : max(t.i for t in child.subtree) + 1].text)
    return None


def antecedent_of(verb: Token) -> str:
    """The noun a relative clause's object stands for ("negotiations, which the US stands ready to support":
    the negotiations), or ""."""
    clause = next((t for t in (verb, *verb.ancestors) if t.dep_ == "relcl"), None)
    if clause is None or not any(c.dep_ == "dobj" and c.tag_ in ("WDT", "WP") for c in clause.children):
        return ""
    named = _text(list(phrase_of(clause.head)))
    return named[:1].lower() + named[1:] if clause.head.doc[clause.head.left_edge.i].pos_ == "DET" else named


def passive_action(verb: Token) -> str:
    """A future passive in the active voice: "funds will be released" -> "release funds"; "the house will be
    turned into a station" -> "turn the house into a station"."""
    patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    drop = {c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "agent")}
    if patient is not None:
        drop |= {t.i for t in patient.subtree}
    rest = _action_tokens(verb, drop)
    rest = [t for t in rest if t.i != verb.i and not any(a.dep_ == "agent" for a in [t, *t.ancestors] if a.i != verb.i)]
    words = [("not " if negated(verb) else "") + verb.lemma_.lower()]
    if patient is not None:
        named = OBJECT_CASE.get(patient.lower_) or _text(list(phrase_of(patient)))  # "she" -> "allow her to"
        words.append(named[:1].lower() + named[1:] if patient.doc[patient.left_edge.i].pos_ == "DET" else named)
    words.append(_text(rest))
    return " ".join(w for w in words if w)


def action_of(verb: Token, head: Token, subject: Token, others: set[int]) -> str:
    """The undertaking, short: the complement's verb phrase, the pledged thing, or the pledged clause."""
    if head == verb:
        nouns = [
            c
            for c in verb.children
            if c.dep_ == "dobj" and c.lemma_.lower() in COMMITMENT_NOUNS | DEAL_NOUNS | PLAN_NOUNS
        ]
        for noun in nouns:  # "reaffirmed their commitment to X", "signed a deal to build Y"
            inner = [
                c
                for c in noun.children
                if (c.dep_ == "prep" and c.lower_ == "to") or c.dep_ in ("acl", "relcl", "xcomp")
            ]
            if inner:
                tokens = [t for c in inner for t in c.subtree if not (c.dep_ == "prep" and t.i == c.i)]
                return _text([t for t in tokens if (t.i not in others and t.dep_ != "aux") or t.lower_ != "to"])
        text = _text(_action_tokens(head, {t.i for t in subject.subtree} | others))
        lemma = head.lemma_.lower()
        if (lemma in COMMITTING or head.tag_ == "VBG") and text.lower().startswith(head.lower_):
            # "pledging support" -> "pledge support", "is stepping down" -> "step down"
            text = lemma + text[len(head.text) :]
        return text
    if head.dep_ == "prep":  # "committed to reducing emissions"
        return _text([t for t in head.subtree if t.i != head.i and t.i not in others])
    own = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if head.dep_ == "ccomp" and own is not None and own.pos_ != "PRON":  # "pledged that construction would begin"
        joined = {t.i for c in head.children if c.dep_ in ("conj", "cc") for t in c.subtree}
        clause = [t for t in head.subtree if t.i not in others | joined and not (t.dep_ == "mark" and t.head == head)]
        return _text(clause)
    dobj = [c for c in verb.children if c.dep_ == "dobj" and c.i < head.i] if head.head == verb else []
    if head.dep_ == "conj":
        return _text(_action_tokens(head, {t.i for t in subject.subtree} | others))
    pledged = [t for d in dobj for t in d.subtree]
    phrase = _text(_action_tokens(head, others))
    if not dobj:
        return phrase
    return (
        f"{verb.lemma_.lower()} {_text(pledged)} to {phrase}" if phrase else f"{verb.lemma_.lower()} {_text(pledged)}"
    )
