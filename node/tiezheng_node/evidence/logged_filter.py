"""Which statements the log certainly does not hold, answered from memory.

Admission asks of every statement it is given "is this already logged?", so
that a statement is never appended twice. The answer is nearly always no, and
LevelDB gives that answer in 3–4 µs (its 128 MB memtable is a skip list; its
own bloom filters cover only the table files): the largest single cost of
admitting an envelope. A Bloom filter over the digest index's keys answers
"certainly not" in about 0.2 µs. A "maybe" (every real repeat, and about 1 % of
the rest) still goes to LevelDB, which stays the only authority: the filter can
make admission faster, never wrong, because it has no false negatives.

The filter lives in memory only. At start-up a background thread reads the
digest index's keys into it while blocks add the keys they commit; until that
read is done it answers "maybe" for everything, so the node serves at once and
is merely slower for the first seconds after a restart. Keys are hashed with
Python's own keyed hash (SipHash under a per-process secret): clients choose
digests, and cannot aim at collisions they cannot compute. It grows by
chaining filters, each twice the capacity of the last (a scalable Bloom
filter, Almeida et al. 2007); each aims at 1 %, so the rate grows by about a
point per doubling past the first filter, which is sized at twice the log at
start-up.

The one thing the filter must never do is say "not logged" of a logged
statement. So a failure to add keys (memory, or rbloom refusing a call that
meets another in progress) breaks the filter for good: from then on it says
"maybe" to everything, and admission asks LevelDB as it did without it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from rbloom import Bloom

log = logging.getLogger("tiezheng.evidence")

DEFAULT_CAPACITY: Final = 1 << 20
DEFAULT_ERROR_RATE: Final = 0.01
#: Keys read per step of the start-up scan (one lock hold, one rbloom call).
SCAN_CHUNK: Final = 65_536


class LoggedFilter:
    """A Bloom filter of logged statements' keys; ``may_contain`` is False only for keys never added."""

    def __init__(self, *, capacity: int = DEFAULT_CAPACITY, error_rate: float = DEFAULT_ERROR_RATE) -> None:
        if capacity < 1 or not 0 < error_rate < 1:
            raise ValueError("capacity must be positive and error_rate in (0, 1)")
        self._error_rate = error_rate
        self._capacity = capacity
        self._filters: tuple[Bloom, ...] = (Bloom(capacity, error_rate),)
        self._added = 0  # keys added to the newest filter
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._broken = False

    @property
    def ready(self) -> bool:
        """True once every key logged before start-up has been added (until then every answer is "maybe")."""
        return self._ready.is_set() and not self._broken

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout) and not self._broken

    def mark_ready(self) -> None:
        self._ready.set()

    @property
    def filters(self) -> int:
        return len(self._filters)

    def add(self, keys: Sequence[bytes]) -> None:
        """Add keys (a list, which rbloom hashes without calling back into our code).

        Never raises: if the keys cannot be added, the filter is broken and says "maybe" from then on."""
        if not keys or self._broken:
            return
        with self._lock:
            try:
                filters = self._filters
                if self._added + len(keys) > self._capacity:
                    self._capacity = max(self._capacity * 2, len(keys))
                    filters = (*filters, Bloom(self._capacity, self._error_rate))
                    self._filters = filters
                    self._added = 0
                filters[-1].update(keys)
                self._added += len(keys)
            except Exception:  # never raise: a block calls this after its commit
                self._broken = True
                log.exception("the in-memory digest filter failed; admission asks the store for every statement")

    def may_contain(self, key: bytes) -> bool:
        return self.may_contain_many((key,))[0]

    def may_contain_many(self, keys: Sequence[bytes]) -> list[bool]:
        """``may_contain`` for each key, in one pass (an envelope asks about 10,000 at once)."""
        if not self._ready.is_set() or self._broken:
            return [True] * len(keys)
        filters = self._filters
        try:
            if len(filters) == 1:  # nearly always: each lookup a C call
                return list(map(filters[0].__contains__, keys))
            return [any(key in bloom for bloom in filters) for key in keys]
        except RuntimeError:  # rbloom refuses a lookup that meets an update in progress: "maybe" is safe
            return [True] * len(keys)

    def fill(self, keys: Iterable[bytes], *, stop: threading.Event | None = None) -> bool:
        """Add every key of ``keys`` (the store's digest index, read in the background), then mark the filter ready.

        Returns False, leaving the filter not ready, if ``stop`` is set before the end."""
        chunk: list[bytes] = []
        for key in keys:
            chunk.append(key)
            if len(chunk) == SCAN_CHUNK:
                if stop is not None and stop.is_set():
                    return False
                self.add(chunk)
                chunk = []
        self.add(chunk)
        self.mark_ready()
        return True


def start_filling(
    logged: LoggedFilter, read_keys: Callable[[], Iterable[bytes]], *, stop: threading.Event
) -> threading.Thread:
    """Fill ``logged`` from ``read_keys()`` on a background thread; a store closed under it just ends the thread."""

    def run() -> None:
        started = time.perf_counter()
        try:
            done = logged.fill(read_keys(), stop=stop)
        except Exception:  # the store closed during shutdown, or failed: admission keeps asking LevelDB
            if not stop.is_set():
                log.exception("reading the digest index into memory failed; admission keeps asking the store")
            return
        if done:
            log.info(
                "digest index in memory: %s filter(s), ready in %.1f s",
                logged.filters,
                time.perf_counter() - started,
            )

    thread = threading.Thread(target=run, name="evidence-logged-filter", daemon=True)
    thread.start()
    return thread
