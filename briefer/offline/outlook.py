"""The article's own outlook, as the offline extractor's implications: its forward-looking sentences, marked as
stated in the source and of low confidence, never a notice to readers ("Warning: this report contains ...")."""

from __future__ import annotations

from briefer.models import Implication
from briefer.offline.nlp import Sentence
from briefer.offline.sentences import clean_sentence
from briefer.sources.boilerplate import is_boilerplate

MAX_IMPLICATIONS = 3
NUMBER_LABELS = frozenset({"MONEY", "PERCENT", "CARDINAL", "QUANTITY"})
FORWARD_LEMMAS = frozenset({"warn", "expect", "forecast", "predict", "risk", "threaten", "fear", "likely"})
HYPOTHETICAL = frozenset({"could", "may", "might"})


def forward(sentence: Sentence) -> str | None:
    """The word that makes the sentence an outlook ("warned", "could"), if it is one."""
    for token in sentence.span:
        if token.lemma_ in FORWARD_LEMMAS and token.pos_ in ("VERB", "ADJ"):
            return token.text
        if token.lower_ in HYPOTHETICAL and token.dep_ == "aux" and token.head.pos_ == "VERB":
            return token.text
    return None


def outlooks(found: list[Sentence], used: set[int]) -> list[Implication]:
    """The article's own forward-looking statements among the sentences not `used` yet, up to
    MAX_IMPLICATIONS; their sentences are added to `used`."""
    implications: list[Implication] = []
    for s in found:
        if s.index in used or len(implications) >= MAX_IMPLICATIONS:
            continue
        cue = forward(s)
        # A sentence with figures in it ("is expected to cost 310 million euros") is a fact, not an outlook.
        if (
            cue
            and len(s.text.split()) >= 6
            and not any(e.label_ in NUMBER_LABELS for e in s.span.ents)
            and not is_boilerplate(s.text)  # "Warning: this report contains ...": a notice, not an outlook
        ):
            implications.append(
                Implication(
                    statement=clean_sentence(s.text),
                    rationale=f"Stated in the article (“{cue}”); not an inference by briefer.",
                    confidence="low",
                    basis="stated",
                )
            )
            used.add(s.index)
    return implications
