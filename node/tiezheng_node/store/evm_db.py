"""py-evm's database interface over the node's LevelDB (py-evm no longer ships a LevelDB backend).

Reads go to LevelDB under the ``e`` keyspace; writes never do. They collect in a
``pending`` map that the block producer commits together with the rest of the
block in one write batch, or drops if the block is abandoned. A reader (an
``eth_call``) gets its own throwaway map, so nothing it does reaches the disk.
"""

from __future__ import annotations

from eth.db.backends.base import BaseDB

from .keys import EVM
from .leveldb import Store


class EvmDatabase(BaseDB):
    def __init__(self, store: Store, pending: dict[bytes, bytes | None] | None = None) -> None:
        self._store = store
        self.pending: dict[bytes, bytes | None] = {} if pending is None else pending

    def __getitem__(self, key: bytes) -> bytes:
        if key in self.pending:
            value = self.pending[key]
            if value is None:
                raise KeyError(key)
            return value
        value = self._store.get(EVM + key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.pending[key] = value

    def __delitem__(self, key: bytes) -> None:
        if not self._exists(key):
            raise KeyError(key)
        self.pending[key] = None

    def _exists(self, key: bytes) -> bool:
        if key in self.pending:
            return self.pending[key] is not None
        return self._store.get(EVM + key) is not None

    def writes(self) -> dict[bytes, bytes | None]:
        """The pending writes, keyed as the store keys them."""
        return {EVM + key: value for key, value in self.pending.items()}
