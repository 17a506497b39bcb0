"""An article body that the page splits into several containers, made one again.

Some publishers cut the body into runs of paragraphs, each in a container of the same class, with an
advertisement row between them (Wired: `div.body__container.article__body`, twice or more). trafilatura
takes the first container as the article and loses the rest: more than half the text of two benchmark pages.
The sign is structural: two or more containers of one tag and class, each holding paragraphs of prose (not
links), none a post of its own (a title, a date or a heading first: a blog's front page) nor inside an aside,
a footer, a navigation bar or reader comments, of which the extraction holds the first and misses a later
one. The later containers' content is then moved into the first, in order, and the page extracted again.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

MIN_CHARS = 400  # a container's paragraphs hold at least this much text
MAX_LINK_SHARE = 0.3  # and at most this share of it in links: prose, not a list of stories
COVERED = 0.5  # the extraction holds the first container: at least this share of its paragraph text
MISSED = 0.2  # and misses a later one: at most this share of it
_WORD = re.compile(r"\w+")
_CONTAINERS = ("div", "section")


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _paragraphs(element: HtmlElement) -> list[str]:
    return [" ".join(_WORD.findall(_text(p).lower())) for p in element.iter("p")]


def _prose(element: HtmlElement) -> bool:
    paragraphs = [p for p in element.iter("p") if _text(p)]
    chars = sum(len(_text(p)) for p in paragraphs)
    links = sum(len(_text(a)) for a in element.iter("a"))
    if len(paragraphs) < 2 or chars < MIN_CHARS or links > MAX_LINK_SHARE * chars:
        return False
    return not _a_post(element) and not _aside(element)


def _aside(element: HtmlElement) -> bool:
    """Inside what is not the article by its markup: an aside, a footer, a navigation bar, reader comments."""
    for e in (element, *element.iterancestors()):
        named = f"{e.get('id') or ''} {e.get('class') or ''}".lower()
        if e.tag in ("aside", "footer", "nav") or "comment" in named:
            return True
    return False


def _a_post(element: HtmlElement) -> bool:
    """A whole post of its own, as on a blog's front page: a title, a date or an <article> inside, or a
    heading first."""
    first = next(iter(element), None)
    headed = first is not None and first.tag in ("h1", "h2", "h3")
    return headed or next(element.iter("h1", "time", "article"), None) is not None


def _share_in(element: HtmlElement, extracted: str) -> float:
    paragraphs = [p for p in _paragraphs(element) if len(p) >= 20]
    total = sum(len(p) for p in paragraphs)
    return sum(len(p) for p in paragraphs if p in extracted) / total if total else 1.0


def _groups(tree: HtmlElement) -> list[list[HtmlElement]]:
    """Containers of one tag and class, outermost only, two or more of them prose."""
    by_class: dict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for element in tree.iter(*_CONTAINERS):
        name = " ".join((element.get("class") or "").split())
        if name:
            by_class[(element.tag, name)].append(element)
    groups = []
    for members in by_class.values():
        if len(members) < 2:
            continue
        inside = set(members)
        outer = [m for m in members if not any(a in inside for a in m.iterancestors())]
        prose = [m for m in outer if _prose(m)]
        if len(prose) >= 2:
            groups.append(prose)
    return groups


def join_split_body(tree: HtmlElement, extracted: str) -> HtmlElement | None:
    """A copy of the page with a split body made one, when the extraction (`extracted`, its text) holds the
    first container and misses a later one; None when no body is split that way."""
    seen = " ".join(_WORD.findall(extracted.lower()))
    for group in _groups(tree):
        if _share_in(group[0], seen) < COVERED or all(_share_in(m, seen) > MISSED for m in group[1:]):
            continue
        root = tree.getroottree()
        paths = [root.getpath(m) for m in group]
        joined = copy.deepcopy(tree)
        first, *later = (joined.getroottree().xpath(path)[0] for path in paths)
        for member in later:
            first.extend(list(member))
            parent = member.getparent()
            if parent is not None:
                parent.remove(member)
        return joined
    return None
