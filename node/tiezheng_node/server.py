"""Serving an open node over HTTP: the app on uvicorn, the sealer beside it, a clean stop."""

from __future__ import annotations

import gc
import signal
import socket
from types import FrameType
from typing import Final

import uvicorn

from .api.app import create_app
from .api.events import EventHub
from .api.notifier import BlockNotifier
from .node import Node

EXIT_FAILED: Final = 2
#: Allocations between young-generation collections (CPython's default is 700).
GC_YOUNG_THRESHOLD: Final = 50_000


def serve(
    node: Node,
    listener: socket.socket,
    *,
    public_url: str | None = None,
    shutdown_grace: float,
) -> int:
    """Serve ``node`` on ``listener`` until SIGINT or SIGTERM, then close it; 0 after a clean stop.

    ``public_url`` is where readers reach the node (behind a proxy, say): the
    certificates' verification links name it. ``shutdown_grace`` is how long, in
    seconds, open requests may still finish once a stop is asked for.
    """
    try:
        app = create_app(node, public_url=public_url)
        _settle_garbage_collector()
        if node.is_validator:
            node.start()
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=shutdown_grace,
        )
        server = _NodeServer(config, app.state.event_hub, app.state.notifier)
        # uvicorn shuts down gracefully on SIGTERM and then raises the signal again under the
        # handler it found; make that handler return, so node.close() runs and we exit 0.
        signal.signal(signal.SIGTERM, lambda *_: None)
        server.run(sockets=[listener])
    finally:
        node.close()
    return 0 if server.started else EXIT_FAILED


def _settle_garbage_collector() -> None:
    """Keep the cyclic garbage collector from rescanning what start-up built, and from running constantly.

    Admission allocates a few objects per statement (tens of thousands per
    envelope) which die young, mostly without cycles; at CPython's default the
    collector ran ~1,400 times while a node took 400,000 records, and each full
    collection walked py-evm's and the app's 200,000 long-lived objects: about a
    tenth of the process's time. Freezing start-up's objects moves them out of
    every later collection; a larger young generation makes collections rare.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


class _NodeServer(uvicorn.Server):
    """uvicorn's server, ending the live event streams and the waits for blocks as soon as it is asked to stop.

    A graceful shutdown waits for open requests, and an event stream never ends on
    its own: with an explorer tab open, Ctrl-C would wait for the reader to leave.
    A submission waiting for its block would be cut off when the grace runs out
    (a 500, its evidence ID lost to its sender): it is answered as accepted instead.
    """

    def __init__(self, config: uvicorn.Config, hub: EventHub, notifier: BlockNotifier) -> None:
        super().__init__(config)
        self._hub = hub
        self._notifier = notifier

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._hub.close()
        self._notifier.stop()
        super().handle_exit(sig, frame)
