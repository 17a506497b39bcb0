"""The figures a statement gives, normalised so that two wordings of one figure compare equal: "£330million"
and "330 million pounds" are both 330,000,000 pounds; "about 40 ships" and "roughly 40 vessels" are both 40;
"a four-day closure" is 4 days; "30%" and "30 per cent" are both 30 percent.

A figure knows its value, its measure (a currency, "percent", or the word it counts: "ship", "day"), the word
that introduces it ("cost", "injured") and whether the statement disputes it ("30 million, not the 12
million"). Years are dates, not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefer.dates import WORD_NUMBERS

_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_SYMBOLS = {"£": "pounds", "€": "euros", "$": "dollars", "¥": "yen"}
_CURRENCY_WORDS = {
    "pound": "pounds",
    "pounds": "pounds",
    "sterling": "pounds",
    "euro": "euros",
    "euros": "euros",
    "eur": "euros",
    "dollar": "dollars",
    "dollars": "dollars",
    "usd": "dollars",
    "yen": "yen",
    "francs": "francs",
    "kronor": "kronor",
    "krona": "kronor",
    "kroner": "kroner",
    "rupees": "rupees",
    "yuan": "yuan",
}
_PERCENT = {"%", "percent", "per cent", "pc"}
# Words after a figure that say nothing about what it counts.
_NOT_MEASURES = frozenset(
    """a an the and or of to in on at by for with from as is are was were be been has have had it its this that
    than more less about over under per into after before more people's""".split()
)
_MONTHS = frozenset(
    "january february march april june july august september october november december jan feb mar apr jun jul aug "
    "sep sept oct nov dec".split()
)
_MONTH_BEFORE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\s*$"
)
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their"})
_DISPUTE = re.compile(r"(?:\bnot|\brather than|\binstead of|\bnor)\s+(?:the\s+|a\s+|an\s+)?(?:[£€$¥]\s*)?$", re.I)
_LEADS = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_LEAD_STOP = frozenset(
    """a an the and or but of to in on at by for with from as is are was were be been being has have had it its
    this that these those their his her they he she we will would could should may might can said says about not
    around roughly nearly almost some only just than more over under up down least at""".split()
)

_FIGURE = re.compile(
    r"(?P<symbol>[£€$¥])?\s?"
    r"(?P<number>(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])|\b(?:" + "|".join(WORD_NUMBERS) + r")\b)"
    r"(?:-(?=[A-Za-z]))?"  # "four-day": the hyphen joins the figure to what it counts
    r"\s?(?P<scale>thousand|millions?|billions?|trillion|bn|mn|tn|m|k|b)?\b"
    r"(?:\s?(?P<percent>%|per\s?cent\b|percent\b))?",
    re.I,
)


@dataclass(frozen=True)
class Figure:
    value: float
    measure: str  # "euros", "percent", or the word counted: "ship", "day"; "" when unknown
    lead: str  # the content word before the figure: "cost", "injured"; "" when none
    disputed: bool = False  # "not the 12 million": the statement says the figure is wrong

    def show(self) -> str:
        value = self.value
        scale = ""
        for name, size in (("billion", 1e9), ("million", 1e6)):
            if value >= size and value % (size / 100) == 0:
                value, scale = value / size, name
                break
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return " ".join(part for part in (text, scale, self.measure) if part)


def singular(word: str) -> str:
    """A plural noun's singular, crudely: "vessels" -> "vessel", "cities" -> "city"."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order. A figure with a scale but no unit ("not the 12 million") takes the
    currency of the figure before it in the same statement."""
    return list(_figures(text))


@lru_cache(maxsize=1 << 14)  # the day's statements are read by several steps, and warmed as articles come in
def _figures(text: str) -> tuple[Figure, ...]:
    found: list[Figure] = []
    for m in _FIGURE.finditer(text):
        raw = m.group("number")
        if raw.lower() in WORD_NUMBERS:
            value = float(WORD_NUMBERS[raw.lower()])
        else:
            try:
                value = float(raw.replace(",", ""))
            except ValueError:
                continue
        scale_word = (m.group("scale") or "").lower()
        if scale_word in {"m", "k", "b"} and not (m.group("symbol") or _next_is_currency(text, m.end())):
            scale_word = ""  # "40 m" of height, "5 k" of a race: only money takes the short scales
        if scale_word:
            value *= _SCALES[scale_word]
        percent = bool(m.group("percent"))
        plain_year = not (m.group("symbol") or scale_word or percent) and "." not in raw and "," not in raw
        if plain_year and raw.isdigit() and 1900 <= int(raw) <= 2100:
            continue
        measure = "percent" if percent else _SYMBOLS.get(m.group("symbol") or "", "")
        if not measure:
            measure = _measure_after(text, m.end())
        if measure in _MONTHS or _MONTH_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "3 March", "March 3": a date
        if not measure and scale_word and found and found[-1].measure in _CURRENCY_WORDS.values():
            measure = found[-1].measure
        begins = m.start("symbol") if m.group("symbol") else m.start("number")
        leads = [w.lower() for w in _LEADS.findall(text[max(0, begins - 40) : begins])]
        leads = [w for w in leads if w not in _LEAD_STOP and w not in WORD_NUMBERS]
        disputed = bool(_DISPUTE.search(text[max(0, begins - 20) : begins]))
        found.append(Figure(value=value, measure=measure, lead=leads[-1] if leads else "", disputed=disputed))
    return tuple(found)


def _next_is_currency(text: str, end: int) -> bool:
    following = _LEADS.findall(text[end : end + 20])
    return bool(following) and following[0].lower() in _CURRENCY_WORDS


def _measure_after(text: str, end: int) -> str:
    """What the figure counts: a currency word, or the first noun-like word after it ("40 vessels"); nothing
    when an article follows ("12 million the ministry pledged")."""
    for word in _LEADS.findall(text[end : end + 30])[:2]:
        lower = word.lower()
        if lower in _DETERMINERS:
            return ""
        if lower in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[lower]
        if lower in _NOT_MEASURES or lower in WORD_NUMBERS:
            continue
        return singular(lower)
    return ""
