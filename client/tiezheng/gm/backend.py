"""The interface both cryptographic backends implement, and the choice between them.

The OpenSSL backend is the fast path; the gmssl backend is a pure-Python
implementation kept as a fallback for machines without OpenSSL 3 and as an
independent cross-check in the tests. Keys remember the backend that made them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from typing import Protocol


class SM3Hasher(Protocol):
    """Incremental SM3, the shape of a ``hashlib`` object."""

    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...

    def hexdigest(self) -> str: ...

    def copy(self) -> SM3Hasher: ...


class BackendUnavailable(RuntimeError):
    """The backend cannot run on this machine (for example, no OpenSSL 3 with SM2)."""


class GMBackend(Protocol):
    """SM2, SM3 and SM4 primitives. Inputs are already validated by the callers in this package."""

    name: str

    def sm3(self, data: bytes) -> bytes: ...

    def sm3_hasher(self) -> SM3Hasher: ...

    def sm2_public_point(self, scalar: int) -> bytes:
        """The uncompressed public point for a private scalar in [1, n-2]."""
        ...

    def sm2_private_handle(self, scalar: int, point: bytes) -> object: ...

    def sm2_public_handle(self, point: bytes) -> object: ...

    def sm2_sign(self, handle: object, message: bytes, uid: bytes) -> bytes:
        """A DER signature over ``message`` with SM3 and the signer's Z for ``uid``."""
        ...

    def sm2_verify(self, handle: object, message: bytes, signature: bytes, uid: bytes) -> bool:
        """Verify a signature that has already passed strict DER and range checks."""
        ...

    def sm2_sign_chunks(self, handle: object, chunks: Iterable[bytes], uid: bytes) -> bytes:
        """``sm2_sign`` of the chunks' concatenation, reading one chunk at a time (a file of any size)."""
        ...

    def sm2_verify_chunks(self, handle: object, chunks: Iterable[bytes], signature: bytes, uid: bytes) -> bool:
        """``sm2_verify`` of the chunks' concatenation, one chunk at a time."""
        ...

    def sm4_gcm_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """Ciphertext followed by the 16-byte tag."""
        ...

    def sm4_gcm_decrypt(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        """Plaintext, or ValueError when the tag does not authenticate."""
        ...


BACKEND_NAMES = ("openssl", "gmssl")
BACKEND_ENV = "TIEZHENG_GM_BACKEND"


@cache
def get_backend(name: str | None = None) -> GMBackend:
    """The named backend, or the default: ``$TIEZHENG_GM_BACKEND``, else OpenSSL, else gmssl."""
    if name is None:
        name = os.environ.get(BACKEND_ENV) or None
    if name is None:
        try:
            return get_backend("openssl")
        except BackendUnavailable:
            return get_backend("gmssl")
    if name == "openssl":
        from .openssl_backend import OpenSSLBackend

        return OpenSSLBackend()
    if name == "gmssl":
        from .gmssl_backend import GmsslBackend

        return GmsslBackend()
    raise BackendUnavailable(f"unknown backend {name!r}; choose one of {', '.join(BACKEND_NAMES)}")
