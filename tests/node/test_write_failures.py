"""A write that fails loses nothing and wedges nothing: reservations undone, holds released, nothing skipped.

The store is the real LevelDB; the failure is injected into its commit (a full
disk, say), once, where the test names.
"""

from __future__ import annotations

import base64
import sys
import threading
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.desk import Clock, Desk
from tests.support.nodekit import LocalChain
from tests.support.toychain import statement_for
from tiezheng.evidence_id import EvidenceId
from tiezheng.signed_statement import SignedStatement
from tiezheng_node.api.app import create_app
from tiezheng_node.evidence.pending import ReservationsUndone
from tiezheng_node.execution.addresses import EVIDENCE_REGISTRY
from tiezheng_node.node import Node
from tiezheng_node.store import Store
from tiezheng_node.store.keys import META_EVM_ANCHORS, PENDING


class DiskFull(OSError):
    pass


@pytest.fixture
def chain(tmp_path) -> Iterator[LocalChain]:
    local = LocalChain(tmp_path / "node", clock=Clock())
    yield local
    local.close()


@pytest.fixture
def fail_next_write(chain, monkeypatch) -> Callable[..., None]:
    """Make the store's next commit whose writes ``matches`` fail, once (after ``hold`` is set, if given)."""
    commit = Store.commit

    def arm(matches: Callable[[dict], bool], hold: threading.Event | None = None) -> None:
        armed = [True]

        def failing(store, writes, **options):
            items = writes.writes if hasattr(writes, "writes") else writes
            if armed[0] and store is chain.node.store and matches(items):
                armed[0] = False
                if hold is not None:
                    assert hold.wait(timeout=10)
                raise DiskFull(28, "No space left on device")
            return commit(store, writes, **options)

        monkeypatch.setattr(Store, "commit", failing)

    return arm


def signed(chain: LocalChain, record: bytes) -> bytes:
    statement = statement_for(chain.agency_key, record, agency=chain.agency_code)
    return SignedStatement.sign(statement, chain.agency_key).to_cbor()


def submit(chain: LocalChain, record: bytes):
    evidence = chain.node.evidence
    return evidence.accept(evidence.admission.signed_statement(signed(chain, record)))


def restart(chain: LocalChain) -> None:
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)


def test_a_failed_pending_write_gives_its_leaves_back_and_blocks_go_on(chain, fail_next_write):
    first = submit(chain, b"first")
    first.durable.result(timeout=10)
    fail_next_write(lambda writes: True)
    lost = submit(chain, b"lost to a full disk")
    with pytest.raises(DiskFull):
        lost.durable.result(timeout=10)
    after = submit(chain, b"after")
    after.durable.result(timeout=10)
    assert after.indexes == lost.indexes  # the failed reservation's leaf is handed out again
    block = chain.node.produce_block()
    assert block is not None and block.records == 2
    again = submit(chain, b"lost to a full disk")  # a retry is simply a new submission
    again.durable.result(timeout=10)
    restart(chain)  # what is on disk starts contiguous after the failure
    assert chain.node.produce_block() is not None
    log = chain.node.evidence
    assert log.log.size == again.indexes[0] + 1
    assert [log.view(i).statement.digest for i in (*first.indexes, *after.indexes, *again.indexes)] == [
        statement_for(chain.agency_key, record).digest for record in (b"first", b"after", b"lost to a full disk")
    ]


def test_a_failed_write_fails_what_was_reserved_behind_it_too(chain, fail_next_write):
    writing = threading.Event()
    fail_next_write(lambda writes: True, hold=writing)
    failing = submit(chain, b"one")  # its write is under way, and will fail
    same = submit(chain, b"one")  # names the same reservation: must not be told "accepted"
    later = submit(chain, b"two")  # reserved behind it: its leaf index depends on the failed one
    assert same.indexes == failing.indexes
    writing.set()
    for doomed in (failing, same, later):
        with pytest.raises(DiskFull):
            doomed.durable.result(timeout=10)
    assert chain.node.evidence.pending.pending_leaves == 0
    retried = submit(chain, b"one")
    retried.durable.result(timeout=10)
    assert retried.indexes == failing.indexes and chain.node.produce_block().records == 1


def test_a_statement_found_pending_by_a_reservation_later_undone_is_not_accepted_at_its_index(chain, fail_next_write):
    """Admission and acceptance are two steps: a write failing between them hands the index found out again."""
    evidence = chain.node.evidence
    writing = threading.Event()
    fail_next_write(lambda writes: True, hold=writing)
    first = submit(chain, b"one")  # reserves a leaf; its write will fail
    found = evidence.admission.signed_statement(signed(chain, b"one"))  # a second request finds it pending there
    found_with_another = [evidence.admission.signed_statement(signed(chain, r)) for r in (b"one", b"new")]
    assert found.existing == first.indexes
    writing.set()
    with pytest.raises(DiskFull):
        first.durable.result(timeout=10)
    other = submit(chain, b"two")  # the leaf goes to another statement
    other.durable.result(timeout=10)
    assert other.indexes == first.indexes
    with pytest.raises(ReservationsUndone):
        evidence.accept(found).durable.result(timeout=10)
    with pytest.raises(ReservationsUndone):
        evidence.accept_many(found_with_another)
    assert chain.node.produce_block().records == 1
    retried = submit(chain, b"one")  # a retry is admitted afresh
    retried.durable.result(timeout=10)
    assert retried.indexes == [other.indexes[0] + 1]


def test_the_api_says_not_stored_when_a_reservation_relied_on_was_undone(chain, fail_next_write, monkeypatch):
    client = TestClient(create_app(chain.node))
    evidence = chain.node.evidence
    writing = threading.Event()
    fail_next_write(lambda writes: True, hold=writing)
    first = submit(chain, b"shared")
    accept = evidence.accept

    def after_the_failure(admitted, **options):  # the request's second step runs once the write has failed
        writing.set()
        with pytest.raises(DiskFull):
            first.durable.result(timeout=10)
        return accept(admitted, **options)

    monkeypatch.setattr(evidence, "accept", after_the_failure)
    body = signed(chain, b"shared")
    refused = client.post("/v1/evidence", content=body, headers={"content-type": "application/cbor"})
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "not-stored", refused.text


def test_a_waiter_that_gives_up_stops_no_later_write(chain):
    """A request cancelled while its write is under way (a node shutting down) must not stop the writer."""
    commit = Store.commit
    writing, release = threading.Event(), threading.Event()

    def slow(store, writes, **options):
        writing.set()
        assert release.wait(timeout=10)
        return commit(store, writes, **options)

    Store.commit = slow
    try:
        abandoned = submit(chain, b"waited for, then not")
        assert writing.wait(timeout=10)
        assert abandoned.durable.cancel() or abandoned.durable.done()
    finally:
        Store.commit = commit
        release.set()
    later = submit(chain, b"later")
    later.durable.result(timeout=10)  # the writer lives on
    assert chain.node.produce_block().records == 2


def test_a_process_step_that_was_never_written_does_not_hold_its_matter(chain, fail_next_write):
    desk = Desk(chain, chain.agency_key, chain.agency_code)
    matter = desk.open("administrative-permit", "case 1")
    fail_next_write(lambda writes: True)
    with pytest.raises(DiskFull):
        desk.step(matter, "受理", seal=False)
    desk.step(matter, "受理")  # not refused as step-pending behind a step that never was
    assert chain.node.process.matter(EvidenceId.parse(matter).index).current == "初审"


def test_contract_anchors_are_taken_whatever_the_pending_backlog(tmp_path, monkeypatch):
    chain = LocalChain(tmp_path / "node", max_pending_records=1)
    try:
        queue = chain.node.evidence.queue_contract_anchored

        def after_a_submission(block, receipts):  # the pool fills while the block is sealed
            submit(chain, b"fills the pool").durable.result(timeout=10)
            return queue(block, receipts)

        monkeypatch.setattr(chain.node.evidence, "queue_contract_anchored", after_a_submission)
        anchored = SignedStatement.sign(
            statement_for(chain.agency_key, b"anchored by a contract", agency=chain.agency_code), chain.agency_key
        )
        sent = chain.transact(chain.agency, "EvidenceRegistry", EVIDENCE_REGISTRY, "anchor", anchored.to_cbor())
        assert sent.ok
        monkeypatch.undo()
        chain.node.produce_block()
        assert chain.node.evidence.log.with_digest(anchored.statement.digest)
    finally:
        chain.close()


def test_contract_anchors_of_a_block_whose_write_failed_come_with_the_next_block(chain, fail_next_write):
    anchored = SignedStatement.sign(
        statement_for(chain.agency_key, b"anchored by a contract", agency=chain.agency_code), chain.agency_key
    )
    raw = chain.sign(chain.agency, EVIDENCE_REGISTRY, _anchor_calldata(anchored.to_cbor()))
    chain.node.submit_transaction(raw)
    fail_next_write(lambda writes: META_EVM_ANCHORS in writes)
    heard = []
    chain.node.add_listener(lambda committed: heard.append(committed.sealed.height))
    with pytest.raises(DiskFull):
        chain.node.produce_block()  # the block is sealed; queueing what it anchored failed
    assert heard == [chain.node.head.height]  # committed all the same: those waiting for it are told
    submit(chain, b"some other work").durable.result(timeout=10)
    chain.node.produce_block()
    chain.node.produce_block()
    assert chain.node.evidence.log.with_digest(anchored.statement.digest)


def test_alerts_that_could_not_be_written_are_raised_at_the_next_block(chain, fail_next_write):
    desk = Desk(chain, chain.agency_key, chain.agency_code)
    matter = desk.open("administrative-permit", "case 2")
    chain.clock.now = chain.node.process.matter(EvidenceId.parse(matter).index).stage_deadline / 1000 + 60
    fail_next_write(lambda writes: True)
    with pytest.raises(DiskFull):
        chain.node.produce_block()
    chain.node.produce_block()
    chain.node.produce_block()
    assert sorted(a.severity for a in chain.node.process.alerts()) == ["red", "warning"]


def test_alerts_whose_envelope_could_not_be_admitted_are_raised_at_a_later_block(chain, monkeypatch):
    desk = Desk(chain, chain.agency_key, chain.agency_code)
    matter = desk.open("administrative-permit", "case 3")
    chain.clock.now = chain.node.process.matter(EvidenceId.parse(matter).index).stage_deadline / 1000 + 60
    admission = chain.node.evidence.admission
    envelope = admission.envelope

    def unreadable_registry(*args, **options):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(admission, "envelope", unreadable_registry)
    with pytest.raises(OSError):
        chain.node.produce_block()
    monkeypatch.setattr(admission, "envelope", envelope)
    chain.node.produce_block()
    chain.node.produce_block()
    assert sorted(a.severity for a in chain.node.process.alerts()) == ["red", "warning"]


def test_the_api_says_a_submission_was_not_stored(chain, fail_next_write):
    client = TestClient(create_app(chain.node))
    fail_next_write(lambda writes: True)
    refused = client.post("/v1/evidence", content=signed(chain, b"api"), headers={"content-type": "application/cbor"})
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "not-stored"
    accepted = client.post("/v1/evidence", content=signed(chain, b"api"), headers={"content-type": "application/cbor"})
    assert accepted.status_code == 202, accepted.text


@pytest.fixture
def commits(monkeypatch) -> Iterator[list[dict]]:
    """The writes of every store commit, in order (the real commit still runs), with threads switched
    as often as they can be: the writer then takes whatever is queued at any instant."""
    seen: list[dict] = []
    commit = Store.commit

    def recording(store, writes, **options):
        seen.append(dict(writes.writes if hasattr(writes, "writes") else writes))
        return commit(store, writes, **options)

    monkeypatch.setattr(Store, "commit", recording)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield seen
    finally:
        sys.setswitchinterval(interval)


def test_a_blocks_contract_anchors_are_marked_done_in_the_one_write_that_holds_them_all(chain, commits):
    anchored = [
        SignedStatement.sign(
            statement_for(chain.agency_key, b"anchor %d" % n, agency=chain.agency_code), chain.agency_key
        )
        for n in range(10)
    ]
    for statement in anchored:
        chain.node.submit_transaction(
            chain.sign(chain.agency, EVIDENCE_REGISTRY, _anchor_calldata(statement.to_cbor()))
        )
    chain.node.produce_block()
    marked = [w for w in commits if META_EVM_ANCHORS in w and w[META_EVM_ANCHORS] == (1).to_bytes(8, "big")]
    # A crash between two writes each saying "block 1's anchors are queued" once lost the rest for good.
    assert len(marked) == 1
    assert len([key for key in marked[0] if key.startswith(PENDING)]) == len(anchored)
    chain.node.produce_block()
    assert all(chain.node.evidence.log.with_digest(s.statement.digest) for s in anchored)


def test_a_requests_statements_are_written_in_one_write(chain, commits):
    client = TestClient(create_app(chain.node))
    statements = [base64.b64encode(signed(chain, b"one request %d" % n)).decode() for n in range(5)]
    accepted = client.post("/v1/evidence/batch", json={"statements": statements})
    assert accepted.status_code == 202, accepted.text
    written = [w for w in commits if any(key.startswith(PENDING) for key in w)]
    # Several writes could leave some durable after a later one failed, the request told "nothing was accepted".
    assert len(written) == 1 and len([key for key in written[0] if key.startswith(PENDING)]) == len(statements)


def test_a_request_whose_write_fails_leaves_none_of_its_statements(chain, fail_next_write):
    client = TestClient(create_app(chain.node))
    statements = [base64.b64encode(signed(chain, b"lost request %d" % n)).decode() for n in range(5)]
    fail_next_write(lambda writes: any(key.startswith(PENDING) for key in writes))
    refused = client.post("/v1/evidence/batch", json={"statements": statements})
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "not-stored"
    submit(chain, b"other work").durable.result(timeout=10)
    chain.node.produce_block()
    assert chain.node.evidence.log.size == 1  # the other work only


def _anchor_calldata(signed_statement: bytes) -> bytes:
    from tiezheng_node.execution.artifacts import load

    return load("EvidenceRegistry").calldata("anchor", signed_statement)


def test_a_transaction_sent_after_the_store_broke_is_refused_not_left_to_wait_for_ever(chain, monkeypatch):
    """A block's write fails inside LevelDB: no block is written until a restart, so no transaction is taken."""
    import plyvel

    from tiezheng_node.node import SubmissionError

    chain.node.submit_transaction(chain.sign(chain.admin, b"\x11" * 20, b""))
    write = Store._write

    def full_disk(store, items, sync):
        raise plyvel.IOError(b"IO error: No space left on device")

    monkeypatch.setattr(Store, "_write", full_disk)
    with pytest.raises(Exception, match="No space left on device"):
        chain.node.produce_block()
    monkeypatch.setattr(Store, "_write", write)  # room again: the store stays broken until reopened
    assert chain.node.store.broken is not None
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(chain.sign(chain.admin, b"\x22" * 20, b""))
    assert (refused.value.code, refused.value.status) == ("not-stored", 503)
    assert "nothing was accepted" in str(refused.value) and "No space left on device" in str(refused.value)
