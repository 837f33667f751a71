"""Signed-off JSON documents (genesis, workflow templates, calendars): read strictly, hashed by content.

A document is JSON with integers only and no duplicate keys. Its identity is
SM3 over the deterministic CBOR encoding of the parsed value, so formatting
(whitespace, key order) does not change it while any change of content does;
that hash is what the chain registers and what verifiers compare.
"""

from __future__ import annotations

import json
from typing import Any

from . import cbor
from .errors import DecodeError
from .gm import sm3


def load_json(data: bytes | str, what: str, error: type[DecodeError] = DecodeError) -> Any:
    """Parse JSON strictly; ``error`` naming ``what`` for floats, duplicate keys or bad syntax."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise error(f"{what} is not UTF-8") from None
    try:
        return json.loads(data, object_pairs_hook=_no_duplicates, parse_float=_no_floats, parse_constant=_no_floats)
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise error(f"{what} is not valid JSON: {str(exc)[:200]}") from None


def document_hash(document: Any) -> bytes:
    """SM3 over the deterministic CBOR of a parsed document."""
    return sm3(cbor.encode(document))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"duplicate key {key!r}")
        document[key] = value
    return document


def _no_floats(text: str) -> Any:
    raise ValueError(f"numbers must be integers, not {text}")
