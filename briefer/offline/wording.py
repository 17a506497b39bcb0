"""The words of a commitment taken from its clause's parse: the action, the counterparty and the condition."""

from __future__ import annotations

from itertools import pairwise

from spacy.tokens import Token

from briefer.offline.actors import clean, party_of, phrase_of
from briefer.offline.aliases import canonical
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
    kept = [
        t
        for t in head.subtree
        if t.i not in excluded and (t.i >= head.i or t.dep_ in ("neg", "prt") or _joined_to(t, head))
    ]
    return [*(t for t in _word_start(head) if t not in kept), *kept]


def _joined_to(token: Token, head: Token) -> bool:
    """`token` is part of the same written word as `head` ("re-evaluate": "re", "-", "evaluate")."""
    return token.i < head.i and all(not t.whitespace_ for t in token.doc[token.i : head.i])


def _word_start(head: Token) -> list[Token]:
    """The parts written before `head` in one word, however the parser attached them ("re", "-")."""
    doc, start = head.doc, head.i
    while start > 0 and not doc[start - 1].whitespace_ and (doc[start - 1].is_alpha or doc[start - 1].text == "-"):
        start -= 1
    return list(doc[start : head.i])


_DANGLING_POS = {"ADP", "DET", "CCONJ", "SCONJ", "PART", "PUNCT"}
_OPENING = {"“": "”", '"': '"', "‘": "’", "(": ")"}
_CLOSING = {"”", ")"}


def _shortened(tokens: list[Token]) -> list[Token]:
    """At most MAX_ACTION_WORDS, cut at a phrase boundary: before a clause the cut would leave unfinished
    ("an address that sought ..."), never inside quote marks or brackets, never on a preposition, article,
    conjunction or a bare "to" (the full sentence stays the quote)."""
    if len(tokens) > MAX_ACTION_WORDS:
        whole = {t.i for t in tokens}
        kept = {t.i for t in tokens[:MAX_ACTION_WORDS]}
        tokens = tokens[:MAX_ACTION_WORDS]
        # the phrases the cut leaves unfinished ("an address that sought …"), not the action's own head
        unfinished = [
            t.left_edge.i
            for t in tokens
            if t.head.i in whole and t.head != t and any(d.i in whole and d.i not in kept for d in t.subtree)
        ]
        doc = tokens[0].doc
        commas = [  # a comma in the sentence between two words of the action (the action leaves punctuation out)
            b.i
            for a, b in pairwise(tokens[3:])
            if any(doc[k].text in (",", ";", "—", "–") for k in range(a.i + 1, b.i + 1))
        ]
        if commas:  # a cut at the last comma keeps whole phrases
            tokens = [t for t in tokens if t.i < commas[-1] and doc[t.i].text not in (",", ";", "—", "–")]
        elif unfinished and max(unfinished) > tokens[0].i + 1:  # else before the innermost unfinished phrase
            tokens = [t for t in tokens if t.i < max(unfinished)]
        while len(tokens) > 1 and tokens[-1].head.i not in {t.i for t in tokens} and tokens[-1].head != tokens[-1]:
            tokens = tokens[:-1]  # a word whose head the cut left out ("…, three" of "three months later")
    open_at = None
    for n, token in enumerate(tokens):
        if open_at is not None and token.text == _OPENING[tokens[open_at].text]:
            open_at = None
        elif token.text in _CLOSING and open_at is None:  # a quote closed that the action did not open
            tokens = tokens[:n]
            break
        elif token.text in _OPENING and open_at is None:
            open_at = n
    if open_at is not None:  # the closing mark hangs elsewhere in the parse: take it when it follows at once
        doc, last = tokens[-1].doc, tokens[-1].i
        closer = next((t for t in doc[last + 1 : last + 3] if t.text == _OPENING[tokens[open_at].text]), None)
        closes = closer is not None and len(tokens) < MAX_ACTION_WORDS
        tokens = [*tokens, closer] if closer is not None and closes else tokens[:open_at]
    while (
        tokens
        and tokens[-1].text not in _CLOSING | {'"'}
        and (tokens[-1].pos_ in _DANGLING_POS or tokens[-1].tag_ in ("TO", "POS", "WDT", "WP"))
    ):
        tokens = tokens[:-1]
    return tokens


_NAMING = frozenset({"describe", "call", "term", "dub", "label"})


def _without_naming(tokens: list[Token]) -> list[Token]:
    """ "into what they described as “eternal strategic relations”" -> "into “eternal strategic relations”"."""
    for n in range(len(tokens) - 2):
        what, who, verb = tokens[n : n + 3]
        if what.lower_ == "what" and who.pos_ == "PRON" and verb.lemma_.lower() in _NAMING:
            rest = tokens[n + 3 :]
            return tokens[:n] + (rest[1:] if rest and rest[0].lower_ == "as" else rest)
    return tokens


def _text(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    tokens = _without_naming(sorted(tokens, key=lambda t: t.i))
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "cc"):
        tokens.pop()
    tokens = _shortened(tokens)
    text = ""
    for n, token in enumerate(tokens):
        text += token.text
        if n + 1 < len(tokens):
            text += token.whitespace_ if tokens[n + 1].i == token.i + 1 or tokens[n + 1].text in _CLOSING else " "
    tidy = " ".join(text.split()).strip(" ,;:")
    balanced = tidy.count("“") == tidy.count("”") and tidy.count('"') % 2 == 0 and tidy.count("(") == tidy.count(")")
    return tidy if balanced and tidy[:1] not in '“"(' else clean(text)


def _party_in(token: Token, labels: tuple[str, ...] = ("PERSON", "ORG", "GPE", "NORP")) -> str | None:
    """The party a phrase names: a person or organisation (or, for a recipient, a place) in its own noun
    phrase ("COO and president Mike Siever": Mike Siever), else the institution or group its head word is
    ("migrant families", "the council")."""
    own = {token.i} | {
        t.i for c in token.children if c.dep_ in ("compound", "amod", "poss", "conj", "appos", "det") for t in c.subtree
    }
    for ent in token.doc.ents:
        if ent.label_ in labels and any(i in own for i in range(ent.start, ent.end)):
            return canonical(clean(ent.text))
    if token.pos_ in ("PRON", "PROPN") or token.like_num or token.ent_type_:
        return None
    return party_of(token)


def counterparty_of(verbs: list[Token], actor: str, what: str = "") -> str | None:
    """The party the undertaking is made to, with or for: a dative, the object of "to", "with", "for", "into"
    or "from" (a seller), the one given something ("provide Vietnam's coast guard with a ship"), or a party
    the action acts on ("vaccinate migrant families"); never the actor, and never the undertaking itself
    ("committed to the formula": `what`)."""
    for verb in verbs:
        found = _counterparty_of(verb, actor, what)
        if found:
            return found
    return None


def _counterparty_of(verb: Token, actor: str, what: str) -> str | None:
    candidates: list[Token] = []
    for child in verb.children:
        if child.dep_ == "dative":
            candidates.append(next((c for c in child.children if c.dep_ == "pobj"), child))
        elif (
            child.dep_ == "dobj"
            and verb.lemma_.lower() in GIVING
            and any(c.dep_ == "prep" and c.lower_ == "with" for c in verb.children)
        ):  # "provide Vietnam's coast guard with a ship"
            candidates.append(child)
        elif child.dep_ == "prep" and child.lower_ in ("to", "with", "for", "into"):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None and not (what and pobj.text in what.split()):
                candidates.append(pobj)
    for candidate in candidates:
        named = _party_in(candidate)
        if named and named != actor and canonical(named) != canonical(actor):
            return named
    for child in verb.children:
        if child.dep_ == "dobj" and child.lemma_.lower() in DEAL_NOUNS | COMMITMENT_NOUNS:
            inner = _counterparty_of(child, actor, what)
            if inner:
                return inner
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
        first = patient.doc[patient.left_edge.i]
        common = first.pos_ == "DET" or (first.is_sent_start and first.pos_ != "PROPN")  # "Next steps" -> "next"
        words.append(named[:1].lower() + named[1:] if common else named)
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
        words = _text(clause).split()
        # "pledged that construction would begin": to see that it will ("ensure that construction will begin")
        return "ensure that " + " ".join("will" if w.lower() in ("would", "'d") else w for w in words)
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


def base_form(action: str, verb: Token, head: Token) -> str | None:
    """The action as a verb phrase in the base form ("pledged support" -> "pledge support"), "honour" before
    what one is committed to ("committed to all its obligations" -> "honour all its obligations"), or None
    when it does not start with a verb that undertakes anything (a past act joined to a pledge, "imposed
    cuts"; a noun phrase)."""
    words = action.split()
    lead = ""
    if words and words[0].lower() in ("not", "never"):
        lead, words = words[0] + " ", words[1:]
    adverbs = {t.text for t in head.subtree if t.pos_ == "ADV"}
    while len(words) > 1 and words[0] in adverbs:  # "fully implement the treaty": the verb after the adverb
        lead, words = lead + words[0] + " ", words[1:]
    if not words:
        return None
    first = words[0]
    if first.lower() != head.lower_ and first.lower().endswith("-" + head.lower_):  # "re-evaluate"
        first = head.text
    if first.lower() == head.lower_ and head.i < len(head.doc):
        if head.tag_ in ("VBD", "VBN") and head != verb and head.lemma_.lower() != first.lower():
            return None  # a past act joined to the undertaking ("imposed cuts and plans to ...")
        if head.tag_ in ("VBG", "VBZ", "VBP", "VBD", "VBN") and head.pos_ in ("VERB", "AUX"):
            words[0] = head.lemma_.lower()
        elif head.pos_ not in ("VERB", "AUX"):
            return None
        return lead + " ".join(words)
    if first.lower() in (verb.lemma_.lower(), head.lemma_.lower(), "ensure"):
        return lead + " ".join(words)
    pledged_noun = head == verb and any(
        c.dep_ == "dobj" and c.lemma_.lower() in COMMITMENT_NOUNS | DEAL_NOUNS for c in verb.children
    )
    known = next((t for t in head.subtree if t.text == first), None)
    if pledged_noun and known is not None and known.pos_ in ("DET", "NOUN", "PROPN", "ADJ", "NUM"):
        return None if lead else f"honour {' '.join(words)}"  # "reaffirmed their commitment to the treaty"
    if known is not None and known.tag_ == "VB":
        return lead + " ".join(words)
    if (
        known is not None
        and known.tag_ in ("VBG", "VBZ", "VBP")
        and known.pos_ == "VERB"
        and known.dep_ not in ("compound", "amod", "nmod", "appos")  # the undertaking's verb, not a word of a name
        and known.head.pos_ != "PROPN"
    ):
        return lead + " ".join([known.lemma_.lower(), *words[1:]])  # "to strengthening ties" -> "strengthen ties"
    if head.dep_ == "prep" and head.pos_ == "ADP":  # "is committed to all its obligations"
        if lead:
            return None
        governor = head.head
        adjectival = (
            governor.dep_ == "acomp"
            or governor.tag_ == "JJ"
            or any(c.dep_ in ("auxpass", "aux") and c.lemma_ == "be" for c in governor.children)
        )
        return f"{'honour' if adjectival else 'commit to'} {' '.join(words)}"
    return None


def supported_phrase(target: Token) -> str:
    """Who and what a declared support is for: "the DPRK side in its just efforts for defending the state
    security" (the phrase, shortened at a phrase boundary)."""
    words = _text(list(target.subtree))
    return words[:1].lower() + words[1:] if target.doc[target.left_edge.i].pos_ == "DET" else words
