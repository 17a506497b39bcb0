"""Merge duplicate articles before any model call: the same URL, the same text, or a near-copy.

Near-copies are found by word 5-shingles: two articles are the same story when the Jaccard similarity of
their shingle sets is at least JACCARD (0.6), or when at least CONTAINMENT (0.85) of the shorter one's
shingles appear in the longer one (a trimmed syndicated copy). Syndicated wire copies typically score
above 0.8; two different reports of one event, below 0.3.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from briefer.models import Article, Origin

JACCARD = 0.6
CONTAINMENT = 0.85
SHINGLE = 5
MIN_SHINGLES = 20  # shorter texts are compared by URL and exact text only
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|smid|_ga|ref|src)$")
_WORD = re.compile(r"\w+")


def canonical_url(url: str) -> str:
    """The URL without tracking parameters, fragment, `www.` or a trailing slash, for comparison."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    params = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode(sorted((k, v) for k, v in params if not _TRACKING.match(k)))
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    return urlunsplit((scheme, host, parts.path.rstrip("/"), query, ""))


def shingles(text: str) -> set[int]:
    words = _WORD.findall(text.lower())
    return {hash(tuple(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


def _same_story(a: set[int], b: set[int]) -> bool:
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return False
    shared = len(a & b)
    return shared / len(a | b) >= JACCARD or shared / min(len(a), len(b)) >= CONTAINMENT


class Deduper:
    """Duplicates found as articles arrive, in input order: `add` says which story an article belongs to and
    whether it is now that story's primary (the fullest text; the first of equal length). `merged` gives
    one article per story, in first-seen order, listing the other origins: the same answer for the same
    input order however the articles were read."""

    def __init__(self) -> None:
        self.articles: list[Article] = []
        self.groups: list[list[int]] = []
        self._group_of: list[int] = []
        self._by_key: dict[str, int] = {}
        self._sets: list[set[int]] = []
        self._index: dict[int, list[int]] = defaultdict(list)  # shingle -> earlier articles holding it

    def add(self, article: Article) -> tuple[int, bool]:
        """(the story's number, whether `article` is now its primary)."""
        i = len(self.articles)
        self.articles.append(article)
        self._sets.append(shingles(article.text))
        keys = [f"id:{article.id}"] + ([f"url:{canonical_url(article.url)}"] if article.url else [])
        match = next((self._by_key[k] for k in keys if k in self._by_key), None)
        if match is None:
            counts: dict[int, int] = defaultdict(int)
            for s in self._sets[i]:
                for j in self._index[s]:
                    counts[j] += 1
            for j, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                if _same_story(self._sets[i], self._sets[j]):
                    match = self._group_of[j]
                    break
        if match is None:
            match = len(self.groups)
            self.groups.append([])
        self.groups[match].append(i)
        self._group_of.append(match)
        for k in keys:
            self._by_key.setdefault(k, match)
        for s in self._sets[i]:
            self._index[s].append(i)
        return match, self.primary(match) == i

    def primary(self, group: int) -> int:
        """The index of the story's fullest text (the first of equal length)."""
        return max(self.groups[group], key=lambda i: (len(self.articles[i].text), -i))

    def merged(self) -> list[Article]:
        """One article per story, in first-seen order; the primary lists the other origins."""
        result: list[Article] = []
        for group, members in enumerate(self.groups):
            primary = self.primary(group)
            others = [self.articles[i] for i in members if i != primary]
            article = self.articles[primary]
            if not others:
                result.append(article)
                continue
            seen = {(article.source, article.url)}
            origins = list(article.duplicates)
            for other in others:
                for origin in [Origin(source=other.source, url=other.url, title=other.title), *other.duplicates]:
                    if (origin.source, origin.url) not in seen:
                        seen.add((origin.source, origin.url))
                        origins.append(origin)
            result.append(article.model_copy(update={"duplicates": origins}))
        return result


def merge_duplicates(articles: list[Article]) -> list[Article]:
    """One article per story, in first-seen order; the fullest text wins and lists the other origins."""
    deduper = Deduper()
    for article in articles:
        deduper.add(article)
    return deduper.merged()
