"""Storage: one LevelDB per node, keyspaces by prefix, one write batch per block.

The py-evm adapter lives in ``store.evm_db`` and is not re-exported: importing
py-evm takes a second, and the node's command line reads this package before
it needs the execution layer.
"""

from .leveldb import Store, StoreBroken, StoreError, WriteSet

__all__ = ["Store", "StoreBroken", "StoreError", "WriteSet"]
