"""Wakes API coroutines when a block is committed (the producer runs in its own thread).

Each notification sets the current event and replaces it with a fresh one, so
every waiter that was waiting wakes up, and none misses a block because another
waiter cleared the event first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class BlockNotifier:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._stopping = False

    def stop(self) -> None:
        """The server is stopping: every wait ends now with what holds, so that a submission waiting for its
        block is answered (202, with its evidence ID) rather than cut off when the server's grace runs out."""
        self._stopping = True
        self.notify()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Called from any thread after a block is committed."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        fired, self._event = self._event, asyncio.Event()
        if fired is not None:
            fired.set()

    async def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds (checked after each block) or ``timeout`` seconds pass."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self.bind(loop)
        deadline = loop.time() + timeout
        while True:
            event = self._event
            assert event is not None
            if condition():
                return True
            if self._stopping:
                return False
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), timeout=remaining)
            except TimeoutError:
                return condition()
