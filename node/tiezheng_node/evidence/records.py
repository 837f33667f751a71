"""How the evidence log's leaves, batches and pending submissions are stored (CBOR values).

A leaf is [statement bytes, signatures] for a statement submitted on its own,
or [null, [batch id, position]] for a member of a batch envelope: a batch's
statements are written once, when the envelope is accepted, in chunks of 256
under the batch (with its signed header and signatures), and never copied again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import chain
from typing import Any, Final

from tiezheng import cbor
from tiezheng.signing import Signature, signatures_from_value, signatures_to_value

_MAX_RECORD: Final = 64 * 1024 * 1024
STATEMENTS_PER_CHUNK: Final = 256


def encode_head(major: int, value: int) -> bytes:
    """A CBOR item head: major type and argument, in the shortest form (RFC 8949 §3.1)."""
    if value < 24:
        return bytes((major << 5 | value,))
    for size, info in ((1, 24), (2, 25), (4, 26), (8, 27)):
        if value < 1 << (8 * size):
            return bytes((major << 5 | info,)) + value.to_bytes(size, "big")
    raise ValueError("CBOR argument too large")


def encode_batch_member(batch_id: int, position: int) -> bytes:
    """``LeafRecord(None, (), BatchRef(batch_id, position)).encode()``, written directly.

    Blocks write one of these per batched record, so the generic encoder's cost shows
    in throughput; the test suite checks both give the same bytes.
    """
    return b"\x82\xf6\x82" + encode_head(0, batch_id) + encode_head(0, position)


def encode_batch_members(batch_id: int, positions: Sequence[int]) -> list[bytes]:
    """``encode_batch_member`` for many members of one batch, sharing the batch's part."""
    prefix = b"\x82\xf6\x82" + encode_head(0, batch_id)
    return [prefix + _encoded_uint(position) for position in positions]


@lru_cache(maxsize=1 << 16)
def _encoded_uint(value: int) -> bytes:
    return encode_head(0, value)


@dataclass(frozen=True)
class BatchRef:
    batch_id: int
    position: int


@dataclass(frozen=True)
class LeafRecord:
    statement: bytes | None  # None for a batch member until resolved from its batch's chunks
    signatures: tuple[Signature, ...]  # empty for a batch member
    batch: BatchRef | None

    def encode(self) -> bytes:
        if self.batch is not None:
            return cbor.encode([None, [self.batch.batch_id, self.batch.position]])
        return cbor.encode([self.statement, signatures_to_value(self.signatures)])

    @classmethod
    def decode(cls, data: bytes) -> LeafRecord:
        return cls.from_value(cbor.decode(data, max_size=_MAX_RECORD, what="leaf record"))

    @classmethod
    def from_value(cls, value: Any) -> LeafRecord:
        statement, authorisation = value
        if statement is None:
            return cls(None, (), BatchRef(authorisation[0], authorisation[1]))
        return cls(statement, signatures_from_value(authorisation, "leaf signatures"), None)


@dataclass(frozen=True)
class BatchRecord:
    header: bytes
    signatures: tuple[Signature, ...]
    size: int

    def encode(self) -> bytes:
        return cbor.encode([self.header, signatures_to_value(self.signatures), self.size])

    @classmethod
    def decode(cls, data: bytes) -> BatchRecord:
        header, signatures, size = cbor.decode(data, max_size=_MAX_RECORD, what="batch record")
        return cls(header, signatures_from_value(signatures, "batch signatures"), size)


def encode_statement_chunk(statements: Sequence[bytes]) -> bytes:
    """A CBOR array of the statements as byte strings; every envelope's statements are written so.

    Heads and statements are joined in one pass in C (a quarter of the cost of a
    generator concatenating each pair)."""
    heads = map(_byte_string_head, map(len, statements))
    return encode_head(4, len(statements)) + b"".join(chain.from_iterable(zip(heads, statements, strict=True)))


_byte_string_head: Final = lru_cache(maxsize=4096)(partial(encode_head, 2))


def encode_pending(kind: str, payload: bytes, members: list[int] | None, accepted_ms: int) -> bytes:
    """A pending submission as written at acceptance: "s" with its signed statement, or "b" (the batch is under B)."""
    value: dict[str, Any] = {"t": kind, "p": payload, "a": accepted_ms}
    if members is not None:
        value["m"] = members
    return cbor.encode(value)


def decode_pending(data: bytes) -> tuple[str, bytes, list[int] | None, int]:
    value = cbor.decode(data, max_size=_MAX_RECORD, what="pending record")
    return value["t"], value["p"], value.get("m"), value["a"]
