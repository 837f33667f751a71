"""A supervision platform's webhook endpoint, for tests and benchmarks: a real HTTP server that checks signatures."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tiezheng.gm import SM2PublicKey
from tiezheng.supervision import ATTEMPT_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify_delivery


class Receiver:
    """A supervision platform's webhook endpoint: verifies signatures, answers with a scripted status."""

    def __init__(self, public_key: SM2PublicKey, fail_first: int = 0) -> None:
        self.public_key = public_key
        self.fail_first = fail_first
        self.refused_severities: set[str] = set()  # alerts of these severities are answered 503 while listed
        self.received: list[dict] = []  # every delivery attempt: headers, body, verified, answered, connection
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps the connection open, as a real platform's server would

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verified = verify_delivery(body, self.headers.get(SIGNATURE_HEADER, ""), receiver.public_key)
                event = json.loads(body)
                with receiver.lock:
                    key = self.headers[IDEMPOTENCY_HEADER]
                    attempts = sum(1 for r in receiver.received if r["key"] == key)
                    refused = attempts < receiver.fail_first or event.get("severity") in receiver.refused_severities
                    status = 503 if refused else 200
                    receiver.received.append(
                        {"key": key, "body": event, "verified": verified, "status": status,
                         "at": time.time(), "attempt": int(self.headers[ATTEMPT_HEADER]),
                         "connection": self.client_address}
                    )  # fmt: skip
                answer = b'{"received":true}'
                self.send_response(status if verified else 401)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/tiezheng"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def acknowledged(self) -> dict[str, dict]:
        with self.lock:
            return {r["key"]: r for r in self.received if r["status"] == 200 and r["verified"]}

    def close(self) -> None:
        self.server.shutdown()
