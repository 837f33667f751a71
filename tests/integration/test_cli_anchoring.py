"""The newcomer's path, as real processes: anchor a folder, print a certificate, stop the node, verify offline."""

from __future__ import annotations

import base64
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.processes import NodeProcess, free_port
from tiezheng.gm import sm3
from tiezheng.header import ConsensusHeader
from tiezheng.receipt import Receipt

TIEZHENG = str(Path(sys.executable).parent / "tiezheng")


def run(
    *args: str, passphrase: str | None = None, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("TIEZHENG_PASSPHRASE", "TIEZHENG_ADMIN_KEY")}
    if passphrase is not None:
        environment["TIEZHENG_PASSPHRASE"] = passphrase
    environment.update(env or {})
    return subprocess.run([TIEZHENG, *args], capture_output=True, text=True, env=environment, timeout=timeout)


SUBJECT_SALT = "anchoring test subject salt"


def one_line_error(result: subprocess.CompletedProcess[str], text: str, code: int = 2) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert text in lines[0], lines[0]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("court")
    node = NodeProcess(root / "data", extra_args=["--block-interval-ms", "200"]).start()
    agency = node.accounts()["agency"]
    folder = root / "案卷"
    (folder / "现场").mkdir(parents=True)
    files = {
        folder / "受理通知书.txt": "受理通知书 第 1 号".encode(),
        folder / "现场" / "照片1.jpg": os.urandom(300_000),
        folder / "现场" / "笔录.pdf": b"%PDF-1.7 " + os.urandom(5_000),
    }
    for path, data in files.items():
        path.write_bytes(data)
    yield {
        "node": node,
        "root": root,
        "folder": folder,
        "files": sorted(files),
        "key": str(node.data_dir / agency["sm2_keystore"]),
        "passphrase": agency["passphrase"],
        "code": agency["agency_code"],
        "genesis": str(node.data_dir / "genesis.json"),
        "admin_key": node.accounts()["admin"]["evm_private_key"],
    }
    node.stop()


@pytest.fixture(scope="module")
def anchored(world):
    result = run(
        "anchor", str(world["folder"]), "--node", world["node"].url, "--key", world["key"], "--agency", world["code"],
        "--kind", "enforcement-record", "--subject", "京执〔2026〕第 42 号", "--stage", "调查取证",
        "--wait", "--receipts", str(world["root"] / "receipts"),
        passphrase=world["passphrase"], env={"TIEZHENG_SUBJECT_SALT": SUBJECT_SALT},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + world["node"].log()[-2000:]
    lines = result.stdout.strip().splitlines()
    ids = {}
    for line in lines:
        evidence_id, path = line.split("  ", 1)
        ids[Path(path)] = evidence_id
    assert sorted(ids) == world["files"]
    receipts = {
        path: world["root"] / "receipts" / "案卷" / path.relative_to(world["folder"]).with_name(path.name + ".tzr")
        for path in ids
    }
    assert all(r.is_file() for r in receipts.values())
    return {"ids": ids, "receipts": receipts}


def test_status_and_receipt_download(world, anchored, tmp_path):
    path, evidence_id = next(iter(anchored["ids"].items()))
    status = run("status", evidence_id, "--node", world["node"].url)
    assert status.returncode == 0 and "proven" in status.stdout and "enforcement-record / 调查取证" in status.stdout
    assert run("receipt", evidence_id, "--node", world["node"].url, "--out", str(tmp_path / "r.tzr")).returncode == 0
    assert (tmp_path / "r.tzr").read_bytes() == anchored["receipts"][path].read_bytes()
    from tiezheng.statement import subject_hash

    record = httpx.get(f"{world['node'].url}/v1/evidence/{evidence_id}").json()
    assert record["statement"]["subject"] == subject_hash("京执〔2026〕第 42 号", SUBJECT_SALT.encode()).hex()
    assert (
        run("receipt", evidence_id, "--node", world["node"].url, "--out", str(tmp_path / "r.json"), "--json").returncode
        == 0
    )
    assert json.loads((tmp_path / "r.json").read_text())["id"] == evidence_id


def test_a_receipt_already_there_or_a_symlink_stops_the_run_before_anything_is_sent(world, tmp_path):
    record = tmp_path / "决定书.txt"
    record.write_bytes("决定书 第 7 号".encode())
    elsewhere = tmp_path / "not-a-receipt.txt"
    elsewhere.write_text("something else")
    (tmp_path / "决定书.txt.tzr").symlink_to(elsewhere)
    anchor = (
        "anchor", str(record), "--node", world["node"].url, "--key", world["key"], "--agency", world["code"],
        "--kind", "permit", "--wait",
    )  # fmt: skip
    refused = run(*anchor, passphrase=world["passphrase"])
    one_line_error(refused, "exists already (a receipt of an earlier anchoring?); not overwriting it")
    assert refused.stderr.rstrip().endswith("[exists]") and refused.stdout == ""
    assert elsewhere.read_text() == "something else"
    digest = sm3(record.read_bytes()).hex()
    assert httpx.get(f"{world['node'].url}/v1/evidence", params={"digest": digest}).json()["items"] == []

    (tmp_path / "决定书.txt.tzr").unlink()
    first = run(*anchor, passphrase=world["passphrase"])
    assert first.returncode == 0, first.stderr
    receipt = tmp_path / "决定书.txt.tzr"
    assert Receipt.from_cbor(receipt.read_bytes()).evidence_id == first.stdout.split()[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    kept = receipt.read_bytes()
    again = run(*anchor, passphrase=world["passphrase"])  # the first record's receipt is never replaced
    assert again.returncode == 2 and receipt.read_bytes() == kept


def test_each_name_of_a_linked_file_gets_its_line_and_receipt_of_one_record(world, tmp_path):
    folder = tmp_path / "f2"
    folder.mkdir()
    (folder / "hard.txt").write_text("one file under three names")
    os.link(folder / "hard.txt", folder / "x.txt")
    (folder / "link.txt").symlink_to("x.txt")
    result = run(
        "anchor", str(folder), "--node", world["node"].url, "--key", world["key"], "--agency", world["code"],
        "--kind", "permit", "--wait", "--receipts", str(tmp_path / "r"), passphrase=world["passphrase"],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line.split("  ", 1) for line in result.stdout.splitlines()]
    assert [Path(path).name for _, path in lines] == ["hard.txt", "link.txt", "x.txt"]
    assert len({evidence_id for evidence_id, _ in lines}) == 1  # anchored once
    assert "proven: wrote 3 receipt(s)" in result.stderr
    for name in ("hard.txt", "link.txt", "x.txt"):
        receipt = tmp_path / "r" / "f2" / f"{name}.tzr"
        checked = run("verify", str(folder / name), str(receipt), "--genesis", world["genesis"])
        assert checked.returncode == 0 and checked.stdout.startswith(f"VALID  {lines[0][0]}"), checked.stdout


def test_status_through_a_wrong_base_url_is_an_error_not_a_missing_record(world, anchored):
    evidence_id = next(iter(anchored["ids"].values()))
    one_line_error(run("status", evidence_id, "--node", world["node"].url + "/rpc"), "[no-endpoint]")
    missing = run("status", "DEV-0004W8-68", "--node", world["node"].url)  # a well-formed ID of no record
    assert missing.returncode == 1 and "not found" in missing.stdout, (missing.stdout, missing.stderr)


def test_certificate_pdf_and_html(world, anchored, tmp_path):
    path, evidence_id = next(iter(anchored["ids"].items()))
    receipt = str(anchored["receipts"][path])
    assert run("certificate", receipt, "--out", str(tmp_path / "c.pdf"), "--genesis", world["genesis"]).returncode == 0
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "区块链存证证书" in text and evidence_id in text and "VALID" in text and "dev-validator" in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "c.pdf")], capture_output=True, text=True, check=True).stdout
    assert "TrueType" in fonts and " yes " in fonts  # a CJK font embedded, so the page prints the same anywhere
    html = run(
        "certificate", receipt, "--out", str(tmp_path / "c.html"), "--verify-url", "https://court.example/verify"
    )
    assert html.returncode == 0
    page = (tmp_path / "c.html").read_text()
    assert evidence_id in page and "<svg" in page and f"https://court.example/verify?id={evidence_id}" in page
    one_line_error(run("certificate", receipt, "--out", str(tmp_path / "c.pdf")), "already exists")
    one_line_error(run("certificate", receipt, "--out", str(tmp_path / "c.txt")), ".pdf or .html")
    (tmp_path / "junk.tzr").write_bytes(os.urandom(100))
    one_line_error(run("certificate", str(tmp_path / "junk.tzr"), "--out", str(tmp_path / "j.pdf")), "receipt")


def rpc_bound(node, template: str, role: str, agency: str) -> bool:
    from tiezheng_node.execution.addresses import PROCESS_TRAIL
    from tiezheng_node.execution.artifacts import load

    data = load("ProcessTrail").calldata("isBound", template, role, agency)
    answer = node.rpc("eth_call", {"to": "0x" + PROCESS_TRAIL.hex(), "data": "0x" + data.hex()}, "latest")
    return int(answer, 16) == 1


def test_admin_register_anchor_revoke(world, tmp_path):
    node_url = world["node"].url
    admin_key = tmp_path / "admin.hex"
    admin_key.write_text(world["admin_key"])
    keystore = tmp_path / "county.key"
    assert run("keys", "new", "--out", str(keystore), passphrase="county-pass").returncode == 0
    pem = run("keys", "public", str(keystore), "--pem", passphrase="county-pass").stdout  # the key it seals
    (tmp_path / "county.pem").write_text(pem)
    from eth_account import Account

    account = Account.create()
    add = (
        "admin", "agency", "add", "--node", node_url, "--admin-key", str(admin_key), "--code", "320500COUNTY1",
        "--name", "某县市场监管局", "--public-key", str(tmp_path / "county.pem"), "--account", account.address,
    )  # fmt: skip
    # What no agency can be registered as is refused before a transaction is signed.
    index = add.index("--code")
    for changed, said in (
        ({"--code": "bad code!"}, "[bad-field]"),
        ({"--name": "某县\n91110000MA0DEV001X  revoked"}, "control characters [bad-field]"),
        ({"--name": "某县\u202e局"}, "[invisible-character]"),
        ({"--account": account.address[:2] + account.address[2:].swapcase()}, "EIP-55"),
    ):
        options = dict(zip(add[index::2], add[index + 1 :: 2], strict=True)) | changed
        refused = run(*add[:index], *[item for pair in options.items() for item in pair])
        one_line_error(refused, said)
    added = run(*add)
    assert added.returncode == 0, added.stderr
    twice = run(*add)  # the registry reverts: that is its code, not a usage error
    one_line_error(twice, "code already registered")
    assert twice.stderr.rstrip().endswith("[reverted]"), twice.stderr
    listing = run("admin", "agency", "list", "--node", node_url)
    assert "320500COUNTY1  active" in listing.stdout
    # Bound to a role of the newborn service, so that its matters may name the county for that stage.
    role = ("newborn-one-thing", "health", "320500COUNTY1", "--node", node_url, "--admin-key", str(admin_key))
    bound = run("admin", "role", "bind", *role)
    assert bound.returncode == 0 and bound.stdout.startswith("ok: transaction 0x"), bound.stderr
    assert rpc_bound(world["node"], "newborn-one-thing", "health", "320500COUNTY1")
    one_line_error(run("admin", "role", "bind", *role), "already bound")
    assert run("admin", "role", "unbind", *role).returncode == 0
    assert not rpc_bound(world["node"], "newborn-one-thing", "health", "320500COUNTY1")
    one_line_error(run("admin", "role", "unbind", *role), "not bound")
    one_line_error(run("admin", "role", "bind", "newborn-one-thing", "health", "NOBODY", *role[3:]), "unknown agency")
    one_line_error(run("admin", "role", "bind", "t" * 65, "health", "320500COUNTY1", *role[3:]), "1 to 64 bytes")
    # A binding no opening could use is refused before it is sent: the chain would keep it silently.
    heath = run("admin", "role", "bind", "newborn-one-thing", "heath", "320500COUNTY1", *role[3:])
    one_line_error(heath, "no role 'heath'")
    assert "health" in heath.stderr and heath.stderr.rstrip().endswith("[unknown-role]"), heath.stderr
    one_line_error(run("admin", "role", "bind", "newborn-one-thing", "owner", "320500COUNTY1", *role[3:]), "no role")
    typo = run("admin", "role", "bind", "newborn-one-thin", "health", "320500COUNTY1", *role[3:])
    one_line_error(typo, "no template 'newborn-one-thin'")
    assert "newborn-one-thing" in typo.stderr and typo.stderr.rstrip().endswith("[unknown-template]"), typo.stderr
    assert not rpc_bound(world["node"], "newborn-one-thing", "heath", "320500COUNTY1")
    record = tmp_path / "county-record.txt"
    record.write_text("county decision")
    result = run(
        "anchor", str(record), "--node", node_url, "--key", str(keystore), "--agency", "320500COUNTY1",
        "--kind", "permit", "--wait", passphrase="county-pass",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    receipt = tmp_path / "county-record.txt.tzr"
    assert receipt.is_file()
    revoked = run(
        "admin", "agency", "revoke", "320500COUNTY1", "--node", node_url, env={"TIEZHENG_ADMIN_KEY": world["admin_key"]}
    )
    assert revoked.returncode == 0, revoked.stderr
    record.write_text("after revocation")
    refused = run(
        "anchor", str(record), "--node", node_url, "--key", str(keystore), "--agency", "320500COUNTY1",
        "--kind", "permit", passphrase="county-pass",
    )  # fmt: skip
    one_line_error(refused, "agency-revoked")
    again = run("admin", "agency", "revoke", "320500COUNTY1", "--node", node_url, "--admin-key", str(admin_key))
    one_line_error(again, "already revoked")
    assert again.stderr.rstrip().endswith("[reverted]"), again.stderr

    # The record it anchored before its revocation still verifies, offline, against the genesis alone.
    (tmp_path / "county-decision.txt").write_text("county decision")
    verified = run("verify", str(tmp_path / "county-decision.txt"), str(receipt), "--genesis", world["genesis"])
    assert verified.returncode == 0 and verified.stdout.startswith("VALID"), verified.stdout + verified.stderr


def test_anchor_bad_input(world, tmp_path):
    base = ["--node", world["node"].url, "--key", world["key"], "--agency", world["code"], "--kind", "permit"]
    one_line_error(run("anchor", str(tmp_path / "absent"), *base, passphrase=world["passphrase"]), "no such file")
    (tmp_path / "empty").mkdir()
    one_line_error(run("anchor", str(tmp_path / "empty"), *base, passphrase=world["passphrase"]), "no files")
    (tmp_path / "f").write_text("x")
    one_line_error(run("anchor", str(tmp_path / "f"), *base[:-1], "nonsense", passphrase=world["passphrase"]), "--kind")
    one_line_error(
        run("anchor", str(tmp_path / "f"), *base, "--receipts", str(tmp_path), passphrase=world["passphrase"]), "--wait"
    )
    one_line_error(run("anchor", str(tmp_path / "f"), *base, passphrase="wrong"), "wrong passphrase")
    # Empty or overlong text is refused, not dropped or hashed as given; a --receipts that is a file
    # is found before anything is anchored.
    head = world["node"].rpc("eth_blockNumber")
    for option, value in (("--stage", ""), ("--stage", "  "), ("--subject", ""), ("--subject", "案" * 1025)):
        refused = run("anchor", str(tmp_path / "f"), *base, option, value, passphrase=world["passphrase"])
        one_line_error(refused, option)
    into_a_file = ["--wait", "--receipts", str(tmp_path / "f")]
    one_line_error(run("anchor", str(tmp_path / "f"), *base, *into_a_file, passphrase=world["passphrase"]), "folder")
    assert world["node"].rpc("eth_blockNumber") == head  # nothing was anchored by any of them
    for salt in ({}, {"TIEZHENG_SUBJECT_SALT": "short"}):  # a case number is never sent unsalted
        case = ["--subject", "京执〔2026〕1号"]
        subject = run("anchor", str(tmp_path / "f"), *base, *case, passphrase=world["passphrase"], env=salt)
        one_line_error(subject, "TIEZHENG_SUBJECT_SALT")
    unreachable = ["--node", f"http://127.0.0.1:{free_port()}", *base[2:]]
    one_line_error(run("anchor", str(tmp_path / "f"), *unreachable, passphrase=world["passphrase"]), "cannot reach")
    one_line_error(run("status", "DEV-000000-00", "--node", world["node"].url), "typo")
    missing = run("status", "DEV-00ZZZZ-" + "00", "--node", world["node"].url)
    assert missing.returncode in (1, 2)
    from tiezheng.evidence_id import EvidenceId

    unknown = str(EvidenceId("DEV", 999_999))
    assert run("status", unknown, "--node", world["node"].url).returncode == 1
    one_line_error(run("receipt", unknown, "--node", world["node"].url, "--out", str(tmp_path / "x.tzr")), "not-found")


def test_offline_court_path_after_the_node_stops(world, anchored, tmp_path):
    assert world["node"].stop() == 0
    genesis = world["genesis"]
    for path, evidence_id in anchored["ids"].items():
        result = run("verify", str(path), str(anchored["receipts"][path]), "--genesis", genesis)
        assert result.returncode == 0, result.stdout
        assert result.stdout.startswith(f"VALID  {evidence_id}")

    path = world["files"][1]
    receipt = anchored["receipts"][path]
    changed = tmp_path / path.name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    result = run("verify", str(changed), str(receipt), "--genesis", genesis)
    assert result.returncode == 1 and result.stdout.startswith("INVALID  failed check: digest")

    rendered = json.loads(_render_json(receipt))
    for name, mutate in (
        ("inclusion", lambda r: _flip_b64(r, "inclusion", 0) if r["inclusion"]["b64"] else None),
        ("seals", lambda r: _flip_b64(r["seals"][0], 1, 20)),  # a seal is [validator, sig]
        ("seals", lambda r: _replace_header_time(r)),
    ):
        tampered = json.loads(json.dumps(rendered))
        if mutate(tampered) is False:
            continue
        target = tmp_path / f"tampered-{name}.json"
        target.write_text(json.dumps(tampered))
        result = run("verify", str(path), str(target), "--genesis", genesis)
        assert result.returncode == 1, (name, result.stdout)
        assert result.stdout.startswith(f"INVALID  failed check: {name}"), (name, result.stdout)


def _dev_agency_args(node: NodeProcess) -> list[str]:
    agency = node.accounts()["agency"]
    key = str(node.data_dir / agency["sm2_keystore"])
    return ["--node", node.url, "--key", key, "--agency", agency["agency_code"], "--kind", "document"]


def test_each_envelope_is_proven_before_the_next_and_copies_share_a_record(tmp_path):
    """With --wait, a batch's receipts are written before the next batch is sent; identical files are one record."""
    node = NodeProcess(tmp_path / "data", extra_args=["--block-interval-ms", "200"]).start()
    try:
        folder = tmp_path / "卷"
        folder.mkdir()
        for i in range(300):  # hashed in a few milliseconds: many copies' statements are identical
            (folder / f"a{i:03}.txt").write_text("one notice, copied")
        for i in range(50):
            (folder / f"b{i:03}.txt").write_text(f"distinct {i}")
        (folder / "a000.txt.tzr").write_bytes(b"an earlier receipt: a proof, not a record")
        result = run(
            "anchor", str(folder), *_dev_agency_args(node), "--batch-size", "100", "--wait",
            "--receipts", str(tmp_path / "r"), passphrase=node.accounts()["agency"]["passphrase"],
        )  # fmt: skip
        assert result.returncode == 0, result.stderr + node.log()[-2000:]
        printed = dict(reversed(line.split("  ", 1)) for line in result.stdout.splitlines())
        names = sorted(Path(p).name for p in printed)
        assert names == [f"a{i:03}.txt" for i in range(300)] + [f"b{i:03}.txt" for i in range(50)]  # no .tzr
        assert len({printed[str(folder / f"a{i:03}.txt")] for i in range(300)}) < 300  # copies shared records
        from tiezheng.receipt import Receipt

        def height(name: str) -> int:
            return ConsensusHeader.from_cbor(Receipt.load(tmp_path / "r" / "卷" / f"{name}.tzr").header).height

        envelopes = [[f"a{i:03}.txt" for i in range(k, k + 100)] for k in (0, 100, 200)]
        envelopes.append([f"b{i:03}.txt" for i in range(50)])
        heights = [{height(name) for name in envelope} for envelope in envelopes]
        for earlier, later in itertools.pairwise(heights):
            assert max(earlier) < min(later), heights  # each batch was proven before the next one was sent
        checked = run("verify", str(folder / "a042.txt"), str(tmp_path / "r" / "卷" / "a042.txt.tzr"),
                      "--genesis", str(node.data_dir / "genesis.json"))  # fmt: skip
        assert checked.returncode == 0 and checked.stdout.startswith("VALID"), checked.stdout
    finally:
        node.stop()


def test_a_run_that_gives_up_part_way_has_printed_what_was_accepted(tmp_path):
    """The node stays busy past --retry-for: the first batch's IDs are printed all the same, and are real."""
    node = NodeProcess(
        tmp_path / "data", extra_args=["--block-interval-ms", "60000", "--max-pending-records", "100"]
    ).start()
    try:
        passphrase = node.accounts()["agency"]["passphrase"]
        _seal_a_first_block(node, tmp_path, passphrase)
        folder = tmp_path / "卷"
        folder.mkdir()
        for i in range(150):
            (folder / f"f{i:03}.txt").write_text(f"record {i}")
        started = time.monotonic()
        result = run(
            "anchor", str(folder), *_dev_agency_args(node), "--batch-size", "100", "--retry-for", "2",
            passphrase=passphrase,
        )  # fmt: skip
        one_line_error(result, "[busy]")  # 100 pending, 50 more refused until the next block
        assert 2 <= time.monotonic() - started < 30
        lines = [line.split("  ", 1) for line in result.stdout.splitlines()]
        assert [Path(p).name for _, p in lines] == [f"f{i:03}.txt" for i in range(100)]
        for evidence_id, _ in lines[:3]:
            status = run("status", evidence_id, "--node", node.url)
            assert status.returncode == 0 and "accepted" in status.stdout, status.stdout
        assert httpx.get(node.url + "/healthz").json()["pending_records"] == 100
    finally:
        node.stop()


def test_a_node_gone_during_wait_is_reported_with_what_was_accepted(tmp_path):
    """The IDs printed stand: the error says how many, and how to fetch their receipts, not to anchor again."""
    node = NodeProcess(tmp_path / "data", extra_args=["--block-interval-ms", "60000"]).start()
    try:
        passphrase = node.accounts()["agency"]["passphrase"]
        _seal_a_first_block(node, tmp_path, passphrase)
        folder = tmp_path / "卷"
        folder.mkdir()
        for name in ("a.txt", "b.txt"):
            (folder / name).write_text(f"record {name}")
        (tmp_path / "single.txt").write_text("one file, one signed statement")
        environment = {k: v for k, v in os.environ.items() if k != "TIEZHENG_PASSPHRASE"}
        environment["TIEZHENG_PASSPHRASE"] = passphrase
        command = [TIEZHENG, "anchor", *_dev_agency_args(node), "--wait"]
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, "env": environment}
        runs = [subprocess.Popen([*command, path], **pipes) for path in (str(folder), str(tmp_path / "single.txt"))]
        # Each prints its lines once accepted, before the block that proves them (a minute away).
        printed = [
            [process.stdout.readline() for _ in range(count)] for process, count in zip(runs, (2, 1), strict=True)
        ]
        assert all(line.count("  ") == 1 for lines in printed for line in lines), printed
        node.kill()
        for process, total in zip(runs, (2, 1), strict=True):
            _, error = process.communicate(timeout=60)
            result = subprocess.CompletedProcess(process.args, process.returncode, "", error)
            one_line_error(result, f"{total} of {total} record(s) were accepted before that")
            assert "tiezheng receipt ID --node URL --out FILE" in error and "do not anchor them again" in error
            assert "find_by_digest" not in error and error.rstrip().endswith("[unreachable]"), error
        evidence_id = printed[1][0].split()[0]
        for args in (["status", evidence_id], ["receipt", evidence_id, "--out", str(tmp_path / "r.tzr")]):
            result = run(*args, "--node", node.url)
            one_line_error(result, f"cannot reach the node at {node.url}")  # and nothing about a submission:
            assert "submission" not in result.stderr and result.stderr.rstrip().endswith("[unreachable]")
        nothing = run("anchor", str(tmp_path / "first"), *_dev_agency_args(node), passphrase=passphrase)
        one_line_error(nothing, "no record was confirmed accepted")
    finally:
        node.stop()


def _seal_a_first_block(node: NodeProcess, folder: Path, passphrase: str) -> None:
    """Anchor one file and wait for its block: with a minute's block interval, the next block is a minute away."""
    (folder / "first").write_text("sealed at once: the next block is a minute away")
    assert run("anchor", str(folder / "first"), *_dev_agency_args(node), passphrase=passphrase).returncode == 0
    deadline = time.monotonic() + 10
    while httpx.get(node.url + "/healthz").json()["height"] < 1:
        assert time.monotonic() < deadline, "the first block was not sealed"
        time.sleep(0.1)


def _render_json(receipt: Path) -> str:
    from tiezheng.receipt import Receipt

    return Receipt.load(receipt).to_json()


def _flip_b64(item: dict | list, key: str | int, position: int) -> None:
    raw = bytearray(base64.b64decode(item[key]["b64"]))
    raw[position] ^= 1
    item[key]["b64"] = base64.b64encode(bytes(raw)).decode()


def _replace_header_time(receipt: dict) -> None:
    from tiezheng import cbor
    from tiezheng.header import FIELDS_V2

    header = cbor.decode(base64.b64decode(receipt["header"]["b64"]), max_size=4096)
    header[FIELDS_V2.index("time")] += 1
    receipt["header"]["b64"] = base64.b64encode(cbor.encode(header)).decode()
