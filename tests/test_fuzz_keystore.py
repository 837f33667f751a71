"""Fuzzing keystore files: any damage is a KeystoreError, never another exception, and never a different key.

A keystore is read from disk by the CLI and the node; a damaged, truncated or
hand-edited file must say it is not a valid keystore (or that the passphrase is
wrong), whatever the damage.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng.errors import KeystoreError
from tiezheng.gm import SM2PrivateKey, keystore

from .support.mutations import HOSTILE_JSON_VALUES, damaged_bytes, damaged_value

KEY = SM2PrivateKey.generate()
PASSPHRASE = "口令 passphrase"
GOOD = keystore.encrypt_key(KEY, PASSPHRASE, label="agency key", iterations=1_000)


def _opens_as_the_same_key_or_is_refused(data: bytes) -> None:
    try:
        info = keystore.inspect(data)
    except KeystoreError as exc:
        assert exc.code.startswith("keystore")
    else:
        assert info.public_key == KEY.public_key()
    try:
        key = keystore.decrypt_key(data, PASSPHRASE)
    except KeystoreError as exc:
        assert exc.code.startswith("keystore")
    else:
        assert key.to_der() == KEY.to_der()


@settings(max_examples=150, deadline=None)
@given(damaged_value(json.loads(GOOD), HOSTILE_JSON_VALUES))
def test_damaged_fields_are_keystore_errors(document):
    _opens_as_the_same_key_or_is_refused(json.dumps(document).encode())


@settings(max_examples=150, deadline=None)
@given(damaged_bytes(GOOD))
def test_damaged_bytes_are_keystore_errors(data):
    _opens_as_the_same_key_or_is_refused(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_files_are_keystore_errors(data):
    with pytest.raises(KeystoreError):
        keystore.inspect(data)


@pytest.mark.parametrize("field", ["label", "extra", "key_type"])
def test_an_unpaired_surrogate_escape_is_a_corrupt_keystore(field):
    text = GOOD.decode().replace('"format"', f'"{field}": "\\ud800", "format"', 1)
    if field != "extra":
        text = GOOD.decode().replace(f'"{field}": "', f'"{field}": "\\ud800', 1)
    with pytest.raises(KeystoreError) as refused:
        keystore.decrypt_key(text.encode(), PASSPHRASE)
    assert refused.value.code == "keystore-corrupt"


def test_an_integer_of_thousands_of_digits_is_a_corrupt_keystore():
    text = GOOD.decode().replace('"iterations": 1000', '"iterations": 1' + "0" * 5000, 1)
    with pytest.raises(KeystoreError) as refused:
        keystore.inspect(text.encode())
    assert refused.value.code == "keystore-corrupt"
