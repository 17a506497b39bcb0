"""What the model is asked to return: one article's extraction, and the day-level answers (synthesis, ledger).

Offsets and grounding are computed by briefer, never taken from the model. The fields carry no descriptions:
the prompts explain them, and every word of the schema is paid for on every request.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Confidence = Literal["low", "medium", "high"]
Attribution = Literal["stated", "reported", "alleged", "denied"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ModelFact(Strict):
    statement: str
    attribution: Attribution
    quotes: list[str]


class ModelCommitment(Strict):
    actor: str
    action: str
    counterparty: str | None
    deadline: str | None
    quotes: list[str]


class ModelImplication(Strict):
    statement: str
    rationale: str
    confidence: Confidence


class ModelExtraction(Strict):
    summary: str
    facts: list[ModelFact]
    commitments: list[ModelCommitment]
    implications: list[ModelImplication]


class ModelTheme(Strict):
    label: str
    articles: list[str]


class ModelWatch(Strict):
    when: str | None
    item: str
    articles: list[str]


class ModelSentence(Strict):
    text: str
    articles: list[str]


class ModelVerdict(Strict):
    id: str
    yes: bool


class ModelLedger(Strict):
    """The model's verdict on uncertain ledger matches: is today's commitment the one recorded earlier?"""

    same: list[ModelVerdict]


class ModelSynthesis(Strict):
    """What the model is asked for across the day's articles: the overview sentence by sentence with the ids
    it rests on, themes, the watch list, and a verdict on each candidate merge ("same fact?") and candidate
    conflict ("do they really disagree?") it was shown."""

    overview: list[ModelSentence]
    themes: list[ModelTheme]
    watch: list[ModelWatch]
    same: list[ModelVerdict]
    conflicts: list[ModelVerdict]
