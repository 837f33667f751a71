"""SM2 digital signatures (GB/T 32918.2-2016, GM/T 0009-2012): keys, signing, verification."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Final

from ..errors import KeyFormatError
from ..files import open_regular
from . import key_encoding
from .backend import GMBackend, get_backend
from .curve import (
    COMPRESSED_POINT_SIZE,
    COORDINATE_SIZE,
    DEFAULT_UID,
    UNCOMPRESSED_POINT_SIZE,
    N,
    decompress,
    encode_point,
    is_on_curve,
)
from .signature_der import decode_signature

#: A key file (PEM, DER or a point) is a few hundred bytes; more is not a key, and is not read.
MAX_KEY_FILE_SIZE: Final = 64 * 1024


class SM2PublicKey:
    """An SM2 public key: a validated point of the SM2 curve."""

    def __init__(self, point: bytes, *, backend: GMBackend | None = None) -> None:
        """``point`` must be a 65-byte uncompressed SEC 1 point already on the curve; use ``from_bytes`` otherwise."""
        self._point = point
        self._backend = backend or get_backend()

    # Loading

    @classmethod
    def from_bytes(cls, data: bytes, *, backend: GMBackend | None = None) -> SM2PublicKey:
        """From a SEC 1 point: 65 bytes uncompressed (04‖x‖y) or 33 bytes compressed (02/03‖x)."""
        data = bytes(data)
        if len(data) == UNCOMPRESSED_POINT_SIZE and data[0] == 4:
            x = int.from_bytes(data[1 : 1 + COORDINATE_SIZE], "big")
            y = int.from_bytes(data[1 + COORDINATE_SIZE :], "big")
            if not is_on_curve(x, y):
                raise KeyFormatError("SM2 public key: the point is not on the SM2 curve")
            return cls(data, backend=backend)
        if len(data) == COMPRESSED_POINT_SIZE and data[0] in (2, 3):
            x = int.from_bytes(data[1:], "big")
            try:
                y = decompress(data[0], x)
            except ValueError as exc:
                raise KeyFormatError(f"SM2 public key: {exc}") from None
            return cls(encode_point(x, y), backend=backend)
        raise KeyFormatError(
            f"SM2 public key must be a 65-byte uncompressed or 33-byte compressed point, got {len(data)} bytes"
        )

    @classmethod
    def from_der(cls, der: bytes, *, backend: GMBackend | None = None) -> SM2PublicKey:
        """From DER SubjectPublicKeyInfo (``openssl pkey -pubout -outform DER``)."""
        return cls.from_bytes(key_encoding.public_key_from_der(bytes(der)), backend=backend)

    @classmethod
    def from_pem(cls, pem: bytes | str, *, backend: GMBackend | None = None) -> SM2PublicKey:
        """From a ``PUBLIC KEY`` PEM block (``openssl pkey -pubout``)."""
        data = pem.encode("ascii", "replace") if isinstance(pem, str) else bytes(pem)
        _, der = key_encoding.unarmor(data, ("PUBLIC KEY",))
        return cls.from_der(der, backend=backend)

    @classmethod
    def load(cls, path: str | Path, *, backend: GMBackend | None = None) -> SM2PublicKey:
        """From a file holding PEM, DER or a raw point (binary or hex); OSError if it cannot be read."""
        with open_regular(path) as handle:
            data = handle.read(MAX_KEY_FILE_SIZE + 1)
        return cls.from_file_bytes(data, backend=backend)

    @classmethod
    def from_file_bytes(cls, data: bytes, *, backend: GMBackend | None = None) -> SM2PublicKey:
        """From a public key file's bytes: PEM, DER or a raw point (binary or hex)."""
        if len(data) > MAX_KEY_FILE_SIZE:
            raise KeyFormatError(f"a public key file holds at most {MAX_KEY_FILE_SIZE:,} bytes")
        if data.lstrip().startswith(b"-----BEGIN"):
            return cls.from_pem(data, backend=backend)
        text = data.strip()
        if text and all(c in b"0123456789abcdefABCDEF" for c in text):
            if len(text) % 2:
                raise KeyFormatError("a hex public key has an even number of digits")
            return cls.from_bytes(bytes.fromhex(text.decode("ascii")), backend=backend)
        if data[:1] == b"\x30":
            return cls.from_der(data, backend=backend)
        return cls.from_bytes(data, backend=backend)

    # Encodings

    def to_bytes(self, *, compressed: bool = False) -> bytes:
        if not compressed:
            return self._point
        return bytes((2 | (self._point[-1] & 1),)) + self._point[1 : 1 + COORDINATE_SIZE]

    def to_der(self) -> bytes:
        return key_encoding.public_key_to_der(self._point)

    def to_pem(self) -> bytes:
        return key_encoding.to_pem(self.to_der(), "PUBLIC KEY")

    @cached_property
    def key_id(self) -> bytes:
        """SM3 of the uncompressed point: how statements and seals name this key."""
        return self._backend.sm3(self._point)

    @cached_property
    def _handle(self) -> object:
        return self._backend.sm2_public_handle(self._point)

    # Verification

    def verify(self, message: bytes, signature: bytes, uid: bytes = DEFAULT_UID) -> bool:
        """True only for a valid, strictly DER-encoded signature; False (never an exception) otherwise."""
        try:
            decode_signature(bytes(signature))
            return self._backend.sm2_verify(self._handle, bytes(message), bytes(signature), bytes(uid))
        except Exception:
            return False

    def verify_chunks(self, chunks: Iterable[bytes], signature: bytes, uid: bytes = DEFAULT_UID) -> bool:
        """``verify`` of the chunks' concatenation, one chunk at a time: a file of any size in constant memory.

        A malformed signature is False; an error reading the chunks (OSError) is raised, not taken for a verdict.
        """
        try:
            decode_signature(bytes(signature))
        except Exception:
            return False
        return self._backend.sm2_verify_chunks(self._handle, chunks, bytes(signature), bytes(uid))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SM2PublicKey) and other._point == self._point

    def __hash__(self) -> int:
        return hash(self._point)

    def __repr__(self) -> str:
        return f"SM2PublicKey(key_id={self.key_id.hex()[:16]}…)"


class SM2PrivateKey:
    """An SM2 private key. Its scalar never appears in ``repr`` or logs."""

    def __init__(self, scalar: int, *, point: bytes | None = None, backend: GMBackend | None = None) -> None:
        if not 1 <= scalar <= N - 2:
            raise KeyFormatError("SM2 private key must lie in [1, n-2]")
        self._backend = backend or get_backend()
        self._scalar = scalar
        derived = self._backend.sm2_public_point(scalar)
        if point is not None and SM2PublicKey.from_bytes(point).to_bytes() != derived:
            raise KeyFormatError("SM2 private key: the stored public point does not match the private scalar")
        self._public = SM2PublicKey(derived, backend=self._backend)

    @classmethod
    def generate(cls, *, backend: GMBackend | None = None) -> SM2PrivateKey:
        """A new key with a scalar drawn uniformly from [1, n-2] by the OS generator."""
        return cls(1 + secrets.randbelow(N - 2), backend=backend)

    @classmethod
    def from_der(cls, der: bytes, *, backend: GMBackend | None = None) -> SM2PrivateKey:
        """From DER PKCS#8 (what ``openssl genpkey -algorithm SM2`` writes) or SEC 1."""
        scalar, point = key_encoding.private_key_from_der(bytes(der))
        return cls(scalar, point=point, backend=backend)

    @classmethod
    def from_pem(cls, pem: bytes | str, *, backend: GMBackend | None = None) -> SM2PrivateKey:
        """From a ``PRIVATE KEY`` (PKCS#8), ``SM2 PRIVATE KEY`` or ``EC PRIVATE KEY`` (SEC 1) PEM block."""
        data = pem.encode("ascii", "replace") if isinstance(pem, str) else bytes(pem)
        _, der = key_encoding.unarmor(data, ("PRIVATE KEY", "SM2 PRIVATE KEY", "EC PRIVATE KEY"))
        return cls.from_der(der, backend=backend)

    def to_der(self) -> bytes:
        return key_encoding.private_key_to_der(self._scalar, self._public.to_bytes())

    def to_pem(self) -> bytes:
        return key_encoding.to_pem(self.to_der(), "PRIVATE KEY")

    def to_scalar_bytes(self) -> bytes:
        return self._scalar.to_bytes(COORDINATE_SIZE, "big")

    def public_key(self) -> SM2PublicKey:
        return self._public

    @cached_property
    def _handle(self) -> object:
        return self._backend.sm2_private_handle(self._scalar, self._public.to_bytes())

    def sign(self, message: bytes, uid: bytes = DEFAULT_UID) -> bytes:
        """A DER-encoded SM2 signature over ``message`` (SM3 with the signer's Z for ``uid``)."""
        return self._backend.sm2_sign(self._handle, bytes(message), bytes(uid))

    def sign_chunks(self, chunks: Iterable[bytes], uid: bytes = DEFAULT_UID) -> bytes:
        """``sign`` of the chunks' concatenation, one chunk at a time: a file of any size in constant memory."""
        return self._backend.sm2_sign_chunks(self._handle, chunks, bytes(uid))

    def __repr__(self) -> str:
        return f"SM2PrivateKey(key_id={self._public.key_id.hex()[:16]}…)"
