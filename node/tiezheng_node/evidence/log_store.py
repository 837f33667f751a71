"""The evidence log's perfect-subtree hashes in LevelDB, written with each block's batch.

Leaf hashes (level 0) are not stored: they are SM3(0x00 ‖ statement) of the
leaf records, which are stored anyway, so a proof recomputes the one leaf hash
it needs. That saves 40-odd bytes a record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tiezheng.merkle import Node

from ..store import Store
from ..store.keys import META_LOG_SIZE, log_node_key


class LevelDBNodeStore:
    """A ``tiezheng.merkle.NodeStore`` over the store; ``put_nodes`` only stages writes for the block batch."""

    def __init__(self, store: Store, leaf_hash: Callable[[int], bytes]) -> None:
        self._store = store
        self._leaf_hash = leaf_hash
        raw = store.get(META_LOG_SIZE)
        self._size = int.from_bytes(raw, "big") if raw else 0
        self._staged: dict[bytes, bytes | None] = {}
        self._staged_leaves: dict[int, bytes] = {}

    def size(self) -> int:
        return self._size

    def get_node(self, level: int, index: int) -> bytes:
        if level == 0:
            staged = self._staged_leaves.get(index)
            return staged if staged is not None else self._leaf_hash(index)
        key = log_node_key(level, index)
        value = self._staged.get(key) or self._store.get(key)
        if value is None:
            raise KeyError((level, index))
        return value

    def put_nodes(self, nodes: Sequence[Node], new_size: int) -> None:
        for level, index, value in nodes:
            if level == 0:
                self._staged_leaves[index] = value
            else:
                self._staged[log_node_key(level, index)] = value
        self._staged[META_LOG_SIZE] = new_size.to_bytes(8, "big")
        self._size = new_size

    def take_writes(self) -> dict[bytes, bytes | None]:
        """The staged writes, handed to the block's batch and cleared here."""
        writes, self._staged, self._staged_leaves = self._staged, {}, {}
        return writes

    def discard(self, size: int) -> None:
        """Forget staged nodes (the block was not committed) and return to ``size``."""
        self._staged, self._staged_leaves = {}, {}
        self._size = size
