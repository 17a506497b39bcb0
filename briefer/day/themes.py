"""Themes: the day's articles about one story, together; an article related to no other goes under "Other
stories".

Two articles are related by the cosine of their TF-IDF vectors over the names and content words of their
titles, summaries and facts (names count double: a story is told around its people and places). Articles
are grouped by average linkage: two groups join while their mean similarity is at least RELATED, so every
member of a theme is close to the theme as a whole, and one shared word cannot chain unrelated stories
together. A theme is labelled with the names most of its members mention, never a headline. Everything is
ordered by the input, never by hashing, so the same day gives the same themes.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from briefer.day.sameness import words
from briefer.models import ArticleBrief, Theme
from briefer.offline.aliases import canonical as _canonical

canonical = lru_cache(maxsize=1 << 14)(_canonical)  # a day's names recur across its articles

RELATED = 0.18  # mean cosine at which two groups of articles are one story
OTHER = "Other stories"
COMMON_FROM = 50
LABEL_NAMES = 3
_WORD = r"[A-Z][a-z]+(?:[A-Z][a-z]+)?"
# A name runs over "of", "of the", "for the" and the like: "State of the Union", "Bank of England".
_CONNECTOR = r"\s(?:of|of the|for|for the|on the|de|del|von der|van der)\s"
_NAME = re.compile(rf"\b{_WORD}(?:(?:[ \-]|{_CONNECTOR}){_WORD})*|\b[A-Z]{{2,}}\b")
CONNECTORS = frozenset({"of", "the", "for", "on", "de", "del", "von", "van", "der"})
_TITLES = re.compile(r"^(?:(?:The|A|An|Mr|Mrs|Ms|Dr|Sir|Lord|Lady|Mayor|President|Prime Minister)\s+)+")
_NAME_STOP = frozenset(
    """The A An This That It He She They We In On At But And Mr Mrs Ms Dr According After Before When While If As
    For Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Today Yesterday Tomorrow Officials Police""".split()
)


def text_of(brief: ArticleBrief) -> list[str]:
    """The texts an article is compared by: its title, summary and grounded facts."""
    return [brief.title, brief.summary, *(f.statement for f in brief.facts if f.grounded)]


def _opens_sentence(text: str, m: re.Match[str]) -> bool:
    if m.start() == 0:
        return True
    before = m.start()
    while before and text[before - 1].isspace():  # back over the spaces, without copying the text before
        before -= 1
    return before > 0 and text[before - 1] in '.!?"“:'


def known_names(briefs: Sequence[ArticleBrief]) -> frozenset[str]:
    """Single capitalised words seen inside a sentence somewhere in the day: names, wherever they stand."""
    return frozenset[str]().union(*(_inside(tuple(text_of(brief)[1:])) for brief in briefs))  # not the title


@lru_cache(maxsize=4096)  # by an article's texts: read as it is extracted (`read_ahead`)
def _inside(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        m.group(0)
        for text in texts
        for m in _NAME.finditer(text)
        if " " not in m.group(0) and not _opens_sentence(text, m)
    )


def names(brief: ArticleBrief, known: frozenset[str] = frozenset()) -> Counter[str]:
    """The names an article mentions, through the alias gazetteer ("DPRK" is North Korea), each with how often.
    A single capitalised word that opens a sentence ("Shares rose ...") is a name only when it is `known`
    (seen inside a sentence) or a country. In the title, whose every word may be capitalised, a name counts
    only as far as the article's text holds it: "Trump State of the Union address" gives "Trump" and "State
    of the Union", never "Trump State"."""
    return Counter(name for name, lone in _mentions(tuple(text_of(brief))) if lone is None or lone in known)


@lru_cache(maxsize=4096)  # by an article's texts: read as it is extracted (`read_ahead`)
def _mentions(texts: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """Each name the texts mention, in order, as `names` counts it, with the word that is a name only when
    `known` holds it (a lone capitalised word opening a sentence, or in the title), else None."""
    found: list[tuple[str, str | None]] = []
    body = " ".join(texts[1:])
    for n, text in enumerate(texts):
        for m in _NAME.finditer(text):
            mentioned = [m.group(0)] if n else _held(m.group(0), body)
            for whole in mentioned:
                name = _TITLES.sub("", whole)
                first_word = name == m.group(0) and _opens_sentence(text, m)
                if name in _NAME_STOP or not name:
                    continue
                lone_word = " " not in name and not name.isupper() and canonical(name) == name
                # A lone word opening a sentence, or in the title (whose every word is capitalised): a name
                # only if `known`.
                found.append((canonical(name), name if (first_word or n == 0) and lone_word else None))
    return tuple(found)


def read_ahead(brief: ArticleBrief) -> None:
    """What `themes` reads of an article, read now (memoised)."""
    texts = tuple(text_of(brief))
    _mentions(texts)
    _inside(texts[1:])
    for text in texts:
        words(text)


def _held(name: str, body: str) -> list[str]:
    """The longest runs of the words of a title's name that `body` holds as they are (all of it when there is
    no body to check against)."""
    if not body:
        return [name]
    parts = name.split()
    held, start = [], 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            run = " ".join(parts[start:end])
            edges = parts[start] not in CONNECTORS and parts[end - 1] not in CONNECTORS
            if edges and re.search(rf"\b{re.escape(run)}\b", body):
                held.append(run)
                start = end
                break
        else:
            start += 1
    return held


def _vectors(briefs: Sequence[ArticleBrief]) -> list[dict[str, float]]:
    """Each article's TF-IDF vector (unit length) over its names ("N:..."), counted double, and words."""
    counts = []
    known = known_names(briefs)
    for brief in briefs:
        terms: Counter[str] = Counter()
        for name, n in names(brief, known).items():
            parts = [part for part in name.casefold().split() if part not in CONNECTORS]
            for part in parts:
                terms["N:" + part] += 2 * n  # by word: "Port of Lindmar" and "Lindmar" share one
            if len(parts) > 1:
                terms["N:" + name.casefold()] += 2 * n  # and whole: "State of the Union" is more than its words
        for text in text_of(brief):
            terms.update(sorted(words(text)))  # in a fixed order: float sums must not follow the hash seed
        counts.append(terms)
    df = Counter(term for terms in counts for term in terms)
    total = len(briefs)
    vectors = []
    for terms in counts:
        vector = {t: (1 + math.log(n)) * (math.log((total + 1) / (df[t] + 1)) + 1) for t, n in terms.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in vector.items()})
    return vectors


def similarities(briefs: Sequence[ArticleBrief]) -> dict[tuple[int, int], float]:
    """Cosine similarity of every pair of articles that share a term, by index (i < j). On a big day
    (COMMON_FROM articles or more), a term in more than a fifth of them ("said", "London") is too common to
    relate anything and is skipped; on a smaller one, IDF alone weighs it down, so a story every article
    tells still holds together."""
    vectors = _vectors(briefs)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for term in vector:
            postings[term].append(i)
    common = len(briefs) // 5 if len(briefs) >= COMMON_FROM else len(briefs)
    scores: dict[tuple[int, int], float] = defaultdict(float)
    for term, holders in postings.items():
        if len(holders) < 2 or len(holders) > common:
            continue
        for n, i in enumerate(holders):
            weight = vectors[i][term]
            for j in holders[n + 1 :]:
                scores[(i, j)] += weight * vectors[j][term]
    return dict(scores)


def cluster(size: int, scores: dict[tuple[int, int], float], threshold: float = RELATED) -> list[list[int]]:
    """Average-linkage groups of 0..size-1: the closest two groups join while their mean pairwise similarity
    (pairs not in `scores` count 0) is at least `threshold`. Ties go to the earlier indices."""
    members: dict[int, list[int]] = {i: [i] for i in range(size)}
    links: dict[int, dict[int, float]] = defaultdict(dict)  # group -> neighbour group -> summed similarity
    for (i, j), score in scores.items():
        links[i][j] = links[j][i] = score
    heap = [(-s, i, j) for (i, j), s in scores.items() if s >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        mean = links[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if abs(mean + negative) > 1e-12:
            continue  # a stale entry: the groups changed since it was pushed
        members[a] = sorted(members[a] + members.pop(b))
        for other, total in links.pop(b).items():
            links[other].pop(b, None)
            if other != a:
                links[a][other] = links[a].get(other, 0.0) + total
                links[other][a] = links[a][other]
        links[a].pop(b, None)
        for other, total in links[a].items():
            mean = total / (len(members[a]) * len(members[other]))
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(a, other), max(a, other)))
    return sorted(members.values(), key=lambda group: (-len(group), group[0]))


def label(members: Sequence[ArticleBrief], known: frozenset[str] = frozenset()) -> str:
    """The names most members mention (at least two of them, and at least half), up to three, a name that
    shares a word with a longer chosen one left out ("Mr Cameron" beside "David Cameron"); failing whole
    names, the words of names most members share; failing those, their most shared words."""
    need = max(2, math.ceil(len(members) / 2))
    mentioned = [names(brief, known) for brief in members]
    mentions = Counter(name for found in mentioned for name in found)
    chosen: list[str] = []
    for name, count in mentions.most_common():
        if count < need or len(chosen) == LABEL_NAMES:
            break
        if any((set(name.split()) & set(other.split())) - CONNECTORS for other in chosen):
            continue
        chosen.append(name)
    if not chosen:
        parts = Counter(
            part
            for found in mentioned
            for part in dict.fromkeys(w for name in found for w in name.split() if w not in CONNECTORS)
        )
        chosen = [part for part, count in parts.most_common() if count >= need and part not in _NAME_STOP]
        chosen = chosen[:LABEL_NAMES]
    if chosen:
        return ", ".join(chosen)
    shared = Counter(w for brief in members for w in sorted(set().union(*(words(t) for t in text_of(brief)))))
    common = [w for w, count in shared.most_common() if count >= need][:LABEL_NAMES]
    return ", ".join(common).capitalize() if common else OTHER


def themes(briefs: Sequence[ArticleBrief]) -> list[Theme]:
    """The day's themes, biggest first, then "Other stories" (the articles related to no other)."""
    known = known_names(briefs)
    groups = one_story(cluster(len(briefs), similarities(briefs)), [names(b, known) for b in briefs])
    found = [
        Theme(label=label([briefs[i] for i in group], known), articles=[briefs[i].id for i in group])
        for group in groups
        if len(group) > 1
    ]
    alone = [briefs[group[0]].id for group in groups if len(group) == 1]  # in input order, as groups are
    if alone:
        found.append(Theme(label=OTHER, articles=alone, other=True))
    return found


def one_story(groups: list[list[int]], mentioned: Sequence[Counter[str]]) -> list[list[int]]:
    """Groups most of whose members name one thing of several words ("State of the Union"), which the day
    mentions mostly in them, are one story, and an article alone that names it joins them: one event told
    from several angles (the speech, the protests, the comedians' view) shares little else. A name the day
    mentions mostly elsewhere ("United States") joins nothing."""
    story = list(range(len(groups)))  # union-find over the groups

    def root(n: int) -> int:
        while story[n] != n:
            n = story[n]
        return n

    topics: dict[str, list[int]] = {}
    for n, group in enumerate(groups):
        if len(group) > 1:
            need = max(2, math.ceil(len(group) / 2))
            counts = Counter(name for i in group for name in mentioned[i] if " " in name)
            for name in sorted(name for name, count in counts.items() if count >= need):
                topics.setdefault(name, []).append(n)
    of_article = {i: n for n, group in enumerate(groups) for i in group}
    for name, told in topics.items():
        holders = [i for i, found in enumerate(mentioned) if name in found]
        if 2 * sum(1 for i in holders if of_article[i] in told) <= len(holders):
            continue
        joining = told + [of_article[i] for i in holders if len(groups[of_article[i]]) == 1]
        for n in joining[1:]:
            story[root(n)] = root(joining[0])
    merged: dict[int, list[int]] = {}
    for n, group in enumerate(groups):
        merged.setdefault(root(n), []).extend(group)
    return sorted((sorted(g) for g in merged.values()), key=lambda group: (-len(group), group[0]))
