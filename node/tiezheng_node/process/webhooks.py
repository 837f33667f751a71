"""Webhook delivery of alerts to supervisors' endpoints: SM2-signed, retried with backoff, durable across restarts.

Each delivery owed is a key in the outbox, written in the same block batch as the
alert it carries, so a committed alert is never without its deliveries. Each
webhook's due deliveries are posted on a thread of their own, over one
connection while the receiver keeps it open, each attempt
bounded as a whole (a receiver trickling its answer a byte at a time holds a
sender no longer than one that never answers); a 2xx answer
deletes the key at once, in one synced write with a marker of the delivery (folded
into the alert record when no block is being built), anything else moves it to a later attempt:
1 s, 2 s, 4 s … up to 10 minutes apart, for as long as it takes. The node may crash after the receiver
answered and before that write (a millisecond): the receiver then gets the alert again,
with the same ``Idempotency-Key``, and is expected to answer 2xx again.

The body is JSON, signed by the supervision key whose public key ``GET
/v1/supervision`` gives, as tiezheng.supervision lays out (receivers check it
with ``tiezheng.supervision.verify_delivery``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from ssl import SSLContext
from typing import Any, Final

import httpx

from tiezheng import cbor
from tiezheng.evidence_id import EvidenceId
from tiezheng.supervision import ATTEMPT_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature_header

from ..store import Store
from ..store.keys import DELIVERED, WEBHOOK
from .engine import ProcessEngine
from .records import (
    DELIVERED_STOP,
    AlertRecord,
    Webhook,
    alert_key,
    delivered_key,
    outbox_key,
    owed_to,
    owed_to_by,
    owed_to_end,
    parse_delivered_key,
    parse_outbox_key,
    webhook_key,
)

log = logging.getLogger("tiezheng.webhooks")

FIRST_RETRY_MS: Final = 1_000
MAX_RETRY_MS: Final = 600_000
TIMEOUT_SECONDS: Final = 10.0
CONNECT_TIMEOUT_SECONDS: Final = 3.0
#: One attempt as a whole: connecting, sending, and the answer's status line and headers.
ATTEMPT_SECONDS: Final = 15.0
#: An answer's body, read so its connection can be used again, no longer and no more than this.
ANSWER_BODY_SECONDS: Final = 1.0
MAX_ANSWER_BODY: Final = 64 * 1024
#: Deliveries one round takes for one webhook; more wait for its next round.
MAX_ROUND: Final = 1_000
#: Webhooks delivered to at once; more wait for a free sender.
MAX_PARALLEL_WEBHOOKS: Final = 8
USER_AGENT: Final = "tiezheng-node webhooks"


def retry_delay_ms(attempts: int) -> int:
    return min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** max(0, attempts - 1))


class WebhookDispatcher:
    """Delivers what the outbox owes, each webhook on its own thread, so that no receiver waits for another.

    A webhook that cannot be reached (refused, timed out) rests, with the rest of
    its due deliveries, for a backoff that grows with each round it stays
    unreachable: a dead endpoint costs one timeout per round, not one per alert
    owed, and delays nobody else's alerts.
    """

    def __init__(self, store: Store, engine: ProcessEngine, *, clock: Callable[[], float]) -> None:
        self._store = store
        self._engine = engine
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._senders = ThreadPoolExecutor(max_workers=MAX_PARALLEL_WEBHOOKS, thread_name_prefix="webhook")
        self._busy: set[int] = set()  # webhooks whose deliveries are being attempted
        self._resting: dict[int, float] = {}  # unreachable webhooks: not tried again before (clock seconds)
        self._unreachable: dict[int, int] = {}  # webhooks' rounds in a row that found them unreachable
        self._in_flight: set[tuple[asyncio.AbstractEventLoop, asyncio.Task[Any]]] = set()
        self._busy_lock = threading.Lock()

    @cached_property
    def _tls(self) -> SSLContext:
        # Made at the first delivery rather than with the node: loading the CA bundle is a
        # few hundredths of a second that a restart need not wait for. Shared by every attempt.
        return httpx.create_ssl_context()

    def start(self) -> None:
        try:
            self.fold_deliveries()
        except Exception:  # the markers stay, and are folded at the next delivery or start
            log.exception("folding the deliveries a crash left unwritten failed")
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="webhook-delivery", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def close(self) -> None:
        """Stop: attempts in flight are abandoned (their deliveries stay owed as they were)."""
        self._stop.set()
        self._wake.set()
        with self._busy_lock:
            in_flight = list(self._in_flight)
        for loop, task in in_flight:
            with contextlib.suppress(RuntimeError):  # that attempt ended meanwhile, and its loop with it
                loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(timeout=ATTEMPT_SECONDS + 5)
            self._thread = None
        self._senders.shutdown(wait=True, cancel_futures=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due(wait=False)
            except Exception:
                log.exception("webhook delivery failed")
            self._wake.wait(timeout=self._seconds_to_next())
            self._wake.clear()

    def _hook_ids(self) -> list[int]:
        with self._store.scan(WEBHOOK) as rows:
            return [int.from_bytes(key[1:], "big") for key, _ in rows]

    def _seconds_to_next(self) -> float:
        """Until the next delivery due to a webhook neither busy (it wakes this loop when done) nor resting:
        one look at the oldest delivery owed to each webhook."""
        with self._busy_lock:
            busy, resting = set(self._busy), dict(self._resting)
        now = self._clock()
        soonest = now + 5.0
        for hook_id in self._hook_ids():
            if hook_id in busy:
                continue
            with self._store.scan_range(owed_to(hook_id), owed_to_end(hook_id)) as rows:
                oldest = next(iter(rows), None)
            if oldest is not None:
                soonest = min(soonest, max(parse_outbox_key(oldest[0])[1] / 1000, resting.get(hook_id, 0.0)))
        return max(0.0, soonest - now)

    def deliver_due(self, *, wait: bool = True) -> int:
        """Start the deliveries due now, one task per webhook not already busy; with ``wait``, how many succeeded."""
        now = self._clock()
        tasks = []
        for hook_id in self._hook_ids():
            with self._busy_lock:  # being attempted, or resting: its deliveries are not even read
                if hook_id in self._busy or self._resting.get(hook_id, 0.0) > now:
                    continue
            with self._store.scan_range(owed_to(hook_id), owed_to_by(hook_id, int(now * 1000))) as rows:
                # At most a round's worth: the rest wait for the next round, rather than sit in memory.
                items = list(itertools.islice(rows, MAX_ROUND))
            if not items:
                continue
            with self._busy_lock:
                if hook_id in self._busy:
                    continue
                self._busy.add(hook_id)
                self._resting.pop(hook_id, None)
            try:
                tasks.append(self._senders.submit(self._deliver_to, hook_id, items))
            except RuntimeError:  # closing: the senders take no more work
                with self._busy_lock:
                    self._busy.discard(hook_id)
                break
        return sum(task.result() for task in tasks) if wait else 0

    def _deliver_to(self, hook_id: int, items: list[tuple[bytes, bytes]]) -> int:
        """One webhook's due deliveries, oldest first, until one finds the endpoint unreachable."""
        try:
            hook_raw = self._store.get(webhook_key(hook_id))
            if hook_raw is None:  # the webhook was removed: nothing is owed to it any more
                self._store.commit(dict.fromkeys((key for key, _ in items), None))
                return 0
            # On an event loop of the sender's own, so that each attempt as a whole has a deadline
            # (httpx's timeouts bound each read, not the request) and a closing node can cancel it.
            return asyncio.run(self._deliver_round(hook_id, Webhook.decode(hook_raw), items))
        finally:
            with self._busy_lock:
                self._busy.discard(hook_id)
            self._wake.set()

    async def _deliver_round(self, hook_id: int, hook: Webhook, items: list[tuple[bytes, bytes]]) -> int:
        task = asyncio.current_task()
        assert task is not None
        flight = (asyncio.get_running_loop(), task)
        with self._busy_lock:
            if self._stop.is_set():
                return 0
            self._in_flight.add(flight)
        delivered = 0
        timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
        try:
            # One client for the round: a burst of alerts to one receiver shares its
            # connection (and TLS handshake) rather than opening one per alert.
            async with httpx.AsyncClient(
                timeout=timeout, verify=self._tls, headers={"User-Agent": USER_AGENT}
            ) as client:
                for key, value in items:
                    if self._stop.is_set():
                        break
                    if self._store.get(key) != value:
                        continue  # settled since the list was read, by the round before this one
                    alert_index = parse_outbox_key(key)[2]
                    attempts, _ = cbor.decode(value, max_size=4096)
                    record_raw = self._store.get(alert_key(alert_index))
                    if record_raw is None:
                        self._store.commit({key: None})
                        continue
                    record = AlertRecord.decode(record_raw)
                    body = self.body(record)
                    headers = self.headers(body, record, attempts + 1)
                    error, reached = await self._attempt(client, hook.url, body, headers)
                    self._settle(key, hook_id, alert_index, attempts + 1, record_raw, error)
                    if error is None:
                        delivered += 1
                        log.debug("webhook %d: alert %d delivered (attempt %d)", hook_id, alert_index, attempts + 1)
                    with self._busy_lock:
                        if reached:
                            self._unreachable.pop(hook_id, None)
                        else:
                            # The rest wait with it, rather than cost a timeout each, round after round.
                            rounds = self._unreachable[hook_id] = self._unreachable.get(hook_id, 0) + 1
                            self._resting[hook_id] = self._clock() + retry_delay_ms(rounds) / 1000
                    if error is not None:
                        log.info("webhook %d: alert %d not delivered (%s); retrying", hook_id, alert_index, error)
                        if not reached:
                            break
        except asyncio.CancelledError:
            pass  # the node is closing: the attempt in flight stays owed as it was, not counted
        finally:
            with self._busy_lock:
                self._in_flight.discard(flight)
        return delivered

    def _settle(
        self, key: bytes, hook_id: int, alert_index: int, attempt: int, record_raw: bytes, error: str | None
    ) -> None:
        """Record an attempt's outcome: delivered, or owed again after the backoff."""
        now = int(self._clock() * 1000)
        if error is None:
            # The receiver has it: no longer owed, at once. The alert record is written under the
            # lock a block holds while it is built, which may be a while; a crash in that while
            # must not deliver the alert again, so the delivery is first recorded on its own.
            made = (delivered_key(alert_index, hook_id), cbor.encode([now, attempt]))
            self._store.commit({key: None, made[0]: made[1]})
            self.fold_deliveries([made])
            return
        with self._engine.commit_lock:  # a block or an acknowledgement may have changed the record meanwhile
            record = AlertRecord.decode(self._store.get(alert_key(alert_index)) or record_raw)
            if self._store.get(webhook_key(hook_id)) is None:  # removed during the attempt, with what it was owed
                self._store.commit({key: None})
                return
            later = outbox_key(hook_id, now + retry_delay_ms(attempt), alert_index)
            record.deliveries[str(hook_id)] = {"attempts": attempt, "error": error}
            self._store.commit(
                {key: None, later: cbor.encode([attempt, error]), alert_key(alert_index): record.encode()}
            )

    def fold_deliveries(self, made: list[tuple[bytes, bytes]] | None = None) -> None:
        """Write deliveries recorded on their own into their alert records: ``made``, or (at start) every one
        a crash left unwritten."""
        with self._engine.commit_lock:
            if made is None:
                with self._store.scan_range(DELIVERED, DELIVERED_STOP) as rows:
                    made = list(rows)
            writes: dict[bytes, bytes | None] = {}
            for marker, value in made:
                alert_index, hook_id = parse_delivered_key(marker)
                delivered, attempts = cbor.decode(value, max_size=64)
                key = alert_key(alert_index)
                raw = writes.get(key) or self._store.get(key)
                if raw is not None:
                    record = AlertRecord.decode(raw)
                    record.deliveries[str(hook_id)] = {"delivered": delivered, "attempts": attempts}
                    writes[key] = record.encode()
                writes[marker] = None
            if writes:
                self._store.commit(writes)

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

    async def _attempt(
        self, client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[str | None, bool]:
        """(why the delivery failed, or None; whether the endpoint answered at all)."""
        status: int | None = None
        failure = ""
        try:
            async with (
                asyncio.timeout(ATTEMPT_SECONDS),
                client.stream("POST", url, content=body, headers=headers) as got,
            ):
                status = got.status_code
                await _read_a_little(got)
        except TimeoutError:
            failure = f"no answer within {ATTEMPT_SECONDS:g} s"
        except Exception as exc:  # httpx's errors, and any a URL it cannot use raises (an IDNA host, say)
            failure = f"{type(exc).__name__}: {str(exc)[:200]}"
        if status is None:
            return failure, False
        if 200 <= status < 300:
            return None, True
        return f"HTTP {status}", True


async def _read_a_little(answer: httpx.Response) -> None:
    """Read a short answer body whole, so its connection can carry the next alert.

    The status is the answer: a longer body, or one slow to come, is left unread and
    its connection closed, so a receiver can neither hold the sender nor fill the
    node's memory with it.
    """
    read = 0
    with contextlib.suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout(ANSWER_BODY_SECONDS):
            async for chunk in answer.aiter_raw():
                read += len(chunk)
                if read > MAX_ANSWER_BODY:
                    return
