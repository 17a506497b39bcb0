"""What may stand in the day's summary: a sentence a busy reader can trust at a glance.

The bottom line holds only well-formed sentences: starting with a capital letter, ending with a full stop, of
MIN_WORDS to MAX_WORDS words (a longer one is a standfirst run into the body, a shorter one a heading). No
part of the day's summary (bottom line, key facts, implications) is ever page boilerplate (a publisher's
notice, a paywall, a call to subscribe, a content warning: `sources.boilerplate`) or a heading fused to its
text ("The Mad Forager’s KitchenHow to Infuse Oils").
"""

from __future__ import annotations

import re

from briefer.sources.boilerplate import is_boilerplate

MIN_WORDS = 4
MAX_WORDS = 45
_OPENING = "\"“‘'(«"
_CLOSING = "\"”’')»"
# A word run into the heading before it: lower-case letters straight followed by a word that opens sentences.
_FUSED = re.compile(
    r"[a-z]{2}(?:How|The|What|Why|When|Where|Who|This|That|These|Those|It|We|Our|Your|You|He|She|They|His|Her|"
    r"Their|There|Here|If|As|For|From|With|After|Before|By|But|And|So|Read|Watch|Listen|Photo|Image|Updated|"
    r"Published|Share|Sign|Subscribe)\b"
)
_RUN_TOGETHER = re.compile(r"[A-Za-z]{2}[.!?][A-Z](?:[a-z]| )")  # "GROW!So you're", "IRS.O valor": no space
# A standfirst run into the body, a space between them: "... like a traditional Republican Those expecting".
_RUN_ON = re.compile(r"[a-z] (?:Those|These|They|We|He|She|Its|Their|There|This|But|However|Meanwhile) [a-z]")
_LOWER_START = re.compile(r"[a-z]{2}[.!?] [a-z]")  # "... sloe gin. the fair ends": a sentence in lower case
_LOWER_END = re.compile(r"(?<=[a-z][a-z][a-z][.!?])\s+(?=[a-z])")
_MARKUP = re.compile(r"</?[A-Za-z][^>]*>|<!--|-->|\bhttps?://|\bwww\.")  # tags, comments, bare addresses
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(A-Z0-9])")  # as the rendering splits a summary
# Words that end with a full stop without ending a sentence: "... was backed by Mr." is a cut sentence.
_TITLES = frozenset("Mr Mrs Ms Dr St Prof Gen Gov Sen Rep Lt Col Capt Sgt Rev Hon Fr No vs approx incl est etc".split())
# Content warnings and the like, wherever they stand in a sentence (the readers drop such lines, not phrases).
_WARNING = re.compile(
    r"^(?:content |trigger )?warning\s*[:.\-–—]|\b(?:contains?|includes?) (?:\w+ )?(?:distressing|disturbing|graphic|"
    r"upsetting) (?:details|content|images|scenes|descriptions)\b|\breaders may find\b|\bviewer discretion\b",
    re.I,
)


def sentences(text: str) -> list[str]:
    """The sentences of a summary, its whitespace tidied, split as the rendering splits it, and also before a
    sentence that starts in lower case ("... sloe gin. the fair ends"), which is then no sentence to show."""
    parts = (piece for part in _SENTENCE_END.split(text) for piece in _LOWER_END.split(part))
    return [s for s in (" ".join(part.split()) for part in parts) if s]


def fused_heading(text: str) -> bool:
    """Whether a heading or standfirst runs into the text after it ("KitchenHow to", "GROW!So you",
    "Republican Those expecting")."""
    return bool(_FUSED.search(text) or _RUN_TOGETHER.search(text) or _RUN_ON.search(text))


def unfit(text: str) -> bool:
    """Never a part of the day's summary: page boilerplate, a content warning, or a fused heading."""
    plain = " ".join(text.split())
    return is_boilerplate(plain) or bool(_WARNING.search(plain)) or fused_heading(plain)


def well_formed(text: str) -> bool:
    """A sentence fit for the bottom line: a capital letter first (after an opening quote), a full stop last
    (before a closing quote), MIN_WORDS to MAX_WORDS words, not cut after a title ("Mr."), no sentence inside
    it that starts in lower case, no markup or web address, and not `unfit`."""
    plain = " ".join(text.split())
    if _MARKUP.search(plain) or _LOWER_START.search(plain):
        return False
    opening = plain.lstrip(_OPENING)
    if not opening or not opening[0].isupper():
        return False
    ending = plain.rstrip(_CLOSING)
    if not ending.endswith(".") or ending.endswith(("..", "…")):
        return False
    words = plain.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    last = words[-1].rstrip(_CLOSING).removesuffix(".")
    if last in _TITLES or (len(last) == 1 and last.isupper()):
        return False
    return not unfit(plain)


def repaired(text: str) -> str:
    """A model's sentence with its first letter capitalised (unless its first word is a name such as
    "iPhone") and a full stop when it ends without any."""
    plain = " ".join(text.split())
    if not plain:
        return plain
    at = len(plain) - len(plain.lstrip(_OPENING))
    first = plain[at:].split(" ")[0]
    if first and not any(c.isupper() for c in first[1:]):  # not "iPhone": a name in lower case stays as it is
        plain = plain[:at] + plain[at].upper() + plain[at + 1 :]
    if not plain.rstrip(_CLOSING).endswith((".", "!", "?", "…")):
        plain += "."
    return plain
