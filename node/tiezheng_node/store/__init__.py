"""Storage: one LevelDB per node, keyspaces by prefix, one write batch per block."""

from .evm_db import EvmDatabase
from .leveldb import Store, StoreError, WriteSet

__all__ = ["EvmDatabase", "Store", "StoreError", "WriteSet"]
