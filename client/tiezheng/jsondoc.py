"""Signed-off JSON documents (genesis, workflow templates, calendars): read strictly, hashed by content.

A document is JSON with integers only and no duplicate keys. Its identity is
SM3 over the deterministic CBOR encoding of the parsed value, so formatting
(whitespace, key order) does not change it while any change of content does;
that hash is what the chain registers and what verifiers compare.

Nesting is bounded before the standard library's parser runs: it recurses in C
as deep as the interpreter's recursion limit allows, and py-evm (in the node)
raises that limit to 100,000, deep enough for a file of brackets to overflow
the C stack and kill the process instead of raising an error.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, Final

from . import cbor
from .errors import DecodeError
from .gm import sm3

#: Deeper than any document, receipt or keystore Tiezheng writes (they nest at most 6 levels).
MAX_JSON_DEPTH: Final = 64
# Escapes first, then strings without escapes: both in linear time, whatever the input.
_JSON_ESCAPE: Final = re.compile(r"\\.", re.DOTALL)
_JSON_STRING: Final = re.compile(r'"[^"]*"')
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}


def check_nesting(text: str, what: str, error: type[DecodeError] = DecodeError) -> None:
    """Raise ``error`` if the JSON ``text`` nests arrays and objects more than MAX_JSON_DEPTH deep.

    Brackets inside strings do not count. Whatever this misreads in text that is not
    JSON lies past the point where the parser stops, so it cannot hide nesting the
    parser would enter.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", _JSON_ESCAPE.sub("", text)))
    if brackets and max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > MAX_JSON_DEPTH:
        raise error(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")


def load_json(data: bytes | str, what: str, error: type[DecodeError] = DecodeError) -> Any:
    """Parse JSON strictly; ``error`` naming ``what`` for floats, duplicate keys, deep nesting or bad syntax.

    UTF-8 only, a leading byte order mark passed over (as a browser's TextDecoder does: the
    browser's verifier reads a genesis file so).
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise error(f"{what} is not UTF-8") from None
    data = data.removeprefix("\ufeff")
    check_nesting(data, what, error)
    try:
        value = json.loads(data, object_pairs_hook=no_duplicates, parse_float=_no_floats, parse_constant=_no_floats)
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise error(f"{what} is not valid JSON: {str(exc)[:200]}") from None
    try:
        # An escaped lone surrogate ("\ud800") parses, but is no character: the document
        # could not be encoded (to CBOR, for its hash) or shown.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise error(f"{what} holds an unpaired surrogate escape, which is not a character") from None
    return value


def document_hash(document: Any) -> bytes:
    """SM3 over the deterministic CBOR of a parsed document."""
    return sm3(cbor.encode(document))


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``'s ``object_pairs_hook`` refusing an object that names a key twice (ValueError)."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"duplicate key {key!r}")
        document[key] = value
    return document


def _no_floats(text: str) -> Any:
    raise ValueError(f"numbers must be integers, not {text}")
