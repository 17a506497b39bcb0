"""Who a commitment's actor and counterparty are: the clause's subject resolved to a party.

A named party (an entity; a proper noun the recogniser missed; a name in an apposition), an institution
("the council"), or an earlier party when the subject is a pronoun, "the company", "the authority" or "both
sides" (`Context` keeps the parties an article has named so far). Not a party: people at large, a survey's
share ("42 per cent of parents"), a share of a class ("many officials").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from briefer.offline.aliases import canonical

READY = frozenset({"ready", "prepared", "willing", "determined", "committed"})  # "stands ready to", "is willing to"
INSTITUTIONS = frozenset(
    """government council ministry minister authority company firm board bank agency department committee
    commission parliament congress senate party union club team court police army military state city
    administration office group president official spokesman spokeswoman spokesperson mayor chief executive
    leader operator school university hospital charity organisation organization regulator side country
    nation federation league airline carmaker retailer lender insurer manufacturer developer owner prosecutor
    prosecutors governor premier chancellor king queen prince secretary ministers leaders officials
    management trust foundation institute service network provider utility body lawmaker lawmakers legislator
    senator congressman congresswoman legislature judge magistrate tribunal inquiry""".split()
)
PEOPLE_AT_LARGE = frozenset(
    "people parents voters residents fans analysts experts critics observers respondents consumers "
    "shoppers users customers viewers readers adults children men women workers families".split()
)
GENERIC_ORGS = frozenset(
    "company firm group carmaker retailer lender bank airline insurer manufacturer developer operator club "
    "team business giant chain startup band orchestra".split()
)
SHARES = frozenset({"many", "some", "most", "few", "several", "all", "other"})
GROUPS = frozenset({"both", "sides", "two", "countries", "nations", "leaders", "ministers", "parties"})
HUMANS = frozenset(
    """employee shareholder investor staff migrant refugee patient student teacher farmer astronomer scientist
    member family community user creditor victim citizen taxpayer owner worker resident customer people parent
    child veteran fan player doctor nurse""".split()
)
PARTY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
PRONOUNS = ("it", "they", "he", "she", "we", "i")  # subjects that stand for a party named elsewhere


@dataclass
class Context:
    """The parties an article has named so far, to resolve "it", "he", "they", "the authority", "both sides"."""

    person: str | None = None
    party: str | None = None  # the organisation or country named or acting last
    org: str | None = None  # the organisation named last ("the company")
    acting_org: str | None = None  # the organisation that last undertook something
    pair: str | None = None
    names: list[str] = field(default_factory=list)  # parties named so far, latest last
    joined: set[str] = field(default_factory=set)  # actors made of coordinated parties ("A and B")
    resolving: bool = True  # whether "it", "he", "they" may be resolved from earlier sentences
    affiliations: dict[str, str] = field(default_factory=dict)  # a person and the body they speak for

    def learn(self, sentence: Span) -> None:
        for ent in sentence.ents:
            if ent.label_ in PARTY_LABELS:
                name = canonical(clean(ent.text))
                if ent.label_ == "PERSON":
                    self.person = name
                    body = affiliation(ent)
                    if body:
                        self.affiliations[name] = self.affiliations[name.split()[-1]] = body  # "Esper" too
                elif ent.label_ == "ORG":
                    self.org = self.party = name
                elif ent.label_ == "GPE" and self.party is None:
                    self.party = name
                self.names.append(name)
                partner = next((c for c in ent.root.children if c.dep_ == "conj" and c.ent_type_ in PARTY_LABELS), None)
                if partner is not None:
                    other = entity_of(partner)
                    if other:
                        self.pair = f"{name} and {canonical(other)}"
        for chunk in sentence.noun_chunks:
            if chunk.root.lemma_.lower() in INSTITUTIONS and any(t.pos_ == "PROPN" for t in chunk):
                self.names.append(bare(chunk))

    def remember(self, actor: str, is_person: bool) -> None:
        if actor in self.joined or (actor == self.pair):  # not "the Ministry of Trade, Industry and Energy"
            self.pair = actor
        elif not is_person and " and the " in actor:
            self.pair = actor  # two parties the recogniser read as one name ("the city of X and the Y authority")
        elif is_person:
            self.person = actor
        else:
            self.party = actor
            self.acting_org = actor


def affiliation(person: Span) -> str | None:
    """The organisation or country a person is named with: "Emirates President Tim Clark", "U.S. Defense
    Secretary Mark Esper", "Marco Villa, Tyvak's chief executive"."""
    root = person.root
    titled = [t for t in root.subtree if t.i < person.start and t.dep_ == "compound"]
    for appos in (c for c in root.children if c.dep_ == "appos"):
        titled += list(appos.subtree)
    for ent in person.doc.ents:
        if ent.label_ in ("ORG", "GPE") and any(ent.start <= t.i < ent.end for t in titled):
            return canonical(clean(ent.text))
    return None


def clean(text: str) -> str:
    """Spaces folded, quote marks, brackets and a possessive ("Donald Trump’s") trimmed from the ends."""
    text = " ".join(text.split()).strip(" ,;:\"'“”‘’()")
    for ending in ("’s", "'s"):
        text = text.removesuffix(ending)
    return text.strip(" ,;:\"'“”‘’()")


def bare(chunk: Span) -> str:
    """A noun phrase without its leading determiner or possessive pronoun."""
    # "Austria's interior minister" keeps its name; "its board" loses "its"
    tokens = [t for t in chunk if not (t.i == chunk.start and t.dep_ in ("det", "poss") and t.pos_ != "PROPN")]
    return clean("".join(t.text_with_ws for t in tokens))


def entity_of(token: Token) -> str | None:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ in PARTY_LABELS:
            return clean(ent.text)
    return None


def _proper_name(phrase: Token) -> str | None:
    """A name inside a phrase that the entity recogniser missed: its first proper noun with the compounds
    before it, and a title-case head it hangs from by "for"/"of" ("group Doctors for Camp Closure")."""
    name = next((t for t in phrase.subtree if t.pos_ == "PROPN" and t.dep_ != "compound"), None)
    if name is None:
        return None
    start = (
        min(t.i for t in name.lefts if t.dep_ == "compound")
        if any(t.dep_ == "compound" for t in name.lefts)
        else name.i
    )
    head = name.head
    if (
        name.dep_ == "pobj"
        and head.lower_ in ("for", "of")
        and head.head.is_title
        and head.head.pos_ in ("NOUN", "PROPN")
    ):
        start = head.head.i
    return clean(name.doc[start : name.i + 1].text)


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, inherited through "and" from the verb it is joined to, or its controller."""
    seen = verb
    for _ in range(4):
        subject = next((c for c in seen.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            return subject
        readiness = seen.dep_ == "acomp" and seen.lower_ in READY  # "X is ready to": X; "X is unlikely to": none
        if (seen.dep_ in ("conj", "xcomp", "advcl") or readiness) and seen.head != seen:
            seen = seen.head
            continue
        return None
    return None


def phrase_of(token: Token) -> Span:
    """The subject's noun phrase (its subtree, without relative clauses and appositions)."""
    tokens = [
        t
        for t in token.subtree
        if not any(a.dep_ in ("relcl", "appos", "acl") and a.head.i == token.i for a in t.ancestors)
        and t.dep_ not in ("relcl", "appos", "acl", "punct")
    ]
    start = min(t.i for t in tokens) if tokens else token.i
    end = max(t.i for t in tokens) + 1 if tokens else token.i + 1
    return token.doc[start:end]


def _one_entity(a: Token, b: Token) -> bool:
    return any(e.start <= a.i < e.end and e.start <= b.i < e.end for e in a.doc.ents)


def resolve_actor(subject: Token, reporter: Token | None, context: Context) -> tuple[str, bool] | None:
    """(the actor's name, whether it is a person), or None when the subject is no party that can commit.
    Coordinated subjects ("the city and the authority") are one actor, "A and B"."""
    partners = [
        c
        for c in subject.subtree
        if c.dep_ == "conj"
        and c.pos_ in ("NOUN", "PROPN")
        and (c.head == subject or c.head.head.head == subject)
        and not _one_entity(subject, c)  # "the Ministry of Trade, Industry and Energy" is one name
    ]
    if partners:
        names = [_resolve_one(s, None, context) for s in (subject, *partners)]
        if any(n is not None for n in names):  # beside a named party, a capitalised word is a name too
            names = [
                n if n is not None else ((canonical(s.text), False) if s.is_title else None)
                for n, s in zip(names, (subject, *partners), strict=True)
            ]
        if all(n is not None for n in names):
            joined = " and ".join(n[0] for n in names if n is not None)
            context.joined.add(joined)
            return joined, False
        return None
    return _resolve_one(subject, reporter, context)


def _resolve_one(subject: Token, reporter: Token | None, context: Context) -> tuple[str, bool] | None:
    """One subject's party: the one a pronoun stands for, a name, or an institution; None for a count or a
    share of people."""
    if subject.lower_ in PRONOUNS:
        return _resolve_pronoun(subject, reporter, context)
    phrase = _own_phrase(subject)
    if _counted_or_share(subject, phrase):
        return None
    return _named(subject, phrase) or _institution(subject, phrase, context)


def _resolve_pronoun(subject: Token, reporter: Token | None, context: Context) -> tuple[str, bool] | None:
    """The party a pronoun subject stands for: the speaker, or the person, party or pair named before."""
    word = subject.lower_
    # "We will ...," Esper said: the first person is the speaker wherever the attribution stands; "it"
    # is the speaker only when named first ("X said it would"), not in "It will house ..., X said".
    if reporter is not None and reporter != subject and (reporter.i < subject.i or word in ("we", "i")):
        resolving, context.resolving = context.resolving, True  # "..., he said": the speaker named before
        try:
            speaker = resolve_actor(reporter, None, context)
        finally:
            context.resolving = resolving
        if word == "we" and speaker is not None and speaker[1] and speaker[0] in context.affiliations:
            return context.affiliations[speaker[0]], False  # "we will ...," Esper said: his side, the US
        return speaker
    if word in ("we", "i") or not context.resolving:
        return None  # "we" is the speaker's side only when the speaker is named first
    if word in ("he", "she"):
        return (context.person, True) if context.person else None
    if word == "it":
        return (context.party, False) if context.party else None
    group = context.pair or context.party
    return (group, False) if group else None


def _own_phrase(subject: Token) -> Span:
    """The subject's noun phrase, without the parties coordinated with it."""
    phrase = phrase_of(subject)
    conjoined = {t.i for c in subject.children if c.dep_ in ("conj", "cc") for t in c.subtree}
    return subject.doc[phrase.start : min([phrase.end, *conjoined])] if conjoined else phrase


def _counted_or_share(subject: Token, phrase: Span) -> bool:
    """A survey's count ("42 per cent of parents", "two in five voters") or a share of a class ("many public
    officials", "some lawmakers"): no party that can commit."""
    counted = (
        t.ent_type_ == "PERCENT"
        or ((t.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY") or t.like_num) and subject in (t, t.head))
        for t in phrase
    )  # a number counting the subject; "the four-time Grammy winning band" is no count
    if any(counted):
        return True
    return any(c.dep_ in ("det", "amod") and c.lower_ in SHARES for c in subject.children)


def _named(subject: Token, phrase: Span) -> tuple[str, bool] | None:
    """The name the subject is, or carries in an apposition: an entity, or a name the recogniser missed."""
    entity = entity_of(subject)  # the subject must be the party itself, not "Pochettino's sacking"
    if entity is None and subject.pos_ == "PROPN":
        entity = next((clean(e.text) for e in phrase.ents if e.label_ in PARTY_LABELS), None)
    if entity:
        is_person = any(e.label_ == "PERSON" for e in phrase.ents) or subject.ent_type_ == "PERSON"
        return canonical(entity), is_person
    for appos in (c for c in subject.children if c.dep_ == "appos"):  # "The doctors, members of group X,"
        inside = range(appos.left_edge.i, appos.right_edge.i + 1)
        named = next(
            (clean(e.text) for e in subject.doc.ents if e.label_ in ("ORG", "GPE") and e.start in inside), None
        )
        named = named or _proper_name(appos)
        if named:
            return canonical(named), False
    if subject.is_title and subject.pos_ == "NOUN" and subject.i > subject.sent.start and subject.tag_ == "NNS":
        return canonical(subject.text), False  # "the Lakers", "the Doobies": a plural name the tagger took for a noun
    if subject.is_title and subject.pos_ in ("ADV", "X", "INTJ") and subject.dep_ in ("nsubj", "nsubjpass"):
        return canonical(subject.text), True  # a surname the tagger took for an adverb ("Legere will hand over")
    if subject.pos_ == "PROPN" and not subject.ent_type_:  # a name the entity recogniser did not label
        name = [t for t in phrase if t.pos_ == "PROPN" or (t.dep_ == "compound" and t.head.pos_ == "PROPN")]
        if name:
            return canonical(clean(" ".join(t.text for t in name))), False
    return None


def _institution(subject: Token, phrase: Span, context: Context) -> tuple[str, bool] | None:
    """An institution or a group of parties ("the council", "the airline", "both sides"), resolved to the
    party named earlier when the phrase does not name it; None for people at large or any other noun."""
    lemma = subject.lemma_.lower()
    words = {t.lower_ for t in phrase}
    plural_parties = subject.tag_ == "NNS" and lemma in {"side", "country", "nation", "leader", "minister", "party"}
    if (words & GROUPS and (lemma in GROUPS or "both" in words)) or plural_parties:
        if context.pair:
            return context.pair, False
        return (bare(phrase), False) if plural_parties else None
    if lemma in PEOPLE_AT_LARGE or lemma not in INSTITUTIONS | GENERIC_ORGS:
        return None
    # "the authority", "the airline": the party named earlier with that word in its name ("Emirates Airline");
    # "the South Korean government" names itself
    if not any(t.pos_ == "PROPN" or t.ent_type_ in PARTY_LABELS for t in phrase):
        earlier = next((n for n in reversed(context.names) if lemma in n.lower().split()), None)
        if earlier:
            return canonical(earlier), False
    if subject.tag_ == "NNS" and not any(t.pos_ == "PROPN" for t in phrase):
        return bare(phrase), False  # "the companies": several, not the one company named last
    if not any(t.pos_ == "PROPN" for t in phrase) and lemma in GENERIC_ORGS and (context.acting_org or context.org):
        return (context.acting_org or context.org or ""), False  # "the company": the one acting, else named, last
    return canonical(bare(phrase)), False


def party_of(token: Token) -> str | None:
    """The party a word names (an entity, an institution, a group of people), if it names one."""
    entity = entity_of(token)
    if entity:
        return canonical(entity)
    if token.lower_ in ("other", "another") and token.head.lower_ in ("each", "one"):
        return "each other"
    if token.lemma_.lower() in INSTITUTIONS | HUMANS | PEOPLE_AT_LARGE:
        return canonical(bare(phrase_of(token)))
    return None
