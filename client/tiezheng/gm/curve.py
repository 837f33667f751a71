"""SM2 domain parameters (GB/T 32918.5-2017) and the pure arithmetic every backend shares.

Only the cheap parts live here: point validation, point decompression and the
signer's identity digest Z. Scalar multiplication belongs to the backends.
"""

from __future__ import annotations

from typing import Final

P: Final = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A: Final = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B: Final = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N: Final = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX: Final = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY: Final = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

#: GM/T 0009-2012 §10: the user ID a signer uses when none was agreed.
DEFAULT_UID: Final = b"1234567812345678"

COORDINATE_SIZE: Final = 32
UNCOMPRESSED_POINT_SIZE: Final = 1 + 2 * COORDINATE_SIZE
COMPRESSED_POINT_SIZE: Final = 1 + COORDINATE_SIZE


def is_on_curve(x: int, y: int) -> bool:
    """True when (x, y) is an affine point of the SM2 curve (the cofactor is 1)."""
    if not (0 <= x < P and 0 <= y < P):
        return False
    return (y * y - (x * x * x + A * x + B)) % P == 0


def decompress(prefix: int, x: int) -> int:
    """The y coordinate for ``x`` whose parity the SEC 1 prefix (2 or 3) names.

    Raises ValueError when no point of the curve has this x.
    """
    if prefix not in (2, 3) or not 0 <= x < P:
        raise ValueError("not a compressed SM2 point")
    rhs = (x * x * x + A * x + B) % P
    # P ≡ 3 (mod 4), so a square root, where one exists, is rhs^((P+1)/4).
    y = pow(rhs, (P + 1) // 4, P)
    if y * y % P != rhs:
        raise ValueError("x is not the coordinate of a point on the SM2 curve")
    if y & 1 != prefix & 1:
        y = P - y
    return y


def encode_point(x: int, y: int) -> bytes:
    """SEC 1 uncompressed encoding: 0x04 ‖ x ‖ y."""
    return b"\x04" + x.to_bytes(COORDINATE_SIZE, "big") + y.to_bytes(COORDINATE_SIZE, "big")


def z_value_input(point: bytes, uid: bytes) -> bytes:
    """ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA, whose SM3 digest is the signer's Z (GB/T 32918.2 §5.5)."""
    if len(uid) >= 8192:
        raise ValueError("SM2 user ID must be shorter than 8192 bytes")
    size = COORDINATE_SIZE
    return b"".join(
        (
            (len(uid) * 8).to_bytes(2, "big"),
            uid,
            A.to_bytes(size, "big"),
            B.to_bytes(size, "big"),
            GX.to_bytes(size, "big"),
            GY.to_bytes(size, "big"),
            point[1:],
        )
    )
