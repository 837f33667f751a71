"""Verification of inclusion and consistency proofs (RFC 9162 §2.1.3.2 and §2.1.4.2).

Beyond the RFC's algorithms, every verifier applies the guards that the published
transparency-dev test vectors require: each hash has the hash function's length,
the leaf index lies inside the tree, a proof from the empty tree is refused,
equal sizes need an empty proof and equal roots, and no proof element is left
over. Verifiers answer True or False; they never raise on hostile input, and
input of the wrong type (a size that is not an int, a proof that is not a list
or tuple of bytes, a hash that is not bytes) is simply not a proof: False.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..gm import sm3
from .rfc9162 import HashFunction, node_hash


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    root: bytes,
    hash: HashFunction = sm3,
) -> bool:
    """True when ``proof`` shows the leaf with hash ``leaf_hash`` at ``index`` in the tree (``size``, ``root``)."""
    digest_size = len(hash(b""))
    if not (_is_int(index, size) and _is_proof(proof)) or not 0 <= index < size:
        return False
    if not _all_of_size(digest_size, leaf_hash, root, *proof):
        return False
    computed = root_from_inclusion_proof(leaf_hash, index, size, proof, hash)
    return computed is not None and computed == root


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], hash: HashFunction = sm3
) -> bytes | None:
    """The root an audit path leads to, or None if the path has the wrong length for (index, size), or is no path."""
    if not (_is_int(index, size) and _is_proof(proof)) or not 0 <= index < size:
        return None
    if not all(isinstance(h, bytes | bytearray) for h in (leaf_hash, *proof)):
        return None
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r, hash)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p, hash)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
    hash: HashFunction = sm3,
) -> bool:
    """True when ``proof`` shows the tree (``old_size``, ``old_root``) is a prefix of (``new_size``, ``new_root``)."""
    digest_size = len(hash(b""))
    if not (_is_int(old_size, new_size) and _is_proof(proof)) or not 0 < old_size <= new_size:
        # Every tree extends the empty one: a "proof" from size 0 proves nothing, so refuse it.
        return False
    if old_size == new_size:
        # Nothing to prove: a tree is consistent with itself (the published vectors
        # accept this whatever the roots' length).
        return len(proof) == 0 and isinstance(old_root, bytes | bytearray) and old_root == new_root
    if len(proof) == 0 or not _all_of_size(digest_size, old_root, new_root, *proof):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr, hash)
            sr = node_hash(c, sr, hash)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c, hash)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


def _is_int(*values: object) -> bool:
    # bool is an int to Python, but True is no tree size or leaf index.
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _is_proof(proof: object) -> bool:
    return isinstance(proof, list | tuple)


def _all_of_size(size: int, *hashes: bytes) -> bool:
    return all(isinstance(h, bytes | bytearray) and len(h) == size for h in hashes)
