"""Errors raised by the protocol library.

Every error carries a stable machine-readable ``code`` (kebab-case) beside its
human message, so that the CLI, the REST API and the SDK report the same
failure the same way.
"""

from __future__ import annotations


class TiezhengError(Exception):
    """Base class: ``code`` is stable and machine-readable, ``str()`` is for people."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code


class KeyFormatError(TiezhengError):
    """A key (PEM, DER or raw point) could not be read."""

    code = "bad-key"


class KeystoreError(TiezhengError):
    """A keystore file could not be opened: wrong passphrase, corrupted or unsupported."""

    code = "keystore"


class CryptoError(TiezhengError):
    """A cryptographic operation failed for a reason other than bad input."""

    code = "crypto"


class DecodeError(TiezhengError):
    """Bytes from outside (CBOR, JSON, a receipt, an ID) do not decode to a valid object."""

    code = "decode"


class EvidenceIdError(DecodeError):
    """An evidence ID is malformed or its check characters do not match."""

    code = "bad-evidence-id"
