"""Posting keys for the filtered lists of matters and alerts: one empty key per (facet, value, record).

A supervisor's views are filtered ("open matters of agency X", "red alerts not yet
acknowledged"); reading every matter and keeping the matches costs a full scan
whenever matches are rare (850 ms at 100,000 matters). So each matter and alert
has a key per facet value it holds, ``I ‖ kind ‖ facet ‖ value ‖ index``, and a
filtered list walks the keys of one facet value newest first, reading only the
records that match it. The caller still checks every filter on the record
itself: postings only narrow the candidates.

Values are 8 bytes: the first 8 of a template hash or subject, the first 8 of
SM3 of a text (agency code, status, severity). A collision only adds candidates
that the caller's own check drops.

Postings change with their records, in the same write batch: a matter's in the
block that changes it, an alert's in the block that raises or resolves it and in
the commit that acknowledges it.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, Literal

from tiezheng.gm import sm3
from tiezheng.workflow import Matter

from ..store import Store
from ..store.keys import POSTING
from .records import AlertRecord

Kind = Literal["matter", "alert"]
_KINDS: Final[dict[Kind, bytes]] = {"matter": b"m", "alert": b"r"}
#: Facets and their one-letter codes: a record's status, template, agency, subject, severity.
FACETS: Final[dict[str, bytes]] = {"status": b"s", "template": b"t", "agency": b"a", "subject": b"j", "severity": b"v"}
INDEX_BYTES: Final = 8


def value_bytes(value: str | bytes) -> bytes:
    """The 8 bytes standing for a facet value: a hash's first 8, or the first 8 of SM3 of a text."""
    return value[:8] if isinstance(value, bytes) else sm3(value.encode())[:8]


def facet_prefix(kind: Kind, facet: str, value: str | bytes) -> bytes:
    return POSTING + _KINDS[kind] + FACETS[facet] + value_bytes(value)


def posting_key(kind: Kind, facet: str, value: str | bytes, index: int) -> bytes:
    return facet_prefix(kind, facet, value) + index.to_bytes(INDEX_BYTES, "big")


def matter_postings(matter: Matter) -> set[bytes]:
    """The posting keys a matter holds: its status, template, subject, and every agency taking part."""
    index = matter.index
    keys = {
        posting_key("matter", "status", matter.status, index),
        posting_key("matter", "template", matter.template, index),
        posting_key("matter", "subject", matter.subject, index),
    }
    keys |= {posting_key("matter", "agency", code, index) for code in {matter.owner, *matter.parties.values()}}
    return keys


def alert_postings(alert: AlertRecord) -> set[bytes]:
    index = alert.index
    return {
        posting_key("alert", "status", alert.status, index),
        posting_key("alert", "severity", alert.severity, index),
        posting_key("alert", "agency", alert.agency, index),
        posting_key("alert", "template", alert.template, index),
    }


def changes(before: set[bytes], after: set[bytes]) -> dict[bytes, bytes | None]:
    """The writes taking a record's postings from ``before`` to ``after``."""
    return {key: None for key in before - after} | dict.fromkeys(after - before, b"")


def newest_first(store: Store, prefixes: Iterable[bytes], *, below: int | None) -> Iterator[int]:
    """Record indexes under any of ``prefixes`` (one facet's values), newest first, below ``below``, each once."""
    streams = [_descending(store, prefix, below) for prefix in prefixes]
    last = None
    for index in heapq.merge(*streams, reverse=True):
        if index != last:
            yield index
            last = index


def _descending(store: Store, prefix: bytes, below: int | None) -> Iterator[int]:
    stop = prefix + below.to_bytes(INDEX_BYTES, "big") if below is not None else prefix + b"\xff" * INDEX_BYTES
    with store.scan_range(prefix, stop, reverse=True) as rows:
        for key, _ in rows:
            yield int.from_bytes(key[-INDEX_BYTES:], "big")


def build(matters: Iterable[Matter], alerts: Iterable[AlertRecord]) -> Mapping[bytes, bytes]:
    """Every posting of a store written before postings existed (read once, at start-up)."""
    writes: dict[bytes, bytes] = {}
    for matter in matters:
        writes |= dict.fromkeys(matter_postings(matter), b"")
    for alert in alerts:
        writes |= dict.fromkeys(alert_postings(alert), b"")
    return writes
