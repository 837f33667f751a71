"""A receipt's form follows the Accept header's ranking of JSON and CBOR (RFC 9110 §12.5.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiezheng_node.api.rest import prefers_json


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        ("", False),  # the receipt file itself by default
        ("*/*", False),
        ("application/cbor", False),
        ("application/json", True),
        ("application/json, */*", True),
        ("application/json, application/cbor", True),  # as high, and named
        ("application/cbor, application/json;q=0", False),  # q=0: not acceptable at all
        ("application/json;q=0.5, application/cbor", False),
        ("application/*;q=0.2, application/json;q=0.9", True),
        ("application/json;q=0.9, application/*;q=1", False),  # the wildcard ranks CBOR higher
        ("APPLICATION/JSON", True),
        ("application/json;q=nonsense", False),
        ("text/html", False),
    ],
)
def test_json_only_when_ranked_above_cbor(accept, json):
    assert prefers_json(accept) is json


@given(st.text(max_size=200))
def test_any_accept_header_gives_an_answer(accept):
    assert prefers_json(accept) in (True, False)
