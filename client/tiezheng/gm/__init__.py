"""National cryptography: SM2 signatures, SM3 hashing, SM4-GCM encryption, keystores.

Two interchangeable backends implement the primitives: OpenSSL 3 (fast) and
gmssl (pure Python). ``get_backend()`` picks OpenSSL when it can run.
"""

from .backend import BACKEND_NAMES, BackendUnavailable, GMBackend, SM3Hasher, get_backend
from .curve import DEFAULT_UID
from .sm2 import SM2PrivateKey, SM2PublicKey
from .sm3 import file_chunks, sm3, sm3_file, sm3_hasher, sm3_stream
from .sm4 import AuthenticationError, sm4_gcm_decrypt, sm4_gcm_encrypt

__all__ = [
    "BACKEND_NAMES",
    "DEFAULT_UID",
    "AuthenticationError",
    "BackendUnavailable",
    "GMBackend",
    "SM2PrivateKey",
    "SM2PublicKey",
    "SM3Hasher",
    "file_chunks",
    "get_backend",
    "sm3",
    "sm3_file",
    "sm3_hasher",
    "sm3_stream",
    "sm4_gcm_decrypt",
    "sm4_gcm_encrypt",
]
