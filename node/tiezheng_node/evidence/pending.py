"""Accepted submissions waiting for a block, with their leaf indexes reserved, durably.

Acceptance reserves the next leaf indexes and writes the submission to LevelDB
before the API answers, so a reserved evidence ID always ends up naming that
submission's statement, across crashes and restarts. Writes of many concurrent
acceptances share one synced write (group commit): the writer thread takes
everything queued, writes it in one batch, and releases all the waiters.

Submissions become visible to the block producer in reservation order, and only
once durable, so blocks always append a prefix of the reservations.
"""

from __future__ import annotations

import bisect
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, InvalidStateError
from contextlib import contextmanager
from operator import attrgetter
from typing import Final

from ..store import Store
from ..store.keys import BATCH, BATCH_STATEMENTS, PENDING, index_key
from .items import Entry, Submission
from .records import STATEMENTS_PER_CHUNK, BatchRecord, encode_pending, encode_statement_chunk

DEFAULT_MAX_PENDING: Final = 1_000_000


def durable_writes(submission: Submission) -> dict[bytes, bytes | None]:
    """What makes an accepted submission survive a crash: its pending record, and for a batch its statements.

    A batch's statements are written here, under the batch, once: its leaves will
    only point at them.
    """
    first = submission.first_index
    if submission.batch is None:
        record = encode_pending("s", submission.payload, None, submission.accepted_ms)
        return {index_key(PENDING, first): record}
    batch = submission.batch
    writes: dict[bytes, bytes | None] = {
        index_key(PENDING, first): encode_pending("b", b"", submission.members, submission.accepted_ms),
        index_key(BATCH, first): BatchRecord(batch.header, batch.signatures, batch.size).encode(),
    }
    for chunk, start in enumerate(range(0, batch.size, STATEMENTS_PER_CHUNK)):
        key = index_key(BATCH_STATEMENTS, first) + chunk.to_bytes(4, "big")
        writes[key] = encode_statement_chunk(batch.statements[start : start + STATEMENTS_PER_CHUNK])
    return writes


def _first_index(submission: Submission) -> int:
    return submission.first_index


class PoolFull(Exception):
    """More records are pending than the node accepts; the caller should retry later."""

    def __init__(self, pending: int, limit: int) -> None:
        super().__init__(f"{pending:,} records are waiting for a block (limit {limit:,}); retry shortly")
        self.pending = pending


class SubmissionTooLarge(Exception):
    """One submission holds more records than the pending pool ever admits."""


class ReservationsUndone(Exception):
    """A write failed and undid the reservations not yet durable since a lookup was made.

    A statement the lookup found pending may have been among them, its leaf index
    handed out again: the index found no longer names it, so nothing is accepted.
    """

    def __init__(self) -> None:
        super().__init__("a failed write undid reservations this submission relied on; nothing was accepted")


def _settle(future: Future[None], error: BaseException | None = None) -> None:
    """Resolve a waiter's future, unless its waiter gave up on it (cancelled it) already."""
    if future.done():
        return
    try:
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
    except InvalidStateError:  # cancelled between the check and here
        pass


#: One queued durable write: the keys, who waits for it, the submissions it makes durable.
_Write = tuple[dict[bytes, bytes | None], Future[None], list[Submission]]
_digest_of: Final = attrgetter("digest")

#: Where the log already holds each statement (its leaf index), or None; asked under the pool's lock.
LoggedLookup = Callable[[Sequence[Entry]], list[int | None]]


class PendingEvidence:
    def __init__(
        self,
        store: Store,
        next_index: int,
        *,
        max_pending: int = DEFAULT_MAX_PENDING,
        logged: LoggedLookup = lambda entries: [None] * len(entries),
    ) -> None:
        self._store = store
        self._logged = logged
        self._lock = threading.Lock()
        self._queue: deque[Submission] = deque()
        self._by_statement: dict[bytes, int] = {}  # leaf hash → reserved leaf index
        self._undone = 0  # times a failed write undid reservations
        self._next_index = next_index
        self._pending_leaves = 0
        self._max_pending = max_pending
        self._writes: list[_Write] = []
        self._writer_wakeup = threading.Condition(threading.Lock())
        self._stopping = False
        self._writer = threading.Thread(target=self._write_loop, name="evidence-pending-writer", daemon=True)
        self._writer.start()
        self.on_durable: Callable[[], None] = lambda: None

    # Reservation

    @property
    def next_index(self) -> int:
        return self._next_index

    @property
    def pending_leaves(self) -> int:
        return self._pending_leaves

    @property
    def undone(self) -> int:
        """How many times a failed write has undone reservations: read before looking statements up, and
        passed back as ``since``, it tells whether an index found pending may have been handed out again."""
        return self._undone

    def find(self, leaf_hash: bytes) -> int | None:
        """The reserved leaf index of a pending statement (by its leaf hash), or None."""
        return self._by_statement.get(leaf_hash)

    def get(self, index: int) -> tuple[Submission, int] | None:
        """The pending submission holding leaf ``index``, and the entry's offset in it.

        The queue is in reservation order, so first indexes ascend: a binary search,
        not a walk of up to a million submissions under the lock admission needs.
        """
        with self._lock:
            position = bisect.bisect_right(self._queue, index, key=_first_index) - 1
            if position < 0:
                return None
            submission = self._queue[position]
            if index > submission.last_index:
                return None
            return submission, index - submission.first_index

    def snapshot(self) -> list[Submission]:
        """The pending submissions, oldest first."""
        with self._lock:
            return list(self._queue)

    def matching(
        self, digest: bytes, *, agency: str | None = None, subject: bytes | None = None, kind: str | None = None
    ) -> list[int]:
        """The leaf indexes of pending statements of ``digest`` (and of ``agency``, ``subject``, ``kind`` where
        given), in log order: read from a snapshot, off the lock.

        Anyone may ask and the pool may hold a million records, so each submission's
        digests are compared in C (``list.index``), not entry by entry in Python.
        """
        found: list[int] = []
        for submission in self.snapshot():
            digests = list(map(_digest_of, submission.entries))
            offset = -1
            while True:
                try:
                    offset = digests.index(digest, offset + 1)
                except ValueError:
                    break
                entry = submission.entries[offset]
                if (
                    (agency is None or entry.agency == agency)
                    and (subject is None or entry.subject == subject)
                    and (kind is None or entry.kind == kind)
                ):
                    found.append(submission.first_index + offset)
        found.sort()
        return found

    def _taken(self, entries: Sequence[Entry]) -> tuple[dict[bytes, int], bool]:
        """The entries already logged or reserved (leaf hash → leaf index), and whether any is reserved.

        Under the lock. The log is asked about the rest all at once (mostly its
        in-memory filter, answering "not logged")."""
        by_statement = self._by_statement
        reserved = {e.leaf_hash: i for e in entries if (i := by_statement.get(e.leaf_hash)) is not None}
        rest = [e for e in entries if e.leaf_hash not in reserved] if reserved else entries
        taken = {e.leaf_hash: i for e, i in zip(rest, self._logged(rest), strict=True) if i is not None}
        return reserved | taken, bool(reserved)

    def reserve(
        self,
        submission: Submission,
        *,
        extra_writes: dict[bytes, bytes | None] | None = None,
        bounded: bool = True,
    ) -> tuple[Future[None], dict[bytes, int]]:
        """Reserve leaf indexes for a submission and start writing it.

        Returns a future that resolves once the submission is durable, and the
        statements that another submission reserved (or a block logged) since
        admission looked them up (statement hash → its leaf index): those are
        left out of this one, so a statement raced in by two requests is still
        logged once. The log is asked here, under the lock, because a block
        drops its statements from the pool only after the log has them.
        ``extra_writes`` go in the same synced write. Raises PoolFull when the
        backlog is over the limit, unless not ``bounded``: what the chain itself
        puts in the log (contract anchors, overdue alerts) is never refused, and
        is bounded by the blocks that carry it.
        """
        future, raced = self.reserve_all([submission], extra_writes=extra_writes, bounded=bounded)
        return future, raced[0]

    def reserve_all(
        self,
        submissions: Sequence[Submission],
        *,
        extra_writes: dict[bytes, bytes | None] | None = None,
        bounded: bool = True,
        since: int | None = None,
    ) -> tuple[Future[None], list[dict[bytes, int]]]:
        """:meth:`reserve` for several submissions at once, in one synced write: durable all
        together, or (the write failing) none of them.

        One request's statements, or one block's contract anchors, are then never
        partly kept: the sender is told "nothing was accepted" only when nothing was.
        A statement in two of them is reserved by the first and named in the raced
        map of the others. Raises ReservationsUndone if reservations were undone
        ``since`` (an :attr:`undone` read before the submitter looked statements up).
        """
        with self._lock:
            if since is not None and since != self._undone:
                raise ReservationsUndone()
            raced_each: list[dict[bytes, int]] = []
            repeated: list[set[bytes]] = []
            seen: set[bytes] = set()
            behind_pending = False
            several = len(submissions) > 1  # one alone holds no statement twice: admission refused that
            for submission in submissions:
                raced, behind = self._taken(submission.entries)
                behind_pending |= behind
                again = (
                    {e.leaf_hash for e in submission.entries if e.leaf_hash in seen and e.leaf_hash not in raced}
                    if seen
                    else set()
                )
                if raced or again:
                    submission.entries = [
                        e for e in submission.entries if e.leaf_hash not in raced and e.leaf_hash not in again
                    ]
                    if submission.batch is not None:
                        submission.members = [e.position for e in submission.entries]
                if several:
                    seen.update(e.leaf_hash for e in submission.entries)
                raced_each.append(raced)
                repeated.append(again)
            taking = [s for s in submissions if s.entries]
            count = sum(s.count for s in taking)
            largest = max((s.count for s in taking), default=0)
            if bounded and largest > self._max_pending:
                raise SubmissionTooLarge(
                    f"{largest:,} records in one submission; at most {self._max_pending:,} may be pending"
                )
            if bounded and self._pending_leaves + count > self._max_pending:
                raise PoolFull(self._pending_leaves, self._max_pending)
            future: Future[None] = Future()
            writes: dict[bytes, bytes | None] = {}
            for submission in taking:
                submission.first_index = self._next_index
                self._next_index += submission.count
                self._pending_leaves += submission.count
                self._queue.append(submission)
                first = submission.first_index
                self._by_statement.update(
                    zip([e.leaf_hash for e in submission.entries], range(first, first + submission.count), strict=True)
                )
                writes.update(durable_writes(submission))
            for raced, again in zip(raced_each, repeated, strict=True):
                raced.update((leaf_hash, self._by_statement[leaf_hash]) for leaf_hash in again)
            if extra_writes:
                writes.update(extra_writes)
            # Nothing to write, and nothing pending it waits for: durable already.
            if not taking and not extra_writes and not behind_pending:
                future.set_result(None)
                return future, raced_each
            with self._writer_wakeup:  # resolved in write order: after every reservation it names
                self._writes.append((writes, future, taking))
                self._writer_wakeup.notify()
        return future, raced_each

    @contextmanager
    def room_for(self, count: int) -> Iterator[None]:
        """Book room for ``count`` records, so that reservations made inside (unbounded) all fit or none start.

        While booked, the room counts as pending twice over (booked, and reserved):
        other requests see the pool fuller, never emptier, than it is.
        """
        with self._lock:
            if count > self._max_pending:
                raise SubmissionTooLarge(
                    f"{count:,} records in one request; at most {self._max_pending:,} may be pending"
                )
            if self._pending_leaves + count > self._max_pending:
                raise PoolFull(self._pending_leaves, self._max_pending)
            self._pending_leaves += count
        try:
            yield
        finally:
            with self._lock:
                self._pending_leaves -= count

    def barrier(self, *, since: int | None = None) -> Future[None]:
        """Resolves once everything reserved so far is durable, or fails with the write that fails first
        (at once with ReservationsUndone if reservations were undone ``since``)."""
        future: Future[None] = Future()
        with self._lock:
            if since is not None and since != self._undone:
                future.set_exception(ReservationsUndone())
                return future
            if not self._queue or self._queue[-1].durable:
                future.set_result(None)
                return future
            with self._writer_wakeup:
                self._writes.append(({}, future, []))
                self._writer_wakeup.notify()
        return future

    def restore(self, submission: Submission) -> None:
        """Put back a submission read from the store at start-up (already durable, already reserved)."""
        with self._lock:
            submission.durable = True
            self._queue.append(submission)
            self._pending_leaves += submission.count
            self._next_index = max(self._next_index, submission.first_index + submission.count)
            for offset, entry in enumerate(submission.entries):
                self._by_statement[entry.leaf_hash] = submission.first_index + offset

    # The block producer's side

    def has_ready(self) -> bool:
        with self._lock:
            return bool(self._queue) and self._queue[0].durable

    def take(self, max_leaves: int) -> list[Submission]:
        """The longest durable prefix of the queue within ``max_leaves`` (at least one submission if any)."""
        taken: list[Submission] = []
        leaves = 0
        with self._lock:
            for submission in self._queue:
                if not submission.durable or (taken and leaves + submission.count > max_leaves):
                    break
                taken.append(submission)
                leaves += submission.count
        return taken

    def committed(self, submissions: list[Submission]) -> None:
        """Drop submissions whose leaves a committed block now holds."""
        with self._lock:
            for submission in submissions:
                head = self._queue.popleft()
                assert head is submission, "blocks must take the queue in order"
                self._pending_leaves -= submission.count
                pop = self._by_statement.pop
                for entry in submission.entries:
                    pop(entry.leaf_hash, None)

    # Group commit

    def _write_loop(self) -> None:
        while True:
            with self._writer_wakeup:
                while not self._writes and not self._stopping:
                    self._writer_wakeup.wait()
                if self._stopping and not self._writes:
                    return
                batch, self._writes = self._writes, []
            combined: dict[bytes, bytes | None] = {}
            for writes, _, _ in batch:
                combined.update(writes)
            try:
                self._store.commit(combined)
            except Exception as exc:  # the disk failed: nobody may be told "accepted"
                self._abandon(batch, exc)
                continue
            with self._lock:
                for _, _, submissions in batch:
                    for submission in submissions:
                        submission.durable = True
            for _, future, _ in batch:
                _settle(future)
            self.on_durable()

    def _abandon(self, failed: list[_Write], exc: Exception) -> None:
        """Undo every reservation not yet durable, after a write of them failed.

        Durable submissions are a prefix of the queue (the writer writes in
        reservation order), so the failed ones and those reserved since form its
        tail: they are dropped and their leaf indexes handed out again. Left in
        place, they would stop every later block at the first of them, and after
        a restart the durable submissions behind them would start past a gap the
        log refuses. Their senders get the error; a retry is a new submission.
        """
        with self._lock:
            with self._writer_wakeup:
                failed = failed + self._writes
                self._writes = []
            while self._queue and not self._queue[-1].durable:
                dropped = self._queue.pop()
                self._pending_leaves -= dropped.count
                self._next_index = dropped.first_index
                for entry in dropped.entries:  # reserve() never maps a statement twice: these are its own
                    self._by_statement.pop(entry.leaf_hash, None)
            # Counted after the drops: a lookup (find() takes no lock) that reads the new count can then
            # no longer find a dropped index, and one that found it read the old count.
            self._undone += 1
        for _, future, _ in failed:
            _settle(future, exc)

    def close(self) -> None:
        with self._writer_wakeup:
            self._stopping = True
            self._writer_wakeup.notify()
        self._writer.join(timeout=30)
