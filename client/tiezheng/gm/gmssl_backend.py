"""SM2, SM3 and SM4 in pure Python on gmssl.

gmssl supplies the primitives (the SM3 compression function, the SM4 block
cipher, SM2 point arithmetic); this module adds what gmssl lacks or gets wrong
for us: incremental SM3, GCM mode for SM4 (NIST SP 800-38D), a signer's user ID
other than the default, and nonces from ``secrets`` (gmssl draws its own from
``random``, which is not a cryptographic generator).
"""

from __future__ import annotations

import hmac
import secrets
import struct
from collections.abc import Callable, Iterable
from typing import Final

from gmssl import sm3 as gmssl_sm3
from gmssl import sm4 as gmssl_sm4
from gmssl.sm2 import CryptSM2

from .backend import SM3Hasher
from .curve import GX, GY, N, z_value_input
from .signature_der import decode_signature, encode_signature

_BLOCK: Final = 64
_TAG_SIZE: Final = 16
_GCM_R: Final = 0xE1 << 120
_BASE_POINT_HEX: Final = f"{GX:064x}{GY:064x}"

BlockEncryptor = Callable[[bytes], bytes]


class PureSM3:
    """Incremental SM3 (GB/T 32905-2016) on gmssl's compression function."""

    def __init__(self) -> None:
        self._state: list[int] = list(gmssl_sm3.IV)
        self._buffer = b""
        self._length = 0

    def update(self, data: bytes, /) -> None:
        self._length += len(data)
        buffered = self._buffer + bytes(data)
        whole = len(buffered) - len(buffered) % _BLOCK
        state = self._state
        for offset in range(0, whole, _BLOCK):
            state = gmssl_sm3.sm3_cf(state, list(buffered[offset : offset + _BLOCK]))
        self._state = state
        self._buffer = buffered[whole:]

    def digest(self) -> bytes:
        padding_size = (55 - self._length) % _BLOCK
        tail = self._buffer + b"\x80" + b"\x00" * padding_size + struct.pack(">Q", self._length * 8)
        state = self._state
        for offset in range(0, len(tail), _BLOCK):
            state = gmssl_sm3.sm3_cf(state, list(tail[offset : offset + _BLOCK]))
        return b"".join(word.to_bytes(4, "big") for word in state)

    def hexdigest(self) -> str:
        return self.digest().hex()

    def copy(self) -> PureSM3:
        other = PureSM3()
        other._state = list(self._state)
        other._buffer = self._buffer
        other._length = self._length
        return other


class _PureKey:
    __slots__ = ("curve", "point", "scalar")

    def __init__(self, scalar: int | None, point: bytes) -> None:
        self.scalar = scalar
        self.point = point
        self.curve = CryptSM2(private_key=f"{scalar or 0:064x}", public_key="")
        # Assigned after construction: gmssl's constructor lstrip("04")s the key,
        # which eats leading hex digits of x when x itself starts with 0 or 4.
        self.curve.public_key = point[1:].hex()


class GmsslBackend:
    name = "gmssl"

    def sm3(self, data: bytes) -> bytes:
        hasher = PureSM3()
        hasher.update(data)
        return hasher.digest()

    def sm3_hasher(self) -> SM3Hasher:
        return PureSM3()

    def sm2_public_point(self, scalar: int) -> bytes:
        curve = CryptSM2(private_key=f"{scalar:064x}", public_key="")
        return b"\x04" + bytes.fromhex(curve._kg(scalar, _BASE_POINT_HEX))

    def sm2_private_handle(self, scalar: int, point: bytes) -> object:
        return _PureKey(scalar, point)

    def sm2_public_handle(self, point: bytes) -> object:
        return _PureKey(None, point)

    def _digest(self, key: _PureKey, message: bytes, uid: bytes) -> bytes:
        z = self.sm3(z_value_input(key.point, uid))
        return self.sm3(z + message)

    def _digest_chunks(self, key: _PureKey, chunks: Iterable[bytes], uid: bytes) -> bytes:
        hasher = self.sm3_hasher()
        hasher.update(self.sm3(z_value_input(key.point, uid)))
        for chunk in chunks:
            hasher.update(chunk)
        return hasher.digest()

    def sm2_sign(self, handle: object, message: bytes, uid: bytes) -> bytes:
        assert isinstance(handle, _PureKey)
        return self._sign_digest(handle, self._digest(handle, message, uid))

    def sm2_sign_chunks(self, handle: object, chunks: Iterable[bytes], uid: bytes) -> bytes:
        assert isinstance(handle, _PureKey)
        return self._sign_digest(handle, self._digest_chunks(handle, chunks, uid))

    def sm2_verify_chunks(self, handle: object, chunks: Iterable[bytes], signature: bytes, uid: bytes) -> bool:
        assert isinstance(handle, _PureKey)
        r, s = decode_signature(signature)
        return bool(handle.curve.verify(f"{r:064x}{s:064x}", self._digest_chunks(handle, chunks, uid)))

    def _sign_digest(self, handle: _PureKey, e: bytes) -> bytes:
        assert handle.scalar is not None
        while True:
            k = 1 + secrets.randbelow(N - 1)
            raw = handle.curve.sign(e, f"{k:064x}")
            if raw is not None:
                return encode_signature(int(raw[:64], 16), int(raw[64:], 16))

    def sm2_verify(self, handle: object, message: bytes, signature: bytes, uid: bytes) -> bool:
        assert isinstance(handle, _PureKey)
        r, s = decode_signature(signature)
        e = self._digest(handle, message, uid)
        return bool(handle.curve.verify(f"{r:064x}{s:064x}", e))

    # SM4-GCM (NIST SP 800-38D with a 96-bit nonce and a 128-bit tag)

    def sm4_gcm_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        block = _sm4_block_encryptor(key)
        h = int.from_bytes(block(b"\x00" * 16), "big")
        counter0 = nonce + b"\x00\x00\x00\x01"
        ciphertext = _gctr(block, _increment(counter0), plaintext)
        tag = _gctr(block, counter0, _ghash(h, aad, ciphertext))
        return ciphertext + tag

    def sm4_gcm_decrypt(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        if len(sealed) < _TAG_SIZE:
            raise ValueError("sealed data is shorter than the GCM tag")
        ciphertext, tag = sealed[:-_TAG_SIZE], sealed[-_TAG_SIZE:]
        block = _sm4_block_encryptor(key)
        h = int.from_bytes(block(b"\x00" * 16), "big")
        counter0 = nonce + b"\x00\x00\x00\x01"
        expected = _gctr(block, counter0, _ghash(h, aad, ciphertext))
        if not hmac.compare_digest(expected, tag):
            raise ValueError("SM4-GCM tag does not authenticate")
        return _gctr(block, _increment(counter0), ciphertext)


def _sm4_block_encryptor(key: bytes) -> BlockEncryptor:
    cipher = gmssl_sm4.CryptSM4()
    cipher.set_key(key, gmssl_sm4.SM4_ENCRYPT)

    def encrypt_block(block: bytes) -> bytes:
        return bytes(cipher.one_round(cipher.sk, list(block)))

    return encrypt_block


def _increment(counter: bytes) -> bytes:
    low = (int.from_bytes(counter[12:], "big") + 1) & 0xFFFFFFFF
    return counter[:12] + low.to_bytes(4, "big")


def _gctr(encrypt_block: BlockEncryptor, counter: bytes, data: bytes) -> bytes:
    out = bytearray()
    for offset in range(0, len(data), 16):
        chunk = data[offset : offset + 16]
        stream = encrypt_block(counter)
        out += bytes(a ^ b for a, b in zip(chunk, stream[: len(chunk)], strict=True))
        counter = _increment(counter)
    return bytes(out)


def _gf_multiply(x: int, y: int) -> int:
    product, v = 0, y
    for bit in range(127, -1, -1):
        if (x >> bit) & 1:
            product ^= v
        v = (v >> 1) ^ _GCM_R if v & 1 else v >> 1
    return product


def _ghash(h: int, aad: bytes, ciphertext: bytes) -> bytes:
    def padded(data: bytes) -> bytes:
        return data + b"\x00" * (-len(data) % 16)

    stream = padded(aad) + padded(ciphertext) + struct.pack(">QQ", len(aad) * 8, len(ciphertext) * 8)
    y = 0
    for offset in range(0, len(stream), 16):
        y = _gf_multiply(y ^ int.from_bytes(stream[offset : offset + 16], "big"), h)
    return y.to_bytes(16, "big")
