"""The day as one story: each fact once with all its sources, the conflicts that are real, the commitments
of the day, themes, the key facts, the watch list and an overview whose every sentence cites its articles.

Cheap first: `prepare` finds themes (`themes.py`) and candidate pairs of statements from different articles
by their words and figures. The candidates are then judged: offline by their spaCy signatures
(`sameness.py`), with a model by the synthesis request itself (`model_day.py`: it is shown the closest
candidates by id and answers yes or no to each). The day's commitments are merged in `day_commitments.py`,
the overview written or checked in `overview.py`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from briefer.dates import resolve_deadline
from briefer.day import overview as overviews
from briefer.day.commitments import merge_commitments, sourced
from briefer.day.figures import figures
from briefer.day.implications import day_implications
from briefer.day.readable import unfit
from briefer.day.sameness import Signature, calendar_days, conflict, denies, jaccard, same_fact, signatures, words
from briefer.day.themes import themes
from briefer.models import (
    ArticleBrief,
    Conflict,
    ConflictSide,
    DayCommitment,
    DayFact,
    DayImplication,
    DroppedSentence,
    Fact,
    OverviewSentence,
    SourcedEvidence,
    Theme,
    WatchItem,
)

KEY_FACTS = 10  # the day's key facts at most; the rest stay in the articles' sections
KEY_FACTS_PER_THEME = 3  # unless confirmed by more than one source
NEAR_SAME = 0.5  # words shared (Jaccard) for a pair merged without a verdict; a candidate needs CANDIDATE
NEAR_COPY = 0.8  # words shared (Jaccard) for a merge settled without a parse
CANDIDATE = 0.1
MAX_CANDIDATES = 2_000  # of each kind: a day of one huge story stays quick
MAX_CONFLICTS = 10
RARE = 20  # a word in more of the day's statements than this finds no candidate across stories
SAME_PLEDGE = 0.5


@dataclass
class Statement:
    """A grounded fact (or, for conflicts only, a commitment's sentence) of one article."""

    article: str
    position: int  # its place among the article's facts
    text: str
    fact: Fact | None
    quote: str
    evidence: list[SourcedEvidence]
    words: frozenset[str] = field(default_factory=frozenset)
    values: frozenset[float] = field(default_factory=frozenset)
    measures: frozenset[str] = field(default_factory=frozenset)
    figures: tuple[tuple[float, str, bool], ...] = ()  # value, measure, disputed
    days: frozenset[str] = field(default_factory=frozenset)
    denied: bool = False


@dataclass(frozen=True)
class Candidate:
    """A pair of statements (by index) that may be one fact ("m…") or may conflict ("c…")."""

    id: str
    first: int
    second: int


@dataclass
class Day:
    """The cheap part of the synthesis, done before anything is judged."""

    briefs: list[ArticleBrief]
    statements: list[Statement]
    themes: list[Theme]
    merges: list[Candidate]
    conflicts: list[Candidate]


@dataclass
class Synthesis:
    overview: list[OverviewSentence]
    themes: list[Theme]
    facts: list[DayFact]
    conflicts: list[Conflict]
    commitments: list[DayCommitment]
    watch: list[WatchItem]
    dropped: list[DroppedSentence] = field(default_factory=list)
    implications: list[DayImplication] = field(default_factory=list)

    @property
    def overview_text(self) -> str:
        return " ".join(s.text for s in self.overview)


def statements(briefs: Sequence[ArticleBrief]) -> list[Statement]:
    """Every grounded fact, then every grounded commitment's quote (for conflicts), with their cheap keys."""
    found = []
    for brief in briefs:
        for position, fact in enumerate(f for f in brief.facts if f.grounded):
            evidence = sourced(brief.id, fact)
            quote = evidence[0].quote if evidence else fact.statement
            found.append(Statement(brief.id, position, fact.statement, fact, quote, evidence))
    quoted = {(s.article, s.quote) for s in found}
    for brief in briefs:
        for c in brief.commitments:
            evidence = sourced(brief.id, c)
            if c.grounded and evidence and (brief.id, evidence[0].quote) not in quoted:
                quoted.add((brief.id, evidence[0].quote))
                found.append(Statement(brief.id, 10_000, evidence[0].quote, None, evidence[0].quote, evidence))
    for s in found:
        measured = figures(s.text)
        s.words = words(s.text)
        s.values = frozenset(f.value for f in measured if not f.disputed)
        s.measures = frozenset(f.measure for f in measured if f.measure)
        s.figures = tuple((f.value, f.measure, f.disputed) for f in measured)
        s.days = calendar_days(s.text)
        s.denied = (s.fact is not None and s.fact.attribution == "denied") or denies(s.text)
    return found


def prepare(briefs: Sequence[ArticleBrief]) -> Day:
    """Themes and the candidate pairs: statements of different articles in one theme that share words or a
    figure's measure, and anywhere in the day, statements whose words nearly coincide."""
    briefs = list(briefs)
    found = statements(briefs)
    day_themes = themes(briefs)
    theme_of = {a: n for n, t in enumerate(day_themes) if not t.other for a in t.articles}
    in_theme: dict[int, list[int]] = defaultdict(list)
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(found):
        if s.article in theme_of:
            in_theme[theme_of[s.article]].append(i)
        for w in s.words:
            by_word[w].append(i)
    pairs = {(i, j) for members in in_theme.values() for n, i in enumerate(members) for j in members[n + 1 :]}
    shared: Counter[tuple[int, int]] = Counter()
    for holders in by_word.values():
        if len(holders) <= RARE:  # across stories, only near-copies: they share rarer words than "said"
            shared.update((i, j) for n, i in enumerate(holders) for j in holders[n + 1 :])
    pairs.update(pair for pair, count in shared.items() if count >= 2)
    merges: list[tuple[float, int, int]] = []
    clashes: list[tuple[float, int, int]] = []
    for i, j in sorted(pairs):
        a, b = found[i], found[j]
        if a.article == b.article:
            continue
        overlap = jaccard(a.words, b.words)
        together = a.article in theme_of and theme_of.get(a.article) == theme_of.get(b.article)
        alike = (a.fact is None) == (b.fact is None)  # two facts, or two pledges' sentences
        if alike and (overlap >= NEAR_SAME or (together and overlap >= CANDIDATE)):
            merges.append((-overlap, i, j))
        if together and (a.measures & b.measures or a.denied != b.denied or (a.days and b.days)):
            clashes.append((-overlap, i, j))
    # The closest first (the model is shown the first SHOWN_CANDIDATES), and a bounded number of them.
    merges = sorted(merges)[:MAX_CANDIDATES]
    clashes = sorted(clashes)[:MAX_CANDIDATES]
    return Day(
        briefs=briefs,
        statements=found,
        themes=day_themes,
        merges=[Candidate(f"m{n}", i, j) for n, (_, i, j) in enumerate(merges, start=1)],
        conflicts=[Candidate(f"c{n}", i, j) for n, (_, i, j) in enumerate(clashes, start=1)],
    )


def to_parse(day: Day) -> list[int]:
    """The statements a judgement needs parsed: those of the merges not settled cheaply and of the conflicts
    worth a look."""
    st = day.statements
    open_merges = [c for c in day.merges if _settled(st[c.first], st[c.second]) is None]
    clashing = [c for c in day.conflicts if _may_clash(st[c.first], st[c.second])]
    return sorted({i for c in (*open_merges, *clashing) for i in (c.first, c.second)})


def judge_offline(day: Day, parsed: Mapping[int, Signature] | None = None) -> tuple[set[str], dict[str, str]]:
    """The merges that are one fact, and the conflicts that are real with their topic, by the signatures of
    the statements `to_parse` names (parsed here unless given)."""
    st = day.statements
    if parsed is None:
        needed = to_parse(day)
        parsed = dict(zip(needed, signatures([st[i].text for i in needed]), strict=True))
    # A statement denies when its parse says so; one with no word of denial, when its fact is marked "denied"
    # (a model's paraphrase: "The minister took no bribe").
    sig = {i: s if denies(st[i].text) else replace(s, denied=st[i].denied) for i, s in parsed.items()}
    same = set()
    for c in day.merges:
        settled = _settled(st[c.first], st[c.second])
        if settled or (settled is None and same_fact(sig[c.first], sig[c.second])):
            same.add(c.id)
    real = {}
    for c in day.conflicts:
        if _may_clash(st[c.first], st[c.second]):
            topic = conflict(sig[c.first], sig[c.second])
            if topic is not None:
                real[c.id] = topic
    return same, real


def _settled(a: Statement, b: Statement) -> bool | None:
    """A candidate merge decided without a parse: the same words, figures and stance (yes); a denial against
    a statement, or a figure each that the other lacks (no); else None."""
    if a.denied != b.denied or not (a.values <= b.values or b.values <= a.values):
        return False
    if a.values == b.values and jaccard(a.words, b.words) >= NEAR_COPY:
        return True
    return None


def _may_clash(a: Statement, b: Statement) -> bool:
    """A candidate conflict worth a parse: a measure both give with another value, or disputed by one; a
    denial against a statement; two different days."""
    if a.denied != b.denied or (a.days and b.days and not (a.days & b.days)):
        return True
    return any(x[1] == y[1] and (x[0] != y[0] or x[2] != y[2]) for x in a.figures for y in b.figures if x[1])


def group_facts(day: Day, same: set[str]) -> list[list[int]]:
    """Statements joined into one fact by the accepted merges, closest words first; a fact never takes two
    statements of one article."""
    group_of = {i: [i] for i, s in enumerate(day.statements) if s.fact is not None}
    accepted = [c for c in day.merges if c.id in same and c.first in group_of]
    accepted.sort(key=lambda c: -jaccard(day.statements[c.first].words, day.statements[c.second].words))
    for c in accepted:
        a, b = group_of[c.first], group_of[c.second]
        if a is b or {day.statements[i].article for i in a} & {day.statements[i].article for i in b}:
            continue
        if not all(_compatible(day.statements[i], day.statements[j]) for i in a for j in b):
            continue  # no chain: "40 ships" and "45 ships" never meet through "ships waited"
        a.extend(b)
        a.sort()
        for i in b:
            group_of[i] = a
    unique = {id(g): g for g in group_of.values()}
    return sorted(unique.values(), key=lambda g: g[0])


def _compatible(a: Statement, b: Statement) -> bool:
    """Two statements one fact may hold: neither has a figure the other contradicts, neither denies what
    the other states."""
    return a.denied == b.denied and (a.values <= b.values or b.values <= a.values)


def day_fact(day: Day, group: list[int]) -> DayFact:
    first = day.statements[group[0]]
    assert first.fact is not None
    return DayFact(
        statement=first.fact.statement,
        attribution=first.fact.attribution,
        sources=[day.statements[i].article for i in group],
        evidence=[e for i in group for e in day.statements[i].evidence],
    )


def key_facts(day: Day, groups: list[list[int]]) -> list[DayFact]:
    """At most KEY_FACTS facts, never boilerplate or a fused heading: those confirmed by most sources first,
    then the more salient (the earlier in its article, then the bigger story); of one story (a theme, or an
    article of the other stories) at most its share of the list, and KEY_FACTS_PER_THEME at least, unless
    confirmed."""
    rank = {a: n for n, t in enumerate(day.themes) for a in t.articles}
    order = {b.id: n for n, b in enumerate(day.briefs)}

    def salience(group: list[int]) -> tuple[int, int, int, int]:
        first = day.statements[group[0]]
        return (-len(group), first.position, rank.get(first.article, len(rank)), order[first.article])

    story = {a: (str(n) if not t.other else a) for n, t in enumerate(day.themes) for a in t.articles}
    stories = len(set(story.values())) or 1
    cap = max(KEY_FACTS_PER_THEME, -(-KEY_FACTS // stories))  # one story alone may fill the list
    chosen: list[DayFact] = []
    per_story: dict[str, int] = defaultdict(int)
    for group in sorted(groups, key=salience):
        fact = day_fact(day, group)
        if unfit(fact.statement):
            continue  # page boilerplate ("originally published in ... on Medium"), a fused heading
        told = story.get(fact.sources[0], fact.sources[0])
        if len(group) == 1 and per_story[told] >= cap:
            continue
        per_story[told] += 1
        chosen.append(fact)
        if len(chosen) == KEY_FACTS:
            break
    return chosen


def found_conflicts(day: Day, real: dict[str, str], same: set[str]) -> list[Conflict]:
    """The real conflicts, closest first: one per pair of articles, none between statements judged one
    fact, MAX_CONFLICTS in all."""
    merged = {frozenset((c.first, c.second)) for c in day.merges if c.id in same}
    conflicts: list[Conflict] = []
    seen: set[frozenset[str]] = set()
    for c in day.conflicts:
        sides = [day.statements[c.first], day.statements[c.second]]
        articles = frozenset(s.article for s in sides)
        if c.id not in real or articles in seen or frozenset((c.first, c.second)) in merged:
            continue
        seen.add(articles)
        conflicts.append(
            Conflict(
                topic=real[c.id],
                sides=[ConflictSide(article=s.article, statement=s.text, quote=s.quote) for s in sides],
            )
        )
        if len(conflicts) == MAX_CONFLICTS:
            break
    return conflicts


def same_pledges(day: Day, same: set[str]) -> set[frozenset[tuple[str, str]]]:
    """The pairs of (article, quote) the judged candidates say state one undertaking."""
    pairs = set()
    for c in day.merges:
        a, b = day.statements[c.first], day.statements[c.second]
        if c.id in same and a.fact is None:
            pairs.add(frozenset({(a.article, a.quote), (b.article, b.quote)}))
    return pairs


def watch_list(commitments: Iterable[DayCommitment], today: date) -> list[WatchItem]:
    """Commitments with a deadline from today on, soonest first. A deadline its undated article left
    unresolved ("within two weeks", "by the end of the year") is resolved from today, the day it was read;
    one that names no date at all ("soon") comes last, as worded."""
    items = []
    for c in commitments:
        due = c.due or resolve_deadline(c.deadline, today)
        if (due is not None and due >= today) or (due is None and c.due is None and c.deadline):
            items.append(WatchItem(due=due, when=c.deadline, item=f"{c.actor}: {c.action}", articles=c.sources))
    return sorted(items, key=lambda w: (w.due is None, w.due or today))


def settle(
    day: Day,
    same: set[str],
    real: dict[str, str],
    today: date,
    overview: list[OverviewSentence] | None = None,
) -> Synthesis:
    """The synthesis from the judged candidates; the offline overview unless one is given."""
    groups = group_facts(day, same)
    facts = [day_fact(day, g) for g in groups]
    key = key_facts(day, groups)
    conflicts = found_conflicts(day, real, same)
    if overview is None:
        disputed = {side.statement for c in conflicts for side in c.sides}
        overview = overviews.offline(day.briefs, day.themes, facts, key, disputed)
    commitments = merge_commitments(day.briefs, same_pledges(day, same))
    return Synthesis(
        overview=overview,
        themes=day.themes,
        facts=key,
        conflicts=conflicts,
        commitments=commitments,
        watch=watch_list(commitments, today),
        implications=day_implications(day.briefs, today),
    )


def synthesize(briefs: Sequence[ArticleBrief], today: date) -> Synthesis:
    """The synthesis without a model (the offline provider's, and the fallback when the model's fails)."""
    day = prepare(briefs)
    same, real = judge_offline(day)
    return settle(day, same, real, today)
