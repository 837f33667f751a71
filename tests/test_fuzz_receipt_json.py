"""Fuzzing the receipt's JSON rendering: damage gives a DecodeError, or the receipt the CBOR file would give.

Courts may be handed the JSON rendering rather than the CBOR file; ``Receipt.load``
reads either. Damaged fields (including the ``{"b64": …}`` byte strings), damaged
bytes and random text must each be refused with a DecodeError.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng.errors import DecodeError
from tiezheng.gm import SM2PrivateKey
from tiezheng.receipt import Receipt
from tiezheng.signed_statement import SignedStatement

from .support.mutations import HOSTILE_JSON_VALUES, damaged_bytes, damaged_value
from .support.toychain import ToyChain, statement_for


def _receipt() -> Receipt:
    agency = SM2PrivateKey.generate()
    chain = ToyChain([SM2PrivateKey.generate() for _ in range(4)])
    chain.submit(SignedStatement.sign(statement_for(agency, b"record"), agency))
    chain.seal_block(next_keys=[SM2PrivateKey.generate() for _ in range(4)])
    chain.seal_block()
    return chain.receipt(0, at_height=2)


RECEIPT = _receipt()
RENDERING = RECEIPT.to_json()


def _decodes_or_refuses(text: str | bytes) -> None:
    try:
        decoded = Receipt.from_json(text)
    except DecodeError as exc:
        assert exc.code and exc.message
        return
    assert Receipt.from_cbor(decoded.to_cbor()) == decoded
    assert Receipt.from_json(decoded.to_json()) == decoded


def test_the_rendering_reads_back():
    assert Receipt.from_json(RENDERING) == RECEIPT
    assert Receipt.from_json(RENDERING.encode()) == RECEIPT
    assert Receipt.from_json(b"\xef\xbb\xbf" + RENDERING.encode()) == RECEIPT  # as Windows editors save it
    with pytest.raises(DecodeError):
        Receipt.from_json(RENDERING.encode("utf-16"))  # UTF-8 only (RFC 8259 §8.1), as the browser reads it


@settings(max_examples=200, deadline=None)
@given(damaged_value(json.loads(RENDERING), HOSTILE_JSON_VALUES, rounds=3))
def test_damaged_fields_are_refused_with_a_decode_error(value):
    _decodes_or_refuses(json.dumps(value))


@settings(max_examples=150, deadline=None)
@given(damaged_bytes(RENDERING.encode()))
def test_damaged_bytes_are_refused_with_a_decode_error(data):
    _decodes_or_refuses(data)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_random_input_is_refused_with_a_decode_error(data):
    with pytest.raises(DecodeError):
        Receipt.from_json(data)


@pytest.mark.parametrize(
    "text",
    [
        '{"b64": "AAAA"}',
        '{"format": "tiezheng-receipt", "v": 1e400}',
        '{"format": "tiezheng-receipt", "v": NaN}',
        '{"format": "\\ud800"}',
        '{"format": "tiezheng-receipt", "v": 1' + "0" * 5000 + "}",
        '{"format": "tiezheng-receipt", "v": 18446744073709551616}',
        '{"format": "tiezheng-receipt", "v": -18446744073709551617}',
        '{"statement": {"b64": "not base64!"}}',
    ],
)
def test_hostile_renderings_are_refused_with_a_decode_error(text):
    with pytest.raises(DecodeError):
        Receipt.from_json(text)
