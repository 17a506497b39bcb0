"""One name for one party: a country, its short and official names, its capital used as a metonym, its
people's adjective and its government are the same actor ("the DPRK", "Pyongyang" and "the North Korean
government" are North Korea). A gazetteer, not a guess: only names listed here are merged."""

from __future__ import annotations

import re

_COUNTRIES: dict[str, tuple[str, ...]] = {
    "North Korea": ("DPRK", "Democratic People's Republic of Korea", "Pyongyang", "North Korean"),
    "South Korea": ("Republic of Korea", "ROK", "Seoul", "South Korean"),
    "Russia": ("Russian Federation", "Moscow", "Kremlin", "the Kremlin", "Russian"),
    "United States": (
        "US",
        "U.S.",
        "USA",
        "U.S.A.",
        "America",
        "Washington",
        "White House",
        "the White House",
        "American",
        "United States of America",
    ),
    "United Kingdom": ("UK", "U.K.", "Britain", "Great Britain", "Downing Street", "British"),
    "China": ("People's Republic of China", "PRC", "Beijing", "Chinese"),
    "Japan": ("Tokyo", "Japanese"),
    "Ukraine": ("Kyiv", "Kiev", "Ukrainian"),
    "Iran": ("Islamic Republic of Iran", "Tehran", "Iranian"),
    "Israel": ("Israeli",),
    "France": ("Elysee", "Élysée", "French"),
    "Germany": ("Berlin", "German"),
    "European Union": ("EU", "E.U.", "Brussels"),
    "India": ("New Delhi", "Indian"),
    "Turkey": ("Türkiye", "Ankara", "Turkish"),
    "Saudi Arabia": ("Riyadh", "Saudi"),
    "Syria": ("Damascus", "Syrian"),
    "Greece": ("Athens", "Greek"),
    "Italy": ("Rome", "Italian"),
    "Spain": ("Madrid", "Spanish"),
    "Canada": ("Ottawa", "Canadian"),
    "Australia": ("Canberra", "Australian"),
    "Brazil": ("Brasilia", "Brazilian"),
    "Mexico": ("Mexican",),
    "Pakistan": ("Islamabad", "Pakistani"),
    "Afghanistan": ("Kabul", "Afghan"),
    "Iraq": ("Baghdad", "Iraqi"),
    "Egypt": ("Cairo", "Egyptian"),
    "Poland": ("Warsaw", "Polish"),
    "Taiwan": ("Taipei", "Taiwanese"),
    "Vietnam": ("Hanoi", "Vietnamese"),
    "Netherlands": ("The Hague", "Dutch"),
    "Palestinians": ("Palestinian Authority", "Palestinian"),
}
_GOVERNMENT = re.compile(
    r"\s+(?:government|side|administration|delegation|authorities|leadership|regime|officials)$", re.I
)
_LOOKUP: dict[str, str] = {}
for _canonical, _names in _COUNTRIES.items():
    for _name in (_canonical, *_names):
        _LOOKUP[_name.casefold()] = _canonical


def canonical(name: str) -> str:
    """The one name for `name`: "the DPRK" -> "North Korea", "the Russian side" -> "Russia"; other names as
    they are, without a leading "the" before a proper name."""
    text = " ".join(name.split()).strip(" ,;:\"'“”‘’()")
    bare = re.sub(r"^the\s+", "", text, flags=re.I)
    for candidate in (bare, _GOVERNMENT.sub("", bare)):
        found = _LOOKUP.get(candidate.casefold())
        if found:
            return found
    if bare[:1].isupper() and bare != text:
        return bare
    return text
