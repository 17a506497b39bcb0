"""Commitments from the dependency parse: who undertook what, to whom, by when, and on what condition.

A commitment is a clause whose verb commits its subject (pledge, promise, vow, agree to, plan to, intend
to, sign a deal to, make a commitment to, be committed to), or a future construction with an agent as its
subject ("the ministry will fund", "X said it would hire"). Then, from the parse:
- the actor is the clause's subject (`actors`): a named party, or an institution ("the council"); pronouns, "the
  authority" and "both sides" are resolved to the party named earlier; aliases merge (`aliases`);
- the action is the complement's verb phrase, without other commitments joined to it;
- the counterparty is the dative, or the object of "to"/"with"/"for" when it names a party;
- the deadline is a date inside this clause (not the date of the announcement), kept as worded and
  resolved against the article's date;
- a condition ("if", "unless", "until", "once") is kept with the commitment.
Two undertakings in one sentence are two commitments. Rejected: forecasts (no agent, "is expected to",
"could"), surveys (a share of people as subject), hypotheticals ("would" not reported), refusals and
negated pledges, and scheduled appearances (speaking, attending, playing a match).
"""

from __future__ import annotations

from datetime import date

from spacy.tokens import Token

from briefer.models import Commitment, Evidence
from briefer.offline.actors import Context, party_of, resolve_actor, subject_of
from briefer.offline.clauses import Undertaking, negated, reporter_of, undertakings
from briefer.offline.deadlines import deadline_of
from briefer.offline.lexicon import (
    APPEARANCES,
    COMMITTING,
    INDEFINITE,
    PLAN_SUBJECTS,
    PROMISING,
    REPORTING,
    SEALING,
    WANTING,
)
from briefer.offline.nlp import Sentence
from briefer.offline.wording import (
    action_of,
    antecedent_of,
    base_form,
    condition_of,
    counterparty_of,
    passive_action,
    supported_phrase,
)

Named = tuple[Token, tuple[str, bool]]  # the subject (or agent, reporter, plan) and (the actor, whether a person)


def _actor(verb: Token, context: Context) -> Named | None:
    """The verb's subject and the actor it names. A subject inherited through "and" from a reported clause
    is the reporter's ("pledged that construction would begin ... and promised to publish": the mayor's)."""
    subject = subject_of(verb)
    if subject is None or _indefinite(subject) or _expletive(subject):
        return None
    if any(c.dep_ == "nsubj" and _indefinite(c) for c in subject.head.children):
        return None  # "South Dakota, no one's going to take your slogan": the name is only addressed
    resolved = resolve_actor(subject, reporter_of(verb), context)
    if resolved is not None:
        return subject, resolved
    inherited = not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    if inherited and subject.head.dep_ == "ccomp" and subject.head.head != subject.head:
        return _actor(subject.head.head, context)
    return None


def _indefinite(subject: Token) -> bool:
    """ "Someone's going to uncover your login", "no one's going to take your slogan": nobody's undertaking."""
    return subject.lower_ in INDEFINITE or (subject.lower_ == "one" and any(c.lower_ == "no" for c in subject.children))


def _expletive(subject: Token) -> bool:
    """ "It's guaranteed that someone will ...": "it" stands for the clause, not a party."""
    verb = subject.head
    return (
        subject.lower_ == "it"
        and any(c.dep_ == "auxpass" for c in verb.children)
        and any(c.dep_ == "ccomp" for c in verb.children)
    )


def _plan_owner(verb: Token, context: Context) -> Named | None:
    """Whose plan: its possessor ("Seoul's plan", "its plan"), else the party that acted or was named last."""
    plan = next(c for c in verb.children if c.dep_ == "nsubj")
    owner = next((c for c in plan.children if c.dep_ == "poss"), None)
    if owner is not None and owner.pos_ != "PRON":
        resolved = resolve_actor(owner, None, context)
        return (plan, resolved) if resolved else None
    # the party acting or named last, not the plan itself when it has a name ("the Fourth Energy Plan")
    party = next(
        (
            p
            for p in (context.acting_org, context.org, context.party, *reversed(context.names))
            if p and not PLAN_SUBJECTS & set(p.lower().split())
        ),
        None,
    )
    return (plan, (party, False)) if party else None


def _passive_actor(verb: Token, context: Context) -> Named | None:
    """Who undertakes a future passive: its agent ("will be released by the ministry"), else the party that
    announces it ("the house will be turned into a police station, the minister said"). Without either it
    is a forecast or a schedule of no one's ("the match will be played on Sunday")."""
    for child in verb.children:
        if child.dep_ == "agent":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            resolved = resolve_actor(agent, None, context) if agent is not None else None
            return (agent, resolved) if agent is not None and resolved is not None else None
    reporter = reporter_of(verb)
    if reporter is None or reporter.lower_ in ("it", "they", "he", "she", "we", "i"):
        return None
    resolved = resolve_actor(reporter, None, context)
    return (reporter, resolved) if resolved is not None else None


def _undertaker(found: Undertaking, context: Context) -> Named | None:
    """Who undertakes it: a plan's owner, a future passive's agent or reporter, else the verb's subject."""
    verb = found.verb
    # A bare future ("it will house the offices") names its agent or its reporter; only a committing verb
    # lets "it" and "they" reach back to earlier sentences.
    # A wish ("they want to") and "be going to" (often a prediction: "they're going to walk away with
    # millions") are weaker: their party must be named in the sentence, or be the reporter.
    resolving = COMMITTING - WANTING | SEALING | {"reaffirm", "renew", "reiterate"}
    context.resolving = verb.lemma_.lower() in resolving
    if found.kind == "plan":
        named = _plan_owner(verb, context)
    else:
        named = _passive_actor(verb, context) if found.kind == "passive" else _actor(verb, context)
    context.resolving = True
    return named


def _commitments_of(
    found: Undertaking, subject: Token, actor: str, sentence: Sentence, reference: date | None
) -> list[Commitment]:
    """One commitment for each head undertaken, unless it is an appearance or says nothing of what."""
    verb, heads = found.verb, found.heads
    commitments: list[Commitment] = []
    for head in heads:
        if head != verb and head.lemma_.lower() in APPEARANCES and verb.lemma_.lower() not in PROMISING:
            continue  # "plans to attend the summit": an appearance; "vowed to meet again" is a pledge
        others = {t.i for h in heads if h != head and h.i > head.i for t in h.subtree}
        if found.kind == "support":  # "expressed its firm support for the DPRK side in its efforts to ..."
            commitments.append(_support(head, actor, sentence))
            continue
        action = passive_action(verb) if found.kind == "passive" else action_of(verb, head, subject, others)
        if len(action.split()) < 2:
            action = f"{action} {antecedent_of(verb)}".strip()  # "talks, which X stands ready to support"
        if len(action.split()) < 2:
            continue  # "has promised": nothing said of what
        if negated(head) and not action.lower().startswith(("not ", "never ")):
            action = f"not {action}"
        based = action if found.kind == "passive" else base_form(action, verb, head)
        if based is None:
            continue  # not a verb phrase that undertakes anything: when unsure, leave it out
        action = based
        deadline, due = deadline_of(head, reference, REPORTING, SEALING)
        commitments.append(
            Commitment(
                actor=actor,
                action=action,
                counterparty=counterparty_of([head, verb], actor, action if head.dep_ == "prep" else ""),
                deadline=deadline,
                due=due,
                condition=condition_of([head, verb]),
                evidence=[Evidence(quote=sentence.text, start=sentence.start, end=sentence.end)],
                grounded=True,
            )
        )
    return commitments


def _support(supported: Token, actor: str, sentence: Sentence) -> Commitment:
    """A party's declared support for another, as its pledge to support it."""
    whom = supported_phrase(supported)
    return Commitment(
        actor=actor,
        action=f"support {whom}",
        counterparty=counterparty_of([supported.head.head], actor) or party_of(supported),
        evidence=[Evidence(quote=sentence.text, start=sentence.start, end=sentence.end)],
        grounded=True,
    )


def commitments_in(sentence: Sentence, context: Context, reference: date | None) -> list[Commitment]:
    """Every commitment the sentence states (none for most sentences)."""
    commitments: list[Commitment] = []
    for found in undertakings(sentence.span, reference):
        named = _undertaker(found, context)
        if named is None:
            continue
        subject, (actor, is_person) = named
        context.remember(actor, is_person)
        commitments += _commitments_of(found, subject, actor, sentence, reference)
    return commitments


def _words(action: str) -> set[str]:
    return {w.strip(".,;:“”\"'()").casefold() for w in action.split()} - {""}


def merged(commitments: list[Commitment]) -> list[Commitment]:
    """The same undertaking stated twice in one article (the lead and the body) is one item carrying both
    quotes: the same actor, and the words of one action all in the other (at least three of them)."""
    kept: list[Commitment] = []
    for item in commitments:
        mine = _words(item.action)
        twin = next(
            (
                k
                for k in kept
                if k.actor == item.actor
                and min(len(mine), len(_words(k.action))) >= 3
                and (mine <= _words(k.action) or _words(k.action) <= mine)
            ),
            None,
        )
        if twin is None:
            kept.append(item)
            continue
        quotes = {e.quote for e in twin.evidence}
        kept[kept.index(twin)] = twin.model_copy(
            update={
                "evidence": [*twin.evidence, *(e for e in item.evidence if e.quote not in quotes)],
                "deadline": twin.deadline or item.deadline,
                "due": twin.due or item.due,
                "counterparty": twin.counterparty or item.counterparty,
                "condition": twin.condition or item.condition,
            }
        )
    return kept
