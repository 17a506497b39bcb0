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


def merge_duplicates(articles: list[Article]) -> list[Article]:
    """One article per story, in first-seen order; the fullest text wins and lists the other origins."""
    groups: list[list[int]] = []
    group_of: dict[int, int] = {}
    by_key: dict[str, int] = {}
    sets = [shingles(a.text) for a in articles]
    index: dict[int, list[int]] = defaultdict(list)  # shingle -> earlier articles holding it
    for i, article in enumerate(articles):
        keys = [f"id:{article.id}"] + ([f"url:{canonical_url(article.url)}"] if article.url else [])
        match = next((by_key[k] for k in keys if k in by_key), None)
        if match is None:
            counts: dict[int, int] = defaultdict(int)
            for s in sets[i]:
                for j in index[s]:
                    counts[j] += 1
            for j, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):  # ties: first seen
                if _same_story(sets[i], sets[j]):
                    match = group_of[j]
                    break
        if match is None:
            match = len(groups)
            groups.append([])
        groups[match].append(i)
        group_of[i] = match
        for k in keys:
            by_key.setdefault(k, match)
        for s in sets[i]:
            index[s].append(i)
    merged: list[Article] = []
    for members in groups:
        primary = max(members, key=lambda i: (len(articles[i].text), -i))
        others = [articles[i] for i in members if i != primary]
        if not others:
            merged.append(articles[primary])
            continue
        seen = {(articles[primary].source, articles[primary].url)}
        origins = list(articles[primary].duplicates)
        for other in others:
            for origin in [Origin(source=other.source, url=other.url, title=other.title), *other.duplicates]:
                if (origin.source, origin.url) not in seen:
                    seen.add((origin.source, origin.url))
                    origins.append(origin)
        merged.append(articles[primary].model_copy(update={"duplicates": origins}))
    return merged
