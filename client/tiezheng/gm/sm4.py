"""SM4-GCM (GB/T 32907-2016 block cipher in NIST SP 800-38D mode, as RFC 8998 uses it)."""

from __future__ import annotations

from typing import Final

from ..errors import CryptoError
from .backend import GMBackend, get_backend

KEY_SIZE: Final = 16
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16


class AuthenticationError(CryptoError):
    """The ciphertext, nonce, associated data or key is not the one that was sealed."""

    code = "sm4-gcm-auth"


def sm4_gcm_encrypt(
    key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"", *, backend: GMBackend | None = None
) -> bytes:
    """Ciphertext ‖ 16-byte tag. A nonce must never repeat under one key."""
    _check_sizes(key, nonce)
    return (backend or get_backend()).sm4_gcm_encrypt(key, nonce, plaintext, aad)


def sm4_gcm_decrypt(
    key: bytes, nonce: bytes, sealed: bytes, aad: bytes = b"", *, backend: GMBackend | None = None
) -> bytes:
    """The plaintext, or AuthenticationError when anything was altered."""
    _check_sizes(key, nonce)
    try:
        return (backend or get_backend()).sm4_gcm_decrypt(key, nonce, sealed, aad)
    except ValueError as exc:
        raise AuthenticationError(str(exc)) from None


def _check_sizes(key: bytes, nonce: bytes) -> None:
    if len(key) != KEY_SIZE:
        raise ValueError(f"SM4 key must be {KEY_SIZE} bytes, got {len(key)}")
    if len(nonce) != NONCE_SIZE:
        raise ValueError(f"SM4-GCM nonce must be {NONCE_SIZE} bytes, got {len(nonce)}")
