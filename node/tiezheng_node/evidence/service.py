"""The evidence service: admission, the pending submissions, the log, lookups and receipts, in one place."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Final

from eth.abc import BlockAPI, ReceiptAPI

from tiezheng.evidence_id import format_evidence_id, format_evidence_ids
from tiezheng.genesis import Genesis
from tiezheng.receipt import ChainRef, Receipt
from tiezheng.signed_statement import SignedStatement
from tiezheng.statement import Statement

from ..consensus.headers import ConsensusStore, SealedBlockHeader
from ..execution.addresses import EVIDENCE_APPEND_PRECOMPILE, EVIDENCE_APPENDED_TOPIC
from ..execution.registry import AgencyInfo
from ..store import Store
from ..store.keys import (
    AGENCY_INDEX,
    KIND_INDEX,
    META_EVM_ANCHORS,
    PENDING,
    SUBJECT_INDEX,
)
from .admission import Admission, Admitted, EvidenceRejected, entry_for, stored_entries
from .items import BatchInfo, Submission
from .log import EvidenceLog, agency_key, kind_key
from .pending import DEFAULT_MAX_PENDING, PendingEvidence, ReservationsUndone
from .records import LeafRecord, decode_pending
from .workers import CheckWorkers

log = logging.getLogger("tiezheng.evidence")

MAX_QUERY_LIMIT: Final = 1_000
#: Records one query reads to check filters its index cannot (about 20 µs each): a page
#: of a rare combination may come back short, with where to go on from.
MAX_SCANNED_PER_QUERY: Final = 10_000
_TOPIC: Final = int.from_bytes(EVIDENCE_APPENDED_TOPIC, "big")


@dataclass(frozen=True)
class Accepted:
    """The outcome of a submission: each statement's leaf index, in submission order, and whether it is new."""

    indexes: list[int]
    new: list[bool]
    durable: Future[None]


@dataclass(frozen=True)
class EvidenceView:
    index: int
    evidence_id: str
    status: str  # "accepted" (reserved, waiting for a block) or "proven" (in a sealed block)
    statement: Statement
    record: LeafRecord | None  # None while pending
    block: SealedBlockHeader | None


def default_admission_workers() -> int:
    """One worker process to check large envelopes beside the main process, when there is a second core."""
    return 1 if (os.cpu_count() or 1) >= 2 else 0


class EvidenceService:
    def __init__(
        self,
        store: Store,
        genesis: Genesis,
        consensus: ConsensusStore,
        agency: Callable[[str], AgencyInfo | None],
        *,
        max_pending: int = DEFAULT_MAX_PENDING,
        admission_workers: int | None = None,
    ) -> None:
        self._store = store
        self._genesis = genesis
        self._consensus = consensus
        self.log = EvidenceLog(store)
        self.pending = PendingEvidence(
            store,
            self.log.size,
            max_pending=max_pending,
            logged=self.log.find_statements,
        )
        workers = default_admission_workers() if admission_workers is None else admission_workers
        self._workers = CheckWorkers(workers) if workers else None
        self.admission = Admission(
            agency,
            self._locate,
            workers=self._workers,
            undone=lambda: self.pending.undone,
            chain_code=genesis.chain_code,
            next_index=lambda: self.pending.next_index,
        )
        try:
            if self._workers is not None:
                self._workers.start()
            self._restore_pending()
        except BaseException:
            self.close()  # its threads and processes must not outlive a service that never started
            raise

    def _restore_pending(self) -> None:
        with self._store.scan(PENDING) as rows:
            records = list(rows)
        for key, value in records:
            self.pending.restore(self._pending_submission(int.from_bytes(key[1:], "big"), value))
        if records:
            log.info("restored %d pending submissions (%d records)", len(records), self.pending.pending_leaves)

    def _pending_submission(self, first_index: int, value: bytes) -> Submission:
        """A pending submission read back at start-up (its checks passed when it was accepted)."""
        kind, payload, members, accepted_ms = decode_pending(value)
        if kind == "s":
            signed = SignedStatement.from_cbor(payload)
            entries = [entry_for(signed.statement, signed.statement.to_cbor(), signed.signatures, 0)]
            submission = Submission("s", payload, entries, None, accepted_ms)
        else:
            record = self.log.batch(first_index)
            if record is None:
                raise RuntimeError(f"pending batch {first_index} has no batch record: the store is damaged")
            statements = self.log.statements(first_index, record.size)
            everything = stored_entries(statements)
            entries = everything if members is None else [everything[p] for p in members]
            batch = BatchInfo(record.header, record.signatures, tuple(statements))
            submission = Submission("b", b"", entries, batch, accepted_ms, members=members)
        submission.first_index = first_index
        return submission

    def _locate(self, leaf_hash: bytes, statement: bytes, digest: bytes) -> int | None:
        pending = self.pending.find(leaf_hash)
        return pending if pending is not None else self.log.find_statement(leaf_hash, statement, digest)

    def close(self) -> None:
        self.pending.close()
        self.log.close()
        self.admission.close()
        if self._workers is not None:
            self._workers.close()

    # Submitting

    def accept(
        self, admitted: Admitted, *, extra_writes: dict[bytes, bytes | None] | None = None, bounded: bool = True
    ) -> Accepted:
        """Reserve the new statements' leaves; every statement's index (old or new) in submission order.

        A hold the admission took (a process step's on its matter) ends if the
        submission is refused or never becomes durable.
        """
        submission = admitted.submission
        if submission is None:  # all logged or pending already; a pending one is only as durable as its write
            found = [i for i in admitted.existing if i is not None]
            if max(found) >= self.log.size or admitted.since != self.pending.undone:
                durable = self.pending.barrier(since=admitted.since)
            else:
                durable = _done()
            return Accepted(found, [False] * len(found), durable)
        try:
            future, raced = self.pending.reserve(submission, extra_writes=extra_writes, bounded=bounded)
        except BaseException:
            _release_all([admitted])
            raise
        indexes, new = _indexes(admitted, raced)
        return Accepted(indexes, new, _releasing_on_failure(future, [admitted]))

    def accept_many(self, admitted: list[Admitted]) -> Accepted:
        """Accept several admitted submissions as one request: all reserved and written in one synced write,
        or none (the pool being full, or the write failing)."""
        reserving = [a for a in admitted if a.submission is not None]
        submissions = [a.submission for a in reserving if a.submission is not None]  # (typed: none is None)
        # The oldest count any lookup was made at: a write failing since then fails the whole request.
        since = min((a.since for a in admitted if a.since is not None), default=None)
        try:
            with self.pending.room_for(sum(s.count for s in submissions)):
                if submissions:
                    future, raced_each = self.pending.reserve_all(submissions, bounded=False, since=since)
                else:  # all logged or pending already: as durable as the writes before
                    future, raced_each = self.pending.barrier(since=since), []
        except BaseException:
            _release_all(admitted)
            raise
        if reserving and any(i is not None and i >= self.log.size for a in admitted if a.submission is None
                             for i in a.existing):  # fmt: skip
            # Statements another request reserved are durable only with its write: wait for that
            # too (a write queued after ours resolves after both, and fails if either does).
            future = self.pending.barrier(since=since)
        raced_of = {id(a): raced for a, raced in zip(reserving, raced_each, strict=True)}
        indexes: list[int] = []
        new: list[bool] = []
        for one in admitted:
            if one.submission is None:
                found = [i for i in one.existing if i is not None]
                indexes += found
                new += [False] * len(found)
            else:
                these, fresh = _indexes(one, raced_of[id(one)])
                indexes += these
                new += fresh
        return Accepted(indexes, new, _releasing_on_failure(future, admitted))

    def queue_contract_anchored(self, block: BlockAPI, receipts: tuple[ReceiptAPI, ...]) -> Future[None]:
        """Queue the statements a block's transactions anchored through EvidenceRegistry.

        The evidence-append precompile checked them inside the EVM; they enter the
        pending queue like any submission (and so the log at the next block). They
        are written in one synced write with the mark of how far this has gone, so
        that after a crash the blocks whose anchors are not all durable are processed
        again (dedup makes that safe), and no block's anchors are ever marked done
        while some of them are not written.
        """
        payloads = [
            entry.data
            for receipt in receipts
            for entry in receipt.logs
            if entry.address == EVIDENCE_APPEND_PRECOMPILE and entry.topics and entry.topics[0] == _TOPIC
        ]
        submissions = []
        since = self.pending.undone
        for payload in payloads:
            try:
                admitted = self.admission.from_chain(payload)
            except EvidenceRejected:
                log.warning("block %d logged an evidence statement that does not decode; skipped", block.number)
                continue
            if admitted.submission is not None:
                submissions.append(admitted.submission)
        marker = {META_EVM_ANCHORS: block.number.to_bytes(8, "big")}
        try:
            # An anchor found pending whose reservation a failed write undid would never be logged:
            # then none is marked done, and the block's anchors are queued again after the next block.
            return self.pending.reserve_all(submissions, extra_writes=marker, bounded=False, since=since)[0]
        except ReservationsUndone as exc:
            failed: Future[None] = Future()
            failed.set_exception(exc)
            return failed

    def contract_anchors_through(self) -> int:
        raw = self._store.get(META_EVM_ANCHORS)
        return int.from_bytes(raw, "big") if raw else 0

    # Reading

    def evidence_id(self, index: int) -> str:
        return format_evidence_id(self._genesis.chain_code, index)

    def evidence_ids(self, indexes: Iterable[int]) -> list[str]:
        return format_evidence_ids(self._genesis.chain_code, indexes)

    def view(self, index: int) -> EvidenceView | None:
        """The record at leaf ``index``, logged or pending, or None if there is none."""
        view = self._view(index)
        if view is None and index < self.pending.next_index:
            # Its block may have logged it between the two reads (the log moves on before the
            # pool lets go of it): the log has it now.
            view = self._view(index)
        return view

    def _view(self, index: int) -> EvidenceView | None:
        if index < self.log.size:
            record = self.log.leaf(index)
            if record is None:
                return None
            return EvidenceView(
                index,
                self.evidence_id(index),
                "proven",
                Statement.from_cbor(record.statement),
                record,
                self.block_of(index),
            )
        pending = self.pending.get(index)
        if pending is None:
            return None
        submission, offset = pending
        statement = Statement.from_cbor(submission.entries[offset].statement)
        return EvidenceView(index, self.evidence_id(index), "accepted", statement, None, None)

    def block_of(self, index: int) -> SealedBlockHeader | None:
        """The sealed block whose batch appended leaf ``index`` (binary search on the log size per block)."""
        head = self._consensus.head_height() or 0
        low, high = 1, head
        while low < high:
            middle = (low + high) // 2
            sealed = self._consensus.get(middle)
            if sealed is not None and sealed.header.log_size > index:
                high = middle
            else:
                low = middle + 1
        found = self._consensus.get(low) if head else None
        return found if found is not None and found.header.log_size > index else None

    def receipt(self, index: int) -> Receipt | None:
        """The receipt of a proven record, against the block that included it (so it is the same every time)."""
        record = self.log.leaf(index)
        block = self.block_of(index) if record is not None else None
        if record is None or block is None:
            return None
        return Receipt(
            chain=ChainRef(self._genesis.chain_id, self._genesis.chain_code, self._genesis.hash),
            evidence_id=self.evidence_id(index),
            statement=record.statement,
            signatures=record.signatures,
            batch=self.log.batch_proof(record),
            leaf_index=index,
            inclusion=tuple(self.log.inclusion_proof(index, block.header.log_size)),
            header=block.header_bytes,
            seals=block.seals,
            transitions=(),
            # The receipt's version is its header's: a chain begun by an earlier build (v1 headers) goes on issuing
            # v1 receipts, which every verifier already deployed reads, and a record's receipt never changes.
            version=block.header.version,
        )

    def query(
        self,
        *,
        digest: bytes | None = None,
        agency: str | None = None,
        subject: bytes | None = None,
        kind: str | None = None,
        start: int = 0,
        stop: int | None = None,
        descending: bool = False,
        limit: int = 50,
        scan_limit: int = MAX_SCANNED_PER_QUERY,
    ) -> QueryResult:
        """Up to ``limit`` proven leaf indexes in [start, stop) matching every filter, in log order (or reversed).

        The most selective index drives the scan (digest, subject, agency, kind);
        the other filters are checked on the records it yields, at most
        ``scan_limit`` of them: an agency's records of one rare kind must not cost a
        read of all its records in one request. The result says where to go on from
        (the last record examined) when there may be more.
        """
        stop = self.log.size if stop is None else min(stop, self.log.size)
        if digest is not None:
            matches = [i for i in self.log.with_digest(digest) if start <= i < stop]
            candidates = iter(reversed(matches) if descending else matches)
        elif subject is not None:
            candidates = self.log.indexed(SUBJECT_INDEX + subject, start, stop, reverse=descending)
        elif agency is not None:
            candidates = self.log.indexed(AGENCY_INDEX + agency_key(agency), start, stop, reverse=descending)
        elif kind is not None:
            candidates = self.log.indexed(KIND_INDEX + kind_key(kind), start, stop, reverse=descending)
        else:
            candidates = iter(range(stop - 1, start - 1, -1) if descending else range(start, stop))
        filters = (digest is not None) + (subject is not None) + (agency is not None) + (kind is not None)
        read_records = filters > 1 or agency is not None or kind is not None
        found: list[int] = []
        examined, last = 0, None
        for index in candidates:
            if examined == scan_limit:
                return QueryResult(found, resume_after=last)
            examined += 1
            last = index
            if read_records:
                record = self.log.leaf(index)
                if record is None:
                    continue
                statement = Statement.from_cbor(record.statement)
                if (
                    (digest is not None and statement.digest != digest)
                    or (subject is not None and statement.subject != subject)
                    or (agency is not None and statement.agency != agency)
                    or (kind is not None and statement.kind != kind)
                ):
                    continue
            if len(found) == limit:  # one more exists: the page is full, and not the last
                return QueryResult(found, resume_after=found[-1])
            found.append(index)
        return QueryResult(found, resume_after=None)


@dataclass(frozen=True)
class QueryResult:
    """A page of matching leaf indexes, and the index to go on from, if the query may match more."""

    indexes: list[int]
    resume_after: int | None


def _releasing_on_failure(durable: Future[None], admitted: list[Admitted]) -> Future[None]:
    """``durable``, but failing only after the holds the admissions took have ended: whoever learns
    of the failure may retry at once."""
    if all(a.release is None for a in admitted):
        return durable
    settled: Future[None] = Future()

    def settle(done: Future[None]) -> None:
        error = done.exception()
        if error is None:
            settled.set_result(None)
        else:
            _release_all(admitted)
            settled.set_exception(error)

    durable.add_done_callback(settle)
    return settled


def _release_all(admitted: list[Admitted]) -> None:
    for one in admitted:
        if one.release is not None:
            one.release()


def _indexes(admitted: Admitted, raced: dict[bytes, int]) -> tuple[list[int], list[bool]]:
    """Each statement's leaf index, in submission order, and whether this submission added it."""
    submission = admitted.submission
    assert submission is not None
    indexes: list[int | None] = list(admitted.existing)
    new = [i is None for i in indexes]
    if not raced and len(submission.entries) == len(indexes):  # all new: the run reserved, in order
        first = submission.first_index
        return list(range(first, first + len(indexes))), new
    reserved = {e.leaf_hash: submission.first_index + offset for offset, e in enumerate(submission.entries)}
    for position, leaf_hash in enumerate(admitted.leaf_hashes):
        if indexes[position] is None:
            if leaf_hash in raced:
                indexes[position] = raced[leaf_hash]
                new[position] = False
            else:
                indexes[position] = reserved[leaf_hash]
    return [i for i in indexes if i is not None], new


def _done() -> Future[None]:
    done: Future[None] = Future()
    done.set_result(None)
    return done
