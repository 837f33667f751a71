"""SM2 key encodings: PKCS#8, SEC 1 and SubjectPublicKeyInfo, as OpenSSL 3 writes them.

Writing uses fixed templates: every SM2 key has the same structure and sizes, and
the output is byte-for-byte what ``openssl genpkey -algorithm SM2`` writes.
Reading accepts the variants other tools produce (SEC 1 ``EC PRIVATE KEY``,
PKCS#8 with or without the public key, explicit curve OIDs) through asn1crypto,
and rejects any curve other than SM2.
"""

from __future__ import annotations

import base64
import textwrap
from typing import Final

from asn1crypto import keys, pem

from ..errors import KeyFormatError
from .curve import COORDINATE_SIZE, UNCOMPRESSED_POINT_SIZE

SM2_CURVE_OID: Final = "1.2.156.10197.1.301"
EC_PUBLIC_KEY_OID: Final = "1.2.840.10045.2.1"

# AlgorithmIdentifier { id-ecPublicKey, namedCurve sm2 }
_ALGORITHM: Final = bytes.fromhex("301306072a8648ce3d020106082a811ccf5501822d")
_PKCS8_PREFIX: Final = bytes.fromhex("308187020100") + _ALGORITHM + bytes.fromhex("046d306b0201010420")
_PKCS8_MIDDLE: Final = bytes.fromhex("a144034200")
_SPKI_PREFIX: Final = bytes.fromhex("3059") + _ALGORITHM + bytes.fromhex("034200")


def private_key_to_der(scalar: int, point: bytes) -> bytes:
    """PKCS#8 PrivateKeyInfo holding an ECPrivateKey with the public point, like OpenSSL."""
    return _PKCS8_PREFIX + scalar.to_bytes(COORDINATE_SIZE, "big") + _PKCS8_MIDDLE + point


def public_key_to_der(point: bytes) -> bytes:
    """SubjectPublicKeyInfo with an uncompressed point."""
    return _SPKI_PREFIX + point


def to_pem(der: bytes, label: str) -> bytes:
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode("ascii")


def unarmor(data: bytes, expected: tuple[str, ...]) -> tuple[str, bytes]:
    """(label, DER) of the first PEM block, which must carry one of the expected labels."""
    try:
        label, _headers, der = pem.unarmor(data)
    except Exception as exc:  # asn1crypto raises ValueError and TypeError variously
        # asn1crypto names its own parameter ("pem_bytes does not…"): say it of the file instead.
        reason = str(exc).replace("pem_bytes does not appear to contain", "it does not hold")
        raise KeyFormatError(f"not a PEM file: {reason}") from None
    if label == "ENCRYPTED PRIVATE KEY":
        raise KeyFormatError("PEM holds an encrypted private key; decrypt it first (openssl pkey -in KEY -out PLAIN)")
    if label not in expected:
        raise KeyFormatError(f"PEM block is {label!r}, expected {' or '.join(expected)}")
    return label, der


def private_key_from_der(der: bytes) -> tuple[int, bytes | None]:
    """(scalar, public point or None) from PKCS#8 or SEC 1 DER of an SM2 key."""
    try:
        info = keys.PrivateKeyInfo.load(der, strict=True)
        algorithm = info["private_key_algorithm"]
        if algorithm["algorithm"].dotted != EC_PUBLIC_KEY_OID:
            raise KeyFormatError("PKCS#8 key is not an elliptic-curve key")
        _require_sm2_curve(algorithm["parameters"])
        ec_key = info["private_key"].parsed
    except KeyFormatError:
        raise
    except Exception:
        ec_key = _load_sec1(der)
    return _scalar_and_point(ec_key)


def public_key_from_der(der: bytes) -> bytes:
    """The encoded point (compressed or not) from SubjectPublicKeyInfo DER of an SM2 key."""
    try:
        info = keys.PublicKeyInfo.load(der, strict=True)
        algorithm = info["algorithm"]
        if algorithm["algorithm"].dotted != EC_PUBLIC_KEY_OID:
            raise KeyFormatError("public key is not an elliptic-curve key")
        _require_sm2_curve(algorithm["parameters"])
        point = bytes(info["public_key"])
    except KeyFormatError:
        raise
    except Exception as exc:
        raise KeyFormatError(f"not a DER SubjectPublicKeyInfo: {exc}") from None
    return point


def _load_sec1(der: bytes) -> keys.ECPrivateKey:
    try:
        ec_key = keys.ECPrivateKey.load(der, strict=True)
        _ = ec_key.native  # asn1crypto parses lazily; force it so errors surface here
    except Exception as exc:
        raise KeyFormatError(f"not a DER PKCS#8 or SEC 1 private key: {exc}") from None
    if ec_key["parameters"].native is not None:
        _require_sm2_curve(ec_key["parameters"])
    return ec_key


def _require_sm2_curve(parameters: keys.ECDomainParameters) -> None:
    try:
        name = parameters.chosen.dotted if parameters.name == "named" else None
    except Exception:
        name = None
    if name != SM2_CURVE_OID:
        raise KeyFormatError("key is not on the SM2 curve (1.2.156.10197.1.301)")


def _scalar_and_point(ec_key: keys.ECPrivateKey) -> tuple[int, bytes | None]:
    try:
        scalar = int(ec_key["private_key"].native)
        public = ec_key["public_key"].native
    except Exception as exc:
        raise KeyFormatError(f"malformed EC private key: {exc}") from None
    point = bytes(public) if public is not None else None
    if point is not None and len(point) not in (UNCOMPRESSED_POINT_SIZE, 1 + COORDINATE_SIZE):
        raise KeyFormatError("EC private key carries a malformed public point")
    return scalar, point
