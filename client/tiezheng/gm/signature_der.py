"""Strict DER for SM2 signatures: ``SEQUENCE { r INTEGER, s INTEGER }`` (GM/T 0009 §7.2).

Hand-written rather than delegated to a general ASN.1 library because the point
is to be stricter than one: only the single minimal encoding of each (r, s) is
accepted, so a signature has exactly one byte string and cannot be malleated.
"""

from __future__ import annotations

from .curve import N

_SEQUENCE = 0x30
_INTEGER = 0x02
# r and s are below N < 2^256: at most 32 bytes of magnitude plus a 0x00 sign byte.
_MAX_INTEGER_SIZE = 33


def encode_signature(r: int, s: int) -> bytes:
    """The minimal DER encoding of (r, s)."""
    body = _encode_integer(r) + _encode_integer(s)
    return bytes((_SEQUENCE, len(body))) + body


def decode_signature(der: bytes) -> tuple[int, int]:
    """(r, s) from a signature, or ValueError unless it is minimal DER with 1 ≤ r, s < N."""
    if len(der) < 8 or der[0] != _SEQUENCE or der[1] != len(der) - 2:
        raise ValueError("signature is not a DER SEQUENCE of the right length")
    r, offset = _decode_integer(der, 2)
    s, offset = _decode_integer(der, offset)
    if offset != len(der):
        raise ValueError("trailing bytes after the signature")
    if not (1 <= r < N and 1 <= s < N):
        raise ValueError("signature value r or s out of range [1, n-1]")
    return r, s


def _encode_integer(value: int) -> bytes:
    magnitude = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    if magnitude[0] & 0x80:
        magnitude = b"\x00" + magnitude
    return bytes((_INTEGER, len(magnitude))) + magnitude


def _decode_integer(der: bytes, offset: int) -> tuple[int, int]:
    if offset + 2 > len(der) or der[offset] != _INTEGER:
        raise ValueError("expected a DER INTEGER")
    size = der[offset + 1]
    start, end = offset + 2, offset + 2 + size
    if not 1 <= size <= _MAX_INTEGER_SIZE or end > len(der):
        raise ValueError("DER INTEGER has a bad length")
    content = der[start:end]
    if content[0] & 0x80:
        raise ValueError("DER INTEGER is negative")
    if size > 1 and content[0] == 0 and not content[1] & 0x80:
        raise ValueError("DER INTEGER is not minimally encoded")
    return int.from_bytes(content, "big"), end
