"""The ``tiezheng`` command as a user runs it: a real process, real files, the real ``openssl``."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tiezheng import cbor
from tiezheng.errors import TiezhengError
from tiezheng.gm import SM2PrivateKey, SM2PublicKey, keystore, sm3
from tiezheng.receipt import Receipt
from tiezheng.signed_statement import SignedStatement

from .support.toychain import ToyChain, statement_for

TIEZHENG = str(Path(sys.executable).parent / "tiezheng")
PASS = "correct horse battery staple"


def run(*args: str, passphrase: str | None = PASS, input: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TIEZHENG_PASSPHRASE"}
    if passphrase is not None:
        env["TIEZHENG_PASSPHRASE"] = passphrase
    # surrogateescape carries bytes that are not UTF-8 through to the command's standard input.
    return subprocess.run(
        [TIEZHENG, *args],
        capture_output=True,
        encoding="utf-8",
        errors="surrogateescape",
        env=env,
        input=input.decode("utf-8", "surrogateescape") if input is not None else None,
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int = 2, text: str = "") -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert text in result.stderr, result.stderr


def test_every_command_has_help():
    for command in (
        [],
        ["hash"],
        ["keys"],
        ["keys", "new"],
        ["keys", "import"],
        ["keys", "public"],
        ["sign"],
        ["verify-sig"],
        ["verify"],
    ):
        result = run(*command, "--help")
        assert result.returncode == 0 and "usage: tiezheng" in result.stdout


def test_usage_errors_exit_2():
    assert_one_line_error(run(), text="required")
    assert_one_line_error(run("frobnicate"), text="invalid choice")
    assert_one_line_error(run("sign", "x"), text="required")
    assert run("sign", "x").stderr.rstrip().endswith("[usage]")  # argparse's refusals carry the code too


@pytest.mark.parametrize(
    "url",
    ["127.0.0.1:8545", "ftp://127.0.0.1", "http://", "http://[::1", "http://127.0.0.1:99999", "http://h:0",
     "http://h/?q=1", "http://h/#f", "http://\udcff/"],
)  # fmt: skip
def test_a_node_url_that_is_none_is_refused_before_any_request(url):
    for args in (["status", "DEV-000000-9H"], ["alerts"], ["admin", "agency", "list"]):
        result = run(*args, "--node", url)
        assert_one_line_error(result, text="--node")
        assert result.stderr.rstrip().endswith("[usage]"), result.stderr


def test_text_that_is_not_utf8_is_refused_by_name(tmp_path):
    """Bytes the locale cannot decode reach Python as surrogates: no passphrase, label or field can hold them."""
    result = run("keys", "new", "--out", str(tmp_path / "k.key"), passphrase=os.fsdecode(b"a passphrase \xff"))
    assert_one_line_error(result, text="is not UTF-8 text [not-utf8]")
    assert not (tmp_path / "k.key").exists()


# hash


def test_hash_matches_openssl_and_reports_unreadable(tmp_path):
    files = []
    for name, data in (("a.txt", b"abc"), ("empty", b""), ("空格 name.bin", os.urandom(3 * 1024 * 1024 + 7))):
        (tmp_path / name).write_bytes(data)
        files.append(str(tmp_path / name))
    result = run("hash", *files)
    assert result.returncode == 0
    for line, path in zip(result.stdout.splitlines(), files, strict=True):
        expected = subprocess.run(
            ["openssl", "dgst", "-sm3", "-r", path], capture_output=True, text=True
        ).stdout.split()[0]
        assert line == f"{expected}  {path}"
    assert result.stdout.splitlines()[0].startswith("66c7f0f462eeedd9")
    mixed = run("hash", files[0], str(tmp_path / "absent"), str(tmp_path))
    assert mixed.returncode == 2
    assert mixed.stdout.count("\n") == 1 and "absent" in mixed.stderr
    assert "No such file or directory [unreadable]" in mixed.stderr and "it is a folder [unreadable]" in mixed.stderr


# keys


def test_keys_new_public_and_no_overwrite(tmp_path):
    path = tmp_path / "agency.key"
    result = run("keys", "new", "--out", str(path), "--label", "市场监管局")
    assert result.returncode == 0, result.stderr
    public_hex = result.stdout.split("public key")[1].split()[0]
    key = keystore.load(path, PASS)
    assert key.public_key().to_bytes().hex() == public_hex
    shown = run("keys", "public", str(path))
    assert shown.returncode == 0 and public_hex in shown.stdout and "市场监管局" in shown.stdout
    pem = run("keys", "public", str(path), "--pem")
    assert pem.stdout.encode() == key.public_key().to_pem()
    assert_one_line_error(run("keys", "new", "--out", str(path)), text="already exists")


def test_keys_public_shows_only_the_key_the_passphrase_opens(tmp_path):
    """Its --pem output is what an agency is registered with: a public_key field swapped for another
    agency's must not be printed as this keystore's, so the passphrase is asked and the key derived."""
    ours, theirs = SM2PrivateKey.generate(), SM2PrivateKey.generate()
    keystore.save(tmp_path / "ours.key", ours, PASS, iterations=1_000)
    document = json.loads((tmp_path / "ours.key").read_text())
    document["public_key"] = theirs.public_key().to_bytes().hex()
    document["key_id"] = theirs.public_key().key_id.hex()
    (tmp_path / "swapped.key").write_text(json.dumps(document))
    for args in (
        ["keys", "public", str(tmp_path / "swapped.key")],
        ["keys", "public", str(tmp_path / "swapped.key"), "--pem"],
    ):
        refused = run(*args)
        assert_one_line_error(refused, text="the keystore was altered")
        assert refused.stderr.rstrip().endswith("[keystore-wrong-passphrase]") and refused.stdout == ""
    # Sealed by someone who knew the passphrase, with the associated data to match: decrypts, yet names another key.
    from tiezheng.gm.keystore import _associated_data, _derive
    from tiezheng.gm.sm4 import sm4_gcm_encrypt

    kdf, cipher = document["kdf"], document["cipher"]
    sealed = sm4_gcm_encrypt(
        _derive(PASS, bytes.fromhex(kdf["salt"]), kdf["iterations"]),
        bytes.fromhex(cipher["nonce"]),
        ours.to_scalar_bytes(),
        _associated_data(document),
    )
    document["cipher"]["ciphertext"] = sealed.hex()
    (tmp_path / "resealed.key").write_text(json.dumps(document))
    refused = run("keys", "public", str(tmp_path / "resealed.key"), "--pem")
    assert_one_line_error(refused, text="does not match")
    assert refused.stderr.rstrip().endswith("[keystore-corrupt]") and refused.stdout == ""
    assert_one_line_error(
        run("keys", "public", str(tmp_path / "ours.key"), passphrase=None), text="TIEZHENG_PASSPHRASE"
    )
    assert_one_line_error(
        run("keys", "public", str(tmp_path / "ours.key"), passphrase="wrong"), text="wrong passphrase"
    )
    shown = run("keys", "public", str(tmp_path / "ours.key"), "--pem")
    assert shown.returncode == 0 and shown.stdout.encode() == ours.public_key().to_pem()


def test_keys_need_a_passphrase(tmp_path):
    assert_one_line_error(run("keys", "new", "--out", str(tmp_path / "k"), passphrase=None), text="TIEZHENG_PASSPHRASE")
    assert_one_line_error(run("keys", "new", "--out", str(tmp_path / "k"), passphrase=""), text="empty")
    assert not (tmp_path / "k").exists()


def test_keys_import_from_openssl(tmp_path):
    pem = tmp_path / "key.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", str(pem)], check=True)
    result = run("keys", "import", str(pem), "--out", str(tmp_path / "imported.key"))
    assert result.returncode == 0, result.stderr
    assert keystore.load(tmp_path / "imported.key", PASS).to_pem() == pem.read_bytes()


@pytest.mark.parametrize(
    "content", [b"", b"garbage", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"]
)
def test_keys_import_garbage(tmp_path, content):
    (tmp_path / "bad.pem").write_bytes(content)
    assert_one_line_error(run("keys", "import", str(tmp_path / "bad.pem"), "--out", str(tmp_path / "k")))
    assert not (tmp_path / "k").exists()
    assert_one_line_error(
        run("keys", "import", str(tmp_path / "absent.pem"), "--out", str(tmp_path / "k")), text="cannot read"
    )


@pytest.mark.parametrize(
    "content", [b"", b"{}", b"not json", json.dumps({"format": "tiezheng-keystore", "version": 9}).encode()]
)
def test_keys_public_on_garbage(tmp_path, content):
    (tmp_path / "bad.key").write_bytes(content)
    assert_one_line_error(run("keys", "public", str(tmp_path / "bad.key"), passphrase=None), text="keystore")


# sign / verify-sig


@pytest.fixture
def signer(tmp_path) -> tuple[Path, Path]:
    key = SM2PrivateKey.generate()
    keystore.save(tmp_path / "signer.key", key, PASS, iterations=1_000)
    (tmp_path / "signer.pub").write_bytes(key.public_key().to_pem())
    return tmp_path / "signer.key", tmp_path / "signer.pub"


def test_sign_and_verify_with_openssl_both_ways(tmp_path, signer):
    keyfile, public = signer
    document = tmp_path / "决定书.pdf"
    document.write_bytes(b"%PDF-1.7 decision" * 100)
    result = run("sign", str(document), "--key", str(keyfile), "--out", str(tmp_path / "sig"))
    assert result.returncode == 0, result.stderr
    checked = subprocess.run(
        ["openssl", "dgst", "-sm3", "-verify", str(public), "-sigopt", "distid:1234567812345678",
         "-signature", str(tmp_path / "sig"), str(document)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "Verified OK" in checked.stdout
    assert run("verify-sig", str(document), str(tmp_path / "sig"), "--pubkey", str(public)).returncode == 0
    point = SM2PublicKey.from_pem(public.read_bytes())
    for inline in (point.to_bytes().hex(), point.to_bytes(compressed=True).hex()):  # the key itself, as its help says
        assert run("verify-sig", str(document), str(tmp_path / "sig"), "--pubkey", inline).returncode == 0
    nowhere = tmp_path / "nowhere"
    unwritable = run("sign", str(document), "--key", str(keyfile), "--out", str(nowhere / "s"), passphrase=None)
    assert unwritable.stderr.rstrip().endswith(f"no folder {nowhere} [unwritable]")  # asked before any passphrase
    document.write_bytes(b"%PDF-1.7 decision" * 100 + b" ")
    changed = run("verify-sig", str(document), str(tmp_path / "sig"), "--pubkey", str(public))
    assert changed.returncode == 1 and "INVALID" in changed.stdout


def test_verify_sig_of_an_openssl_signature(tmp_path):
    subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", str(tmp_path / "k.pem")], check=True)
    subprocess.run(
        ["openssl", "pkey", "-in", str(tmp_path / "k.pem"), "-pubout", "-out", str(tmp_path / "p.pem")], check=True
    )
    (tmp_path / "m").write_bytes(b"message")
    subprocess.run(
        ["openssl", "dgst", "-sm3", "-sign", str(tmp_path / "k.pem"), "-sigopt", "distid:1234567812345678",
         "-out", str(tmp_path / "s"), str(tmp_path / "m")],
        check=True,
    )  # fmt: skip
    assert (
        run("verify-sig", str(tmp_path / "m"), str(tmp_path / "s"), "--pubkey", str(tmp_path / "p.pem")).returncode == 0
    )


def test_sign_and_verify_sig_bad_input(tmp_path, signer):
    keyfile, public = signer
    (tmp_path / "doc").write_bytes(b"doc")
    wrong = run("sign", str(tmp_path / "doc"), "--key", str(keyfile), "--out", str(tmp_path / "s"), passphrase="wrong")
    assert_one_line_error(wrong, text="wrong passphrase")
    assert not (tmp_path / "s").exists()
    assert_one_line_error(
        run("sign", str(tmp_path / "absent"), "--key", str(keyfile), "--out", str(tmp_path / "s")), text="cannot read"
    )
    (tmp_path / "garbage").write_bytes(b"\x30\x03\x02\x01\x01")
    result = run("verify-sig", str(tmp_path / "doc"), str(tmp_path / "garbage"), "--pubkey", str(public))
    assert result.returncode == 1
    (tmp_path / "bad.pub").write_bytes(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    assert_one_line_error(
        run("verify-sig", str(tmp_path / "doc"), str(tmp_path / "garbage"), "--pubkey", str(tmp_path / "bad.pub"))
    )
    assert_one_line_error(
        run("verify-sig", str(tmp_path / "doc"), str(tmp_path / "garbage"), "--pubkey", str(tmp_path / "none"))
    )


# verify


@pytest.fixture
def anchored(tmp_path) -> dict[str, Path]:
    agency = SM2PrivateKey.generate()
    record = tmp_path / "执法记录.mp4"
    record.write_bytes(os.urandom(200_000))
    chain = ToyChain([SM2PrivateKey.generate() for _ in range(4)], chain_code="GZ01")
    chain.submit(
        SignedStatement.sign(
            statement_for(agency, record.read_bytes(), kind="enforcement-record", stage="调查取证"), agency
        )
    )
    for filler in (b"one", b"two"):
        chain.submit(SignedStatement.sign(statement_for(agency, filler), agency))
    chain.seal_block()
    (tmp_path / "genesis.json").write_bytes(chain.genesis.to_json())
    chain.receipt(0).save(tmp_path / "record.tzr")
    (tmp_path / "record.json").write_text(chain.receipt(0).to_json())
    return {
        "record": record,
        "receipt": tmp_path / "record.tzr",
        "json": tmp_path / "record.json",
        "genesis": tmp_path / "genesis.json",
    }


def _newer(data: bytes) -> bytes:
    """The object as a later release might write it: a version above this build's, and another field."""
    value = cbor.decode(data, max_size=4096)
    if isinstance(value, list):
        return cbor.encode([9, *value[1:], 7])
    return cbor.encode(value | {"v": 9, "zz": 1})


@pytest.mark.parametrize("newer", [False, True], ids=["this-version", "newer-version"])
@pytest.mark.parametrize("kind", ["statement", "batch header", "consensus header"])
def test_sign_refuses_a_protocol_object(tmp_path, signer, anchored, kind, newer):
    """A detached signature over a statement's bytes is that statement signed: submitted, it would anchor. So
    is one over a statement of a later release, which a node of that release would anchor."""
    from tiezheng.batch import BatchEnvelope

    receipt = Receipt.load(anchored["receipt"])
    agency = SM2PrivateKey.generate()
    batch = BatchEnvelope.build([statement_for(agency, b"one"), statement_for(agency, b"two")], agency, 1)
    content = {"statement": receipt.statement, "batch header": batch.header, "consensus header": receipt.header}
    if newer:
        content = {name: _newer(data) for name, data in content.items()}
    (tmp_path / "please-sign.bin").write_bytes(content[kind])
    keyfile, _ = signer
    out = tmp_path / "please-sign.sig"
    refused = run("sign", str(tmp_path / "please-sign.bin"), "--key", str(keyfile), "--out", str(out), passphrase=None)
    assert_one_line_error(refused, text=f"is a Tiezheng {'protocol object of a later version' if newer else kind}")
    assert refused.stderr.rstrip().endswith("[protocol-object]") and not out.exists()
    (tmp_path / "please-sign.bin").write_bytes(content[kind] + b"\n")  # not the object's bytes: a file like any other
    assert run("sign", str(tmp_path / "please-sign.bin"), "--key", str(keyfile), "--out", str(out)).returncode == 0


def test_verify_shows_a_stage_that_could_read_as_another_escaped(tmp_path):
    """Admission refuses such a stage now; a record logged before may hold one, and a terminal must not obey it."""
    agency = SM2PrivateKey.generate()
    record = tmp_path / "record.txt"
    record.write_bytes(b"a record from before the rule")
    chain = ToyChain([SM2PrivateKey.generate()], chain_code="GZ01")
    forged = statement_for(agency, record.read_bytes(), stage="调查\u202e证取\u202c")
    chain.submit(SignedStatement.sign(forged, agency))
    chain.seal_block()
    (tmp_path / "genesis.json").write_bytes(chain.genesis.to_json())
    chain.receipt(0).save(tmp_path / "record.tzr")
    result = run("verify", str(record), str(tmp_path / "record.tzr"), "--genesis", str(tmp_path / "genesis.json"))
    assert result.returncode == 0, result.stderr
    assert "/ 调查\\u202e证取\\u202c\n" in result.stdout and "\u202e" not in result.stdout


def test_verify_valid(anchored):
    result = run("verify", str(anchored["record"]), str(anchored["receipt"]), "--genesis", str(anchored["genesis"]))
    assert result.returncode == 0, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("VALID  GZ01-000000-")
    assert "91110000MA01TEST0X" in result.stdout and "enforcement-record / 调查取证" in result.stdout
    assert "validator-0, validator-1, validator-2" in result.stdout
    as_json = run(
        "verify", str(anchored["record"]), str(anchored["json"]), "--genesis", str(anchored["genesis"]), "--json"
    )
    verdict = json.loads(as_json.stdout)
    assert verdict["valid"] and verdict["record_checked"] and verdict["failed"] is None and len(verdict["checks"]) == 11
    assert verdict["decided"] is True
    digest = sm3(anchored["record"].read_bytes()).hex()
    assert (
        run("verify", "--digest", digest, str(anchored["receipt"]), "--genesis", str(anchored["genesis"])).returncode
        == 0
    )


def test_verify_one_byte_changed(anchored):
    data = bytearray(anchored["record"].read_bytes())
    data[12345] ^= 0x80
    anchored["record"].write_bytes(bytes(data))
    result = run("verify", str(anchored["record"]), str(anchored["receipt"]), "--genesis", str(anchored["genesis"]))
    assert result.returncode == 1
    assert result.stdout.startswith("INVALID  failed check: digest")


def test_verify_tampered_receipt_names_the_check(anchored):
    receipt = json.loads(anchored["json"].read_text())
    proof = receipt["inclusion"]  # the audit path's hashes, end to end
    raw = bytearray(base64.b64decode(proof["b64"]))
    raw[0] ^= 1
    proof["b64"] = base64.b64encode(bytes(raw)).decode()
    anchored["json"].write_text(json.dumps(receipt))
    result = run("verify", str(anchored["record"]), str(anchored["json"]), "--genesis", str(anchored["genesis"]))
    assert result.returncode == 1 and result.stdout.startswith("INVALID  failed check: inclusion")


@pytest.mark.parametrize("part", ["receipt", "statement", "header"])
def test_verify_gives_no_verdict_on_a_format_newer_than_it_reads(anchored, tmp_path, part):
    """A receipt of a later version (or one carrying a later statement or header) may be valid: a verifier that
    cannot read it says so (exit status 2) instead of calling it INVALID."""
    receipt = Receipt.load(anchored["receipt"])
    value = receipt.to_value()
    if part == "receipt":
        value["v"] = 3
    elif part == "statement":
        value["statement"] = cbor.encode(cbor.decode(receipt.statement, max_size=4096) | {"v": 2})
    else:
        value["header"] = cbor.encode([3, *cbor.decode(receipt.header, max_size=4096)[1:]])
    newer = tmp_path / "newer.tzr"
    newer.write_bytes(cbor.encode(value))
    args = (str(anchored["record"]), str(newer), "--genesis", str(anchored["genesis"]))
    result = run("verify", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout.startswith(f"UNDECIDED  at check {part} — ") and "newer release" in result.stdout
    assert "INVALID" not in result.stdout
    document = json.loads(run("verify", *args, "--json").stdout)
    assert document["valid"] is False and document["failed"] == part
    assert (
        document["error"]["code"] == "unsupported-version"
        and "newer than this verifier" in document["error"]["message"]
    )
    assert document["decided"] is False
    assert f"  [NEWER] {part}: " in result.stdout and "[FAIL]" not in result.stdout
    # An older version in the newer's form is damage, not news: INVALID.
    value = receipt.to_value() | {"header": cbor.encode([1, *cbor.decode(receipt.header, max_size=4096)[1:]])}
    newer.write_bytes(cbor.encode(value))
    result = run("verify", *args)
    assert result.returncode == 1 and result.stdout.startswith("INVALID  failed check: header")
    assert json.loads(run("verify", *args, "--json").stdout)["decided"] is True


def test_verify_bad_input(anchored, tmp_path):
    record, receipt, genesis = (str(anchored[k]) for k in ("record", "receipt", "genesis"))
    (tmp_path / "garbage").write_bytes(os.urandom(300))
    assert_one_line_error(run("verify", record, str(tmp_path / "absent"), "--genesis", genesis), text="cannot read")
    assert_one_line_error(run("verify", record, str(tmp_path), "--genesis", genesis), text="cannot read receipt")
    assert_one_line_error(run("verify", record, receipt, "--genesis", str(tmp_path / "garbage")), text="genesis")
    assert_one_line_error(
        run("verify", record, receipt, "--genesis", str(tmp_path / "absent")), text="cannot read genesis"
    )
    assert_one_line_error(
        run("verify", str(tmp_path / "absent"), receipt, "--genesis", genesis), text="cannot read file"
    )
    assert_one_line_error(
        run("verify", record, str(tmp_path / "absent"), "--genesis", genesis), text="cannot read receipt"
    )
    assert_one_line_error(run("verify", record, receipt, receipt, "--genesis", genesis))
    assert_one_line_error(run("verify", "--digest", "zz", receipt, "--genesis", genesis), text="hex")
    assert_one_line_error(run("verify", "--digest", "00" * 31, receipt, "--genesis", genesis), text="32 bytes")
    assert_one_line_error(run("verify", receipt, "--genesis", genesis), text="FILE RECEIPT")


# process trails and supervision: refused before anything is sent


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["receive-alerts", "--listen", "nowhere", "--public-key", "04" + "00" * 64], "HOST:PORT"),
        (["receive-alerts", "--listen", "127.0.0.1:99999", "--public-key", "04" + "00" * 64], "HOST:PORT"),
        (["receive-alerts", "--public-key", "zz"], "PEM file or a hex SM2 point"),
        (["receive-alerts"], "required"),
        (["admin", "webhook", "add", "ftp://example", "--node", "http://127.0.0.1:9"], "http:// or https://"),
        (["admin", "webhook", "remove", "first", "--node", "http://127.0.0.1:9"], "invalid int value"),
        (["admin", "alert", "ack", "DEV-000000-9A", "--node", "http://127.0.0.1:9"], "not an alert's evidence ID"),
        (["admin", "alert", "ack", "not-an-id", "--node", "http://127.0.0.1:9"], "not an alert's evidence ID"),
        (["matter", "show", "DEV-000000-9A", "--node", "http://127.0.0.1:9"], "not a matter ID"),
        (["matter", "step", "DEV-000000-9H", "--node", "http://127.0.0.1:9", "--key", "k", "--agency", "A",
          "--stage", "受理", "--decision", "maybe", "--after", "f"], "invalid choice"),
        (["alerts", "--node", "http://127.0.0.1:9", "--severity", "purple"], "invalid choice"),
    ],
)  # fmt: skip
def test_process_and_supervision_commands_refuse_bad_input(args, text):
    assert_one_line_error(run(*args), text=text)


OPEN = ["matter", "open", "--node", "http://127.0.0.1:9", "--key", "k", "--agency", "A", "--template", "t"]


@pytest.mark.parametrize(
    ("args", "stdin", "text"),
    [
        (["--subject", "-", "--official", "-"], b"case 1\n", "--subject and --official both read standard input"),
        (["--subject", "-"], b"\n", "--subject -: standard input gave no text"),
        (["--subject", "-"], b"   \r\n", "--subject -: standard input gave no text"),
        (["--subject", "-"], b"x" * 1025 + b"\n", "longer than 1024 characters"),
        (["--subject", "-"], b"\xff\xfe\n", "--subject -: standard input is not UTF-8 text"),
        (["--subject", "s", "--official", "-"], "官".encode() * 1025, "longer than 1024 characters"),
        (["--subject", "-"], "官".encode() * 5000, "longer than 1024 characters"),
    ],
)
def test_a_value_read_from_stdin_is_one_line_of_text(args, stdin, text):
    assert_one_line_error(run(*OPEN, *args, input=stdin), text=text)


def test_anchor_reads_its_subject_from_stdin_before_asking_for_the_key(tmp_path):
    record = tmp_path / "r.txt"
    record.write_text("record")
    anchor = ["anchor", str(record), "--node", "http://127.0.0.1:9", "--key", "k", "--agency", "A"]
    refused = run(*anchor, "--kind", "document", "--subject", "-", input=b"\n")
    assert_one_line_error(refused, text="--subject -: standard input gave no text")


def test_receive_alerts_tells_deliveries_apart_by_the_signed_alert_id(tmp_path):
    """The Idempotency-Key header is not signed: a replayed delivery under another key is still a repeat."""
    import socket
    import struct
    import time

    import httpx

    from tiezheng.supervision import signature_header

    key = SM2PrivateKey.generate()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    receiver = subprocess.Popen(
        [TIEZHENG, "receive-alerts", "--listen", f"127.0.0.1:{port}", "--json",
         "--public-key", key.public_key().to_bytes().hex()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        body = json.dumps({"type": "tiezheng.alert", "id": "DEV-000031-7G", "severity": "red"}).encode()
        url, signature = f"http://127.0.0.1:{port}/", signature_header(key, body)
        deadline = time.monotonic() + 20
        while True:
            try:
                first = httpx.post(url, content=body, headers={"Tiezheng-Signature": signature,
                                                               "Idempotency-Key": "DEV-000031-7G"})  # fmt: skip
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and receiver.poll() is None
                time.sleep(0.1)
        assert first.status_code == 204
        replay = httpx.post(url, content=body, headers={"Tiezheng-Signature": signature, "Idempotency-Key": "fresh"})
        assert replay.status_code == 400
        unnamed = httpx.post(url, content=body, headers={"Tiezheng-Signature": signature})
        assert unnamed.status_code == 400  # no key at all is no better than a wrong one
        again = httpx.post(url, content=body, headers={"Tiezheng-Signature": signature,
                                                       "Idempotency-Key": "DEV-000031-7G"})  # fmt: skip
        assert again.status_code == 204
        # A sender that promises a body, sends part of it and hangs up: one line, no traceback, still serving.
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", port)) as sender:
                sender.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
                sender.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
        named = {"Tiezheng-Signature": signature, "Idempotency-Key": "DEV-000031-7G"}
        assert httpx.post(url, content=body, headers=named).status_code == 204
    finally:
        receiver.terminate()
        out, err = receiver.communicate(timeout=10)
    assert len(out.splitlines()) == 3, out
    assert err.count("Idempotency-Key is not its id") == 2
    assert "Traceback" not in err, err


@pytest.mark.parametrize("host", ["", "127.0.0.1"])
def test_receive_alerts_says_where_it_listens(host):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    receiver = subprocess.Popen(
        [TIEZHENG, "receive-alerts", "--listen", f"{host}:{port}",
         "--public-key", SM2PrivateKey.generate().public_key().to_bytes().hex()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert receiver.stderr is not None
        first_line = receiver.stderr.readline()
    finally:
        receiver.terminate()
        receiver.communicate(timeout=10)
    expected = f"http://127.0.0.1:{port}/" if host else f"port {port} on every interface"
    assert first_line.startswith(f"receiving alerts at {expected} "), first_line


# errors are one line with a reason, never "internal error"


@pytest.mark.parametrize("out", ["/nonexistent-folder/k.key", ""])
def test_keys_new_to_an_unwritable_place(tmp_path, out):
    result = run("keys", "new", "--out", out)
    assert_one_line_error(result, text="--out" if not out else "no folder")
    assert "internal error" not in result.stderr


def test_unknown_backend_is_a_reason_not_a_bug(tmp_path):
    (tmp_path / "f").write_bytes(b"x")
    env = {**os.environ, "TIEZHENG_GM_BACKEND": "bogus"}
    result = subprocess.run([TIEZHENG, "hash", str(tmp_path / "f")], capture_output=True, text=True, env=env)
    assert_one_line_error(result, text="[backend-unavailable]")
    assert "bogus" in result.stderr and "internal error" not in result.stderr


def test_keys_new_bounds_the_label(tmp_path, monkeypatch):
    refused = run("keys", "new", "--out", str(tmp_path / "big.key"), "--label", "x" * 100_000)
    assert_one_line_error(refused, text="[keystore-label-too-long]")
    assert not (tmp_path / "big.key").exists()
    longest = "标" * keystore.MAX_LABEL_LENGTH
    assert run("keys", "new", "--out", str(tmp_path / "ok.key"), "--label", longest).returncode == 0
    shown = run("keys", "public", str(tmp_path / "ok.key"))
    assert shown.returncode == 0 and longest in shown.stdout
    with pytest.raises(TiezhengError) as caught:
        keystore.encrypt_key(SM2PrivateKey.generate(), PASS, label="x" * 70_000, iterations=1_000)
    assert caught.value.code == "keystore-label-too-long"
    # A keystore made elsewhere may carry such a label: `keys public` shows it escaped, on its own line.
    made = tmp_path / "elsewhere.key"
    monkeypatch.setattr(keystore, "check_label", lambda label: None)  # as a tool without that check would write it
    keystore.save(made, SM2PrivateKey.generate(), PASS, label="ok\npublic key  04abab\x1b[8m", iterations=1_000)
    shown = run("keys", "public", str(made))
    assert shown.returncode == 0 and len(shown.stdout.splitlines()) == 4, shown.stdout
    assert "\x1b" not in shown.stdout and "label       ok\\u000apublic key  04abab\\u001b[8m" in shown.stdout
    for forged in ("a\nkey id      FAKE", "red\x1b[31m", "某局\u202e"):
        refused = run("keys", "new", "--out", str(tmp_path / "forged.key"), "--label", forged)
        assert_one_line_error(refused, text="[keystore-bad-label]")
        assert not (tmp_path / "forged.key").exists()


# verify: one record per run, and --json for every outcome


def test_verify_help_and_behaviour_agree_on_one_pair(anchored):
    usage = run("verify", "--help").stdout
    assert "[FILE] RECEIPT" in usage and "..." not in usage.split("options:")[0]
    record, receipt, genesis = (str(anchored[k]) for k in ("record", "receipt", "genesis"))
    two_pairs = run("verify", record, receipt, record, receipt, "--genesis", genesis)
    assert_one_line_error(two_pairs, text="unrecognized arguments")


def test_verify_json_for_every_outcome(anchored, tmp_path):
    record, receipt, genesis = (str(anchored[k]) for k in ("record", "receipt", "genesis"))
    (tmp_path / "junk.tzr").write_bytes(b"\x5f" + os.urandom(50))  # an indefinite-length byte string: not our CBOR
    outcomes = {
        "valid": (run("verify", record, receipt, "--genesis", genesis, "--json"), 0, None),
        "junk receipt": (run("verify", record, str(tmp_path / "junk.tzr"), "--genesis", genesis, "--json"), 1, None),
        "two pairs": (run("verify", record, receipt, record, receipt, "--genesis", genesis, "--json"), 2, "usage"),
        "no genesis": (run("verify", record, receipt, "--json"), 2, "usage"),
        "bad digest": (run("verify", "--digest", "zz", receipt, "--genesis", genesis, "--json"), 2, "usage"),
        "absent file": (
            run("verify", str(tmp_path / "absent"), receipt, "--genesis", genesis, "--json"),
            2,
            "unreadable",
        ),
        "bad genesis": (run("verify", record, receipt, "--genesis", str(tmp_path / "junk.tzr"), "--json"), 2, None),
        "swapped": (run("verify", receipt, record, "--genesis", genesis, "--json"), 2, "usage"),
        "file and digest": (
            run("verify", record, "--digest", "00" * 32, receipt, "--genesis", genesis, "--json"),
            2,
            "usage",
        ),
        "not UTF-8": (run("verify", "--digest", "\udcff", receipt, "--genesis", genesis, "--json"), 2, "not-utf8"),
    }
    for name, (result, status, code) in outcomes.items():
        assert result.returncode == status, (name, result.stdout, result.stderr)
        document = json.loads(result.stdout)  # not a text line
        assert document["valid"] is (status == 0), name
        if status in (0, 1):
            assert document["error"] is None
            continue
        assert document["error"]["message"], name
        if code is not None:
            assert document["error"]["code"] == code, (name, document["error"])
        line = result.stderr.strip()
        assert len(line.splitlines()) == 1 and line.count("[") <= 1, (name, line)  # one code, not "[bad-cbor] [usage]"
    assert "give the FILE first, then its RECEIPT" in outcomes["swapped"][0].stderr
    assert "with --digest give only the RECEIPT" in outcomes["file and digest"][0].stderr
    junk = json.loads(outcomes["junk receipt"][0].stdout)
    assert junk["failed"] == "receipt" and junk["checks"][0]["detail"].endswith("[bad-cbor]"), junk
    assert junk["checks"][0]["code"] == "bad-cbor", junk


def test_records_receipts_and_signed_files_are_read_from_pipes(anchored, tmp_path, signer):
    record, receipt, genesis = (anchored[k] for k in ("record", "receipt", "genesis"))
    from_stdin = run("verify", "/dev/stdin", str(receipt), "--genesis", str(genesis), input=record.read_bytes())
    assert from_stdin.returncode == 0 and from_stdin.stdout.startswith("VALID"), from_stdin.stderr
    receipt_in = run("verify", str(record), "/dev/stdin", "--genesis", str(genesis), input=receipt.read_bytes())
    assert receipt_in.returncode == 0 and receipt_in.stdout.startswith("VALID"), receipt_in.stderr
    other = run("verify", "/dev/stdin", str(receipt), "--genesis", str(genesis), input=b"another record")
    assert other.returncode == 1 and "is not the anchored digest" in other.stdout
    keyfile, public_pem = signer
    signed = run("sign", "/dev/stdin", "--key", str(keyfile), "--out", str(tmp_path / "piped.sig"), input=b"minutes")
    assert signed.returncode == 0, signed.stderr
    (tmp_path / "minutes.txt").write_bytes(b"minutes")
    checked = run("verify-sig", str(tmp_path / "minutes.txt"), str(tmp_path / "piped.sig"), "--pubkey", str(public_pem))
    assert checked.returncode == 0, checked.stderr
    piped = run("verify-sig", "/dev/stdin", str(tmp_path / "piped.sig"), "--pubkey", str(public_pem), input=b"minutes")
    assert piped.returncode == 0, piped.stderr


def test_a_text_argument_that_is_not_utf8_is_named_before_any_request():
    for args in (["status", "DEV-\udcff"], ["alerts", "--agency", "\udcff"], ["admin", "agency", "list"]):
        result = run(*args, "--node", "http://127.0.0.1:9")  # nothing listens there: refused before asking
        refused = "is not UTF-8 text (the locale could not decode it) [not-utf8]"
        expected = refused if "\udcff" in "".join(args) else "[unreachable]"
        assert_one_line_error(result, text=expected)


def test_a_file_name_that_is_not_utf8_is_printed_as_its_bytes_whatever_the_locale(tmp_path):
    name = os.fsencode(tmp_path) + b"/case-\xff.txt"
    with open(name, "wb") as handle:
        handle.write(b"record")
    for locale in ({"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"}, {"LC_ALL": "C"}):
        result = subprocess.run(
            [os.fsencode(TIEZHENG), b"hash", name], capture_output=True, env={**os.environ, **locale}, timeout=60
        )
        assert result.returncode == 0, (locale, result.stderr)
        assert result.stdout == sm3(b"record").hex().encode() + b"  " + name + b"\n", locale


def test_a_file_name_that_is_not_utf8_is_shown_escaped():
    result = run("hash", "/nonexistent/case-\udcff.txt")
    assert_one_line_error(result, text="/nonexistent/case-\\xff.txt: No such file or directory [unreadable]")


def test_a_keystore_given_as_a_public_key_is_named(tmp_path, signer):
    keyfile, _ = signer
    (tmp_path / "f").write_bytes(b"x")
    (tmp_path / "f.sig").write_bytes(b"0")
    result = run("verify-sig", str(tmp_path / "f"), str(tmp_path / "f.sig"), "--pubkey", str(keyfile))
    assert_one_line_error(result, text=f"tiezheng keys public {keyfile} --pem")


def test_outputs_are_never_overwritten_and_each_refusal_names_its_cause(anchored, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "folder.html").mkdir()
    (tmp_path / "taken.html").write_text("a certificate already")
    cases = {
        tmp_path / "folder.html": "is a folder; name the certificate file to create in it [exists]",
        tmp_path / "a-file" / "c.html": f"{tmp_path / 'a-file'} is a file, not a folder [unwritable]",
        tmp_path / "missing" / "c.html": f"no folder {tmp_path / 'missing'} [unwritable]",
        tmp_path / "taken.html": "already exists; not overwriting the certificate [exists]",
    }
    for out, expected in cases.items():
        result = run("certificate", str(anchored["receipt"]), "--out", str(out))
        assert_one_line_error(result, text=expected)
    assert (tmp_path / "taken.html").read_text() == "a certificate already"


def test_a_refusal_naming_step_fields_names_the_options_that_give_them():
    from tiezheng.cli.process import in_options

    assert in_options("a step at 审批签发 must carry meta.document_no") == (
        "a step at 审批签发 must carry --document-no (meta.document_no)"
    )
    assert in_options("meta.hearing: no stage after 受理 depends on it") == (
        "--hearing (meta.hearing): no stage after 受理 depends on it"
    )
    assert in_options("meta.published_atx and statement.meta.next") == "meta.published_atx and statement.meta.next"


def test_a_publication_time_refused_says_how_a_time_without_a_zone_was_read(tmp_path):
    from tiezheng.cli.process import step_refusal

    refused = TiezhengError("meta.published_at must lie between 决定 and this step", code="time-order")
    assert step_refusal(refused, "2026-12-05T09:00") == (
        "--published-at (meta.published_at) must lie between 决定 and this step "
        "(--published-at 2026-12-05T09:00 has no zone: read as China Standard Time, UTC+08:00)"
    )
    assert "no zone" not in step_refusal(refused, None)  # it gave one
    other = TiezhengError("a step at 公示 must carry meta.published_at", code="missing-field")
    assert "no zone" not in step_refusal(other, "2026-12-05T09:00")
    (tmp_path / "after.pdf").write_bytes(b"after")
    for bad in ("yesterday", "2026-13-01T00:00"):
        result = run("matter", "step", "DEV-000000-9H", "--stage", "公示", "--decision", "approve",
                     "--after", str(tmp_path / "after.pdf"), "--node", "http://127.0.0.1:9", "--key", "k",
                     "--agency", "A1", "--published-at", bad)  # fmt: skip
        assert_one_line_error(result, text="--published-at must be an ISO 8601 time")
        assert result.stderr.rstrip().endswith("[usage]")


def test_a_short_salt_is_named_as_short(tmp_path):
    (tmp_path / "f").write_text("x")
    result = subprocess.run(
        [TIEZHENG, "anchor", str(tmp_path / "f"), "--node", "http://127.0.0.1:9", "--key", "k", "--agency", "A1",
         "--kind", "document", "--subject", "case 1"],
        capture_output=True, text=True, env={**os.environ, "TIEZHENG_SUBJECT_SALT": "short"}, timeout=60,
    )  # fmt: skip
    assert_one_line_error(result, text="$TIEZHENG_SUBJECT_SALT is 5 bytes; a salt is at least 16")


RECEIPT_VECTORS = Path(__file__).resolve().parent / "vectors" / "receipts"
VECTORS_WITH_RECORDS = [c for c in json.loads((RECEIPT_VECTORS / "manifest.json").read_text())["cases"] if c["record"]]


@pytest.mark.parametrize("case", VECTORS_WITH_RECORDS, ids=[c["name"] for c in VECTORS_WITH_RECORDS])
def test_verify_gives_each_receipt_vector_its_verdict(case):
    """The command is a verifier like the others: a receipt cut short or not in its version's encoding is INVALID
    at `receipt` (exit status 1), as the vectors say, not a failure to decide; one of a newer format is undecided
    (exit status 2), as the vectors say too."""
    record, receipt = (str(RECEIPT_VECTORS / case[k]) for k in ("record", "receipt"))
    result = run("verify", record, receipt, "--genesis", str(RECEIPT_VECTORS / case["genesis"]))
    if case["valid"]:
        assert result.returncode == 0 and result.stdout.startswith("VALID"), (result.stdout, result.stderr)
    elif not case["decided"]:
        assert result.returncode == 2, (result.stdout, result.stderr)
        assert result.stdout.startswith(f"UNDECIDED  at check {case['failed']} — "), result.stdout
    else:
        assert result.returncode == 1, (result.stdout, result.stderr)
        assert result.stdout.startswith(f"INVALID  failed check: {case['failed']} — "), result.stdout


# certificate


def test_certificate_with_a_genesis_refuses_a_receipt_that_does_not_decode(anchored, tmp_path):
    cut = tmp_path / "cut.tzr"
    cut.write_bytes(anchored["receipt"].read_bytes()[:500])
    refused = run("certificate", str(cut), "--genesis", str(anchored["genesis"]), "--out", str(tmp_path / "c.pdf"))
    assert refused.returncode == 1, (refused.stdout, refused.stderr)
    assert refused.stdout.startswith("INVALID  failed check: receipt"), refused.stdout
    assert not (tmp_path / "c.pdf").exists()


def test_certificate_refuses_a_receipt_the_genesis_refutes(anchored, tmp_path):
    other = ToyChain([SM2PrivateKey.generate() for _ in range(4)], chain_code="GZ01")
    (tmp_path / "other-genesis.json").write_bytes(other.genesis.to_json())
    for out in ("c.html", "c.pdf"):
        refused = run(
            "certificate", str(anchored["receipt"]), "--genesis", str(tmp_path / "other-genesis.json"),
            "--out", str(tmp_path / out),
        )  # fmt: skip
        assert refused.returncode == 1, (refused.stdout, refused.stderr)
        assert refused.stdout.startswith("INVALID  failed check: genesis"), refused.stdout
        assert not (tmp_path / out).exists()
    accepted = run(
        "certificate",
        str(anchored["receipt"]),
        "--genesis",
        str(anchored["genesis"]),
        "--out",
        str(tmp_path / "c.html"),
    )
    assert accepted.returncode == 0, accepted.stderr
    page = (tmp_path / "c.html").read_text()
    assert "VALID" in page and "validator-0" in page


def test_certificate_is_not_written_for_a_receipt_this_release_cannot_check(anchored, tmp_path):
    newer = tmp_path / "newer.tzr"
    newer.write_bytes(cbor.encode(Receipt.load(anchored["receipt"]).to_value() | {"v": 3}))
    out = tmp_path / "cert.html"
    result = run("certificate", str(newer), "--genesis", str(anchored["genesis"]), "--out", str(out))
    assert result.returncode == 2 and result.stdout.startswith("UNDECIDED  at check receipt")
    assert "this release cannot check the receipt" in result.stderr and not out.exists()


@pytest.mark.parametrize("out", ["/nonexistent-folder/c.pdf", "/nonexistent-folder/c.html"])
def test_certificate_to_a_missing_folder(anchored, out):
    result = run("certificate", str(anchored["receipt"]), "--out", out)
    assert_one_line_error(result, text="no folder")
    assert "internal error" not in result.stderr


def test_anchor_help_says_receipts_in_folders_are_skipped():
    text = " ".join(run("anchor", "--help").stdout.split())
    assert "receipts (*.tzr) are skipped" in text


def test_anchor_help_promises_retries_while_busy_only_and_says_how_soon_an_unreachable_node_is_given_up():
    text = " ".join(run("anchor", "--help").stdout.split())
    assert "while the node answers busy, keep retrying a request this long (60)" in text
    assert "cannot be reached at all is tried only a few times, over about 4 s" in text
    assert "busy or unreachable" not in text


def test_a_command_that_sends_nothing_says_nothing_of_submissions_when_the_node_cannot_be_reached(tmp_path):
    for args in (["status", "DEV-000000-9H"], ["receipt", "DEV-000000-9H", "--out", str(tmp_path / "r.tzr")]):
        result = run(*args, "--node", "http://127.0.0.1:9")
        assert_one_line_error(result, text="cannot reach the node at http://127.0.0.1:9: ")
        assert result.stderr.rstrip().endswith("[unreachable]"), result.stderr
        assert "submission" not in result.stderr and "find_by_digest" not in result.stderr


@pytest.mark.parametrize("kdf", ["scrypt", "pbkdf2"])
def test_the_admin_keystore_cost_bound_admits_what_eth_account_writes(kdf):
    from eth_account import Account

    from tiezheng.cli.admin import check_kdf_cost

    written = Account.encrypt("0x" + "11" * 32, "pass", kdf=kdf)
    check_kdf_cost(written)  # no SystemExit: geth's and eth-account's defaults are well inside the bound
    assert Account.decrypt(written, "pass") == bytes.fromhex("11" * 32)


# What `tiezheng anchor` anchors, and where the receipts go: settled before anything is sent.


def _anchor_args(*paths: str, receipts: str | None = None) -> list[str]:
    options = ["--node", "http://127.0.0.1:9", "--key", "absent.key", "--agency", "X1", "--kind", "permit", "--wait"]
    return ["anchor", *paths, *options, *(["--receipts", receipts] if receipts else [])]


def test_anchor_refuses_receipts_that_would_share_a_file_or_overwrite_an_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder in ("x", "y", "p/data", "q/data"):
        (tmp_path / folder).mkdir(parents=True)
    for name in ("x/a.txt", "y/a.txt", "p/data/f.txt", "q/data/f.txt", "a.txt"):
        (tmp_path / name).write_text(name)
    (tmp_path / "a.txt.tzr").write_text("a record that happens to end in .tzr")
    assert_one_line_error(run(*_anchor_args("x/a.txt", "y/a.txt", receipts="R")), text="both have their receipt")
    assert_one_line_error(run(*_anchor_args("p/data", "q/data", receipts="R")), text="both have their receipt")
    assert_one_line_error(run(*_anchor_args("a.txt", "a.txt.tzr")), text="which is anchored too")
    assert not (tmp_path / "R").exists()


def test_anchor_takes_each_file_once_and_passes_nothing_over_in_silence(tmp_path, monkeypatch, capsys):
    from tiezheng.cli.common import UsageError
    from tiezheng.cli.online import _files, _receipt_targets

    monkeypatch.chdir(tmp_path)
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "main.pdf").write_text("main")
    named = ["case/main.pdf", "case/main.pdf", "./case/main.pdf", "case/../case/main.pdf", "case"]
    assert _files(named) == {Path("case/main.pdf"): Path("case/main.pdf")}
    assert capsys.readouterr().err.count("named more than once; taken once") == 4
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "attachment.pdf").write_text("attachment")
    (tmp_path / "case" / "attachments").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageError, match="links to a folder"):
        _files(["case"])
    (tmp_path / "case" / "attachments").unlink()
    os.mkfifo(tmp_path / "case" / "pipe")
    with pytest.raises(UsageError, match="not a regular file"):
        _files(["case"])
    (tmp_path / "case" / "pipe").unlink()
    inner = tmp_path / "w" / "inner"
    inner.mkdir(parents=True)
    (tmp_path / "w" / "z.txt").write_text("z")
    monkeypatch.chdir(inner)
    files = _files([".."])
    targets = _receipt_targets(files, Path("../out"), [Path("..")])
    assert all((tmp_path / "w" / "out").resolve() in t.resolve().parents for t in targets.values())  # not beside z.txt


def test_every_name_of_a_file_to_anchor_gets_its_line_and_receipt_and_one_record(tmp_path, monkeypatch, capsys):
    from types import SimpleNamespace

    from tiezheng.cli.online import _files, _Names, _receipt_targets

    monkeypatch.chdir(tmp_path)
    (tmp_path / "f2").mkdir()
    (tmp_path / "f2" / "hard.txt").write_text("one file, three names")
    os.link(tmp_path / "f2" / "hard.txt", tmp_path / "f2" / "x.txt")
    (tmp_path / "f2" / "link.txt").symlink_to("x.txt")
    (tmp_path / "f2" / "other.txt").write_text("another file")
    hard, link, other, x = (Path("f2") / name for name in ("hard.txt", "link.txt", "other.txt", "x.txt"))
    named = _files(["f2"])
    assert named == {hard: hard, link: hard, other: other, x: hard}  # the walk's order; the first name is anchored
    assert capsys.readouterr().err.count("the same file as f2/hard.txt") == 2
    targets = _receipt_targets(list(named), Path("R"), [Path("f2")])
    assert sorted(str(t) for t in targets.values()) == [
        f"R/f2/{n}.tzr" for n in ("hard.txt", "link.txt", "other.txt", "x.txt")
    ]
    records = [SimpleNamespace(id="DEV-000001-9J"), SimpleNamespace(id="DEV-000002-9K")]  # each file's record
    paths, theirs = _Names(named).of([hard, other], records)
    assert paths == [hard, link, other, x]
    assert [a.id for a in theirs] == ["DEV-000001-9J", "DEV-000001-9J", "DEV-000002-9K", "DEV-000001-9J"]


def test_a_path_to_anchor_that_cannot_be_read_is_unreadable(tmp_path, monkeypatch):
    """Exit 2 with [unreadable], as hash, sign and verify say of a file they cannot read: not [usage]."""
    from tiezheng.cli.online import _files

    monkeypatch.chdir(tmp_path)
    result = run(*_anchor_args(str(tmp_path / "absent")))
    assert_one_line_error(result, text="no such file or folder")
    assert result.stderr.rstrip().endswith("[unreadable]"), result.stderr
    assert_one_line_error(run(*_anchor_args("/dev/null")), text="not a regular file [unreadable]")
    (tmp_path / "secret.txt").write_text("not for this user")
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as for a file without read permission (even as root)
    with pytest.raises(TiezhengError, match="permission denied") as refused:
        _files(["secret.txt"])
    assert refused.value.code == "unreadable"


def test_a_keystore_whose_write_failed_leaves_no_stub_to_block_the_retry(tmp_path):
    path = tmp_path / "new.key"
    env = {k: v for k, v in os.environ.items() if k != "TIEZHENG_PASSPHRASE"} | {"TIEZHENG_PASSPHRASE": PASS}
    # No byte may be written: the process is stopped (SIGXFSZ) at its first write.
    stopped = subprocess.run(
        ["bash", "-c", f'ulimit -f 0; exec "{TIEZHENG}" keys new --out "{path}"'], env=env, capture_output=True
    )
    assert stopped.returncode != 0
    assert not path.exists()  # not a 0-byte keystore that "already exists"
    assert run("keys", "new", "--out", str(path)).returncode == 0
    assert run("keys", "public", str(path)).returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_receipts_and_tree_heads_are_written_readable_by_all(tmp_path):
    from tiezheng.cli.common import replace_file

    replace_file(tmp_path / "r.tzr", b"receipt", "receipt")
    assert stat.S_IMODE((tmp_path / "r.tzr").stat().st_mode) == 0o644


def test_a_certificate_says_when_it_was_not_verified_or_points_at_the_dev_node(tmp_path):
    receipt = Path(__file__).parent / "vectors" / "receipts" / "direct.tzr"
    made = run("certificate", str(receipt), "--out", str(tmp_path / "c.html"))
    assert made.returncode == 0, made.stderr
    assert "not verified here" in made.stderr and "--verify-url" in made.stderr
    public = run(
        "certificate", str(receipt), "--out", str(tmp_path / "d.html"), "--verify-url", "https://evidence.example/verify",
        "--genesis", str(receipt.parent / "genesis.json"),
    )  # fmt: skip
    assert public.returncode == 0 and public.stderr == "", public.stderr


def test_a_device_where_a_file_belongs_is_refused_and_a_pipe_is_read(tmp_path):
    """/dev/zero would never end: refused at once. A pipe (``<(gpg -d key)``, ``/dev/stdin``) is read as written."""
    (tmp_path / "f").write_text("record")
    receipt = Path(__file__).parent / "vectors" / "receipts" / "direct.tzr"
    for args in (
        ["hash", "/dev/zero"],
        ["keys", "public", "/dev/zero"],
        ["keys", "import", "/dev/zero", "--out", str(tmp_path / "k.key")],
        ["verify-sig", str(tmp_path / "f"), "/dev/zero", "--pubkey", "/dev/zero"],
        ["verify", str(tmp_path / "f"), str(receipt), "--genesis", "/dev/zero"],
        ["certificate", "/dev/zero", "--out", str(tmp_path / "c.html")],
        ["log", "show", "/dev/zero", "--genesis", "/dev/zero"],
    ):
        result = run(*args)  # the helper's 60 s timeout would fail the test, not hang it
        assert_one_line_error(result, text="not a regular file or a pipe")
    piped = subprocess.run(
        ["bash", "-c", f'"{TIEZHENG}" hash <(printf record) && printf record | "{TIEZHENG}" hash /dev/stdin'],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    digest = sm3(b"record").hex()
    assert piped.returncode == 0 and [line.split()[0] for line in piped.stdout.splitlines()] == [digest, digest]


def test_a_cjk_font_that_cannot_be_embedded_is_named_with_its_variable(tmp_path):
    receipt = Path(__file__).parent / "vectors" / "receipts" / "direct.tzr"
    (tmp_path / "garbage.ttf").write_bytes(b"garbage, not a font")
    (tmp_path / "empty.ttf").write_bytes(b"")
    (tmp_path / "cut.ttf").write_bytes(b"\x00\x01\x00\x00\x00\x10")  # a TrueType header, cut short
    for font, said in (
        (tmp_path / "absent.ttf", "No such file or directory [unreadable]"),
        (tmp_path, "it is a folder [unreadable]"),
        (tmp_path / "garbage.ttf", "not a TrueType font that can be embedded"),
        (tmp_path / "empty.ttf", "not a TrueType font that can be embedded"),
        (tmp_path / "cut.ttf", "not a TrueType font that can be embedded"),
    ):
        result = subprocess.run(
            [TIEZHENG, "certificate", str(receipt), "--out", str(tmp_path / "c.pdf")],
            capture_output=True, text=True, timeout=60, env={**os.environ, "TIEZHENG_CJK_FONT": str(font)},
        )  # fmt: skip
        assert_one_line_error(result, text=f"$TIEZHENG_CJK_FONT names {font}")
        assert said in result.stderr and "internal" not in result.stderr, result.stderr
        assert result.stderr.rstrip().endswith(("[unreadable]", "[bad-font]")), result.stderr
        assert not (tmp_path / "c.pdf").exists()


def test_a_receipts_id_in_another_spelling_is_invalid_as_receipt_format_says(tmp_path):
    """Typed IDs are read leniently; a receipt's own is canonical, or its bytes could change and its verdict not."""
    from tiezheng.receipt import Receipt

    vectors = Path(__file__).parent / "vectors" / "receipts"
    document = json.loads(Receipt.load(vectors / "direct.tzr").to_json())
    canonical = document["id"]
    assert canonical == canonical.upper() and "0" in canonical
    for spelling in (canonical.lower(), f" {canonical}", canonical.replace("0", "O")):
        (tmp_path / "r.json").write_text(json.dumps({**document, "id": spelling}))
        result = run(
            "verify", "--digest", "00" * 32, str(tmp_path / "r.json"), "--genesis", str(vectors / "genesis.json")
        )
        assert result.returncode == 1 and result.stdout.startswith("INVALID  failed check: evidence-id"), result.stdout
        assert "not the canonical evidence ID" in result.stdout
    cddl = (Path(__file__).parents[1] / "docs" / "receipt-format.md").read_text().split("evidence-id = tstr")[1]
    comment = cddl.split("agency-code =")[0]
    assert 'A receipt\'s "id" is the canonical spelling' in comment
    assert "Any\n  ; other spelling of the same ID fails check 3" in comment


def test_a_certificates_verification_address_must_be_a_web_page(tmp_path):
    receipt = Path(__file__).parent / "vectors" / "receipts" / "direct.tzr"
    for url in ("javascript:alert(1)", "file:///etc/passwd", "http://", "https://h/" + "x" * 600):
        result = run("certificate", str(receipt), "--out", str(tmp_path / "c.html"), "--verify-url", url)
        assert_one_line_error(result, text="--verify-url")
        assert not (tmp_path / "c.html").exists()
    made = run(
        "certificate", str(receipt), "--out", str(tmp_path / "c.html"), "--verify-url", "https://court.example/v"
    )
    assert made.returncode == 0, made.stderr


def test_an_admin_key_that_is_not_64_hex_digits_is_refused_before_anything_is_sent():
    for key in ("ab" * 31 + "a", "ab" * 33, "0x" + "zz" * 32, "00" * 32):
        result = subprocess.run(
            [TIEZHENG, "admin", "agency", "revoke", "X", "--node", "http://127.0.0.1:9"],
            capture_output=True, text=True, timeout=60, env={**os.environ, "TIEZHENG_ADMIN_KEY": key},
        )  # fmt: skip
        assert_one_line_error(result, text="the admin key")
        assert "unreachable" not in result.stderr  # refused before the node was asked anything


def test_an_sm2_keystore_given_as_the_admin_key_is_named_as_such(tmp_path, signer):
    keyfile, _ = signer
    for how, env in ((["--admin-key", str(keyfile)], {}), ([], {"TIEZHENG_ADMIN_KEY": keyfile.read_text()})):
        result = subprocess.run(
            [TIEZHENG, "admin", "agency", "revoke", "X", "--node", "http://127.0.0.1:9", *how],
            capture_output=True, text=True, timeout=60, env={**os.environ, "TIEZHENG_PASSPHRASE": PASS, **env},
        )  # fmt: skip
        assert_one_line_error(result, text="is a Tiezheng SM2 keystore, not an EVM admin key")
        assert result.stderr.rstrip().endswith("[bad-key]"), result.stderr
        assert (str(keyfile) if how else "$TIEZHENG_ADMIN_KEY") in result.stderr


def test_a_role_named_twice_in_an_opening_is_refused_before_anything_is_read(tmp_path):
    result = run("matter", "open", "--template", "newborn-one-thing", "--subject", "京卫〔2026〕1号",
                 "--node", "http://127.0.0.1:9", "--key", str(tmp_path / "absent.key"), "--agency", "A",
                 "--party", "health=12110000MB0123456X", "--party", "health=12110000MB0654321Y")  # fmt: skip
    assert_one_line_error(result, text="names role 'health' twice")


def test_a_receipts_out_path_is_checked_before_the_node_is_asked(tmp_path):
    (tmp_path / "taken.tzr").write_bytes(b"x")
    for out, said in (("", "--out must name"), (str(tmp_path / "taken.tzr"), "already exists"),
                      (str(tmp_path / "none" / "r.tzr"), "no folder")):  # fmt: skip
        result = run("receipt", "DEV-000000-9H", "--node", "http://127.0.0.1:9", "--out", out)
        assert_one_line_error(result, text=said)  # the node at port 9 would have been unreachable
