"""The SM3 evidence log as the node stores it: leaves, batches, indexes and Merkle nodes in LevelDB.

Each block appends a prefix of the pending submissions: ``stage`` computes the
new size, root and every write (leaf records, batch records, indexes, Merkle
nodes, and the deletion of the pending records), the node commits them in the
block's write batch, and ``advance`` moves the in-memory frontier. Reads work
from the stored records alone, for any past size.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from tiezheng.batch import BatchProof
from tiezheng.gm import sm3
from tiezheng.merkle import MemoryNodeStore, MerkleLog, StagedAppend
from tiezheng.merkle.rfc9162 import LEAF_PREFIX

from ..store import Store
from ..store.keys import (
    AGENCY_INDEX,
    BATCH,
    DIGEST_INDEX,
    KIND_INDEX,
    LEAF,
    META_LOG_SIZE,
    PENDING,
    SUBJECT_INDEX,
    index_key,
    log_node_key,
)
from .items import Submission
from .log_store import LevelDBNodeStore
from .records import BatchRecord, BatchRef, LeafRecord

MAX_QUERY_SCAN: Final = 100_000


def agency_key(code: str) -> bytes:
    return sm3(code.encode("utf-8"))[:8]


def kind_key(kind: str) -> bytes:
    return sm3(kind.encode("utf-8"))[:4]


@dataclass(frozen=True)
class StagedEvidence:
    submissions: tuple[Submission, ...]
    merkle: StagedAppend
    writes: dict[bytes, bytes | None]

    @property
    def size(self) -> int:
        return self.merkle.new_size

    @property
    def root(self) -> bytes:
        return self.merkle.root


class EvidenceLog:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._nodes = LevelDBNodeStore(store, self.leaf_hash)
        self._merkle = MerkleLog(self._nodes)

    @property
    def size(self) -> int:
        return self._merkle.size

    def root(self, size: int | None = None) -> bytes:
        return self._merkle.root(size)

    # Appending

    def stage(self, submissions: Sequence[Submission]) -> StagedEvidence:
        """Everything the next block writes for these submissions (which must follow the log in order)."""
        writes: dict[bytes, bytes | None] = {}
        leaf_hashes: list[bytes] = []
        expected = self.size
        for submission in submissions:
            if submission.first_index != expected:
                raise ValueError(f"submission reserved leaf {submission.first_index}, the log is at {expected}")
            expected += submission.count
            batch_id = submission.first_index
            if submission.batch is not None:
                batch = submission.batch
                contiguous = submission.members is None
                writes[index_key(BATCH, batch_id)] = BatchRecord(
                    batch.header,
                    batch.signatures,
                    batch.size,
                    submission.first_index if contiguous else None,
                    None if contiguous else batch.leaf_hashes,
                ).encode()
            for offset, entry in enumerate(submission.entries):
                index = submission.first_index + offset
                record = LeafRecord(
                    entry.statement,
                    entry.signatures,
                    BatchRef(batch_id, entry.position) if submission.batch is not None else None,
                )
                writes[index_key(LEAF, index)] = record.encode()
                suffix = index.to_bytes(8, "big")
                writes[DIGEST_INDEX + entry.digest + suffix] = b""
                writes[AGENCY_INDEX + agency_key(entry.agency) + suffix] = b""
                writes[KIND_INDEX + kind_key(entry.kind) + suffix] = b""
                if entry.subject is not None:
                    writes[SUBJECT_INDEX + entry.subject + suffix] = b""
                leaf_hashes.append(entry.leaf_hash)
            writes[index_key(PENDING, submission.first_index)] = None
        staged = self._merkle.stage(leaf_hashes)
        for level, index, value in staged.nodes:
            if level > 0:
                writes[log_node_key(level, index)] = value
        writes[META_LOG_SIZE] = staged.new_size.to_bytes(8, "big")
        return StagedEvidence(tuple(submissions), staged, writes)

    def advance(self, staged: StagedEvidence) -> None:
        """Adopt a staged append once its writes are committed."""
        self._merkle.advance(staged.merkle)

    # Reading

    def leaf(self, index: int) -> LeafRecord | None:
        if not 0 <= index < self.size:
            return None
        raw = self._store.get(index_key(LEAF, index))
        return LeafRecord.decode(raw) if raw is not None else None

    def leaf_hash(self, index: int) -> bytes:
        raw = self._store.get(index_key(LEAF, index))
        if raw is None:
            raise KeyError((0, index))
        return sm3(LEAF_PREFIX + LeafRecord.decode(raw).statement)

    def batch(self, batch_id: int) -> BatchRecord | None:
        raw = self._store.get(index_key(BATCH, batch_id))
        return BatchRecord.decode(raw) if raw is not None else None

    def batch_proof(self, record: LeafRecord) -> BatchProof | None:
        """The leaf's audit path to its signed batch root, rebuilt from the stored leaves."""
        if record.batch is None:
            return None
        batch = self.batch(record.batch.batch_id)
        if batch is None:
            return None
        if batch.leaf_hashes is not None:
            hashes = list(batch.leaf_hashes)
        else:
            assert batch.first_leaf is not None
            hashes = [self.leaf_hash(batch.first_leaf + i) for i in range(batch.size)]
        tree = MerkleLog(MemoryNodeStore())
        tree.append_leaf_hashes(hashes)
        path = tuple(tree.inclusion_proof(record.batch.position))
        return BatchProof(batch.header, batch.signatures, record.batch.position, path)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return self._merkle.inclusion_proof(index, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return self._merkle.consistency_proof(old_size, new_size)

    def find_statement(self, statement: bytes, digest: bytes) -> int | None:
        """The leaf index of an already logged statement (found through its digest), or None."""
        for index in self.indexed(DIGEST_INDEX + digest, 0, self.size):
            record = self.leaf(index)
            if record is not None and record.statement == statement:
                return index
        return None

    def indexed(self, prefix: bytes, start: int, stop: int, *, reverse: bool = False) -> Iterator[int]:
        """Leaf indexes in [start, stop) under an index prefix, in log order (or reversed)."""
        stop = min(stop, self.size)
        if start >= stop:
            return
        with self._store.scan_range(
            prefix + start.to_bytes(8, "big"), prefix + stop.to_bytes(8, "big"), reverse=reverse
        ) as rows:
            for key, _ in rows:
                yield int.from_bytes(key[-8:], "big")
