"""RFC 9162 Merkle trees with a pluggable hash (SM3 by default)."""

from .log import LogError, MemoryNodeStore, MerkleLog, Node, NodeStore, StagedAppend
from .rfc9162 import (
    HashFunction,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_leaf_hashes,
)
from .verify import root_from_inclusion_proof, verify_consistency, verify_inclusion

__all__ = [
    "HashFunction",
    "LogError",
    "MemoryNodeStore",
    "MerkleLog",
    "Node",
    "NodeStore",
    "StagedAppend",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_inclusion_proof",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]
