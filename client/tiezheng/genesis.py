"""The genesis file: the chain's identity and first validator set, the one thing a verifier trusts.

The genesis is JSON. Its hash is SM3 over the deterministic CBOR encoding of the
parsed document, so formatting (whitespace, key order) does not change it while
any change of content does. This module reads what the protocol needs (chain
id, chain code, validators); the node reads the rest (accounts, contracts,
block interval) from the same file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from . import cbor
from .errors import DecodeError, KeyFormatError
from .evidence_id import CHAIN_CODE_PATTERN
from .files import open_regular
from .gm import SM2PublicKey, sm3
from .jsondoc import document_hash, load_json
from .schema import FieldError, check_text

FORMAT: Final = "tiezheng-genesis"
VERSION: Final = 1
MAX_GENESIS_SIZE: Final = 4 * 1024 * 1024
HEX_BYTES: Final = re.compile(r"(?:[0-9a-fA-F]{2})*")  # what bytes.fromhex reads, less its whitespace
MAX_VALIDATORS: Final = 64
VALIDATOR_NAME: Final = re.compile(r"[^\x00-\x1f\x7f]{1,64}")


class GenesisError(FieldError):
    code = "bad-genesis"


@dataclass(frozen=True)
class Validator:
    name: str
    public_key: SM2PublicKey

    def to_value(self) -> dict[str, Any]:
        return {"name": self.name, "public_key": self.public_key.to_bytes().hex()}


@dataclass(frozen=True)
class ValidatorSet:
    """An ordered list of validators; a seal names its validator by position."""

    validators: tuple[Validator, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.validators) <= MAX_VALIDATORS:
            raise GenesisError(f"a validator set has 1 to {MAX_VALIDATORS} validators")
        if len({v.public_key for v in self.validators}) != len(self.validators):
            raise GenesisError("a validator appears twice in the set")

    def __len__(self) -> int:
        return len(self.validators)

    @property
    def quorum(self) -> int:
        """⌈2N/3⌉ commit seals, as QBFT requires; 1 for a single dev validator."""
        return -(-2 * len(self.validators) // 3)

    @cached_property
    def hash(self) -> bytes:
        """SM3 over the deterministic CBOR array of the validators' uncompressed public keys."""
        return sm3(self.encode_keys())

    def encode_keys(self) -> bytes:
        return cbor.encode([v.public_key.to_bytes() for v in self.validators])

    @classmethod
    def from_keys(cls, data: bytes) -> ValidatorSet:
        """From ``encode_keys`` bytes (as receipts carry a new set)."""
        value = cbor.decode(data, max_size=MAX_VALIDATORS * 70 + 16, what="validator set")
        if type(value) is not list or not all(type(k) is bytes for k in value):
            raise GenesisError("a validator set is an array of public keys")
        try:
            keys = [SM2PublicKey.from_bytes(k) for k in value]
        except KeyFormatError as exc:
            raise GenesisError(f"validator set: {exc.message}") from None
        return cls(tuple(Validator(f"validator-{i}", k) for i, k in enumerate(keys)))

    def to_value(self) -> list[dict[str, Any]]:
        return [v.to_value() for v in self.validators]


@dataclass(frozen=True)
class Genesis:
    chain_id: int
    chain_code: str
    name: str
    time: int
    validators: ValidatorSet
    document: dict[str, Any] = field(repr=False, compare=False)

    @cached_property
    def hash(self) -> bytes:
        return document_hash(self.document)

    @classmethod
    def from_document(cls, document: Any) -> Genesis:
        if type(document) is not dict:
            raise GenesisError("genesis must be a JSON object")
        if document.get("format") != FORMAT:
            raise GenesisError(f'genesis must say "format": "{FORMAT}"')
        if "version" not in document:
            raise GenesisError(f"genesis must say its version (this build reads {VERSION})", code="unsupported-version")
        if type(document["version"]) is not int or document["version"] != VERSION:
            raise GenesisError(
                f"genesis version {document['version']!r} is not supported (this build reads {VERSION})",
                code="unsupported-version",
            )
        chain_id = document.get("chain_id")
        if type(chain_id) is not int or not 1 <= chain_id < 2**53:
            raise GenesisError("genesis.chain_id must be a positive integer")
        chain_code = document.get("chain_code")
        if type(chain_code) is not str or not CHAIN_CODE_PATTERN.fullmatch(chain_code):
            raise GenesisError("genesis.chain_code must be 2–8 upper-case letters or digits")
        name = document.get("name", chain_code)
        if type(name) is not str:
            raise GenesisError("genesis.name must be text")
        check_text(name, "genesis.name", max_length=128)
        time = document.get("time")
        if type(time) is not int or not 0 <= time < 2**53:
            raise GenesisError("genesis.time must be milliseconds since the epoch")
        if not _integers_fit_cbor(document):
            # cbor2 would encode one as a tagged bignum, which this format (and the browser's verifier) refuses.
            raise GenesisError("genesis holds an integer outside −2^64 … 2^64−1")
        try:
            cbor.encode(document)
        except Exception:
            raise GenesisError("genesis holds a value that has no deterministic encoding") from None
        return cls(chain_id, chain_code, name, time, _validators(document.get("validators")), document)

    @classmethod
    def from_json(cls, data: bytes | str) -> Genesis:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > MAX_GENESIS_SIZE:
            raise GenesisError("genesis file is too large")
        return cls.from_document(load_json(data, "genesis", GenesisError))

    @classmethod
    def load(cls, path: str | Path) -> Genesis:
        return cls.from_json(read_genesis_file(path))

    def to_json(self) -> bytes:
        return (json.dumps(self.document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _integers_fit_cbor(value: Any) -> bool:
    """Every integer in the parsed JSON fits a CBOR major type 0 or 1 (no bignum tag)."""
    if type(value) is int:
        return -(2**64) <= value < 2**64
    if type(value) is list:
        return all(map(_integers_fit_cbor, value))
    if type(value) is dict:
        return all(map(_integers_fit_cbor, value.values()))
    return True


def _validators(value: Any) -> ValidatorSet:
    if type(value) is not list or not value:
        raise GenesisError("genesis.validators must be a non-empty array")
    validators = []
    for position, item in enumerate(value):
        where = f"genesis.validators[{position}]"
        if type(item) is not dict or type(item.get("public_key")) is not str:
            raise GenesisError(f"{where} must have a public_key (hex SEC 1 point)")
        name = item.get("name", f"validator-{position}")
        if type(name) is not str or not VALIDATOR_NAME.fullmatch(name):
            raise GenesisError(f"{where}.name must be 1–64 printable characters")
        if not HEX_BYTES.fullmatch(item["public_key"]):
            raise GenesisError(f"{where}.public_key must be hex digits, two per byte")
        try:
            key = SM2PublicKey.from_bytes(bytes.fromhex(item["public_key"]))
        except (ValueError, DecodeError, KeyFormatError) as exc:
            raise GenesisError(f"{where}.public_key: {exc}") from None
        validators.append(Validator(name, key))
    return ValidatorSet(tuple(validators))


def read_genesis_file(path: str | Path) -> bytes:
    """A genesis file's bytes, read no further than a genesis may be long (the path may name a device without end)."""
    try:
        with open_regular(path) as file:
            return file.read(MAX_GENESIS_SIZE + 1)
    except OSError as exc:
        raise GenesisError(f"cannot read genesis {path}: {exc.strerror}", code="unreadable") from None
