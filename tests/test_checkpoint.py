"""Checkpoints and the append-only check: what an auditor keeps, and what a later head must satisfy."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.mutations import damaged_bytes, damaged_value
from tests.support.toychain import ToyChain
from tiezheng import cbor
from tiezheng.checkpoint import AppendOnlyError, Checkpoint, CheckpointError, check_append_only
from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey

KEYS = [SM2PrivateKey.generate() for _ in range(4)]


def grown(leaves: list[bytes], *, block_every: int = 3) -> ToyChain:
    """A chain whose blocks each append up to ``block_every`` of ``leaves``."""
    chain = ToyChain(KEYS)
    for position, leaf in enumerate(leaves, 1):
        chain.log.append(leaf)
        if position % block_every == 0:
            chain.seal_block()
    if len(leaves) % block_every or not leaves:
        chain.seal_block()
    return chain


def head(chain: ToyChain, height: int) -> Checkpoint:
    return Checkpoint.from_sealed(chain.blocks[height - 1])


def leaves(count: int, tag: bytes = b"record") -> list[bytes]:
    return [tag + b" %d" % n for n in range(count)]


def proof(chain: ToyChain, old: Checkpoint, new: Checkpoint) -> list[bytes]:
    return chain.log.consistency_proof(old.size, new.size) if 0 < old.size <= new.size else []


# The checkpoint file


def test_a_checkpoint_round_trips_and_verifies_against_its_genesis():
    chain = grown(leaves(9))
    checkpoint = head(chain, 2)
    again = Checkpoint.from_cbor(checkpoint.to_cbor())
    assert again == checkpoint and (again.size, again.height) == (6, 2)
    again.verify(chain.genesis)


def test_a_head_of_another_chain_or_set_is_refused():
    chain = grown(leaves(3))
    other = ToyChain([SM2PrivateKey.generate()])
    with pytest.raises(CheckpointError, match=r"chain|validator set"):
        head(chain, 1).verify(other.genesis)


def test_a_head_of_another_chain_id_is_refused_as_of_another_chain():
    chain = grown(leaves(3))
    document = json.loads(chain.genesis.to_json())
    document["chain_id"] += 1
    with pytest.raises(CheckpointError, match=r"the head is of chain \d+, the genesis of chain \d+") as refused:
        head(chain, 1).verify(Genesis.from_json(json.dumps(document)))
    assert refused.value.code == "wrong-chain"


def test_a_head_sealed_by_fewer_than_a_quorum_is_refused():
    chain = ToyChain(KEYS)
    chain.log.append(b"x")
    chain.seal_block(signers=2)  # 2 of 4: the quorum is 3
    with pytest.raises(CheckpointError) as refused:
        head(chain, 1).verify(chain.genesis)
    assert refused.value.code == "no-quorum"


def test_a_changed_header_no_longer_verifies():
    chain = grown(leaves(3))
    sealed = chain.blocks[0]
    header = bytearray(sealed.header)
    header[sealed.header.index(chain.log.root(3)) + 31] ^= 1  # the last byte of the log root
    changed = Checkpoint.from_sealed(type(sealed)(bytes(header), sealed.seals))
    with pytest.raises(CheckpointError) as refused:
        changed.verify(chain.genesis)
    assert refused.value.code == "bad-seal"


@pytest.mark.parametrize(
    "data",
    [b"", b"\xa0", cbor.encode({"v": 2}), cbor.encode({"v": 1}), cbor.encode([1, 2]), b"\xff" * 70_000],
)
def test_malformed_checkpoint_files_are_refused_by_name(data):
    with pytest.raises(CheckpointError):
        Checkpoint.from_cbor(data)


_SAMPLE = grown(leaves(6))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_damaged_checkpoint_files_decode_or_are_refused(data):
    good = Checkpoint.from_sealed(_SAMPLE.blocks[-1]).to_cbor()
    damage = data.draw(st.sampled_from(["bytes", "fields", "header fields"]))
    if damage == "bytes":
        candidate = data.draw(damaged_bytes(good))
    elif damage == "fields":
        candidate = cbor.encode(data.draw(damaged_value(cbor.decode(good, max_size=len(good)))))
    else:
        value = dict(cbor.decode(good, max_size=len(good)))
        header = cbor.decode(value["header"], max_size=len(good))
        value["header"] = cbor.encode(data.draw(damaged_value(header)))
        candidate = cbor.encode(value)
    try:
        checkpoint = Checkpoint.from_cbor(candidate)
    except CheckpointError:
        return
    try:
        checkpoint.verify(_SAMPLE.genesis)
    except CheckpointError:
        return


# The append-only check


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.data())
def test_every_later_head_of_one_log_extends_every_earlier_one(count, data):
    chain = grown(leaves(count), block_every=data.draw(st.integers(1, 5)))
    old_height = data.draw(st.integers(1, len(chain.blocks)))
    new_height = data.draw(st.integers(old_height, len(chain.blocks)))
    old, new = head(chain, old_height), head(chain, new_height)
    check_append_only(old, new, proof(chain, old, new))


def test_the_same_head_twice_is_consistent():
    chain = grown(leaves(6))
    check_append_only(head(chain, 2), head(chain, 2), [])


def test_a_head_older_than_the_checkpoint_is_reported():
    chain = grown(leaves(9))
    with pytest.raises(AppendOnlyError) as refused:
        check_append_only(head(chain, 3), head(chain, 2), [])
    assert refused.value.code == "older-head"


def test_two_sealed_histories_at_one_height_are_a_fork():
    honest, rewritten = grown(leaves(6)), grown([*leaves(5), b"changed"])
    with pytest.raises(AppendOnlyError) as refused:
        check_append_only(head(honest, 2), head(rewritten, 2), [])
    assert refused.value.code == "fork"


def test_a_later_head_over_a_shorter_log_is_reported():
    honest, truncated = grown(leaves(6)), grown(leaves(6), block_every=1)
    truncated_head = head(truncated, 4)  # block 4 of a chain sealing each record: 4 records
    with pytest.raises(AppendOnlyError) as refused:
        check_append_only(head(honest, 2), truncated_head, [])
    assert refused.value.code == "log-shrank"


def test_a_later_history_that_changed_a_covered_record_is_inconsistent():
    honest = grown(leaves(6))
    rewritten = grown([b"changed", *leaves(8)[1:]])
    old, new = head(honest, 2), head(rewritten, 3)
    with pytest.raises(AppendOnlyError) as refused:
        check_append_only(old, new, rewritten.log.consistency_proof(old.size, new.size))
    assert refused.value.code == "inconsistent"


def test_a_damaged_proof_is_inconsistent():
    chain = grown(leaves(12))
    old, new = head(chain, 1), head(chain, 4)
    good = proof(chain, old, new)
    damaged = [bytes([good[0][0] ^ 1]) + good[0][1:], *good[1:]]
    with pytest.raises(AppendOnlyError):
        check_append_only(old, new, damaged)


def test_an_empty_log_is_extended_by_any_head():
    chain = ToyChain(KEYS)
    chain.seal_block()
    for leaf in leaves(3):
        chain.log.append(leaf)
    chain.seal_block()
    check_append_only(head(chain, 1), head(chain, 2), [])
