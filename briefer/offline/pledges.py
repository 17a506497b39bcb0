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

import calendar
from datetime import date

from spacy.tokens import Span, Token

from briefer.models import Commitment, Evidence
from briefer.offline.actors import (
    READY,
    Context,
    clean,
    party_of,
    phrase_of,
    resolve_actor,
    subject_of,
)
from briefer.offline.deadlines import deadline_of, futurate
from briefer.offline.nlp import Sentence

COMMITTING = frozenset(
    "pledge promise vow commit undertake guarantee agree swear resolve plan intend aim decide vote offer want "
    "seek".split()
)
PROMISING = frozenset("pledge promise vow commit agree guarantee swear undertake".split())
NEEDS_COMPLEMENT = frozenset(
    "agree plan intend aim decide vote offer resolve want seek".split()
)  # "agreed that" is not one
WANTING = frozenset({"want", "seek"})  # an intention only of the wanter's own act: "wants China to buy" is none
PREDICTING = frozenset(
    "predict expect forecast speculate claim believe think suggest estimate warn fear hope report suspect guess "
    "assume doubt wonder argue".split()
)
HEDGES = frozenset({"likely", "probably", "possibly", "perhaps", "maybe", "reportedly", "allegedly"})
HYPOTHETICAL_AUX = frozenset({"could", "may", "might", "should", "must"})
QUESTION_MARKS = frozenset({"whether", "if"})
CAUSATIVE = frozenset({"let", "allow", "make", "have", "permit", "leave"})
CONCESSIVE = frozenset({"while", "although", "though", "whereas"})
REPORTING = frozenset("say announce confirm state tell insist add reiterate declare pledge promise vow".split())
COMMITMENT_NOUNS = frozenset(
    "commitment pledge promise vow guarantee undertaking determination intent intention resolve readiness".split()
)
DEAL_NOUNS = frozenset("agreement deal treaty pact contract accord memorandum declaration".split())
PLAN_NOUNS = frozenset("plan plans intention bid".split())  # "announced plans to expand": the plan is an undertaking
CONTAINING = frozenset("include contain envisage foresee propose outline".split())  # "the plan includes ..."
PLAN_SUBJECTS = frozenset("plan roadmap strategy programme program blueprint agenda package proposal".split())
SEALING = frozenset("sign finalize finalise reach strike seal clinch conclude announce unveil reveal outline".split())
SCHEDULED = frozenset({"set", "scheduled", "due"})
ANNOUNCING = frozenset("announce unveil reveal outline".split())
HEARSAY = frozenset(
    "source report reports people analyst analysts data media".split()
)  # "is set to launch", "is due to open"
FUTURE = frozenset({"will", "shall", "'ll", "’ll", "wo"})  # "she’ll": typeset apostrophes too
NOT_AGENTIVE = frozenset(
    "be have become remain seem appear face need cost see get happen go come last depend mean lead "
    "result rise fall grow drop hit affect suffer feel look sound prove".split()
)
APPEARANCES = frozenset(
    "speak address attend visit travel talk testify comment arrive meet play compete race star feature "
    "perform sing watch return reprise hold host".split()
)
OBJECT_CASE = {"i": "me", "we": "us", "he": "him", "she": "her", "they": "them"}
GIVING = frozenset("provide give offer pay lend send supply grant sell award hand".split())
CONDITION_MARKS = frozenset({"if", "unless", "until", "once", "provided", "when"})
MAX_ACTION_WORDS = 16


def _forms(lemma: str) -> set[str]:
    """A word's regular inflections: pledge -> pledges, pledged, pledging; commit -> committed, committing."""
    base = lemma[:-1] if lemma.endswith("e") else lemma
    double = lemma + lemma[-1] if lemma.endswith(("it", "an", "ot")) else lemma
    return {lemma, lemma + "s", base + "ed", base + "ing", double + "ed", double + "ing", lemma + "es"}


# Every form of the lexicon above, to pick out the sentences worth parsing: a sentence with none of them
# cannot state a commitment (the parse still decides for the others).
_FORMS = frozenset(
    form
    for lemma in COMMITTING | PROMISING | COMMITMENT_NOUNS | DEAL_NOUNS | {"sign", "reaffirm", "renew", "reiterate"}
    for form in _forms(lemma)
) - {"according"} | {"will", "shall", "'ll", "wo", "swore", "sworn", "undertook", "undertaken", "sought"}
_REPORTED = frozenset({"said", "says", "say", "told", "tells", "announced", "added", "confirmed", "stated", "insisted"})


_TIMES = frozenset(
    [m.lower() for m in calendar.month_name[1:]]
    + [d.lower() for d in calendar.day_name]
    + ["next", "tomorrow", "later", "coming", "tonight"]
)
LOOKING = frozenset({"going", "look", "looks", "looking"})  # "is going to", "will look to"
_BE = frozenset({"is", "are", "am", "be", "been", "was", "were"})
_CONTAINS = frozenset(form for lemma in CONTAINING for form in _forms(lemma))


def _be(word: str) -> bool:
    return word in _BE or word.endswith(("'s", "'re"))


def worth_parsing(words: list[str]) -> bool:
    """Could a sentence with these (lower-case) words, in order, state a commitment? Cheap: no parse needed,
    and narrow, since parsing is most of the cost. "Would" counts only beside a reporting verb ("said it
    would"); the other cues only in the word sequences that can carry them ("is set to", "ready to", "is
    stepping down ... in May", a plan that "includes")."""
    present = set(words)
    if present & _FORMS or ("would" in present and present & _REPORTED):
        return True
    if present & PLAN_SUBJECTS and present & _CONTAINS:
        return True
    timed = bool(present & _TIMES) or any(w.isdigit() and len(w) == 4 for w in present)
    for before, word, after in zip(["", *words[:-1]], words, [*words[1:], ""], strict=True):
        if after == "to" and (word in READY | LOOKING or (word in SCHEDULED and _be(before))):
            return True  # "is set to", "stands ready to", "is going to"
        if timed and word.endswith("ing") and (before in ("is", "are") or before.endswith(("'s", "'re"))):
            return True  # "is stepping down in May": a progressive with a time (the parse decides if ahead)
    return False


def _negated(token: Token) -> bool:
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


def _counterparty(verbs: list[Token], actor: str) -> str | None:
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
                found = _counterparty([child], actor)
                if found:
                    return found
    return None


def _condition(verbs: list[Token]) -> str | None:
    for verb in verbs:
        for child in verb.children:
            marks = [m for m in child.children if m.dep_ == "mark" and m.lower_ in CONDITION_MARKS]
            if child.dep_ == "advcl" and marks:
                return clean(child.doc[min(t.i for t in child.subtree) : max(t.i for t in child.subtree) + 1].text)
            if child.dep_ == "prep" and child.lower_ == "until":
                return clean(child.doc[child.i : max(t.i for t in child.subtree) + 1].text)
    return None


def _reporter(verb: Token) -> Token | None:
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
            if child.dep_ == "aux" and child.lower_ in ("would", "'d") and _reporter(candidate) is not None:
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


def _actor(verb: Token, context: Context) -> tuple[Token, tuple[str, bool]] | None:
    """The verb's subject and the actor it names. A subject inherited through "and" from a reported clause
    is the reporter's ("pledged that construction would begin ... and promised to publish": the mayor's)."""
    subject = subject_of(verb)
    if subject is None or _indefinite(subject) or _expletive(subject):
        return None
    if any(c.dep_ == "nsubj" and _indefinite(c) for c in subject.head.children):
        return None  # "South Dakota, no one's going to take your slogan": the name is only addressed
    resolved = resolve_actor(subject, _reporter(verb), context)
    if resolved is not None:
        return subject, resolved
    inherited = not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    if inherited and subject.head.dep_ == "ccomp" and subject.head.head != subject.head:
        return _actor(subject.head.head, context)
    return None


INDEFINITE = frozenset(
    "someone somebody anyone anybody everyone everybody nobody something anything everything nothing".split()
)


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


def _antecedent(verb: Token) -> str:
    """The noun a relative clause's object stands for ("negotiations, which the US stands ready to support":
    the negotiations), or ""."""
    clause = next((t for t in (verb, *verb.ancestors) if t.dep_ == "relcl"), None)
    if clause is None or not any(c.dep_ == "dobj" and c.tag_ in ("WDT", "WP") for c in clause.children):
        return ""
    named = _text(list(phrase_of(clause.head)))
    return named[:1].lower() + named[1:] if clause.head.doc[clause.head.left_edge.i].pos_ == "DET" else named


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


def _plan_owner(verb: Token, context: Context) -> tuple[Token, tuple[str, bool]] | None:
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


def _passive_actor(verb: Token, context: Context) -> tuple[Token, tuple[str, bool]] | None:
    """Who undertakes a future passive: its agent ("will be released by the ministry"), else the party that
    announces it ("the house will be turned into a police station, the minister said"). Without either it
    is a forecast or a schedule of no one's ("the match will be played on Sunday")."""
    for child in verb.children:
        if child.dep_ == "agent":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            resolved = resolve_actor(agent, None, context) if agent is not None else None
            return (agent, resolved) if agent is not None and resolved is not None else None
    reporter = _reporter(verb)
    if reporter is None or reporter.lower_ in ("it", "they", "he", "she", "we", "i"):
        return None
    resolved = resolve_actor(reporter, None, context)
    return (reporter, resolved) if resolved is not None else None


def _passive_action(verb: Token) -> str:
    """A future passive in the active voice: "funds will be released" -> "release funds"; "the house will be
    turned into a station" -> "turn the house into a station"."""
    patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    drop = {c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "agent")}
    if patient is not None:
        drop |= {t.i for t in patient.subtree}
    rest = _action_tokens(verb, drop)
    rest = [t for t in rest if t.i != verb.i and not any(a.dep_ == "agent" for a in [t, *t.ancestors] if a.i != verb.i)]
    words = [("not " if _negated(verb) else "") + verb.lemma_.lower()]
    if patient is not None:
        named = OBJECT_CASE.get(patient.lower_) or _text(list(phrase_of(patient)))  # "she" -> "allow her to"
        words.append(named[:1].lower() + named[1:] if patient.doc[patient.left_edge.i].pos_ == "DET" else named)
    words.append(_text(rest))
    return " ".join(w for w in words if w)


def _action(verb: Token, head: Token, subject: Token, others: set[int]) -> str:
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


def commitments_in(sentence: Sentence, context: Context, reference: date | None) -> list[Commitment]:
    """Every commitment the sentence states (none for most sentences)."""
    found: list[tuple[Token, list[Token]]] = []  # (the committing verb, the heads of what is undertaken)
    claimed: set[int] = set()
    passives: set[int] = set()  # "will be released by the ministry": the agent, or the reporter, acts
    contents: set[int] = set()  # "the plan includes actions to raise ...": the plan's owner acts
    for token in sentence.span:
        if token.i in claimed or token.pos_ not in ("VERB", "AUX", "ADJ") or _refused(token):
            continue
        if (
            token.pos_ == "ADJ"
            and token.lower_ != "committed"
            and not (token.lower_ in READY and token.dep_ == "acomp")
        ):
            continue  # "promising results"; "is ready to" commits
        if _hedged(token) or _predicted(token) or _hearsay(sentence.span):
            continue
        lemma = token.lemma_.lower()
        if _negated(token) and (lemma in COMMITTING or not _future(token)):
            continue  # "did not pledge": no undertaking; "will not release funds until ...": one
        heads: list[Token] = []
        if lemma in WANTING and _wish_for_others(token):
            continue
        if lemma in COMMITTING or token.lower_ == "committed" or token.lower_ in READY:
            complements = [c for c in token.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX")]
            if lemma == "commit" or token.lower_ == "committed":
                complements += [p for p in token.children if p.dep_ == "prep" and p.lower_ == "to"]
            that_clause = any(
                c.dep_ == "ccomp" and any(m.lower_ in ("that", "whether") for m in c.children) for c in complements
            )
            if lemma in NEEDS_COMPLEMENT and (that_clause or not complements):
                if not any(c.dep_ == "dobj" and c.lemma_.lower() in DEAL_NOUNS for c in token.children):
                    if _future(token) and not that_clause:  # "Blue Origin will offer NASA its lander"
                        found.append((token, [token]))
                        claimed.add(token.i)
                    continue  # "agreed that ...": a view, not an undertaking
                complements = []
            generic = [
                c
                for c in token.children
                if c.dep_ == "dobj" and c.lower_ in ("lot", "much", "more", "nothing", "everything")
            ]
            if generic and not complements:
                continue  # "has promised a lot": praise, not an undertaking
            heads = _with_joined(complements) if complements else [token]
        elif lemma == "look" and (aims := _looking_to(token)):  # "will look to ride", "is looking to hire"
            heads = _with_joined(aims)
        elif lemma == "go" and token.tag_ == "VBG" and any(c.dep_ == "aux" for c in token.children):
            heads = _with_joined([c for c in token.children if c.dep_ == "xcomp" and c.pos_ == "VERB"])
        elif lemma in SEALING | {"make", "reaffirm", "renew", "reiterate", "give"}:
            nouns = [
                c
                for c in token.children
                if c.dep_ == "dobj" and c.lemma_.lower() in DEAL_NOUNS | COMMITMENT_NOUNS | PLAN_NOUNS
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
            if (
                nouns
                and (sealing or nouns[0].lemma_.lower() in COMMITMENT_NOUNS)
                and (has_content or not needs_content)
            ):
                heads = [token]
        elif lemma in CONTAINING and (listed := _planned(token)):
            contents.add(token.i)
            heads = listed
        elif lemma not in NOT_AGENTIVE | APPEARANCES | COMMITTING and futurate(token, reference):
            heads = _with_joined([token])
        elif token.lower_ in SCHEDULED and any(c.dep_ in ("auxpass", "aux") for c in token.children):
            heads = _with_joined([c for c in token.children if c.dep_ == "xcomp" and c.pos_ == "VERB"])
        elif token.pos_ == "VERB" and lemma not in NOT_AGENTIVE | APPEARANCES and _future(token):
            if token.dep_ == "xcomp":
                continue
            if any(c.dep_ == "auxpass" for c in token.children):
                passives.add(token.i)
                heads = [token]
            else:
                heads = _with_joined([token])
        if heads:
            found.append((token, heads))
            claimed.update(h.i for h in heads)
    commitments: list[Commitment] = []
    for verb, heads in found:
        # A bare future ("it will house the offices") names its agent or its reporter; only a committing verb
        # lets "it" and "they" reach back to earlier sentences.
        # A wish ("they want to") and "be going to" (often a prediction: "they're going to walk away with
        # millions") are weaker: their party must be named in the sentence, or be the reporter.
        resolving = COMMITTING - WANTING | SEALING | {"reaffirm", "renew", "reiterate"}
        context.resolving = verb.lemma_.lower() in resolving
        if verb.i in contents:
            named = _plan_owner(verb, context)
        else:
            named = _passive_actor(verb, context) if verb.i in passives else _actor(verb, context)
        context.resolving = True
        if named is None:
            continue
        subject, (actor, is_person) = named
        context.remember(actor, is_person)
        for head in heads:
            if head != verb and head.lemma_.lower() in APPEARANCES and verb.lemma_.lower() not in PROMISING:
                continue  # "plans to attend the summit": an appearance; "vowed to meet again" is a pledge
            others = {t.i for h in heads if h != head and h.i > head.i for t in h.subtree}
            action = _passive_action(verb) if verb.i in passives else _action(verb, head, subject, others)
            if len(action.split()) < 2:
                action = f"{action} {_antecedent(verb)}".strip()  # "talks, which X stands ready to support"
            if len(action.split()) < 2:
                continue  # "has promised": nothing said of what
            if _negated(head) and not action.lower().startswith(("not ", "never ")):
                action = f"not {action}"
            deadline, due = deadline_of(head, reference, REPORTING, SEALING)
            commitments.append(
                Commitment(
                    actor=actor,
                    action=action,
                    counterparty=_counterparty([verb, head], actor),
                    deadline=deadline,
                    due=due,
                    condition=_condition([head, verb]),
                    evidence=[Evidence(quote=sentence.text, start=sentence.start, end=sentence.end)],
                    grounded=True,
                )
            )
    return commitments
