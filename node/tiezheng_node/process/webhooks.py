"""Webhook delivery of alerts to supervisors' endpoints: SM2-signed, retried with backoff, durable across restarts.

Each delivery owed is a key in the outbox, written in the same block batch as the
alert it carries, so a committed alert is never without its deliveries. A
delivery thread posts what is due; a 2xx answer deletes the key (a synced
write), anything else moves it to a later attempt: 1 s, 2 s, 4 s … up to 10
minutes apart, for as long as it takes. The node may crash after the receiver
answered and before the key is deleted: the receiver then gets the alert again,
with the same ``Idempotency-Key``, and is expected to answer 2xx again.

The body is JSON, signed by the supervision key whose public key ``GET
/v1/supervision`` gives, as tiezheng.supervision lays out (receivers check it
with ``tiezheng.supervision.verify_delivery``).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any, Final

import httpx

from tiezheng import cbor
from tiezheng.evidence_id import EvidenceId
from tiezheng.supervision import ATTEMPT_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature_header

from ..store import Store
from ..store.keys import OUTBOX
from .engine import ProcessEngine, outbox_due
from .records import OUTBOX_END, AlertRecord, Webhook, alert_key, outbox_key, parse_outbox_key, webhook_key

log = logging.getLogger("tiezheng.webhooks")

FIRST_RETRY_MS: Final = 1_000
MAX_RETRY_MS: Final = 600_000
TIMEOUT_SECONDS: Final = 10.0
USER_AGENT: Final = "tiezheng-node webhooks"


def retry_delay_ms(attempts: int) -> int:
    return min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** max(0, attempts - 1))


class WebhookDispatcher:
    def __init__(self, store: Store, engine: ProcessEngine, *, clock: Callable[[], float]) -> None:
        self._store = store
        self._engine = engine
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @cached_property
    def _client(self) -> httpx.Client:
        # Built at the first delivery rather than with the node: loading httpcore and the
        # CA bundle is a tenth of a second that a restart need not wait for.
        return httpx.Client(timeout=TIMEOUT_SECONDS, headers={"User-Agent": USER_AGENT})

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="webhook-delivery", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT_SECONDS + 5)
            self._thread = None
        if "_client" in self.__dict__:
            self._client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due()
            except Exception:
                log.exception("webhook delivery failed")
            self._wake.wait(timeout=self._seconds_to_next())
            self._wake.clear()

    def _seconds_to_next(self) -> float:
        with self._store.scan_range(OUTBOX, OUTBOX_END) as rows:
            first = next(rows, None)
        if first is None:
            return 5.0
        at, _, _ = parse_outbox_key(first[0])
        return max(0.0, min(5.0, at / 1000 - self._clock()))

    def deliver_due(self) -> int:
        """Attempt every delivery due now; how many succeeded."""
        delivered = 0
        for key, value in outbox_due(self._store, int(self._clock() * 1000)):
            if self._stop.is_set():
                break
            _, alert_index, hook_id = parse_outbox_key(key)
            attempts, _ = cbor.decode(value, max_size=4096)
            hook_raw = self._store.get(webhook_key(hook_id))
            record_raw = self._store.get(alert_key(alert_index))
            if hook_raw is None or record_raw is None:  # the webhook was removed
                self._store.commit({key: None})
                continue
            hook, record = Webhook.decode(hook_raw), AlertRecord.decode(record_raw)
            error = self._post(hook, record, attempts + 1)
            now = int(self._clock() * 1000)
            with self._engine.commit_lock:  # a block or an acknowledgement may have changed the record meanwhile
                record = AlertRecord.decode(self._store.get(alert_key(alert_index)) or record_raw)
                if error is None:
                    record.deliveries[str(hook_id)] = {"delivered": now, "attempts": attempts + 1}
                    self._store.commit({key: None, alert_key(alert_index): record.encode()})
                    delivered += 1
                else:
                    later = outbox_key(now + retry_delay_ms(attempts + 1), alert_index, hook_id)
                    record.deliveries[str(hook_id)] = {"attempts": attempts + 1, "error": error}
                    self._store.commit(
                        {key: None, later: cbor.encode([attempts + 1, error]), alert_key(alert_index): record.encode()}
                    )
            if error is not None:
                log.info("webhook %d: alert %d not delivered (%s); retrying", hook_id, alert_index, error)
        return delivered

    def body(self, record: AlertRecord) -> bytes:
        event = self._engine.alert_event(record)
        payload: dict[str, Any] = {
            "type": "tiezheng.alert",
            "chain": self._engine.chain_code,
            **event,
            "evidence": {"id": event["id"], "receipt": f"/v1/evidence/{event['id']}/receipt"},
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def headers(self, body: bytes, record: AlertRecord, attempt: int) -> dict[str, str]:
        supervision = self._engine.supervision
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: str(EvidenceId(self._engine.chain_code, record.index)),
            ATTEMPT_HEADER: str(attempt),
        }
        if supervision is not None:
            headers[SIGNATURE_HEADER] = signature_header(supervision.key, body)
        return headers

    def _post(self, hook: Webhook, record: AlertRecord, attempt: int) -> str | None:
        body = self.body(record)
        try:
            # The status is the answer; the body is never read, so a receiver cannot hold this
            # thread (and every other webhook's deliveries) or fill the node's memory with it.
            with self._client.stream(
                "POST", hook.url, content=body, headers=self.headers(body, record, attempt)
            ) as got:
                status = got.status_code
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {str(exc)[:200]}"
        if 200 <= status < 300:
            return None
        return f"HTTP {status}"
