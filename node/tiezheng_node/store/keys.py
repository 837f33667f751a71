"""The node's keyspaces. Every key starts with one of these bytes; the rest is the keyspace's own.

Integers in keys are 8-byte big-endian, so LevelDB's byte order is numeric order
and range scans walk heights and indexes in sequence.
"""

from __future__ import annotations

from typing import Final

EVM: Final = b"e"  # py-evm's own keys (state trie, blocks, receipts, transaction index), unchanged after the prefix
META: Final = b"m"  # node metadata: format version, genesis hash, head height
CONSENSUS_HEADER: Final = b"c"  # height → consensus header bytes
SEALS: Final = b"s"  # height → CBOR array of seals
HEADER_HASH: Final = b"h"  # SM3 header hash → height

META_FORMAT: Final = META + b"format"
META_GENESIS: Final = META + b"genesis"  # SM3 of the genesis document
META_HEAD: Final = META + b"head"  # height of the last committed block

STORE_FORMAT: Final = b"tiezheng-store/1"


def height_key(prefix: bytes, height: int) -> bytes:
    return prefix + height.to_bytes(8, "big")


LOG_NODE: Final = b"n"  # evidence log: (level, index) → SM3 hash of a perfect subtree
META_LOG_SIZE: Final = META + b"log-size"


def log_node_key(level: int, index: int) -> bytes:
    return LOG_NODE + bytes((level,)) + index.to_bytes(8, "big")
