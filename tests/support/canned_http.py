"""A real HTTP server on 127.0.0.1 that answers each path with a canned body: a node that answers badly.

What the SDK and the command line get from it travels through real sockets and
real httpx, as from a proxy's error page or another server on the node's port.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

NOT_FOUND = b'{"error": {"code": "not-found", "message": "no canned answer for this path"}}'


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str
    delay: float = 0.0  # seconds before answering: a node holding a request (?wait=)


class CannedServer:
    """Answers GET, POST and DELETE on a path (its query ignored) with what ``answer`` set for it, else 404."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._answers: dict[str, Answer] = {}
        self.requests: list[tuple[str, str]] = []

    def answer(
        self, path: str, body: bytes, *, status: int = 200, content_type: str = "application/json", delay: float = 0.0
    ) -> None:
        self._answers[path] = Answer(status, body, content_type, delay)

    def lookup(self, path: str) -> Answer:
        return self._answers.get(path, Answer(404, NOT_FOUND, "application/json"))


@contextmanager
def canned_server() -> Iterator[CannedServer]:
    """A CannedServer listening on a free port of 127.0.0.1 for the duration of the block."""
    canned: CannedServer

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            path = urlsplit(self.path).path
            canned.requests.append((self.command, path))
            answer = canned.lookup(path)
            time.sleep(answer.delay)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_DELETE = _reply

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    canned = CannedServer(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield canned
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
