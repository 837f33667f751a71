"""What the explorer's pages show, read from the node: plain data, no HTML.

Every list is a page bounded by a cursor (a height or a leaf index), so a page
costs the same at a thousand records or a hundred million: blocks by height,
records by leaf index through the posting lists, days through the daily counts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from eth.exceptions import BlockNotFound, HeaderNotFound
from eth_abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_utils import keccak

from tiezheng.beijing import BEIJING
from tiezheng.genesis import Validator
from tiezheng.gm import sm3
from tiezheng.merkle.rfc9162 import LEAF_PREFIX
from tiezheng.statement import KINDS
from tiezheng.workflow import WorkflowTemplate

from ...consensus.headers import SealedBlockHeader
from ...evidence.log import day_of
from ...evidence.service import EvidenceView
from ...execution.addresses import AGENCY_REGISTRY
from ...execution.registry import AgencyInfo
from ...node import Node
from ..eth_format import format_receipt

BLOCKS_PER_PAGE: Final = 20
RECORDS_PER_PAGE: Final = 25
DAYS_SHOWN: Final = 30
DAY_MS: Final = 24 * 3600 * 1000
# AgencyRegistry's events (contracts/src/AgencyRegistry.sol): topic and the types of the non-indexed fields,
# the first of which is the agency's code.
REGISTRY_EVENTS: Final = {
    "registered": (
        keccak(text="AgencyRegistered(string,address,bytes,string,uint256)"),
        ("string", "bytes", "string", "uint256"),
    ),
    "revoked": (keccak(text="AgencyRevoked(string,address,uint256)"), ("string", "uint256")),
}


def format_time(milliseconds: int) -> str:
    """Block and claimed times in China Standard Time, the agencies' clock; past year 9999 (a statement may
    claim up to 2^53 ms), the plain count."""
    try:
        moment = datetime.fromtimestamp(milliseconds / 1000, tz=UTC).astimezone(BEIJING)
    except (ValueError, OverflowError):
        return f"{milliseconds} ms since 1970"
    return moment.strftime("%Y-%m-%d %H:%M:%S") + " (UTC+8)"


def day_period(first: str | None, last: str | None) -> tuple[int | None, int | None]:
    """Block-time bounds in ms, both inclusive, of the days ``first`` to ``last`` (YYYY-MM-DD, either may be
    missing) in China Standard Time, the day the agencies and the supervisors count in. ValueError if a date
    does not read or the period runs backwards."""
    start = _day_start(first) if first else None
    stop = _day_start(last) + DAY_MS - 1 if last else None
    if start is not None and stop is not None and start > stop:
        raise ValueError("the period ends before it starts")
    return start, stop


def _day_start(text: str) -> int:
    day = date.fromisoformat(text) if len(text) == 10 else None  # only YYYY-MM-DD, not the other ISO forms
    if day is None:
        raise ValueError(f"{text!r} is not a date")
    return int(datetime(day.year, day.month, day.day, tzinfo=BEIJING).timestamp() * 1000)


def iso_time(milliseconds: int) -> str:
    """A block time as the REST API reads it (ISO 8601 with the zone), for links from the pages; exact to the
    millisecond. OverflowError outside the years 1 to 9999 (the reports page refuses such a period)."""
    moment = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=milliseconds)).astimezone(BEIJING)
    return moment.isoformat(timespec="milliseconds")


def day_label(day: int) -> str:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day)).strftime("%m-%d")


def stage_label(template: WorkflowTemplate | None, key: str | None, language: str) -> str | None:
    """A stage as the reader's language names it. The chain holds the Chinese key; a template gives the English
    name, and a stage no template describes is shown as recorded."""
    stage = template.stage(key) if template is not None and key is not None and language != "zh" else None
    return stage.english if stage is not None else key


def kind_label(kind: str, language: str) -> str:
    """A kind as a list shows it: its Chinese name on Chinese pages; the kind itself (English words) otherwise."""
    return KINDS[kind].split(" — ")[0] if language == "zh" and kind in KINDS else kind


def kind_description(kind: str, language: str) -> str:
    """What a registered kind is, in the reader's language (the registry gives both)."""
    chinese, english = KINDS[kind].split(" — ", 1)
    return chinese if language == "zh" else english


def role_label(template: WorkflowTemplate | None, role: str, language: str) -> str:
    """A matter's role (a machine key such as ``reviewer``) by the name its template gives it in this language."""
    names = template.roles.get(role) if template is not None else None
    return names.get(language, role) if names else role


@dataclass(frozen=True)
class BlockRow:
    height: int
    time: int
    hash: str
    records: int
    first_index: int
    log_size: int
    log_root: str
    transactions: int
    sealed_by: list[str]


@dataclass(frozen=True)
class SealRow:
    position: int
    name: str
    key_id: str
    signature: str
    verifies: bool


@dataclass(frozen=True)
class TransactionRow:
    index: int
    hash: str
    sender: str
    to: str | None
    contract: str | None
    nonce: int
    gas_used: int
    success: bool
    logs: list[dict[str, Any]]
    block: int


@dataclass(frozen=True)
class EvidenceRow:
    id: str
    index: int
    kind: str
    agency: str
    stage: str | None
    digest: str
    height: int | None
    time: int | None
    status: str


@dataclass(frozen=True)
class Page:
    """A slice of a list, newest first, and the cursors around it (None at either end)."""

    items: list[Any]
    older: int | None
    newer: int | None


class ExplorerData:
    def __init__(self, node: Node) -> None:
        self._node = node
        self._genesis = node.genesis.protocol

    # Chain

    @property
    def head_height(self) -> int:
        return self._node.head.height

    def head(self) -> SealedBlockHeader | None:
        return self._node.head.sealed

    def validators(self) -> tuple[Validator, ...]:
        return self._genesis.validators.validators

    def _names(self) -> list[str]:
        return [v.name for v in self.validators()]

    def block_row(self, height: int) -> BlockRow | None:
        sealed = self._node.sealed_header(height)
        if sealed is None:
            return None
        header = sealed.header
        previous = self._node.sealed_header(height - 1) if height > 1 else None
        first = previous.header.log_size if previous else 0
        names = self._names()
        return BlockRow(
            height=height,
            time=header.time,
            hash=sealed.hash.hex(),
            records=header.log_size - first,
            first_index=first,
            log_size=header.log_size,
            log_root=header.log_root.hex(),
            transactions=_transaction_count(self._node, height),
            sealed_by=[names[s.validator] if s.validator < len(names) else f"#{s.validator}" for s in sealed.seals],
        )

    def blocks(self, before: int | None, count: int = BLOCKS_PER_PAGE) -> Page:
        head = self.head_height
        top = head if before is None else min(before - 1, head)
        heights = list(range(top, max(0, top - count), -1))
        rows = [row for row in (self.block_row(h) for h in heights) if row is not None]
        older = heights[-1] if heights and heights[-1] > 1 else None
        newer = top + count + 1 if top < head else None
        return Page(rows, older, min(newer, head + 1) if newer else None)

    def seals(self, sealed: SealedBlockHeader) -> list[SealRow]:
        validators = self.validators()
        rows = []
        for seal in sealed.seals:
            validator = validators[seal.validator] if seal.validator < len(validators) else None
            rows.append(
                SealRow(
                    position=seal.validator,
                    name=validator.name if validator else f"#{seal.validator}",
                    key_id=validator.public_key.key_id.hex() if validator else "",
                    signature=seal.signature.hex(),
                    verifies=bool(validator and validator.public_key.verify(sealed.header_bytes, seal.signature)),
                )
            )
        return rows

    def transactions(self, height: int) -> list[TransactionRow]:
        try:
            block = self._node.execution.block(height)
        except (BlockNotFound, HeaderNotFound):
            return []
        if not block.transactions:
            return []
        receipts = self._node.execution.receipts(block)
        return [_transaction_row(block, receipts, i) for i in range(len(block.transactions))]

    def transaction(self, transaction_hash: bytes) -> TransactionRow | None:
        location = self._node.execution.locate_transaction(transaction_hash)
        if location is None:
            return None
        block = self._node.execution.block(location.block_number)
        return _transaction_row(block, self._node.execution.receipts(block), location.index)

    def height_of_hash(self, block_hash: bytes) -> int | None:
        """The height of a block named by its consensus (SM3) hash or its execution block hash."""
        height = self._node.consensus.height_of(block_hash)
        if height is not None:
            return height
        try:
            return int(self._node.execution.header_by_hash(block_hash).block_number)
        except (BlockNotFound, HeaderNotFound, KeyError):
            return None

    # Evidence

    def evidence_id(self, index: int) -> str:
        return self._node.evidence.evidence_id(index)

    def view(self, index: int) -> EvidenceView | None:
        return self._node.evidence.view(index)

    def row(self, view: EvidenceView) -> EvidenceRow:
        statement = view.statement
        return EvidenceRow(
            id=view.evidence_id,
            index=view.index,
            kind=statement.kind,
            agency=statement.agency,
            stage=statement.stage,
            digest=statement.digest.hex(),
            height=view.block.height if view.block else None,
            time=view.block.header.time if view.block else None,
            status=view.status,
        )

    def records(
        self,
        before: int | None,
        *,
        agency: str | None = None,
        kind: str | None = None,
        start: int = 0,
        stop: int | None = None,
        count: int = RECORDS_PER_PAGE,
    ) -> Page:
        """Proven records in [start, stop), newest first, below the cursor ``before`` (a leaf index)."""
        size = self._node.evidence.log.size
        stop = size if stop is None else min(stop, size)
        if before is not None:
            stop = min(stop, before)
        page = self._node.evidence.query(agency=agency, kind=kind, start=start, stop=stop, descending=True, limit=count)
        rows = [self.row(v) for v in (self.view(i) for i in page.indexes) if v is not None]
        return Page(rows, page.resume_after, None)

    def with_digest(self, digest: bytes, *, limit: int) -> list[int]:
        """Up to ``limit`` records of this digest: logged ones (which, if more: see EvidenceLog), then pending ones.

        The pool is read first: a record sealed between the two reads is then found in one or both, never neither."""
        waiting = self._node.evidence.pending.matching(digest)
        found = self._node.evidence.log.with_digest(digest, limit=limit)
        listed = set(found)
        return (found + [i for i in waiting if i not in listed])[:limit]

    def pending_records(self) -> int:
        return self._node.evidence.pending.pending_leaves

    def leaf_hash(self, view: EvidenceView) -> str:
        return sm3(LEAF_PREFIX + view.statement.to_cbor()).hex()

    def batch_size(self, batch_id: int) -> int | None:
        record = self._node.evidence.log.batch(batch_id)
        return record.size if record else None

    def records_per_day(self, agency: str | None, days: int = DAYS_SHOWN) -> list[tuple[str, int]]:
        today = day_of(int(time.time() * 1000))
        counts = self._node.evidence.log.daily_counts(agency, today - days + 1, today)
        return [(day_label(day), counts.get(day, 0)) for day in range(today - days + 1, today + 1)]

    # Agencies

    def agencies(self) -> list[AgencyInfo]:
        return self._node.registry.agencies(self._node.head.execution)

    def agency(self, code: str) -> AgencyInfo | None:
        return self._node.registry.agency(code, self._node.head.execution)

    def agency_history(self, agency: AgencyInfo) -> list[tuple[str, int, str | None]]:
        """(event, height, transaction hash) of the agency's registration and any revocation."""
        events = [("registered", agency.registered_at)]
        if not agency.active:
            events.append(("revoked", agency.revoked_at))
        return [(event, height, self._registry_transaction(height, event, agency.code)) for event, height in events]

    def _registry_transaction(self, height: int, event: str, code: str) -> str | None:
        """The transaction whose log records ``event`` for this agency. One block may register or revoke several
        agencies, so the registry's logs are read, not just the call's address (a block holds few: a scan is
        cheap)."""
        for row in self.transactions(height):
            if row.success and any(registry_event_code(log, event) == code for log in row.logs):
                return row.hash
        return None

    def last_sealed(self, scan: int = 100) -> dict[int, int]:
        """For each validator position, the highest of the last ``scan`` blocks it sealed."""
        last: dict[int, int] = {}
        head = self.head_height
        for height in range(head, max(0, head - scan), -1):
            sealed = self._node.sealed_header(height)
            if sealed is None:
                continue
            for seal in sealed.seals:
                last.setdefault(seal.validator, height)
        return last

    @property
    def kinds(self) -> list[str]:
        return list(KINDS)


def registry_event_code(log: dict[str, Any], event: str) -> str | None:
    """The agency code an AgencyRegistry log of ``event`` names, or None for any other log."""
    topic, types = REGISTRY_EVENTS[event]
    if (log["address"] or "").lower() != "0x" + AGENCY_REGISTRY.hex() or log["topics"][:1] != ["0x" + topic.hex()]:
        return None
    try:
        code = abi_decode(types, bytes.fromhex(log["data"][2:]))[0]
    except DecodingError:
        return None
    return code if isinstance(code, str) else None


def _transaction_count(node: Node, height: int) -> int:
    try:
        return len(node.execution.block(height).transactions)
    except (BlockNotFound, HeaderNotFound):
        return 0


def _transaction_row(block: Any, receipts: tuple[Any, ...], index: int) -> TransactionRow:
    formatted = format_receipt(block, receipts, index)
    transaction = block.transactions[index]
    return TransactionRow(
        index=index,
        hash=formatted["transactionHash"],
        sender=formatted["from"],
        to=formatted["to"],
        contract=formatted["contractAddress"],
        nonce=transaction.nonce,
        gas_used=int(formatted["gasUsed"], 16),
        success=formatted["status"] == "0x1",
        logs=formatted["logs"],
        block=block.number,
    )
