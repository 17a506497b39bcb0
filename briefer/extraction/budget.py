"""What a run is expected to cost, and `--max-cost` kept during the run.

Before anything is sent, each request's prompt is counted and its answer estimated: an extraction answers
with a summary, up to 12 facts, the commitments and up to 4 implications, each fact and commitment with its
quotes, so the answer grows with the article (COMPLETION_BASE, plus COMPLETION_PER_ARTICLE_TOKEN of the
article text it reads, plus COMPLETION_PER_FIELD for each field a customised prompt adds to the output
schema), up to the output limit. The day's synthesis request reads every article's summary and facts and is
counted too (`day_estimate`).

During the run (`Budget`), each request reserves its expected cost before it is sent and never starts when
the spending so far, what the requests in flight reserved and its own reservation (with the day's synthesis
held back) would cross the limit. The expectation learns from the run: once answers have come back, a
request is expected to cost what those cost against their estimates, when that is more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import NamedTuple

from briefer.model.pricing import cost
from briefer.sections import Price

COMPLETION_BASE = 400  # the JSON's keys and punctuation, a summary, a few implications
COMPLETION_PER_ARTICLE_TOKEN = 0.8  # facts and commitments restate the article and quote it
COMPLETION_PER_FIELD = 150  # a field a prompt's front matter adds to the output schema
COMPLETION_CEILING = 4_000  # without an output limit, no answer is expected to run longer
# The day's synthesis request: its prompts, and what each article adds to what it reads and writes.
DAY_PROMPT_BASE = 900
DAY_PROMPT_PER_ARTICLE = 350
DAY_COMPLETION_BASE = 300
DAY_COMPLETION_PER_ARTICLE = 120
DAY_COMPLETION_SHARE = 0.3  # of a day request's prompt, once it is written and can be counted


def completion_estimate(article_tokens: int, extra_fields: int, limit: int | None) -> int:
    """Completion tokens one extraction request is expected to take (see the module's docstring)."""
    expected = COMPLETION_BASE + COMPLETION_PER_FIELD * extra_fields + COMPLETION_PER_ARTICLE_TOKEN * article_tokens
    return int(min(expected, limit or COMPLETION_CEILING))


def day_estimate(articles: int) -> tuple[int, int]:
    """(prompt, completion) tokens of the day's synthesis request over `articles` articles."""
    if articles == 0:
        return 0, 0
    return (
        DAY_PROMPT_BASE + DAY_PROMPT_PER_ARTICLE * articles,
        DAY_COMPLETION_BASE + DAY_COMPLETION_PER_ARTICLE * articles,
    )


def day_completion(prompt_tokens: int, limit: int | None) -> int:
    """Completion tokens of a day request whose prompt is written (the synthesis, the ledger's matches)."""
    return int(min(DAY_COMPLETION_BASE + DAY_COMPLETION_SHARE * prompt_tokens, limit or COMPLETION_CEILING))


class Reservation(NamedTuple):
    amount: float  # what the request holds of the budget while it is in flight
    first: float  # its estimate before the run taught anything


class Budget:
    """--max-cost kept during a run (see the module's docstring). `spent` says what the run has spent so far.
    Until an answer has come back, requests go one at a time: what an answer really costs is not known yet,
    and a run's first requests, sent together on an estimate, could cross the limit between them."""

    def __init__(self, limit: float, price: Price, spent: Callable[[], float | None], held: float = 0.0) -> None:
        self.limit = limit
        self.price = price
        self.spent = spent
        self.held = held  # kept back for the day's synthesis until it is asked
        self.reserved = 0.0  # the requests in flight
        self.estimated = 0.0  # the first estimates of the requests that came back
        self._changed = asyncio.Condition()

    def dollars(self, prompt: int, completion: int) -> float:
        return cost(self.price, prompt, 0, completion) or 0.0

    def scale(self) -> float:
        """How much more the answers so far cost than they were expected to (1 when less, or none yet)."""
        spent = self.spent() or 0.0
        return max(1.0, spent / self.estimated) if self.estimated > 0 else 1.0

    async def admit(self, prompt: int, completion: int, day: bool = False) -> Reservation | None:
        """Reserve a request's expected cost (give it back with `settle` once it is over); None when it would
        take the run over the limit. `day`: a request over the day, for which `held` was kept."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.estimated > 0 or self.reserved == 0)
            first = self.dollars(prompt, completion)
            expected = first * self.scale()
            held = 0.0 if day else self.held
            if (self.spent() or 0.0) + self.reserved + held + expected > self.limit:
                return None
            if day:
                self.held = 0.0
            self.reserved += expected
            return Reservation(expected, first)

    async def settle(self, reservation: Reservation, answered: bool = True) -> None:
        """The request is over: its reservation is released, and when it was `answered` its estimate counts
        towards `scale`."""
        async with self._changed:
            self.reserved = max(0.0, self.reserved - reservation.amount)
            if answered:
                self.estimated += reservation.first
            self._changed.notify_all()
