"""The Tiezheng SDK: anchor records on a node and get them back as evidence IDs, records and receipts.

``Client`` (blocking) and ``AsyncClient`` (asyncio) share one implementation:
every operation is written once as a generator that yields the HTTP calls it
needs and receives their responses ("sans-IO"), and each client only runs those
calls with its own httpx transport. Submissions are idempotent on the node (a
statement anchored twice keeps its first evidence ID), so the clients retry
safely: 429/502/503/504 answers for up to ``retry_for`` seconds per request,
honouring Retry-After, and connection failures a few times, with backoff.
Blocking work (hashing a file) is an instruction too, so ``AsyncClient`` runs
it in a worker thread.

    from tiezheng import Client, Digest
    from tiezheng.gm import keystore

    key = keystore.load("agency.key", passphrase)
    with Client("http://127.0.0.1:8545", key=key, agency="91110000MA0DEV001X") as client:
        anchored = client.anchor(Path("决定书.pdf"), "permit", stage="审批签发", wait=True)
        anchored.receipt.save("决定书.pdf.tzr")
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, TypeVar, cast
from urllib.parse import quote

import httpx

from . import arguments as argument
from .arguments import BadArgument
from .batch import MAX_BATCH_SIZE, BatchEnvelope
from .bounded import EVENT_STREAM, async_node_client, node_client
from .checkpoint import Checkpoint, CheckpointError
from .errors import DecodeError, TiezhengError
from .evidence_id import EvidenceId
from .files import open_regular, require_readable_kind
from .genesis import Genesis
from .gm import SM2PrivateKey, sm3, sm3_file
from .header import Seal, SealedHeader
from .receipt import MAX_RECEIPT_FILE, Receipt
from .responses import (
    ApiError,
    BadResponseError,
    JsonObject,
    NodeUnreachable,
    StreamEnded,
    check,
    decode_json,
    objects_in,
    read,
    request_name,
)
from .signed_statement import SignedStatement
from .signing import Cosigner
from .statement import (
    DIGEST_SIZE,
    MIN_SALT_BYTES,
    MetaValue,
    Statement,
    document_number_hash,
    operator_hash,
    subject_hash,
)
from .verifier import Verdict, verify_receipt
from .workflow.statements import close_statement, open_statement, step_statement

DEFAULT_TIMEOUT: Final = 30.0
#: How long one request keeps being retried while the node answers busy (429) or unavailable (502-504), in seconds.
DEFAULT_RETRY_FOR: Final = 60.0
#: Retries after a connection failure: a few, so that a wrong URL or a stopped node fails within seconds.
TRANSPORT_RETRIES: Final = 4
#: Longest pause between two attempts when the node names no Retry-After.
MAX_BACKOFF: Final = 8.0
#: Shortest pause, even when the node says Retry-After: 0, so a busy node is not hammered.
MIN_BACKOFF: Final = 0.1
#: In-memory records at least this large are hashed off the event loop too (a file always is).
ASYNC_HASH_THRESHOLD: Final = 1 << 20
#: What the node says of a record: its ID is reserved and it waits for a block, or a sealed block holds it.
RECORD_STATUSES: Final = ("accepted", "proven")
MATTER_STATUSES: Final = ("open", "closed")
#: The longest a submission may ask the node to hold its answer (``anchor(wait=True, timeout=…)``), in seconds.
MAX_HOLD: Final = 60.0
#: What ``alerts`` filters by (the node's query parameters), and the most alerts a page of the node holds.
ALERT_FILTERS: Final = ("status", "agency", "template", "severity")
MAX_ALERT_PAGE: Final = 500
#: The placeholder evidence ID a statement is built with to check its arguments before the real one is known.
_SOME_ID: Final = str(EvidenceId("TST", 0))
T = TypeVar("T")


@dataclass(frozen=True)
class Digest:
    """A record's SM3 digest, given instead of the record itself (bytes are a record's content, hashed)."""

    value: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.value, bytes) or len(self.value) != 32:
            raise BadArgument(f"an SM3 digest is 32 bytes, not {argument.described(self.value)}")

    @classmethod
    def from_hex(cls, text: str) -> Digest:
        """From 64 hex digits (a 0x in front allowed)."""
        digits = text.removeprefix("0x").removeprefix("0X") if isinstance(text, str) else ""
        try:
            return cls(bytes.fromhex(digits))
        except ValueError:
            raise BadArgument(f"an SM3 digest is 64 hex digits, not {argument.described(text)}") from None


Record = bytes | bytearray | os.PathLike[str] | Digest


@dataclass(frozen=True)
class Anchored:
    """A statement the node accepted: its evidence ID, and the receipt once proven (when waited for).

    ``new`` is true when this call added the record to the log, false when the node already had it
    (or an earlier input of the same ``anchor_many`` call was the same statement).
    """

    id: str
    index: int
    status: str  # "accepted" or "proven"
    new: bool
    statement: Statement
    receipt: Receipt | None = None


@dataclass(frozen=True)
class EvidenceRecord:
    """A record as the node reports it."""

    id: str
    index: int
    status: str
    statement_hash: bytes
    kind: str
    digest: bytes
    agency: str
    time: int
    stage: str | None
    subject: bytes | None
    prev: str | None
    block_height: int | None
    block_time: int | None
    signers: tuple[str, ...]
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any, *, where: str = "record") -> EvidenceRecord:
        """A record from the node's JSON; BadResponseError naming the field if the JSON is not a record."""
        record = JsonObject(value, where)
        statement = record.object("statement")
        block = record.optional_object("block")
        return cls(
            id=record.text("id"),
            index=record.integer("index"),
            status=record.text("status", one_of=RECORD_STATUSES),
            statement_hash=record.hex("statement_hash", size=32),
            kind=statement.text("kind"),
            digest=statement.hex("digest", size=32),
            agency=statement.text("agency"),
            time=statement.integer("time"),
            stage=statement.optional_text("stage"),
            subject=statement.optional_hex("subject", size=32),
            prev=statement.optional_text("prev"),
            block_height=block.integer("height") if block else None,
            block_time=block.integer("time") if block else None,
            signers=tuple(signer.text("role") for signer in record.objects("signers", optional=True)),
            raw=record.value,
        )


@dataclass(frozen=True)
class MatterView:
    """A matter as the node reports it: where it stands, its steps and their deadlines, its alerts."""

    id: str
    template: str
    status: str  # "open" or "closed"
    current: str | None  # the active stage
    current_agency: str | None
    stage_deadline: int | None
    latest: str  # evidence ID of the latest step: the next step's prev
    # Limits counted from an earlier stage that run now: {stage, since, start, deadline, overdue} each
    # (决定's 90 days from 立案, watched whatever stage is active).
    running: tuple[Mapping[str, Any], ...]
    subject: bytes
    steps: tuple[Mapping[str, Any], ...]
    alerts: tuple[str, ...]
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any, *, where: str = "matter") -> MatterView:
        """A matter from the node's JSON, its steps checked too; BadResponseError naming the field if it is not one."""
        matter = JsonObject(value, where)
        _check_matter_state(matter)
        for step in matter.objects("steps"):
            _check_step(step)
        running = matter.objects("running", optional=True)  # a node from before running limits sends none
        for limit in running:
            limit.text("stage")
            limit.optional_text("since")  # null where the node lacks the template's file
            for name in ("start", "deadline"):
                limit.integer(name)
            limit.boolean("overdue")
        return cls(
            id=matter.text("id"),
            template=matter.text("template"),
            status=matter.text("status", one_of=MATTER_STATUSES),
            current=matter.optional_text("current"),
            current_agency=matter.optional_text("current_agency"),
            stage_deadline=matter.optional_integer("stage_deadline"),
            latest=matter.text("latest"),
            running=tuple(limit.value for limit in running),
            subject=matter.hex("subject", size=32),
            steps=tuple(matter.array("steps")),
            alerts=tuple(matter.texts("alerts")),
            raw=matter.value,
        )


def _check_step(step: JsonObject) -> None:
    """A matter's step has what a timeline shows: its stage, decision, agency, times and whether it was late."""
    for name in ("id", "stage", "decision", "agency"):
        step.text(name)
    step.integer("sealed")
    step.optional_integer("deadline")
    step.boolean("overdue")
    step.optional_text("next")


def _check_matter_state(matter: JsonObject) -> None:
    """What a matter's timeline shows beside its steps: how it ended, its overall deadline, whether it is late."""
    matter.optional_text("outcome")
    matter.optional_integer("deadline")
    matter.boolean("overdue")
    matter.text("owner")
    matter.integer("opened")
    matter.optional_integer("closed")


def alert_from_json(value: Any, *, where: str = "alert") -> Mapping[str, Any]:
    """An alert as the node sends it (its list, its event stream, its webhooks), its fields checked.

    BadResponseError naming the field if ``value`` is not an alert.
    """
    alert = JsonObject(value, where)
    for name in ("id", "matter", "agency", "template"):
        alert.text(name)
    alert.text("severity", one_of=("red", "warning"))
    alert.text("scope", one_of=("stage", "matter"))
    alert.text("status", one_of=("open", "acknowledged", "resolved"))
    alert.optional_text("stage")
    alert.optional_text("template_hash")  # absent from nodes that predate it
    alert.integer("deadline")
    return alert.value


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: Mapping[str, Any] | None = None
    content: bytes | None = None
    json: Any = None
    content_type: str | None = None
    accept: str = "application/json"
    #: Seconds the node may hold the request before it answers (``?wait=``): the read waits that much longer.
    holds: float = 0.0


@dataclass(frozen=True)
class Pause:
    """An instruction to the client running an operation: wait this long, then continue."""

    seconds: float


@dataclass(frozen=True)
class Work:
    """An instruction: run this blocking function (hashing a file) and send back its result.

    ``Client`` calls it in place; ``AsyncClient`` calls it in a worker thread, so the
    event loop keeps serving other tasks while a large file is read.
    """

    function: Callable[[], Any]


@dataclass(frozen=True)
class Emit:
    """An instruction: hand this value to the caller now (an envelope's results, as soon as it is accepted)."""

    value: Any


Operation = Generator[Call | Pause | Work | Emit, Any, T]
#: ``progress(done, total)``: how many of ``total`` records are done (anchored, or hashed).
Progress = Callable[[int, int], None]


def _submission(path: str, body: bytes, *, wait: bool, timeout: float) -> Call:
    """A CBOR submission; with ``wait`` the node holds its answer until proven, and the call waits as long."""
    params = {"wait": "true", "timeout": str(timeout)} if wait else None
    return Call("POST", path, params, body, content_type="application/cbor", holds=timeout if wait else 0.0)


class _Operations:
    """Every SDK operation, as a generator of HTTP calls (no I/O here)."""

    def __init__(
        self,
        key: SM2PrivateKey | None,
        agency: str | None,
        cosigners: Sequence[tuple[SM2PrivateKey, str]],
        *,
        subject_salt: bytes | None = None,
        operator_salt: bytes | None = None,
    ) -> None:
        self._key = key
        self._agency = agency
        self._cosigners = tuple(cosigners)
        self._subject_salt = subject_salt
        self._operator_salt = operator_salt

    def subject(self, case_number: str) -> bytes:
        argument.text(case_number, "case_number", "the case number")
        return subject_hash(case_number, self._case_salt())

    def document_number(self, number: str) -> str:
        argument.text(number, "document_no", "the document's number")
        return document_number_hash(number, self._case_salt())

    def step_fields(self, fields: Mapping[str, MetaValue] | None, document_no: str | None) -> dict[str, MetaValue]:
        """A step's fields, with a document's number as it goes on chain (salted and hashed)."""
        argument.mapping(fields, "fields", "the step's fields, {name: text, bytes, integer or boolean}")
        out = dict(fields or {})
        if document_no is not None:
            out["document_no"] = self.document_number(document_no)
        return out

    def _case_salt(self) -> bytes:
        # Case and document numbers are short and guessable: unsalted, their SM3 is as good as the number.
        if self._subject_salt is None or len(self._subject_salt) < MIN_SALT_BYTES:
            raise TiezhengError(
                f"pass subject_salt= (the agency's secret salt, at least {MIN_SALT_BYTES} bytes) to name a case "
                "or a document number",
                code="no-salt",
            )
        return self._subject_salt

    def operator(self, official: str | None) -> bytes | None:
        if official is None:
            return None
        argument.text(official, "official", "the official's ID")
        if self._operator_salt is None or len(self._operator_salt) < MIN_SALT_BYTES:
            raise TiezhengError(
                f"pass operator_salt= (the agency's secret salt, at least {MIN_SALT_BYTES} bytes) to name officials",
                code="no-salt",
            )
        return operator_hash(self._operator_salt, official)

    # Building statements

    def statement(self, record: Record, kind: str, **fields: Any) -> Statement:
        check_record(record)
        self.statement_for(bytes(32), kind, **fields)  # the fields refused before a file is read
        return self.statement_for(digest_of(record), kind, **fields)

    def statement_for(
        self,
        digest: bytes,
        kind: str,
        *,
        subject: bytes | None = None,
        operator: bytes | None = None,
        stage: str | None = None,
        prev: str | None = None,
        meta: Mapping[str, MetaValue] | None = None,
        time_ms: int | None = None,
        **unknown: Any,
    ) -> Statement:
        if unknown:
            raise BadArgument(
                f"a statement has no field {sorted(unknown)[0]!r} (it takes subject, operator, stage, prev, meta, "
                "time_ms)"
            )
        key, agency = self._signer()
        argument.text(kind, "kind", "a registered kind such as 'document' (private kinds start with x-)")
        for name, digest_field in (("subject", subject), ("operator", operator)):
            if digest_field is not None and (type(digest_field) is not bytes or len(digest_field) != DIGEST_SIZE):
                raise BadArgument(f"{name} is 32 bytes (a salted SM3 digest), not {argument.described(digest_field)}")
        argument.text(stage, "stage", "the stage's name", optional=True)
        argument.text(prev, "prev", "an evidence ID", optional=True)
        argument.mapping(meta, "meta", "{name: text, bytes, integer or boolean}")
        if time_ms is not None:
            argument.whole(time_ms, "time_ms", 0, 2**53 - 1, what=" (the agency's time, ms since the epoch)")
        return argument.built(
            lambda: Statement(
                kind=kind,
                digest=digest,
                agency=agency,
                key=key.public_key().key_id,
                time=time_ms if time_ms is not None else int(time.time() * 1000),
                subject=subject,
                operator=operator,
                stage=stage,
                prev=prev,
                meta=dict(meta) if meta else None,
            )
        )

    def _signer(self) -> tuple[SM2PrivateKey, str]:
        if self._key is None or self._agency is None:
            raise TiezhengError("this client has no agency key: pass key= and agency= to anchor", code="no-key")
        return self._key, self._agency

    def cosigners(self) -> tuple[Cosigner, ...]:
        return tuple(Cosigner.of(key, role) for key, role in self._cosigners)

    def named(self, statement: Statement) -> Statement:
        """The statement naming this client's co-signers, if it names none: they sign it, or its batch header."""
        return statement if statement.cosigners else replace(statement, cosigners=self.cosigners())

    def sign(self, statement: Statement) -> SignedStatement:
        """The statement signed by the agency and this client's co-signers, whom it names first if it does not."""
        key, _ = self._signer()
        signed = SignedStatement.sign(self.named(statement), key)
        for cosigner, role in self._cosigners:
            signed = signed.cosign(cosigner, role)
        return signed

    def digest(self, record: Record) -> Operation[bytes]:
        """A record's SM3 digest; reading a file (or hashing a large buffer) is handed to the runner as Work."""
        if isinstance(record, os.PathLike) or (
            isinstance(record, bytes | bytearray) and len(record) >= ASYNC_HASH_THRESHOLD
        ):
            return cast(bytes, (yield Work(functools.partial(digest_of, record))))
        return digest_of(record)

    # Operations

    def anchor_record(
        self, record: Record, kind: str, fields: Mapping[str, Any], *, wait: bool, timeout: float
    ) -> Operation[Anchored]:
        # Everything refusable is refused before a large file is read: no key, the record, the fields.
        self._signer()
        check_record(record)
        self.statement_for(bytes(32), kind, **fields)
        argument.flag(wait, "wait")
        timeout = min(argument.seconds(timeout, "timeout"), MAX_HOLD)
        digest = yield from self.digest(record)
        return (yield from self.anchor(self.statement_for(digest, kind, **fields), wait=wait, timeout=timeout))

    def anchor(self, statement: Statement, *, wait: bool, timeout: float) -> Operation[Anchored]:
        signed = self.sign(statement)
        response = yield _submission("/v1/evidence", signed.to_cbor(), wait=wait, timeout=timeout)
        anchored = read(response, functools.partial(_submitted, signed.statement))
        if wait and anchored.status == "proven" and anchored.receipt is None:
            receipt = yield from self.receipt(anchored.id)
            anchored = Anchored(anchored.id, anchored.index, "proven", anchored.new, signed.statement, receipt)
        return anchored

    def anchor_envelope(
        self, statements: Sequence[Statement], *, wait: bool, timeout: float
    ) -> Operation[list[Anchored]]:
        """Anchor statements in one envelope; one result per statement given, in order.

        Statements that are equal (same record, same fields, built in the same
        millisecond) are one record: the envelope carries each once, and every
        copy gets its evidence ID. Only the first copy counts as ``new``.
        """
        key, _ = self._signer()
        statements = [self.named(s) for s in statements]
        encoded = [s.to_cbor() for s in statements]
        position: dict[bytes, int] = {}  # a statement's bytes → its place in the envelope
        distinct: list[Statement] = []
        for data, statement in zip(encoded, statements, strict=True):
            if data not in position:
                position[data] = len(distinct)
                distinct.append(statement)
        envelope = BatchEnvelope.build(distinct, key, time=int(time.time() * 1000), cosigners=self.cosigners())
        for cosigner, role in self._cosigners:
            envelope = envelope.cosign(cosigner, role)
        response = yield _submission("/v1/evidence/batch", envelope.to_cbor(), wait=wait, timeout=timeout)
        batch = read(response, functools.partial(_batch_submitted, len(distinct)))
        seen: set[int] = set()
        results = []
        for data, statement in zip(encoded, statements, strict=True):
            k = position[data]
            results.append(
                Anchored(batch.ids[k], batch.indexes[k], batch.status, batch.fresh[k] and k not in seen, statement)
            )
            seen.add(k)
        return results

    def records(
        self,
        records: Iterable[Record],
        kind: str,
        *,
        chunk_size: int,
        timeout: float,
        progress: Progress | None,
        hash_progress: Progress | None,
        fields: Mapping[str, Any],
    ) -> list[Record]:
        """The records of ``anchor_many`` or ``anchor_envelopes``, once every argument of the call is checked.

        Everything refusable is refused before the first envelope goes: a refusal half way would leave the
        records already anchored without their IDs.
        """
        self._signer()
        if isinstance(records, bytes | bytearray | str | os.PathLike | Digest):
            raise BadArgument("records is a list (or any iterable) of records, not one record")
        if not isinstance(records, Iterable):
            raise BadArgument(f"records is a list (or any iterable) of records, not {argument.described(records)}")
        argument.whole(chunk_size, "chunk_size", 1, MAX_BATCH_SIZE, what=" (records in one envelope)")
        argument.seconds(timeout, "timeout")
        argument.callback(progress, "progress")
        argument.callback(hash_progress, "hash_progress")
        self.statement_for(bytes(32), kind, **fields)
        items = list(records)
        for number, record in enumerate(items):
            check_record(record, f"records[{number}]")
        return items

    def anchor_envelopes(
        self,
        items: Sequence[Record],
        kind: str,
        *,
        chunk_size: int,
        timeout: float,
        progress: Progress | None,
        hash_progress: Progress | None,
        fields: Mapping[str, Any],
    ) -> Operation[list[Anchored]]:
        """Hash, sign and send records (checked by ``records``) an envelope at a time; Emit each envelope's results
        once accepted."""
        results: list[Anchored] = []
        hashed = 0
        for chunk in _chunks(items, chunk_size):
            statements = []
            for record in chunk:
                digest = yield from self.digest(record)
                statements.append(self.statement_for(digest, kind, **fields))
                hashed += 1
                if hash_progress:
                    hash_progress(hashed, len(items))
            accepted = yield from self.anchor_envelope(statements, wait=False, timeout=timeout)
            results += accepted
            if progress:
                progress(len(results), len(items))
            yield Emit(accepted)
        return results

    def anchor_many(
        self,
        records: Iterable[Record],
        kind: str,
        *,
        chunk_size: int,
        wait: bool,
        timeout: float,
        progress: Progress | None,
        hash_progress: Progress | None,
        fields: Mapping[str, Any],
    ) -> Operation[list[Anchored]]:
        argument.flag(wait, "wait")
        items = self.records(
            records,
            kind,
            chunk_size=chunk_size,
            timeout=timeout,
            progress=progress,
            hash_progress=hash_progress,
            fields=fields,
        )
        results = yield from self.anchor_envelopes(
            items,
            kind,
            chunk_size=chunk_size,
            timeout=timeout,
            progress=progress,
            hash_progress=hash_progress,
            fields=fields,
        )
        if wait and results:
            last = max(results, key=lambda a: a.index)
            try:
                yield from self.wait(last.id, timeout=timeout, interval=0.25)
            except NodeUnreachable as exc:
                # Every record was accepted before the node went: their IDs go with the error, not lost with it.
                raise NodeUnreachable(
                    f"{exc.message}; the {len(results)} record(s) of this call were accepted before that "
                    "(the error's accepted holds them): wait for them later, do not anchor them again",
                    accepted=results,
                ) from exc.__cause__
            except TiezhengError as exc:
                if exc.code != "timeout":
                    raise
                return results  # accepted, as anchor(wait=True) returns one not proven in time: IDs are kept
            results = [Anchored(a.id, a.index, "proven", a.new, a.statement) for a in results]
        return results

    def wait(self, evidence_id: str, *, timeout: float, interval: float) -> Operation[EvidenceRecord]:
        _id_segment(evidence_id)
        deadline = time.monotonic() + argument.seconds(timeout, "timeout", zero=True)
        argument.seconds(interval, "interval")
        while True:
            record = yield from self.get(evidence_id)
            if record.status == "proven":
                return record
            if time.monotonic() >= deadline:
                raise TiezhengError(f"{evidence_id} was not proven within {timeout:g} s", code="timeout")
            yield Pause(interval)

    def get(self, evidence_id: str) -> Operation[EvidenceRecord]:
        response = yield Call("GET", f"/v1/evidence/{_id_segment(evidence_id)}")
        return read(response, EvidenceRecord.from_json)

    def receipt(self, evidence_id: str) -> Operation[Receipt]:
        response = yield Call("GET", f"/v1/evidence/{_id_segment(evidence_id)}/receipt", accept="application/cbor")
        check(response)
        try:
            receipt = Receipt.from_cbor(response.content)
        except DecodeError as exc:
            raise BadResponseError(
                f"it is not a receipt: {exc.message}", request=request_name(response), body=response.content
            ) from None
        if _parsed_id(receipt.evidence_id) != _parsed_id(evidence_id):  # however each is spelled
            raise BadResponseError(
                f"it is the receipt of {receipt.evidence_id}, not of {evidence_id}", request=request_name(response)
            )
        return receipt

    def find_by_digest(self, record: Record, limit: int | None) -> Operation[list[EvidenceRecord]]:
        """Every record of the digest (at most ``limit``), oldest first, page after page.

        Records still waiting for a block come last (on the last page): they are the newest.
        """
        check_record(record, "record_or_digest")
        argument.check_limit(limit, "limit")
        digest = yield from self.digest(record)
        found: list[EvidenceRecord] = []
        cursor: str | None = None
        while limit is None or len(found) < limit:
            query = {"digest": digest.hex(), "limit": "1000", "order": "asc"} | ({"cursor": cursor} if cursor else {})
            response = yield Call("GET", "/v1/evidence", query)
            records, following = read(response, _record_page)
            found += records
            if following is None:
                break
            if cursor is not None and int(following) <= int(cursor):
                raise BadResponseError(f"GET /v1/evidence: answer.next {following} does not move past cursor {cursor}")
            cursor = following
        return found[:limit]

    def genesis(self) -> Operation[Genesis]:
        response = yield Call("GET", "/v1/genesis")
        return read(response, lambda value: Genesis.from_document(JsonObject(value, "answer").object("document").value))

    def tree_head(self) -> Operation[Checkpoint]:
        response = yield Call("GET", "/v1/log/head")
        return read(response, _tree_head)

    def consistency_proof(self, old_size: int, new_size: int) -> Operation[list[bytes]]:
        argument.whole(old_size, "old_size", 1, what=" (a tree size)")
        argument.whole(new_size, "new_size", old_size, what=" (a tree size, old_size or more)")
        response = yield Call("GET", "/v1/log/proof/consistency", {"old": str(old_size), "new": str(new_size)})
        return read(response, lambda value: _consistency_proof(value, old_size, new_size))

    # Process trails (docs/workflow.md)

    def template_hash(self, template: str) -> Operation[bytes]:
        """A template named by id (the newest active revision) or by its SM3 hash in hex."""
        argument.text(template, "template", "a template's id or its SM3 hash in hex")
        text = template.removeprefix("0x")
        if len(text) == 64 and all(c in "0123456789abcdefABCDEF" for c in text):
            return bytes.fromhex(text)
        response = yield Call("GET", "/v1/templates")
        found = [t for t in read(response, _template_revisions) if t.id == template and t.active]
        if not found:
            raise TiezhengError(f"no active template {template!r} is registered on this chain", code="unknown-template")
        return max(found, key=lambda t: t.revision).hash

    def open_matter(
        self,
        template: str,
        subject: bytes,
        *,
        document: Record | None,
        parties: Mapping[str, str],
        operator: bytes | None,
        timeout: float,
    ) -> Operation[Anchored]:
        key, agency = self._signer()
        argument.text(template, "template", "a template's id or its SM3 hash in hex")
        if document is not None:
            check_record(document, "document")
        argument.mapping(parties, "parties", "{role: agency code}")
        timeout = argument.seconds(timeout, "timeout")

        def opening(template_hash: bytes, digest: bytes) -> Statement:
            return open_statement(
                template_hash=template_hash,
                subject=subject,
                agency=agency,
                key_id=key.public_key().key_id,
                digest=digest,
                time_ms=int(time.time() * 1000),
                parties=parties,
                operator=operator,
            )

        argument.built(lambda: opening(bytes(32), subject))  # parties refused before a file is read or a request made
        digest = (yield from self.digest(document)) if document is not None else subject
        template_hash = yield from self.template_hash(template)
        return (yield from self.anchor(opening(template_hash, digest), wait=True, timeout=timeout))

    def matter(self, matter_id: str) -> Operation[MatterView]:
        response = yield Call("GET", f"/v1/matters/{_id_segment(matter_id, 'matter_id')}")
        return read(response, MatterView.from_json)

    def step(
        self,
        matter_id: str,
        stage: str,
        decision: str,
        *,
        after: Record,
        before: Record | None,
        next_stage: str | None,
        operator: bytes | None,
        fields: Mapping[str, MetaValue],
        timeout: float,
    ) -> Operation[Anchored]:
        """Record a step; while the matter's previous step waits for its block, wait and try again."""
        key, agency = self._signer()
        _id_segment(matter_id, "matter_id")
        argument.text(stage, "stage", "the stage's name")
        argument.text(decision, "decision", "approve, return or reject")
        argument.text(next_stage, "next_stage", "the stage's name", optional=True)
        check_record(after, "after")
        if before is not None:
            check_record(before, "before")
        timeout = argument.seconds(timeout, "timeout")

        def step(matter: str, prev: str, subject: bytes, after: bytes, before: bytes | None) -> Statement:
            return step_statement(
                matter=matter,
                prev=prev,
                stage=stage,
                decision=decision,
                subject=subject,
                agency=agency,
                key_id=key.public_key().key_id,
                after=after,
                before=before,
                operator=operator,
                next_stage=next_stage,
                time_ms=int(time.time() * 1000),
                fields=fields,
            )

        argument.built(lambda: step(_SOME_ID, _SOME_ID, bytes(32), bytes(32), None))  # refused before a file is read
        after_digest = yield from self.digest(after)
        before_digest = (yield from self.digest(before)) if before is not None else None
        deadline = time.monotonic() + timeout
        while True:
            matter = yield from self.matter(matter_id)
            statement = step(matter.id, matter.latest, matter.subject, after_digest, before_digest)
            try:
                return (yield from self.anchor(statement, wait=True, timeout=timeout))
            except ApiError as exc:
                if exc.code != "step-pending" or time.monotonic() >= deadline:
                    raise
            yield Pause(0.25)

    def close_matter(self, matter_id: str, outcome: str, *, timeout: float) -> Operation[Anchored]:
        key, agency = self._signer()
        _id_segment(matter_id, "matter_id")
        argument.text(outcome, "outcome", "how the matter ended, such as withdrawn")
        timeout = argument.seconds(timeout, "timeout")

        def closing(matter: str, prev: str, subject: bytes) -> Statement:
            return close_statement(
                matter=matter,
                prev=prev,
                subject=subject,
                agency=agency,
                key_id=key.public_key().key_id,
                digest=subject,
                time_ms=int(time.time() * 1000),
                outcome=outcome,
            )

        argument.built(lambda: closing(_SOME_ID, _SOME_ID, bytes(32)))
        matter = yield from self.matter(matter_id)
        return (yield from self.anchor(closing(matter.id, matter.latest, matter.subject), wait=True, timeout=timeout))

    def alert_page(self, filters: Mapping[str, str], cursor: str | None, page_size: int | None) -> Operation[AlertPage]:
        query = {k: v for k, v in filters.items() if v is not None} | ({"cursor": cursor} if cursor else {})
        if page_size is not None:
            query["limit"] = str(page_size)
        response = yield Call("GET", "/v1/alerts", query)
        return read(response, _alert_page)

    def alerts(
        self, filters: Mapping[str, str], limit: int | None, page_size: int | None
    ) -> Operation[list[Mapping[str, Any]]]:
        """Page after page, newest first, until ``limit`` or the last page.

        Cursors go down the log: a node whose next page would not start below the last
        one would have the client read for ever, so that answer is refused. A page may be
        short, even empty, and still name a next one: the node reads a bounded number of
        alerts per page, and a filter may match none of them.
        """
        for name, value in filters.items():
            if name not in ALERT_FILTERS:
                raise BadArgument(f"alerts are filtered by {', '.join(ALERT_FILTERS)}, not {name!r}")
            argument.text(value, name, "text", optional=True)
        argument.check_limit(limit, "limit")
        argument.check_limit(page_size, "page_size", MAX_ALERT_PAGE)
        found: list[Mapping[str, Any]] = []
        cursor: str | None = None
        while limit is None or len(found) < limit:
            page = yield from self.alert_page(filters, cursor, page_size)
            found += page.alerts
            if page.next is None:
                break
            if cursor is not None and int(page.next) >= int(cursor):
                raise BadResponseError(f"GET /v1/alerts: answer.next {page.next} does not move past cursor {cursor}")
            cursor = page.next
        return found[:limit]

    def supervision(self) -> Operation[Mapping[str, Any]]:
        response = yield Call("GET", "/v1/supervision")
        return read(response, _supervision)


# Reading the node's answers: each parser takes decoded JSON and raises BadResponseError if it does not fit.


def _submitted(statement: Statement, value: Any) -> Anchored:
    body = JsonObject(value, "answer")
    receipt = body.optional_base64("receipt")
    return Anchored(
        body.text("id"),
        body.integer("index"),
        body.text("status", one_of=RECORD_STATUSES),
        body.boolean("new"),
        statement,
        Receipt.from_cbor(receipt) if receipt else None,
    )


@dataclass(frozen=True)
class _BatchSubmitted:
    ids: list[str]
    indexes: list[int]
    fresh: list[bool]
    status: str


def _batch_submitted(sent: int, value: Any) -> _BatchSubmitted:
    """The node's answer to an envelope of ``sent`` distinct statements: an ID, an index and a fresh flag for each."""
    body = JsonObject(value, "answer")
    ids, indexes = body.texts("ids"), body.integers("indexes")
    # A node older than the per-statement "fresh" list only says how many were new.
    fresh = body.booleans("fresh") if "fresh" in body else [body.integer("new") > 0] * sent
    if not len(ids) == len(indexes) == len(fresh) == sent:
        raise BadResponseError(
            f"it has {len(ids)} IDs, {len(indexes)} indexes, {len(fresh)} flags for {sent} statements"
        )
    return _BatchSubmitted(ids, indexes, fresh, body.text("status", one_of=RECORD_STATUSES))


def _tree_head(value: Any) -> Checkpoint:
    answer = JsonObject(value, "answer")
    seals = tuple(Seal(seal.integer("validator"), seal.base64("signature")) for seal in answer.objects("seals"))
    try:
        return Checkpoint.from_sealed(SealedHeader(answer.base64("header"), seals))
    except CheckpointError as exc:
        raise BadResponseError(f"answer.header is not a consensus header: {exc.message}") from None


def _consistency_proof(value: Any, old_size: int, new_size: int) -> list[bytes]:
    answer = JsonObject(value, "answer")
    if (answer.integer("old_size"), answer.integer("new_size")) != (old_size, new_size):
        raise BadResponseError(f"the proof is not between the sizes asked for, {old_size} and {new_size}")
    return answer.hex_list("proof", size=32)


def _record_page(value: Any) -> tuple[list[EvidenceRecord], str | None]:
    page = JsonObject(value, "answer")
    items = page.array("items")
    records = [EvidenceRecord.from_json(item, where=f"answer.items[{i}]") for i, item in enumerate(items)]
    return records, _cursor(page)


@dataclass(frozen=True)
class _TemplateRevision:
    id: str
    revision: int
    active: bool
    hash: bytes


def _template_revisions(value: Any) -> list[_TemplateRevision]:
    return [
        _TemplateRevision(t.text("id"), t.integer("revision"), t.boolean("active"), t.hex("hash", size=32))
        for t in objects_in(value, "answer")
    ]


@dataclass(frozen=True)
class AlertPage:
    """One page of ``GET /v1/alerts``, and the cursor of the next if there may be more."""

    alerts: list[Mapping[str, Any]]
    next: str | None


def _alert_page(value: Any) -> AlertPage:
    page = JsonObject(value, "answer")
    items = page.array("items")
    alerts = [alert_from_json(item, where=f"answer.items[{i}]") for i, item in enumerate(items)]
    return AlertPage(alerts, _cursor(page))


def _cursor(page: JsonObject) -> str | None:
    following = page.optional_text("next")
    if following is not None and not (following.isascii() and following.isdigit()):
        raise BadResponseError(f"answer.next must be a cursor of decimal digits, not {following[:40]!r}")
    return following


def _supervision(value: Any) -> Mapping[str, Any]:
    supervision = JsonObject(value, "answer")
    supervision.optional_text("agency")
    supervision.optional_hex("public_key")
    return dict(supervision.value)


def digest_of(record: Record) -> bytes:
    if isinstance(record, Digest):
        return record.value
    if isinstance(record, bytes | bytearray):
        return sm3(bytes(record))
    if isinstance(record, os.PathLike):
        try:
            return sm3_file(record)
        except OSError as exc:
            raise TiezhengError(f"cannot read {record}: {exc.strerror or exc}", code="unreadable") from None
    raise BadArgument(
        f"a record is bytes, a path (pathlib.Path) or Digest(sm3 digest), not {argument.described(record)}"
    )


def check_record(record: object, where: str = "record") -> None:
    """Refuse, before anything is sent, a record that could not be hashed: of another type, or a file that cannot
    be read (a folder, missing, a device)."""
    if isinstance(record, Digest | bytes | bytearray):
        return
    if not isinstance(record, os.PathLike):
        named = " (a file's name: pass Path(name))" if isinstance(record, str) else ""
        raise BadArgument(f"{where}: a record is bytes, a path (pathlib.Path) or Digest(sm3 digest), "
                          f"not {argument.described(record)}{named}")  # fmt: skip
    try:
        require_readable_kind(record)
    except OSError as exc:
        raise TiezhengError(f"{where}: cannot read {record}: {exc.strerror}", code="unreadable") from None
    except ValueError:  # a NUL in the path, which no file's name holds
        raise BadArgument(f"{where}: a path no file can have ({str(record)[:100]!r})") from None


def _verify_arguments(record: object, receipt: object, genesis: object) -> None:
    check_record(record)
    if not isinstance(receipt, Receipt | os.PathLike):
        named = " (a file's name: pass Path(name))" if isinstance(receipt, str) else ""
        raise BadArgument(
            "receipt is a Receipt or the path (pathlib.Path) of a receipt file, "
            f"not {argument.described(receipt)}{named}"
        )
    if not isinstance(genesis, Genesis | os.PathLike):
        named = " (a file's name: pass Path(name))" if isinstance(genesis, str) else ""
        raise BadArgument(
            "genesis is a Genesis or the path (pathlib.Path) of a genesis.json you trust, "
            f"not {argument.described(genesis)}{named}"
        )


def _verified(record: Record, receipt: Receipt | os.PathLike[str], genesis: Genesis | os.PathLike[str]) -> Verdict:
    """What ``Client.verify`` says: the genesis read first (a trust anchor that cannot be read is an error), then
    the receipt's file (one that does not decode is a verdict: invalid), then the record hashed."""
    _verify_arguments(record, receipt, genesis)
    trusted = genesis if isinstance(genesis, Genesis) else Genesis.load(os.fspath(genesis))
    if isinstance(receipt, Receipt):
        return verify_receipt(receipt, trusted, digest=digest_of(record))
    try:
        with open_regular(os.fspath(receipt)) as file:
            data = file.read(MAX_RECEIPT_FILE + 1)  # no more: the path may name a device without end
    except OSError as exc:
        raise TiezhengError(f"cannot read receipt {receipt}: {exc.strerror}", code="unreadable") from None
    return verify_receipt(data, trusted, digest=digest_of(record))


def _operations(
    key: object, agency: object, cosigners: object, subject_salt: object, operator_salt: object
) -> _Operations:
    """The operations of a client made with these arguments, each checked."""
    return _Operations(
        None if key is None else argument.private_key(key, "key"),
        argument.agency_code(agency),
        argument.cosigner_pairs(cosigners),
        subject_salt=argument.salt(subject_salt, "subject_salt"),
        operator_salt=argument.salt(operator_salt, "operator_salt"),
    )


def _client_timeout(timeout: object) -> float | httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else argument.seconds(timeout, "timeout")


_RETRYABLE_STATUS: Final = (429, 502, 503, 504)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isascii() and value.isdigit() else None


def _retryable(response: httpx.Response) -> bool:
    """Worth asking again: busy, or a gateway between us and the node failed; a 503 only if it says when.

    The node's own 503s without Retry-After (a template or calendar file it lacks) do not pass with time.
    """
    if response.status_code == 503:
        return _retry_after(response) is not None
    return response.status_code in _RETRYABLE_STATUS


def _backoff(attempt: int, response: httpx.Response | None) -> float:
    """The pause before attempt ``attempt + 1``: the node's Retry-After if it gave one, else exponential."""
    after = _retry_after(response) if response is not None else None
    if after is not None:
        return max(MIN_BACKOFF, after)
    return min(MAX_BACKOFF, 0.25 * 2 ** min(attempt, 16))  # the exponent bounded: 2**1024 overflows a float


class _Retrying:
    """The retry budget of one request: pauses between attempts until ``budget`` seconds have passed.

    A node that answers "busy" is alive and will take the request once it has sealed a block,
    so those answers are retried for the whole budget; a connection that fails is retried only
    TRANSPORT_RETRIES times within it.
    """

    def __init__(self, budget: float) -> None:
        self._deadline = time.monotonic() + budget
        self._attempt = 0
        self._transport_failures = 0

    def pause(self, response: httpx.Response | None) -> float | None:
        """Seconds to wait before trying again (``response`` None: the connection failed), or None to give up."""
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            return None
        if response is None:
            self._transport_failures += 1
            if self._transport_failures > TRANSPORT_RETRIES:
                return None
        delay = _backoff(self._attempt, response)
        self._attempt += 1
        # The last attempt is made when the budget ends, rather than giving up early.
        return min(delay, remaining)


def _retry_budget(retry_for: object) -> float:
    return argument.seconds(retry_for, "retry_for", zero=True)


#: A refusal's body read from a stream, at most: enough for the node's JSON error, not a hostile endless one.
MAX_REFUSAL_BODY: Final = 64 * 1024
#: How long a refusal's body may take to arrive (a proxy trickling one must not hold the watch).
REFUSAL_BODY_SECONDS: Final = 10.0
HTTP_ERROR: Final = 400
#: The event stream's silence that means the connection is gone: the node sends a keepalive every 15 s.
STREAM_SILENCE_SECONDS: Final = 60.0
STREAM_TIMEOUT: Final = httpx.Timeout(STREAM_SILENCE_SECONDS, connect=10.0)
#: What the event stream is asked for with: the one answer read without the answers' bound (bounded.py).
ASK_FOR_EVENTS: Final = {"accept": EVENT_STREAM}


class _RefusalBody:
    """Collects a streamed refusal's body, within MAX_REFUSAL_BODY bytes and REFUSAL_BODY_SECONDS."""

    def __init__(self) -> None:
        self.body = bytearray()
        self._until = time.monotonic() + REFUSAL_BODY_SECONDS

    def enough(self, chunk: bytes) -> bool:
        self.body += chunk
        return len(self.body) > MAX_REFUSAL_BODY or time.monotonic() > self._until


def _answered(response: httpx.Response, body: bytes) -> httpx.Response:
    """A streamed answer with the part of its body read, for check() to quote (a stream's own cannot be)."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"]  # decoded
    return httpx.Response(response.status_code, headers=headers, content=body, request=response.request)


#: How much longer than the node may hold a request the client waits for its answer (the network, the write).
HOLD_MARGIN_SECONDS: Final = 15.0


def _timeout(configured: httpx.Timeout, call: Call) -> httpx.Timeout | None:
    """The client's timeouts with the read one lengthened, for a request the node may hold (``?wait=``): a read
    that gave up first would drop the node's answer, and with it an accepted record's ID. None: the client's."""
    if not call.holds or configured.read is None:
        return None
    return httpx.Timeout(
        connect=configured.connect,
        read=max(configured.read, call.holds + HOLD_MARGIN_SECONDS),
        write=configured.write,
        pool=configured.pool,
    )


def _parsed_id(text: str) -> EvidenceId | str:
    """An evidence ID as its value (case, O/I/L and padding read as the node reads them), or the text if it is none."""
    try:
        return EvidenceId.parse(text)
    except TiezhengError:
        return text


def _id_segment(text: str, name: str = "evidence_id") -> str:
    """An evidence ID for a URL path: in its canonical spelling, or (if it is none) quoted, for the node to refuse."""
    if not isinstance(text, str) or not text:
        raise BadArgument(f"{name}: an evidence ID is text such as DEV-000031-7G, not {argument.described(text)}")
    parsed = _parsed_id(text)
    return str(parsed) if isinstance(parsed, EvidenceId) else quote(text, safe="")


def _headers(call: Call) -> dict[str, str]:
    headers = {"accept": call.accept}
    if call.content_type:
        headers["content-type"] = call.content_type
    return headers


class Client:
    """Blocking client. ``key`` and ``agency`` are needed to anchor; reading needs neither."""

    def __init__(
        self,
        url: str,
        *,
        key: SM2PrivateKey | None = None,
        agency: str | None = None,
        cosigners: Sequence[tuple[SM2PrivateKey, str]] = (),
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry_for: float = DEFAULT_RETRY_FOR,
        http: httpx.Client | None = None,
        subject_salt: bytes | None = None,
        operator_salt: bytes | None = None,
    ) -> None:
        url = argument.node_url(url)
        self._ops = _operations(key, agency, cosigners, subject_salt, operator_salt)
        self._retry_for = _retry_budget(retry_for)
        if http is not None and not isinstance(http, httpx.Client):
            raise BadArgument(f"http is an httpx.Client (or None), not {argument.described(http)}")
        self._http = http or node_client(url, _client_timeout(timeout))

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _send(self, call: Call) -> httpx.Response:
        retrying = _Retrying(self._retry_for)
        while True:
            try:
                response = self._http.request(
                    call.method,
                    call.path,
                    params=call.params,
                    content=call.content,
                    json=call.json,
                    headers=_headers(call),
                    timeout=_timeout(self._http.timeout, call) or httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TransportError as exc:
                # A URL no client can use is not tried again.
                pause = None if isinstance(exc, httpx.UnsupportedProtocol) else retrying.pause(None)
                if pause is None:
                    raise unreachable(self._http.base_url, exc, submitted=call.method == "POST") from exc
                time.sleep(pause)
                continue
            if _retryable(response):
                pause = retrying.pause(response)
                if pause is not None:
                    time.sleep(pause)
                    continue
            return response

    def _steps(self, operation: Operation[T]) -> Generator[Any, None, T]:
        """Run an operation, yielding what it Emits; its result is the generator's return value."""
        try:
            step = next(operation)
            while True:
                if isinstance(step, Emit):
                    yield step.value
                    step = operation.send(None)
                elif isinstance(step, Pause):
                    time.sleep(step.seconds)
                    step = operation.send(None)
                elif isinstance(step, Work):
                    step = operation.send(step.function())
                else:
                    # A call that failed fails inside the operation, which may keep what it knows (IDs accepted).
                    try:
                        answer = self._send(step)
                    except TiezhengError as exc:
                        step = operation.throw(exc)
                    else:
                        step = operation.send(answer)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    def _run(self, operation: Operation[T]) -> T:
        steps = self._steps(operation)
        try:
            while True:
                next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    # Anchoring

    def statement(self, record: Record, kind: str, **fields: Any) -> Statement:
        """The statement this client would anchor for a record (bytes, a Path, or a Digest)."""
        return self._ops.statement(record, kind, **fields)

    def anchor(
        self, record: Record, kind: str, *, wait: bool = False, timeout: float = 30.0, **fields: Any
    ) -> Anchored:
        """Anchor one record as an individually signed statement; with ``wait`` return once proven, with the receipt."""
        return self._run(self._ops.anchor_record(record, kind, fields, wait=wait, timeout=timeout))

    def anchor_many(
        self,
        records: Iterable[Record],
        kind: str,
        *,
        chunk_size: int = MAX_BATCH_SIZE,
        wait: bool = False,
        timeout: float = 60.0,
        progress: Progress | None = None,
        hash_progress: Progress | None = None,
        **fields: Any,
    ) -> list[Anchored]:
        """Anchor many records through batch envelopes of up to ``chunk_size``, one signature per envelope.

        One result per record, in order. ``progress(anchored, total)`` is called after each envelope,
        ``hash_progress(hashed, total)`` after each record is hashed.
        """
        operation = self._ops.anchor_many(
            records,
            kind,
            chunk_size=chunk_size,
            wait=wait,
            timeout=timeout,
            progress=progress,
            hash_progress=hash_progress,
            fields=fields,
        )
        return self._run(operation)

    def anchor_envelopes(
        self,
        records: Iterable[Record],
        kind: str,
        *,
        chunk_size: int = MAX_BATCH_SIZE,
        timeout: float = 60.0,
        progress: Progress | None = None,
        hash_progress: Progress | None = None,
        **fields: Any,
    ) -> Iterator[list[Anchored]]:
        """Like ``anchor_many``, but yield each envelope's results (its records, in order) once accepted.

        If a later envelope fails, the IDs already yielded stand: keep them, so that a retry
        of the rest does not anchor the same records again under a new time. Arguments are
        checked when this is called, before the first envelope is asked for.
        """
        arguments: dict[str, Any] = {
            "chunk_size": chunk_size,
            "timeout": timeout,
            "progress": progress,
            "hash_progress": hash_progress,
            "fields": fields,
        }
        items = self._ops.records(records, kind, **arguments)
        return self._steps(self._ops.anchor_envelopes(items, kind, **arguments))

    def wait(self, evidence_id: str, *, timeout: float = 60.0, interval: float = 0.25) -> EvidenceRecord:
        """Poll until the record is proven; TiezhengError ``timeout`` if it is not within ``timeout`` seconds."""
        return self._run(self._ops.wait(evidence_id, timeout=timeout, interval=interval))

    # Process trails (docs/workflow.md)

    def open_matter(
        self,
        template: str,
        case_number: str,
        *,
        parties: Mapping[str, str] | None = None,
        document: Record | None = None,
        official: str | None = None,
        timeout: float = 30.0,
    ) -> Anchored:
        """Open a matter following a template (id or hash): its ID is the returned evidence ID.

        Only SM3(salt ‖ case number) goes on chain (the client's ``subject_salt``).
        """
        return self._run(
            self._ops.open_matter(
                template,
                self._ops.subject(case_number),
                document=document,
                parties=parties or {},
                operator=self._ops.operator(official),
                timeout=timeout,
            )
        )

    def step(
        self,
        matter_id: str,
        stage: str,
        decision: str = "approve",
        *,
        after: Record,
        before: Record | None = None,
        next_stage: str | None = None,
        official: str | None = None,
        document_no: str | None = None,
        fields: Mapping[str, MetaValue] | None = None,
        timeout: float = 30.0,
    ) -> Anchored:
        """Record a step of a matter at its current stage (approve, return or reject), proven when this returns.

        ``document_no`` goes on chain as SM3(subject salt ‖ number) (``statement.document_number_hash``).
        """
        fields = self._ops.step_fields(fields, document_no)
        return self._run(
            self._ops.step(
                matter_id,
                stage,
                decision,
                after=after,
                before=before,
                next_stage=next_stage,
                operator=self._ops.operator(official),
                fields=fields or {},
                timeout=timeout,
            )
        )

    def close_matter(self, matter_id: str, outcome: str = "withdrawn", *, timeout: float = 30.0) -> Anchored:
        return self._run(self._ops.close_matter(matter_id, outcome, timeout=timeout))

    def matter(self, matter_id: str) -> MatterView:
        return self._run(self._ops.matter(matter_id))

    def alerts(
        self, *, limit: int | None = None, page_size: int | None = None, **filters: str
    ) -> list[Mapping[str, Any]]:
        """Alerts, newest first, page after page (at most ``limit``); filter by status, agency, template, severity.

        ``page_size`` is how many the node is asked for at a time (its default, 50, if None).
        """
        return self._run(self._ops.alerts(filters, limit, page_size))

    def supervision(self) -> Mapping[str, Any]:
        """Who signs the node's alerts: the supervision agency and public key (hex), and the warning share."""
        return self._run(self._ops.supervision())

    def watch_alerts(self, *, subscribed: Callable[[], None] | None = None) -> Iterator[Mapping[str, Any]]:
        """Alerts as the node raises them (and as their status changes), from its event stream; runs until closed.

        ``subscribed`` is called once the node has subscribed the stream (its first line):
        whatever is raised from then on comes through it, so a listing made then misses nothing.
        """
        argument.callback(subscribed, "subscribed")
        try:
            opened = self._http.stream("GET", "/v1/events", headers=ASK_FOR_EVENTS, timeout=STREAM_TIMEOUT)
            response = opened.__enter__()
        except httpx.TransportError as exc:
            raise unreachable(self._http.base_url, exc) from exc
        with contextlib.ExitStack() as stack:
            stack.push(opened)
            if response.status_code >= HTTP_ERROR:
                refusal = _RefusalBody()
                with contextlib.suppress(httpx.TransportError):  # what came is enough to say why
                    for chunk in response.iter_bytes():
                        if refusal.enough(chunk):
                            break
                check(_answered(response, bytes(refusal.body)))
            parser = _AlertEvents(request_name(response))
            try:
                for line in _event_lines(response.iter_bytes(), request_name(response)):
                    if subscribed is not None:
                        subscribed, call = None, subscribed
                        call()
                    event = parser.feed(line)
                    if event is not None:
                        yield event
            except httpx.TransportError as exc:
                raise stream_ended(self._http.base_url, exc) from exc
            raise stream_ended(self._http.base_url, None)

    # Reading

    def get(self, evidence_id: str) -> EvidenceRecord:
        return self._run(self._ops.get(evidence_id))

    def receipt(self, evidence_id: str) -> Receipt:
        return self._run(self._ops.receipt(evidence_id))

    def find_by_digest(self, record_or_digest: Record, *, limit: int | None = None) -> list[EvidenceRecord]:
        """Every record of this digest (at most ``limit``), oldest first, the pending ones last."""
        return self._run(self._ops.find_by_digest(record_or_digest, limit))

    def genesis(self) -> Genesis:
        """The node's genesis. A verifier should trust a genesis it got independently, not this one."""
        return self._run(self._ops.genesis())

    def tree_head(self) -> Checkpoint:
        """The node's latest sealed tree head, unverified: check it with ``Checkpoint.verify(genesis)``."""
        return self._run(self._ops.tree_head())

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """The RFC 9162 proof that the log of ``new_size`` records extends the log of ``old_size``."""
        return self._run(self._ops.consistency_proof(old_size, new_size))

    @staticmethod
    def verify(record: Record, receipt: Receipt | os.PathLike[str], genesis: Genesis | os.PathLike[str]) -> Verdict:
        """Offline: check a record and its receipt against a genesis you trust (no node involved).

        ``receipt`` and ``genesis`` may be paths to their files (a .tzr, genesis.json). A receipt
        that does not decode makes the verdict invalid; a file that cannot be read is an error.
        """
        return _verified(record, receipt, genesis)


class AsyncClient:
    """The asyncio flavour of ``Client``: the same methods, awaited."""

    def __init__(
        self,
        url: str,
        *,
        key: SM2PrivateKey | None = None,
        agency: str | None = None,
        cosigners: Sequence[tuple[SM2PrivateKey, str]] = (),
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry_for: float = DEFAULT_RETRY_FOR,
        http: httpx.AsyncClient | None = None,
        subject_salt: bytes | None = None,
        operator_salt: bytes | None = None,
    ) -> None:
        url = argument.node_url(url)
        self._ops = _operations(key, agency, cosigners, subject_salt, operator_salt)
        self._retry_for = _retry_budget(retry_for)
        if http is not None and not isinstance(http, httpx.AsyncClient):
            raise BadArgument(f"http is an httpx.AsyncClient (or None), not {argument.described(http)}")
        self._http = http or async_node_client(url, _client_timeout(timeout))

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, call: Call) -> httpx.Response:
        retrying = _Retrying(self._retry_for)
        while True:
            try:
                response = await self._http.request(
                    call.method,
                    call.path,
                    params=call.params,
                    content=call.content,
                    json=call.json,
                    headers=_headers(call),
                    timeout=_timeout(self._http.timeout, call) or httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TransportError as exc:
                # A URL no client can use is not tried again.
                pause = None if isinstance(exc, httpx.UnsupportedProtocol) else retrying.pause(None)
                if pause is None:
                    raise unreachable(self._http.base_url, exc, submitted=call.method == "POST") from exc
                await asyncio.sleep(pause)
                continue
            if _retryable(response):
                pause = retrying.pause(response)
                if pause is not None:
                    await asyncio.sleep(pause)
                    continue
            return response

    async def _step(self, step: Call | Pause | Work) -> Any:
        """Carry out one instruction of an operation; what to send back into it."""
        if isinstance(step, Pause):
            await asyncio.sleep(step.seconds)
            return None
        if isinstance(step, Work):
            return await asyncio.to_thread(step.function)
        return await self._send(step)

    async def _outcome(self, step: Call | Pause | Work) -> tuple[Any, TiezhengError | None]:
        """Carry out ``step``: its answer, or the failure to raise inside the operation (which may keep what it
        knows, the IDs accepted). Given back, not sent here: a coroutine cannot let StopIteration through."""
        try:
            return await self._step(step), None
        except TiezhengError as exc:
            return None, exc

    async def _run(self, operation: Operation[T]) -> T:
        try:
            step = next(operation)
            while True:
                if isinstance(step, Emit):
                    step = operation.send(None)
                    continue
                answer, failure = await self._outcome(step)
                step = operation.throw(failure) if failure is not None else operation.send(answer)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    def statement(self, record: Record, kind: str, **fields: Any) -> Statement:
        return self._ops.statement(record, kind, **fields)

    async def anchor(
        self, record: Record, kind: str, *, wait: bool = False, timeout: float = 30.0, **fields: Any
    ) -> Anchored:
        return await self._run(self._ops.anchor_record(record, kind, fields, wait=wait, timeout=timeout))

    async def anchor_many(
        self,
        records: Iterable[Record],
        kind: str,
        *,
        chunk_size: int = MAX_BATCH_SIZE,
        wait: bool = False,
        timeout: float = 60.0,
        progress: Progress | None = None,
        hash_progress: Progress | None = None,
        **fields: Any,
    ) -> list[Anchored]:
        operation = self._ops.anchor_many(
            records,
            kind,
            chunk_size=chunk_size,
            wait=wait,
            timeout=timeout,
            progress=progress,
            hash_progress=hash_progress,
            fields=fields,
        )
        return await self._run(operation)

    def anchor_envelopes(
        self,
        records: Iterable[Record],
        kind: str,
        *,
        chunk_size: int = MAX_BATCH_SIZE,
        timeout: float = 60.0,
        progress: Progress | None = None,
        hash_progress: Progress | None = None,
        **fields: Any,
    ) -> AsyncIterator[list[Anchored]]:
        """An async iterator of each envelope's results; arguments are checked when this is called."""
        arguments: dict[str, Any] = {
            "chunk_size": chunk_size,
            "timeout": timeout,
            "progress": progress,
            "hash_progress": hash_progress,
            "fields": fields,
        }
        items = self._ops.records(records, kind, **arguments)
        return self._envelopes(self._ops.anchor_envelopes(items, kind, **arguments))

    async def _envelopes(self, operation: Operation[list[Anchored]]) -> AsyncIterator[list[Anchored]]:
        try:
            step = next(operation)
            while True:
                if isinstance(step, Emit):
                    yield step.value
                    step = operation.send(None)
                else:
                    answer, failure = await self._outcome(step)
                    step = operation.throw(failure) if failure is not None else operation.send(answer)
        except StopIteration:
            return

    async def wait(self, evidence_id: str, *, timeout: float = 60.0, interval: float = 0.25) -> EvidenceRecord:
        return await self._run(self._ops.wait(evidence_id, timeout=timeout, interval=interval))

    async def get(self, evidence_id: str) -> EvidenceRecord:
        return await self._run(self._ops.get(evidence_id))

    async def receipt(self, evidence_id: str) -> Receipt:
        return await self._run(self._ops.receipt(evidence_id))

    async def find_by_digest(self, record_or_digest: Record, *, limit: int | None = None) -> list[EvidenceRecord]:
        return await self._run(self._ops.find_by_digest(record_or_digest, limit))

    async def genesis(self) -> Genesis:
        return await self._run(self._ops.genesis())

    async def tree_head(self) -> Checkpoint:
        return await self._run(self._ops.tree_head())

    async def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return await self._run(self._ops.consistency_proof(old_size, new_size))

    async def open_matter(
        self,
        template: str,
        case_number: str,
        *,
        parties: Mapping[str, str] | None = None,
        document: Record | None = None,
        official: str | None = None,
        timeout: float = 30.0,
    ) -> Anchored:
        return await self._run(
            self._ops.open_matter(
                template,
                self._ops.subject(case_number),
                document=document,
                parties=parties or {},
                operator=self._ops.operator(official),
                timeout=timeout,
            )
        )

    async def step(
        self,
        matter_id: str,
        stage: str,
        decision: str = "approve",
        *,
        after: Record,
        before: Record | None = None,
        next_stage: str | None = None,
        official: str | None = None,
        document_no: str | None = None,
        fields: Mapping[str, MetaValue] | None = None,
        timeout: float = 30.0,
    ) -> Anchored:
        fields = self._ops.step_fields(fields, document_no)
        return await self._run(
            self._ops.step(
                matter_id,
                stage,
                decision,
                after=after,
                before=before,
                next_stage=next_stage,
                operator=self._ops.operator(official),
                fields=fields or {},
                timeout=timeout,
            )
        )

    async def close_matter(self, matter_id: str, outcome: str = "withdrawn", *, timeout: float = 30.0) -> Anchored:
        return await self._run(self._ops.close_matter(matter_id, outcome, timeout=timeout))

    async def matter(self, matter_id: str) -> MatterView:
        return await self._run(self._ops.matter(matter_id))

    async def supervision(self) -> Mapping[str, Any]:
        return await self._run(self._ops.supervision())

    async def alerts(
        self, *, limit: int | None = None, page_size: int | None = None, **filters: str
    ) -> list[Mapping[str, Any]]:
        return await self._run(self._ops.alerts(filters, limit, page_size))

    async def watch_alerts(
        self, *, subscribed: Callable[[], Awaitable[None]] | None = None
    ) -> AsyncIterator[Mapping[str, Any]]:
        argument.callback(subscribed, "subscribed")
        try:
            opened = self._http.stream("GET", "/v1/events", headers=ASK_FOR_EVENTS, timeout=STREAM_TIMEOUT)
            response = await opened.__aenter__()
        except httpx.TransportError as exc:
            raise unreachable(self._http.base_url, exc) from exc
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_exit(opened)
            if response.status_code >= HTTP_ERROR:
                refusal = _RefusalBody()
                with contextlib.suppress(httpx.TransportError, TimeoutError):  # what came is enough to say why
                    async with asyncio.timeout(REFUSAL_BODY_SECONDS):
                        async for chunk in response.aiter_bytes():
                            if refusal.enough(chunk):
                                break
                check(_answered(response, bytes(refusal.body)))
            parser = _AlertEvents(request_name(response))
            try:
                async for line in _async_event_lines(response.aiter_bytes(), request_name(response)):
                    if subscribed is not None:
                        subscribed, call = None, subscribed
                        await call()
                    event = parser.feed(line)
                    if event is not None:
                        yield event
            except httpx.TransportError as exc:
                raise stream_ended(self._http.base_url, exc) from exc
            raise stream_ended(self._http.base_url, None)

    @staticmethod
    async def verify(
        record: Record, receipt: Receipt | os.PathLike[str], genesis: Genesis | os.PathLike[str]
    ) -> Verdict:
        """``Client.verify``, its files read and the record hashed in a worker thread, off the event loop."""
        _verify_arguments(record, receipt, genesis)  # refused at once, not from the thread
        return await asyncio.to_thread(_verified, record, receipt, genesis)


#: The longest line of the event stream read: an alert's data is a few hundred bytes. (The stream is read
#: without the answers' bound, being endless; a line without end is bounded here.)
MAX_EVENT_LINE: Final = 1024 * 1024


class _LineSplitter:
    """Lines of a byte stream (LF or CR LF), each at most MAX_EVENT_LINE bytes, decoded as UTF-8."""

    def __init__(self, request: str) -> None:
        self._request = request
        self._pending = bytearray()

    def feed(self, chunk: bytes) -> list[str]:
        self._pending += chunk
        *lines, rest = self._pending.split(b"\n")
        if len(rest) > MAX_EVENT_LINE:
            too_long = f"an event stream line is longer than {MAX_EVENT_LINE:,} bytes"
            raise BadResponseError(too_long, request=self._request)
        self._pending = bytearray(rest)
        try:
            return [bytes(line).removesuffix(b"\r").decode("utf-8") for line in lines]
        except UnicodeDecodeError:
            raise BadResponseError("the event stream is not UTF-8 text", request=self._request) from None


def unreachable(base_url: httpx.URL, exc: httpx.TransportError, *, submitted: bool = False) -> TiezhengError:
    """The error for a node that did not answer; the advice on submissions only where one was sent."""
    if isinstance(exc, httpx.UnsupportedProtocol):
        return BadArgument(f"{base_url} is not a node's URL (http:// or https://, a host)")
    reason = " ".join(str(exc).split()) or type(exc).__name__
    # A connection never made carried nothing: only a submission cut off after it went may have been taken.
    submitted = submitted and not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
    advice = (
        "; a submission sent may have been accepted all the same "
        "(find_by_digest tells, and anchoring the same statement again is idempotent)"
        if submitted
        else ""
    )
    return NodeUnreachable(f"cannot reach the node at {base_url}: {reason}{advice}", submitted=submitted)


def stream_ended(base_url: httpx.URL, exc: httpx.TransportError | None) -> StreamEnded:
    how = f"cut off ({exc or type(exc).__name__})" if exc is not None else "ended"
    return StreamEnded(f"{base_url}'s event stream {how}: the node stopped, restarted, or went silent")


def _event_lines(chunks: Iterator[bytes], request: str) -> Iterator[str]:
    splitter = _LineSplitter(request)
    for chunk in chunks:
        yield from splitter.feed(chunk)


async def _async_event_lines(chunks: AsyncIterator[bytes], request: str) -> AsyncIterator[str]:
    splitter = _LineSplitter(request)
    async for chunk in chunks:
        for line in splitter.feed(chunk):
            yield line


class _AlertEvents:
    """Picks the ``alert`` events out of a server-sent event stream, line by line.

    An alert event whose data is not an alert is a BadResponseError naming the stream (``request``).
    """

    def __init__(self, request: str) -> None:
        self._request = request
        self._kind: str | None = None

    def feed(self, line: str) -> Mapping[str, Any] | None:
        if line.startswith("event: "):
            self._kind = line[7:].strip()
        elif line.startswith("data: ") and self._kind == "alert":
            try:
                return alert_from_json(decode_json(line[6:]), where="event")
            except BadResponseError as exc:
                raise exc.about(self._request, line) from None
        elif not line:
            self._kind = None
        return None


def _chunks(items: Sequence[Record], size: int) -> Iterator[Sequence[Record]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
