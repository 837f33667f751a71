"""The evidence log's perfect-subtree hashes as LevelDB holds them: a read-only ``NodeStore`` view.

Only subtrees of 2^``STORED_FROM_LEVEL`` leaves and up are stored. Smaller ones
are recomputed from the leaves under them (SM3 of each statement, which is
stored anyway, then at most 15 node hashes): a proof needs at most one such
group of 16 neighbouring leaves, all in one leaf pack, while storing them would
cost the block writer a LevelDB key for nearly every record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from tiezheng.gm import get_backend
from tiezheng.merkle import Node
from tiezheng.merkle.rfc9162 import NODE_PREFIX

from ..store import Store
from ..store.keys import META_LOG_SIZE, log_node_key

STORED_FROM_LEVEL: Final = 4


def subtree_hash(leaf_hashes: Sequence[bytes], hash: Callable[[bytes], bytes]) -> bytes:
    """MTH of a perfect subtree (a power-of-two count of leaves) from its leaf hashes (RFC 9162 §2.1.1)."""
    level = list(leaf_hashes)
    while len(level) > 1:
        level = [hash(NODE_PREFIX + level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


class LevelDBNodeStore:
    def __init__(self, store: Store, leaf_hashes: Callable[[int, int], list[bytes]]) -> None:
        """``leaf_hashes(start, stop)`` gives the stored leaves' hashes in [start, stop)."""
        self._store = store
        self._leaf_hashes = leaf_hashes
        self._hash = get_backend().sm3

    def size(self) -> int:
        raw = self._store.get(META_LOG_SIZE)
        return int.from_bytes(raw, "big") if raw else 0

    def get_node(self, level: int, index: int) -> bytes:
        if level < STORED_FROM_LEVEL:
            width = 1 << level
            hashes = self._leaf_hashes(index * width, (index + 1) * width)
            if len(hashes) != width:
                raise KeyError((level, index))
            return subtree_hash(hashes, self._hash)
        value = self._store.get(log_node_key(level, index))
        if value is None:
            raise KeyError((level, index))
        return value

    def put_nodes(self, nodes: Sequence[Node], new_size: int) -> None:
        raise TypeError("the evidence log is appended through EvidenceLog.stage, in a block's write batch")
