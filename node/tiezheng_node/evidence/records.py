"""How the evidence log's leaves, batches and pending submissions are stored (CBOR values).

A leaf is [statement bytes, authorisation]: the signatures over the statement, or
[batch id, position] pointing at its batch. A batch record keeps the envelope's
signed header and signatures once for all its statements, and, only when its
statements are not consecutive leaves (some were anchored before), their leaf
hashes, so that every member's audit path to the batch root can be rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tiezheng import cbor
from tiezheng.signing import Signature, signatures_from_value, signatures_to_value

_MAX_RECORD: int = 64 * 1024 * 1024


def encode_head(major: int, value: int) -> bytes:
    """A CBOR item head: major type and argument, in the shortest form (RFC 8949 §3.1)."""
    if value < 24:
        return bytes((major << 5 | value,))
    for size, info in ((1, 24), (2, 25), (4, 26), (8, 27)):
        if value < 1 << (8 * size):
            return bytes((major << 5 | info,)) + value.to_bytes(size, "big")
    raise ValueError("CBOR argument too large")


def encode_batch_member(statement: bytes, batch_id: int, position: int) -> bytes:
    """``LeafRecord(statement, (), BatchRef(batch_id, position)).encode()``, written directly.

    Blocks write one of these per batched record, so the generic encoder's cost shows
    in throughput; the test suite checks both give the same bytes.
    """
    reference = b"\x82" + encode_head(0, batch_id) + encode_head(0, position)
    return b"\x82" + encode_head(2, len(statement)) + statement + reference


@dataclass(frozen=True)
class BatchRef:
    batch_id: int
    position: int


@dataclass(frozen=True)
class LeafRecord:
    statement: bytes
    signatures: tuple[Signature, ...]  # empty for a batch member
    batch: BatchRef | None

    def encode(self) -> bytes:
        if self.batch is not None:
            return cbor.encode([self.statement, [self.batch.batch_id, self.batch.position]])
        return cbor.encode([self.statement, signatures_to_value(self.signatures)])

    @classmethod
    def decode(cls, data: bytes) -> LeafRecord:
        return cls.from_value(cbor.decode(data, max_size=_MAX_RECORD, what="leaf record"))

    @classmethod
    def from_value(cls, value: Any) -> LeafRecord:
        statement, authorisation = value
        if authorisation and type(authorisation[0]) is int:
            return cls(statement, (), BatchRef(authorisation[0], authorisation[1]))
        return cls(statement, signatures_from_value(authorisation, "leaf signatures"), None)


@dataclass(frozen=True)
class BatchRecord:
    header: bytes
    signatures: tuple[Signature, ...]
    size: int
    first_leaf: int | None  # set when the batch's statements are leaves first_leaf … first_leaf + size - 1
    leaf_hashes: tuple[bytes, ...] | None  # otherwise, every statement's leaf hash in batch order

    def encode(self) -> bytes:
        return cbor.encode(
            [
                self.header,
                signatures_to_value(self.signatures),
                self.size,
                self.first_leaf,
                list(self.leaf_hashes) if self.leaf_hashes is not None else None,
            ]
        )

    @classmethod
    def decode(cls, data: bytes) -> BatchRecord:
        header, signatures, size, first_leaf, leaf_hashes = cbor.decode(data, max_size=_MAX_RECORD, what="batch record")
        return cls(
            header,
            signatures_from_value(signatures, "batch signatures"),
            size,
            first_leaf,
            tuple(leaf_hashes) if leaf_hashes is not None else None,
        )


def encode_pending(kind: str, payload: bytes, members: list[int] | None, accepted_ms: int) -> bytes:
    """A pending submission as written at acceptance: "s" (signed statement) or "b" (envelope)."""
    value: dict[str, Any] = {"t": kind, "p": payload, "a": accepted_ms}
    if members is not None:
        value["m"] = members
    return cbor.encode(value)


def decode_pending(data: bytes) -> tuple[str, bytes, list[int] | None, int]:
    value = cbor.decode(data, max_size=_MAX_RECORD, what="pending record")
    return value["t"], value["p"], value.get("m"), value["a"]
