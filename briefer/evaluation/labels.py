"""The labelled set: its lines read and validated, and each article's text and labelled sentences located."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from briefer.config import Settings
from briefer.errors import InputError, UsageError
from briefer.evaluation.scoring import Label, parse_deadline
from briefer.evidence.grounding import Grounder
from briefer.models import Article
from briefer.storage import read_saved


class LabelledCommitment(BaseModel):
    """One commitment the article states (see eval/LABELLING.md for the rules labels follow)."""

    model_config = ConfigDict(extra="forbid")

    actor: str = Field(min_length=1)
    actor_aliases: list[str] = []
    action: str = Field(min_length=1)
    sentence: str | None = None
    counterparty: str | None = None
    deadline: str | None = Field(default=None, description="ISO date or range: 2027-03-31, 2027-01-01/2027-12-31")
    deadline_text: str | None = None
    condition: str | None = None

    @field_validator("deadline")
    @classmethod
    def _deadline(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_deadline(value)
            except ValueError as e:
                raise ValueError(f"not an ISO date or range: {e}") from None
        return value


class LabelledArticle(BaseModel):
    """One line of a labelled set: an article (inline `text`, a file `path`, with `pointer` into a JSON file,
    or else fetched from `url`; a `url` beside a text is its address) and its labels."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    text: str | None = None
    path: str | None = None
    pointer: str | None = Field(default=None, description="RFC 6901 pointer into the JSON file `path` names.")
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published: date | None = None
    set: Literal["pledges", "traps"] | None = None
    commitments: list[LabelledCommitment] = []
    facts: list[str] = []
    not_commitments: list[str] = []

    @model_validator(mode="after")
    def _one_text(self) -> LabelledArticle:
        if self.text is not None and self.path is not None:
            raise ValueError("give text or path, not both")
        if self.text is None and self.path is None and self.url is None:
            raise ValueError("give the article: text, path or url")
        if self.pointer is not None and self.path is None:
            raise ValueError("pointer goes with path")
        return self


def load_labels(path: Path) -> list[LabelledArticle]:
    """The labelled set; a UsageError naming the file and line for anything wrong in it."""
    items = []
    for number, line in enumerate(read_saved(path).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            items.append(LabelledArticle.model_validate_json(line))
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = first["msg"].removeprefix("Value error, ")
            raise UsageError(f"{path}:{number}: {where + ': ' if where else ''}{message}") from None
    if not items:
        raise UsageError(f"{path}: no labelled article in it (one JSON object a line; `briefer eval init` shows one)")
    return items


def _pointer(data: object, pointer: str, where: str) -> str:
    """Follow an RFC 6901 JSON pointer."""
    node = data
    for raw in pointer.split("/")[1:] if pointer else []:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise UsageError(f"{where}: pointer {pointer!r} leads nowhere")
    if not isinstance(node, str):
        raise UsageError(f"{where}: pointer {pointer!r} does not lead to a text")
    return node


@dataclass
class Case:
    """A labelled article ready to extract: the Article and its labels located in the text."""

    label: LabelledArticle
    article: Article
    labels: list[Label]
    unlocated: int  # labelled sentences not found in the text (matched by words only)

    @property
    def trap(self) -> bool:
        return self.label.set == "traps"


def prepare(path: Path, items: Sequence[LabelledArticle], settings: Settings) -> list[Case]:
    """Read every labelled article's text and locate its labelled sentences."""
    cache: dict[Path, object] = {}
    cases = []
    for n, item in enumerate(items, start=1):
        where = f"{path}: article {item.id or n}"
        if item.text is not None:
            text = item.text
        elif item.path is not None:
            file = (path.parent / item.path).resolve()
            if item.pointer is not None:
                if file not in cache:
                    try:
                        cache[file] = json.loads(read_saved(file))
                    except json.JSONDecodeError as e:
                        raise InputError(f"{file}: not JSON ({e})") from None
                text = _pointer(cache[file], item.pointer, where)
            else:
                text = read_saved(file)
        else:
            text = _fetch(item.url or "", settings, where)
        identifier = item.id or f"article-{n}"
        article = Article(
            id=identifier,
            title=item.title or identifier,
            source=item.source or item.url or identifier,
            url=item.url,
            published=datetime.combine(item.published, datetime.min.time(), UTC) if item.published else None,
            text=text,
        )
        grounder = Grounder(text)
        labels = [
            Label(
                actor=c.actor,
                aliases=tuple(c.actor_aliases),
                action=c.action,
                sentence=c.sentence,
                span=grounder.locate(c.sentence) if c.sentence else None,
                counterparty=c.counterparty,
                deadline=parse_deadline(c.deadline) if c.deadline else None,
            )
            for c in item.commitments
        ]
        unlocated = sum(1 for label in labels if label.sentence and label.span is None)
        cases.append(Case(label=item, article=article, labels=labels, unlocated=unlocated))
    ids = [c.article.id for c in cases]
    if len(set(ids)) != len(ids):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        raise UsageError(f"{path}: article ids must be unique ({', '.join(repeated)} repeated)")
    return cases


def _fetch(url: str, settings: Settings, where: str) -> str:
    from briefer import pipeline

    read = pipeline.read(settings, pipeline.Request(sources=[url]))
    if not read.articles:
        reason = read.failures[0].error if read.failures else "nothing read"
        raise InputError(f"{where}: {url}: {reason}")
    return read.articles[0].text
