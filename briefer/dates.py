"""Find deadline expressions in text ("by 2027", "on April 9", "next week") and resolve them to dates."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from briefer.errors import UsageError

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
# Number words, shared with the figures of `briefer.day.figures`.
WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_NUMBERS = {**WORD_NUMBERS, "a": 1, "an": 1, "one": 1}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d\d"
_COUNT = r"(?:\d{1,3}|" + "|".join(_NUMBERS) + r")"
_UNIT = r"(?:(?:working |business )?day|week|month|year|hour)s?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>\d\d)-(?P<d>\d\d)\b")),
    (
        "mdy",
        re.compile(rf"\b(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>{_YEAR}))?\b", re.I),
    ),
    (
        "dmy",
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b",
            re.I,
        ),
    ),
    (
        "end_of",
        re.compile(r"\b(?:by\s+)?the\s+end\s+of\s+(?:the\s+|this\s+)?(?P<unit>year|month|week|decade)\b", re.I),
    ),
    ("end_of_year", re.compile(rf"\b(?:by\s+)?(?:the\s+)?end\s+of\s+(?P<y>{_YEAR})\b", re.I)),
    ("end_of_next", re.compile(r"\bend\s+of\s+next\s+(?P<unit>year|month)\b", re.I)),
    (
        "half",
        re.compile(rf"\b(?P<which>first|second)\s+half\s+of\s+(?:(?P<y>{_YEAR})|(?P<rel>this|next)\s+year)\b", re.I),
    ),
    (
        "month_year",
        re.compile(
            rf"\b(?:by|in|until|before|through|till)\s+(?:early\s+|mid-?|late\s+)?(?P<mon>{_MONTH})(?:\s+(?P<y>{_YEAR}))?\b",
            re.I,
        ),
    ),
    (
        "within",
        re.compile(rf"\b(?:within|in)\s+(?:the\s+next\s+)?(?P<n>{_COUNT})\s+(?P<unit>{_UNIT})\b", re.I),
    ),
    ("next", re.compile(r"\b(?:next|coming)\s+(?P<unit>week|month|year)\b", re.I)),
    (
        "weekday",
        re.compile(
            r"\b(?:on|by|next|this|until)\s+(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            re.I,
        ),
    ),
    ("tomorrow", re.compile(r"\btomorrow\b", re.I)),
    (
        "year",
        re.compile(
            rf"\b(?:by|in|until|before|from|through|till|to)\s+(?:early\s+|mid-?|late\s+)?(?P<y>{_YEAR})\b", re.I
        ),
    ),
    ("decade", re.compile(r"\b(?:by|in|until|before|through|till|during)\s+the\s+(?P<decade>(?:19|20)\d0)s\b", re.I)),
    ("bare_year", re.compile(rf"^\s*(?:the\s+)?(?P<y>{_YEAR})(?:\s+season)?\s*$", re.I)),
]


def find_deadline(text: str) -> str | None:
    """The first date expression in `text`, as worded there, or None."""
    spans = sorted((m.start(), m.end()) for _, p in _PATTERNS for m in [p.search(text)] if m)
    if not spans:
        return None
    start, end = spans[0]
    for s, e in spans[1:]:  # "by June" and "June 30" overlap: the expression is "by June 30"
        if s < end:
            end = max(end, e)
    return text[start:end].strip(" .,;:")


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _future(d: date | None, reference: date | None, explicit_year: bool) -> date | None:
    """A deadline without a year lies ahead of the article: roll it to next year when it is well past."""
    if d is None or explicit_year or reference is None:
        return d
    return d.replace(year=d.year + 1) if d < reference - timedelta(days=7) else d


def resolve_deadline(text: str | None, reference: date | None) -> date | None:
    """Resolve a deadline against the article's date; None when it does not name a date.

    A year alone ("by 2027") resolves to its last day, a month alone to the month's last day: the latest
    date the wording allows. Relative wording ("next week") needs the article's date.
    """
    if not text:
        return None
    for kind, pattern in _PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        resolved = _absolute(kind, m.groupdict(), reference)
        if resolved is None and reference is not None:
            resolved = _relative(kind, m.groupdict(), reference)
        if resolved is not None:
            return resolved
    return None


def _absolute(kind: str, g: dict[str, str | None], reference: date | None) -> date | None:
    """A wording that names its date (a year, a month, a day), the reference filling in a missing year."""
    given_year = g.get("y")
    year = int(given_year) if given_year else None
    if kind == "iso":
        return _safe_date(int(g["y"] or 0), int(g["m"] or 0), int(g["d"] or 0))
    if kind in ("mdy", "dmy"):
        base_year = year or (reference.year if reference else None)
        if base_year is None:
            return None
        return _future(_safe_date(base_year, _month(g["mon"] or ""), int(g["d"] or 0)), reference, year is not None)
    if kind in ("end_of_year", "bare_year", "year") and year:
        return date(year, 12, 31)
    if kind == "half":
        rel = g["rel"]
        base = year or ((reference.year + (rel.lower() == "next")) if reference and rel else None)
        if base is None:
            return None
        return date(base, 6, 30) if (g["which"] or "").lower() == "first" else date(base, 12, 31)
    if kind == "month_year":
        base_year = year or (reference.year if reference else None)
        if base_year is None:
            return None
        month = _month(g["mon"] or "")
        return _future(date(base_year, month, calendar.monthrange(base_year, month)[1]), reference, year is not None)
    if kind == "decade":  # "in the 2030s": the decade's last day, the latest the wording allows
        return date(int(g["decade"] or 0) + 9, 12, 31)
    return None


def _weekdays_after(start: date, n: int) -> date:
    day = start
    while n > 0:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def _relative(kind: str, g: dict[str, str | None], reference: date) -> date | None:
    """A wording that counts from the article's date ("next week", "within 30 days", "by Friday")."""
    unit = (g.get("unit") or "").lower()
    if kind == "end_of_next":
        if unit == "year":
            return date(reference.year + 1, 12, 31)
        nxt = reference + relativedelta(months=1)
        return date(nxt.year, nxt.month, calendar.monthrange(nxt.year, nxt.month)[1])
    if kind == "end_of":
        if unit == "year":
            return date(reference.year, 12, 31)
        if unit == "decade":
            return date(reference.year - reference.year % 10 + 9, 12, 31)
        if unit == "month":
            return date(reference.year, reference.month, calendar.monthrange(reference.year, reference.month)[1])
        return reference + timedelta(days=6 - reference.weekday())
    if kind == "within":
        count = g["n"] or "1"
        n = int(count) if count.isdigit() else _NUMBERS[count.lower()]
        if unit.startswith(("working", "business")):  # weekdays only
            return _weekdays_after(reference, n)
        if unit.startswith("hour"):
            return reference + timedelta(days=-(-n // 24))
        return reference + relativedelta(**{unit.rstrip("s") + "s": n})  # type: ignore[arg-type]
    if kind == "next":
        return reference + relativedelta(**{unit + "s": 1})  # type: ignore[arg-type]
    if kind == "weekday":
        ahead = (_WEEKDAYS[(g["wd"] or "").lower()] - reference.weekday()) % 7 or 7
        return reference + timedelta(days=ahead)
    if kind == "tomorrow":
        return reference + timedelta(days=1)
    return None


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """`24h`, `90m`, `3d`, `2w`, or an ISO date or date-time; a UsageError naming the flag otherwise."""
    now = now or datetime.now(UTC)
    m = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", value.lower())
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
        return now - timedelta(**{unit: int(m.group(1))})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--since: '{value}' is neither a duration (24h, 3d, 2w) nor a date (2026-11-27)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
