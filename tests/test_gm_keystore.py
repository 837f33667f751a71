from __future__ import annotations

import json
import stat

import pytest

from tiezheng.errors import KeystoreError
from tiezheng.gm import SM2PrivateKey, get_backend, keystore

FAST = {"iterations": 1_000}  # keeps the suite quick; the default is checked once below


def test_round_trip_on_both_backends():
    key = SM2PrivateKey.generate()
    data = keystore.encrypt_key(key, "正确的口令 correct horse", label="agency-key", **FAST)
    for name in ("openssl", "gmssl"):
        loaded = keystore.decrypt_key(data, "正确的口令 correct horse", backend=get_backend(name))
        assert loaded.to_der() == key.to_der()


def test_default_work_factor_is_written_and_read():
    key = SM2PrivateKey.generate()
    data = keystore.encrypt_key(key, "pass")
    assert json.loads(data)["kdf"] == {
        "name": "pbkdf2-hmac-sm3",
        "iterations": keystore.DEFAULT_ITERATIONS,
        "salt": json.loads(data)["kdf"]["salt"],
    }
    assert keystore.decrypt_key(data, "pass").public_key() == key.public_key()


def test_wrong_passphrase_is_a_clear_error():
    data = keystore.encrypt_key(SM2PrivateKey.generate(), "right", **FAST)
    with pytest.raises(KeystoreError, match="wrong passphrase") as caught:
        keystore.decrypt_key(data, "wrong")
    assert caught.value.code == "keystore-wrong-passphrase"


def test_passphrase_is_unicode_normalised():
    data = keystore.encrypt_key(SM2PrivateKey.generate(), "caf\u00e9", **FAST)
    keystore.decrypt_key(data, "cafe\u0301")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("label", "someone else's key", "keystore-wrong-passphrase"),  # bound as associated data
        ("kdf.iterations", 1_001, "keystore-wrong-passphrase"),
        ("cipher.nonce", "00" * 12, "keystore-wrong-passphrase"),
        ("cipher.ciphertext", "00" * 48, "keystore-wrong-passphrase"),
        ("kdf.iterations", 10, "keystore-corrupt"),
        ("kdf.iterations", "1000", "keystore-corrupt"),
        ("kdf.name", "scrypt", "keystore-corrupt"),
        ("cipher.name", "aes-gcm", "keystore-corrupt"),
        ("cipher.nonce", "zz", "keystore-corrupt"),
        ("kdf.salt", "00", "keystore-corrupt"),
        ("public_key", "04" + "00" * 64, "keystore-corrupt"),
        ("key_id", "00" * 32, "keystore-corrupt"),
        ("version", 2, "keystore-unsupported"),
        ("format", "ethereum", "keystore-corrupt"),
        ("key_type", "rsa", "keystore-corrupt"),
    ],
)
def test_altered_fields_are_detected(field, value, code):
    document = json.loads(keystore.encrypt_key(SM2PrivateKey.generate(), "pass", **FAST))
    target = document
    *parents, leaf = field.split(".")
    for parent in parents:
        target = target[parent]
    target[leaf] = value
    with pytest.raises(KeystoreError) as caught:
        keystore.decrypt_key(json.dumps(document).encode(), "pass")
    assert caught.value.code == code, caught.value


def test_swapped_public_key_is_detected():
    document = json.loads(keystore.encrypt_key(SM2PrivateKey.generate(), "pass", **FAST))
    other = SM2PrivateKey.generate().public_key()
    document["public_key"], document["key_id"] = other.to_bytes().hex(), other.key_id.hex()
    with pytest.raises(KeystoreError):
        keystore.decrypt_key(json.dumps(document).encode(), "pass")


@pytest.mark.parametrize(
    "data", [b"", b"\xff\xfe", b"[]", b"{}", b"null", b'{"format": "tiezheng-keystore"}', b"x" * 70_000]
)
def test_garbage_files_are_clear_errors(data):
    with pytest.raises(KeystoreError, match=r"not a valid Tiezheng keystore|not supported"):
        keystore.decrypt_key(data, "pass")


def test_save_is_owner_only_and_never_overwrites(tmp_path):
    path = tmp_path / "agency.key"
    key = SM2PrivateKey.generate()
    keystore.save(path, key, "pass", **FAST)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(KeystoreError, match="already exists"):
        keystore.save(path, SM2PrivateKey.generate(), "pass", **FAST)
    assert keystore.load(path, "pass").public_key() == key.public_key()
    assert keystore.inspect(path.read_bytes()).public_key == key.public_key()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(KeystoreError, match="cannot read keystore"):
        keystore.load(tmp_path / "absent.key", "pass")


def test_empty_passphrase_is_refused():
    with pytest.raises(KeystoreError, match="empty passphrase"):
        keystore.encrypt_key(SM2PrivateKey.generate(), "", **FAST)


def test_private_key_never_appears_in_the_file():
    key = SM2PrivateKey.generate()
    data = keystore.encrypt_key(key, "pass", **FAST)
    assert key.to_scalar_bytes().hex().encode() not in data
