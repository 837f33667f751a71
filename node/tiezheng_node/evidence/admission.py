"""Admission: only registered, unrevoked agencies' correctly signed, well-formed statements get in.

For a signed statement or a batch envelope, admission checks, in order: the
encoding (strict deterministic CBOR, size limits, every field), that the agency
the statement names is registered and active and that the statement's key id is
its registered SM2 key, every SM2 signature (the agency's and any co-signers'),
and, for an envelope, that its root is the root of its statements. Statements
already logged or already pending are not admitted twice: their existing
evidence IDs are returned. Every refusal is an ``EvidenceRejected`` carrying a
machine-readable code and the HTTP status that fits it; nothing is written
before every check has passed.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from typing import Final

import cbor2

from tiezheng.batch import MAX_BATCH_SIZE, BatchEnvelope, BatchHeader
from tiezheng.errors import TiezhengError
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import get_backend, sm3
from tiezheng.merkle.rfc9162 import LEAF_PREFIX
from tiezheng.signed_statement import SignedStatement
from tiezheng.signing import SignatureError, cosigners_to_value
from tiezheng.statement import Statement

from ..execution.registry import AgencyInfo
from .checks import check_statements, written_refusal
from .items import BatchInfo, Entry, Submission
from .workers import CheckWorkers, WorkerFailed

log = logging.getLogger("tiezheng.admission")

MAX_STATEMENTS_PER_REQUEST: Final = MAX_BATCH_SIZE
#: Envelopes at least this large are checked in a worker process (below it, sending them costs more than it saves).
PARALLEL_THRESHOLD: Final = 1_000
#: Kinds an envelope may not carry: process steps follow one another, alerts come from the chain itself.
RESERVED_IN_BATCHES: Final = ("process-step", "alert")


class EvidenceRejected(Exception):
    """A submission refused; ``code`` is machine-readable, ``status`` the HTTP status to answer with."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status

    @property
    def message(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Admitted:
    """What admission decided: the submission to reserve (None if nothing is new) and each statement's fate."""

    submission: Submission | None
    #: For each statement submitted, in order: the leaf index it already has, or None if it is new
    #: (or, in an envelope, not looked up yet: the pool finds those as it reserves the submission).
    existing: list[int | None]
    #: For each statement submitted, in order: its leaf hash, SM3(0x00 ‖ statement), which identifies it.
    leaf_hashes: list[bytes]
    #: The first statement's bytes (what a single-statement answer reports the hash of).
    first_statement: bytes
    #: Called if the submission is not accepted after all (it gives back what a check took, e.g. a matter's hold).
    release: Callable[[], None] | None = None
    #: The pending pool's ``undone`` count before ``existing`` was looked up, when a statement was found there:
    #: if a failed write undoes reservations meanwhile, an index found pending may name another record by now.
    since: int | None = None


AgencyLookup = Callable[[str], AgencyInfo | None]
#: A further check of a statement by kind (the process trail's); raises EvidenceRejected, may return a release.
StatementCheck = Callable[[Statement, bool], Callable[[], None] | None]
Locate = Callable[[bytes, bytes, bytes], int | None]  # (leaf hash, statement, digest) → leaf index, logged or pending


class Admission:
    def __init__(
        self,
        agency: AgencyLookup,
        locate: Locate,
        *,
        workers: CheckWorkers | None = None,
        undone: Callable[[], int] = lambda: 0,
        chain_code: str | None = None,
        next_index: Callable[[], int] | None = None,
    ) -> None:
        self._agency = agency
        self._locate = locate
        self._chain_code = chain_code
        self._next_index = next_index
        self._undone = undone
        self._workers = workers
        self._verifiers = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="sm2-verify")
        self.statement_check: StatementCheck | None = None

    def close(self) -> None:
        self._verifiers.shutdown(wait=False, cancel_futures=True)

    def signed_statement(self, data: bytes, *, alone: bool = True) -> Admitted:
        """Admit one signed statement (its CBOR bytes); ``alone`` unless it came in a request of several."""
        try:
            signed = SignedStatement.from_cbor(data)
        except TiezhengError as exc:
            raise EvidenceRejected(f"the signed statement is malformed: {exc.message}", exc.code) from None
        statement = signed.statement
        refusal = written_refusal(statement.stage, statement.meta, statement.prev)
        if refusal is not None:
            raise EvidenceRejected(*refusal)
        self._check_agency(signed.statement)
        _checked(lambda: signed.check())
        statement_bytes = signed.statement.to_cbor()
        entry = entry_for(signed.statement, statement_bytes, signed.signatures, 0)
        since = self._undone()
        found = self._locate(entry.leaf_hash, statement_bytes, signed.statement.digest)
        if found is not None:  # logged before: its ID, whatever rules came since (a retry stays idempotent)
            return Admitted(None, [found], [entry.leaf_hash], statement_bytes, since=since)
        if statement.prev is not None:
            self._check_prev(statement.prev, "statement.prev")
        release = self.statement_check(signed.statement, alone) if self.statement_check is not None else None
        submission = Submission("s", data, [entry], None, _now_ms())
        return Admitted(submission, [None], [entry.leaf_hash], statement_bytes, release)

    def from_chain(self, data: bytes) -> Admitted:
        """A signed statement a transaction anchored through EvidenceRegistry: the precompile checked it in the EVM."""
        try:
            signed = SignedStatement.from_cbor(data)
        except TiezhengError as exc:
            raise EvidenceRejected(f"the signed statement is malformed: {exc.message}", exc.code) from None
        statement_bytes = signed.statement.to_cbor()
        entry = entry_for(signed.statement, statement_bytes, signed.signatures, 0)
        since = self._undone()
        found = self._locate(entry.leaf_hash, statement_bytes, signed.statement.digest)
        if found is not None:
            return Admitted(None, [found], [entry.leaf_hash], statement_bytes, since=since)
        return Admitted(Submission("s", data, [entry], None, _now_ms()), [None], [entry.leaf_hash], statement_bytes)

    def signed_statements(self, items: Sequence[bytes]) -> list[Admitted]:
        """Admit up to 10,000 individually signed statements; all are checked before any is admitted.

        SM2 verification releases the GIL (it runs in libcrypto), so the statements
        are checked on a thread per core.
        """
        if not 0 < len(items) <= MAX_STATEMENTS_PER_REQUEST:
            raise EvidenceRejected(f"send 1 to {MAX_STATEMENTS_PER_REQUEST} statements at a time", "batch-size")

        def one(position: int) -> Admitted:
            try:
                return self.signed_statement(items[position], alone=len(items) == 1)
            except EvidenceRejected as exc:
                raise EvidenceRejected(f"statement {position}: {exc.message}", exc.code, exc.status) from None

        admitted = list(self._verifiers.map(one, range(len(items)))) if len(items) > 1 else [one(0)]
        seen: set[bytes] = set()
        for position, result in enumerate(admitted):
            if result.submission is not None:
                leaf_hash = result.submission.entries[0].leaf_hash
                if leaf_hash in seen:
                    raise EvidenceRejected(f"statement {position} appears twice in the request", "duplicate-in-batch")
                seen.add(leaf_hash)
        return admitted

    def envelope(self, data: bytes, *, reserved: tuple[str, ...] = RESERVED_IN_BATCHES) -> Admitted:
        """Admit a batch envelope: one agency signature over the SM3 root of up to 10,000 statements.

        Kinds in ``reserved`` are refused in envelopes; the node's own alert batches allow alerts.
        """
        try:
            envelope = BatchEnvelope.from_cbor(data)
            header = BatchHeader.from_cbor(envelope.header)
        except TiezhengError as exc:
            raise EvidenceRejected(f"the batch envelope is malformed: {exc.message}", exc.code) from None
        if header.size != len(envelope.statements):
            raise EvidenceRejected(
                f"the batch header says {header.size} statements, the envelope has {len(envelope.statements)}",
                "bad-batch",
            )
        agency = self._registered(header.agency, header.key)
        _checked(lambda: header.check_signatures(envelope.header, envelope.signatures))
        statements = list(envelope.statements)
        cosigners = cosigners_to_value(header.cosigners) if header.cosigners else None
        checked = None
        if self._workers is not None and len(statements) >= PARALLEL_THRESHOLD:
            try:
                checked = self._workers.check(statements, agency.code, header.key, cosigners)
            except WorkerFailed:
                log.warning("an admission worker failed; checking the envelope in the main process")
        if checked is None:
            checked = check_statements(statements, agency.code, header.key, cosigners)
        if checked.error is not None:
            raise EvidenceRejected(*checked.error)
        if checked.root != header.root:
            raise EvidenceRejected("the batch root is not the root of its statements", "bad-batch-root")
        for position, prev in checked.prevs.items():
            self._check_prev(prev, f"statement {position}: statement.prev")
        for kind in reserved:
            if kind in checked.kinds:
                position = checked.kinds.index(kind)
                if kind == "alert":
                    raise EvidenceRejected(
                        f"statement {position} is an alert: the chain's supervision raises those, nobody submits them",
                        "reserved-kind",
                        403,
                    )
                raise EvidenceRejected(
                    f"statement {position} is a {kind}: those are submitted one at a time, not in envelopes",
                    "process-step-in-batch",
                    422,
                )
        count = len(statements)
        fields = zip(
            statements,
            checked.leaf_hashes,
            checked.digests,
            repeat(agency.code, count),
            checked.kinds,
            checked.subjects,
            repeat((), count),
            range(count),
            strict=True,
        )
        entries = list(map(_entry_from_fields, fields))
        batch = BatchInfo(envelope.header, envelope.signatures, tuple(statements))
        # Which statements are logged or pending already is asked once, by the pool as it reserves the
        # rest (under its lock, where the answer cannot change): asking here too would double the cost.
        submission = Submission("b", b"", entries, batch, _now_ms())
        return Admitted(submission, [None] * count, checked.leaf_hashes, envelope.statements[0])

    def _check_prev(self, prev: str, where: str) -> None:
        """Refuse a chain-of-custody link to another chain's record, or to one this chain has not accepted:
        its index would later name whatever record is given it.

        The bound is read without the pending pool's lock: it only grows, save when a failed
        write gives reservations back, after which the store takes no more writes anyway."""
        link = EvidenceId.parse(prev)  # decoding read it already
        if self._chain_code is not None and link.chain != self._chain_code:
            raise EvidenceRejected(
                f"{where} {prev} names a record of chain {link.chain}; a link names a record of this chain "
                f"({self._chain_code})",
                "wrong-chain",
            )
        if self._next_index is not None and link.index >= self._next_index():
            raise EvidenceRejected(
                f"{where} {prev} names no record this chain has accepted: a link names an earlier record",
                "unknown-prev",
                422,
            )

    def _check_agency(self, statement: Statement) -> AgencyInfo:
        return self._registered(statement.agency, statement.key)

    def _registered(self, code: str, key_id: bytes) -> AgencyInfo:
        agency = self._agency(code)
        if agency is None:
            raise EvidenceRejected(f"agency {code!r} is not registered on this chain", "unknown-agency", 403)
        if not agency.active:
            raise EvidenceRejected(f"agency {code!r} was revoked at block {agency.revoked_at}", "agency-revoked", 403)
        if sm3(agency.public_key) != key_id:
            raise EvidenceRejected(
                f"the statement's key is not the SM2 key registered for agency {code!r}", "wrong-agency-key", 403
            )
        return agency


# Entry(*fields) runs a Python-level __new__ per record; this builds the same tuple in C (an envelope has 10,000).
_entry_from_fields: Final = partial(tuple.__new__, Entry)


def entry_for(statement: Statement, statement_bytes: bytes, signatures: tuple, position: int) -> Entry:
    return Entry(
        statement=statement_bytes,
        leaf_hash=sm3(LEAF_PREFIX + statement_bytes),
        digest=statement.digest,
        agency=statement.agency,
        kind=statement.kind,
        subject=statement.subject,
        signatures=signatures,
        position=position,
    )


def stored_entries(statements: Sequence[bytes]) -> list[Entry]:
    """The entries of an envelope's statements read back from this node's own store at start-up.

    Admission checked them when it accepted them; decoding them again with every check
    was most of a restart with a million records pending.
    """
    sm3_of = get_backend().sm3
    entries = []
    for position, data in enumerate(statements):
        value = cbor2.loads(data)
        fields = (data, sm3_of(LEAF_PREFIX + data), value["digest"], value["agency"], value["kind"])
        entries.append(_entry_from_fields((*fields, value.get("subject"), (), position)))
    return entries


#: Said with a signature that does not verify: what signers who are not the SDK most often get wrong.
SIGNATURE_HINT: Final = (
    "SM2 with SM3 over exactly the signed CBOR bytes, with the signer ID 1234567812345678 in its Z value "
    "(openssl dgst -sm3 -sign KEY -sigopt distid:1234567812345678), DER-encoded"
)


def _checked(check: Callable[[], None]) -> None:
    try:
        check()
    except SignatureError as exc:
        message = exc.message
        if exc.code in ("bad-agency-signature", "bad-cosignature"):
            message = f"{message}: it must be {SIGNATURE_HINT}"
        raise EvidenceRejected(message, exc.code, 400) from None


def _now_ms() -> int:
    return int(time.time() * 1000)
