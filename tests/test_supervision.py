"""The supervision protocol: webhook signatures a receiver checks, and the line an admin signs."""

from __future__ import annotations

import base64
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiezheng.gm import SM2PrivateKey
from tiezheng.supervision import (
    admin_message,
    parse_signature_header,
    signature_header,
    verify_delivery,
    webhook_target,
)

KEY = SM2PrivateKey.generate()
BODY = '{"id":"DEV-0000AB-CD","severity":"red","stage":"受理"}'.encode()


def test_a_signed_body_verifies_and_nothing_else_does():
    header = signature_header(KEY, BODY)
    assert header.startswith("sm2 key=" + KEY.public_key().key_id.hex() + ", sig=")
    assert verify_delivery(BODY, header, KEY.public_key())
    assert not verify_delivery(BODY + b" ", header, KEY.public_key())
    assert not verify_delivery(BODY, header, SM2PrivateKey.generate().public_key())
    # Another key's signature under this key's id, and this key's signature under another id.
    other = SM2PrivateKey.generate()
    forged = signature_header(other, BODY).replace(other.public_key().key_id.hex(), KEY.public_key().key_id.hex())
    assert not verify_delivery(BODY, forged, KEY.public_key())
    renamed = header.replace(KEY.public_key().key_id.hex(), other.public_key().key_id.hex())
    assert not verify_delivery(BODY, renamed, KEY.public_key())


@pytest.mark.parametrize(
    "header",
    [
        "",
        "sm2",
        "sm2 key=00, sig=AA==",
        "hmac key=" + "00" * 32 + ", sig=AA==",
        "sm2 key=" + "zz" * 32 + ", sig=AA==",
        "sm2 key=" + "00" * 32 + ", sig=not base64!",
        "sm2 key=" + "00" * 32,
        "sm2 key=" + "00" * 32 + ", sig=AA==, sig=AA==",
        "sm2 key=" + "00" * 32 + ", sig=AA==, extra=1",
        "sm2 key" + "00" * 32 + ", sig=AA==",
    ],
)
def test_malformed_headers_are_refused_with_a_reason(header):
    with pytest.raises(ValueError):
        parse_signature_header(header)
    assert verify_delivery(BODY, header, KEY.public_key()) is False


@given(st.text(max_size=300))
def test_any_header_text_gives_a_verdict_never_an_exception(header):
    assert verify_delivery(BODY, header, KEY.public_key()) is False


@given(st.binary(max_size=200))
def test_any_signature_bytes_under_the_right_key_id_give_a_verdict(signature):
    header = f"sm2 key={KEY.public_key().key_id.hex()}, sig={base64.b64encode(signature).decode()}"
    assert verify_delivery(BODY, header, KEY.public_key()) is False


def test_the_openssl_command_verifies_a_delivery(tmp_path):
    """A supervision platform needs no Tiezheng code: OpenSSL 3 checks the header's signature."""
    _, signature = parse_signature_header(signature_header(KEY, BODY))
    (tmp_path / "body.json").write_bytes(BODY)
    (tmp_path / "sig.der").write_bytes(signature)
    (tmp_path / "supervision.pem").write_bytes(KEY.public_key().to_pem())
    verify = [
        "openssl", "dgst", "-sm3", "-verify", str(tmp_path / "supervision.pem"),
        "-sigopt", "distid:1234567812345678", "-signature", str(tmp_path / "sig.der"),
    ]  # fmt: skip
    good = subprocess.run([*verify, str(tmp_path / "body.json")], capture_output=True, text=True)
    assert good.returncode == 0 and "Verified OK" in good.stdout
    (tmp_path / "body.json").write_bytes(BODY.replace(b"red", b"ok!"))
    bad = subprocess.run([*verify, str(tmp_path / "body.json")], capture_output=True, text=True)
    assert bad.returncode != 0


def test_the_admin_line_names_chain_action_target_and_time():
    assert (
        admin_message("DEV", bytes.fromhex("ab" * 32), "ack", "DEV-00000A-B1", 1_700_000_000_000)
        == "tiezheng DEV/" + "ab" * 32 + " ack DEV-00000A-B1 1700000000000"
    )


def test_a_webhook_line_names_its_filters_unambiguously():
    assert webhook_target("https://hooks.example/a") == "https://hooks.example/a [[],[],[]]"
    assert webhook_target("https://h/", ["red"], ["A-1"], ["administrative-permit"]) == (
        'https://h/ [["red"],["A-1"],["administrative-permit"]]'
    )
    assert webhook_target("https://h/", agencies=["a,b"]) != webhook_target("https://h/", agencies=["a", "b"])
