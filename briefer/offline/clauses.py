"""Which clauses of a parsed sentence undertake something: the rules that accept or reject a verb as a commitment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from spacy.tokens import Span, Token

from briefer.offline.actors import INSTITUTIONS, READY, subject_of
from briefer.offline.deadlines import futurate
from briefer.offline.lexicon import (
    ANNOUNCING,
    APPEARANCES,
    CAUSATIVE,
    COMMITMENT_NOUNS,
    COMMITTING,
    CONCESSIVE,
    CONTAINING,
    DEAL_NOUNS,
    FUTURE,
    HEARSAY,
    HEDGES,
    HYPOTHETICAL_AUX,
    NEEDS_COMPLEMENT,
    NOT_AGENTIVE,
    PLAN_NOUNS,
    PLAN_SUBJECTS,
    PREDICTING,
    QUESTION_MARKS,
    REPORTING,
    SCHEDULED,
    SEALING,
    WANTING,
)


@dataclass(frozen=True)
class Undertaking:
    """A verb that commits its subject and the heads of what it undertakes (two for "pledged to build and
    run"). `kind` says who acts: the verb's subject; a future passive's agent or reporter ("will be released
    by the ministry"); or the owner of a plan whose contents are listed ("the plan includes actions to ...")."""

    verb: Token
    heads: list[Token]
    kind: Literal["subject", "passive", "plan", "support"] = "subject"


def negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _refused(verb: Token) -> bool:
    """Under "refused to", "declined to", "failed to", "is yet to"?"""
    head = verb.head
    return verb.dep_ == "xcomp" and head.lemma_ in {
        "refuse",
        "decline",
        "fail",
        "reject",
        "deny",
        "hesitate",
        "reluctant",
        "unwilling",
        "hesitant",
        "loath",
    }


def reporter_of(verb: Token) -> Token | None:
    """The subject of the reporting verb a clause hangs from ("X said it would ..."), if any."""
    head = verb
    while head.dep_ in ("conj", "xcomp"):
        head = head.head
    if head.dep_ in ("ccomp", "parataxis") and head.head.lemma_ in REPORTING:
        return subject_of(head.head)
    return None


def _predicted(verb: Token) -> bool:
    """Is the clause someone's prediction or belief ("Kuo predicted that Apple will ...")?"""
    head = verb
    while head.dep_ in ("conj", "xcomp"):
        head = head.head
    return head.dep_ == "ccomp" and head.head.lemma_ in PREDICTING


def _hearsay(span: Span) -> bool:
    """Does the sentence rest on unnamed sources ("according to industry sources", "people familiar")?"""
    for token in span:
        if token.lower_ == "according" and any(
            t.lemma_.lower() in HEARSAY or t.lower_ in HEARSAY for c in token.children for t in c.subtree
        ):
            return True
        if token.lower_ == "familiar" and token.head.lemma_.lower() in ("people", "person", "source"):
            return True
    return False


def _wish_for_others(verb: Token) -> bool:
    """Is a wish about someone else's act, or no act ("wants China to buy", "wants to let prices decide",
    "wants to be able to"), or conceded background ("while China wants to buy ..., it balked")?"""
    for child in verb.children:
        if child.dep_ in ("dobj", "ccomp"):
            return True
        if child.dep_ == "xcomp" and (
            child.lemma_.lower() in NOT_AGENTIVE
            or (
                child.lemma_.lower() in CAUSATIVE  # "wants to let prices decide"; "wants to help firms grow" is its own
                and any(
                    c.dep_ in ("ccomp", "xcomp") and any(s.dep_ == "nsubj" for s in c.children) for c in child.children
                )
            )
        ):
            return True
    clause = verb.head if verb.dep_ == "conj" else verb
    return any(m.dep_ == "mark" and m.lower_ in CONCESSIVE for m in clause.children)


def _hedged(verb: Token) -> bool:
    """Hypothetical, hedged, conditional-as-question or interrogative: "could agree", "will likely",
    "whether X will agree", "what the owners will do", "had planned to"."""
    for node in (verb, verb.head if verb.dep_ == "conj" else verb):
        for child in node.children:
            if child.dep_ == "aux" and child.lower_ in HYPOTHETICAL_AUX:
                return True
            if child.dep_ == "advmod" and child.lower_ in HEDGES:
                return True
            if child.dep_ == "mark" and child.lower_ in QUESTION_MARKS:
                return True
            # "talks, which the US stands ready to support": a relative pronoun, not a question
            wh = child.tag_ in ("WP", "WDT", "WRB") and child.dep_ in ("dobj", "advmod", "nsubj", "attr")
            if wh and node.dep_ != "relcl":
                return True
        if node.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ == "had" for c in node.children):
            return True  # "had planned to": a plan dropped or overtaken
        auxes = {c.lower_ for c in node.children if c.dep_ == "aux"}
        if node.tag_ == "VBN" and "have" in auxes and auxes & FUTURE:
            return True  # "will have sustained": the future perfect foretells a state, it undertakes nothing
    return False


def _future(verb: Token) -> str | None:
    """ "will"/"shall" (or "would" under a reporting verb) on `verb` or the verb it is joined to."""
    for candidate in (verb, verb.head if verb.dep_ == "conj" else verb):
        for child in candidate.children:
            if child.dep_ == "aux" and child.lower_ in FUTURE:
                return "will"
            if child.dep_ == "aux" and child.lower_ in ("would", "'d") and reporter_of(candidate) is not None:
                return "would"
    return None


def _with_joined(heads: list[Token]) -> list[Token]:
    """The heads and the verbs joined to them by "and" that share their subject (two undertakings)."""
    result = list(heads)
    for head in heads:
        result += [
            c
            for c in head.children
            if c.dep_ == "conj"
            and c.pos_ == "VERB"
            and c not in result
            and c.lemma_.lower() not in COMMITTING
            # "will tour ... and concludes": a fact; only a base form, or its own "will", shares the undertaking
            and (c.tag_ in ("VB", "VBG") or any(a.dep_ == "aux" and a.lower_ in FUTURE for a in c.children))
            # "will monitor ... and could reduce": a joined verb with its own modal is not undertaken
            and not any(a.dep_ == "aux" and a.lower_ in HYPOTHETICAL_AUX for a in c.children)
        ]
    return result


def _looking_to(verb: Token) -> list[Token]:
    """The infinitive of "look to" (an aim: "is looking to hire 200 engineers"); not "look to the future",
    "looking to the private sector to build" (others act), nor "were looking to" (an aim overtaken)."""
    if verb.tag_ == "VBD" or any((c.dep_ == "aux" and c.tag_ == "VBD") or c.dep_ == "prep" for c in verb.children):
        return []
    return [
        c
        for c in verb.children
        if c.dep_ == "xcomp" and c.pos_ == "VERB" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
    ]


def _planned(verb: Token) -> list[Token]:
    """What a plan's contents undertake: "the plan includes actions to raise X, reduce Y and improve Z" ->
    raise, reduce, improve (the infinitives after "actions/measures/steps to", and the list they head)."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lemma_.lower() not in PLAN_SUBJECTS:
        return []
    first = [
        a
        for c in verb.children
        if c.dep_ == "dobj"
        for a in c.children
        if a.dep_ in ("acl", "relcl") and a.tag_ == "VB"
    ]
    if not first:
        return []
    listed = [*first]
    for start in (verb, *first):  # the parser hangs the rest of the list on the first infinitive, or the verb
        listed += [t for t in start.subtree if t.dep_ == "conj" and t.tag_ == "VB" and t not in listed]
    return sorted(listed, key=lambda t: t.i)


def _may_commit(token: Token, span: Span) -> bool:
    """Could the word commit its subject at all: a verb (or "committed", "ready") that is not refused, hedged,
    predicted, heard from unnamed sources, negated, nor a wish for someone else's act?"""
    if token.pos_ not in ("VERB", "AUX", "ADJ") or _refused(token):
        return False
    if token.pos_ == "ADJ" and token.lower_ != "committed" and not (token.lower_ in READY and token.dep_ == "acomp"):
        return False  # "promising results"; "is ready to" commits
    if _hedged(token) or _predicted(token) or _hearsay(span):
        return False
    lemma = token.lemma_.lower()
    if negated(token) and (lemma in COMMITTING or not _future(token)):
        return False  # "did not pledge": no undertaking; "will not release funds until ...": one
    return not (lemma in WANTING and _wish_for_others(token))


def _committed(token: Token) -> list[Token]:
    """What a committing verb ("pledged to", "is committed to", "is ready to") undertakes: its complement's
    heads, else the verb itself; nothing for a view ("agreed that ...") or praise ("has promised a lot")."""
    lemma = token.lemma_.lower()
    complements = [c for c in token.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX")]
    if lemma == "commit" or token.lower_ == "committed":
        complements += [p for p in token.children if p.dep_ == "prep" and p.lower_ == "to"]
    that_clause = any(
        c.dep_ == "ccomp" and any(m.lower_ in ("that", "whether") for m in c.children) for c in complements
    )
    if lemma in NEEDS_COMPLEMENT and (that_clause or not complements):
        if not any(c.dep_ == "dobj" and c.lemma_.lower() in DEAL_NOUNS for c in token.children):
            if _future(token) and not that_clause:  # "Blue Origin will offer NASA its lander"
                return [token]
            return []  # "agreed that ...": a view, not an undertaking
        complements = []
    generic = [
        c for c in token.children if c.dep_ == "dobj" and c.lower_ in ("lot", "much", "more", "nothing", "everything")
    ]
    if generic and not complements:
        return []  # "has promised a lot": praise, not an undertaking
    return _with_joined(complements) if complements else [token]


def _seals(token: Token) -> bool:
    """Does a verb of sealing or renewing undertake what its object says ("signed a deal to build",
    "reaffirmed their commitment to", "announced plans to expand")?"""
    lemma = token.lemma_.lower()
    nouns = [
        c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in DEAL_NOUNS | COMMITMENT_NOUNS | PLAN_NOUNS
    ]
    sealing = lemma in SEALING | {"reaffirm", "renew"}
    # "announced plans to expand" undertakes something; "unveiled its plans", "announced the deal" do
    # not say what: a plan, or an announcement, needs its "to ..." to be an undertaking.
    needs_content = lemma in ANNOUNCING or any(n.lemma_.lower() in PLAN_NOUNS for n in nouns)
    has_content = any(
        c.dep_ in ("acl", "relcl", "xcomp") or (c.dep_ == "prep" and c.lower_ == "to")
        for n in nouns
        for c in n.children
    )
    return (
        bool(nouns) and (sealing or nouns[0].lemma_.lower() in COMMITMENT_NOUNS) and (has_content or not needs_content)
    )


SUPPORT_VERBS = frozenset({"express", "voice", "reaffirm", "reiterate", "pledge", "offer", "declare", "extend"})
SUPPORT_NOUNS = frozenset({"support", "backing"})


def _names_a_party(target: Token) -> bool:
    """Support for a party ("the DPRK side", "actions taken by the Russian government"), not for a thing
    ("the plan")."""
    inside = range(target.left_edge.i, target.right_edge.i + 1)
    if any(e.label_ in ("PERSON", "ORG", "GPE", "NORP") and e.start in inside for e in target.doc.ents):
        return True
    return any(t.lemma_.lower() in INSTITUTIONS for t in target.subtree)


def declared_support(token: Token) -> Token | None:
    """ "X expressed its firm support for Y": a party's stated support for another is its pledge to support
    it. The party supported (the object of "for"), or None."""
    if token.lemma_.lower() not in SUPPORT_VERBS:
        return None
    for noun in (c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in SUPPORT_NOUNS):
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("for", "to")):
            target = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if target is not None and _names_a_party(target):
                return target
    return None


def _speculated(verb: Token) -> bool:
    """ "Xi will choose the former": a person's bare future that nobody reports and nobody is quoted saying is
    the writer's guess, not the person's undertaking."""
    subject = subject_of(verb)
    if subject is None or subject.ent_type_ != "PERSON" or reporter_of(verb) is not None:
        return False
    if any(c.dep_ == "conj" for c in subject.children):
        return False  # "founding members A, B and C will reunite": the band's announced tour
    return not any(t.text in ("“", "”", '"') for t in verb.sent)


def _obliged(token: Token) -> bool:
    """ "China is going to have to make a deal", "they need to act": an obligation someone states, often of
    another party, not an undertaking."""
    return token.lemma_.lower() in ("have", "need") and any(
        c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in token.children
    )


def _decided_against(token: Token) -> bool:
    """ "Police decided not to prosecute", "the board decided to close the plant": a decision already taken,
    not a pledge."""
    # "decided to" in the past reports a decision taken (and most often acted on), not an undertaking ahead
    return token.lemma_.lower() == "decide" and token.tag_ in ("VBD", "VBN")


def _undertaking(token: Token, reference: date | None) -> Undertaking | None:
    """What the word undertakes, by the construction it heads, if it undertakes anything."""
    lemma = token.lemma_.lower()
    heads: list[Token] = []
    if _obliged(token) or _decided_against(token) or any(_obliged(h) for h in token.children if h.dep_ == "xcomp"):
        return None
    if (supported := declared_support(token)) is not None:
        return Undertaking(token, [supported], "support")
    if lemma in COMMITTING or token.lower_ == "committed" or token.lower_ in READY:
        heads = _committed(token)
    elif lemma == "look" and (aims := _looking_to(token)):  # "will look to ride", "is looking to hire"
        heads = _with_joined(aims)
    elif lemma == "go" and token.tag_ == "VBG" and any(c.dep_ == "aux" for c in token.children):
        heads = _with_joined([c for c in token.children if c.dep_ == "xcomp" and c.pos_ == "VERB"])
    elif lemma in SEALING | {"make", "reaffirm", "renew", "reiterate", "give"}:
        heads = [token] if _seals(token) else []
    elif lemma in CONTAINING and (listed := _planned(token)):
        return Undertaking(token, listed, "plan")
    elif lemma not in NOT_AGENTIVE | APPEARANCES | COMMITTING and futurate(token, reference):
        heads = _with_joined([token])
    elif token.lower_ in SCHEDULED and any(c.dep_ in ("auxpass", "aux") for c in token.children):
        heads = _with_joined([c for c in token.children if c.dep_ == "xcomp" and c.pos_ == "VERB"])
    elif token.pos_ == "VERB" and lemma not in NOT_AGENTIVE | APPEARANCES and _future(token):
        if token.dep_ == "xcomp" or _speculated(token):
            return None
        if any(c.dep_ == "auxpass" for c in token.children):
            return Undertaking(token, [token], "passive")
        heads = _with_joined([token])
    return Undertaking(token, heads) if heads else None


def undertakings(span: Span, reference: date | None) -> list[Undertaking]:
    """Every verb in the sentence that commits its subject, in order, with the heads of what it undertakes;
    a verb undertaken already under an earlier one ("pledged to build and run") is not one again."""
    found: list[Undertaking] = []
    claimed: set[int] = set()
    for token in span:
        if token.i in claimed or not _may_commit(token, span):
            continue
        undertaking = _undertaking(token, reference)
        if undertaking is not None:
            found.append(undertaking)
            claimed.update(h.i for h in undertaking.heads)
    return found
