"""Signatures on statements and batch headers: the agency's, then any co-signers' (official, notary, …).

Every signer signs the same bytes with SM2 (SM3, default user ID
1234567812345678) and ships its public key beside the signature, so each
signature checks on its own. The first signature must be the agency's, under the
key the signed object names.

The signed object also names its co-signers (``cosigners``: role and key id, in
order), and the signatures after the agency's must be exactly theirs. The
signatures themselves are not in the evidence log, only the object they sign;
naming the co-signers inside it is what stops anyone holding a receipt from
adding a "notary" of their own or removing a real co-signer: either changes the
signer list the agency signed, and the receipt no longer verifies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from .errors import KeyFormatError, TiezhengError
from .gm import SM2PrivateKey, SM2PublicKey
from .schema import FieldError, MapReader, object_fields

#: Roles a signer may take (docs/receipt-format.md); private roles start with "x-".
ROLES: Final = ("agency", "official", "reviewer", "approver", "notary", "witness", "supervisor")
ROLE: Final = re.compile(r"[a-z][a-z0-9-]{0,31}")
MAX_SIGNATURES: Final = 8
MAX_COSIGNERS: Final = MAX_SIGNATURES - 1
MAX_SIGNATURE_SIZE: Final = 72
KEY_ID_SIZE: Final = 32
SIGNATURE_FIELDS: Final = ("role", "key", "sig")


class SignatureError(TiezhengError):
    """A signature is missing, made with the wrong key, or does not verify."""

    code = "bad-signature"


@dataclass(frozen=True)
class Signature:
    role: str
    public_key: SM2PublicKey
    value: bytes

    @classmethod
    def create(cls, key: SM2PrivateKey, message: bytes, role: str) -> Signature:
        _check_role(role)
        return cls(role, key.public_key(), key.sign(message))

    def verify(self, message: bytes) -> bool:
        return self.public_key.verify(message, self.value)

    def to_value(self, *, compact: bool = False) -> dict[str, Any] | list[Any]:
        """A map of named fields, or with ``compact`` (receipt v2) the array of them in SIGNATURE_FIELDS order."""
        key = self.public_key.to_bytes(compressed=True)
        return [self.role, key, self.value] if compact else {"role": self.role, "key": key, "sig": self.value}

    @classmethod
    def from_value(cls, value: Any, what: str, *, compact: bool = False) -> Signature:
        reader = object_fields(value, what, SIGNATURE_FIELDS, compact=compact)
        role = reader.text("role", max_length=32, pattern=ROLE)
        _check_role(role)
        key = reader.bytes("key", max_size=65)
        sig = reader.bytes("sig", max_size=MAX_SIGNATURE_SIZE)
        reader.finish()
        try:
            public_key = cached_public_key(key)
        except KeyFormatError as exc:
            raise FieldError(f"{what}.key: {exc.message}") from None
        return cls(role, public_key, sig)


@dataclass(frozen=True)
class Cosigner:
    """A co-signer a statement or batch header names: its role and its key id (SM3 of its SM2 public key)."""

    role: str
    key: bytes

    @classmethod
    def of(cls, key: SM2PrivateKey | SM2PublicKey, role: str) -> Cosigner:
        _check_role(role)
        if role == "agency":
            raise FieldError("a co-signer is not the agency")
        public = key.public_key() if isinstance(key, SM2PrivateKey) else key
        return cls(role, public.key_id)

    def to_value(self) -> dict[str, Any]:
        return {"role": self.role, "key": self.key}


def cosigners_to_value(cosigners: Sequence[Cosigner]) -> list[dict[str, Any]]:
    return [c.to_value() for c in cosigners]


def cosigners_from_value(value: Any, what: str) -> tuple[Cosigner, ...]:
    """Read a ``cosigners`` array: 1 to 7 distinct keys in roles other than ``agency`` (absent when none)."""
    if type(value) is not list:
        raise FieldError(f"{what} must be an array")
    if not value:
        raise FieldError(f"{what} must be omitted rather than empty")
    if len(value) > MAX_COSIGNERS:
        raise FieldError(f"{what} must name at most {MAX_COSIGNERS} co-signers")
    cosigners = []
    for position, item in enumerate(value):
        reader = MapReader(item, f"{what}[{position}]")
        role = reader.text("role", max_length=32, pattern=ROLE)
        key = reader.bytes("key", size=KEY_ID_SIZE)
        reader.finish()
        _check_role(role)
        if role == "agency":
            raise FieldError(f"{what}[{position}].role: a co-signer is not the agency")
        cosigners.append(Cosigner(role, key))
    if len({c.key for c in cosigners}) != len(cosigners):
        raise FieldError(f"{what} names one key twice", code="duplicate-signer")
    return tuple(cosigners)


@lru_cache(maxsize=4096)
def cached_public_key(point: bytes) -> SM2PublicKey:
    """Keys by their encoding, shared: an agency signs with one key thousands of times, and each fresh key
    object would decompress its point and load it into libcrypto again (twice the cost of verifying).
    Raises KeyFormatError for a point that is not one; nothing is cached then."""
    return SM2PublicKey.from_bytes(point)


def signatures_to_value(signatures: Sequence[Signature], *, compact: bool = False) -> list[Any]:
    return [s.to_value(compact=compact) for s in signatures]


def signatures_from_value(value: Any, what: str, *, compact: bool = False) -> tuple[Signature, ...]:
    if type(value) is not list:
        raise FieldError(f"{what} must be an array")
    if len(value) > MAX_SIGNATURES:
        raise FieldError(f"{what} must have at most {MAX_SIGNATURES} signatures")
    return tuple(Signature.from_value(item, f"{what}[{i}]", compact=compact) for i, item in enumerate(value))


def check_signatures(
    message: bytes,
    signatures: Sequence[Signature],
    *,
    agency_key_id: bytes,
    cosigners: Sequence[Cosigner],
    what: str,
) -> None:
    """Raise SignatureError unless the agency signed first with ``agency_key_id``, the co-signers ``what``
    names signed next (in its order, in their roles), nobody else signed, and every signature verifies."""
    if not signatures or signatures[0].role != "agency":
        raise SignatureError(f"{what} has no agency signature first", code="missing-agency-signature")
    if signatures[0].public_key.key_id != agency_key_id:
        raise SignatureError(f"{what} is signed with a key other than the one it names", code="agency-key-mismatch")
    check_cosigners(signatures[1:], cosigners, what)
    seen: set[bytes] = set()
    for position, signature in enumerate(signatures):
        key_id = signature.public_key.key_id
        if key_id in seen:
            raise SignatureError(f"{what} is signed twice by the same key", code="duplicate-signer")
        seen.add(key_id)
        if not signature.verify(message):
            who = "agency signature" if position == 0 else f"co-signature {position} ({signature.role})"
            raise SignatureError(
                f"{what}: the {who} does not verify",
                code="bad-agency-signature" if position == 0 else "bad-cosignature",
            )


def check_cosigners(cosignatures: Sequence[Signature], cosigners: Sequence[Cosigner], what: str) -> None:
    """Raise SignatureError unless the co-signatures are by exactly the named co-signers, in order and role."""
    # The shorter of the two first; a count that differs is refused after.
    for position, (signature, named) in enumerate(zip(cosignatures, cosigners, strict=False), start=1):
        if (signature.role, signature.public_key.key_id) != (named.role, named.key):
            raise SignatureError(
                f"{what}: co-signature {position} is by {signature.role} key "
                f"{signature.public_key.key_id[:4].hex()}…, where {what} names {named.role} key {named.key[:4].hex()}…",
                code="undeclared-cosigner",
            )
    if len(cosignatures) > len(cosigners):
        extra = cosignatures[len(cosigners)]
        raise SignatureError(
            f"{what}: co-signature {len(cosigners) + 1} ({extra.role}) is by a signer {what} does not name",
            code="undeclared-cosigner",
        )
    if len(cosignatures) < len(cosigners):
        missing = cosigners[len(cosignatures)]
        raise SignatureError(
            f"{what} names co-signer {len(cosignatures) + 1} ({missing.role}) but carries no signature of theirs",
            code="missing-cosignature",
        )


def check_next_cosigner(named: tuple[Cosigner, ...], signed: int, cosigner: Cosigner, what: str) -> None:
    """Refuse early, where a signer is added, what ``check`` would refuse: a co-signer not named next."""
    position = signed  # the agency's signature is first, so co-signer n is signature n
    if not 1 <= position <= len(named) or named[position - 1] != cosigner:
        raise FieldError(
            f"{what} does not name a {cosigner.role} with this key as co-signer {position}: "
            "name co-signers in its cosigners field before signing",
            code="undeclared-cosigner",
        )


def _check_role(role: str) -> None:
    if role not in ROLES and not role.startswith("x-"):
        raise FieldError(f"signer role {role!r} is not registered (private roles start with 'x-')")
