"""A statement with its signatures, as an agency submits it one at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from . import cbor
from .gm import SM2PrivateKey
from .schema import FieldError, MapReader
from .signing import (
    Cosigner,
    Signature,
    check_next_cosigner,
    check_signatures,
    signatures_from_value,
    signatures_to_value,
)
from .statement import MAX_STATEMENT_SIZE, Statement

MAX_SIGNED_STATEMENT_SIZE: Final = MAX_STATEMENT_SIZE + 1024


@dataclass(frozen=True)
class SignedStatement:
    statement: Statement
    signatures: tuple[Signature, ...]

    @classmethod
    def sign(cls, statement: Statement, agency_key: SM2PrivateKey) -> SignedStatement:
        if agency_key.public_key().key_id != statement.key:
            raise FieldError("statement.key is not the key id of the signing key", code="agency-key-mismatch")
        return cls(statement, (Signature.create(agency_key, statement.to_cbor(), "agency"),))

    def cosign(self, key: SM2PrivateKey, role: str) -> SignedStatement:
        """A copy with one more signature, by the next co-signer the statement names (official, notary, …)."""
        check_next_cosigner(self.statement.cosigners, len(self.signatures), Cosigner.of(key, role), "statement")
        return SignedStatement(
            self.statement, (*self.signatures, Signature.create(key, self.statement.to_cbor(), role))
        )

    def check(self) -> None:
        """Raise SignatureError unless the agency's and every co-signer's signature verifies."""
        check_signatures(
            self.statement.to_cbor(),
            self.signatures,
            agency_key_id=self.statement.key,
            cosigners=self.statement.cosigners,
            what="statement",
        )

    def to_value(self) -> dict[str, Any]:
        return {"statement": self.statement.to_cbor(), "signatures": signatures_to_value(self.signatures)}

    def to_cbor(self) -> bytes:
        return cbor.encode(self.to_value())

    @classmethod
    def from_value(cls, value: Any, what: str = "signed statement") -> SignedStatement:
        reader = MapReader(value, what)
        statement = Statement.from_cbor(reader.bytes("statement", max_size=MAX_STATEMENT_SIZE))
        signatures = signatures_from_value(reader.list("signatures"), f"{what}.signatures")
        reader.finish()
        return cls(statement, signatures)

    @classmethod
    def from_cbor(cls, data: bytes) -> SignedStatement:
        return cls.from_value(cbor.decode(data, max_size=MAX_SIGNED_STATEMENT_SIZE, what="signed statement"))
