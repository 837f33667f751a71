"""Server-sent events: a live stream of what the chain does, for the explorer and for supervisors.

``GET /v1/events`` streams ``block`` events (height, time, log size and root,
records) as blocks are committed; other parts of the node publish their own
kinds (``alert``) through the same hub. A subscriber that falls behind by more
than its queue holds is told so (``event: lagged``) and should re-read the
state it shows; the stream never blocks the node.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from ..node import CommittedBlock, Node

QUEUE_SIZE: Final = 256
KEEPALIVE_SECONDS: Final = 15.0


class EventHub:
    """Fans events out to every connected subscriber; ``publish`` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[tuple[str, str] | None]]] = set()

    def publish(self, kind: str, payload: dict[str, Any]) -> None:
        message = (kind, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_offer, queue, message)

    async def subscribe(self) -> AsyncIterator[tuple[str, str] | None]:
        """Events as (kind, JSON) until the subscriber goes away; None means some were dropped."""
        queue: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue(QUEUE_SIZE)
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.add(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subscribers.discard(entry)


def _offer(queue: asyncio.Queue[tuple[str, str] | None], message: tuple[str, str]) -> None:
    if queue.full():
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)
        return
    queue.put_nowait(message)


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
            }
        },
    )
    async def events(request: Request) -> StreamingResponse:
        async def stream() -> AsyncIterator[str]:
            yield "retry: 2000\n\n"
            events = hub.subscribe()
            waiting: asyncio.Task[tuple[str, str] | None] | None = None
            try:
                while not await request.is_disconnected():
                    if waiting is None:
                        waiting = asyncio.ensure_future(events.__anext__())
                    done, _ = await asyncio.wait({waiting}, timeout=KEEPALIVE_SECONDS)
                    if not done:
                        yield ": keepalive\n\n"
                        continue
                    item, waiting = waiting.result(), None
                    if item is None:
                        yield "event: lagged\ndata: {}\n\n"
                    else:
                        yield f"event: {item[0]}\ndata: {item[1]}\n\n"
            finally:
                if waiting is not None:
                    waiting.cancel()
                await events.aclose()

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )

    return router
