"""A year of history for the archive site's benchmarks, written straight into a history store: every day a
briefing of 50 real articles (`shared/corpus/html-articles`, read at run time, never copied), with its bottom
line, themes, key facts, each article's summary and facts (their quotes located in the text), and the day's
commitments marked against a ledger that grows to about 2,000 commitments, some restated on later days (a
few with a moved deadline), some reported done, many passing their deadline.

The briefings are synthetic (no extractor runs: a year of it would take an hour) but shaped like real ones,
with real text, so the site renders what it would render for a year of `briefer run`.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from briefer.memory.records import NewSighting
from briefer.memory.store import open_store, store_path
from briefer.models import Briefing, LedgerItem

ARTICLES_A_DAY = 50
NEW_A_DAY = 5.5  # new commitments a day: about 2,000 in a year
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_NAME = re.compile(r"\b(?:[A-Z][a-z]+ ){1,2}[A-Z][a-z]+\b")


@dataclass
class Source:
    """One corpus article, cut into what a briefing shows of it."""

    id: str
    url: str
    body: str
    sentences: list[str]


def corpus_articles(corpus: Path) -> list[Source]:
    truth = json.loads((corpus / "html-articles" / "ground-truth.json").read_text(encoding="utf-8"))
    found = []
    for ident, item in sorted(truth.items()):
        body = " ".join(str(item["articleBody"]).split())
        sentences = [s for s in _SENTENCE.split(body) if 40 <= len(s) <= 400]
        if len(sentences) >= 5:
            found.append(Source(ident, str(item["url"]), body, sentences))
    return found


@dataclass
class Pledge:
    id: str
    actor: str
    action: str
    quote: str
    first_seen: date
    due: date | None
    sources: list[str] = field(default_factory=list)
    done_on: date | None = None


def _quote(source: Source, sentence: str) -> dict[str, Any]:
    start = source.body.find(sentence)
    return {
        "quote": sentence,
        "start": start if start >= 0 else None,
        "end": start + len(sentence) if start >= 0 else None,
    }


def _article(source: Source, n: int) -> dict[str, Any]:
    """An article brief: title, outlet, summary, facts with their located quotes."""
    facts = [s for s in source.sentences[1:] if re.search(r"\d", s)][:4] or source.sentences[1:3]
    return {
        "id": f"{source.id[:16]}-{n}",
        "title": source.sentences[0][:90],
        "source": re.sub(r"^https?://(www\.)?", "", source.url).split("/")[0],
        "url": source.url,
        "summary": " ".join(source.sentences[:2]),
        "facts": [
            {"statement": f, "attribution": "stated", "evidence": [_quote(source, f)], "grounded": True} for f in facts
        ],
        "implications": [
            {"statement": source.sentences[-1], "rationale": "as stated in the source", "confidence": "low"}
        ],
    }


class Year:
    """The history, day by day."""

    def __init__(self, corpus: Path, start: date, seed: int = 25) -> None:
        self.sources = corpus_articles(corpus)
        self.random = random.Random(seed)
        self.start = start
        names = sorted({m.group(0) for s in self.sources for m in _NAME.finditer(s.body)})
        self.actors = names[:600] or ["The council"]
        self.pledges: list[Pledge] = []
        self.number = 0

    def day(self, n: int) -> tuple[Briefing, list[NewSighting], list[tuple[str, str]]]:
        """The briefing of the `n`th day, the sightings it records, and the commitments it reports done."""
        today = self.start + timedelta(days=n)
        chosen = [self.sources[(n * ARTICLES_A_DAY + k) % len(self.sources)] for k in range(ARTICLES_A_DAY)]
        articles = [_article(s, n) for s in chosen]
        fresh = int(NEW_A_DAY * (n + 1)) - int(NEW_A_DAY * n)
        marked = [self._new(today, chosen[k], articles[k]["id"]) for k in range(fresh)]
        open_before = [p for p in self.pledges if p.first_seen < today and p.done_on is None]
        again = self.random.sample(open_before, min(len(open_before), 8))
        sightings = [self._sighting(p, today, "new", []) for p in marked]
        sightings += [self._restated(p, today) for p in again]
        done = []
        for p in self.random.sample(open_before, min(len(open_before), 2)):
            if p not in again:
                p.done_on = today
                done.append((p.id, f"{p.actor} has completed the work, officials said."))
        briefing = self._briefing(today, articles, sightings)
        self.pledges += marked
        return briefing, sightings, done

    def _new(self, today: date, source: Source, article: str) -> Pledge:
        self.number += 1
        sentence = source.sentences[(self.number * 3) % len(source.sentences)]
        words = sentence.rstrip(".").split()
        action = " ".join(words[min(3, len(words) - 1) :][:12]).lower()
        due = today + timedelta(days=self.random.randint(5, 240)) if self.random.random() < 0.8 else None
        actor = self.actors[self.number % len(self.actors)]
        return Pledge(f"{self.number:08x}", actor, action, sentence, today, due, [source.url])

    def _restated(self, pledge: Pledge, today: date) -> NewSighting:
        changed = []
        if pledge.due is not None and self.random.random() < 0.15:
            later = pledge.due + timedelta(days=self.random.randint(10, 90))
            changed = [f"deadline {pledge.due.isoformat()} → {later.isoformat()}"]
            pledge.due = later
        overdue = pledge.due is not None and pledge.due < today
        mark = "overdue" if overdue else "changed" if changed else "reaffirmed"
        return self._sighting(pledge, today, mark, changed)

    def _sighting(self, p: Pledge, today: date, mark: str, changed: list[str]) -> NewSighting:
        return NewSighting(
            id=p.id,
            first_seen=p.first_seen,
            actor=p.actor,
            action=p.action,
            counterparty=None,
            deadline=f"by {p.due:%d %B %Y}" if p.due else None,
            due=p.due,
            mark=mark,  # type: ignore[arg-type]
            changed=changed,
            quotes=[p.quote],
            sources=p.sources,
        )

    def _briefing(self, today: date, articles: list[dict[str, Any]], sightings: list[NewSighting]) -> Briefing:
        overview = [
            {"text": a["summary"].split(". ")[0].rstrip(".") + ".", "articles": [a["id"]]} for a in articles[:4]
        ]
        day_facts = [
            {"statement": f["statement"], "sources": [a["id"]], "evidence": [{"article": a["id"], **f["evidence"][0]}]}
            for a in articles[:10]
            for f in a["facts"][:1]
        ]
        commitments = [
            {
                "actor": s.actor,
                "action": s.action,
                "deadline": s.deadline,
                "due": s.due.isoformat() if s.due else None,
                "sources": [articles[i % len(articles)]["id"]],
                "evidence": [{"article": articles[i % len(articles)]["id"], "quote": s.quotes[0]}],
                "ledger_id": s.id,
                "status": s.mark,
                "first_seen": s.first_seen.isoformat(),
                "changed": list(s.changed),
            }
            for i, s in enumerate(sightings)
        ]
        overdue = [
            LedgerItem(
                id=p.id,
                actor=p.actor,
                action=p.action,
                due=p.due,
                status="overdue",
                first_seen=p.first_seen,
                last_seen=p.first_seen,
                quote=p.quote,
            ).model_dump(mode="json")
            for p in self.pledges
            if p.due is not None and p.due < today and p.done_on is None
        ][-10:]
        data = {
            "title": "Morning briefing",
            "date": today.isoformat(),
            "generated_at": datetime(today.year, today.month, today.day, 7, tzinfo=UTC).isoformat(),
            "provider": "offline",
            "overview": " ".join(s["text"] for s in overview),
            "overview_sentences": overview,
            "themes": [
                {"label": articles[i]["title"][:40], "articles": [x["id"] for x in articles[i : i + 10]]}
                for i in range(0, len(articles), 10)
            ],
            "facts": day_facts,
            "commitments": commitments,
            "articles": articles,
            "overdue": overdue,
        }
        return Briefing.model_validate_json(json.dumps(data))


def write_year(home: Path, corpus: Path, days: int, start: date) -> Year:
    """`days` days of history into the store under `home` (BRIEFER_HOME)."""
    year = Year(corpus, start)
    with open_store(store_path(home / "data")) as store:
        for n in range(days):
            store.save(*_args(year.day(n)))
    return year


def add_day(home: Path, year: Year, n: int) -> None:
    with open_store(store_path(home / "data")) as store:
        store.save(*_args(year.day(n)))


def _args(day: tuple[Briefing, list[NewSighting], list[tuple[str, str]]]) -> tuple[Any, ...]:
    briefing, sightings, done = day
    return briefing, "default", sightings, done
