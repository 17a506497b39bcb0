"""What a run rejected or replaced while still briefing every article (notices, never failures), and the words
the summary line says about them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Stage = Literal["synthesis", "ledger"]
STAGE_WORDS: dict[str, str] = {"synthesis": "day summary", "ledger": "ledger"}

# What stands in for what was rejected: the summary line's words are built from these.
IGNORED = "those verdicts ignored"
LEFT_OUT = "those sentences left out (overview_dropped lists them)"
OFFLINE_OVERVIEW = "the offline overview"
OFFLINE_DAY = "the day synthesized offline"
KEPT_APART = "uncertain matches kept apart"
# A whole request that gave nothing usable, and what the briefing used in its place, in the summary's words.
_REPLACED = {OFFLINE_DAY: "synthesized offline", KEPT_APART: "uncertain matches kept apart"}
_USED = {OFFLINE_OVERVIEW: "offline overview used"}


class Notice(BaseModel):
    """Something the run rejected or replaced while every article was still briefed: a model's answer (or part
    of one) that failed a check, or a day-level request that failed and was done without the model."""

    model_config = ConfigDict(extra="forbid", strict=True)

    stage: Stage = Field(
        description="'synthesis' (the overview, themes, watch list and the day's facts) or 'ledger' (today's "
        "commitments matched against earlier days)."
    )
    what: str = Field(description="What was rejected, or why the request gave nothing usable.")
    instead: str = Field(description="What the briefing holds in its place.")


def summary_words(notices: list[Notice]) -> str:
    """The notices in a few words for the summary line, stage by stage: "day summary: 2 model answers
    rejected, offline overview used"."""
    said = []
    for stage in dict.fromkeys(n.stage for n in notices):
        mine = [n for n in notices if n.stage == stage]
        words = []
        replaced = [_REPLACED[n.instead] for n in mine if n.instead in _REPLACED]
        rejected = len(mine) - len(replaced)
        if replaced:
            words.append("no usable model answer")
        if rejected:
            words.append(f"{rejected} model answer{'s' if rejected != 1 else ''} rejected")
        words.extend(dict.fromkeys([*replaced, *(_USED[n.instead] for n in mine if n.instead in _USED)]))
        said.append(f"{STAGE_WORDS[stage]}: {', '.join(words)}")
    return "; ".join(said)


def notice_lines(notices: list[Notice]) -> list[str]:
    """One line a notice, for stderr under the summary: the stage, what was rejected, what stands instead."""
    return [f"{STAGE_WORDS[n.stage]}: {n.what} (instead: {n.instead})" for n in notices]
