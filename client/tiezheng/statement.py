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
from functools import lru_cache
from typing import Any, Final

from . import cbor
from .errors import DecodeError
from .evidence_id import EvidenceId
from .gm import sm3
from .schema import FieldError, check_text, check_version
from .signing import Cosigner, cosigners_from_value, cosigners_to_value

VERSION: Final = 1
VERSIONS: Final = (VERSION,)
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
KIND_PROCESS_STEP: Final = "process-step"
KIND_ALERT: Final = "alert"
AGENCY_CODE: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")
KIND: Final = re.compile(r"[a-z][a-z0-9-]{0,31}")
META_KEY: Final = re.compile(r"[a-z][a-z0-9_.-]{0,31}")

MetaValue = str | int | bytes | bool


class StatementError(FieldError):
    code = "bad-statement"


_REQUIRED: Final = ("v", "kind", "digest", "agency", "key", "time")
_FIELDS: Final = frozenset((*_REQUIRED, "subject", "operator", "stage", "prev", "meta", "cosigners"))


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
    #: Who signs the statement besides the agency, in order: the signed statement must carry exactly their
    #: signatures. Named here, inside the bytes the agency signs and the log holds, so none can be added or
    #: removed later.
    cosigners: tuple[Cosigner, ...] = ()
    version: int = VERSION
    _encoded: bytes = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        value = self.to_value()
        _check_value(value)
        encoded = cbor.encode(value)
        if len(encoded) > MAX_STATEMENT_SIZE:
            raise StatementError(f"statement is larger than {MAX_STATEMENT_SIZE} bytes")
        object.__setattr__(self, "_encoded", encoded)

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
        if self.meta is not None:
            value["meta"] = dict(self.meta) if isinstance(self.meta, Mapping) else self.meta
        if self.cosigners:
            value["cosigners"] = cosigners_to_value(self.cosigners)
        return value

    def to_cbor(self) -> bytes:
        """The statement's deterministic CBOR: what is signed, logged and hashed."""
        return self._encoded

    @classmethod
    def from_cbor(cls, data: bytes) -> Statement:
        """Decode strictly: canonical CBOR, known version, every field present, typed and in bounds."""
        value = decode_statement(data)
        statement = object.__new__(cls)
        for name, key in _ATTRIBUTES:
            object.__setattr__(statement, name, value.get(key))
        cosigners = value.get("cosigners")
        object.__setattr__(statement, "cosigners", () if cosigners is None else _cosigners(cosigners))
        object.__setattr__(statement, "_encoded", bytes(data))
        return statement

    @property
    def hash(self) -> bytes:
        """SM3 of the statement's bytes: its identity."""
        return sm3(self._encoded)

    @property
    def prev_id(self) -> EvidenceId | None:
        return EvidenceId.parse(self.prev) if self.prev is not None else None


_ATTRIBUTES: Final = (
    ("version", "v"),
    ("kind", "kind"),
    ("digest", "digest"),
    ("agency", "agency"),
    ("key", "key"),
    ("time", "time"),
    ("subject", "subject"),
    ("operator", "operator"),
    ("stage", "stage"),
    ("prev", "prev"),
    ("meta", "meta"),
)


def decode_statement(data: bytes) -> dict[str, Any]:
    """A statement's CBOR value, after every check ``Statement.from_cbor`` makes, without building the object.

    For the node's admission, which checks statements by the million and needs only a few fields.
    """
    value = cbor.decode(data, max_size=MAX_STATEMENT_SIZE, what="statement", types_checked_by_caller=True)
    try:
        _check_value(value)
    except StatementError:
        # Every field's type is checked, so only a refused statement can hold a type CBOR here
        # lacks; that is named first (bad-cbor), as by the browser's decoder, whatever rule failed.
        cbor.check_plain(value, "statement")
        raise
    return value  # type: ignore[no-any-return]


def _check_value(value: Any) -> None:
    """Every rule of a statement, on its CBOR value: one place for building and for decoding."""
    if type(value) is not dict:
        raise StatementError("a statement is a map")
    # The version first: a newer statement may have other fields, and is newer before it is anything else.
    version = value.get("v", _ABSENT)
    if version is not _ABSENT:
        if type(version) is not int or version < 0:
            raise StatementError("statement.v must be an unsigned integer")
        check_version(version, VERSIONS, "statement", StatementError)
    for name in _REQUIRED:
        if name not in value:
            raise StatementError(f"statement.{name} is missing", code="missing-field")
    if len(value) > len(_REQUIRED) and not _FIELDS.issuperset(value):
        extra = set(value) - _FIELDS
        if any(type(key) is not str for key in extra):  # the decoder left key types to this check
            raise StatementError("statement has a map key that is not text", code="bad-cbor")
        unknown = sorted(extra)[0]
        raise StatementError(f"statement has unknown field {unknown!r}", code="unknown-field")
    kind = value["kind"]
    if type(kind) is not str or kind not in KINDS:  # every registered kind matches KIND
        _check_private_kind(kind)
    agency = value["agency"]
    if type(agency) is not str or not _is_agency_code(agency):
        raise StatementError(f"statement.agency must match {AGENCY_CODE.pattern}")
    for name in ("digest", "key", "subject", "operator"):
        digest = value.get(name, _ABSENT)
        if digest is _ABSENT and name in ("subject", "operator"):
            continue
        if type(digest) is not bytes or len(digest) != DIGEST_SIZE:
            raise StatementError(f"statement.{name} must be {DIGEST_SIZE} bytes (an SM3 digest)")
    time = value["time"]
    if type(time) is not int or not 0 <= time < 2**53:
        raise StatementError("statement.time must be milliseconds since the epoch, an unsigned integer below 2^53")
    stage = value.get("stage")
    if stage is not None or "stage" in value:
        if type(stage) is not str:
            raise StatementError("statement.stage must be text")
        try:
            check_text(stage, "statement.stage", max_length=32)
        except FieldError as exc:
            raise StatementError(exc.message) from None
    if "prev" in value:
        prev = value["prev"]
        if type(prev) is not str:
            raise StatementError("statement.prev must be text (an evidence ID)")
        try:
            EvidenceId.parse(prev)  # any spelling it reads: records logged before admission asked for one
        except DecodeError as exc:
            raise StatementError(f"statement.prev: {exc.message}", code=exc.code) from None
    if "meta" in value:
        _check_meta(value["meta"])
    if "cosigners" in value:
        _cosigners(value["cosigners"])


def _cosigners(value: Any) -> tuple[Cosigner, ...]:
    try:
        return cosigners_from_value(value, "statement.cosigners")
    except FieldError as exc:
        raise StatementError(exc.message, code=exc.code) from None


_ABSENT: Final = object()


def _check_private_kind(kind: Any) -> None:
    if type(kind) is not str or not KIND.fullmatch(kind):
        raise StatementError(f"statement.kind must match {KIND.pattern}")
    if kind not in KINDS and not kind.startswith("x-"):
        raise StatementError(f"statement.kind {kind!r} is not a registered kind (private kinds start with 'x-')")


@lru_cache(maxsize=4096)
def _is_agency_code(agency: str) -> bool:
    """Cached: a node checks the same few agencies' codes on millions of statements."""
    return AGENCY_CODE.fullmatch(agency) is not None


def subject_hash(case_number: str, salt: bytes = b"") -> bytes:
    """SM3(salt ‖ case number): a matter's pseudonymous subject. Salt it when the number is guessable."""
    return sm3(salt + case_number.encode("utf-8"))


#: The least salt an agency hashes case numbers, document numbers and officials' IDs with.
MIN_SALT_BYTES: Final = 16

#: How a document's number appears on chain: the salted SM3, never the number (see document_number_hash).
DOCUMENT_NUMBER_PATTERN: Final = re.compile(r"sm3:[0-9a-f]{64}")


def document_number_hash(number: str, agency_salt: bytes) -> str:
    """``sm3:`` and the hex SM3(agency salt ‖ document number): a document's number as it goes on chain.

    Some numbers identify a person (a birth certificate's), so the plain number never
    goes on chain; the agency holding the salt, or a court it gives it to, recomputes it.
    """
    if len(agency_salt) < MIN_SALT_BYTES:
        raise ValueError(f"the agency salt must be at least {MIN_SALT_BYTES} bytes")
    return "sm3:" + sm3(agency_salt + number.encode("utf-8")).hex()


def operator_hash(agency_salt: bytes, official_id: str) -> bytes:
    """SM3(agency salt ‖ official's ID): pseudonymous on chain, resolvable by the agency that holds the salt."""
    if len(agency_salt) < MIN_SALT_BYTES:
        raise ValueError(f"the agency salt must be at least {MIN_SALT_BYTES} bytes")
    return sm3(agency_salt + official_id.encode("utf-8"))


def _check_meta(meta: Any) -> None:
    if type(meta) is not dict:
        raise StatementError("statement.meta must be a map")
    if not meta:
        raise StatementError("statement.meta must be omitted rather than empty")
    if len(meta) > MAX_META_ENTRIES:
        raise StatementError(f"statement.meta must have at most {MAX_META_ENTRIES} entries")
    for key, value in meta.items():
        if type(key) is not str:
            raise StatementError("statement.meta keys must be text")
        if not META_KEY.fullmatch(key):
            raise StatementError(f"statement.meta keys must match {META_KEY.pattern}")
        where = f"statement.meta.{key}"
        if type(value) is str:
            try:
                check_text(value, where, max_length=256)
            except FieldError as exc:
                raise StatementError(exc.message) from None
        elif type(value) is bytes:
            if len(value) > 64:
                raise StatementError(f"{where} must be at most 64 bytes")
        elif type(value) is int:
            if not -(2**63) <= value < 2**63:
                raise StatementError(f"{where} must fit in 64 bits")
        elif type(value) is not bool:
            raise StatementError(f"{where} must be text, bytes, an integer or a boolean")
    if len(cbor.encode(dict(meta))) > MAX_META_SIZE:
        raise StatementError(f"statement.meta must encode to at most {MAX_META_SIZE} bytes")
