"""The evidence statement: what an agency attests about one record (DESIGN "Protocol objects").

A statement is a deterministic CBOR map. Its bytes are what the agency signs, the
leaf of the evidence log, and the record's identity: the same statement anchored
twice gets the same evidence ID. It carries digests, never the record or any
plain personal data: the subject and the operator are SM3 digests only the
agency can link back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from . import cbor
from .errors import DecodeError
from .evidence_id import EvidenceId
from .gm import sm3
from .schema import FieldError, MapReader, check_text

VERSION: Final = 1
DIGEST_SIZE: Final = 32
MAX_STATEMENT_SIZE: Final = 2048
MAX_META_SIZE: Final = 1024
MAX_META_ENTRIES: Final = 16

#: The registry of kinds (docs/receipt-format.md). Private kinds start with "x-".
KINDS: Final = {
    "signature": "签名 — an official's signature on a document",
    "permit": "许可 — an administrative permit or licence decision",
    "enforcement-record": "执法记录 — an on-site enforcement record (text, photo, audio, video)",
    "conclusion": "结论 — an investigation or review conclusion",
    "process-step": "流程节点 — one step of a matter's workflow",
    "publication": "公示 — a decision published to the public",
    "document": "文书 — any other official document",
    "workflow-template": "流程模板 — a workflow template's definition",
    "alert": "预警 — an overdue or warning event raised by the chain",
}
AGENCY_CODE: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")
KIND: Final = re.compile(r"[a-z][a-z0-9-]{0,31}")
META_KEY: Final = re.compile(r"[a-z][a-z0-9_.-]{0,31}")

MetaValue = str | int | bytes | bool


class StatementError(FieldError):
    code = "bad-statement"


@dataclass(frozen=True)
class Statement:
    kind: str
    digest: bytes
    agency: str
    key: bytes
    time: int
    subject: bytes | None = None
    operator: bytes | None = None
    stage: str | None = None
    prev: str | None = None
    meta: Mapping[str, MetaValue] | None = field(default=None, hash=False)
    version: int = VERSION

    def __post_init__(self) -> None:
        try:
            _validate(self)
        except FieldError as exc:
            raise StatementError(exc.message, code=exc.code if exc.code != "bad-field" else "bad-statement") from None

    def to_value(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "v": self.version,
            "kind": self.kind,
            "digest": self.digest,
            "agency": self.agency,
            "key": self.key,
            "time": self.time,
        }
        for name in ("subject", "operator", "stage", "prev"):
            if getattr(self, name) is not None:
                value[name] = getattr(self, name)
        if self.meta:
            value["meta"] = dict(self.meta)
        return value

    def to_cbor(self) -> bytes:
        return cbor.encode(self.to_value())

    @classmethod
    def from_cbor(cls, data: bytes) -> Statement:
        """Decode strictly: canonical CBOR, known version, every field present, typed and in bounds."""
        try:
            return cls._from_value(cbor.decode(data, max_size=MAX_STATEMENT_SIZE, what="statement"))
        except FieldError as exc:
            if exc.code == "bad-field":
                raise StatementError(exc.message) from None
            raise

    @classmethod
    def _from_value(cls, value: Any) -> Statement:
        reader = MapReader(value, "statement")
        version = reader.uint("v")
        if version != VERSION:
            raise StatementError(
                f"statement version {version} is not supported (this build reads {VERSION})", code="unsupported-version"
            )
        statement = cls(
            version=version,
            kind=reader.text("kind", max_length=32),
            digest=reader.bytes("digest", size=DIGEST_SIZE),
            agency=reader.text("agency", max_length=64),
            key=reader.bytes("key", size=DIGEST_SIZE),
            time=reader.uint("time"),
            subject=reader.bytes("subject", size=DIGEST_SIZE, optional=True),
            operator=reader.bytes("operator", size=DIGEST_SIZE, optional=True),
            stage=reader.text("stage", max_length=32, optional=True),
            prev=reader.text("prev", max_length=32, optional=True),
            meta=reader.any("meta", optional=True),
        )
        reader.finish()
        return statement

    @property
    def hash(self) -> bytes:
        """SM3 of the statement's bytes: its identity."""
        return sm3(self.to_cbor())

    @property
    def prev_id(self) -> EvidenceId | None:
        return EvidenceId.parse(self.prev) if self.prev is not None else None


def subject_hash(case_number: str, salt: bytes = b"") -> bytes:
    """SM3(salt ‖ case number): a matter's pseudonymous subject. Salt it when the number is guessable."""
    return sm3(salt + case_number.encode("utf-8"))


def operator_hash(agency_salt: bytes, official_id: str) -> bytes:
    """SM3(agency salt ‖ official's ID): pseudonymous on chain, resolvable by the agency that holds the salt."""
    if len(agency_salt) < 16:
        raise ValueError("the agency salt must be at least 16 bytes")
    return sm3(agency_salt + official_id.encode("utf-8"))


def _validate(s: Statement) -> None:
    if type(s.version) is not int or s.version != VERSION:
        raise StatementError(f"statement version {s.version} is not supported", code="unsupported-version")
    check_text(s.kind, "statement.kind", max_length=32, pattern=KIND)
    if s.kind not in KINDS and not s.kind.startswith("x-"):
        raise FieldError(f"statement.kind {s.kind!r} is not a registered kind (private kinds start with 'x-')")
    check_text(s.agency, "statement.agency", max_length=64, pattern=AGENCY_CODE)
    for name in ("digest", "key", "subject", "operator"):
        value = getattr(s, name)
        if value is None and name in ("subject", "operator"):
            continue
        if type(value) is not bytes or len(value) != DIGEST_SIZE:
            raise FieldError(f"statement.{name} must be {DIGEST_SIZE} bytes (an SM3 digest)")
    if type(s.time) is not int or not 0 <= s.time < 2**53:
        raise FieldError("statement.time must be milliseconds since the epoch, an unsigned integer below 2^53")
    if s.stage is not None:
        check_text(s.stage, "statement.stage", max_length=32)
    if s.prev is not None:
        if type(s.prev) is not str:
            raise FieldError("statement.prev must be text (an evidence ID)")
        try:
            EvidenceId.parse(s.prev)
        except DecodeError as exc:
            raise FieldError(f"statement.prev: {exc.message}", code=exc.code) from None
    if s.meta is not None:
        _validate_meta(s.meta)
    if len(s.to_cbor()) > MAX_STATEMENT_SIZE:
        raise FieldError(f"statement is larger than {MAX_STATEMENT_SIZE} bytes")


def _validate_meta(meta: Any) -> None:
    if not isinstance(meta, Mapping):
        raise FieldError("statement.meta must be a map")
    if not meta:
        raise FieldError("statement.meta must be omitted rather than empty")
    if len(meta) > MAX_META_ENTRIES:
        raise FieldError(f"statement.meta must have at most {MAX_META_ENTRIES} entries")
    for key, value in meta.items():
        if type(key) is not str:
            raise FieldError("statement.meta keys must be text")
        check_text(key, "statement.meta key", max_length=32, pattern=META_KEY)
        where = f"statement.meta.{key}"
        if type(value) is str:
            check_text(value, where, max_length=256)
        elif type(value) is bytes:
            if len(value) > 64:
                raise FieldError(f"{where} must be at most 64 bytes")
        elif type(value) is int:
            if not -(2**63) <= value < 2**63:
                raise FieldError(f"{where} must fit in 64 bits")
        elif type(value) is not bool:
            raise FieldError(f"{where} must be text, bytes, an integer or a boolean")
    if len(cbor.encode(dict(meta))) > MAX_META_SIZE:
        raise FieldError(f"statement.meta must encode to at most {MAX_META_SIZE} bytes")
