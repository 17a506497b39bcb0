"""A concurrency limit that follows the provider: additive increase, multiplicative decrease (AIMD).

Each request holds a slot. A success raises the limit by 1/limit (about one more slot per round of
requests); a 429, or rate-limit headers at zero, cuts it by DECREASE. Only the first push-back of a round
counts: requests that started before the cut report the same congestion. The level where the provider
pushed back is remembered, and beyond one below it the limit grows PROBE_SLOWDOWN times slower, so a run
at a provider's ceiling stays just under it instead of hitting it every few requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

DECREASE = 0.7
PROBE_SLOWDOWN = 10.0
NEAR_ZERO = 0.02  # remaining/limit below this: hold the limit where it is


class AdaptiveLimit:
    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.limit = float(maximum)
        self.in_flight = 0
        self.ceiling: float | None = None
        self.decreases = 0
        self._round = 0
        self._changed: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:  # made lazily: it belongs to the running event loop
            self._changed = asyncio.Condition()
        return self._changed

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        """Hold one request slot; yields the round the request started in."""
        changed = self._condition()
        async with changed:
            await changed.wait_for(lambda: self.in_flight < max(1, int(self.limit)))
            self.in_flight += 1
        try:
            yield self._round
        finally:
            async with changed:
                self.in_flight -= 1
                changed.notify_all()

    def succeeded(self, started_round: int, headers: Mapping[str, str] | None = None) -> None:
        if headers is not None and _exhausted(headers):
            self.throttled(started_round)
            return
        if headers is not None and _nearly_exhausted(headers):
            return
        step = 1.0 / self.limit
        if self.ceiling is not None and self.limit + step > self.ceiling - 1:
            step /= PROBE_SLOWDOWN
        self.limit = min(float(self.maximum), self.limit + step)  # waiters wake when this slot is released

    def throttled(self, started_round: int) -> None:
        if started_round != self._round:
            return  # this congestion was already answered
        self.ceiling = self.limit
        self.limit = max(1.0, self.limit * DECREASE)
        self.decreases += 1
        self._round += 1


def _remaining(headers: Mapping[str, str]) -> list[tuple[float, float | None]]:
    pairs = []
    for kind in ("requests", "tokens"):
        remaining = headers.get(f"x-ratelimit-remaining-{kind}")
        if remaining is None:
            continue
        limit = headers.get(f"x-ratelimit-limit-{kind}")
        try:
            pairs.append((float(remaining), float(limit) if limit else None))
        except ValueError:
            continue
    return pairs


def _exhausted(headers: Mapping[str, str]) -> bool:
    return any(remaining <= 0 for remaining, _ in _remaining(headers))


def _nearly_exhausted(headers: Mapping[str, str]) -> bool:
    return any(limit and remaining / limit < NEAR_ZERO for remaining, limit in _remaining(headers))
