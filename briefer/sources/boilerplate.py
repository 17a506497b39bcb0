"""What a page or a feed item holds that is not the article: furniture, publishers' notices, and paragraph
breaks that would let a standfirst or a heading run into the sentence after it.

Both readers (`html.py`, `feeds.py`) pass their text through `clean_text`. A line is a paragraph. Dropped:
page furniture ("Advertisement", share and sign-up prompts, copyright), publishers' notices that are never
article sentences ("… was originally published in … on Medium", "subscribe to our newsletter", paywall
notices such as "The story will be unlocked … after 30 days", cookie banners such as "We use cookies to …",
content warnings such as "Warning: this report contains distressing details") and a repeat of the headline.
Every line kept ends a sentence: a standfirst or a heading with no full stop gets one, so it is a sentence of
its own and never fused to the text that follows ("… thinly disguised contempt Donald Trump has promised …").
"""

from __future__ import annotations

import re

# Furniture: a line that starts this way is never article text.
_FURNITURE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|related(?: articles| stories| content)?:?|read more|"
    r"see also|also on [\w.]+|like this story|share (?:this|on)|follow us|sign up|subscribe|click here|"
    r"continue reading|copyright|©|\(c\) \d{4}|all rights reserved|updated (?:at|on)|published (?:by|on|at)|"
    r"publicado por|last (?:updated|modified))(?![a-z])",  # "Subscribe", not "Subscribers to the pass will"
    re.I,
)
# Publishers' notices: a short line holding one of these is about the publication, not the news.
_NOTICE = re.compile(
    r"|".join(
        (
            # where the piece first appeared
            r"\b(?:was|were) originally published (?:in|on|at|by)\b.*\bon medium\b",
            r"\bwhere people are continuing the conversation\b",
            r"^(?:this|the) (?:article|story|post|piece|essay|column|interview|content|newsletter)"
            r" (?:was|is|has been|first|originally) (?:originally |first |previously )?"
            r"(?:published|posted|republished|appeared|reproduced)\b",
            r"\b(?:some of )?this content was (?:previously|originally|first) published\b",
            r"^a version of this (?:article|story|post|piece) (?:originally |first )?(?:appeared|ran|was published)\b",
            r"\bis republished (?:from|with permission)\b",
            # asking the reader to subscribe
            r"\bsubscribe (?:to|for) (?:our|the|my) (?:[\w-]+ ){0,3}(?:newsletters?|podcasts?|channel|feed|list)\b",
            r"\b(?:go|please) subscribe\b",
            r"\bsign up (?:here |now |today )?(?:to|for) (?:our|my|the) (?:[\w-]+ ){0,3}"
            r"(?:newsletters?|emails?|alerts?)\b",
            r"\bget (?:our|the) (?:free |daily |weekly )?(?:[\w-]+ )?newsletter\b",
            r"\b(?:already a subscriber|become a (?:member|subscriber)|log in to (?:read|continue))\b",
            # paywalls
            r"\b(?:story|article|post|piece) (?:will be|is) unlocked\b",
            r"\bunlocked and available\b",
            r"\bpreviously available only to\b",
            r"\b(?:currently |now |only )?available (?:only )?to (?:\w+ )?(?:members|subscribers)\b",
            r"\b(?:subscribers|members)[- ]only\b",
            r"\bto (?:continue|keep) reading\b",
            r"\boffer this (?:article|story|post) for free\b",
            # cookie banners
            r"^(?:we|this (?:site|website)|our (?:site|website)(?: and (?:our )?partners)?) uses? cookies\b",
            r"\bby (?:continuing to (?:use|browse)|using) (?:this|our) (?:site|website|services)\b.*\bcookies\b",
            r"\b(?:accept|reject|manage) (?:all )?cookies\b|\bcookie (?:policy|settings|preferences)\b",
            # content warnings
            r"^(?:content |trigger )?warning\s*[:.-]",
            r"^(?:this|the) (?:article|story|report|piece|video|interview|content) contains? "
            r"(?:\w+ )?(?:distressing|disturbing|graphic|upsetting|strong|offensive)\b",
            r"\breaders may find (?:some of )?(?:this|the|these) (?:\w+ )?(?:distressing|disturbing|upsetting)\b",
        )
    ),
    re.I,
)
NOTICE_MAX_WORDS = 60  # a longer paragraph that mentions a subscription is article text
_ENDED = re.compile(r"[.!?…:;][\s\"'”’)\]»]*$")
# A line that carries on the sentence of the line before: a lower-case word ("broken in two"), not a name
# written in lower case first ("iPhone sales rose").
_CONTINUES = re.compile(r"[a-z][a-z'’-]*\b(?![A-Z])")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(]?[A-Z])")
_WORDS = re.compile(r"\w+")


def is_boilerplate(line: str) -> bool:
    """Whether a paragraph is furniture or a publisher's notice rather than article text."""
    stripped = line.strip()
    if _FURNITURE.match(stripped):
        return True
    return len(stripped.split()) <= NOTICE_MAX_WORDS and _NOTICE.search(stripped) is not None


def without_notices(line: str) -> str:
    """A paragraph without the notices among its sentences ("… in our Code Health series. A version of this
    post originally appeared in …")."""
    sentences = _SENTENCE_BREAK.split(line)
    if len(sentences) < 2:
        return line
    return " ".join(s for s in sentences if not _NOTICE.search(s))


def _norm(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def end_sentence(line: str) -> str:
    """The line with a full stop when it ends without one (a standfirst, a heading, a list item)."""
    return line if _ENDED.search(line) else line + "."


def clean_text(text: str, title: str | None) -> str:
    """One paragraph a line: furniture, notices (whole lines, or sentences in a line) and a repeat of the
    headline dropped; a line broken in mid-sentence (the next one starts in lower case) joined again; every
    other line ending a sentence."""
    kept: list[str] = []
    headline = _norm(title or "")
    for line in text.split("\n"):
        stripped = " ".join(line.split())
        if not stripped or is_boilerplate(stripped):
            continue
        stripped = without_notices(stripped)
        if not stripped:
            continue
        if headline and _norm(stripped) == headline:
            continue  # the headline again: above the text, or as the link to the story at its foot
        if kept and _CONTINUES.match(stripped) and not _ENDED.search(kept[-1]):
            kept[-1] = f"{kept[-1]} {stripped}"
            continue
        kept.append(stripped)
    return "\n".join(end_sentence(line) for line in kept)
