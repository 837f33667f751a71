"""Batch envelopes: one agency signature over the SM3 Merkle root of many statements.

Signing each of a million records is SM2-bound (about 2,000 signatures a second
per core); an envelope signs a small header naming the RFC 9162 root of its
statements once, and each statement's receipt carries its audit path to that
root. The batch tree uses the same leaf and node hashes as the evidence log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from . import cbor
from .gm import SM2PrivateKey
from .merkle import MemoryNodeStore, MerkleLog, verify_inclusion
from .merkle.rfc9162 import leaf_hash
from .schema import FieldError, MapReader, check_version, object_fields
from .signing import (
    Cosigner,
    Signature,
    check_next_cosigner,
    check_signatures,
    cosigners_from_value,
    cosigners_to_value,
    signatures_from_value,
    signatures_to_value,
)
from .statement import AGENCY_CODE, DIGEST_SIZE, MAX_STATEMENT_SIZE, Statement

VERSION: Final = 1
MAX_BATCH_SIZE: Final = 10_000
MAX_PATH_LENGTH: Final = 14  # ⌈log2 10,000⌉
MAX_HEADER_SIZE: Final = 1024  # seven named co-signers take about 350 bytes
PROOF_FIELDS: Final = ("header", "signatures", "index", "path")
MAX_ENVELOPE_SIZE: Final = MAX_BATCH_SIZE * (MAX_STATEMENT_SIZE + 4) + 4096


class BatchError(FieldError):
    code = "bad-batch"


#: A batch's co-signers sign its header once, but the evidence log holds the statements, not the header: each
#: statement names them too, so that who co-signed a record is anchored with it and no header made later, by
#: whoever holds the agency's key, can add a co-signer to a record that had none.
COSIGNERS_IN_BATCH: Final = "a statement in a batch names exactly the co-signers its batch header names"
#: What a verdict says of co-signers a batch header names and its statement does not (an older record's).
UNANCHORED_COSIGNERS: Final = "not named by the statement, so not anchored with it, and not counted"


def _named(value: object) -> tuple[Cosigner, ...]:
    return () if value is None else cosigners_from_value(value, "batch header.cosigners")


@dataclass(frozen=True)
class BatchHeader:
    """What the agency signs: its code and key, the batch size, the SM3 root of the statements, a time,
    and the co-signers who sign the header after the agency (each statement of the batch names them too)."""

    agency: str
    key: bytes
    root: bytes
    size: int
    time: int
    cosigners: tuple[Cosigner, ...] = ()
    version: int = VERSION

    def to_cbor(self) -> bytes:
        value = {
            "v": self.version,
            "type": "batch",
            "hash": "sm3",
            "agency": self.agency,
            "key": self.key,
            "root": self.root,
            "size": self.size,
            "time": self.time,
        }
        if self.cosigners:
            value["cosigners"] = cosigners_to_value(self.cosigners)
        return cbor.encode(value)

    @classmethod
    def from_cbor(cls, data: bytes) -> BatchHeader:
        reader = MapReader(cbor.decode(data, max_size=MAX_HEADER_SIZE, what="batch header"), "batch header")
        version = reader.uint("v")
        check_version(version, (VERSION,), "batch header", BatchError)
        if reader.text("type", max_length=16) != "batch":
            raise reader.error("type", "must be 'batch'")
        if reader.text("hash", max_length=16) != "sm3":
            raise reader.error("hash", "must be 'sm3'")
        header = cls(
            version=version,
            agency=reader.text("agency", max_length=64, pattern=AGENCY_CODE),
            key=reader.bytes("key", size=DIGEST_SIZE),
            root=reader.bytes("root", size=DIGEST_SIZE),
            size=reader.uint("size", maximum=MAX_BATCH_SIZE),
            time=reader.uint("time", maximum=2**53 - 1),
            cosigners=_named(reader.any("cosigners", optional=True)),
        )
        reader.finish()
        if header.size == 0:
            raise reader.error("size", "must be at least 1")
        return header

    def check_signatures(self, header_bytes: bytes, signatures: Sequence[Signature]) -> None:
        """Raise SignatureError unless the agency and then exactly the named co-signers signed these bytes."""
        check_signatures(
            header_bytes, signatures, agency_key_id=self.key, cosigners=self.cosigners, what="batch header"
        )


@dataclass(frozen=True)
class BatchProof:
    """A statement's membership in a signed batch, as a receipt carries it."""

    header: bytes
    signatures: tuple[Signature, ...]
    index: int
    path: tuple[bytes, ...]

    def check(self, statement_bytes: bytes) -> BatchHeader:
        """The batch header, after checking the agency's signature and the statement's path to the root."""
        header = BatchHeader.from_cbor(self.header)
        header.check_signatures(self.header, self.signatures)
        statement = Statement.from_cbor(statement_bytes)
        if (statement.agency, statement.key) != (header.agency, header.key):
            raise BatchError("the statement's agency or key differs from its batch header's", code="batch-mismatch")
        # A statement naming none, under a header naming some, is a record from before statements named them:
        # it verifies, and its header's co-signers are not counted (the log never held them).
        if statement.cosigners and statement.cosigners != header.cosigners:
            raise BatchError(COSIGNERS_IN_BATCH, code="cosigners-in-batch")
        if not verify_inclusion(leaf_hash(statement_bytes), self.index, header.size, self.path, header.root):
            raise BatchError("the statement's path does not lead to the signed batch root", code="bad-batch-path")
        return header

    def to_value(self, *, compact: bool = False) -> dict[str, Any] | list[Any]:
        """A map, or with ``compact`` (receipt v2) the array of PROOF_FIELDS, the path's hashes in one byte string."""
        signatures = signatures_to_value(self.signatures, compact=compact)
        if compact:
            return [self.header, signatures, self.index, b"".join(self.path)]
        return {"header": self.header, "signatures": signatures, "index": self.index, "path": list(self.path)}

    @classmethod
    def from_value(cls, value: Any, what: str = "batch", *, compact: bool = False) -> BatchProof:
        reader = object_fields(value, what, PROOF_FIELDS, compact=compact)
        proof = cls(
            header=reader.bytes("header", max_size=MAX_HEADER_SIZE),
            signatures=signatures_from_value(reader.list("signatures"), f"{what}.signatures", compact=compact),
            index=reader.uint("index", maximum=MAX_BATCH_SIZE - 1),
            path=tuple(reader.hashes("path", max_items=MAX_PATH_LENGTH, packed=compact)),
        )
        reader.finish()
        return proof


@dataclass(frozen=True)
class BatchEnvelope:
    """A signed batch header and the statements (their CBOR bytes) whose root it names."""

    header: bytes
    signatures: tuple[Signature, ...]
    statements: tuple[bytes, ...]

    @classmethod
    def build(
        cls,
        statements: Sequence[Statement],
        agency_key: SM2PrivateKey,
        time: int,
        cosigners: Sequence[Cosigner] = (),
    ) -> BatchEnvelope:
        if not 0 < len(statements) <= MAX_BATCH_SIZE:
            raise BatchError(f"a batch holds 1 to {MAX_BATCH_SIZE} statements")
        first = statements[0]
        encoded = tuple(s.to_cbor() for s in statements)
        header = BatchHeader(
            agency=first.agency,
            key=agency_key.public_key().key_id,
            root=_tree(encoded).root(),
            size=len(encoded),
            time=time,
            cosigners=tuple(cosigners),
        )
        header_bytes = header.to_cbor()
        envelope = cls(header_bytes, (Signature.create(agency_key, header_bytes, "agency"),), encoded)
        envelope.parse()
        return envelope

    def cosign(self, key: SM2PrivateKey, role: str) -> BatchEnvelope:
        """A copy with one more signature over the header, by the next co-signer the header names."""
        named = BatchHeader.from_cbor(self.header).cosigners
        check_next_cosigner(named, len(self.signatures), Cosigner.of(key, role), "batch header")
        return BatchEnvelope(self.header, (*self.signatures, Signature.create(key, self.header, role)), self.statements)

    def parse(self) -> tuple[BatchHeader, list[Statement]]:
        """Check the structure (not the signatures): the header matches the statements it covers."""
        header = BatchHeader.from_cbor(self.header)
        if header.size != len(self.statements):
            raise BatchError(f"batch header says {header.size} statements, the envelope has {len(self.statements)}")
        if len(set(self.statements)) != len(self.statements):
            raise BatchError("a statement appears twice in the batch", code="duplicate-in-batch")
        parsed = []
        for position, data in enumerate(self.statements):
            statement = Statement.from_cbor(data)
            if (statement.agency, statement.key) != (header.agency, header.key):
                raise BatchError(
                    f"statement {position} names agency/key other than the batch header's", code="batch-mismatch"
                )
            if statement.cosigners != header.cosigners:
                raise BatchError(f"statement {position}: {COSIGNERS_IN_BATCH}", code="cosigners-in-batch")
            parsed.append(statement)
        if _tree(self.statements).root() != header.root:
            raise BatchError("the batch root does not match the statements", code="bad-batch-root")
        return header, parsed

    def check(self) -> tuple[BatchHeader, list[Statement]]:
        """``parse`` plus the agency's and co-signers' signatures over the header."""
        header, statements = self.parse()
        header.check_signatures(self.header, self.signatures)
        return header, statements

    def proofs(self) -> list[BatchProof]:
        """Each statement's audit path to the batch root, in order."""
        tree = _tree(self.statements)
        size = len(self.statements)
        return [BatchProof(self.header, self.signatures, i, tuple(tree.inclusion_proof(i, size))) for i in range(size)]

    def to_value(self) -> dict[str, Any]:
        return {
            "header": self.header,
            "signatures": signatures_to_value(self.signatures),
            "statements": list(self.statements),
        }

    def to_cbor(self) -> bytes:
        return cbor.encode(self.to_value())

    @classmethod
    def from_value(cls, value: Any, what: str = "batch envelope") -> BatchEnvelope:
        reader = MapReader(value, what)
        header = reader.bytes("header", max_size=MAX_HEADER_SIZE)
        signatures = signatures_from_value(reader.list("signatures"), f"{what}.signatures")
        statements = reader.list("statements", max_items=MAX_BATCH_SIZE)
        for position, item in enumerate(statements):
            if type(item) is not bytes or len(item) > MAX_STATEMENT_SIZE:
                raise BatchError(f"{what}.statements[{position}] must be a statement's bytes")
        reader.finish()
        return cls(header, signatures, tuple(statements))

    @classmethod
    def from_cbor(cls, data: bytes) -> BatchEnvelope:
        return cls.from_value(cbor.decode(data, max_size=MAX_ENVELOPE_SIZE, what="batch envelope"))


def _tree(statements: Sequence[bytes]) -> MerkleLog:
    tree = MerkleLog(MemoryNodeStore())
    tree.append_many(statements)
    return tree
