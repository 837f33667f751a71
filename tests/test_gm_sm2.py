from __future__ import annotations

import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng.errors import KeyFormatError
from tiezheng.gm import DEFAULT_UID, SM2PrivateKey, SM2PublicKey, get_backend
from tiezheng.gm.curve import GX, GY, N, P, encode_point
from tiezheng.gm.signature_der import decode_signature, encode_signature

MESSAGE = "行政许可决定书 第 2026-0417 号".encode()


def openssl(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *args], input=input, capture_output=True)


@pytest.fixture(scope="module")
def openssl_key(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("openssl-key")
    private, public = folder / "key.pem", folder / "pub.pem"
    assert openssl("genpkey", "-algorithm", "SM2", "-out", str(private)).returncode == 0
    assert openssl("pkey", "-in", str(private), "-pubout", "-out", str(public)).returncode == 0
    return private, public


def test_sign_verify_round_trip(backend):
    key = SM2PrivateKey.generate(backend=backend)
    signature = key.sign(MESSAGE)
    assert decode_signature(signature)  # strict DER
    assert key.public_key().verify(MESSAGE, signature)
    assert not key.public_key().verify(MESSAGE + b".", signature)
    assert not key.public_key().verify(MESSAGE, signature, uid=b"another-user-id")
    assert not SM2PrivateKey.generate(backend=backend).public_key().verify(MESSAGE, signature)


def test_backends_verify_each_other():
    fast, pure = get_backend("openssl"), get_backend("gmssl")
    for signer, verifier in ((fast, pure), (pure, fast)):
        key = SM2PrivateKey.generate(backend=signer)
        public = SM2PublicKey.from_bytes(key.public_key().to_bytes(), backend=verifier)
        for uid in (DEFAULT_UID, b"ALICE123@YAHOO.COM"):
            assert public.verify(MESSAGE, key.sign(MESSAGE, uid=uid), uid=uid)


def test_backends_derive_the_same_public_key():
    scalar = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
    fast = SM2PrivateKey(scalar, backend=get_backend("openssl")).public_key()
    pure = SM2PrivateKey(scalar, backend=get_backend("gmssl")).public_key()
    assert fast.to_bytes() == pure.to_bytes()
    assert fast.key_id == pure.key_id == get_backend("gmssl").sm3(fast.to_bytes())


def test_generator_point_for_scalar_one(backend):
    assert SM2PrivateKey(1, backend=backend).public_key().to_bytes() == encode_point(GX, GY)


@pytest.mark.parametrize("uid", [DEFAULT_UID, b"ALICE123@YAHOO.COM"])
def test_openssl_command_verifies_our_signatures(backend, openssl_key, tmp_path, uid):
    private_pem, public_pem = openssl_key
    key = SM2PrivateKey.from_pem(private_pem.read_bytes(), backend=backend)
    (tmp_path / "msg").write_bytes(MESSAGE)
    (tmp_path / "sig").write_bytes(key.sign(MESSAGE, uid=uid))
    result = openssl(
        "dgst", "-sm3", "-verify", str(public_pem), "-sigopt", f"distid:{uid.decode()}",
        "-signature", str(tmp_path / "sig"), str(tmp_path / "msg"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert b"Verified OK" in result.stdout


@pytest.mark.parametrize("uid", [DEFAULT_UID, b"ALICE123@YAHOO.COM"])
def test_we_verify_openssl_command_signatures(backend, openssl_key, tmp_path, uid):
    private_pem, public_pem = openssl_key
    (tmp_path / "msg").write_bytes(MESSAGE)
    result = openssl(
        "dgst", "-sm3", "-sign", str(private_pem), "-sigopt", f"distid:{uid.decode()}",
        "-out", str(tmp_path / "sig"), str(tmp_path / "msg"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    public = SM2PublicKey.from_pem(public_pem.read_bytes(), backend=backend)
    signature = (tmp_path / "sig").read_bytes()
    assert public.verify(MESSAGE, signature, uid=uid)
    assert not public.verify(MESSAGE, signature, uid=b"wrong")


def test_pem_and_der_match_what_openssl_writes(backend, openssl_key):
    private_pem, public_pem = openssl_key
    key = SM2PrivateKey.from_pem(private_pem.read_bytes(), backend=backend)
    assert key.to_pem() == private_pem.read_bytes()
    assert key.public_key().to_pem() == public_pem.read_bytes()
    assert SM2PublicKey.from_pem(public_pem.read_bytes()) == key.public_key()
    pkcs8_der = openssl("pkcs8", "-topk8", "-nocrypt", "-in", str(private_pem), "-outform", "DER").stdout
    assert key.to_der() == pkcs8_der
    sec1_der = openssl("pkey", "-in", str(private_pem), "-outform", "DER").stdout  # OpenSSL writes SEC 1 here
    assert sec1_der != pkcs8_der
    assert SM2PrivateKey.from_der(sec1_der).public_key() == key.public_key()


def test_openssl_reads_our_keys(tmp_path):
    key = SM2PrivateKey.generate()
    (tmp_path / "key.pem").write_bytes(key.to_pem())
    text = openssl("pkey", "-in", str(tmp_path / "key.pem"), "-text", "-noout")
    assert text.returncode == 0 and b"SM2" in text.stdout
    public = openssl("pkey", "-in", str(tmp_path / "key.pem"), "-pubout").stdout
    assert public == key.public_key().to_pem()


def test_sec1_private_key_is_accepted(tmp_path, openssl_key):
    private_pem, _ = openssl_key
    sec1 = openssl("ec", "-in", str(private_pem)).stdout  # SEC 1 with the curve OID, labelled for SM2
    assert b"BEGIN SM2 PRIVATE KEY" in sec1
    assert SM2PrivateKey.from_pem(sec1).to_pem() == private_pem.read_bytes()
    relabelled = sec1.replace(b"SM2 PRIVATE KEY", b"EC PRIVATE KEY")
    assert SM2PrivateKey.from_pem(relabelled).to_pem() == private_pem.read_bytes()


def test_compressed_points(backend):
    public = SM2PrivateKey.generate(backend=backend).public_key()
    compressed = public.to_bytes(compressed=True)
    assert len(compressed) == 33 and compressed[0] in (2, 3)
    assert SM2PublicKey.from_bytes(compressed, backend=backend) == public


def test_public_key_load_accepts_pem_der_and_hex(tmp_path):
    public = SM2PrivateKey.generate().public_key()
    for name, data in (
        ("p.pem", public.to_pem()),
        ("p.der", public.to_der()),
        ("p.hex", public.to_bytes().hex().encode()),
    ):
        (tmp_path / name).write_bytes(data)
        assert SM2PublicKey.load(tmp_path / name) == public


# Malformed keys


def _not_on_curve() -> bytes:
    point = bytearray(encode_point(GX, GY))
    point[-1] ^= 1
    return bytes(point)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x04" + b"\x00" * 64,  # (0, 0) is not on the curve
        _not_on_curve(),
        b"\x05" + encode_point(GX, GY)[1:],
        encode_point(GX, GY)[:-1],
        b"\x04" + P.to_bytes(32, "big") + GY.to_bytes(32, "big"),  # x >= p
        b"\x02" + (5).to_bytes(32, "big"),  # x = 5 has no point
        b"\x02" + P.to_bytes(32, "big"),
    ],
)
def test_malformed_public_points_are_rejected(data):
    with pytest.raises(KeyFormatError):
        SM2PublicKey.from_bytes(data)


def test_keys_of_other_types_are_rejected(tmp_path):
    p256 = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256").stdout
    with pytest.raises(KeyFormatError, match="SM2 curve"):
        SM2PrivateKey.from_pem(p256)
    p256_public = openssl("pkey", "-pubout", input=p256).stdout
    with pytest.raises(KeyFormatError, match="SM2 curve"):
        SM2PublicKey.from_pem(p256_public)
    ed25519 = openssl("genpkey", "-algorithm", "ED25519").stdout
    with pytest.raises(KeyFormatError):
        SM2PrivateKey.from_pem(ed25519)
    encrypted = openssl("genpkey", "-algorithm", "SM2", "-aes-128-cbc", "-pass", "pass:x").stdout
    with pytest.raises(KeyFormatError, match="encrypted"):
        SM2PrivateKey.from_pem(encrypted)
    with pytest.raises(KeyFormatError, match="PUBLIC KEY"):
        SM2PublicKey.from_pem(openssl("genpkey", "-algorithm", "SM2").stdout)


@pytest.mark.parametrize(
    "pem",
    [
        b"",
        b"not a pem at all",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
        b"-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqBHM9V\n-----END PRIVATE KEY-----\n",
    ],
)
def test_garbage_private_pem_is_a_key_format_error(pem):
    with pytest.raises(KeyFormatError):
        SM2PrivateKey.from_pem(pem)


@pytest.mark.parametrize("scalar", [0, N - 1, N, N + 5, -1])
def test_private_scalar_out_of_range(scalar):
    with pytest.raises(KeyFormatError):
        SM2PrivateKey(scalar)


def test_private_key_whose_public_point_does_not_match():
    key, other = SM2PrivateKey.generate(), SM2PrivateKey.generate()
    tampered = key.to_der()[:-65] + other.public_key().to_bytes()
    with pytest.raises(KeyFormatError, match="does not match"):
        SM2PrivateKey.from_der(tampered)


def test_private_key_repr_does_not_leak_the_scalar():
    key = SM2PrivateKey.generate()
    assert key.to_scalar_bytes().hex() not in repr(key)
    assert str(int.from_bytes(key.to_scalar_bytes(), "big")) not in repr(key)


# Malformed signatures: verify answers False and never raises.


@pytest.fixture(scope="module")
def signed() -> tuple[SM2PublicKey, bytes]:
    key = SM2PrivateKey.generate()
    return key.public_key(), key.sign(MESSAGE)


def _mutations(signature: bytes) -> dict[str, bytes]:
    r, s = decode_signature(signature)
    r_bytes = r.to_bytes(33, "big")  # one leading zero too many unless r's top bit is set
    body = b"\x02\x21" + r_bytes + signature[2 + 2 + signature[3] :]
    return {
        "empty": b"",
        "truncated": signature[:-1],
        "trailing byte": signature + b"\x00",
        "length byte wrong": signature[:1] + bytes((signature[1] + 1,)) + signature[2:],
        "long-form length": b"\x30\x81" + bytes((len(signature) - 2,)) + signature[2:],
        "non-minimal r": b"\x30" + bytes((len(body),)) + body,
        "r = 0": encode_signature(1, s)[:4] + b"\x00" + encode_signature(1, s)[5:],
        "s = 0": encode_signature(r, 1)[:-1] + b"\x00",
        "r = n": encode_signature(N, s),
        "s = n": encode_signature(r, N),
        "s = n + s": encode_signature(r, N + s),
        "negative r": b"\x30\x06\x02\x01\x81\x02\x01\x01",
        "raw r||s": r.to_bytes(32, "big") + s.to_bytes(32, "big"),
        "swapped": encode_signature(s, r),
        "not a sequence": b"\x31" + signature[1:],
    }


def test_malformed_signatures_give_false(backend, signed):
    public, signature = signed
    public = SM2PublicKey.from_bytes(public.to_bytes(), backend=backend)
    assert public.verify(MESSAGE, signature)
    for name, bad in _mutations(signature).items():
        if bad == signature:
            continue
        assert public.verify(MESSAGE, bad) is False, name


@given(st.binary(max_size=80))
def test_verify_never_raises_on_arbitrary_bytes(data):
    public = SM2PrivateKey(7).public_key()
    assert public.verify(MESSAGE, data) is False


@given(st.integers(min_value=-(2**300), max_value=2**300), st.integers(min_value=-(2**300), max_value=2**300))
def test_signature_der_round_trip_or_rejection(r, s):
    if 1 <= r < N and 1 <= s < N:
        assert decode_signature(encode_signature(r, s)) == (r, s)
    elif r >= 0 and s >= 0 and r.bit_length() <= 264 and s.bit_length() <= 264:
        with pytest.raises(ValueError):
            decode_signature(encode_signature(r, s))


# Signing and verifying in chunks: files of any size in constant memory


SCALAR = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8


@settings(max_examples=25, deadline=None)  # the pure-Python backend signs at about 100/s
@given(st.binary(max_size=300), st.lists(st.integers(min_value=0, max_value=300), max_size=6))
def test_chunked_signatures_are_signatures_of_the_whole(message, cuts):
    bounds = sorted({0, len(message), *(min(c, len(message)) for c in cuts)})
    chunks = [message[a:b] for a, b in pairwise(bounds)]
    for name in ("openssl", "gmssl"):
        key = SM2PrivateKey(SCALAR, backend=get_backend(name))
        assert key.public_key().verify(message, key.sign_chunks(iter(chunks)))
        assert key.public_key().verify_chunks(iter(chunks), key.sign(message))
        assert not key.public_key().verify_chunks(iter([*chunks, b"!"]), key.sign(message))


def test_a_file_of_many_chunks_interoperates_with_the_openssl_command(openssl_backend, openssl_key, tmp_path):
    # The fast path only: gmssl's pure-Python SM3 takes half a minute over these 3 MB, and the
    # test above already checks both backends join chunks the same way.
    backend = openssl_backend
    from tiezheng.gm import file_chunks
    from tiezheng.gm.sm3 import CHUNK_SIZE

    private_pem, public_pem = openssl_key
    big = tmp_path / "recording.bin"
    big.write_bytes(bytes(range(256)) * (3 * CHUNK_SIZE // 256 + 7))  # three chunks and a bit
    key = SM2PrivateKey.from_pem(private_pem.read_bytes(), backend=backend)
    (tmp_path / "ours.sig").write_bytes(key.sign_chunks(file_chunks(big)))
    result = openssl("dgst", "-sm3", "-verify", str(public_pem), "-sigopt", "distid:1234567812345678",
                     "-signature", str(tmp_path / "ours.sig"), str(big))  # fmt: skip
    assert b"Verified OK" in result.stdout, result.stderr
    assert openssl("dgst", "-sm3", "-sign", str(private_pem), "-sigopt", "distid:1234567812345678",
                   "-out", str(tmp_path / "theirs.sig"), str(big)).returncode == 0  # fmt: skip
    public = SM2PublicKey.from_pem(public_pem.read_bytes(), backend=backend)
    assert public.verify_chunks(file_chunks(big), (tmp_path / "theirs.sig").read_bytes())
    assert not public.verify_chunks(file_chunks(big), b"\x30\x00")  # malformed: False, not an exception
    with pytest.raises(OSError):  # a file that cannot be read is not a verdict
        public.verify_chunks(file_chunks(tmp_path / "absent"), (tmp_path / "theirs.sig").read_bytes())
