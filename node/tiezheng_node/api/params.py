"""Query and path values the routers read themselves: page cursors, block times, 32-byte hex.

Python's ``str.isdigit`` and regular expressions' ``\\d`` accept every Unicode digit
("²", "٣"), which ``int`` then refuses or reads as another number; and a height or
index past 2**63 does not fit the store's 8-byte keys. So counters are ASCII digits,
at most 18 of them, checked in one place.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

from fastapi import Path, Query
from pydantic import BeforeValidator

from .errors import ApiError

#: A page cursor, height or index as it may appear in a URL (below 10**18 < 2**63).
COUNTER_PATTERN: Final = r"^[0-9]{1,18}$"
#: The bound of heights, indexes and sizes given as integers.
COUNTER_LIMIT: Final = 10**18
_COUNTER: Final = re.compile(COUNTER_PATTERN)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND: Final = timedelta(milliseconds=1)
HEX_DIGITS: Final = re.compile(r"[0-9a-fA-F]*")


# What a value looks like, for the OpenAPI document only: the routers check each value themselves, so
# that a mistyped evidence ID is reported as mistyped (evidence-id-checksum), not as a pattern mismatch.
_EVIDENCE_ID_SHAPE: Final[dict[str, Any]] = {"pattern": r"^\s*[A-Za-z0-9]{2,8}-[0-9A-Za-z]{6,13}-[0-9A-Za-z]{2}\s*$"}
_HEX32_SHAPE: Final[dict[str, Any]] = {"pattern": r"^(0x)?[0-9a-fA-F]{64}$"}
# Under allOf, so that the anyOf an optional parameter already has (string or null) is kept.
_TIME_SHAPE: Final[dict[str, Any]] = {"allOf": [{"anyOf": [{"pattern": r"^[0-9]{1,18}$"}, {"format": "date-time"}]}]}


def evidence_id_path(what: str) -> Any:
    """A path parameter holding an evidence ID (存证编号), read by the router with ``EvidenceId.parse``."""
    return Path(
        description=f"{what}: an evidence ID (存证编号), CHAIN-INDEX-CHECK",
        examples=["DEV-00000G-A1"],
        json_schema_extra=_EVIDENCE_ID_SHAPE,
    )


def evidence_id_query(description: str) -> Any:
    """A query parameter holding an evidence ID."""
    return Query(description=description, examples=["DEV-00000G-A1"], json_schema_extra=_EVIDENCE_ID_SHAPE)


def hex32_query(description: str) -> Any:
    """A query parameter holding 32 bytes in hex, read by the router with ``hex32``."""
    return Query(description=description, json_schema_extra=_HEX32_SHAPE)


def time_query(description: str, *, alias: str | None = None) -> Any:
    """A query parameter holding a time, read by the router with ``block_time``."""
    return Query(alias=alias, description=description, json_schema_extra=_TIME_SHAPE)


#: An evidence ID given in the URL path.
EvidenceIdPath = Annotated[str, evidence_id_path("the record")]


def _ascii_decimal(value: object) -> object:
    """Before a number in the URL is read: ASCII digits only (``int`` also takes "1_0", " 1", "+1", "٣")."""
    if isinstance(value, str) and not _COUNTER.match(value):
        raise ValueError("must be a decimal number: 1 to 18 ASCII digits, no sign, space or separator")
    return value


#: Annotates an ``int`` path or query parameter so that it is spelt as COUNTER_PATTERN says.
ASCII_DECIMAL: Final = BeforeValidator(_ascii_decimal)


def counter(value: str | None) -> int | None:
    """The counter ``value`` spells, or None if it is absent or not one (the explorer shows the first page)."""
    return int(value) if value is not None and _COUNTER.match(value) else None


def hex32(value: str | None, name: str) -> bytes | None:
    if value is None:
        return None
    digits = value.removeprefix("0x")
    if not HEX_DIGITS.fullmatch(digits):  # bytes.fromhex would pass over spaces
        raise ApiError(400, "invalid-request", f"{name} must be hex")
    if len(digits) != 64:
        raise ApiError(400, "invalid-request", f"{name} must be 32 bytes (64 hex digits)")
    return bytes.fromhex(digits)


def block_time(value: str | None, name: str) -> int | None:
    """A time given as ms since 1970 or as an ISO 8601 time with a zone, in ms."""
    if value is None:
        return None
    if _COUNTER.match(value):
        return int(value)
    if value.endswith(("Z", "z")):  # RFC 3339 allows both; fromisoformat reads neither before Python 3.11's "Z"
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "invalid-request", f"{name} must be ms since 1970 or an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ApiError(400, "invalid-request", f"{name} needs a time zone (e.g. Z or +08:00)")
    return (moment - _EPOCH) // _MILLISECOND  # exact: timestamp() is a float, and * 1000 can lose the last ms


def block_period(start: str | None, stop: str | None) -> tuple[int | None, int | None]:
    """The ``from`` and ``to`` block times of a query, in ms; a period that ends before it starts is refused
    rather than answered with nothing, which would read as "no records then"."""
    since, until = block_time(start, "from"), block_time(stop, "to")
    if since is not None and until is not None and since > until:
        raise ApiError(400, "invalid-request", "from is after to: the period runs backwards")
    return since, until
