"""Pydantic models for everything that crosses a boundary: articles, extractions, the briefing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# What the model answers lives in briefer.answers; its names are kept here too, where callers have found them.
from briefer.answers import Attribution as Attribution
from briefer.answers import Confidence as Confidence
from briefer.answers import ModelCommitment as ModelCommitment
from briefer.answers import ModelExtraction as ModelExtraction
from briefer.answers import ModelFact as ModelFact
from briefer.answers import ModelImplication as ModelImplication
from briefer.answers import ModelLedger as ModelLedger
from briefer.answers import ModelSentence as ModelSentence
from briefer.answers import ModelSynthesis as ModelSynthesis
from briefer.answers import ModelTheme as ModelTheme
from briefer.answers import ModelVerdict as ModelVerdict
from briefer.answers import ModelWatch as ModelWatch
from briefer.notices import Notice

SCHEMA_VERSION = 1

LedgerStatus = Literal["new", "reaffirmed", "changed", "overdue", "done"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Origin(Strict):
    """Another place the same story was found (a syndicated copy or the same URL again)."""

    source: str
    url: str | None = None
    title: str | None = None


class ArticleMeta(Strict):
    """What identifies an article and where it came from."""

    id: str
    title: str
    source: str
    url: str | None = None
    author: str | None = None
    published: datetime | None = None
    duplicates: list[Origin] = []


class Article(ArticleMeta):
    """One article as read from a source, before extraction."""

    text: str


class Evidence(Strict):
    """A verbatim quote; start/end are character offsets into the article text, null when not found."""

    quote: str
    start: int | None = None
    end: int | None = None


# Why an item is not grounded: none of its quotes is in the article, or they are but do not back it.
UngroundedReason = Literal["not_found", "unsupported"]
_UNGROUNDED_REASON = (
    "Why the item is not grounded: 'not_found' (no quote is in the article) or 'unsupported' (the quotes are "
    "there but lack its names, numbers or words); null when grounded, and in briefings saved before it existed."
)


class Fact(Strict):
    statement: str
    attribution: Attribution = Field(
        default="stated",
        description="stated as established; reported from someone ('said', 'according to'); alleged; denied.",
    )
    evidence: list[Evidence]
    grounded: bool
    ungrounded_reason: UngroundedReason | None = Field(default=None, description=_UNGROUNDED_REASON)


class Commitment(Strict):
    """Who pledged what, to whom, by when."""

    actor: str
    action: str
    counterparty: str | None = None
    deadline: str | None = None
    due: date | None = Field(default=None, description="The deadline as an ISO date, where it resolves to one.")
    condition: str | None = Field(default=None, description="What the undertaking depends on ('until ...').")
    evidence: list[Evidence]
    grounded: bool
    ungrounded_reason: UngroundedReason | None = Field(default=None, description=_UNGROUNDED_REASON)


class Implication(Strict):
    statement: str
    rationale: str
    confidence: Confidence
    basis: Literal["inferred", "stated"] = Field(
        default="inferred",
        description="'inferred' by the model, or 'stated' in the article itself (the offline extractor).",
    )


class DayImplication(Strict):
    """One of the day's few implications, and the article it comes from."""

    article: str
    implication: Implication


class ArticleBrief(ArticleMeta):
    """One article's extraction."""

    summary: str
    summary_dropped: list[DroppedSentence] = Field(
        default=[], description="Sentences of the model's summary left out: a name or number the article lacks."
    )
    facts: list[Fact] = []
    commitments: list[Commitment] = []
    implications: list[Implication] = []
    extra: dict[str, Any] = Field(
        default_factory=dict, description="Sections a customised prompt added (its front matter's fields)."
    )

    @classmethod
    def of(
        cls,
        article: Article,
        summary: str,
        facts: list[Fact],
        commitments: list[Commitment],
        implications: list[Implication],
        extra: dict[str, Any] | None = None,
    ) -> ArticleBrief:
        """The brief of `article`, carrying over its identity and metadata."""
        meta = {name: getattr(article, name) for name in ArticleMeta.model_fields}
        return cls(
            **meta,
            summary=summary,
            facts=facts,
            commitments=commitments,
            implications=implications,
            extra=extra or {},
        )


class SourcedEvidence(Strict):
    """A quote and the article it is in."""

    article: str  # an article id
    quote: str
    start: int | None = None
    end: int | None = None


class DayFact(Strict):
    """A fact of the day, once, with every article that reports it."""

    statement: str
    attribution: Attribution = "stated"
    sources: list[str] = Field(description="Ids of the articles that report it.")
    evidence: list[SourcedEvidence]


class ConflictSide(Strict):
    article: str
    statement: str
    quote: str


class Conflict(Strict):
    """Articles that disagree: a different number or date for the same thing, or a denial. Each side
    quotes its article."""

    topic: str
    sides: list[ConflictSide]


class SourcedDeadline(Strict):
    """The deadline one article gives for a commitment, as that article words it."""

    article: str
    deadline: str
    due: date | None = None


class DayCommitment(Strict):
    """A pledge of the day, once, with every article that reports it."""

    actor: str
    action: str
    counterparty: str | None = None
    deadline: str | None = None
    due: date | None = None
    sources: list[str]
    evidence: list[SourcedEvidence]
    deadlines: list[SourcedDeadline] = Field(
        default=[], description="Each source's own deadline, where the sources give one (empty in older briefings)."
    )
    ledger_id: str | None = Field(default=None, description="Its id in the commitments ledger (history store).")
    status: LedgerStatus | None = Field(
        default=None, description="Its mark against the ledger: new, reaffirmed, changed or overdue (None: no ledger)."
    )
    first_seen: date | None = Field(default=None, description="The briefing date the ledger first saw it.")
    changed: list[str] = Field(default=[], description="What changed since the ledger last saw it, in words.")


class LedgerItem(Strict):
    """A commitment of the ledger shown in a briefing without being reported that day: overdue, or due soon."""

    id: str
    actor: str
    action: str
    counterparty: str | None = None
    deadline: str | None = None
    due: date | None = None
    status: LedgerStatus
    first_seen: date
    last_seen: date
    quote: str = ""
    source: str = Field(default="", description="The outlet or URL of the article last seen stating it.")


class MovedFact(Strict):
    """A figure that changed since the previous briefing: the same statement with another number."""

    statement: str
    was: str
    now: str
    article: str
    previous: str = Field(description="The earlier statement, as worded then.")


class StatusChange(Strict):
    """A ledger commitment whose status changed since the previous briefing."""

    id: str
    actor: str
    action: str
    was: LedgerStatus | None
    now: LedgerStatus


class Changes(Strict):
    """What is new since the previous run of the same briefing (`--since-last`)."""

    previous: date | None = Field(description="The date of the previous run of this briefing; None: none.")
    new_articles: list[str] = Field(default=[], description="Ids of the stories not in any earlier run.")
    skipped: int = Field(default=0, description="Articles left out because an earlier run briefed them unchanged.")
    moved: list[MovedFact] = []
    status: list[StatusChange] = []


class Theme(Strict):
    """Articles about one story. The `other` group, last, holds the articles related to no other."""

    label: str
    articles: list[str]
    other: bool = Field(default=False, description="True for the 'Other stories' group.")


class OverviewSentence(Strict):
    """A sentence of the bottom line and the articles it rests on."""

    text: str
    articles: list[str] = Field(description="Ids of the articles the sentence rests on.")


class DroppedSentence(Strict):
    """A sentence of the model's overview that was not shown, and why."""

    text: str
    reason: str


class WatchItem(Strict):
    """Something dated coming up: a deadline or a scheduled event."""

    due: date | None = None
    when: str | None = Field(default=None, description="The date as worded in the source.")
    item: str
    articles: list[str]


class Failure(Strict):
    """A source or an article that produced nothing, and why."""

    source: str
    error: str


class Usage(Strict):
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = Field(default=0, description="Prompt tokens the provider served from its prompt cache.")
    cache_hits: int = Field(default=0, description="Articles answered from briefer's own cache, no request.")
    retries: int = 0
    cost_usd: float | None = Field(default=None, description="None when the model's price is unknown.")
    elapsed_seconds: float = 0.0


class Briefing(Strict):
    """The whole run: the public JSON contract written by `-o briefing.json` (see `briefer schema`)."""

    schema_version: int = SCHEMA_VERSION
    title: str
    date: date
    generated_at: datetime
    provider: str
    model: str | None = None
    since: datetime | None = Field(default=None, description="Only articles published after this were kept.")
    overview: str = Field(default="", description="The bottom line as plain text (the sentences joined).")
    overview_sentences: list[OverviewSentence] = Field(
        default=[], description="The bottom line sentence by sentence, each with the articles it cites."
    )
    overview_dropped: list[DroppedSentence] = Field(
        default=[], description="Sentences of the model's overview left out because their cited articles lack them."
    )
    themes: list[Theme] = []
    commitments: list[DayCommitment] = []
    facts: list[DayFact] = []
    conflicts: list[Conflict] = []
    watch: list[WatchItem] = []
    implications: list[DayImplication] | None = Field(
        default=None,
        description="The day's implications: the few most forward-looking of its articles', never a content "
        "warning (null in a briefing saved before they were chosen, which shows every article's).",
    )
    articles: list[ArticleBrief] = []
    failures: list[Failure] = Field(
        default=[], description="Sources and articles that produced nothing, each with the reason."
    )
    notices: list[Notice] = Field(
        default=[], description="What the run rejected or replaced while every article was briefed (not failures)."
    )
    usage: Usage = Field(default_factory=Usage)
    name: str | None = Field(default=None, description="The named briefing this run was (--briefing).")
    changes: Changes | None = Field(default=None, description="What changed since the last run (--since-last).")
    overdue: list[LedgerItem] = Field(default=[], description="Ledger commitments past their deadline, not seen done.")
    due_soon: list[LedgerItem] = Field(default=[], description="Open ledger commitments due within the next days.")
    done: list[LedgerItem] = Field(default=[], description="Ledger commitments a fact of the day reports delivered.")
