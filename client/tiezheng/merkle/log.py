"""An append-only Merkle log (RFC 9162 §2.1) over a store of perfect-subtree hashes.

The store keeps the hash of every *perfect* subtree, addressed as (level, index):
level 0 holds leaf hashes, and node (l, i) covers leaves [i·2^l, (i+1)·2^l). A
node is written once, when its last leaf arrives, and never changes, so the
store alone answers for every past size: the root at size n is the fold of the
perfect subtrees that n's binary digits name, and proofs need O(log n) reads and
no leaf data.

Appends use only the *frontier* (the perfect subtrees covering [0, size), biggest
first), kept in memory: an append hashes the leaf, merges equal-level subtrees
(amortised one merge per leaf), and hands the new nodes to the store in one call.
``stage`` computes an append without changing anything, so a caller can commit
the new nodes together with other data (a block) and then ``advance``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Protocol

from ..gm import get_backend
from .rfc9162 import LEAF_PREFIX, NODE_PREFIX, HashFunction, split_point

Node = tuple[int, int, bytes]
"""(level, index, hash) of a perfect subtree."""


class NodeStore(Protocol):
    """Where a log keeps its perfect-subtree hashes."""

    def size(self) -> int:
        """The number of leaves whose nodes are stored."""
        ...

    def get_node(self, level: int, index: int) -> bytes:
        """The hash of a stored perfect subtree; KeyError when absent."""
        ...

    def put_nodes(self, nodes: Sequence[Node], new_size: int) -> None:
        """Store new nodes and the new size together (atomically, where the store can)."""
        ...


class MemoryNodeStore:
    """Perfect-subtree hashes in lists, one per level."""

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = []
        self._size = 0

    def size(self) -> int:
        return self._size

    def get_node(self, level: int, index: int) -> bytes:
        if index < 0 or level >= len(self._levels):
            raise KeyError((level, index))
        return self._levels[level][index]

    def put_nodes(self, nodes: Sequence[Node], new_size: int) -> None:
        levels = self._levels
        for level, index, value in nodes:
            while level >= len(levels):
                levels.append([])
            if index != len(levels[level]):
                raise ValueError(f"node ({level}, {index}) written out of order")
            levels[level].append(value)
        self._size = new_size


@dataclass(frozen=True, slots=True)
class StagedAppend:
    """An append computed but not yet applied: the new nodes, size, frontier and root."""

    first_index: int
    new_size: int
    nodes: tuple[Node, ...]
    frontier: tuple[tuple[int, bytes], ...]
    root: bytes


class LogError(ValueError):
    """A request outside the log: an index or size it does not have."""


class MerkleLog:
    def __init__(self, store: NodeStore, hash: HashFunction | None = None) -> None:
        self._store = store
        self._hash = hash or get_backend().sm3
        self._size = store.size()
        self._frontier = self._frontier_from_store(self._size)

    @property
    def size(self) -> int:
        return self._size

    @property
    def store(self) -> NodeStore:
        return self._store

    def leaf_hash(self, data: bytes) -> bytes:
        return self._hash(LEAF_PREFIX + data)

    # Appending

    def append(self, data: bytes) -> int:
        """Append one leaf's data; its index."""
        return self.append_leaf_hashes([self.leaf_hash(data)])

    def append_many(self, leaves: Iterable[bytes]) -> int:
        """Append leaf data in order; the index of the first."""
        return self.append_leaf_hashes([self.leaf_hash(leaf) for leaf in leaves])

    def append_leaf_hashes(self, leaf_hashes: Sequence[bytes]) -> int:
        staged = self.stage(leaf_hashes)
        self._store.put_nodes(staged.nodes, staged.new_size)
        self.advance(staged)
        return staged.first_index

    def stage(self, leaf_hashes: Sequence[bytes], *, nodes_from_level: int = 0) -> StagedAppend:
        """The effect of appending these leaf hashes, computed without changing the log.

        The staged nodes are those of ``nodes_from_level`` and up, for a store that
        recomputes the lower ones from the leaves (the frontier and root use all).

        Level by level: the new nodes of a level are paired into the next one in
        a single comprehension. A run of new nodes that starts on a right child
        (an odd index) takes its left sibling from the frontier; a run of odd
        length leaves its last node unpaired, a frontier subtree of the new size.
        """
        hash = self._hash
        old = dict(self._frontier)  # level → hash; the frontier has one subtree per 1-bit of the size
        nodes: list[Node] = []
        unpaired: list[tuple[int, bytes]] = []
        run = list(leaf_hashes)
        start, level = self._size, 0
        while run:
            if level >= nodes_from_level:
                nodes.extend(zip(repeat(level), range(start, start + len(run)), run))
            if start & 1:  # bit `level` of the old size: the frontier holds this run's left sibling
                run = [old.pop(level), *run]
                start -= 1
            if len(run) & 1:
                unpaired.append((level, run[-1]))
            run = [hash(NODE_PREFIX + run[i] + run[i + 1]) for i in range(0, len(run) - 1, 2)]
            start >>= 1
            level += 1
        # What is left of the old frontier lies above every level the new leaves reached.
        frontier = (*old.items(), *reversed(unpaired))
        return StagedAppend(
            self._size, self._size + len(leaf_hashes), tuple(nodes), frontier, self._fold([h for _, h in frontier])
        )

    def advance(self, staged: StagedAppend) -> None:
        """Adopt a staged append whose nodes the caller has stored."""
        if staged.first_index != self._size:
            raise LogError(f"staged append starts at {staged.first_index}, log size is {self._size}")
        self._size = staged.new_size
        self._frontier = list(staged.frontier)

    # Reading

    def root(self, size: int | None = None) -> bytes:
        """The tree head hash at ``size`` (default: now); any past size works."""
        size = self._check_size(size)
        if size == self._size:
            return self._fold([value for _, value in self._frontier])
        return self._range_hash(0, size)

    def get_leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self._size:
            raise LogError(f"leaf index {index} is outside a log of {self._size} leaves")
        return self._store.get_node(0, index)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path for leaf ``index`` in the tree of ``size`` leaves (RFC 9162 §2.1.3.1)."""
        size = self._check_size(size)
        if not 0 <= index < size:
            raise LogError(f"leaf index {index} is outside a tree of {size} leaves")
        proof: list[bytes] = []
        append, range_hash = proof.append, self._range_hash
        low, high = 0, size
        while high - low > 1:
            k = 1 << ((high - low - 1).bit_length() - 1)
            if index < low + k:
                append(range_hash(low + k, high))
                high = low + k
            else:
                append(range_hash(low, low + k))
                low += k
        proof.reverse()
        return proof

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Proof that the tree of ``old_size`` is a prefix of the tree of ``new_size`` (RFC 9162 §2.1.4.1)."""
        new_size = self._check_size(new_size)
        if not 0 < old_size <= new_size:
            raise LogError(f"old size {old_size} must lie in [1, {new_size}]")
        proof: list[bytes] = []
        low, high, m, complete = 0, new_size, old_size, True
        while m != high - low:
            k = split_point(high - low)
            if m <= k:
                proof.append(self._range_hash(low + k, high))
                high = low + k
            else:
                proof.append(self._range_hash(low, low + k))
                low += k
                m -= k
                complete = False
        if not complete:
            proof.append(self._range_hash(low, high))
        proof.reverse()
        return proof

    # Internals

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise LogError(f"tree size {size} is outside [0, {self._size}]")
        return size

    def _fold(self, hashes: Sequence[bytes]) -> bytes:
        """Combine subtree hashes listed left to right, biggest first, into their root."""
        if not hashes:
            return self._hash(b"")
        value = hashes[-1]
        for left in reversed(hashes[:-1]):
            value = self._hash(NODE_PREFIX + left + value)
        return value

    def _range_hash(self, low: int, high: int) -> bytes:
        """MTH(D[low:high]) for a range the RFC's recursion produces (``low`` aligned to its size)."""
        width = high - low
        if width & (width - 1) == 0:
            level = width.bit_length() - 1
            return self._store.get_node(level, low >> level)
        return self._fold(self._perfect_subtrees(low, high))

    def _perfect_subtrees(self, low: int, high: int) -> list[bytes]:
        hashes = []
        width = high - low
        for level in range(width.bit_length() - 1, -1, -1):
            if width >> level & 1:
                hashes.append(self._store.get_node(level, low >> level))
                low += 1 << level
        return hashes

    def _frontier_from_store(self, size: int) -> list[tuple[int, bytes]]:
        frontier = []
        low = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                frontier.append((level, self._store.get_node(level, low >> level)))
                low += 1 << level
        return frontier
