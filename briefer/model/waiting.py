"""Time spent waiting on the model: the requests in flight, and a note while the oldest of them waits."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

NOTE_EVERY = 15.0  # seconds of waiting between two notes


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


class Waiting:
    """The requests in flight and since when. While one has waited `every` seconds or more, `note` hears of
    the oldest every `every` seconds (NOTE_EVERY, or half the timeout when that is shorter)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.every = min(NOTE_EVERY, timeout / 2)
        self.note: Callable[[str], None] | None = None
        self._started: dict[int, float] = {}
        self._ids = itertools.count()
        self._watcher: asyncio.Task[None] | None = None

    @contextmanager
    def request(self) -> Iterator[None]:
        """One request in flight for the duration of the block."""
        token = next(self._ids)
        self._started[token] = time.monotonic()
        if self.note is not None and (self._watcher is None or self._watcher.done()):
            self._watcher = asyncio.get_running_loop().create_task(self._watch(), name="briefer-waiting")
        try:
            yield
        finally:
            del self._started[token]

    def oldest(self) -> float:
        """Seconds the oldest request in flight has waited (0 when none is)."""
        return time.monotonic() - min(self._started.values()) if self._started else 0.0

    async def _watch(self) -> None:
        while self._started:
            await asyncio.sleep(self.every)
            waited = self.oldest()
            if self.note is not None and waited >= self.every:
                n = len(self._started)
                self.note(
                    f"waiting for the model: {n} request{'s' if n != 1 else ''} in flight, the oldest for "
                    f"{_seconds(waited)} s (it gives up at {self.timeout:g} s)"
                )

    async def aclose(self) -> None:
        if self._watcher is not None and not self._watcher.done():
            self._watcher.cancel()
            with suppress(asyncio.CancelledError):
                await self._watcher
