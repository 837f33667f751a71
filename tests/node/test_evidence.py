"""The evidence service on a real in-process node: admission, reservation, blocks, receipts, restarts."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.nodekit import LocalChain
from tests.support.toychain import statement_for
from tiezheng import cbor
from tiezheng.batch import BatchEnvelope, BatchHeader
from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.header import VERSION as HEADER_VERSION
from tiezheng.header import ConsensusHeader
from tiezheng.merkle import leaf_hash, rfc9162
from tiezheng.receipt import VERSION as RECEIPT_VERSION
from tiezheng.signed_statement import SignedStatement
from tiezheng.signing import Cosigner, Signature, cosigners_to_value
from tiezheng.statement import Statement
from tiezheng.verifier import verify_receipt
from tiezheng_node.evidence.admission import EvidenceRejected
from tiezheng_node.evidence.pending import PoolFull, SubmissionTooLarge
from tiezheng_node.execution.addresses import AGENCY_REGISTRY, EVIDENCE_REGISTRY
from tiezheng_node.node import Node
from tiezheng_node.store import StoreError


def signed(chain, record: bytes, **fields) -> SignedStatement:
    return SignedStatement.sign(
        statement_for(chain.agency_key, record, agency=chain.agency_code, **fields), chain.agency_key
    )


def submit(chain, data: bytes):
    node = chain if isinstance(chain, Node) else chain.node
    accepted = node.evidence.accept(node.evidence.admission.signed_statement(data))
    accepted.durable.result(timeout=10)
    return accepted


def submit_envelope(chain, envelope: BatchEnvelope):
    accepted = chain.node.evidence.accept(chain.node.evidence.admission.envelope(envelope.to_cbor()))
    accepted.durable.result(timeout=10)
    return accepted


def test_accept_then_prove_then_verify_offline(chain):
    record = "行政处罚决定书".encode() * 50
    accepted = submit(chain, signed(chain, record).to_cbor())
    assert accepted.indexes == [0] and accepted.new == [True]
    view = chain.node.evidence.view(0)
    assert view.status == "accepted" and view.block is None
    block = chain.node.produce_block()
    assert block.records == 1 and block.sealed.header.log_size == 1
    view = chain.node.evidence.view(0)
    assert view.status == "proven" and view.block.height == block.sealed.height
    receipt = chain.node.evidence.receipt(0)
    verdict = verify_receipt(receipt, chain.genesis, digest=sm3(record))
    assert verdict.valid, verdict.checks
    assert verdict.evidence_id == view.evidence_id


def test_resubmission_returns_the_same_id_and_appends_nothing(chain):
    data = signed(chain, b"once").to_cbor()
    first = submit(chain, data)
    again = submit(chain, data)
    assert again.indexes == first.indexes and again.new == [False]
    chain.node.produce_block()
    after = submit(chain, data)
    assert after.indexes == first.indexes and after.new == [False]
    assert chain.node.evidence.log.size == 1
    assert chain.node.produce_block() is None


def test_a_statement_logged_between_its_admission_and_its_reservation_is_not_logged_twice(chain):
    data = signed(chain, b"raced").to_cbor()
    statements = [statement_for(chain.agency_key, b"raced %d" % i, agency=chain.agency_code) for i in range(3)]
    envelope = BatchEnvelope.build(statements, chain.agency_key, time=1).to_cbor()
    evidence = chain.node.evidence
    # Two requests are admitted (checked, looked up: new) before either is reserved ...
    late_single = evidence.admission.signed_statement(data)
    late_batch = evidence.admission.envelope(envelope)
    # ... meanwhile the same statements come in again, are reserved and logged, and leave the pending pool.
    submit(chain, data)
    submit_envelope(chain, BatchEnvelope.build(statements[:2], chain.agency_key, time=2))
    chain.node.produce_block()
    assert evidence.log.size == 3
    single = evidence.accept(late_single)
    batch = evidence.accept(late_batch)
    batch.durable.result(timeout=10)
    assert single.indexes == [0] and single.new == [False]
    assert batch.indexes == [1, 2, 3] and batch.new == [False, False, True]
    chain.node.produce_block()
    assert evidence.log.size == 4


def test_batch_envelope_and_partial_duplicates(chain):
    statements = [statement_for(chain.agency_key, b"batch %d" % i, agency=chain.agency_code) for i in range(50)]
    first = submit_envelope(chain, BatchEnvelope.build(statements[:20], chain.agency_key, time=1))
    assert first.indexes == list(range(20))
    chain.node.produce_block()
    second = submit_envelope(chain, BatchEnvelope.build(statements, chain.agency_key, time=2))
    assert second.indexes[:20] == list(range(20)) and second.new == [False] * 20 + [True] * 30
    assert second.indexes[20:] == list(range(20, 50))
    chain.node.produce_block()
    for index in (0, 7, 19, 20, 35, 49):
        verdict = verify_receipt(chain.node.evidence.receipt(index), chain.genesis, digest=sm3(b"batch %d" % index))
        assert verdict.valid, (index, verdict.checks)
        assert next(c for c in verdict.checks if c.name == "batch-path").ok


def test_a_batchs_receipts_are_proved_from_one_build_of_its_tree(chain, monkeypatch):
    """Clients fetch a batch's receipts one after another: the batch tree is built once, not for each."""
    count = 300
    statements = [
        statement_for(chain.agency_key, b"one of many %d" % i, agency=chain.agency_code) for i in range(count)
    ]
    submit_envelope(chain, BatchEnvelope.build(statements, chain.agency_key, time=1))
    chain.node.produce_block()
    log = chain.node.evidence.log
    reads = []
    statements_of = log.statements
    monkeypatch.setattr(log, "statements", lambda *args: reads.append(args) or statements_of(*args))
    for index in range(count):
        verdict = verify_receipt(
            chain.node.evidence.receipt(index), chain.genesis, digest=sm3(b"one of many %d" % index)
        )
        assert verdict.valid, (index, verdict.checks)
    assert len(reads) == 1


@pytest.mark.parametrize(
    ("make", "code", "status"),
    [
        (lambda c: b"\xa1\x01", "bad-cbor", 400),
        (lambda c: signed(c, b"x").to_cbor()[:-3], "bad-cbor", 400),
        (
            lambda c: SignedStatement.sign(
                statement_for(c.agency_key, b"x", agency="NOT-REGISTERED"), c.agency_key
            ).to_cbor(),
            "unknown-agency",
            403,
        ),
        (lambda c: _impostor(c), "wrong-agency-key", 403),
        (lambda c: _bad_signature(c), "bad-agency-signature", 400),
        (lambda c: _bad_cosignature(c), "bad-cosignature", 400),
        (lambda c: _unnamed_cosignature(c), "undeclared-cosigner", 400),
        # Text that would read otherwise on a certificate: a right-to-left override, a zero-width space.
        (lambda c: signed(c, b"x", stage="\u202e审批签发").to_cbor(), "invisible-character", 400),
        (lambda c: signed(c, b"x", meta={"note": "a\u200bb"}).to_cbor(), "invisible-character", 400),
    ],
)
def test_rejections_name_the_problem_and_write_nothing(chain, make, code, status):
    before = chain.node.evidence.pending.next_index
    with pytest.raises(EvidenceRejected) as caught:
        chain.node.evidence.admission.signed_statement(make(chain))
    assert caught.value.code == code and caught.value.status == status
    assert chain.node.evidence.pending.next_index == before
    assert chain.node.produce_block() is None


def _impostor(chain) -> bytes:
    impostor = SM2PrivateKey.generate()
    return SignedStatement.sign(statement_for(impostor, b"x", agency=chain.agency_code), impostor).to_cbor()


def _bad_signature(chain) -> bytes:
    good = signed(chain, b"x")
    signature = good.signatures[0]
    tampered = type(signature)(
        signature.role, signature.public_key, signature.value[:-1] + bytes([signature.value[-1] ^ 1])
    )
    return SignedStatement(good.statement, (tampered,)).to_cbor()


def _bad_cosignature(chain) -> bytes:
    official = SM2PrivateKey.generate()
    good = signed(chain, b"x", cosigners=(Cosigner.of(official, "official"),)).cosign(official, "official")
    official = good.signatures[1]
    tampered = type(official)(official.role, official.public_key, good.signatures[0].value)
    return SignedStatement(good.statement, (good.signatures[0], tampered)).to_cbor()


def _unnamed_cosignature(chain) -> bytes:
    good = signed(chain, b"x")
    witness = Signature.create(SM2PrivateKey.generate(), good.statement.to_cbor(), "witness")
    return SignedStatement(good.statement, (*good.signatures, witness)).to_cbor()


def test_a_resubmission_cannot_add_or_drop_a_cosigner(chain):
    official = SM2PrivateKey.generate()
    named = signed(chain, b"co-signed", cosigners=(Cosigner.of(official, "official"),)).cosign(official, "official")
    first = submit(chain, named.to_cbor())
    for tampered, code in (
        (SignedStatement(named.statement, named.signatures[:1]), "missing-cosignature"),
        (_with_witness(named), "undeclared-cosigner"),
    ):
        with pytest.raises(EvidenceRejected) as caught:
            chain.node.evidence.admission.signed_statement(tampered.to_cbor())
        assert caught.value.code == code
    again = submit(chain, named.to_cbor())
    assert again.indexes == first.indexes and again.new == [False]


def _with_witness(signed_statement: SignedStatement) -> SignedStatement:
    witness = Signature.create(SM2PrivateKey.generate(), signed_statement.statement.to_cbor(), "witness")
    return SignedStatement(signed_statement.statement, (*signed_statement.signatures, witness))


_OFFICIAL_KEY: Final = SM2PrivateKey.generate()
_OFFICIAL: Final = (Cosigner.of(_OFFICIAL_KEY, "official"),)


def _cosigned_header_over(chain, statements: list[Statement], *, named_in_statements) -> BatchEnvelope:
    """An envelope whose header names and is signed by an official, its statements naming ``named_in_statements``
    (the SDK refuses to build one where they differ)."""
    encoded = [replace(s, cosigners=named_in_statements).to_cbor() for s in statements]
    key_id = chain.agency_key.public_key().key_id
    root = rfc9162.root(encoded)
    header = BatchHeader(chain.agency_code, key_id, root, len(encoded), 1, cosigners=_OFFICIAL).to_cbor()
    signatures = (
        Signature.create(chain.agency_key, header, "agency"),
        Signature.create(_OFFICIAL_KEY, header, "official"),
    )
    return BatchEnvelope(header, signatures, tuple(encoded))


def test_envelope_rejections(chain):
    statements = [statement_for(chain.agency_key, b"r %d" % i, agency=chain.agency_code) for i in range(3)]
    envelope = BatchEnvelope.build(statements, chain.agency_key, time=1)
    wrong_root = BatchEnvelope(
        envelope.header,
        envelope.signatures,
        (*envelope.statements[:2], statement_for(chain.agency_key, b"other", agency=chain.agency_code).to_cbor()),
    )
    hidden = statement_for(chain.agency_key, b"h", agency=chain.agency_code, meta={"note": "\u2066x\u2069"})
    for bad, code in (
        (wrong_root, "bad-batch-root"),
        (BatchEnvelope(envelope.header, (), envelope.statements), "missing-agency-signature"),
        (BatchEnvelope.build([*statements, hidden], chain.agency_key, time=1), "invisible-character"),
        (_cosigned_header_over(chain, statements, named_in_statements=()), "cosigners-in-batch"),
        (
            BatchEnvelope.build(
                [replace(s, cosigners=_OFFICIAL) for s in statements], chain.agency_key, time=1, cosigners=_OFFICIAL
            ),
            "missing-cosignature",
        ),
    ):
        with pytest.raises(EvidenceRejected) as caught:
            chain.node.evidence.admission.envelope(bad.to_cbor())
        assert caught.value.code == code
    accepted = chain.node.evidence.admission.envelope(
        _cosigned_header_over(chain, statements, named_in_statements=_OFFICIAL).to_cbor()
    )
    assert len(accepted.leaf_hashes) == 3  # the statements name the header's co-signers: anchored with each record


def test_revoked_agency_is_refused_but_its_records_still_verify(chain):
    record = b"before revocation"
    submit(chain, signed(chain, record).to_cbor())
    chain.node.produce_block()
    revoked = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "revoke", chain.agency_code)
    assert revoked.ok
    with pytest.raises(EvidenceRejected) as caught:
        chain.node.evidence.admission.signed_statement(signed(chain, b"after").to_cbor())
    assert caught.value.code == "agency-revoked" and caught.value.status == 403
    assert verify_receipt(chain.node.evidence.receipt(0), chain.genesis, digest=sm3(record)).valid


def test_contract_anchored_statements_join_the_log(chain):
    statement = signed(chain, b"anchored by a contract")
    sent = chain.transact(chain.agency, "EvidenceRegistry", EVIDENCE_REGISTRY, "anchor", statement.to_cbor())
    assert sent.ok
    index = chain.node.evidence.pending.find(leaf_hash(statement.statement.to_cbor()))
    assert index == 0
    chain.node.produce_block()
    assert verify_receipt(chain.node.evidence.receipt(0), chain.genesis, digest=sm3(b"anchored by a contract")).valid


def test_a_contract_cannot_anchor_text_that_reads_other_than_it_is(chain):
    hidden = signed(chain, b"anchored with a hidden character", stage="受理\u200b")
    sent = chain.transact(chain.agency, "EvidenceRegistry", EVIDENCE_REGISTRY, "anchor", hidden.to_cbor())
    assert not sent.ok  # the transaction fails, as /v1/evidence refuses it (invisible-character)
    assert chain.node.evidence.pending.pending_leaves == 0


def test_a_record_read_while_its_block_commits_is_found(chain, monkeypatch):
    from fastapi.testclient import TestClient

    from tiezheng_node.api.app import create_app

    accepted = submit(chain, signed(chain, b"read as it is sealed").to_cbor())
    evidence_id = chain.node.evidence.evidence_id(accepted.indexes[0])
    pending_get = chain.node.evidence.pending.get
    sealed_meanwhile = []

    def get_after_the_block(index):  # the block commits between the log's size and the pool being read
        if not sealed_meanwhile:
            sealed_meanwhile.append(chain.node.produce_block())
        return pending_get(index)

    monkeypatch.setattr(chain.node.evidence.pending, "get", get_after_the_block)
    with TestClient(create_app(chain.node)) as client:
        found = client.get(f"/v1/evidence/{evidence_id}")
        assert sealed_meanwhile and found.status_code == 200 and found.json()["status"] == "proven", found.text
        sealed_meanwhile.clear()
        second = submit(chain, signed(chain, b"explored as it is sealed").to_cbor())
        page = client.get(f"/evidence/{chain.node.evidence.evidence_id(second.indexes[0])}")
        assert sealed_meanwhile and page.status_code == 200, page.text


def test_admission_asks_prev_in_the_chains_own_spelling(chain):
    from tiezheng.evidence_id import EvidenceId

    evidence = chain.node.evidence
    submit(chain, signed(chain, b"the step before").to_cbor())
    canonical = str(EvidenceId("DEV", 0))
    lower = signed(chain, b"a step after DEV-000000", prev=canonical.lower())
    with pytest.raises(EvidenceRejected) as caught:
        evidence.admission.signed_statement(lower.to_cbor())
    assert caught.value.code == "bad-evidence-id" and canonical in str(caught.value)
    spaced = statement_for(chain.agency_key, b"in a batch", agency=chain.agency_code, prev=" " + canonical)
    envelope = BatchEnvelope.build([spaced], chain.agency_key, time=1)
    with pytest.raises(EvidenceRejected) as caught:
        evidence.admission.envelope(envelope.to_cbor())
    assert caught.value.code == "bad-evidence-id"
    sent = chain.transact(chain.agency, "EvidenceRegistry", EVIDENCE_REGISTRY, "anchor", lower.to_cbor())
    assert not sent.ok and evidence.pending.pending_leaves == 0
    assert evidence.admission.signed_statement(signed(chain, b"canonical", prev=canonical).to_cbor())


def test_a_prev_must_name_a_record_this_chain_has_accepted(chain):
    """A link to another chain's record, or to an index not yet given, would later name some unrelated record."""
    from tiezheng.evidence_id import EvidenceId

    evidence = chain.node.evidence
    submit(chain, signed(chain, b"logged").to_cbor())
    chain.node.produce_block()
    submit(chain, signed(chain, b"pending").to_cbor())  # accepted, not yet in a block: a link may name it
    links = {
        str(EvidenceId("XYZ", 0)): ("wrong-chain", 400),
        str(EvidenceId("DEV", 2)): ("unknown-prev", 422),
        str(EvidenceId("DEV", 10**9)): ("unknown-prev", 422),
    }
    for prev, (code, status) in links.items():
        with pytest.raises(EvidenceRejected) as caught:
            evidence.admission.signed_statement(signed(chain, b"after " + prev.encode(), prev=prev).to_cbor())
        assert (caught.value.code, caught.value.status) == (code, status) and prev in caught.value.message
        linked = statement_for(chain.agency_key, b"batched after " + prev.encode(), agency=chain.agency_code, prev=prev)
        first = statement_for(chain.agency_key, b"unlinked", agency=chain.agency_code)
        with pytest.raises(EvidenceRejected) as caught:
            evidence.admission.envelope(BatchEnvelope.build([first, linked], chain.agency_key, time=1).to_cbor())
        assert caught.value.code == code and caught.value.message.startswith("statement 1: ")
    for prev in (str(EvidenceId("DEV", 0)), str(EvidenceId("DEV", 1))):
        assert evidence.admission.signed_statement(signed(chain, b"after " + prev.encode(), prev=prev).to_cbor())


def test_the_sdk_finds_every_record_of_a_digest_page_after_page(chain):
    from fastapi.testclient import TestClient

    from tiezheng.sdk import Client, Digest
    from tiezheng_node.api.app import create_app

    same = [statement_for(chain.agency_key, b"one form", agency=chain.agency_code, time=t) for t in range(1, 1006)]
    proven = submit_envelope(chain, BatchEnvelope.build(same, chain.agency_key, 1)).indexes
    chain.node.produce_block()
    waiting = submit(chain, signed(chain, b"one form", time=5000).to_cbor()).indexes  # pending: the newest
    digest = Digest(same[0].digest)
    with TestClient(create_app(chain.node)) as http, Client("http://testserver", http=http) as client:
        found = client.find_by_digest(digest)  # pages of at most 1,000
        assert [r.index for r in found] == proven + waiting
        assert found[-1].status == "accepted"
        assert [r.index for r in client.find_by_digest(digest, limit=3)] == proven[:3]


def test_a_new_chain_writes_compact_headers_and_receipts(chain):
    submit(chain, signed(chain, b"compact").to_cbor())
    block = chain.node.produce_block()
    assert block.sealed.header.version == HEADER_VERSION == 2
    receipt = chain.node.evidence.receipt(0)
    assert receipt.version == RECEIPT_VERSION == 2 and ConsensusHeader.from_cbor(receipt.header).version == 2
    assert verify_receipt(receipt.to_cbor(), chain.genesis, digest=sm3(b"compact")).valid


def test_a_chain_begun_with_version_1_headers_keeps_writing_them(tmp_path, monkeypatch):
    """A block's header version is its parent's: validators agree on it from the chain alone, and a chain made
    by an earlier build goes on as it began, issuing v1 receipts (which verifiers already deployed read)."""
    monkeypatch.setattr("tiezheng_node.node.HEADER_VERSION", 1)
    chain = LocalChain(tmp_path / "node")
    submit(chain, signed(chain, b"first").to_cbor())
    assert chain.node.produce_block().sealed.header.version == 1
    chain.node.close()
    monkeypatch.undo()
    reopened = Node(tmp_path / "node", Genesis.load(chain.layout.genesis), chain.validator_key)
    try:
        submit(reopened, signed(chain, b"second").to_cbor())
        assert reopened.produce_block().sealed.header.version == 1
        for index, record in ((0, b"first"), (1, b"second")):
            receipt = reopened.evidence.receipt(index)
            assert ConsensusHeader.from_cbor(receipt.header).version == 1 and receipt.version == 1
            assert verify_receipt(receipt.to_cbor(), chain.genesis, digest=sm3(record)).valid
    finally:
        reopened.close()


def test_pending_submissions_survive_a_restart(tmp_path):
    chain = LocalChain(tmp_path / "node")
    accepted = [submit(chain, signed(chain, b"pending %d" % i).to_cbor()).indexes[0] for i in range(5)]
    envelope = BatchEnvelope.build(
        [statement_for(chain.agency_key, b"env %d" % i, agency=chain.agency_code) for i in range(10)],
        chain.agency_key,
        time=1,
    )
    batch = submit_envelope(chain, envelope).indexes
    chain.node.close()  # no block was produced
    reopened = Node(tmp_path / "node", Genesis.load(chain.layout.genesis), chain.validator_key)
    try:
        assert reopened.evidence.pending.next_index == 15
        assert reopened.evidence.view(3).status == "accepted"
        block = reopened.produce_block()
        assert block.records == 15
        for index in accepted + batch:
            assert reopened.evidence.view(index).status == "proven"
        assert verify_receipt(reopened.evidence.receipt(12), chain.genesis, digest=sm3(b"env 7")).valid
    finally:
        reopened.close()


def test_statements_logged_before_a_restart_are_still_recognised_once_the_filter_is_filled(tmp_path):
    chain = LocalChain(tmp_path / "node")
    single = signed(chain, b"logged alone").to_cbor()
    statements = [statement_for(chain.agency_key, b"logged %d" % i, agency=chain.agency_code) for i in range(30)]
    submit(chain, single)
    submit_envelope(chain, BatchEnvelope.build(statements, chain.agency_key, time=1))
    chain.node.produce_block()
    chain.node.close()
    reopened = Node(tmp_path / "node", Genesis.load(chain.layout.genesis), chain.validator_key)
    try:
        evidence = reopened.evidence
        assert evidence.log.logged_filter.wait_ready(10)
        again = evidence.accept(evidence.admission.signed_statement(single))
        assert again.indexes == [0] and again.new == [False]
        fresh = [statement_for(chain.agency_key, b"new %d" % i, agency=chain.agency_code) for i in range(5)]
        mixed = evidence.accept(
            evidence.admission.envelope(
                BatchEnvelope.build(statements[10:] + fresh, chain.agency_key, time=2).to_cbor()
            )
        )
        mixed.durable.result(timeout=10)
        assert mixed.indexes == [*range(11, 31), *range(31, 36)]
        assert mixed.new == [False] * 20 + [True] * 5
        assert not evidence.log.logged_filter.may_contain(sm3(b"never logged") + bytes(8))
        reopened.produce_block()
        # Keys committed after the restart come from the block, not from the start-up scan.
        after = evidence.accept(
            evidence.admission.envelope(BatchEnvelope.build(fresh, chain.agency_key, time=3).to_cbor())
        )
        assert after.new == [False] * 5 and after.indexes == list(range(31, 36))
        assert evidence.log.size == 36
    finally:
        reopened.close()


def test_a_node_that_fails_to_open_leaves_no_thread_or_process_reading_its_store(tmp_path):
    import threading

    from tiezheng_node.evidence.records import encode_pending
    from tiezheng_node.store import Store
    from tiezheng_node.store.keys import PENDING, index_key

    chain = LocalChain(tmp_path / "node", admission_workers=1)
    chain.node.close()
    genesis = Genesis.load(chain.layout.genesis)
    store = Store(tmp_path / "node" / "chain")
    store.commit({index_key(PENDING, 0): encode_pending("b", b"", None, 0)})  # a batch with no batch record
    store.close()
    before = {t.name for t in threading.enumerate()}
    with pytest.raises(RuntimeError, match="store is damaged"):
        Node(tmp_path / "node", genesis, chain.validator_key, admission_workers=1)
    left = {t.name for t in threading.enumerate()} - before
    assert not {name for name in left if name.startswith(("evidence-", "sm2-verify"))}
    # Nothing holds the store: it opens again at once.
    Store(tmp_path / "node" / "chain").close()
    # A validator key that is not the genesis's is refused before the store is opened at all.
    with pytest.raises(StoreError, match="not one of the genesis validators"):
        Node(tmp_path / "elsewhere", genesis, SM2PrivateKey.generate())
    assert not (tmp_path / "elsewhere").exists()


def test_contract_anchors_are_caught_up_after_a_crash(tmp_path):
    from tiezheng_node.store.keys import META_EVM_ANCHORS

    chain = LocalChain(tmp_path / "node")
    statement = signed(chain, b"anchored just before a crash")
    assert chain.transact(chain.agency, "EvidenceRegistry", EVIDENCE_REGISTRY, "anchor", statement.to_cbor()).ok
    # Simulate a crash after the block's commit and before the statement was queued.
    chain.node.store.commit({META_EVM_ANCHORS: (0).to_bytes(8, "big"), b"P" + (0).to_bytes(8, "big"): None})
    chain.node.close()
    reopened = Node(tmp_path / "node", Genesis.load(chain.layout.genesis), chain.validator_key)
    try:
        assert reopened.evidence.pending.find(leaf_hash(statement.statement.to_cbor())) == 0
        reopened.produce_block()
        assert reopened.evidence.log.size == 1
    finally:
        reopened.close()


def test_queries(chain):
    subject = sm3(b"case 17")
    for i in range(6):
        fields = {"kind": "conclusion" if i % 2 else "permit"}
        if i < 3:
            fields["subject"] = subject
        submit(chain, signed(chain, b"q %d" % i, **fields).to_cbor())
    chain.node.produce_block()
    evidence = chain.node.evidence
    assert evidence.query(digest=sm3(b"q 4")).indexes == [4]
    assert evidence.query(subject=subject).indexes == [0, 1, 2]
    assert evidence.query(kind="conclusion").indexes == [1, 3, 5]
    assert evidence.query(agency=chain.agency_code, kind="permit", descending=True).indexes == [4, 2, 0]
    assert evidence.query(agency="NOBODY").indexes == []
    assert evidence.query(start=2, stop=5).indexes == [2, 3, 4]
    assert evidence.query(limit=2, descending=True).indexes == [5, 4]
    # A short scan budget gives short pages, each saying where to go on from; together they are the answer.
    assert evidence.query(limit=2, descending=True).resume_after == 4
    assert evidence.query(kind="permit").resume_after is None
    for descending in (False, True):
        pages, position = [], None
        while True:
            start, stop = (0, position) if descending else (0 if position is None else position + 1, None)
            page = evidence.query(
                agency=chain.agency_code, kind="conclusion", start=start,
                stop=stop, descending=descending, scan_limit=2,
            )  # fmt: skip
            pages.append(page.indexes)
            if page.resume_after is None:
                break
            position = page.resume_after
        assert [i for page in pages for i in page] == ([5, 3, 1] if descending else [1, 3, 5])
        assert max(len(page) for page in pages) <= 2 and len(pages) >= 3


def test_packs_and_posting_lists_agree_with_a_brute_force_oracle(tmp_path):
    """Blocks of odd sizes (so packs of 256 leaves are rewritten across blocks), then a restart, then queries."""
    import random

    chain = LocalChain(tmp_path / "node")
    rng = random.Random(7)
    subjects = [sm3(b"matter %d" % i) for i in range(4)]
    truth = []  # (kind, subject) per leaf
    kinds = ["permit", "enforcement-record", "conclusion"]
    for block_size in (1, 300, 17, 256, 255, 2, 400):
        statements, envelope_fields = [], []
        for _ in range(block_size):
            kind = rng.choice(kinds)
            subject = rng.choice([*subjects, None])
            fields = {"kind": kind} | ({"subject": subject} if subject else {})
            statements.append(
                statement_for(
                    chain.agency_key, b"leaf %d" % len(truth + envelope_fields), agency=chain.agency_code, **fields
                )
            )
            envelope_fields.append((kind, subject))
        if block_size > 5:
            submit_envelope(chain, BatchEnvelope.build(statements, chain.agency_key, time=len(truth)))
        else:
            for statement in statements:
                submit(chain, SignedStatement.sign(statement, chain.agency_key).to_cbor())
        truth += envelope_fields
        chain.node.produce_block()
    chain.node.close()
    node = Node(tmp_path / "node", Genesis.load(chain.layout.genesis), chain.validator_key)
    try:
        evidence = node.evidence
        assert evidence.log.size == len(truth)
        for index in rng.sample(range(len(truth)), 40):
            record = evidence.log.leaf(index)
            assert Statement.from_cbor(record.statement).digest == sm3(b"leaf %d" % index)
        for _ in range(60):
            kind = rng.choice([*kinds, None])
            subject = rng.choice([*subjects, None])
            start = rng.randrange(0, len(truth))
            stop = rng.randrange(start, len(truth) + 5)
            descending = rng.random() < 0.5
            expected = [
                i for i in range(start, min(stop, len(truth)))
                if (kind is None or truth[i][0] == kind) and (subject is None or truth[i][1] == subject)
            ]  # fmt: skip
            if descending:
                expected.reverse()
            found = evidence.query(
                kind=kind, subject=subject, agency=chain.agency_code if rng.random() < 0.3 else None,
                start=start, stop=stop, descending=descending, limit=10_000,
            ).indexes  # fmt: skip
            assert found == expected, (kind, subject, start, stop, descending)
        # Roots and proofs, whose nodes below level 4 are recomputed from the leaves, match
        # RFC 9162's recursive definitions over the leaves themselves, at past sizes too.
        leaves = [record.statement for _, record in evidence.log.leaves(0, len(truth))]
        for size in (1, 15, 16, 17, 256, 301, 318, 574, 1000, len(truth)):
            assert evidence.log.root(size) == rfc9162.root(leaves[:size])
            for index in {0, size // 2, size - 1, rng.randrange(size)}:
                assert evidence.log.inclusion_proof(index, size) == rfc9162.inclusion_proof(leaves[:size], index)
            old = rng.randrange(1, size + 1)
            assert evidence.log.consistency_proof(old, size) == rfc9162.consistency_proof(leaves[:size], old)
        # Receipts of leaves in rewritten packs still verify.
        for index in (0, 255, 256, 300, 318, len(truth) - 1):
            assert verify_receipt(evidence.receipt(index), chain.genesis, digest=sm3(b"leaf %d" % index)).valid
        # A new block after the restart continues the last pack.
        submit(
            node,
            SignedStatement.sign(
                statement_for(chain.agency_key, b"after restart", agency=chain.agency_code), chain.agency_key
            ).to_cbor(),
        )
        node.produce_block()
        assert verify_receipt(node.evidence.receipt(len(truth)), chain.genesis, digest=sm3(b"after restart")).valid
    finally:
        node.close()


def test_batch_member_encoding_matches_the_generic_encoder():
    from tiezheng_node.evidence.records import BatchRef, LeafRecord, encode_batch_member

    for batch_id, position in ((0, 0), (23, 24), (2**40, 9_999)):
        assert encode_batch_member(batch_id, position) == LeafRecord(None, (), BatchRef(batch_id, position)).encode()


@given(st.lists(st.binary(max_size=300) | st.integers(255, 65_540).map(bytes), max_size=20))
def test_statement_chunks_are_the_generic_encoding(statements):
    from tiezheng_node.evidence.records import encode_statement_chunk

    assert encode_statement_chunk(statements) == cbor.encode(statements)


def test_large_envelopes_are_checked_in_worker_processes(tmp_path):
    from tiezheng_node.evidence.admission import PARALLEL_THRESHOLD

    chain = LocalChain(tmp_path / "node", admission_workers=1)
    try:
        size = PARALLEL_THRESHOLD + 200
        statements = [statement_for(chain.agency_key, b"w %d" % i, agency=chain.agency_code) for i in range(size)]
        accepted = submit_envelope(chain, BatchEnvelope.build(statements, chain.agency_key, time=1))
        assert accepted.indexes == list(range(size))
        workers = chain.node.evidence._workers
        assert len(workers._workers) == 1 and workers._workers[0].process.poll() is None
        # A bad statement deep in a large envelope is found by the worker and named.
        bad = list(BatchEnvelope.build(statements[:size], chain.agency_key, time=2).statements)
        bad[1100] = b"\xa0"  # an empty map: no fields at all
        with pytest.raises(EvidenceRejected) as caught:
            chain.node.evidence.admission.envelope(
                BatchEnvelope(
                    BatchEnvelope.build(statements, chain.agency_key, time=2).header, (), tuple(bad)
                ).to_cbor()
            )
        assert caught.value.code in ("missing-agency-signature",)
        forged = BatchEnvelope.build(statements, chain.agency_key, time=3)
        with pytest.raises(EvidenceRejected) as caught:
            chain.node.evidence.admission.envelope(
                BatchEnvelope(forged.header, forged.signatures, tuple(bad)).to_cbor()
            )
        assert caught.value.message.startswith("statement 1100")
        # The links the worker found are checked by the node: one to a record not accepted yet is refused.
        from tiezheng.evidence_id import EvidenceId

        linked = list(statements)
        linked[1101] = statement_for(
            chain.agency_key, b"linked", agency=chain.agency_code, prev=str(EvidenceId("DEV", 10 * size))
        )
        with pytest.raises(EvidenceRejected) as caught:
            submit_envelope(chain, BatchEnvelope.build(linked, chain.agency_key, time=5))
        assert caught.value.code == "unknown-prev" and caught.value.message.startswith("statement 1101")
        # A worker that dies is replaced, and the envelope is checked anyway.
        workers._workers[0].process.kill()
        workers._workers[0].process.wait()
        more = [statement_for(chain.agency_key, b"after kill %d" % i, agency=chain.agency_code) for i in range(size)]
        again = submit_envelope(chain, BatchEnvelope.build(more, chain.agency_key, time=4))
        assert again.indexes == list(range(size, 2 * size))
        chain.node.produce_block()
        assert verify_receipt(chain.node.evidence.receipt(size + 7), chain.genesis, digest=sm3(b"after kill 7")).valid
    finally:
        chain.close()


def test_a_worker_that_stops_answering_is_killed_and_replaced():
    import os
    import signal
    import time

    from tiezheng_node.evidence.workers import CheckWorkers, WorkerFailed

    key = SM2PrivateKey.generate()
    statements = [statement_for(key, b"stuck %d" % i, agency="91110000MA0TEST01X").to_cbor() for i in range(50)]
    workers = CheckWorkers(1)  # the default limit while a worker starts: Python's start-up is slow on a busy machine
    try:
        first = workers.check(statements, "91110000MA0TEST01X", key.public_key().key_id, None)
        assert first.error is None and len(first.leaf_hashes) == 50
        header_names = cosigners_to_value(_OFFICIAL)  # the statements name none: each record would lack them
        unnamed = workers.check(statements, "91110000MA0TEST01X", key.public_key().key_id, header_names)
        assert unnamed.error is not None and unnamed.error[1] == "cosigners-in-batch"
        named = [replace(statement_for(key, b"n %d" % i, agency="91110000MA0TEST01X"), cosigners=_OFFICIAL).to_cbor()
                 for i in range(50)]  # fmt: skip
        assert workers.check(named, "91110000MA0TEST01X", key.public_key().key_id, header_names).error is None
        stuck = workers._workers[0].process
        workers._workers[0].answer_timeout = 1.0  # warm now: a second without an answer means it is stuck
        os.kill(stuck.pid, signal.SIGSTOP)
        started = time.monotonic()
        with pytest.raises(WorkerFailed):
            workers.check(statements, "91110000MA0TEST01X", key.public_key().key_id, None)
        assert time.monotonic() - started < 10
        assert stuck.wait(timeout=10) == -signal.SIGKILL
        assert (
            workers.check(statements, "91110000MA0TEST01X", key.public_key().key_id, None).leaf_hashes
            == first.leaf_hashes
        )
    finally:
        workers.close()


def test_statements_sent_together_are_all_reserved_or_none(tmp_path):
    chain = LocalChain(tmp_path / "node", max_pending_records=5)
    try:
        evidence = chain.node.evidence
        for n in range(3):
            submit(chain, signed(chain, b"queued %d" % n).to_cbor())
        together = evidence.admission.signed_statements([signed(chain, b"together %d" % n).to_cbor() for n in range(3)])
        with pytest.raises(PoolFull):  # two would fit: none is taken, so a 429 means nothing was accepted
            evidence.accept_many(together)
        assert (evidence.pending.pending_leaves, evidence.pending.next_index) == (3, 3)
        too_many = evidence.admission.signed_statements([signed(chain, b"many %d" % n).to_cbor() for n in range(6)])
        with pytest.raises(SubmissionTooLarge):
            evidence.accept_many(too_many)
        chain.node.produce_block()
        accepted = evidence.accept_many(together)
        accepted.durable.result(timeout=10)
        assert accepted.indexes == [3, 4, 5] and evidence.pending.pending_leaves == 3
    finally:
        chain.close()


def test_pending_records_are_found_by_index_and_digest(chain):
    agency = chain.agency_key
    submit(chain, signed(chain, b"logged first").to_cbor())
    chain.node.produce_block()
    first = chain.node.evidence.log.size
    singles = [submit(chain, signed(chain, b"single %d" % n).to_cbor()) for n in range(3)]
    members = [statement_for(agency, b"member %d" % n, agency=chain.agency_code) for n in range(5)]
    batched = submit_envelope(chain, BatchEnvelope.build(members, agency, members[0].time))
    late = submit(chain, signed(chain, b"single 0", time=members[0].time + 1).to_cbor())
    pending = chain.node.evidence.pending
    expected = [*(s.indexes[0] for s in singles), *batched.indexes, late.indexes[0]]
    assert expected == list(range(first, first + 9))
    for index in expected:
        submission, offset = pending.get(index)
        assert submission.first_index + offset == index and offset < submission.count
    assert pending.get(first - 1) is None and pending.get(first + 9) is None
    assert pending.matching(statement_for(agency, b"single 0").digest) == [singles[0].indexes[0], late.indexes[0]]
    assert pending.matching(members[3].digest) == [batched.indexes[3]]
    member = members[3]
    assert pending.matching(member.digest, agency=member.agency, kind=member.kind) == [batched.indexes[3]]
    assert pending.matching(member.digest, agency="91110000OTHER0000X") == []
    assert pending.matching(member.digest, kind="other-kind") == []
    assert pending.matching(member.digest, subject=b"\x01" * 32) == []


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_a_digest_search_pages_through_proven_and_pending_records_within_its_limit(chain, order):
    from fastapi.testclient import TestClient

    from tiezheng_node.api.app import create_app

    agency = chain.agency_key
    same = [statement_for(agency, b"one template file", agency=chain.agency_code, time=t) for t in range(1, 12)]
    proven = submit_envelope(chain, BatchEnvelope.build(same[:5], agency, 1)).indexes
    chain.node.produce_block()
    waiting = submit_envelope(chain, BatchEnvelope.build(same[5:], agency, 2)).indexes  # 6 not in a block yet
    digest = same[0].digest.hex()
    with TestClient(create_app(chain.node)) as client:
        seen, cursor = [], None
        for _ in range(20):
            query = {"digest": digest, "limit": 4, "order": order} | ({"cursor": cursor} if cursor else {})
            page = client.get("/v1/evidence", params=query).json()
            assert len(page["items"]) <= 4  # once every pending match came back, whatever the limit
            seen += [(item["index"], item["status"]) for item in page["items"]]
            cursor = page.get("next")
            if cursor is None:
                break
        other = client.get("/v1/evidence", params={"digest": digest, "agency": "91110000OTHER0000X"}).json()
        assert other["items"] == []  # the other filters hold for pending records too
    expected = [(i, "proven") for i in proven] + [(i, "accepted") for i in waiting]
    assert seen == (expected[::-1] if order == "desc" else expected)  # each once, in order


def test_an_envelope_overlapping_pending_records_takes_their_ids_even_when_the_pool_is_full(tmp_path):
    chain = LocalChain(tmp_path / "node", max_pending_records=30)
    try:
        evidence = chain.node.evidence
        statements = [statement_for(chain.agency_key, b"pending %d" % i, agency=chain.agency_code) for i in range(40)]
        first = submit_envelope(chain, BatchEnvelope.build(statements[:30], chain.agency_key, time=1))
        assert evidence.log.size == 0 and evidence.pending.pending_leaves == 30
        # The very same envelope again, the pool full: its IDs come back, nothing is reserved twice.
        again = submit_envelope(chain, BatchEnvelope.build(statements[:30], chain.agency_key, time=2))
        assert again.indexes == first.indexes and not any(again.new)
        # Ten of them and ten new ones: the new ones would overflow the pool, so none is taken.
        overlapping = BatchEnvelope.build(statements[20:40], chain.agency_key, time=3).to_cbor()
        with pytest.raises(PoolFull):
            evidence.accept(evidence.admission.envelope(overlapping))
        assert (evidence.pending.pending_leaves, evidence.pending.next_index) == (30, 30)
        chain.node.produce_block()
        accepted = evidence.accept(evidence.admission.envelope(overlapping))
        accepted.durable.result(timeout=10)
        assert accepted.indexes == list(range(20, 40)) and accepted.new == [False] * 10 + [True] * 10
        chain.node.produce_block()
        assert evidence.log.size == 40
        for index in (0, 25, 30, 39):
            proof = evidence.receipt(index)
            assert verify_receipt(proof, chain.genesis, digest=sm3(b"pending %d" % index)).valid
    finally:
        chain.close()


STORED_KEY = SM2PrivateKey.generate()


@given(
    st.lists(
        st.tuples(st.binary(min_size=1, max_size=40), st.one_of(st.none(), st.binary(min_size=32, max_size=32))),
        min_size=1,
        max_size=5,
    )
)
def test_entries_restored_from_the_store_are_the_ones_admission_made(records):
    """Start-up reads pending envelopes back without admission's checks: the entries must be the same."""
    from tiezheng_node.evidence.admission import entry_for, stored_entries

    statements = [
        statement_for(STORED_KEY, record, agency="A", subject=subject).to_cbor() for record, subject in records
    ]
    admitted = [entry_for(Statement.from_cbor(data), data, (), p) for p, data in enumerate(statements)]
    assert stored_entries(statements) == admitted


def test_a_signature_that_does_not_verify_says_how_to_sign(chain):
    with pytest.raises(EvidenceRejected) as caught:
        chain.node.evidence.admission.signed_statement(_bad_signature(chain))
    assert caught.value.code == "bad-agency-signature"
    assert "distid:1234567812345678" in caught.value.message and "SM3" in caught.value.message


def test_meta_bytes_and_text_that_looks_like_hex_read_apart(chain):
    """A text "0x12" and the byte 0x12 are different statements: neither the API nor the explorer shows them alike."""
    import json

    from fastapi.testclient import TestClient

    from tiezheng_node.api.app import create_app

    meta = {"as_text": "0x12", "as_bytes": b"\x12", "count": 7, "flag": True, "empty": b""}
    accepted = submit(chain, signed(chain, b"meta of every type", meta=meta).to_cbor())
    chain.node.produce_block()
    evidence_id = chain.node.evidence.evidence_id(accepted.indexes[0])
    with TestClient(create_app(chain.node)) as client:
        shown = client.get(f"/v1/evidence/{evidence_id}").json()["statement"]["meta"]
        assert shown == {"as_text": "0x12", "as_bytes": {"hex": "12"}, "count": 7, "flag": True, "empty": {"hex": ""}}
        schema = client.get("/openapi.json").json()["components"]["schemas"]
        assert "MetaBytes" in json.dumps(schema["StatementModel"]["properties"]["meta"])
        page = client.get(f"/evidence/{evidence_id}?lang=en").text
    assert "<code>as_text</code>: “0x12”" in page
    assert '<code>as_bytes</code>: <code class="bytes" title="bytes">0x12</code> <small>bytes</small>' in page
    assert "<code>count</code>: 7" in page and "<code>flag</code>: true" in page
