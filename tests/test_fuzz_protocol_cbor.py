"""Fuzzing the CBOR protocol objects: damaged encodings give a DecodeError, or decode to an object that re-encodes.

Statements, signed statements, batch headers and envelopes, consensus headers,
validator sets and receipts are read from outside (agencies submit them, courts
are handed them). Each is fed damaged bytes and damaged values (a field swapped
for one of another type or size, deleted, or joined by an unknown one); the
receipt also with the statement and headers it embeds damaged. The offline
verifier, given any of those receipts, gives a verdict and never raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng import cbor
from tiezheng.batch import BatchEnvelope, BatchHeader
from tiezheng.errors import DecodeError
from tiezheng.evidence_id import EvidenceId
from tiezheng.genesis import ValidatorSet
from tiezheng.gm import SM2PrivateKey
from tiezheng.header import ConsensusHeader
from tiezheng.receipt import Receipt
from tiezheng.signed_statement import SignedStatement
from tiezheng.signing import Cosigner
from tiezheng.statement import Statement
from tiezheng.verifier import verify_receipt

from .support.mutations import damaged_bytes, damaged_value
from .support.toychain import ToyChain, statement_for

AGENCY_KEY = SM2PrivateKey.generate()


def _chain(header_version: int = 2) -> ToyChain:
    chain = ToyChain([SM2PrivateKey.generate() for _ in range(4)], header_version=header_version)
    official = SM2PrivateKey.generate()
    statement = statement_for(
        AGENCY_KEY,
        b"record",
        stage="受理",
        prev=str(EvidenceId("TST", 7)),
        meta={"n": 1, "flag": True},
        cosigners=(Cosigner.of(official, "official"),),
    )
    chain.submit(SignedStatement.sign(statement, AGENCY_KEY).cosign(official, "official"))
    chain.seal_block(next_keys=[SM2PrivateKey.generate() for _ in range(4)])
    chain.submit_batch(BatchEnvelope.build([statement_for(AGENCY_KEY, b"b%d" % i) for i in range(3)], AGENCY_KEY, 1))
    chain.seal_block()
    return chain


CHAIN = _chain()
DIRECT_RECEIPT = CHAIN.receipt(0, at_height=2)  # signatures, and a validator-set transition
BATCH_RECEIPT = CHAIN.receipt(2)  # a batch proof
#: Receipts of the first format, over headers of the first format, as courts hold them from older chains.
CHAIN_V1 = _chain(header_version=1)
RECEIPTS = (
    DIRECT_RECEIPT,
    BATCH_RECEIPT,
    CHAIN_V1.receipt(0, at_height=2),
    CHAIN_V1.receipt(2),
)
ENVELOPE = BatchEnvelope.build([statement_for(AGENCY_KEY, b"e%d" % i) for i in range(3)], AGENCY_KEY, 1)
SIGNED = SignedStatement.sign(statement_for(AGENCY_KEY, b"s", subject=b"\x01" * 32, meta={"k": "v"}), AGENCY_KEY)


def _decode_envelope(data: bytes) -> BatchEnvelope:
    envelope = BatchEnvelope.from_cbor(data)
    envelope.parse()
    return envelope


#: name → (a valid encoding, its decoder)
DECODERS: dict[str, tuple[bytes, Callable[[bytes], Any]]] = {
    "statement": (SIGNED.statement.to_cbor(), Statement.from_cbor),
    "signed statement": (SIGNED.to_cbor(), SignedStatement.from_cbor),
    "batch header": (ENVELOPE.header, BatchHeader.from_cbor),
    "batch envelope": (ENVELOPE.to_cbor(), _decode_envelope),
    "consensus header": (CHAIN.blocks[0].header, ConsensusHeader.from_cbor),
    "validator set": (CHAIN.transitions[0].next_set, ValidatorSet.from_keys),
    "receipt": (DIRECT_RECEIPT.to_cbor(), Receipt.from_cbor),
    "batch receipt": (BATCH_RECEIPT.to_cbor(), Receipt.from_cbor),
}


def _decodes_or_refuses(decode: Callable[[bytes], Any], data: bytes) -> None:
    try:
        decoded = decode(data)
    except DecodeError as exc:
        assert exc.code and exc.message
        return
    if isinstance(decoded, ValidatorSet):
        assert ValidatorSet.from_keys(decoded.encode_keys()) == decoded
    else:
        assert decode(decoded.to_cbor()) == decoded


@pytest.mark.parametrize("name", sorted(DECODERS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_damaged_bytes_are_refused_with_a_decode_error(name, data):
    good, decode = DECODERS[name]
    _decodes_or_refuses(decode, data.draw(damaged_bytes(good)))


@pytest.mark.parametrize("name", sorted(DECODERS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_damaged_fields_are_refused_with_a_decode_error(name, data):
    good, decode = DECODERS[name]
    damaged = data.draw(damaged_value(cbor.decode(good, max_size=1 << 20)))
    _decodes_or_refuses(decode, cbor.encode(damaged))


@pytest.mark.parametrize("name", sorted(DECODERS))
@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_are_refused_with_a_decode_error(name, data):
    _decodes_or_refuses(DECODERS[name][1], data)


@st.composite
def damaged_receipts(draw: st.DrawFn) -> bytes:
    """A receipt with the receipt itself, its statement, its consensus header or its batch header damaged."""
    receipt = draw(st.sampled_from(RECEIPTS))
    value = receipt.to_value()
    header_at = "header" if receipt.version == 1 else 0  # where a batch proof or a transition holds its header
    part = draw(st.sampled_from(("receipt", "statement", "header", "batch header", "transition header")))
    if part == "statement":
        value["statement"] = cbor.encode(draw(damaged_value(cbor.decode(receipt.statement, max_size=4096))))
    elif part == "header":
        value["header"] = cbor.encode(draw(damaged_value(cbor.decode(receipt.header, max_size=4096))))
    elif part == "batch header" and receipt.batch is not None:
        value["batch"][header_at] = cbor.encode(draw(damaged_value(cbor.decode(receipt.batch.header, max_size=4096))))
    elif part == "transition header" and receipt.transitions:
        header = receipt.transitions[0].sealed.header
        value["transitions"][0][header_at] = cbor.encode(draw(damaged_value(cbor.decode(header, max_size=4096))))
    else:
        value = draw(damaged_value(value))
    return cbor.encode(value)


@settings(max_examples=150, deadline=None)
@given(damaged_receipts())
def test_a_receipt_damaged_anywhere_decodes_or_is_refused_and_the_verifier_gives_a_verdict(data):
    _decodes_or_refuses(Receipt.from_cbor, data)
    verdict = verify_receipt(data, CHAIN.genesis)  # a seal beyond the quorum dropped, say, leaves it valid
    assert verdict.valid or verdict.failed is not None
    if verdict.valid:
        Receipt.from_cbor(data)


def test_the_undamaged_receipts_verify():
    for receipt in (DIRECT_RECEIPT, BATCH_RECEIPT):
        assert verify_receipt(receipt.to_cbor(), CHAIN.genesis).valid


@pytest.mark.parametrize("name", sorted(DECODERS))
@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(b"\x9f" * 10_000, id="indefinite arrays, deeply"),
        pytest.param(b"\x81" * 10_000 + b"\x00", id="arrays, deeply"),
        pytest.param(b"\xa1\x61a" * 5_000 + b"\x00", id="maps, deeply"),
        pytest.param(b"\x5b" + b"\xff" * 8, id="a byte string of 2**64 - 1 bytes, announced"),
        pytest.param(b"\x9b" + b"\x7f" + b"\xff" * 7, id="an array of 2**63 items, announced"),
        pytest.param(b"\xc2\x58\x40" + b"\xff" * 64, id="a bignum"),
        pytest.param(b"\xfb\x7f\xf8\x00\x00\x00\x00\x00\x00", id="NaN"),
    ],
)
def test_hostile_encodings_are_refused_quickly(name, hostile):
    with pytest.raises(DecodeError):
        DECODERS[name][1](hostile)
