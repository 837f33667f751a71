"""`tiezheng log check` against a real node: an auditor's checkpoint moves forward while the log only grows,
and a head the validators sealed for another history is caught and kept as evidence."""

from __future__ import annotations

import base64
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import DevAgency
from tests.support.canned_http import canned_server
from tests.support.toychain import ToyChain
from tiezheng import Client
from tiezheng.checkpoint import Checkpoint
from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey, keystore, sm3
from tiezheng.header import Seal, SealedHeader

TIEZHENG = str(Path(sys.executable).parent / "tiezheng")


def tiezheng(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TIEZHENG, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def genesis_file(dev_node) -> str:
    return str(dev_node.data_dir / "genesis.json")


def anchor(dev_node, agency: DevAgency, record: bytes) -> None:
    with Client(dev_node.url, key=agency.key, agency=agency.code) as client:
        client.anchor(record, "permit", wait=True)


def check(dev_node, genesis_file: str, checkpoint: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return tiezheng("log", "check", str(checkpoint), "--node", dev_node.url, "--genesis", genesis_file, *extra)


def forged(dev_node, checkpoint: Checkpoint, **changes: object) -> Checkpoint:
    """A head sealed by the dev chain's own validator key, but for another history: what a monitor must catch."""
    account = dev_node.accounts()["validator"]
    key = keystore.load(dev_node.data_dir / account["sm2_keystore"], account["passphrase"])
    header = dataclasses.replace(checkpoint.header, **changes)
    header_bytes = header.to_cbor()
    return Checkpoint.from_sealed(SealedHeader(header_bytes, (Seal.create(key, 0, header_bytes),)))


def test_the_checkpoint_follows_a_growing_log(dev_node, agency, genesis_file, tmp_path):
    anchor(dev_node, agency, b"first record for the auditor")
    checkpoint = tmp_path / "auditor.tzh"
    first = check(dev_node, genesis_file, checkpoint)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("APPEND-ONLY  nothing → block ") and "first checkpoint" in first.stdout
    kept = Checkpoint.from_cbor(checkpoint.read_bytes())
    kept.verify(Genesis.load(genesis_file))

    anchor(dev_node, agency, b"second record for the auditor")
    later = check(dev_node, genesis_file, checkpoint, "--json")
    assert later.returncode == 0, later.stderr
    outcome = json.loads(later.stdout)
    assert outcome["append_only"] is True and outcome["outcome"] == "append-only"
    assert outcome["checkpoint"]["height"] == kept.height and outcome["head"]["size"] > kept.size
    moved = Checkpoint.from_cbor(checkpoint.read_bytes())
    assert (moved.height, moved.size) == (outcome["head"]["height"], outcome["head"]["size"])

    shown = tiezheng("log", "show", str(checkpoint), "--genesis", genesis_file)
    assert shown.returncode == 0 and f"block      {moved.height}" in shown.stdout
    assert f"{moved.size} records" in shown.stdout and "dev-validator" in shown.stdout


def test_no_update_keeps_the_checkpoint(dev_node, agency, genesis_file, tmp_path):
    checkpoint = tmp_path / "kept.tzh"
    assert check(dev_node, genesis_file, checkpoint).returncode == 0
    before = checkpoint.read_bytes()
    anchor(dev_node, agency, b"a record after the kept checkpoint")
    result = check(dev_node, genesis_file, checkpoint, "--no-update")
    assert result.returncode == 0 and checkpoint.read_bytes() == before


def test_a_rewritten_history_is_caught_and_both_heads_kept(dev_node, agency, genesis_file, tmp_path):
    anchor(dev_node, agency, b"a record some would rather rewrite")
    honest = tmp_path / "honest.tzh"
    assert check(dev_node, genesis_file, honest, "--no-update").returncode == 0
    kept = Checkpoint.from_cbor(honest.read_bytes())
    anchor(dev_node, agency, b"a record after the head was kept")

    # The auditor's checkpoint came from a history whose records differ from the node's: the node's
    # later head cannot extend it.
    rewritten = tmp_path / "rewritten.tzh"
    kept_forgery = forged(dev_node, kept, log_root=sm3(b"another history")).to_cbor()
    rewritten.write_bytes(kept_forgery)
    result = check(dev_node, genesis_file, rewritten)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("NOT APPEND-ONLY") and "[inconsistent]" in result.stdout
    conflict = list(tmp_path.glob("rewritten.tzh.conflict-*.tzh"))
    assert len(conflict) == 1
    Checkpoint.from_cbor(conflict[0].read_bytes()).verify(Genesis.load(genesis_file))
    assert rewritten.read_bytes() == kept_forgery  # a failed check never moves the checkpoint

    # Two different headers sealed for the node's current height (the node seals only when there is work,
    # so its head stays put): a fork.
    current = Client(dev_node.url).tree_head()
    fork = tmp_path / "fork.tzh"
    fork.write_bytes(forged(dev_node, current, execution=sm3(b"another block")).to_cbor())
    result = check(dev_node, genesis_file, fork, "--json")
    outcome = json.loads(result.stdout)
    assert result.returncode == 1 and outcome["outcome"] == "fork" and not outcome["append_only"]

    # A checkpoint ahead of the node: the node went back.
    ahead = tmp_path / "ahead.tzh"
    ahead.write_bytes(forged(dev_node, current, height=current.height + 1000).to_cbor())
    result = check(dev_node, genesis_file, ahead)
    assert result.returncode == 1 and "[older-head]" in result.stdout


def test_checkpoints_that_cannot_be_used_are_one_line_errors(dev_node, genesis_file, tmp_path):
    garbage = tmp_path / "garbage.tzh"
    garbage.write_bytes(b"not a checkpoint")
    other = tmp_path / "other.tzh"
    current = Client(dev_node.url).tree_head()
    stranger = SM2PrivateKey.generate()
    sealed_by_a_stranger = SealedHeader(current.sealed.header, (Seal.create(stranger, 0, current.sealed.header),))
    other.write_bytes(Checkpoint.from_sealed(sealed_by_a_stranger).to_cbor())
    for path, reason in ((garbage, "bad-checkpoint"), (other, "not a head of this chain")):
        result = check(dev_node, genesis_file, path)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and reason in lines[0], result.stderr
    unreachable = tiezheng("log", "check", str(tmp_path / "x.tzh"), "--node", "http://127.0.0.1:9", "--genesis",
                           genesis_file)  # fmt: skip
    assert unreachable.returncode == 2 and "[unreachable]" in unreachable.stderr
    assert not (tmp_path / "x.tzh").exists()


def head_answer(chain: ToyChain, sealed: SealedHeader) -> bytes:
    """``GET /v1/log/head`` as a node of ``chain`` answers it, ``sealed`` being its latest block."""
    head = {
        "chain_id": chain.genesis.chain_id,
        "size": chain.log.size,
        "root": chain.log.root().hex(),
        "height": len(chain.blocks),
        "block_hash": sm3(sealed.header).hex(),
        "time": 0,
        "header": base64.b64encode(sealed.header).decode(),
        "seals": [
            {"validator": s.validator, "name": "v", "signature": base64.b64encode(s.signature).decode()}
            for s in sealed.seals
        ],
    }
    return json.dumps(head).encode()


def check_a_canned_node(answers: dict[str, bytes], genesis_file: Path, checkpoint: Path) -> subprocess.CompletedProcess:
    """``log check`` against a server giving these answers (any other path: 404), as a node that lies might."""
    with canned_server() as server:
        for path, body in answers.items():
            server.answer(path, body)
        return tiezheng("log", "check", str(checkpoint), "--node", server.url, "--genesis", str(genesis_file))


def test_a_head_not_sealed_by_the_genesis_validators_fails_the_check(tmp_path):
    # A server answering with a head that a quorum of the genesis validators did not seal: another
    # chain's validators signed it, or the answering server made it up. It names the trusted genesis
    # as its own, or cannot say which is its own: either way its head is judged.
    trusted, impostor = ToyChain([SM2PrivateKey.generate()]), ToyChain([SM2PrivateKey.generate()])
    impostor.log.append(b"a record")
    head = head_answer(impostor, impostor.seal_block())
    genesis_file = tmp_path / "genesis.json"
    genesis_file.write_text(json.dumps(trusted.genesis.document))
    named = json.dumps({"document": trusted.genesis.document}).encode()
    for case, answers in (("named", {"/v1/genesis": named}), ("unnamed", {})):
        checkpoint = tmp_path / f"{case}.tzh"
        result = check_a_canned_node({**answers, "/v1/log/head": head}, genesis_file, checkpoint)
        assert result.returncode == 1 and "[not-sealed]" in result.stdout and "validator set" in result.stdout, case
        assert not checkpoint.exists()
        assert (tmp_path / f"{case}.tzh.conflict-1.tzh").exists()


def test_a_sealed_fork_is_judged_whatever_genesis_its_node_names(tmp_path):
    # The validators sealed two histories at one height. What the node says of its genesis must not spare
    # that head: the seals, not the node's word, say which chain it belongs to.
    key = SM2PrivateKey.generate()
    consistency = json.dumps({"old_size": 1, "new_size": 1, "proof": []}).encode()
    for case in ("renamed", "true"):
        honest, forked = ToyChain([key]), ToyChain([key])
        honest.log.append(b"the record as it was")
        forked.log.append(b"the record as some would rather have it")
        genesis_file = tmp_path / f"{case}-genesis.json"
        genesis_file.write_text(json.dumps(honest.genesis.document))
        named = honest.genesis.document if case == "true" else {**honest.genesis.document, "name": "another"}
        answers = {"/v1/genesis": json.dumps({"document": named}).encode(), "/v1/log/proof/consistency": consistency}
        checkpoint = tmp_path / f"{case}.tzh"
        first = check_a_canned_node({**answers, "/v1/log/head": head_answer(honest, honest.seal_block())},
                                    genesis_file, checkpoint)  # fmt: skip
        assert first.returncode == 0, first.stderr
        result = check_a_canned_node({**answers, "/v1/log/head": head_answer(forked, forked.seal_block())},
                                     genesis_file, checkpoint)  # fmt: skip
        assert result.returncode == 1 and "[fork]" in result.stdout, (case, result.stdout, result.stderr)
        assert (tmp_path / f"{case}.tzh.conflict-1.tzh").exists(), case


def test_a_node_of_another_chain_is_refused_not_judged(dev_node, tmp_path):
    # A wrong --node (or --genesis): the node names another genesis and its head is not sealed by this
    # genesis's validators. A check that could not be made (exit 2), and nothing is written.
    other = tmp_path / "other-genesis.json"
    other.write_text(json.dumps(ToyChain([SM2PrivateKey.generate()]).genesis.document))
    checkpoint = tmp_path / "auditor.tzh"
    result = tiezheng("log", "check", str(checkpoint), "--node", dev_node.url, "--genesis", str(other))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and lines[0].endswith("[wrong-chain]"), result.stderr
    assert "check --node and --genesis" in lines[0] and result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-genesis.json"]  # no checkpoint, no conflict
