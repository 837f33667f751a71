"""The pending pool of EVM transactions: by sender and nonce, bounded, thread-safe.

Fees are always zero on this chain, so there is no price ordering and no
replacement: a second transaction with a pending nonce is refused. Blocks take
senders in arrival order, and each sender's transactions in nonce order from
its current state nonce, so one sender cannot starve the others. A transaction
the chain refuses leaves with every later nonce of its sender.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from eth.abc import SignedTransactionAPI
from eth_typing import Address

DEFAULT_MAX_SIZE: Final = 50_000
DEFAULT_MAX_PER_SENDER: Final = 5_000
#: How long a transaction may wait behind a nonce gap (geth's "queued" transactions wait
#: three hours; fees are zero here and senders are known, so a gap not filled in minutes
#: is a mistake, and it holds room in a bounded pool).
STRANDED_LIFETIME_SECONDS: Final = 600.0


class PoolError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PendingTransaction:
    transaction: SignedTransactionAPI
    sender: Address
    hash: bytes
    received: float = field(default_factory=time.monotonic)


class TxPool:
    def __init__(self, *, max_size: int = DEFAULT_MAX_SIZE, max_per_sender: int = DEFAULT_MAX_PER_SENDER) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._by_hash: dict[bytes, PendingTransaction] = {}
        self._by_sender: OrderedDict[Address, dict[int, PendingTransaction]] = OrderedDict()
        self._max_size = max_size
        self._max_per_sender = max_per_sender
        self.on_added: Callable[[], None] = lambda: None

    def __len__(self) -> int:
        return len(self._by_hash)

    def get(self, transaction_hash: bytes) -> PendingTransaction | None:
        return self._by_hash.get(transaction_hash)

    def add(self, pending: PendingTransaction, state_nonce: int) -> None:
        nonce = pending.transaction.nonce
        with self._lock:
            if pending.hash in self._by_hash:
                raise PoolError("transaction is already pending", "already-known")
            if nonce < state_nonce:
                raise PoolError(f"nonce too low: next nonce is {state_nonce}, got {nonce}", "nonce-too-low")
            queue = self._by_sender.get(pending.sender, {})
            if nonce in queue:
                raise PoolError(f"a transaction with nonce {nonce} is already pending for this sender", "nonce-pending")
            if nonce >= state_nonce + self._max_per_sender:
                raise PoolError(
                    f"nonce too high: more than {self._max_per_sender} ahead of the account", "nonce-too-high"
                )
            if len(self._by_hash) >= self._max_size:
                raise PoolError("the transaction pool is full; retry later", "pool-full")
            queue[nonce] = pending
            self._by_sender[pending.sender] = queue
            self._by_hash[pending.hash] = pending
            self._changed.notify_all()
        self.on_added()

    def pending_nonce(self, sender: Address, state_nonce: int) -> int:
        """The nonce after the sender's consecutive pending transactions."""
        with self._lock:
            queue = self._by_sender.get(sender, {})
            nonce = state_nonce
            while nonce in queue:
                nonce += 1
            return nonce

    def select(self, state_nonce: Callable[[Address], int], limit: int) -> list[SignedTransactionAPI]:
        """Up to ``limit`` executable transactions, round-robin over senders in arrival order."""
        with self._lock:
            queues = [(sender, dict(queue)) for sender, queue in self._by_sender.items()]
        cursors = {sender: state_nonce(sender) for sender, _ in queues}
        selected: list[SignedTransactionAPI] = []
        active = [sender for sender, _ in queues]
        by_sender = dict(queues)
        while active and len(selected) < limit:
            still_active = []
            for sender in active:
                queue, nonce = by_sender[sender], cursors[sender]
                if nonce in queue:
                    selected.append(queue[nonce].transaction)
                    cursors[sender] = nonce + 1
                    still_active.append(sender)
                    if len(selected) >= limit:
                        break
            active = still_active
        return selected

    def remove(self, hashes: list[bytes]) -> None:
        with self._lock:
            for transaction_hash in hashes:
                pending = self._by_hash.pop(transaction_hash, None)
                if pending is None:
                    continue
                queue = self._by_sender.get(pending.sender)
                if queue is not None:
                    queue.pop(pending.transaction.nonce, None)
                    if not queue:
                        del self._by_sender[pending.sender]

    def drop(self, hashes: list[bytes]) -> list[bytes]:
        """Remove transactions the chain refused, with each sender's later nonces.

        A later nonce can never run once the one before it is gone: kept, it would sit
        in the pool, count towards its sender's limit, and surprise the sender by
        running after whatever they send next with the freed nonce. Returns the hashes
        of the later nonces dropped with them.
        """
        dependents: list[bytes] = []
        with self._lock:
            for transaction_hash in hashes:
                pending = self._by_hash.get(transaction_hash)
                if pending is None:
                    continue
                queue = self._by_sender[pending.sender]
                dependents.extend(p.hash for n, p in queue.items() if n > pending.transaction.nonce)
        self.remove([*hashes, *dependents])
        return dependents

    def evict_stranded(self, state_nonce: Callable[[Address], int], received_before: float) -> list[bytes]:
        """Drop transactions that cannot run: a nonce the chain has passed, or one behind a gap since before
        ``received_before`` (``time.monotonic()`` seconds). Returns their hashes."""
        with self._lock:
            queues = [(sender, dict(queue)) for sender, queue in self._by_sender.items()]
        stranded: list[bytes] = []
        for sender, queue in queues:
            first = runnable = state_nonce(sender)
            while runnable in queue:
                runnable += 1
            stranded.extend(
                p.hash for n, p in queue.items() if n < first or (n > runnable and p.received < received_before)
            )
        self.remove(stranded)
        return stranded

    def wait(self, timeout: float) -> bool:
        """Block until the pool is non-empty (True) or ``timeout`` passes (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: bool(self._by_hash), timeout=timeout)
