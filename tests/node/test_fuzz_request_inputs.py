"""Fuzzing what the API reads from a request before any handler runs: bodies, query values, RPC params, raw txs.

Each reader has one documented refusal: ApiError (a 4xx with a code) for bodies
and query values, ParamError (-32602) for JSON-RPC parameters, SubmissionError
for a raw transaction. Random and damaged input gets that refusal or a value,
never another exception.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from tests.support.mutations import damaged_bytes
from tests.support.nodekit import LocalChain
from tiezheng import cbor
from tiezheng_node.api.bodies import MAX_FORM_BODY, parse_cbor, parse_json
from tiezheng_node.api.errors import ApiError
from tiezheng_node.api.eth_format import ParamError, parse_address, parse_data, parse_quantity
from tiezheng_node.api.models import AdminSignature, AdminTransactionBody, BatchBody, SignedStatementBody, WebhookBody
from tiezheng_node.api.params import _ascii_decimal, block_time, counter, hex32
from tiezheng_node.node import SubmissionError

BODY_MODELS: tuple[type[BaseModel], ...] = (
    SignedStatementBody,
    BatchBody,
    AdminTransactionBody,
    AdminSignature,
    WebhookBody,
)
FIELD_NAMES = (
    "signed_statement",
    "envelope",
    "statements",
    "transaction",
    "signer",
    "time",
    "signature",
    "url",
    "auth",
)
BODY_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64), 2**64 - 1) | st.text(max_size=20) | st.binary(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(BODY_MODELS), BODY_VALUES)
def test_bodies_of_any_shape_parse_or_are_refused_with_an_api_error(model, value):
    for parse, body in ((parse_cbor, cbor.encode(value)), (parse_json, _json_bytes(value))):
        try:
            parsed = parse(body, model, MAX_FORM_BODY) if parse is parse_cbor else parse(body, model)
        except ApiError as exc:
            assert 400 <= exc.status < 500 and exc.code
        else:
            assert isinstance(parsed, model)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(BODY_MODELS), st.binary(max_size=200))
@example(BatchBody, b"\xa0")  # {}: a batch must hold an envelope or statements
def test_random_bytes_as_bodies_are_refused_with_an_api_error(model, body):
    with pytest.raises(ApiError):
        parse_cbor(body, model, MAX_FORM_BODY)
    with pytest.raises(ApiError):
        parse_json(body, model)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, default=lambda b: b.hex()).encode()


QUERY_TEXT = st.text(max_size=40) | st.sampled_from(["9999-12-31T23:59:59-23:59", "0001-01-01T00:00+23:59", "٣", "²"])


@settings(max_examples=300, deadline=None)
@given(QUERY_TEXT)
def test_query_values_are_read_or_refused_with_an_api_error(text):
    value = counter(text)
    assert value is None or 0 <= value < 10**18
    for read in (lambda t: hex32(t, "hash"), lambda t: block_time(t, "time")):
        try:
            read(text)
        except ApiError as exc:
            assert exc.status == 400


@settings(max_examples=300, deadline=None)
@given(QUERY_TEXT)
@example("1_0")
@example(" 1")
@example("+1")
@example("٣")
@example("-1")
def test_numbers_in_urls_are_ascii_digits_or_refused(text):
    try:
        read = _ascii_decimal(text)
    except ValueError:
        assert not (text.isascii() and text.isdigit() and len(text) <= 18)
        return
    assert read == text and text.isascii() and text.isdigit() and int(text) < 10**18


RPC_VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=80) | st.lists(st.integers(), max_size=2)


@settings(max_examples=300, deadline=None)
@given(RPC_VALUES | st.from_regex(r"0x[0-9a-fA-F]{0,70}", fullmatch=True))
def test_rpc_params_are_read_or_refused_with_a_param_error(value):
    for read in (
        lambda v: parse_quantity(v, "quantity"),
        lambda v: parse_data(v, "data"),
        lambda v: parse_data(v, "hash", size=32),
        lambda v: parse_address(v, "address"),
    ):
        try:
            read(value)
        except ParamError as exc:
            assert str(exc)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    local = LocalChain(tmp_path_factory.mktemp("node"))
    yield local
    local.close()


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_damaged_raw_transactions_are_submission_errors(chain, data):
    good = chain.sign(chain.admin, b"\x22" * 20, b"\x01\x02", gas=50_000)
    assert chain.node.decode_transaction(good).nonce >= 0
    for raw in (data.draw(damaged_bytes(good)), data.draw(st.binary(max_size=120))):
        try:
            transaction = chain.node.decode_transaction(raw)
        except SubmissionError as exc:
            assert exc.code
        else:
            assert transaction.chain_id == chain.genesis.chain_id
