"""The evidence log's perfect-subtree hashes as LevelDB holds them: a read-only ``NodeStore`` view.

Leaf hashes (level 0) are not stored: they are SM3(0x00 ‖ statement) of the leaf
records, which are stored anyway, so a proof recomputes the one leaf hash it
needs. Nodes are written with each block's batch by ``EvidenceLog.stage``, never
through this view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tiezheng.merkle import Node

from ..store import Store
from ..store.keys import META_LOG_SIZE, log_node_key


class LevelDBNodeStore:
    def __init__(self, store: Store, leaf_hash: Callable[[int], bytes]) -> None:
        self._store = store
        self._leaf_hash = leaf_hash

    def size(self) -> int:
        raw = self._store.get(META_LOG_SIZE)
        return int.from_bytes(raw, "big") if raw else 0

    def get_node(self, level: int, index: int) -> bytes:
        if level == 0:
            return self._leaf_hash(index)
        value = self._store.get(log_node_key(level, index))
        if value is None:
            raise KeyError((level, index))
        return value

    def put_nodes(self, nodes: Sequence[Node], new_size: int) -> None:
        raise TypeError("the evidence log is appended through EvidenceLog.stage, in a block's write batch")
