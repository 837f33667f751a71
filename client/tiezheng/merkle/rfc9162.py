"""Merkle Tree Hash, audit paths and consistency proofs, as RFC 9162 §2.1 defines them.

These are the RFC's recursive definitions written out literally over a list of
leaf data: the reference the incremental log (``tiezheng.merkle.log``) is tested
against, and the simplest way to prove a small set (a batch envelope) at once.
The hash function is a parameter; SM3 is the default, SHA-256 gives RFC 6962.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..gm import sm3

HashFunction = Callable[[bytes], bytes]

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes, hash: HashFunction = sm3) -> bytes:
    """MTH({d(0)}) = HASH(0x00 || d(0))."""
    return hash(LEAF_PREFIX + data)


def node_hash(left: bytes, right: bytes, hash: HashFunction = sm3) -> bytes:
    """HASH(0x01 || left || right): the hash of an interior node."""
    return hash(NODE_PREFIX + left + right)


def split_point(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes], hash: HashFunction = sm3) -> bytes:
    """MTH(D[n]) over the leaf data ``leaves``; MTH({}) = HASH() for the empty list."""
    return _mth([leaf_hash(leaf, hash) for leaf in leaves], hash)


def root_from_leaf_hashes(hashes: Sequence[bytes], hash: HashFunction = sm3) -> bytes:
    """MTH(D[n]) from the leaf hashes, level by level instead of by recursive splits.

    Pairing neighbours and carrying an unpaired last node up unchanged builds the
    same tree as splitting at the largest power of two below n: the left subtrees
    of the split are the perfect ones the pairing completes first. One list
    comprehension per level; a node admits envelopes of 10,000 statements this way.
    """
    if not hashes:
        return hash(b"")
    level = list(hashes)
    while len(level) > 1:
        paired = [hash(NODE_PREFIX + level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(leaves: Sequence[bytes], index: int, hash: HashFunction = sm3) -> list[bytes]:
    """PATH(m, D[n]): the audit path for leaf ``index``, bottom to top (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf index {index} is outside a tree of {len(leaves)} leaves")
    return _path(index, [leaf_hash(leaf, hash) for leaf in leaves], hash)


def consistency_proof(leaves: Sequence[bytes], old_size: int, hash: HashFunction = sm3) -> list[bytes]:
    """PROOF(m, D[n]): proves the first ``old_size`` leaves are a prefix of ``leaves`` (§2.1.4.1)."""
    if not 0 < old_size <= len(leaves):
        raise ValueError(f"old size {old_size} must lie in [1, {len(leaves)}]")
    return _subproof(old_size, [leaf_hash(leaf, hash) for leaf in leaves], True, hash)


def _mth(hashes: Sequence[bytes], hash: HashFunction) -> bytes:
    n = len(hashes)
    if n == 0:
        return hash(b"")
    if n == 1:
        return hashes[0]
    k = split_point(n)
    return node_hash(_mth(hashes[:k], hash), _mth(hashes[k:], hash), hash)


def _path(m: int, hashes: Sequence[bytes], hash: HashFunction) -> list[bytes]:
    n = len(hashes)
    if n == 1:
        return []
    k = split_point(n)
    if m < k:
        return [*_path(m, hashes[:k], hash), _mth(hashes[k:], hash)]
    return [*_path(m - k, hashes[k:], hash), _mth(hashes[:k], hash)]


def _subproof(m: int, hashes: Sequence[bytes], complete: bool, hash: HashFunction) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if complete else [_mth(hashes, hash)]
    k = split_point(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], complete, hash), _mth(hashes[k:], hash)]
    return [*_subproof(m - k, hashes[k:], False, hash), _mth(hashes[:k], hash)]
