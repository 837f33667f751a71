"""Server-sent events: a live stream of what the chain does, for the explorer and for supervisors.

``GET /v1/events`` streams ``block`` events (height, time, log size and root,
records) as blocks are committed; other parts of the node publish their own
kinds (``alert``, ``matter``) through the same hub. A subscriber that falls
behind by more than its queue holds is told so (``event: lagged``) and should
re-read the state it shows; the stream never blocks the node. When the server
stops, the hub is closed and every stream ends.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ..node import CommittedBlock, Node
from .errors import ApiError
from .models import ErrorResponse

QUEUE_SIZE: Final = 256
#: Open streams at once; each is a connection and a queue (the explorer opens one per page).
MAX_SUBSCRIBERS: Final = 1_000
KEEPALIVE_SECONDS: Final = 15.0


#: What a subscriber's queue holds: an event (kind, JSON), LAGGED after dropped events, or CLOSED.
Item = tuple[str, str]
LAGGED: Final[Item] = ("lagged", "{}")
CLOSED: Final[Item] = ("", "")


class EventHub:
    """Fans events out to every connected subscriber; ``publish`` and ``close`` may be called from any thread."""

    def __init__(self) -> None:
        # Reentrant: close() runs in the signal handler, which may interrupt this thread inside subscription().
        self._lock = threading.RLock()
        self._closed = False
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Item]]] = set()

    def publish(self, kind: str, payload: dict[str, Any]) -> None:
        self._send((kind, json.dumps(payload, ensure_ascii=False, separators=(",", ":"))))

    def close(self) -> None:
        """End every stream (the server is stopping: open streams would hold its graceful shutdown forever)."""
        with self._lock:
            self._closed = True
        self._send(CLOSED)

    @property
    def subscribers(self) -> int:
        """Streams open now (each an explorer tab, an `alerts --watch`, a supervisor's reader)."""
        with self._lock:
            return len(self._subscribers)

    @property
    def full(self) -> bool:
        return self.subscribers >= MAX_SUBSCRIBERS

    def _send(self, item: Item) -> None:
        # One wake-up per event loop, not per subscriber: the block producer publishes,
        # and must not pay for each open stream.
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Queue[Item]]] = {}
        with self._lock:
            for loop, queue in self._subscribers:
                by_loop.setdefault(loop, []).append(queue)
        for loop, queues in by_loop.items():
            if not loop.is_closed():
                loop.call_soon_threadsafe(_offer_all, queues, item)

    @contextmanager
    def subscription(self) -> Iterator[asyncio.Queue[Item]]:
        """A queue of this hub's events while the block runs (in an event loop's task)."""
        queue: asyncio.Queue[Item] = asyncio.Queue(QUEUE_SIZE)
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.add(entry)
            if self._closed:
                queue.put_nowait(CLOSED)
        try:
            yield queue
        finally:
            with self._lock:
                self._subscribers.discard(entry)


def _offer_all(queues: list[asyncio.Queue[Item]], item: Item) -> None:
    for queue in queues:
        _offer(queue, item)


def _offer(queue: asyncio.Queue[Item], item: Item) -> None:
    if queue.full() or item is CLOSED:
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(CLOSED if item is CLOSED else LAGGED)
        return
    queue.put_nowait(item)


def block_event(committed: CommittedBlock) -> dict[str, Any]:
    header = committed.sealed.header
    return {
        "height": header.height,
        "time": header.time,
        "hash": committed.sealed.hash.hex(),
        "log_size": header.log_size,
        "log_root": header.log_root.hex(),
        "records": committed.records,
        "transactions": len(committed.block.transactions),
    }


def create_events_router(node: Node, hub: EventHub) -> APIRouter:
    router = APIRouter(prefix="/v1")
    node.add_listener(lambda committed: hub.publish("block", block_event(committed)))

    @router.get(
        "/events",
        tags=["events"],
        summary="Live stream of chain events (server-sent events)",
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
                "description": "`event: block` with the block's height, time, hash, log size and root, records and "
                "transactions; `event: alert` when a deadline passes; `event: lagged` when events were dropped "
                "for a slow reader. A comment line every 15 s keeps proxies from closing the stream.",
            },
            503: {"model": ErrorResponse, "description": "too many streams are open (`too-many-streams`)"},
        },
    )
    async def events() -> StreamingResponse:
        if hub.full:
            raise ApiError(
                503, "too-many-streams", f"{MAX_SUBSCRIBERS} event streams are open; retry later", {"Retry-After": "30"}
            )

        async def stream() -> AsyncIterator[str]:
            # Starlette cancels this generator when the client goes away; the
            # subscription ends with it. It starts before the first line is sent, so
            # a reader holding that line is sure to get every event after it.
            with hub.subscription() as queue:
                yield "retry: 2000\n\n"
                while True:
                    try:
                        kind, data = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                    except TimeoutError:
                        yield ": keepalive\n\n"
                        continue
                    if (kind, data) == CLOSED:
                        return
                    yield f"event: {kind}\ndata: {data}\n\n"

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )

    return router
