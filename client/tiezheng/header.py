"""The consensus header, its SM2 commit seals, and the tree head it carries.

Each block's consensus header commits to the execution block, the evidence
log's size and SM3 root, the validator set that seals it and the one that will
seal the next block. A quorum of the sealing set signs the header's bytes with
SM2; those seals are what makes a tree head, and every receipt, trustworthy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from . import cbor
from .errors import TiezhengError
from .genesis import MAX_VALIDATORS, ValidatorSet
from .gm import SM2PrivateKey, sm3
from .schema import FieldError, MapReader, array_fields, check_version, object_fields

#: The version new chains write: an array of the fields in a fixed order, 40 % smaller than version 1's map of
#: named fields (every receipt carries a header). A chain keeps the version its first block was written in.
VERSION: Final = 2
VERSIONS: Final = (1, 2)
HASH_SIZE: Final = 32
MAX_HEADER_SIZE: Final = 1024
ZERO_HASH: Final = b"\x00" * HASH_SIZE
SEAL_FIELDS: Final = ("validator", "sig")
TRANSITION_FIELDS: Final = ("header", "seals", "next_validators")
#: Version 2's positions. ``next_validators`` comes last and is left off unless the set changes.
FIELDS_V2: Final = (
    "v",
    "hash",
    "chain",
    "height",
    "round",
    "time",
    "parent",
    "execution",
    "log_size",
    "log_root",
    "validators",
    "next_validators",
)


class SealError(TiezhengError):
    """Seals missing, invalid, or fewer than the quorum."""

    code = "bad-seals"


@dataclass(frozen=True)
class ConsensusHeader:
    chain_id: int
    height: int
    round: int
    time: int
    parent: bytes
    execution: bytes
    log_size: int
    log_root: bytes
    validators: bytes
    next_validators: bytes
    version: int = VERSION

    def to_cbor(self) -> bytes:
        if self.version not in VERSIONS:
            raise ValueError(f"consensus header version {self.version} is not one this build writes")
        fields = {
            "v": self.version,
            "hash": "sm3",
            "chain": self.chain_id,
            "height": self.height,
            "round": self.round,
            "time": self.time,
            "parent": self.parent,
            "execution": self.execution,
            "log_size": self.log_size,
            "log_root": self.log_root,
            "validators": self.validators,
            "next_validators": self.next_validators,
        }
        if self.version == 1:
            return cbor.encode(fields)
        if self.next_validators == self.validators:
            del fields["next_validators"]  # version 2 names the next set only at a hand-over
        return cbor.encode([fields[name] for name in FIELDS_V2 if name in fields])

    @classmethod
    def from_cbor(cls, data: bytes) -> ConsensusHeader:
        value = cbor.decode(data, max_size=MAX_HEADER_SIZE, what="consensus header")
        # The version first, before the layout: a newer header may have other fields, and is newer before it is
        # anything else.
        stated = value[0] if type(value) is list and value else value.get("v") if type(value) is dict else None
        if type(stated) is int and stated >= 0:
            check_version(stated, VERSIONS, "consensus header")
        if type(value) is list:
            reader = array_fields(value, "consensus header", FIELDS_V2, required=len(FIELDS_V2) - 1)
            expected = 2
        else:
            reader = MapReader(value, "consensus header")
            expected = 1
        version = reader.uint("v")
        if version != expected:  # a known version in the other's form: malformed, not newer
            form = "an array" if expected == 2 else "a map"
            raise reader.error("v", f"is {version}, but version {version} is not written as {form}")
        if reader.text("hash", max_length=16) != "sm3":
            raise reader.error("hash", "must be 'sm3'")
        header = cls(
            version=version,
            chain_id=reader.uint("chain"),
            height=reader.uint("height"),
            round=reader.uint("round"),
            time=reader.uint("time"),
            parent=reader.bytes("parent", size=HASH_SIZE),
            execution=reader.bytes("execution", size=HASH_SIZE),
            log_size=reader.uint("log_size"),
            log_root=reader.bytes("log_root", size=HASH_SIZE),
            validators=reader.bytes("validators", size=HASH_SIZE),
            next_validators=reader.bytes("next_validators", size=HASH_SIZE, optional=version == 2) or b"",
        )
        if version == 2:
            if header.next_validators == header.validators:
                raise reader.error("next_validators", "must be left off when the validator set does not change")
            header = replace(header, next_validators=header.next_validators or header.validators)
        reader.finish()
        return header

    @property
    def hash(self) -> bytes:
        """SM3 of the header's bytes: the block's identity in the consensus layer."""
        return sm3(self.to_cbor())

    def tree_head(self) -> TreeHead:
        return TreeHead(self.chain_id, self.log_size, self.log_root, self.height, self.hash, self.time)


@dataclass(frozen=True)
class TreeHead:
    """The evidence log at one block: (chain id, size, SM3 root, height, block hash, time)."""

    chain_id: int
    size: int
    root: bytes
    height: int
    block_hash: bytes
    time: int


@dataclass(frozen=True)
class Seal:
    """A validator's SM2 signature over a header's bytes; ``validator`` is its position in the set."""

    validator: int
    signature: bytes

    @classmethod
    def create(cls, key: SM2PrivateKey, position: int, header_bytes: bytes) -> Seal:
        return cls(position, key.sign(header_bytes))

    def to_value(self, *, compact: bool = False) -> dict[str, Any] | list[Any]:
        """A map of named fields, or with ``compact`` (receipt v2) the array ``[validator, sig]``."""
        return [self.validator, self.signature] if compact else {"validator": self.validator, "sig": self.signature}

    @classmethod
    def from_value(cls, value: Any, what: str, *, compact: bool = False) -> Seal:
        reader = object_fields(value, what, SEAL_FIELDS, compact=compact)
        seal = cls(reader.uint("validator", maximum=MAX_VALIDATORS - 1), reader.bytes("sig", max_size=72))
        reader.finish()
        return seal


def seals_to_value(seals: Sequence[Seal], *, compact: bool = False) -> list[Any]:
    return [s.to_value(compact=compact) for s in seals]


def seals_from_value(value: Any, what: str, *, compact: bool = False) -> tuple[Seal, ...]:
    if type(value) is not list or len(value) > MAX_VALIDATORS:
        raise FieldError(f"{what} must be an array of at most {MAX_VALIDATORS} seals")
    return tuple(Seal.from_value(item, f"{what}[{i}]", compact=compact) for i, item in enumerate(value))


def check_seals(header_bytes: bytes, seals: Sequence[Seal], validators: ValidatorSet) -> None:
    """Raise SealError unless at least a quorum of distinct validators of the set sealed these bytes."""
    signers: set[int] = set()
    for seal in seals:
        if seal.validator >= len(validators):
            raise SealError(f"a seal names validator {seal.validator}, but the set has {len(validators)}")
        if seal.validator in signers:
            raise SealError(f"validator {seal.validator} sealed twice")
        if not validators.validators[seal.validator].public_key.verify(header_bytes, seal.signature):
            name = validators.validators[seal.validator].name
            raise SealError(f"the seal of validator {seal.validator} ({name}) does not verify", code="bad-seal")
        signers.add(seal.validator)
    if len(signers) < validators.quorum:
        raise SealError(
            f"{len(signers)} valid seals, but the quorum of {len(validators)} validators is {validators.quorum}",
            code="no-quorum",
        )


@dataclass(frozen=True)
class SealedHeader:
    header: bytes
    seals: tuple[Seal, ...]

    def to_value(self) -> dict[str, Any]:
        return {"header": self.header, "seals": seals_to_value(self.seals)}

    @classmethod
    def from_value(cls, value: Any, what: str) -> SealedHeader:
        reader = MapReader(value, what)
        sealed = cls(
            reader.bytes("header", max_size=MAX_HEADER_SIZE), seals_from_value(reader.list("seals"), f"{what}.seals")
        )
        reader.finish()
        return sealed


@dataclass(frozen=True)
class ValidatorTransition:
    """A sealed header that hands over to a new validator set, and that set (its keys' encoding)."""

    sealed: SealedHeader
    next_set: bytes

    def to_value(self, *, compact: bool = False) -> dict[str, Any] | list[Any]:
        """A map, or with ``compact`` (receipt v2) the array ``[header, seals, next_validators]``."""
        if compact:
            return [self.sealed.header, seals_to_value(self.sealed.seals, compact=True), self.next_set]
        return {**self.sealed.to_value(), "next_validators": self.next_set}

    @classmethod
    def from_value(cls, value: Any, what: str, *, compact: bool = False) -> ValidatorTransition:
        if compact:
            reader = object_fields(value, what, TRANSITION_FIELDS, compact=True)
            header = reader.bytes("header", max_size=MAX_HEADER_SIZE)
            seals = seals_from_value(reader.list("seals"), f"{what}.seals", compact=True)
            return cls(SealedHeader(header, seals), reader.bytes("next_validators"))
        if type(value) is not dict:
            raise FieldError(f"{what} must be a map")
        rest = dict(value)
        next_set = rest.pop("next_validators", None)
        if type(next_set) is not bytes:
            raise FieldError(f"{what}.next_validators must be bytes")
        return cls(SealedHeader.from_value(rest, what), next_set)


def follow_transitions(
    genesis_set: ValidatorSet, transitions: Sequence[ValidatorTransition], chain_id: int, header_version: int
) -> tuple[ValidatorSet, int]:
    """The validator set in power after the hand-overs, and the height from which it seals.

    Each hand-over must be sealed by a quorum of the set in power and name the
    hash of the next set; heights must increase. Its header is of ``header_version``, the one the
    receipt's version goes with: a chain's headers all have one version.
    """
    current, since = genesis_set, 0
    for position, transition in enumerate(transitions):
        header = ConsensusHeader.from_cbor(transition.sealed.header)
        where = f"validator transition {position}"
        if header.chain_id != chain_id:
            raise SealError(f"{where} belongs to another chain", code="wrong-chain")
        if header.version != header_version:
            raise SealError(
                f"{where} has a version {header.version} header; a receipt of this version carries version "
                f"{header_version} headers",
                code="header-version",
            )
        if header.height < since or header.validators != current.hash:
            raise SealError(f"{where} is not sealed by the validator set in power at its height", code="bad-transition")
        check_seals(transition.sealed.header, transition.sealed.seals, current)
        next_set = ValidatorSet.from_keys(transition.next_set)
        # The hash of the very bytes carried (not of the keys re-encoded): other spellings of the
        # same keys (compressed points) would change the receipt without changing its verdict.
        named = sm3(transition.next_set) == header.next_validators == next_set.hash
        if not named or next_set.hash == current.hash:
            raise SealError(f"{where} does not name the validator set it carries", code="bad-transition")
        current, since = next_set, header.height + 1
    return current, since
