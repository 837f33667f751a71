"""The SM3 evidence log as the node stores it: leaf packs, batches, indexes and Merkle nodes in LevelDB.

Each block appends a prefix of the pending submissions: ``stage`` computes the
new size, root and every write, the node commits them in the block's write
batch, and ``advance`` moves the in-memory state. Reads work from the stored
records alone, for any past size.

Storage is laid out for writing many records per block with few LevelDB keys:

* leaves are kept in *packs* of 256 consecutive leaves (one value, a CBOR array
  of leaf records); a block that ends inside a pack rewrites that pack next time;
* the agency, kind and subject indexes are *posting lists*: one key per block and
  indexed value, holding the leaf indexes of that block's matching records;
* the digest index has one key per record, because admission looks statements
  up by it (digest ‖ first 8 bytes of the leaf hash → leaf index); its keys are
  also held in an in-memory Bloom filter (``LoggedFilter``), so that the
  question is put to LevelDB only for statements that may have been logged;
* Merkle nodes above the leaves, one per record on average.
"""

from __future__ import annotations

import struct
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any, Final

from tiezheng import cbor
from tiezheng.batch import BatchProof
from tiezheng.gm import get_backend, sm3
from tiezheng.merkle import MemoryNodeStore, MerkleLog, StagedAppend
from tiezheng.merkle.rfc9162 import LEAF_PREFIX

from ..store import Store
from ..store.keys import (
    AGENCY_INDEX,
    BATCH,
    BATCH_STATEMENTS,
    DAILY_COUNT,
    DIGEST_INDEX,
    KIND_INDEX,
    LEAF,
    META_LOG_SIZE,
    PENDING,
    SUBJECT_INDEX,
    index_key,
    log_node_key,
)
from .items import Entry, Submission
from .log_store import STORED_FROM_LEVEL, LevelDBNodeStore
from .logged_filter import DEFAULT_CAPACITY, LoggedFilter, start_filling
from .records import STATEMENTS_PER_CHUNK, BatchRecord, LeafRecord, encode_batch_members, encode_head

PACK_SIZE: Final = 256
#: Leaves of the batch trees kept built (about 280 bytes each), so that a batch's receipts, asked for one
#: after another as a client writes them, cost a proof each instead of rebuilding the tree each.
BATCH_LEAVES_CACHED: Final = 65_536
SMALLEST_BATCH_CACHED: Final = 256
FULL_PACKS_CACHED: Final = 64


@lru_cache(maxsize=4096)
def agency_key(code: str) -> bytes:
    return sm3(code.encode("utf-8"))[:8]


@lru_cache(maxsize=256)
def kind_key(kind: str) -> bytes:
    return sm3(kind.encode("utf-8"))[:4]


# Days are counted in China Standard Time (UTC+08:00, no daylight saving), the agencies' calendar.
DAY_OFFSET_MS: Final = 8 * 3600 * 1000
ALL_AGENCIES: Final = b"\x00" * 8


def day_of(time_ms: int) -> int:
    """Days since 1970-01-01 in UTC+08:00."""
    return (time_ms + DAY_OFFSET_MS) // 86_400_000


def daily_key(agency: bytes, day: int) -> bytes:
    return DAILY_COUNT + agency + day.to_bytes(4, "big")


def pack_key(pack: int) -> bytes:
    return index_key(LEAF, pack)


def encode_pack(records: Sequence[bytes]) -> bytes:
    return encode_head(4, len(records)) + b"".join(records)


def encode_postings(indexes: Sequence[int]) -> bytes:
    return struct.pack(f">{len(indexes)}Q", *indexes)


def decode_postings(value: bytes) -> tuple[int, ...]:
    return struct.unpack(f">{len(value) // 8}Q", value)


_INDEX_VALUE: Final = struct.Struct(">Q")


def digest_index_keys(entries: Sequence[Entry]) -> list[bytes]:
    """Each entry's key in the digest index (without its prefix): digest ‖ first 8 bytes of the leaf hash."""
    return list(map(bytes.__add__, [e.digest for e in entries], [e.leaf_hash[:8] for e in entries]))


def _post(
    postings: defaultdict[bytes, list[int]],
    lists: dict[str, list[int]],
    prefix: bytes,
    key_of: Callable[[str], bytes],
    block: bytes,
    values: list[str],
    indexes: range,
) -> None:
    """Add each leaf index to this block's posting list of its value (its agency, or its kind).

    ``lists`` holds the block's lists by value, saving a key and a hash per record;
    an envelope names one agency and mostly one kind, which is one extend.
    """
    if not values:
        return
    if values.count(values[0]) == len(values):
        groups: Iterable[tuple[str, Sequence[int]]] = ((values[0], indexes),)
    else:
        groups = ((value, [index]) for value, index in zip(values, indexes, strict=True))
    for value, members in groups:
        posting = lists.get(value)
        if posting is None:
            posting = lists[value] = postings[prefix + key_of(value) + block]
        posting.extend(members)


@dataclass(frozen=True)
class StagedEvidence:
    submissions: tuple[Submission, ...]
    merkle: StagedAppend
    writes: dict[bytes, bytes | None]
    tail: list[bytes]  # the records of the last, incomplete pack after this block
    logged_keys: list[bytes]  # the digest index keys this block adds, without their prefix

    @property
    def size(self) -> int:
        return self.merkle.new_size

    @property
    def root(self) -> bytes:
        return self.merkle.root


class EvidenceLog:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._sm3 = get_backend().sm3
        self._chunk = lru_cache(maxsize=128)(self._read_chunk)
        self._full_packs: OrderedDict[int, list[Any]] = OrderedDict()
        self._packs_lock = threading.Lock()
        self._batch_trees: OrderedDict[int, MerkleLog] = OrderedDict()
        self._batch_tree_leaves = 0
        self._batch_trees_lock = threading.Lock()
        self._nodes = LevelDBNodeStore(store, self._stored_leaf_hashes)
        self._merkle = MerkleLog(self._nodes)
        self._tail = self._load_tail()
        self._logged = LoggedFilter(capacity=max(DEFAULT_CAPACITY, 2 * self.size))
        self._closing = threading.Event()
        self._filling = start_filling(self._logged, self._logged_keys, stop=self._closing)

    def _logged_keys(self) -> Iterator[bytes]:
        skip = len(DIGEST_INDEX)
        return (key[skip:] for key in self._store.keys(DIGEST_INDEX))

    @property
    def logged_filter(self) -> LoggedFilter:
        return self._logged

    def close(self) -> None:
        """Stop reading the digest index into memory. Before the store closes, always: the
        reading thread is inside a LevelDB iterator, which closing the store frees."""
        self._closing.set()
        self._filling.join()

    def _load_tail(self) -> list[bytes]:
        size = self._merkle.size
        if size % PACK_SIZE == 0:
            return []
        raw = self._store.get(pack_key(size // PACK_SIZE))
        values = cbor.decode(raw, max_size=1 << 26, what="leaf pack") if raw is not None else []
        return [cbor.encode(value) for value in values]

    @property
    def size(self) -> int:
        return self._merkle.size

    def root(self, size: int | None = None) -> bytes:
        return self._merkle.root(size)

    # Appending

    def stage(self, submissions: Sequence[Submission], block_time_ms: int = 0) -> StagedEvidence:
        """Everything the next block writes for these submissions (which must follow the log in order)."""
        writes: dict[bytes, bytes | None] = {}
        day = day_of(block_time_ms)
        leaf_hashes: list[bytes] = []
        logged_keys: list[bytes] = []
        first = self.size
        records = list(self._tail)
        postings: defaultdict[bytes, list[int]] = defaultdict(list)
        agency_lists: dict[str, list[int]] = {}  # the posting lists by name, saving a key and a hash per record
        kind_lists: dict[str, list[int]] = {}
        block = first.to_bytes(8, "big")
        index = first
        for submission in submissions:
            if submission.first_index != index:
                raise ValueError(f"submission reserved leaf {submission.first_index}, the log is at {index}")
            entries = submission.entries
            if submission.batch is not None:
                records.extend(encode_batch_members(submission.first_index, [e.position for e in entries]))
            else:
                records.extend(LeafRecord(e.statement, e.signatures, None).encode() for e in entries)
            # Column by column rather than entry by entry: a block indexes up to a
            # hundred thousand records, and each column is one pass in C.
            indexes = range(index, index + len(entries))
            logged = digest_index_keys(entries)
            logged_keys.extend(logged)
            writes.update(zip(map(DIGEST_INDEX.__add__, logged), map(_INDEX_VALUE.pack, indexes), strict=True))
            _post(postings, agency_lists, AGENCY_INDEX, agency_key, block, [e.agency for e in entries], indexes)
            _post(postings, kind_lists, KIND_INDEX, kind_key, block, [e.kind for e in entries], indexes)
            for entry, entry_index in zip(entries, indexes, strict=True):
                if entry.subject is not None:
                    postings[SUBJECT_INDEX + entry.subject + block].append(entry_index)
            leaf_hashes.extend(e.leaf_hash for e in entries)
            index += len(entries)
            writes[index_key(PENDING, submission.first_index)] = None
        pack = first // PACK_SIZE
        for start in range(0, len(records), PACK_SIZE):
            writes[pack_key(pack)] = encode_pack(records[start : start + PACK_SIZE])
            pack += 1
        for key, posting in postings.items():
            writes[key] = encode_postings(posting)
        if leaf_hashes:
            self._count_day(writes, day, ALL_AGENCIES, len(leaf_hashes))
            for agency, indexes in agency_lists.items():
                self._count_day(writes, day, agency_key(agency), len(indexes))
        staged = self._merkle.stage(leaf_hashes, nodes_from_level=STORED_FROM_LEVEL)
        for level, node_index, value in staged.nodes:
            writes[log_node_key(level, node_index)] = value
        writes[META_LOG_SIZE] = staged.new_size.to_bytes(8, "big")
        tail = records[len(records) - len(records) % PACK_SIZE :]
        return StagedEvidence(tuple(submissions), staged, writes, tail, logged_keys)

    def _count_day(self, writes: dict[bytes, bytes | None], day: int, agency: bytes, records: int) -> None:
        key = daily_key(agency, day)
        stored = self._store.get(key)
        writes[key] = ((int.from_bytes(stored, "big") if stored else 0) + records).to_bytes(8, "big")

    def daily_counts(self, agency: str | None, first_day: int, last_day: int) -> dict[int, int]:
        """Records appended per day (UTC+08:00) in [first_day, last_day], by one agency or by all.

        Days without records are absent."""
        prefix = DAILY_COUNT + (agency_key(agency) if agency is not None else ALL_AGENCIES)
        counts = {}
        with self._store.scan_range(
            prefix + first_day.to_bytes(4, "big"), prefix + (last_day + 1).to_bytes(4, "big")
        ) as rows:
            for key, value in rows:
                counts[int.from_bytes(key[-4:], "big")] = int.from_bytes(value, "big")
        return counts

    def advance(self, staged: StagedEvidence) -> None:
        """Adopt a staged append once its writes are committed.

        The filter learns the new keys here, before the pending pool lets go of
        the statements: one of the two always knows a statement is taken."""
        self._merkle.advance(staged.merkle)
        self._tail = staged.tail
        self._logged.add(staged.logged_keys)  # last, though it never raises

    # Reading leaves

    def _pack(self, pack: int) -> list[Any]:
        """A pack's leaf values. A full pack never changes again, so the last few are kept decoded:
        a proof reads its pack several times, and pages read neighbours."""
        with self._packs_lock:
            cached = self._full_packs.get(pack)
            if cached is not None:
                self._full_packs.move_to_end(pack)
                return cached
        raw = self._store.get(pack_key(pack))
        if raw is None:
            return []
        values: list[Any] = cbor.decode(raw, max_size=1 << 26, what="leaf pack")
        if len(values) == PACK_SIZE:
            with self._packs_lock:
                self._full_packs[pack] = values
                if len(self._full_packs) > FULL_PACKS_CACHED:
                    self._full_packs.popitem(last=False)
        return values

    def _read_chunk(self, batch_id: int, chunk: int) -> list[bytes]:
        """One chunk of a batch's statements (cached per log: receipts and pages read neighbours together)."""
        raw = self._store.get(index_key(BATCH_STATEMENTS, batch_id) + chunk.to_bytes(4, "big"))
        if raw is None:
            raise KeyError((batch_id, chunk))
        return cbor.decode(raw, max_size=1 << 26, what="statement chunk")  # type: ignore[no-any-return]

    def statements(self, batch_id: int, size: int) -> list[bytes]:
        """Every statement of a stored batch, in batch order."""
        chunks = (size + STATEMENTS_PER_CHUNK - 1) // STATEMENTS_PER_CHUNK
        return [statement for chunk in range(chunks) for statement in self._chunk(batch_id, chunk)]

    def _resolve(self, value: Any) -> LeafRecord:
        record = LeafRecord.from_value(value)
        if record.statement is None and record.batch is not None:
            batch = record.batch
            statement = self._chunk(batch.batch_id, batch.position // STATEMENTS_PER_CHUNK)[
                batch.position % STATEMENTS_PER_CHUNK
            ]
            return LeafRecord(statement, (), batch)
        return record

    def leaf(self, index: int) -> LeafRecord | None:
        """The leaf record, its statement resolved from its batch when it is a batch member."""
        if not 0 <= index < self.size:
            return None
        values = self._pack(index // PACK_SIZE)
        offset = index % PACK_SIZE
        return self._resolve(values[offset]) if offset < len(values) else None

    def leaves(self, start: int, stop: int) -> Iterator[tuple[int, LeafRecord]]:
        """Leaves [start, stop) in order, reading each pack once."""
        stop = min(stop, self.size)
        index = start
        while index < stop:
            pack = index // PACK_SIZE
            values = self._pack(pack)
            for offset in range(index % PACK_SIZE, min(len(values), stop - pack * PACK_SIZE)):
                yield pack * PACK_SIZE + offset, self._resolve(values[offset])
            index = (pack + 1) * PACK_SIZE

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise KeyError((0, index))
        return self._stored_leaf_hash(index)

    def _stored_leaf_hash(self, index: int) -> bytes:
        """SM3(0x00 ‖ statement) of a stored leaf (the Merkle log's level 0, which is not stored itself)."""
        hashes = self._stored_leaf_hashes(index, index + 1)
        if not hashes:
            raise KeyError((0, index))
        return hashes[0]

    def _stored_leaf_hashes(self, start: int, stop: int) -> list[bytes]:
        """Leaf hashes of the stored leaves in [start, stop), which lie in one pack."""
        values = self._pack(start // PACK_SIZE)
        offset = start % PACK_SIZE
        hashes = []
        for value in values[offset : offset + stop - start]:
            statement = self._resolve(value).statement
            assert statement is not None
            hashes.append(self._sm3(LEAF_PREFIX + statement))
        return hashes

    def batch(self, batch_id: int) -> BatchRecord | None:
        raw = self._store.get(index_key(BATCH, batch_id))
        return BatchRecord.decode(raw) if raw is not None else None

    def batch_proof(self, record: LeafRecord) -> BatchProof | None:
        """The leaf's audit path to its signed batch root, rebuilt from the batch's stored statements."""
        if record.batch is None:
            return None
        batch = self.batch(record.batch.batch_id)
        if batch is None:
            return None
        tree = self._batch_tree(record.batch.batch_id, batch.size)
        path = tuple(tree.inclusion_proof(record.batch.position))
        return BatchProof(batch.header, batch.signatures, record.batch.position, path)

    def _batch_tree(self, batch_id: int, size: int) -> MerkleLog:
        """The Merkle tree of a committed batch's statements: built once, kept while recently used.

        Small batches are rebuilt each time (cheaply), so the cache holds a few large trees rather
        than many small ones, each with its own overhead."""
        with self._batch_trees_lock:
            tree = self._batch_trees.get(batch_id)
            if tree is not None:
                self._batch_trees.move_to_end(batch_id)
                return tree
        tree = MerkleLog(MemoryNodeStore())
        tree.append_leaf_hashes([self._sm3(LEAF_PREFIX + s) for s in self.statements(batch_id, size)])
        if size < SMALLEST_BATCH_CACHED:
            return tree
        with self._batch_trees_lock:
            if batch_id not in self._batch_trees:  # another reader may have built it meanwhile
                self._batch_trees[batch_id] = tree
                self._batch_tree_leaves += size
            while self._batch_tree_leaves > BATCH_LEAVES_CACHED and len(self._batch_trees) > 1:
                _, evicted = self._batch_trees.popitem(last=False)
                self._batch_tree_leaves -= evicted.size
        return tree

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return self._merkle.inclusion_proof(index, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return self._merkle.consistency_proof(old_size, new_size)

    # Indexes

    def find_statement(self, leaf_hash: bytes, statement: bytes, digest: bytes) -> int | None:
        """The leaf index of an already logged statement, or None: the in-memory filter, then one point lookup."""
        logged = digest + leaf_hash[:8]
        if not self._logged.may_contain(logged):
            return None
        return self._logged_index(logged, statement)

    def find_statements(self, entries: Sequence[Entry]) -> list[int | None]:
        """``find_statement`` for each entry: the filter asked about all of them at once."""
        keys = digest_index_keys(entries)
        maybe = self._logged.may_contain_many(keys)
        if not any(maybe):
            return [None] * len(entries)
        return [
            self._logged_index(key, entry.statement) if may else None
            for key, entry, may in zip(keys, entries, maybe, strict=True)
        ]

    def _logged_index(self, logged: bytes, statement: bytes) -> int | None:
        raw = self._store.get(DIGEST_INDEX + logged)
        if raw is None:
            return None
        index = int.from_bytes(raw, "big")
        record = self.leaf(index)
        return index if record is not None and record.statement == statement else None

    def with_digest(self, digest: bytes, *, limit: int | None = None) -> list[int]:
        """Leaf indexes of the logged statements about the record with this digest, in log order.

        All of them, or with ``limit`` at most that many, read in the index's own order (by
        leaf hash): a page that shows a few stays as fast when a million records share the
        digest, and which few it gets is arbitrary but the same each time.
        """
        with self._store.scan(DIGEST_INDEX + digest) as rows:
            return sorted(int.from_bytes(value, "big") for _, value in islice(rows, limit))

    def indexed(self, prefix: bytes, start: int, stop: int, *, reverse: bool = False) -> Iterator[int]:
        """Leaf indexes in [start, stop) in the posting lists under ``prefix``, in log order (or reversed).

        Each list's key ends with the first leaf index of its block, so the scan
        begins at the list that may hold ``start`` (or ``stop``) instead of at the beginning.
        """
        stop = min(stop, self.size)
        if start >= stop:
            return

        def key(index: int) -> bytes:
            return prefix + index.to_bytes(8, "big")

        if reverse:
            with self._store.scan_range(prefix, key(stop), reverse=True) as rows:
                for _, value in rows:
                    for index in reversed(decode_postings(value)):
                        if index < start:
                            return
                        if index < stop:
                            yield index
            return
        with self._store.scan_range(prefix, key(start + 1), reverse=True) as rows:
            holding_start = next(rows, None)
        if holding_start is not None:
            yield from (i for i in decode_postings(holding_start[1]) if start <= i < stop)
        with self._store.scan_range(key(start + 1), key(stop)) as rows:
            for _, value in rows:
                for index in decode_postings(value):
                    if index >= stop:
                        return
                    yield index
