from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiezheng.gm import AuthenticationError, get_backend, sm4_gcm_decrypt, sm4_gcm_encrypt

# RFC 8998 Appendix A.1: SM4-GCM.
KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
NONCE = bytes.fromhex("00001234567800000000ABCD")
PLAINTEXT = bytes.fromhex(
    "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
    "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
)
AAD = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
SEALED = bytes.fromhex(
    "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
    "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    "83DE3541E4C2B58177E065A9BF7B62EC"
)


def test_rfc8998_vector(backend):
    assert sm4_gcm_encrypt(KEY, NONCE, PLAINTEXT, AAD, backend=backend) == SEALED
    assert sm4_gcm_decrypt(KEY, NONCE, SEALED, AAD, backend=backend) == PLAINTEXT


@pytest.mark.parametrize("where", ["ciphertext", "tag", "aad", "nonce", "key"])
def test_any_change_fails_authentication(backend, where):
    sealed, aad, nonce, key = bytearray(SEALED), bytearray(AAD), bytearray(NONCE), bytearray(KEY)
    target = {"ciphertext": sealed, "tag": sealed, "aad": aad, "nonce": nonce, "key": key}[where]
    target[-1 if where == "tag" else 0] ^= 0x01
    with pytest.raises(AuthenticationError):
        sm4_gcm_decrypt(bytes(key), bytes(nonce), bytes(sealed), bytes(aad), backend=backend)


def test_too_short_and_bad_sizes(backend):
    with pytest.raises(AuthenticationError):
        sm4_gcm_decrypt(KEY, NONCE, b"short", backend=backend)
    with pytest.raises(ValueError, match="key must be 16 bytes"):
        sm4_gcm_encrypt(b"k" * 15, NONCE, b"")
    with pytest.raises(ValueError, match="nonce must be 12 bytes"):
        sm4_gcm_encrypt(KEY, b"n" * 16, b"")


@given(
    st.binary(min_size=16, max_size=16),
    st.binary(min_size=12, max_size=12),
    st.binary(max_size=80),
    st.binary(max_size=40),
)
def test_backends_agree(key, nonce, plaintext, aad):
    fast = sm4_gcm_encrypt(key, nonce, plaintext, aad, backend=get_backend("openssl"))
    assert sm4_gcm_encrypt(key, nonce, plaintext, aad, backend=get_backend("gmssl")) == fast
    assert sm4_gcm_decrypt(key, nonce, fast, aad, backend=get_backend("gmssl")) == plaintext
