"""Property-based tests of the SM3 Merkle log against the RFC's recursive definitions."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tiezheng.gm import sm3
from tiezheng.merkle import (
    LogError,
    MemoryNodeStore,
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    root_from_inclusion_proof,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

leaves_strategy = st.lists(st.binary(max_size=40), min_size=1, max_size=70)


def build(leaves: list[bytes]) -> MerkleLog:
    log = MerkleLog(MemoryNodeStore())
    log.append_many(leaves)
    return log


@given(leaves_strategy, st.data())
def test_log_agrees_with_reference_at_every_size(leaves, data):
    log = build(leaves)
    size = data.draw(st.integers(min_value=1, max_value=len(leaves)))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    old = data.draw(st.integers(min_value=1, max_value=size))
    assert log.root(size) == root(leaves[:size])
    assert log.inclusion_proof(index, size) == inclusion_proof(leaves[:size], index)
    assert log.consistency_proof(old, size) == consistency_proof(leaves[:size], old)


@given(leaves_strategy, st.data())
def test_honest_proofs_verify(leaves, data):
    log = build(leaves)
    size = data.draw(st.integers(min_value=1, max_value=len(leaves)))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    old = data.draw(st.integers(min_value=1, max_value=size))
    assert verify_inclusion(leaf_hash(leaves[index]), index, size, log.inclusion_proof(index, size), log.root(size))
    assert verify_consistency(old, size, log.root(old), log.root(size), log.consistency_proof(old, size))


@given(leaves_strategy, st.data())
def test_any_single_bit_flip_in_an_inclusion_proof_is_rejected(leaves, data):
    size = len(leaves)
    assume(size > 1)
    log = build(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = log.inclusion_proof(index, size)
    element = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    tampered = bytearray(proof[element])
    tampered[bit // 8] ^= 1 << (bit % 8)
    proof[element] = bytes(tampered)
    assert not verify_inclusion(leaf_hash(leaves[index]), index, size, proof, log.root())


@given(leaves_strategy, st.data())
def test_wrong_index_or_leaf_is_rejected(leaves, data):
    size = len(leaves)
    log = build(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof, head = log.inclusion_proof(index, size), log.root()
    good = leaf_hash(leaves[index])
    other_index = data.draw(st.integers(min_value=-2, max_value=size + 2).filter(lambda i: i != index))
    # Only a proof for a different leaf with the same hash could pass, which needs equal leaf data.
    if not (0 <= other_index < size and leaves[other_index] == leaves[index]):
        assert not verify_inclusion(good, other_index, size, proof, head)
    assert not verify_inclusion(leaf_hash(leaves[index] + b"x"), index, size, proof, head)
    # A wrong size alone is not always detectable (index 0 has the same path in trees of 3 and 4
    # leaves); the signed tree head binds size and root together, which is why receipts carry it.


@given(leaves_strategy, st.data())
def test_consistency_with_a_rewritten_history_is_rejected(leaves, data):
    size = len(leaves)
    assume(size > 1)
    old = data.draw(st.integers(min_value=1, max_value=size - 1))
    changed = data.draw(st.integers(min_value=0, max_value=old - 1))
    forged = list(leaves)
    forged[changed] = leaves[changed] + b"forged"
    honest, rewritten = build(leaves), build(forged)
    proof = rewritten.consistency_proof(old, size)
    assert not verify_consistency(old, size, honest.root(old), rewritten.root(size), proof)


@given(leaves_strategy, st.lists(st.integers(min_value=1, max_value=9), max_size=8))
def test_staged_batches_and_restart_give_the_same_log(leaves, cuts):
    store = MemoryNodeStore()
    log = MerkleLog(store)
    position = 0
    for cut in cuts:
        batch = leaves[position : position + cut]
        staged = log.stage([log.leaf_hash(leaf) for leaf in batch])
        assert log.size == position  # staging changes nothing
        store.put_nodes(staged.nodes, staged.new_size)
        log.advance(staged)
        assert staged.root == root(leaves[: position + len(batch)])
        position += len(batch)
    log.append_many(leaves[position:])
    reopened = MerkleLog(store)
    assert reopened.size == len(leaves)
    assert reopened.root() == log.root() == root(leaves)
    reopened.append(b"next")
    assert reopened.root() == root([*leaves, b"next"])


@given(leaves_strategy, st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=5))
def test_staging_from_a_level_leaves_out_only_the_lower_nodes(leaves, already, from_level):
    log = build([b"old %d" % i for i in range(already)])
    hashes = [log.leaf_hash(leaf) for leaf in leaves]
    every, upper = log.stage(hashes), log.stage(hashes, nodes_from_level=from_level)
    assert upper.nodes == tuple(node for node in every.nodes if node[0] >= from_level)
    assert (upper.root, upper.frontier, upper.new_size) == (every.root, every.frontier, every.new_size)


def test_empty_log():
    log = MerkleLog(MemoryNodeStore())
    assert log.size == 0
    assert log.root() == sm3(b"") == root([])
    with pytest.raises(LogError):
        log.inclusion_proof(0)
    with pytest.raises(LogError):
        log.consistency_proof(0, 0)


def test_requests_outside_the_log_are_errors():
    log = build([b"a", b"b", b"c"])
    for call in (
        lambda: log.root(4),
        lambda: log.inclusion_proof(3),
        lambda: log.inclusion_proof(2, 2),
        lambda: log.consistency_proof(0, 3),
        lambda: log.consistency_proof(3, 2),
        lambda: log.get_leaf_hash(3),
    ):
        with pytest.raises(LogError):
            call()


def test_advance_refuses_a_stale_staged_append():
    log = build([b"a"])
    staged = log.stage([leaf_hash(b"b")])
    log.append(b"c")
    with pytest.raises(LogError):
        log.advance(staged)


@given(
    st.binary(max_size=32),
    st.integers(-5, 100),
    st.integers(-5, 100),
    st.lists(st.binary(max_size=40), max_size=10),
    st.binary(max_size=40),
)
def test_verifiers_never_raise(leaf, index, size, proof, head):
    assert verify_inclusion(leaf, index, size, proof, head) in (True, False)
    assert verify_consistency(index, size, leaf, head, proof) in (True, False)
    root_from_inclusion_proof(leaf, index, size, proof)


def test_sha256_log_matches_the_rfc6962_reference_root():
    import hashlib

    leaves = [
        bytes.fromhex(h)
        for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
    ]
    log = MerkleLog(MemoryNodeStore(), hash=lambda d: hashlib.sha256(d).digest())
    log.append_many(leaves)
    # The tree of the RFC 6962 test data (certificate-transparency-go, merkle_tree_test).
    assert log.root().hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


@given(st.lists(st.binary(max_size=8), max_size=300))
def test_level_by_level_root_is_the_recursive_mth(leaves):
    hashes = [leaf_hash(leaf) for leaf in leaves]
    assert root_from_leaf_hashes(hashes) == root(leaves)


def test_level_by_level_root_matches_the_rfc6962_reference_root():
    import hashlib

    def sha256(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    leaves = [
        bytes.fromhex(h)
        for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
    ]
    hashes = [leaf_hash(leaf, sha256) for leaf in leaves]
    assert root_from_leaf_hashes(hashes, sha256).hex() == (
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )
    # Every prefix too: sizes that are not powers of two carry an unpaired node up.
    assert root_from_leaf_hashes(hashes[:7], sha256).hex() == (
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"
    )
    assert root_from_leaf_hashes([], sha256) == sha256(b"")


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 100),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.binary(max_size=40),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=3), st.binary(max_size=40)), max_size=5),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.builds(object),
)


@given(anything, anything, anything, anything, anything)
def test_verifiers_return_false_for_wrongly_typed_input(leaf, index, size, proof, head):
    assert verify_inclusion(leaf, index, size, proof, head) in (True, False)
    assert verify_consistency(index, size, leaf, head, proof) in (True, False)
    assert root_from_inclusion_proof(leaf, index, size, proof) is None or isinstance(leaf, bytes)


@pytest.mark.parametrize(
    "call",
    [
        lambda good: verify_inclusion(good["leaf"], "0", good["size"], good["proof"], good["root"]),
        lambda good: verify_inclusion(good["leaf"], None, good["size"], good["proof"], good["root"]),
        lambda good: verify_inclusion(good["leaf"], good["index"], good["size"], None, good["root"]),
        lambda good: verify_inclusion(good["leaf"], good["index"], str(good["size"]), good["proof"], good["root"]),
        lambda good: verify_inclusion(good["leaf"], True, good["size"], good["proof"], good["root"]),
        lambda good: verify_consistency(1, 1, None, None, None),
        lambda good: verify_consistency(1, 1, None, None, []),
        lambda good: verify_consistency(1, 1, "root", "root", []),
        lambda good: verify_consistency(None, good["size"], good["root"], good["root"], []),
        lambda good: verify_consistency(good["size"], good["size"], good["root"], good["root"], None),
    ],
)
def test_wrong_types_are_not_proofs(call):
    log = build([b"a", b"b", b"c"])
    good = {"leaf": leaf_hash(b"b"), "index": 1, "size": 3, "proof": log.inclusion_proof(1, 3), "root": log.root()}
    assert verify_inclusion(good["leaf"], good["index"], good["size"], good["proof"], good["root"])
    assert call(good) is False
