"""Consensus header v2 and receipt v2: the compact forms, their one encoding each, and v1 still read as written.

A receipt carries a consensus header and two audit paths; v2 writes the header as an
array and the paths as single byte strings, which is what brings a batched record's
receipt at ten million leaves under 2 KB (scripts/bench_anchor.py). Every field keeps
its meaning, so the checks of the verifier are the same for both versions.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng import cbor
from tiezheng.batch import BatchEnvelope
from tiezheng.errors import DecodeError
from tiezheng.gm import SM2PrivateKey
from tiezheng.header import FIELDS_V2, ConsensusHeader
from tiezheng.receipt import Receipt
from tiezheng.schema import FieldError
from tiezheng.signed_statement import SignedStatement
from tiezheng.verifier import verify_receipt

from .support.toychain import ToyChain, statement_for

VECTORS = Path(__file__).resolve().parent / "vectors"
AGENCY = SM2PrivateKey(0xC0FFEE)

hashes = st.binary(min_size=32, max_size=32)
uints = st.integers(min_value=0, max_value=2**64 - 1)


@st.composite
def headers(draw: st.DrawFn, version: int) -> ConsensusHeader:
    validators = draw(hashes)
    return ConsensusHeader(
        chain_id=draw(uints),
        height=draw(uints),
        round=draw(uints),
        time=draw(uints),
        parent=draw(hashes),
        execution=draw(hashes),
        log_size=draw(uints),
        log_root=draw(hashes),
        validators=validators,
        next_validators=draw(st.one_of(st.just(validators), hashes)),
        version=version,
    )


@settings(max_examples=200)
@given(header=st.one_of(headers(1), headers(2)))
def test_a_header_of_either_version_decodes_to_itself_and_encodes_to_its_bytes(header):
    data = header.to_cbor()
    assert ConsensusHeader.from_cbor(data) == header
    assert ConsensusHeader.from_cbor(data).to_cbor() == data
    assert (type(cbor.decode(data, max_size=1024)) is list) == (header.version == 2)


@settings(max_examples=100)
@given(header=headers(1))
def test_version_2_is_the_smaller_by_the_keys_and_an_unchanged_set(header):
    v2 = dataclasses.replace(header, version=2)
    keys = sum(len(cbor.encode(name)) for name in FIELDS_V2)  # the map's keys, "v" to "next_validators"
    unchanged_set = 1 + 33 if header.next_validators == header.validators else 0  # a 32-byte string's head is 2
    assert len(header.to_cbor()) - len(v2.to_cbor()) == keys + unchanged_set


def test_a_version_2_header_names_the_next_set_only_when_it_changes():
    header = ConsensusHeader(1, 2, 0, 3, b"p" * 32, b"e" * 32, 4, b"r" * 32, b"v" * 32, b"v" * 32, version=2)
    assert len(cbor.decode(header.to_cbor(), max_size=1024)) == len(FIELDS_V2) - 1
    repeated = cbor.encode([*cbor.decode(header.to_cbor(), max_size=1024), b"v" * 32])
    with pytest.raises(FieldError, match="next_validators must be left off when the validator set does not change"):
        ConsensusHeader.from_cbor(repeated)
    handing_over = dataclasses.replace(header, next_validators=b"n" * 32)
    assert len(cbor.decode(handing_over.to_cbor(), max_size=1024)) == len(FIELDS_V2)
    assert ConsensusHeader.from_cbor(handing_over.to_cbor()).next_validators == b"n" * 32


V2_FIELDS = [2, "sm3", 1, 2, 0, 3, b"p" * 32, b"e" * 32, 4, b"r" * 32, b"v" * 32]


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (V2_FIELDS[:-1], "bad-field", "must have 11 to 12 items"),
        ([*V2_FIELDS, b"n" * 32, b"x"], "bad-field", "must have 11 to 12 items"),
        ([1, *V2_FIELDS[1:]], "bad-field", "consensus header.v is 1, but version 1 is not written as an array"),
        ([3, *V2_FIELDS[1:]], "unsupported-version", "consensus header version 3 is not supported"),
        ([2, "sha256", *V2_FIELDS[2:]], "bad-field", "consensus header.hash must be 'sm3'"),
        ([*V2_FIELDS[:6], b"p" * 31, *V2_FIELDS[7:]], "bad-field", "consensus header.parent must be 32 bytes"),
        ([*V2_FIELDS[:8], -4, *V2_FIELDS[9:]], "bad-field", "consensus header.log_size must be an unsigned integer"),
        ([*V2_FIELDS, None], "bad-field", "next_validators must be left out when absent, not null"),
        ({"v": 2, "hash": "sm3"}, "bad-field", "consensus header.v is 2, but version 2 is not written as a map"),
        ({"v": 3, "hash": "sm3"}, "unsupported-version", "consensus header version 3 is not supported"),
    ],
)
def test_a_malformed_version_2_header_is_refused_naming_what_is_wrong(value, code, message):
    with pytest.raises(DecodeError) as refused:
        ConsensusHeader.from_cbor(cbor.encode(value))
    assert refused.value.code == code and message in refused.value.message


def _chain(header_version: int) -> tuple[ToyChain, int, int]:
    chain = ToyChain([SM2PrivateKey(0x900 + i) for i in range(4)], header_version=header_version)
    direct = chain.submit(SignedStatement.sign(statement_for(AGENCY, b"one record"), AGENCY))
    envelope = BatchEnvelope.build([statement_for(AGENCY, b"batched %d" % i) for i in range(5)], AGENCY, 1)
    batched = chain.submit_batch(envelope)[3]
    chain.seal_block(next_keys=[SM2PrivateKey(0x990 + i) for i in range(4)])
    chain.submit(SignedStatement.sign(statement_for(AGENCY, b"later"), AGENCY))
    chain.seal_block()
    return chain, direct, batched


@pytest.mark.parametrize("version", [1, 2])
def test_receipts_over_headers_of_their_version_verify_and_keep_their_bytes(version):
    chain, direct, batched = _chain(version)
    for index in (direct, batched, 6):  # 6: sealed after a hand-over, which the receipt carries
        receipt = chain.receipt(index)
        assert receipt.version == version
        data = receipt.to_cbor()
        assert Receipt.from_cbor(data) == receipt and Receipt.from_cbor(data).to_cbor() == data
        assert Receipt.from_json(receipt.to_json()) == receipt
        assert verify_receipt(data, chain.genesis).valid, index


@pytest.mark.parametrize("version", [1, 2])
def test_a_receipt_respelt_in_the_other_version_is_refused(version):
    """A receipt over the same header and hand-overs, in the other receipt version, is a second encoding of
    it: each receipt version carries one header version, as nodes write them."""
    chain, direct, _ = _chain(version)
    other = 3 - version
    verdict = verify_receipt(dataclasses.replace(chain.receipt(direct), version=other), chain.genesis)
    assert verdict.failed is not None and verdict.failed.name == "header"
    assert f"the consensus header is version {version}; a version {other} receipt carries version {other}" in (
        verdict.failed.detail
    )
    later = dataclasses.replace(chain.receipt(6), version=other)  # its hand-over is checked first
    verdict = verify_receipt(later, chain.genesis)
    assert verdict.failed is not None and (verdict.failed.name, verdict.failed.code) == (
        "validator-set",
        "header-version",
    )


def test_version_2_is_the_smaller_receipt_for_the_same_proof():
    chain, direct, batched = _chain(2)
    for index in (direct, batched):
        v2 = chain.receipt(index)
        v1 = dataclasses.replace(v2, version=1)
        # The keys of every seal, signature and proof hash: at least 8 bytes a hash or a seal.
        proof_items = len(v2.inclusion) + len(v2.seals) + (len(v2.batch.path) if v2.batch else 0)
        assert len(v1.to_cbor()) - len(v2.to_cbor()) >= 8 * proof_items


def test_a_batched_receipt_v2_leaves_out_the_signatures_and_refuses_an_empty_list():
    chain, _, batched = _chain(2)
    value = chain.receipt(batched).to_value()
    assert "signatures" not in value
    with pytest.raises(FieldError, match="must be left out of a batched record's receipt, not empty"):
        Receipt.from_cbor(cbor.encode(value | {"signatures": []}))
    v1 = dataclasses.replace(chain.receipt(batched), version=1).to_value()
    assert v1["signatures"] == []  # version 1 always wrote the list
    with pytest.raises(FieldError, match=r"receipt\.signatures is missing"):
        Receipt.from_cbor(cbor.encode({k: v for k, v in v1.items() if k != "signatures"}))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v | {"inclusion": v["inclusion"] + b"\x00"}, "receipt.inclusion must hold whole 32-byte hashes"),
        (lambda v: v | {"inclusion": b"\x00" * 32 * 65}, "receipt.inclusion must be at most 2048 bytes"),
        (lambda v: v | {"inclusion": [v["inclusion"][:32]]}, "receipt.inclusion must be a byte string"),
        (lambda v: v | {"chain": v["chain"][:2]}, "receipt.chain must have 3 items (id, code, genesis), not 2"),
        (lambda v: v | {"chain": {"id": 1}}, "receipt.chain must be an array"),
        (lambda v: v | {"seals": [{"validator": 0, "sig": b"x"}]}, "receipt.seals[0] must be an array"),
        (lambda v: v | {"seals": [[0]]}, "receipt.seals[0] must have 2 items (validator, sig), not 1"),
        (lambda v: v | {"signatures": [v["signatures"][0][:2]]}, "receipt.signatures[0] must have 3 items"),
        (lambda v: v | {"v": 3}, "receipt version 3 is not supported (this build reads versions 1 and 2)"),
    ],
)
def test_a_malformed_receipt_v2_is_refused_naming_what_is_wrong(change, message):
    chain, direct, _ = _chain(2)
    with pytest.raises(DecodeError) as refused:
        Receipt.from_cbor(cbor.encode(change(chain.receipt(direct).to_value())))
    assert message in refused.value.message


def test_a_receipt_v2_batch_proof_and_transitions_are_checked_as_arrays():
    chain, _, batched = _chain(2)
    value = chain.receipt(batched).to_value()
    header, signatures, index, path = value["batch"]
    for bad, message in (
        ([header, signatures, index], "receipt.batch must have 4 items (header, signatures, index, path), not 3"),
        ([header, signatures, index, path + b"\x01"], "receipt.batch.path must hold whole 32-byte hashes"),
        ([header, signatures, index, b"\x00" * 32 * 15], "receipt.batch.path must be at most 448 bytes"),
    ):
        with pytest.raises(DecodeError) as refused:
            Receipt.from_cbor(cbor.encode(value | {"batch": bad}))
        assert message in refused.value.message
    later = chain.receipt(6).to_value()
    transition = later["transitions"][0]
    with pytest.raises(DecodeError, match=r"receipt.transitions\[0\] must have 3 items"):
        Receipt.from_cbor(cbor.encode(later | {"transitions": [transition[:2]]}))


@pytest.mark.parametrize("suite", ["receipts", "receipts-v1"])
def test_the_shared_vectors_decode_to_the_bytes_they_were_read_from(suite):
    """Reading and writing a receipt of either version changes nothing: a verifier that re-encodes sees the file."""
    for path in sorted((VECTORS / suite).glob("*.tzr")):
        data = path.read_bytes()
        try:
            receipt = Receipt.from_cbor(data)
        except DecodeError:
            continue  # a vector of a malformed receipt
        assert receipt.to_cbor() == data, path.name


def test_a_v1_receipt_renders_as_json_as_it_always_did():
    """The JSON rendering of a v1 receipt keeps its fields in the order v1 wrote them (a diff against a rendering
    a court printed years ago shows nothing)."""
    folder = VECTORS / "receipts-v1"
    assert Receipt.load(folder / "direct.tzr").to_json() == (folder / "direct.json").read_text()
