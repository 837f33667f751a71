"""Fuzzing SM2 key and signature encodings: PEM, DER, raw points, key files and DER signatures.

Keys come from files an operator or a court is given (``tiezheng keys import``,
``verify-sig --pubkey``, a genesis's points); signatures from receipts and
requests. Damage to any of them is a KeyFormatError (a ValueError for the
internal DER signature reader, as its contract says), or the same key again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng.errors import KeyFormatError
from tiezheng.gm import SM2PrivateKey, SM2PublicKey
from tiezheng.gm.key_encoding import to_pem
from tiezheng.gm.signature_der import decode_signature, encode_signature
from tiezheng.gm.sm2 import MAX_KEY_FILE_SIZE

from .support.mutations import damaged_bytes

KEY = SM2PrivateKey.generate()
PUBLIC = KEY.public_key()


def _same_key_or_refused(load: Callable[[Any], SM2PrivateKey | SM2PublicKey], data: Any) -> None:
    try:
        loaded = load(data)
    except KeyFormatError as exc:
        assert exc.code == "bad-key" and exc.message
        return
    loaded_public = loaded.public_key() if isinstance(loaded, SM2PrivateKey) else loaded
    assert SM2PublicKey.from_bytes(loaded_public.to_bytes()) == loaded_public


@settings(max_examples=200, deadline=None)
@given(damaged_bytes(KEY.to_der()))
def test_damaged_private_key_der_and_pem(data):
    _same_key_or_refused(SM2PrivateKey.from_der, data)
    _same_key_or_refused(SM2PrivateKey.from_pem, to_pem(data, "PRIVATE KEY"))
    _same_key_or_refused(SM2PrivateKey.from_pem, to_pem(data, "EC PRIVATE KEY"))


@settings(max_examples=200, deadline=None)
@given(damaged_bytes(PUBLIC.to_der()))
def test_damaged_public_key_der_and_pem(data):
    _same_key_or_refused(SM2PublicKey.from_der, data)
    _same_key_or_refused(SM2PublicKey.from_pem, to_pem(data, "PUBLIC KEY"))


@settings(max_examples=200, deadline=None)
@given(damaged_bytes(PUBLIC.to_bytes()) | damaged_bytes(PUBLIC.to_bytes(compressed=True)))
def test_damaged_points(data):
    _same_key_or_refused(SM2PublicKey.from_bytes, data)


@settings(max_examples=100, deadline=None)
@given(damaged_bytes(KEY.to_pem()) | damaged_bytes(PUBLIC.to_pem()) | st.text(max_size=300).map(str.encode))
def test_damaged_and_random_pem_text(data):
    _same_key_or_refused(SM2PrivateKey.from_pem, data)
    _same_key_or_refused(SM2PublicKey.from_pem, data)
    _same_key_or_refused(SM2PrivateKey.from_pem, data.decode("utf-8", "replace"))


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(
        [PUBLIC.to_pem(), PUBLIC.to_der(), PUBLIC.to_bytes(), PUBLIC.to_bytes().hex().encode() + b"\n"]
    ).flatmap(damaged_bytes)
)
def test_damaged_public_key_files(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("key") / "public.key"
    path.write_bytes(data)
    _same_key_or_refused(SM2PublicKey.load, path)


@pytest.mark.parametrize("content", [b"abc", b"0", b"04" * 32 + b"0\n"])
def test_a_key_file_with_an_odd_number_of_hex_digits_is_a_key_error(tmp_path, content):
    (tmp_path / "public.hex").write_bytes(content)
    with pytest.raises(KeyFormatError, match="even number of digits"):
        SM2PublicKey.load(tmp_path / "public.hex")


def test_a_key_file_is_not_read_past_its_bound(tmp_path):
    (tmp_path / "huge.pem").write_bytes(PUBLIC.to_pem() + b"\n" * MAX_KEY_FILE_SIZE)
    with pytest.raises(KeyFormatError, match="at most"):
        SM2PublicKey.load(tmp_path / "huge.pem")


SIGNATURE = KEY.sign(b"message")


@settings(max_examples=300, deadline=None)
@given(damaged_bytes(SIGNATURE) | st.binary(max_size=80))
def test_damaged_der_signatures_are_value_errors_or_the_one_encoding(data):
    try:
        r, s = decode_signature(data)
    except ValueError:
        assert PUBLIC.verify(b"message", data) is False
        return
    assert encode_signature(r, s) == data  # strict DER: one encoding per (r, s)
