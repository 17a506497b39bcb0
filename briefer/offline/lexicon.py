"""The words that make or unmake a commitment, and the word-level test of which sentences are worth parsing."""

from __future__ import annotations

import calendar

from briefer.offline.actors import READY

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
    "result rise fall grow drop hit affect suffer feel look sound prove receive lose".split()
)
APPEARANCES = frozenset(
    "speak address attend visit travel talk testify comment arrive meet play compete race star feature "
    "perform sing watch return reprise hold host".split()
)
OBJECT_CASE = {"i": "me", "we": "us", "he": "him", "she": "her", "they": "them"}
GIVING = frozenset("provide give offer pay lend send supply grant sell award hand".split())
CONDITION_MARKS = frozenset({"if", "unless", "until", "once", "provided", "when"})
MAX_ACTION_WORDS = 16
INDEFINITE = frozenset(
    "someone somebody anyone anybody everyone everybody nobody something anything everything nothing".split()
)


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
_SUPPORT = frozenset({"support", "backing"})
_DECLARING = frozenset(
    form
    for lemma in ("express", "voice", "reaffirm", "reiterate", "pledge", "offer", "declare", "extend")
    for form in _forms(lemma)
)
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
    if not words:
        return False  # a line of dashes, or of invisible marks (U+200E): nothing to state
    present = set(words)
    if present & _FORMS or ("would" in present and present & _REPORTED):
        return True
    if present & PLAN_SUBJECTS and present & _CONTAINS:
        return True
    if present & _SUPPORT and present & _DECLARING:  # "expressed its firm support for"
        return True
    timed = bool(present & _TIMES) or any(w.isdigit() and len(w) == 4 for w in present)
    for before, word, after in zip(["", *words[:-1]], words, [*words[1:], ""], strict=True):
        if after == "to" and (word in READY | LOOKING or (word in SCHEDULED and _be(before))):
            return True  # "is set to", "stands ready to", "is going to"
        if timed and word.endswith("ing") and (before in ("is", "are") or before.endswith(("'s", "'re"))):
            return True  # "is stepping down in May": a progressive with a time (the parse decides if ahead)
    return False
