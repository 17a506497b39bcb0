"""The briefing across articles: facts merged across sources, conflicts, the commitments of the day,
themes, the watch list and the overview.

Matching is cheap and deterministic: normalised words, shared names and numbers. Two grounded facts from
different articles are the same fact when their content words overlap by SAME_FACT (Jaccard) and their
numbers agree; they conflict when they give a different number with the same unit and the same lead word
("cost 310 million euros" against "cost 340 million euros") about the same subject, or when one denies
what the other states. With a model, one more call writes the overview, the themes and the watch list
(`prompts/synthesize.*.j2`); without one, the overview is made from the leads and the themes from the
names the articles share.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from briefer.dates import resolve_deadline
from briefer.models import (
    ArticleBrief,
    Commitment,
    Conflict,
    ConflictSide,
    DayCommitment,
    DayFact,
    Fact,
    ModelSynthesis,
    SourcedEvidence,
    Theme,
    WatchItem,
)

OVERVIEW_MAX_ARTICLES = 5
SAME_FACT = 0.5
SAME_PLEDGE = 0.5
_STOP = frozenset(
    """a an the and or but of to in on at by for with from as is are was were be been being has have had it its
    this that these those their his her they he she we you i not no will would could should may might can said
    says told according also than then there which who whom whose what when where while after before over under
    about into out up down more most less least very just so such only other some any each""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_NUMBER = re.compile(
    r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s*(%|per\s?cent|percent))?(?:\s+(million|billion|thousand|bn|m)\b)?"
)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*|\b[A-Z]{2,}\b")
_DENIAL = re.compile(r"\b(?:den(?:y|ied|ies)|not true|false|never)\b", re.I)
_NAME_STOP = {
    "The",
    "A",
    "An",
    "This",
    "That",
    "It",
    "He",
    "She",
    "They",
    "We",
    "In",
    "On",
    "At",
    "But",
    "And",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "According",
    "After",
    "Before",
    "When",
    "While",
    "If",
    "As",
    "For",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}


def lead_sentence(summary: str) -> str:
    """The first sentence of a summary (up to the first full stop followed by a space)."""
    for end in (". ", "! ", "? "):
        cut = summary.find(end)
        if cut > 0:
            return summary[: cut + 1]
    return summary


def overview_from_leads(briefs: Sequence[ArticleBrief]) -> str:
    """A bottom line from the leads: one article's summary, or the lead sentence of the first few."""
    if not briefs:
        return ""
    if len(briefs) == 1:
        return briefs[0].summary
    leads = [lead_sentence(b.summary) for b in briefs[:OVERVIEW_MAX_ARTICLES]]
    more = len(briefs) - OVERVIEW_MAX_ARTICLES
    text = " ".join(lead for lead in leads if lead)
    return text + (f" Also: {more} more article{'s' if more != 1 else ''} below." if more > 0 else "")


def content_words(text: str) -> set[str]:
    return {w.lower().strip("'’-") for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # "million euros", "%", "homes"
    lead: str  # the content word just before the number: "cost", "contribute"


def quantities(text: str) -> list[Quantity]:
    """Numbers with what they count and the word that introduces them; years are left out."""
    found = []
    for m in _NUMBER.finditer(text):
        raw = m.group(1).replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        scale = (m.group(3) or "").lower()
        if not m.group(2) and not scale and 1900 <= value <= 2100 and "." not in raw:
            continue  # a year
        after = [w.lower() for w in _WORD.findall(text[m.end() : m.end() + 30])][:1]
        after = [w for w in after if w not in _STOP]  # "aged 18 and 19": no unit, nothing to compare
        before = [w.lower() for w in _WORD.findall(text[max(0, m.start() - 40) : m.start()]) if w.lower() not in _STOP]
        unit = " ".join(filter(None, [scale, "%" if m.group(2) else "", *after])).strip()
        found.append(Quantity(value=value, unit=unit, lead=before[-1] if before else ""))
    return found


@dataclass
class _Item:
    article: str
    fact: Fact
    words: set[str] = field(default_factory=set)
    numbers: set[tuple[float, str]] = field(default_factory=set)
    quantities: list[Quantity] = field(default_factory=list)
    denied: bool = False  # computed once: matching compares it for every candidate pair


def _evidence(article: str, fact: Fact | Commitment) -> list[SourcedEvidence]:
    return [
        SourcedEvidence(article=article, quote=e.quote, start=e.start, end=e.end)
        for e in fact.evidence
        if e.start is not None
    ]


def merge_facts(briefs: Sequence[ArticleBrief]) -> tuple[list[DayFact], list[Conflict]]:
    """Each grounded fact once, with all the articles that report it; and the facts that disagree."""
    items = []
    for brief in briefs:
        for fact in brief.facts:
            if fact.grounded:
                q = quantities(fact.statement)
                item = _Item(brief.id, fact, content_words(fact.statement), {(x.value, x.unit) for x in q}, q)
                item.denied = _denies(item)
                items.append(item)
    groups: list[list[_Item]] = []
    by_word: dict[str, list[int]] = defaultdict(list)  # word -> groups whose first fact holds it
    for item in items:
        candidates = sorted({g for w in item.words for g in by_word[w]})
        for g in candidates:
            group, head = groups[g], groups[g][0]
            if (
                item.numbers == head.numbers
                and item.denied == head.denied
                and item.article not in {x.article for x in group}
                and _jaccard(item.words, head.words) >= SAME_FACT
            ):
                group.append(item)
                break
        else:
            for w in item.words:
                by_word[w].append(len(groups))
            groups.append([item])
    facts = [
        DayFact(
            statement=group[0].fact.statement,
            attribution=group[0].fact.attribution,
            sources=[g.article for g in group],
            evidence=[e for g in group for e in _evidence(g.article, g.fact)],
        )
        for group in groups
    ]
    return facts, find_conflicts(items, related_articles(briefs))


def _denies(item: _Item) -> bool:
    return item.fact.attribution == "denied" or bool(_DENIAL.search(item.fact.statement))


def related_articles(briefs: Sequence[ArticleBrief]) -> Counter[frozenset[str]]:
    """Pairs of articles that share distinctive names (ones that few of the day's articles mention), with how
    many they share."""
    named = {b.id: list(names(b)) for b in briefs}  # each name once, in order of first mention
    counts = Counter(n for found in named.values() for n in found)
    rare = max(2, len(briefs) // 50)  # "London" in 40 of 500 articles relates nothing
    by_name: dict[str, list[str]] = defaultdict(list)
    for article, found in named.items():
        for name in found:
            if counts[name] <= rare:
                by_name[name].append(article)
    return Counter(frozenset((a, b)) for ids in by_name.values() for i, a in enumerate(ids) for b in ids[i + 1 :])


def find_conflicts(items: Sequence[_Item], related: Counter[frozenset[str]]) -> list[Conflict]:
    """Related articles giving the same kind of figure different values, or one denying what another states.
    Related: the articles share two distinctive names, or one and the two facts name something in common.
    Only pairs that share a figure's kind, or a word with a denial, are compared."""
    conflicts: list[Conflict] = []
    seen: set[tuple[int, int]] = set()

    def consider(i: int, j: int, topic: str | None) -> None:
        a, b = items[i], items[j]
        key = (min(i, j), max(i, j))
        if topic is None or a.article == b.article or key in seen:
            return
        shared = related.get(frozenset((a.article, b.article)), 0)
        if not shared or not _same_subject(a, b):
            return
        if shared < 2 and not (_fact_names(a) & _fact_names(b)):
            return
        seen.add(key)
        first, second = (a, b) if i < j else (b, a)
        conflicts.append(Conflict(topic=topic, sides=[_side(first), _side(second)]))

    by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for q in item.quantities:
            if _comparable(q):
                by_kind[(q.lead, q.unit)].append(i)
    for indices in by_kind.values():
        for n, i in enumerate(indices):
            for j in indices[n + 1 :]:
                consider(i, j, _number_clash(items[i], items[j]))
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for w in item.words:
            by_word[w].append(i)
    for i, item in enumerate(items):
        if not item.denied:
            continue
        for j in sorted({j for w in item.words for j in by_word[w]}):
            if not items[j].denied and _jaccard(item.words, items[j].words) >= SAME_FACT:
                consider(i, j, "one source denies what the other states")
    return conflicts


def _fact_names(item: _Item) -> set[str]:
    return {re.sub(r"^(?:The|A|An)\s+", "", m.group(0)) for m in _NAME.finditer(item.fact.statement)} - _NAME_STOP


def _same_subject(a: _Item, b: _Item) -> bool:
    """The facts share a content word beyond their figures' own units and lead words."""
    figure_words = {w for q in (*a.quantities, *b.quantities) for w in (q.lead, *q.unit.split())}
    return bool((a.words & b.words) - figure_words - {"million", "billion", "thousand"})


# Words before a figure that say nothing about what it measures ("off 75 balls", "aged 18", "last 12 months").
_VAGUE_LEADS = {
    "off",
    "last",
    "around",
    "aged",
    "between",
    "nearly",
    "almost",
    "least",
    "top",
    "first",
    "next",
    "per",
    "than",
    "the",
    "some",
    "another",
    "every",
    "only",
}


def _comparable(q: Quantity) -> bool:
    """A figure whose unit and lead word say what it measures ("cost 310 million euros")."""
    unit_ok = q.unit == "%" or len(q.unit.replace("%", "").strip()) >= 3
    return bool(q.unit and q.lead) and unit_ok and q.lead not in _VAGUE_LEADS and len(q.lead) >= 3


def _number_clash(a: _Item, b: _Item) -> str | None:
    for x in a.quantities:
        for y in b.quantities:
            if _comparable(x) and x.unit == y.unit and x.lead == y.lead and x.value != y.value:
                return f"{x.lead}: {_fmt(x)} or {_fmt(y)}"
    return None


def _fmt(q: Quantity) -> str:
    value = f"{q.value:,.2f}".rstrip("0").rstrip(".")
    return f"{value} {q.unit}".strip()


def _side(item: _Item) -> ConflictSide:
    quote = next((e.quote for e in item.fact.evidence if e.start is not None), item.fact.statement)
    return ConflictSide(article=item.article, statement=item.fact.statement, quote=quote)


def _actor_words(actor: str) -> frozenset[str]:
    return frozenset(w for w in content_words(actor) if w not in {"side", "government", "city"}) or frozenset(
        {actor.casefold()}
    )


def _same_pledge(a: tuple[str, Commitment, set[str]], b: tuple[str, Commitment, set[str]]) -> bool:
    """Same words, or some words and the same figure ("contribute 120 million euros")."""
    overlap = _jaccard(a[2], b[2])
    if overlap >= SAME_PLEDGE:
        return True
    figures_a = {(q.value, q.unit) for q in quantities(a[1].action)}
    figures_b = {(q.value, q.unit) for q in quantities(b[1].action)}
    return overlap >= SAME_PLEDGE / 2 and bool(figures_a & figures_b)


def merge_commitments(briefs: Sequence[ArticleBrief]) -> list[DayCommitment]:
    """Each grounded pledge once, with its sources; grouped by actor in order of first appearance. An actor
    named more fully in one article ("Port Estrel harbour authority") is the same as a shorter mention
    ("the harbour authority") when one's words hold the other's."""
    actors: list[tuple[frozenset[str], list[list[tuple[str, Commitment, set[str]]]]]] = []
    for brief in briefs:
        for c in brief.commitments:
            if not c.grounded:
                continue
            words = _actor_words(c.actor)
            slot = next((a for a in actors if a[0] <= words or words <= a[0]), None)
            if slot is None:
                slot = (words, [])
                actors.append(slot)
            entry = (brief.id, c, content_words(c.action))
            for group in slot[1]:
                if brief.id not in {g[0] for g in group} and _same_pledge(entry, group[0]):
                    group.append(entry)
                    break
            else:
                slot[1].append([entry])
    day = []
    for _, groups in actors:
        for group in groups:
            fullest = max(group, key=lambda g: len(g[1].actor))[1]
            first = group[0][1]
            day.append(
                DayCommitment(
                    actor=fullest.actor,
                    action=first.action,
                    counterparty=first.counterparty
                    or next((g[1].counterparty for g in group if g[1].counterparty), None),
                    deadline=first.deadline or next((g[1].deadline for g in group if g[1].deadline), None),
                    due=first.due or next((g[1].due for g in group if g[1].due), None),
                    sources=[g[0] for g in group],
                    evidence=[e for g in group for e in _evidence(g[0], g[1])],
                )
            )
    return day


def names(brief: ArticleBrief) -> Counter[str]:
    """The names an article mentions in its summary and facts. A single capitalised word that opens a
    sentence ("Chief executive ...", "Shares rose ...") is not taken for a name."""
    found: Counter[str] = Counter()
    for text in (brief.summary, *(f.statement for f in brief.facts)):
        for m in _NAME.finditer(text):
            name = re.sub(r"^(?:The|A|An)\s+", "", m.group(0))
            after_article = name != m.group(0)  # "The Kessvik dam": the name does not open the sentence
            opens_sentence = not after_article and (
                m.start() == 0 or text[: m.start()].rstrip().endswith((".", "!", "?", '"', "“"))
            )
            if name in _NAME_STOP or (opens_sentence and " " not in name and not name.isupper()):
                continue
            found[name] += 1
    return found


def themes_from_names(briefs: Sequence[ArticleBrief]) -> list[Theme]:
    """Articles that share a distinctive name form a theme. Star-shaped, not chained: the article related to
    the most others takes its direct relations, then the next, so a name shared pairwise down a long line of
    articles cannot pull the whole day into one theme. Labelled with the names the members share most."""
    if not briefs:
        return []
    related = related_articles(briefs)
    neighbours: dict[str, set[str]] = {b.id: set() for b in briefs}
    for pair in related:
        a, b = tuple(pair)
        neighbours[a].add(b)
        neighbours[b].add(a)
    order = {b.id: i for i, b in enumerate(briefs)}
    by_id = {b.id: b for b in briefs}
    remaining = set(order)
    themes = []
    while remaining:
        center = max(remaining, key=lambda a: (len(neighbours[a] & remaining), -order[a]))
        members = sorted({center} | (neighbours[center] & remaining), key=order.__getitem__)
        remaining -= set(members)
        if len(members) == 1:
            label = by_id[center].title
        else:
            # Ties go to the name mentioned first (most_common keeps insertion order), never to hashing.
            shared = Counter(n for m in members for n in names(by_id[m]))
            common = [n for n, count in shared.most_common() if count > 1][:3]
            label = ", ".join(common) or by_id[center].title
        themes.append(Theme(label=label, articles=members))
    return sorted(themes, key=lambda t: (-len(t.articles), order[t.articles[0]]))


def watch_list(commitments: Iterable[DayCommitment], today: date) -> list[WatchItem]:
    """Dated commitments from today on, soonest first."""
    items = [
        WatchItem(due=c.due, when=c.deadline, item=f"{c.actor}: {c.action}", articles=c.sources)
        for c in commitments
        if c.due is not None and c.due >= today
    ]
    return sorted(items, key=lambda w: w.due or today)


@dataclass
class Synthesis:
    overview: str
    themes: list[Theme]
    facts: list[DayFact]
    conflicts: list[Conflict]
    commitments: list[DayCommitment]
    watch: list[WatchItem]


def synthesize(briefs: Sequence[ArticleBrief], today: date) -> Synthesis:
    """The deterministic synthesis (the offline provider's, and the model's starting point)."""
    facts, conflicts = merge_facts(briefs)
    commitments = merge_commitments(briefs)
    return Synthesis(
        overview=overview_from_leads(briefs),
        themes=themes_from_names(briefs),
        facts=facts,
        conflicts=conflicts,
        commitments=commitments,
        watch=watch_list(commitments, today),
    )


def apply_model(base: Synthesis, answer: ModelSynthesis, briefs: Sequence[ArticleBrief], today: date) -> Synthesis:
    """The model's overview, themes and watch items, keeping only article ids that exist."""
    known = {b.id for b in briefs}
    themes = [
        Theme(label=t.label.strip(), articles=[a for a in t.articles if a in known])
        for t in answer.themes
        if t.label.strip() and any(a in known for a in t.articles)
    ]
    watch = list(base.watch)
    listed = {(w.item.casefold(), w.due) for w in watch}
    for w in answer.watch:
        when = resolve_deadline(w.when, today) if w.when else None
        ids = [a for a in w.articles if a in known]
        if ids and (w.item.casefold(), when) not in listed and (when is None or when >= today):
            watch.append(WatchItem(due=when, when=w.when, item=w.item.strip(), articles=ids))
    watch.sort(key=lambda w: (w.due is None, w.due or today))
    return Synthesis(
        overview=answer.overview.strip() or base.overview,
        themes=themes or base.themes,
        facts=base.facts,
        conflicts=base.conflicts,
        commitments=base.commitments,
        watch=watch,
    )
