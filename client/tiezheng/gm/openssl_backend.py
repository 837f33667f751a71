"""SM2, SM3 and SM4 on OpenSSL 3.

SM3 comes from ``hashlib`` and SM4-GCM from ``cryptography``. SM2 goes through
libcrypto's EVP interface with ctypes: no maintained Python package exposes
OpenSSL's SM2 signatures with a distinguishing ID.

The calls that do elliptic-curve arithmetic (signing, verifying, loading a key)
release the GIL, so verification runs in parallel across threads. The others
(allocating and freeing contexts, setting the ID) take a microsecond and keep
it: a thread that gives the GIL up must wait for it again, up to the
interpreter's switch interval when other threads are busy, and nine such waits
per signature made verification on a busy node ~40 times slower.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import weakref
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .backend import BackendUnavailable, SM3Hasher
from .curve import COORDINATE_SIZE
from .key_encoding import private_key_to_der, public_key_to_der

_VOIDP = ctypes.c_void_p
_CHARPP = ctypes.POINTER(ctypes.c_char_p)
_MAX_SIGNATURE_SIZE: Final = 72
_TAG_SIZE: Final = 16
# PKCS#8 for an SM2 key without its public point: OpenSSL derives the point on load.
_PKCS8_SCALAR_ONLY_PREFIX: Final = bytes.fromhex(
    "3041020100301306072a8648ce3d020106082a811ccf5501822d042730250201010420"
)


#: The calls doing elliptic-curve arithmetic, long enough to be worth releasing the GIL for.
_SLOW: Final = frozenset(
    (
        "EVP_DigestSign",
        "EVP_DigestVerify",
        "EVP_DigestSignUpdate",
        "EVP_DigestVerifyUpdate",
        "EVP_DigestSignFinal",
        "EVP_DigestVerifyFinal",
        "d2i_AutoPrivateKey",
        "d2i_PUBKEY",
    )
)


class _LibCrypto:
    """The handful of libcrypto functions SM2 needs, with their C signatures."""

    def __init__(self) -> None:
        path = ctypes.util.find_library("crypto")
        if path is None:
            raise BackendUnavailable("libcrypto not found")
        releasing = ctypes.CDLL(path)  # calls release the GIL
        holding = ctypes.PyDLL(path)  # the same library; calls keep the GIL
        releasing.OpenSSL_version_num.restype = ctypes.c_ulong
        if releasing.OpenSSL_version_num() < 0x30000000:
            raise BackendUnavailable("OpenSSL 3 is required for the SM2 fast path")
        if "sm3" not in hashlib.algorithms_available:
            raise BackendUnavailable("hashlib has no SM3: Python is linked against an OpenSSL without it")
        signatures: dict[str, tuple[object, list[object]]] = {
            "d2i_AutoPrivateKey": (_VOIDP, [_VOIDP, _CHARPP, ctypes.c_long]),
            "d2i_PUBKEY": (_VOIDP, [_VOIDP, _CHARPP, ctypes.c_long]),
            "i2d_PUBKEY": (ctypes.c_int, [_VOIDP, _CHARPP]),
            "EVP_PKEY_free": (None, [_VOIDP]),
            "EVP_PKEY_is_a": (ctypes.c_int, [_VOIDP, ctypes.c_char_p]),
            "EVP_PKEY_CTX_new": (_VOIDP, [_VOIDP, _VOIDP]),
            "EVP_PKEY_CTX_free": (None, [_VOIDP]),
            "EVP_PKEY_CTX_set1_id": (ctypes.c_int, [_VOIDP, ctypes.c_char_p, ctypes.c_size_t]),
            "EVP_MD_CTX_new": (_VOIDP, []),
            "EVP_MD_CTX_free": (None, [_VOIDP]),
            "EVP_MD_CTX_set_pkey_ctx": (None, [_VOIDP, _VOIDP]),
            "EVP_sm3": (_VOIDP, []),
            "EVP_DigestSignInit": (ctypes.c_int, [_VOIDP, _VOIDP, _VOIDP, _VOIDP, _VOIDP]),
            "EVP_DigestSign": (
                ctypes.c_int,
                [_VOIDP, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t), ctypes.c_char_p, ctypes.c_size_t],
            ),
            "EVP_DigestVerifyInit": (ctypes.c_int, [_VOIDP, _VOIDP, _VOIDP, _VOIDP, _VOIDP]),
            "EVP_DigestVerify": (
                ctypes.c_int,
                [_VOIDP, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t],
            ),
            "EVP_DigestSignUpdate": (ctypes.c_int, [_VOIDP, ctypes.c_char_p, ctypes.c_size_t]),
            "EVP_DigestSignFinal": (ctypes.c_int, [_VOIDP, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t)]),
            "EVP_DigestVerifyUpdate": (ctypes.c_int, [_VOIDP, ctypes.c_char_p, ctypes.c_size_t]),
            "EVP_DigestVerifyFinal": (ctypes.c_int, [_VOIDP, ctypes.c_char_p, ctypes.c_size_t]),
            "ERR_clear_error": (None, []),
        }
        functions = {}
        for name, (restype, argtypes) in signatures.items():
            function = getattr(releasing if name in _SLOW else holding, name, None)
            if function is None:
                raise BackendUnavailable(f"libcrypto lacks {name}")
            function.restype = restype
            function.argtypes = argtypes
            functions[name] = function
        self.lib: Any = SimpleNamespace(**functions)
        self.sm3_md = self.lib.EVP_sm3()
        if not self.sm3_md:
            raise BackendUnavailable("libcrypto has no SM3 digest")


class _EvpKey:
    """An owned ``EVP_PKEY*``, freed when the Python object goes away."""

    __slots__ = ("__weakref__", "pointer")

    def __init__(self, libcrypto: _LibCrypto, pointer: int) -> None:
        self.pointer = pointer
        weakref.finalize(self, libcrypto.lib.EVP_PKEY_free, pointer)


class OpenSSLBackend:
    name = "openssl"

    def __init__(self) -> None:
        self._crypto = _LibCrypto()
        # Copying an empty hasher costs half of hashlib.new("sm3"), which looks the
        # algorithm up by name each time; the Merkle log and admission hash millions.
        self._empty_sm3 = hashlib.new("sm3")

    # SM3

    def sm3(self, data: bytes) -> bytes:
        hasher = self._empty_sm3.copy()
        hasher.update(data)
        return hasher.digest()

    def sm3_hasher(self) -> SM3Hasher:
        return self._empty_sm3.copy()

    # SM2 keys

    def sm2_public_point(self, scalar: int) -> bytes:
        key = self._load_private(_PKCS8_SCALAR_ONLY_PREFIX + scalar.to_bytes(COORDINATE_SIZE, "big"))
        lib = self._crypto.lib
        size = lib.i2d_PUBKEY(key.pointer, None)
        if size <= 0:
            raise BackendUnavailable("libcrypto could not encode the public key")
        buffer = ctypes.create_string_buffer(size)
        cursor = ctypes.c_char_p(ctypes.addressof(buffer))
        lib.i2d_PUBKEY(key.pointer, ctypes.byref(cursor))
        return buffer.raw[-(1 + 2 * COORDINATE_SIZE) :]

    def sm2_private_handle(self, scalar: int, point: bytes) -> object:
        return self._load_private(private_key_to_der(scalar, point))

    def sm2_public_handle(self, point: bytes) -> object:
        der = public_key_to_der(point)
        lib = self._crypto.lib
        cursor = ctypes.c_char_p(der)
        pointer = lib.d2i_PUBKEY(None, ctypes.byref(cursor), len(der))
        if not pointer:
            lib.ERR_clear_error()
            raise ValueError("libcrypto rejected the SM2 public key")
        return self._own_sm2(pointer)

    def _load_private(self, der: bytes) -> _EvpKey:
        lib = self._crypto.lib
        cursor = ctypes.c_char_p(der)
        pointer = lib.d2i_AutoPrivateKey(None, ctypes.byref(cursor), len(der))
        if not pointer:
            lib.ERR_clear_error()
            raise ValueError("libcrypto rejected the SM2 private key")
        return self._own_sm2(pointer)

    def _own_sm2(self, pointer: int) -> _EvpKey:
        key = _EvpKey(self._crypto, pointer)
        if self._crypto.lib.EVP_PKEY_is_a(pointer, b"SM2") != 1:
            raise ValueError("libcrypto did not load the key as an SM2 key")
        return key

    # SM2 signatures

    def sm2_sign(self, handle: object, message: bytes, uid: bytes) -> bytes:
        assert isinstance(handle, _EvpKey)
        lib = self._crypto.lib
        md_ctx, pkey_ctx = self._digest_context(handle, uid)
        try:
            if lib.EVP_DigestSignInit(md_ctx, None, self._crypto.sm3_md, None, handle.pointer) != 1:
                raise ValueError("EVP_DigestSignInit failed")
            size = ctypes.c_size_t(_MAX_SIGNATURE_SIZE)
            buffer = ctypes.create_string_buffer(_MAX_SIGNATURE_SIZE)
            if lib.EVP_DigestSign(md_ctx, buffer, ctypes.byref(size), message, len(message)) != 1:
                raise ValueError("EVP_DigestSign failed")
            return buffer.raw[: size.value]
        finally:
            lib.EVP_MD_CTX_free(md_ctx)
            lib.EVP_PKEY_CTX_free(pkey_ctx)
            lib.ERR_clear_error()

    def sm2_verify(self, handle: object, message: bytes, signature: bytes, uid: bytes) -> bool:
        assert isinstance(handle, _EvpKey)
        lib = self._crypto.lib
        md_ctx, pkey_ctx = self._digest_context(handle, uid)
        try:
            if lib.EVP_DigestVerifyInit(md_ctx, None, self._crypto.sm3_md, None, handle.pointer) != 1:
                return False
            return lib.EVP_DigestVerify(md_ctx, signature, len(signature), message, len(message)) == 1
        finally:
            lib.EVP_MD_CTX_free(md_ctx)
            lib.EVP_PKEY_CTX_free(pkey_ctx)
            lib.ERR_clear_error()

    def sm2_sign_chunks(self, handle: object, chunks: Iterable[bytes], uid: bytes) -> bytes:
        assert isinstance(handle, _EvpKey)
        lib = self._crypto.lib
        md_ctx, pkey_ctx = self._digest_context(handle, uid)
        try:
            if lib.EVP_DigestSignInit(md_ctx, None, self._crypto.sm3_md, None, handle.pointer) != 1:
                raise ValueError("EVP_DigestSignInit failed")
            for chunk in chunks:
                if lib.EVP_DigestSignUpdate(md_ctx, chunk, len(chunk)) != 1:
                    raise ValueError("EVP_DigestSignUpdate failed")
            size = ctypes.c_size_t(_MAX_SIGNATURE_SIZE)
            buffer = ctypes.create_string_buffer(_MAX_SIGNATURE_SIZE)
            if lib.EVP_DigestSignFinal(md_ctx, buffer, ctypes.byref(size)) != 1:
                raise ValueError("EVP_DigestSignFinal failed")
            return buffer.raw[: size.value]
        finally:
            lib.EVP_MD_CTX_free(md_ctx)
            lib.EVP_PKEY_CTX_free(pkey_ctx)
            lib.ERR_clear_error()

    def sm2_verify_chunks(self, handle: object, chunks: Iterable[bytes], signature: bytes, uid: bytes) -> bool:
        assert isinstance(handle, _EvpKey)
        lib = self._crypto.lib
        md_ctx, pkey_ctx = self._digest_context(handle, uid)
        try:
            if lib.EVP_DigestVerifyInit(md_ctx, None, self._crypto.sm3_md, None, handle.pointer) != 1:
                return False
            for chunk in chunks:
                if lib.EVP_DigestVerifyUpdate(md_ctx, chunk, len(chunk)) != 1:
                    return False
            return lib.EVP_DigestVerifyFinal(md_ctx, signature, len(signature)) == 1
        finally:
            lib.EVP_MD_CTX_free(md_ctx)
            lib.EVP_PKEY_CTX_free(pkey_ctx)
            lib.ERR_clear_error()

    def _digest_context(self, key: _EvpKey, uid: bytes) -> tuple[int, int]:
        lib = self._crypto.lib
        md_ctx = lib.EVP_MD_CTX_new()
        pkey_ctx = lib.EVP_PKEY_CTX_new(key.pointer, None)
        if not md_ctx or not pkey_ctx:
            lib.EVP_MD_CTX_free(md_ctx)
            lib.EVP_PKEY_CTX_free(pkey_ctx)
            raise MemoryError("libcrypto could not allocate a digest context")
        if lib.EVP_PKEY_CTX_set1_id(pkey_ctx, uid, len(uid)) != 1:
            lib.EVP_MD_CTX_free(md_ctx)
            lib.EVP_PKEY_CTX_free(pkey_ctx)
            raise ValueError("libcrypto refused the SM2 distinguishing ID")
        # The digest context borrows pkey_ctx; both are freed by the caller.
        lib.EVP_MD_CTX_set_pkey_ctx(md_ctx, pkey_ctx)
        return md_ctx, pkey_ctx

    # SM4-GCM

    def sm4_gcm_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        ciphertext = encryptor.update(plaintext) + encryptor.finalize()
        return ciphertext + encryptor.tag

    def sm4_gcm_decrypt(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        if len(sealed) < _TAG_SIZE:
            raise ValueError("sealed data is shorter than the GCM tag")
        ciphertext, tag = sealed[:-_TAG_SIZE], sealed[-_TAG_SIZE:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        try:
            return decryptor.update(ciphertext) + decryptor.finalize()
        except InvalidTag:
            raise ValueError("SM4-GCM tag does not authenticate") from None
