"""Private keys at rest: SM2 keys sealed with SM4-GCM under a passphrase-derived key.

The key-encryption key comes from PBKDF2 with HMAC-SM3 (RFC 8018 §5.2; the
password-based derivation GM/T 0091-2020 specifies), 600,000 iterations by
default. The file is JSON, versioned, and every field outside the ciphertext is
bound to it as GCM associated data, so editing any of them is detected. The
format is documented in docs/crypto.md.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..errors import DecodeError, KeyFormatError, KeystoreError
from ..files import open_regular, write_new
from ..jsondoc import check_nesting
from ..schema import display_forging_character
from .backend import GMBackend, get_backend
from .sm2 import SM2PrivateKey, SM2PublicKey
from .sm4 import KEY_SIZE, NONCE_SIZE, TAG_SIZE, AuthenticationError, sm4_gcm_decrypt, sm4_gcm_encrypt

FORMAT: Final = "tiezheng-keystore"
VERSION: Final = 1
KDF_NAME: Final = "pbkdf2-hmac-sm3"
CIPHER_NAME: Final = "sm4-gcm"
DEFAULT_ITERATIONS: Final = 600_000
#: Bounds on what a file may ask for: below is too weak to accept, above is a denial of service.
MIN_ITERATIONS: Final = 1_000
MAX_ITERATIONS: Final = 100_000_000
SALT_SIZE: Final = 16
_SCALAR_SIZE: Final = 32
#: A keystore is a few hundred bytes; refuse to parse anything much larger.
MAX_FILE_SIZE: Final = 64 * 1024
#: A label is a name, not a document: even escaped (6 bytes a character) it keeps a keystore far below MAX_FILE_SIZE.
MAX_LABEL_LENGTH: Final = 1024


@dataclass(frozen=True)
class KeystoreInfo:
    """What a keystore says about itself without the passphrase."""

    public_key: SM2PublicKey
    label: str
    iterations: int


def encrypt_key(
    key: SM2PrivateKey,
    passphrase: str,
    *,
    label: str = "",
    iterations: int = DEFAULT_ITERATIONS,
    backend: GMBackend | None = None,
) -> bytes:
    """The keystore file bytes for ``key`` sealed under ``passphrase``."""
    if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise ValueError(f"iterations must lie in [{MIN_ITERATIONS}, {MAX_ITERATIONS}]")
    if not passphrase:
        raise KeystoreError("refusing to encrypt a key under an empty passphrase", code="keystore-empty-passphrase")
    check_label(label)
    salt = secrets.token_bytes(SALT_SIZE)
    nonce = secrets.token_bytes(NONCE_SIZE)
    public = key.public_key()
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "key_type": "sm2",
        "label": label,
        "public_key": public.to_bytes().hex(),
        "key_id": public.key_id.hex(),
        "kdf": {"name": KDF_NAME, "iterations": iterations, "salt": salt.hex()},
        "cipher": {"name": CIPHER_NAME, "nonce": nonce.hex()},
    }
    kek = _derive(passphrase, salt, iterations)
    sealed = sm4_gcm_encrypt(kek, nonce, key.to_scalar_bytes(), _associated_data(document), backend=backend)
    document["cipher"]["ciphertext"] = sealed.hex()
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def check_label(label: str) -> None:
    """Refuse a label this module could write but not read back (too long), not write (not UTF-8 text), or
    that would not read as itself (control or format characters)."""
    if len(label) > MAX_LABEL_LENGTH:
        raise KeystoreError(
            f"the label is {len(label):,} characters; at most {MAX_LABEL_LENGTH} fit in a keystore",
            code="keystore-label-too-long",
        )
    try:
        label.encode("utf-8")
    except UnicodeEncodeError:
        raise KeystoreError("the label is not valid Unicode text", code="keystore-bad-label") from None
    hidden = display_forging_character(label)
    if hidden is not None:
        # Printed by `keys public`: a line break or an escape sequence there could forge the lines after it.
        raise KeystoreError(f"the label holds {hidden}, an invisible or control character", code="keystore-bad-label")


def decrypt_key(data: bytes, passphrase: str, *, backend: GMBackend | None = None) -> SM2PrivateKey:
    """The private key in a keystore; KeystoreError for a wrong passphrase or a damaged file."""
    document = _parse(data)
    kdf, cipher = document["kdf"], document["cipher"]
    kek = _derive(passphrase, bytes.fromhex(kdf["salt"]), kdf["iterations"])
    try:
        scalar_bytes = sm4_gcm_decrypt(
            kek,
            bytes.fromhex(cipher["nonce"]),
            bytes.fromhex(cipher["ciphertext"]),
            _associated_data(document),
            backend=backend,
        )
    except AuthenticationError:
        raise KeystoreError("wrong passphrase, or the keystore was altered", code="keystore-wrong-passphrase") from None
    try:
        key = SM2PrivateKey(
            int.from_bytes(scalar_bytes, "big"),
            point=bytes.fromhex(document["public_key"]),
            backend=backend or get_backend(),
        )
    except KeyFormatError as exc:
        raise KeystoreError(f"keystore decrypts to an invalid key: {exc}", code="keystore-corrupt") from None
    return key


def inspect(data: bytes) -> KeystoreInfo:
    """The public parts of a keystore, checked for well-formedness, without the passphrase."""
    document = _parse(data)
    return KeystoreInfo(
        public_key=SM2PublicKey.from_bytes(bytes.fromhex(document["public_key"])),
        label=document["label"],
        iterations=document["kdf"]["iterations"],
    )


def save(path: str | Path, key: SM2PrivateKey, passphrase: str, **options: Any) -> None:
    """Write a keystore with owner-only permissions, refusing to overwrite an existing file."""
    data = encrypt_key(key, passphrase, **options)
    try:
        write_new(path, data, mode=0o600)  # whole or not at all: a stub would block the retry
    except FileExistsError:
        raise KeystoreError(f"{path} already exists; not overwriting a key", code="keystore-exists") from None
    except OSError as exc:
        raise KeystoreError(f"cannot write keystore {path!s}: {exc.strerror}", code="keystore-unwritable") from None


def load(path: str | Path, passphrase: str, *, backend: GMBackend | None = None) -> SM2PrivateKey:
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_FILE_SIZE + 1)
    except OSError as exc:
        raise KeystoreError(f"cannot read keystore {path}: {exc.strerror}", code="keystore-unreadable") from None
    return decrypt_key(data, passphrase, backend=backend)


def _derive(passphrase: str, salt: bytes, iterations: int) -> bytes:
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.pbkdf2_hmac("sm3", secret, salt, iterations, dklen=KEY_SIZE)


def _associated_data(document: dict[str, Any]) -> bytes:
    bound = {k: v for k, v in document.items() if k != "cipher"}
    bound["cipher"] = {"name": document["cipher"]["name"], "nonce": document["cipher"]["nonce"]}
    return json.dumps(bound, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _parse(data: bytes) -> dict[str, Any]:
    """The keystore document with every field checked for presence, type and size."""

    def corrupt(reason: str) -> KeystoreError:
        return KeystoreError(f"not a valid Tiezheng keystore: {reason}", code="keystore-corrupt")

    if len(data) > MAX_FILE_SIZE:
        raise corrupt("file is too large")
    try:
        text = data.decode("utf-8")
        check_nesting(text, "the file")
        document = json.loads(text)
    except DecodeError as exc:
        raise corrupt(exc.message) from None
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or an integer of 4,300 digits or more
        raise corrupt("not JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise corrupt('missing "format": "tiezheng-keystore"')
    if document.get("version") != VERSION:
        raise KeystoreError(
            f"keystore version {document.get('version')!r} is not supported (this build reads version {VERSION})",
            code="keystore-unsupported",
        )
    if document.get("key_type") != "sm2":
        raise corrupt("key_type must be sm2")
    kdf, cipher = document.get("kdf"), document.get("cipher")
    if not isinstance(kdf, dict) or kdf.get("name") != KDF_NAME:
        raise corrupt(f"kdf.name must be {KDF_NAME}")
    if not isinstance(cipher, dict) or cipher.get("name") != CIPHER_NAME:
        raise corrupt(f"cipher.name must be {CIPHER_NAME}")
    iterations = kdf.get("iterations")
    if type(iterations) is not int or not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise corrupt(f"kdf.iterations must be an integer in [{MIN_ITERATIONS}, {MAX_ITERATIONS}]")
    if not isinstance(document.get("label", ""), str):
        raise corrupt("label must be text")
    document.setdefault("label", "")
    for where, field, size in (
        (kdf, "salt", SALT_SIZE),
        (cipher, "nonce", NONCE_SIZE),
        (cipher, "ciphertext", _SCALAR_SIZE + TAG_SIZE),
        (document, "public_key", 65),
        (document, "key_id", 32),
    ):
        value = where.get(field)
        try:
            ok = isinstance(value, str) and len(bytes.fromhex(value)) == size
        except ValueError:
            ok = False
        if not ok:
            raise corrupt(f"{field} must be {size} bytes of hex")
    try:
        public = SM2PublicKey.from_bytes(bytes.fromhex(document["public_key"]))
    except KeyFormatError as exc:
        raise corrupt(str(exc)) from None
    if public.key_id.hex() != document["key_id"].lower():
        raise corrupt("key_id does not match public_key")
    try:
        _associated_data(document)
    except UnicodeEncodeError:
        raise corrupt("text that is not Unicode (an unpaired surrogate escape)") from None
    return document
