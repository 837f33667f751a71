from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng import cbor
from tiezheng.batch import BatchEnvelope
from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.header import ConsensusHeader, Seal
from tiezheng.receipt import Receipt
from tiezheng.signed_statement import SignedStatement
from tiezheng.signing import Cosigner
from tiezheng.verifier import CHECKS, verify_receipt, verify_receipt_file

from .support.toychain import ToyChain, make_genesis, statement_for

RECORD = "现场执法记录 2026-11-23 第 7 号".encode() * 40


@pytest.fixture(scope="module")
def agency_key() -> SM2PrivateKey:
    return SM2PrivateKey.generate()


@pytest.fixture(scope="module")
def chain(agency_key) -> ToyChain:
    chain = ToyChain([SM2PrivateKey.generate() for _ in range(4)])
    for i in range(5):
        chain.submit(SignedStatement.sign(statement_for(agency_key, b"filler %d" % i), agency_key))
    official, notary = SM2PrivateKey.generate(), SM2PrivateKey.generate()
    named = (Cosigner.of(official, "official"), Cosigner.of(notary, "notary"))
    statement = statement_for(agency_key, RECORD, kind="enforcement-record", cosigners=named)
    chain.submit(SignedStatement.sign(statement, agency_key).cosign(official, "official").cosign(notary, "notary"))
    chain.seal_block()
    statements = [statement_for(agency_key, b"batch record %d" % i) for i in range(37)]
    chain.submit_batch(BatchEnvelope.build(statements, agency_key, time=1))
    chain.seal_block()
    return chain


def failed(verdict) -> str | None:
    return verdict.failed.name if verdict.failed else None


def test_direct_receipt_is_valid(chain):
    verdict = verify_receipt(chain.receipt(5), chain.genesis, digest=sm3(RECORD))
    assert verdict.valid, verdict.checks
    assert [c.name for c in verdict.checks] == list(CHECKS)
    assert verdict.evidence_id == "TST-000005-" + verdict.evidence_id[-2:]
    assert verdict.statement.kind == "enforcement-record"
    assert verdict.sealed_by == ("validator-0", "validator-1", "validator-2")


def test_batch_receipt_is_valid_and_later_heads_work(chain):
    index = 6 + 20
    assert verify_receipt(chain.receipt(index), chain.genesis, digest=sm3(b"batch record 20")).valid
    # A receipt for an early record may use a later block's tree head.
    assert verify_receipt(chain.receipt(5, at_height=2), chain.genesis, digest=sm3(RECORD)).valid


def test_receipt_survives_cbor_and_json(chain, tmp_path):
    receipt = chain.receipt(5)
    assert Receipt.from_cbor(receipt.to_cbor()) == receipt
    assert Receipt.from_json(receipt.to_json()) == receipt
    (tmp_path / "r.tzr").write_bytes(receipt.to_cbor())
    (tmp_path / "r.json").write_text(receipt.to_json())
    (tmp_path / "record").write_bytes(RECORD)
    for name in ("r.tzr", "r.json"):
        assert verify_receipt_file(tmp_path / name, chain.genesis, record=tmp_path / "record").valid


def test_a_saved_receipt_is_never_written_over_another_file_unless_asked(chain, tmp_path):
    from tiezheng.errors import TiezhengError

    first, second = chain.receipt(5), chain.receipt(6)
    first.save(tmp_path / "r.tzr")
    with pytest.raises(TiezhengError) as refused:
        second.save(tmp_path / "r.tzr")
    assert refused.value.code == "exists" and "overwrite=True" in refused.value.message
    assert Receipt.from_cbor((tmp_path / "r.tzr").read_bytes()) == first
    second.save(tmp_path / "r.tzr", overwrite=True)
    assert Receipt.from_cbor((tmp_path / "r.tzr").read_bytes()) == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.tzr"]  # no temporary file left beside it


def test_file_changed_by_one_byte(chain):
    changed = bytearray(RECORD)
    changed[100] ^= 1
    verdict = verify_receipt(chain.receipt(5), chain.genesis, digest=sm3(bytes(changed)))
    assert failed(verdict) == "digest" and verdict.record_checked  # compared, and found other


def test_without_a_file_the_rest_still_verifies(chain):
    verdict = verify_receipt(chain.receipt(5), chain.genesis)
    assert verdict.valid and not verdict.record_checked  # valid for the receipt; the record is unknown
    assert "not compared" in next(c for c in verdict.checks if c.name == "digest").detail
    assert verify_receipt(chain.receipt(5), chain.genesis, digest=sm3(RECORD)).record_checked


def _flip(data: bytes, position: int) -> bytes:
    out = bytearray(data)
    out[position] ^= 0x01
    return bytes(out)


def test_tampered_statement_digest(chain):
    receipt = chain.receipt(5)
    value = cbor.decode(receipt.statement, max_size=4096)
    value["digest"] = _flip(value["digest"], 0)
    tampered = dataclasses.replace(receipt, statement=cbor.encode(value))
    assert failed(verify_receipt(tampered, chain.genesis)) == "signatures"
    assert failed(verify_receipt(tampered, chain.genesis, digest=sm3(RECORD))) == "digest"


@pytest.mark.parametrize("which", [0, 1, 2])
def test_tampered_signature_or_cosignature(chain, which):
    receipt = chain.receipt(5)
    signatures = list(receipt.signatures)
    signatures[which] = dataclasses.replace(signatures[which], value=_flip(signatures[which].value, 10))
    verdict = verify_receipt(dataclasses.replace(receipt, signatures=tuple(signatures)), chain.genesis)
    assert failed(verdict) == "signatures"
    assert ("bad-agency-signature" if which == 0 else "bad-cosignature") in verdict.failed.detail


def test_statement_signed_by_another_key(chain):
    receipt = chain.receipt(5)
    impostor = SM2PrivateKey.generate()
    forged = dataclasses.replace(
        receipt.signatures[0], public_key=impostor.public_key(), value=impostor.sign(receipt.statement)
    )
    verdict = verify_receipt(dataclasses.replace(receipt, signatures=(forged,)), chain.genesis)
    assert failed(verdict) == "signatures" and "agency-key-mismatch" in verdict.failed.detail


def test_tampered_batch_path(chain):
    receipt = chain.receipt(6 + 3)
    batch = dataclasses.replace(receipt.batch, path=(_flip(receipt.batch.path[0], 31), *receipt.batch.path[1:]))
    assert failed(verify_receipt(dataclasses.replace(receipt, batch=batch), chain.genesis)) == "batch-path"


def test_tampered_inclusion_proof(chain):
    receipt = chain.receipt(5)
    inclusion = (receipt.inclusion[0], _flip(receipt.inclusion[1], 7), *receipt.inclusion[2:])
    assert failed(verify_receipt(dataclasses.replace(receipt, inclusion=inclusion), chain.genesis)) == "inclusion"


def test_tampered_tree_head(chain):
    receipt = chain.receipt(5)
    header = ConsensusHeader.from_cbor(receipt.header)
    for change in ({"log_root": _flip(header.log_root, 0)}, {"log_size": header.log_size + 1}):
        tampered = dataclasses.replace(receipt, header=dataclasses.replace(header, **change).to_cbor())
        assert failed(verify_receipt(tampered, chain.genesis)) in ("inclusion", "seals")
    later = dataclasses.replace(receipt, header=dataclasses.replace(header, time=header.time + 1).to_cbor())
    assert failed(verify_receipt(later, chain.genesis)) == "seals"


def test_tampered_seal_and_missing_quorum(chain):
    receipt = chain.receipt(5)
    seals = list(receipt.seals)
    seals[1] = Seal(seals[1].validator, _flip(seals[1].signature, 12))
    verdict = verify_receipt(dataclasses.replace(receipt, seals=tuple(seals)), chain.genesis)
    assert failed(verdict) == "seals" and "bad-seal" in verdict.failed.detail
    verdict = verify_receipt(dataclasses.replace(receipt, seals=receipt.seals[:2]), chain.genesis)
    assert failed(verdict) == "seals" and "no-quorum" in verdict.failed.detail
    duplicated = (receipt.seals[0], receipt.seals[0], receipt.seals[1])
    assert failed(verify_receipt(dataclasses.replace(receipt, seals=duplicated), chain.genesis)) == "seals"


def test_seals_by_outsiders_do_not_count(chain):
    receipt = chain.receipt(5)
    outsider = SM2PrivateKey.generate()
    seals = (*receipt.seals[:2], Seal(3, outsider.sign(receipt.header)))
    assert failed(verify_receipt(dataclasses.replace(receipt, seals=seals), chain.genesis)) == "seals"


def test_another_genesis_is_refused(chain):
    other = make_genesis([SM2PrivateKey.generate()])
    assert failed(verify_receipt(chain.receipt(5), other)) == "genesis"
    same_code = make_genesis([SM2PrivateKey.generate()], chain_code="TST")
    assert failed(verify_receipt(chain.receipt(5), same_code)) == "genesis"


def test_mistyped_evidence_id(chain):
    receipt = chain.receipt(5)
    typo = receipt.evidence_id[:-4] + ("1" if receipt.evidence_id[-4] != "1" else "2") + receipt.evidence_id[-3:]
    verdict = verify_receipt(dataclasses.replace(receipt, evidence_id=typo), chain.genesis)
    assert failed(verdict) == "evidence-id" and "typo" in verdict.failed.detail
    from tiezheng.evidence_id import EvidenceId

    other_leaf = str(EvidenceId("TST", 4))
    assert failed(verify_receipt(dataclasses.replace(receipt, evidence_id=other_leaf), chain.genesis)) == "evidence-id"


def test_validator_set_hand_over():
    agency = SM2PrivateKey.generate()
    first, second = [SM2PrivateKey.generate() for _ in range(4)], [SM2PrivateKey.generate() for _ in range(7)]
    chain = ToyChain(first)
    chain.submit(SignedStatement.sign(statement_for(agency, b"before"), agency))
    chain.seal_block(next_keys=second)
    chain.submit(SignedStatement.sign(statement_for(agency, b"after"), agency))
    chain.seal_block()
    before, after = chain.receipt(0), chain.receipt(1)
    assert verify_receipt(before, chain.genesis).valid
    verdict = verify_receipt(after, chain.genesis)
    assert verdict.valid, verdict.checks
    assert len(verdict.validators) == 7 and len(after.seals) == 5
    assert failed(verify_receipt(dataclasses.replace(after, transitions=()), chain.genesis)) == "header"
    transition = after.transitions[0]
    forged = dataclasses.replace(
        transition, sealed=dataclasses.replace(transition.sealed, seals=transition.sealed.seals[:1])
    )
    assert failed(verify_receipt(dataclasses.replace(after, transitions=(forged,)), chain.genesis)) == "validator-set"


def test_single_validator_dev_chain():
    agency = SM2PrivateKey.generate()
    chain = ToyChain([SM2PrivateKey.generate()])
    chain.submit(SignedStatement.sign(statement_for(agency, b"x"), agency))
    chain.seal_block()
    assert verify_receipt(chain.receipt(0), chain.genesis).valid


@settings(max_examples=300)
@given(st.binary(max_size=600))
def test_garbage_receipts_give_a_verdict_not_an_exception(data):
    verdict = verify_receipt(data, make_genesis_cached())
    assert not verdict.valid and verdict.failed is not None


@settings(max_examples=200)
@given(st.data())
def test_any_byte_flip_in_a_receipt_is_never_valid(chain, data):
    encoded = bytearray(chain.receipt(5).to_cbor())
    position = data.draw(st.integers(0, len(encoded) - 1))
    encoded[position] ^= 1 << data.draw(st.integers(0, 7))
    verdict = verify_receipt(bytes(encoded), chain.genesis, digest=sm3(RECORD))
    assert not verdict.valid


_GENESIS: list[Genesis] = []


def make_genesis_cached() -> Genesis:
    if not _GENESIS:
        _GENESIS.append(make_genesis([SM2PrivateKey.generate()]))
    return _GENESIS[0]


def test_a_certificate_names_the_validators_that_sealed_after_a_hand_over(monkeypatch):
    from tests.support import toychain
    from tiezheng.certificate import facts

    made = toychain.make_genesis

    def named(keys, chain_code="TST", chain_id=4242):
        document = dict(made(keys, chain_code, chain_id).document)
        document["validators"] = [dict(v, name=f"genesis-node-{n}") for n, v in enumerate(document["validators"])]
        return Genesis.from_document(document)

    monkeypatch.setattr(toychain, "make_genesis", named)
    chain = toychain.ToyChain([SM2PrivateKey.generate() for _ in range(4)])
    chain.seal_block(next_keys=[SM2PrivateKey.generate() for _ in range(4)])  # a wholly new set
    agency = SM2PrivateKey.generate()
    index = chain.submit(SignedStatement.sign(toychain.statement_for(agency, b"after the hand-over"), agency))
    chain.seal_block()
    receipt = chain.receipt(index)
    verdict = verify_receipt(receipt, chain.genesis)
    assert verdict.valid and len(verdict.sealed_by) >= 3
    shown = facts(receipt, chain.genesis, "https://verify.example/verify")
    assert shown.sealed_by == list(verdict.sealed_by)
    assert not any(name.startswith("genesis-node-") for name in shown.sealed_by)  # those keys sealed nothing here
