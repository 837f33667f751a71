"""What the explorer's search box was given, and where it leads.

One box takes an evidence ID, a record digest, a block height, a block's
consensus or execution hash, a transaction hash or an agency code. An evidence
ID whose check symbols fail is reported as mistyped, never as "not found": the
checksum exists so that a typo is caught rather than resolved to another record.
The pages that take an evidence ID in their address (a record, its certificate,
a matter) read it through ``lookup_evidence_id`` and so report it the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from tiezheng.errors import EvidenceIdError
from tiezheng.evidence_id import EvidenceId, EvidenceIdChecksumError, format_evidence_id
from tiezheng.statement import AGENCY_CODE

from .views import ExplorerData

EVIDENCE_ID_SHAPE: Final = re.compile(r"[A-Za-z0-9]{2,8}-[0-9A-Za-z]{6,13}-[0-9A-Za-z]{2}")
HEX32: Final = re.compile(r"(?:0x)?([0-9a-fA-F]{64})")
HEIGHT: Final = re.compile(r"[0-9]{1,12}")
MAX_QUERY: Final = 200  # the box's maxlength; far longer than anything it takes (a 0x-prefixed hash is 66)
SHOWN: Final = 100  # of a query echoed back in a message
MATCHES_SHOWN: Final = 100  # records of one digest listed on the search page, the earliest first
MATCHES_COUNTED: Final = 10_000  # beyond this many records of one digest, the page says "more than"


@dataclass(frozen=True)
class SearchResult:
    """Either a page to go to, or a message (an i18n key and its values), with matching records if several."""

    location: str | None = None
    message: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    matches: list[int] = field(default_factory=list)

    def status(self) -> int:
        """The HTTP status of the page that shows this result (a redirect has its own)."""
        if self.message == "search.too_long":
            return 400
        return 200 if self.matches or self.message == "search.empty" else 404


def search(data: ExplorerData, chain_code: str, text: str) -> SearchResult:
    query = typed(text)
    values = {"query": query[:SHOWN]}
    if not query:
        return SearchResult(message="search.empty")
    if len(query) > MAX_QUERY:
        return SearchResult(message="search.too_long", values={"limit": str(MAX_QUERY)})
    if EVIDENCE_ID_SHAPE.fullmatch(query):
        found = lookup_evidence_id(data, chain_code, query)
        return SearchResult(location=f"/evidence/{data.evidence_id(found)}") if isinstance(found, int) else found
    hexadecimal = HEX32.fullmatch(query)
    if hexadecimal:
        return _hash(data, bytes.fromhex(hexadecimal.group(1)), values)
    if HEIGHT.fullmatch(query) and 1 <= int(query) <= data.head_height:
        return SearchResult(location=f"/blocks/{int(query)}")
    if AGENCY_CODE.fullmatch(query):
        code = agency_code(data, query)
        if code is not None:
            return SearchResult(location=f"/agencies/{code}")
    if HEIGHT.fullmatch(query) or AGENCY_CODE.fullmatch(query):
        return SearchResult(message="search.not_found", values=values)
    return SearchResult(message="search.not_recognised", values=values)


def typed(text: str) -> str:
    """What was typed, as the ASCII it means: a Chinese input method gives full-width letters, digits and
    dashes (ＤＥＶ－０００００５) and ideographic spaces, which NFKC folds to their ASCII forms."""
    return unicodedata.normalize("NFKC", text).strip()


def agency_code(data: ExplorerData, text: str) -> str | None:
    """The registered code ``text`` names: as typed, or in capitals (codes are issued in capitals, people type
    them in either case)."""
    for code in dict.fromkeys((text, text.upper())):
        if data.agency(code) is not None:
            return code
    return None


def lookup_evidence_id(data: ExplorerData, chain_code: str, text: str) -> int | SearchResult:
    """The leaf index of the record an evidence ID names on this chain, or a message saying why there is none."""
    query = typed(text)
    values = {"query": query[:SHOWN]}
    try:
        parsed = EvidenceId.parse(query)
    except EvidenceIdChecksumError:
        return SearchResult(message="search.mistyped", values=values)
    except EvidenceIdError:
        return SearchResult(message="search.malformed", values=values | {"example": format_evidence_id(chain_code, 16)})
    if parsed.chain != chain_code:
        return SearchResult(message="search.wrong_chain", values=values | {"chain": parsed.chain, "this": chain_code})
    if data.view(parsed.index) is None:
        return SearchResult(message="search.not_found", values=values)
    return parsed.index


def _hash(data: ExplorerData, value: bytes, values: dict[str, str]) -> SearchResult:
    records = data.with_digest(value, limit=MATCHES_COUNTED + 1)
    if len(records) == 1:
        return SearchResult(location=f"/evidence/{data.evidence_id(records[0])}")
    if len(records) > MATCHES_COUNTED:  # counting them all would cost as much as there are
        counted = values | {"count": f"{MATCHES_COUNTED:,}", "shown": f"{MATCHES_SHOWN:,}", "digest": value.hex()}
        return SearchResult(message="search.countless", values=counted, matches=records[:MATCHES_SHOWN])
    if len(records) > MATCHES_SHOWN:
        counted = values | {"count": f"{len(records):,}", "shown": f"{MATCHES_SHOWN:,}", "digest": value.hex()}
        return SearchResult(message="search.many_more", values=counted, matches=records[:MATCHES_SHOWN])
    if records:
        return SearchResult(message="search.many", values=values, matches=records)
    height = data.height_of_hash(value)
    if height is not None:
        return SearchResult(location=f"/blocks/{height}")
    if data.transaction(value) is not None:
        return SearchResult(location=f"/tx/0x{value.hex()}")
    return SearchResult(message="search.not_found", values=values)
