"""The gate an article's request passes to go out: at most `--concurrency` of them in flight.

Articles are made ready ahead of their turn (read, their prompt rendered) and wait here, so that the moment a
reply comes back the next request leaves. A request that ends the run (a rejected key, a broken setting)
keeps its place when it fails: no request waiting behind it is sent while the run stops.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from briefer.errors import BrieferError, FatalModelError, ModelError


class Gate:
    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:  # one per event loop (a run may use several)
            self._slots, self._loop = asyncio.Semaphore(self.size), loop
        return self._slots

    @asynccontextmanager
    async def place(self) -> AsyncIterator[None]:
        """Hold a place while the request is in flight; given back when it ends, unless it ends the run."""
        slots = self._semaphore()
        await slots.acquire()
        give_back = True
        try:
            yield
        except (FatalModelError, asyncio.CancelledError):
            give_back = False
            raise
        except BrieferError as e:
            give_back = isinstance(e, ModelError)  # one article's failure; anything else stops the run
            raise
        finally:
            if give_back:
                slots.release()
