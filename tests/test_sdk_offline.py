"""The SDK against an in-memory stand-in for the node's evidence endpoints: what it sends, and how it reads answers.

The real node is exercised in tests/integration/test_sdk.py; here the node is
a function, so retries can run on a fake clock and hashing can be slowed down.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
import pytest

from tiezheng import sdk
from tiezheng.batch import BatchEnvelope
from tiezheng.errors import TiezhengError
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.responses import NodeUnreachable
from tiezheng.sdk import ApiError, AsyncClient, BadArgument, Client, Digest

AGENCY = "91110000MA01TEST0X"
KEY = SM2PrivateKey.generate()
T0 = 1_780_000_000_000


class FakeNode:
    """POST /v1/evidence/batch, idempotent like the node, optionally busy (429) or refusing an envelope (413)."""

    def __init__(self, *, busy: int = 0, retry_after: str | None = "2", refuse_envelope: int | None = None) -> None:
        self.log: dict[bytes, int] = {}
        self.envelopes: list[tuple[bytes, ...]] = []
        self.requests = 0
        self.busy = busy
        self.retry_after = retry_after
        self.refuse_envelope = refuse_envelope

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.busy > 0:
            self.busy -= 1
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return httpx.Response(429, headers=headers, json={"error": {"code": "busy", "message": "busy"}})
        if request.method == "GET" and request.url.path.startswith("/v1/evidence/"):
            return self.record(request.url.path.rsplit("/", 1)[1])
        assert request.url.path == "/v1/evidence/batch"
        if self.refuse_envelope == len(self.envelopes):
            return httpx.Response(413, json={"error": {"code": "too-large", "message": "over the pending limit"}})
        envelope = BatchEnvelope.from_cbor(request.content)
        envelope.check()  # what the node checks first: a statement twice is refused as duplicate-in-batch
        self.envelopes.append(envelope.statements)
        fresh = [data not in self.log for data in envelope.statements]
        indexes = [self.log.setdefault(data, len(self.log)) for data in envelope.statements]
        body = {
            "ids": [str(EvidenceId("TST", i)) for i in indexes],
            "indexes": indexes,
            "new": sum(fresh),
            "fresh": fresh,
            "status": "accepted",
        }
        return httpx.Response(202, json=body)

    def record(self, evidence_id: str) -> httpx.Response:
        """A record, waiting for a block for ever (this node seals none)."""
        index = EvidenceId.parse(evidence_id).index
        statement = {"kind": "document", "digest": "00" * 32, "agency": AGENCY, "time": 0}
        body = {"id": evidence_id, "index": index, "status": "accepted", "statement_hash": "00" * 32,
                "statement": statement}  # fmt: skip
        return httpx.Response(200, json=body)


def client_for(node: FakeNode, **options) -> Client:
    http = httpx.Client(transport=httpx.MockTransport(node), base_url="http://node")
    return Client("http://node", key=KEY, agency=AGENCY, http=http, **options)


def async_client_for(node: FakeNode, **options) -> AsyncClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(node), base_url="http://node")
    return AsyncClient("http://node", key=KEY, agency=AGENCY, http=http, **options)


# retries: while the node is busy, for a bounded time, honouring Retry-After


class FakeClock:
    """time.monotonic and time.sleep on a clock that only moves when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def time(self) -> float:
        return time.time()


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(sdk, "time", fake)
    return fake


def test_busy_is_retried_after_retry_after_for_as_long_as_the_budget(clock):
    node = FakeNode(busy=20, retry_after="2")
    with client_for(node) as client:
        anchored = client.anchor_many([b"patient"], "document")
    assert anchored[0].new and node.requests == 21  # far more than a handful of attempts
    assert clock.sleeps == [2.0] * 20


def test_busy_for_longer_than_the_budget_gives_up_at_its_end(clock):
    node = FakeNode(busy=10_000, retry_after="3")
    with client_for(node, retry_for=30) as client, pytest.raises(ApiError) as caught:
        client.anchor_many([b"impatient"], "document")
    assert caught.value.code == "busy" and caught.value.status == 429
    assert sum(clock.sleeps) == pytest.approx(30.0) and max(clock.sleeps) <= 3.0
    assert node.requests == len(clock.sleeps) + 1


def test_without_retry_after_the_backoff_grows_to_its_cap(clock):
    node = FakeNode(busy=8, retry_after=None)
    with client_for(node) as client:
        client.anchor_many([b"backoff"], "document")
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_the_backoff_stays_at_its_cap_however_long_it_retries():
    assert sdk._backoff(5_000, None) == sdk.MAX_BACKOFF  # no float overflow after a thousand attempts


def test_a_503_is_retried_only_when_it_says_when():
    lacking = httpx.Response(503, json={"error": {"code": "no-calendar", "message": "no calendar file"}})
    assert not sdk._retryable(lacking)  # a missing file does not appear with time
    assert sdk._retryable(httpx.Response(503, headers={"Retry-After": "3"}))


def test_no_budget_means_no_retry(clock):
    node = FakeNode(busy=1)
    with client_for(node, retry_for=0) as client, pytest.raises(ApiError):
        client.anchor_many([b"once"], "document")
    assert node.requests == 1 and clock.sleeps == []
    with pytest.raises(ValueError):
        Client("http://node", retry_for=-1)


def test_a_node_that_cannot_be_reached_fails_within_a_few_attempts(clock):
    attempts = []

    def refused(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    http = httpx.Client(transport=httpx.MockTransport(refused), base_url="http://node")
    with Client("http://node", key=KEY, agency=AGENCY, http=http) as client, pytest.raises(NodeUnreachable) as caught:
        client.anchor_many([b"nowhere"], "document")
    assert len(attempts) == sdk.TRANSPORT_RETRIES + 1 and sum(clock.sleeps) < 5
    assert caught.value.code == "unreachable" and isinstance(caught.value.__cause__, httpx.ConnectError)
    # Refused at connecting, the envelope never went: nothing to look up.
    assert "find_by_digest" not in caught.value.message and not caught.value.submitted

    def cut_off(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    sent = httpx.Client(transport=httpx.MockTransport(cut_off), base_url="http://node")
    with Client("http://node", key=KEY, agency=AGENCY, http=sent) as client, pytest.raises(NodeUnreachable) as caught:
        client.anchor_many([b"nowhere"], "document")
    assert "find_by_digest" in caught.value.message and caught.value.submitted  # sent, then cut: may be taken
    # A read sends nothing: no advice about submissions that may have been accepted.
    again = httpx.Client(transport=httpx.MockTransport(refused), base_url="http://node")
    with Client("http://node", http=again) as reader, pytest.raises(NodeUnreachable) as caught:
        reader.get("DEV-000000-9H")
    assert caught.value.message == "cannot reach the node at http://node: connection refused"


def test_anchor_many_waiting_past_its_timeout_returns_the_records_accepted(clock):
    node = FakeNode()
    with client_for(node) as client:
        anchored = client.anchor_many([b"one", b"two", b"three"], "document", chunk_size=2, wait=True, timeout=0.5)
    assert [a.status for a in anchored] == ["accepted"] * 3 and len({a.id for a in anchored}) == 3


def test_anchor_many_whose_node_goes_while_waiting_keeps_the_ids_it_was_given(clock):
    node = FakeNode()

    def gone_after_accepting(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            raise httpx.ConnectError("connection refused", request=request)
        return node(request)

    http = httpx.Client(transport=httpx.MockTransport(gone_after_accepting), base_url="http://node")
    with Client("http://node", key=KEY, agency=AGENCY, http=http) as client, pytest.raises(NodeUnreachable) as caught:
        client.anchor_many([b"one", b"two", b"three"], "document", chunk_size=2, wait=True, timeout=5)
    assert [a.id for a in caught.value.accepted] == [str(EvidenceId("TST", i)) for i in range(3)]
    assert "3 record(s) of this call were accepted before that" in caught.value.message


def test_a_url_no_client_can_use_is_refused_at_once(clock):
    with pytest.raises(BadArgument, match="url is a node's URL"):
        Client("ftp://node")
    http = httpx.Client(base_url="ftp://node")  # the caller's own client, with a URL no transport takes
    with Client("http://node", http=http) as client, pytest.raises(BadArgument) as caught:
        client.get("DEV-000000-9H")
    assert caught.value.code == "bad-argument" and clock.sleeps == []


def test_arguments_the_sdk_cannot_use_are_its_own_errors_naming_them(tmp_path):
    with pytest.raises(BadArgument, match="32 bytes, not bytes of 3"):
        Digest(b"abc")
    with pytest.raises(BadArgument, match="64 hex digits"):
        Digest.from_hex("zz" * 32)
    assert Digest.from_hex("0X" + "ab" * 32).value == bytes.fromhex("ab" * 32)
    with Client("http://node", key=KEY, agency=AGENCY) as client:
        with pytest.raises(BadArgument, match="evidence ID is text"):
            client.get(123)  # type: ignore[arg-type]
        with pytest.raises(BadArgument, match="no field 'colour'"):
            client.statement(b"x", "document", colour="red")
        with pytest.raises(BadArgument, match="not one record"):
            client.anchor_many(tmp_path / "one.pdf", "document")  # type: ignore[arg-type]


def test_anchor_many_refuses_before_sending_anything_a_record_it_could_not_hash(tmp_path):
    node = FakeNode()
    (tmp_path / "a.pdf").write_bytes(b"a")
    with client_for(node) as client:
        for later, code in (
            (tmp_path / "missing.pdf", "unreadable"),
            (tmp_path, "unreadable"),
            ("a.pdf", "bad-argument"),
        ):
            with pytest.raises(TiezhengError) as caught:
                client.anchor_many([tmp_path / "a.pdf", *[b"x"] * 3, later], "document", chunk_size=2)
            assert caught.value.code == code and "records[4]" in caught.value.message
        with pytest.raises(TiezhengError) as caught:
            client.anchor_many([b"a", b"b", b"c"], "no such kind", chunk_size=2)
    assert node.envelopes == []  # nothing was sent


def test_async_client_rides_out_busy_too(monkeypatch, clock):
    async def sleep(seconds: float) -> None:
        clock.sleep(seconds)

    monkeypatch.setattr(sdk.asyncio, "sleep", sleep)
    node = FakeNode(busy=12, retry_after="2")

    async def scenario() -> list[sdk.Anchored]:
        async with async_client_for(node) as client:
            return await client.anchor_many([b"async patient"], "document")

    assert asyncio.run(scenario())[0].new and clock.sleeps == [2.0] * 12


# identical inputs are one record


def test_identical_inputs_in_one_millisecond_are_one_record_with_one_id(tmp_path):
    node = FakeNode()
    copies = []
    for name in ("a.pdf", "copy of a.pdf"):
        (tmp_path / name).write_bytes(b"the same decision")
        copies.append(tmp_path / name)
    with client_for(node) as client:
        anchored = client.anchor_many([b"dup", b"dup", b"other", copies[0], b"dup", copies[1]], "document", time_ms=T0)
    assert len(anchored) == 6 and len(node.envelopes) == 1 and len(node.envelopes[0]) == 3
    ids = [a.id for a in anchored]
    assert ids[0] == ids[1] == ids[4] and ids[3] == ids[5] and len(set(ids)) == 3
    assert [a.new for a in anchored] == [True, False, True, True, False, False]
    assert [a.statement.digest for a in anchored][:3] == [sm3(b"dup"), sm3(b"dup"), sm3(b"other")]


def test_duplicates_in_the_default_time_are_anchored_too():
    node = FakeNode()
    with client_for(node) as client:
        anchored = client.anchor_many([b"dup"] * 300, "document")  # statements built in one or a few milliseconds
    assert len(anchored) == 300 and len(node.envelopes) == 1
    assert len({a.id for a in anchored}) == len(node.envelopes[0]) == sum(a.new for a in anchored)


# new is per record


def test_new_is_true_only_for_records_this_call_added():
    node = FakeNode()
    with client_for(node) as client:
        first = client.anchor_many([b"a", b"b"], "document", time_ms=T0)
        again = client.anchor_many([b"a", b"c", b"b"], "document", time_ms=T0)
    assert [a.new for a in first] == [True, True]
    assert [a.new for a in again] == [False, True, False]
    assert [again[0].id, again[2].id] == [first[0].id, first[1].id]


def test_a_node_without_fresh_still_answers():
    node = FakeNode()

    def old_node(request: httpx.Request) -> httpx.Response:
        response = node(request)
        body = response.json()
        del body["fresh"]
        return httpx.Response(response.status_code, json=body)

    http = httpx.Client(transport=httpx.MockTransport(old_node), base_url="http://node")
    with Client("http://node", key=KEY, agency=AGENCY, http=http) as client:
        assert [a.new for a in client.anchor_many([b"a", b"b"], "document", time_ms=T0)] == [True, True]
        assert [a.new for a in client.anchor_many([b"a", b"b"], "document", time_ms=T0)] == [False, False]


# AsyncClient reads files off the event loop


@pytest.fixture
def slow_hashing(monkeypatch):
    """sm3_file that takes 0.3 s and notes the thread it ran on."""
    threads: list[threading.Thread] = []
    real = sdk.sm3_file

    def slow(path):
        threads.append(threading.current_thread())
        time.sleep(0.3)
        return real(path)

    monkeypatch.setattr(sdk, "sm3_file", slow)
    return threads


def test_async_client_hashes_paths_in_a_worker_thread(tmp_path, slow_hashing):
    files = []
    for i in range(3):
        files.append(tmp_path / f"f{i}")
        files[-1].write_bytes(b"file %d" % i)
    node = FakeNode()

    async def scenario() -> tuple[int, list[sdk.Anchored]]:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        async def anchor() -> list[sdk.Anchored]:
            async with async_client_for(node) as client:
                one = await client.anchor_many(files[:2], "document")
                two = await client.anchor_many([files[2]], "document")
            done.set()
            return one + two

        _, anchored = await asyncio.gather(ticker(), anchor())
        return ticks, anchored

    ticks, anchored = asyncio.run(scenario())
    assert [a.statement.digest for a in anchored] == [sm3(f.read_bytes()) for f in files]
    assert slow_hashing and all(t is not threading.main_thread() for t in slow_hashing)
    assert ticks >= 10  # the loop kept running through 0.9 s of hashing (blocked, it would tick about 3 times)


def test_async_anchor_of_one_path_hashes_off_the_loop(tmp_path, slow_hashing):
    (tmp_path / "f").write_bytes(b"one")

    def single(request: httpx.Request) -> httpx.Response:
        return httpx.Response(202, json={"id": "TST-000000-00", "index": 0, "status": "accepted", "new": True})

    async def scenario() -> sdk.Anchored:
        http = httpx.AsyncClient(transport=httpx.MockTransport(single), base_url="http://node")
        async with AsyncClient("http://node", key=KEY, agency=AGENCY, http=http) as client:
            return await client.anchor(tmp_path / "f", "permit")

    assert asyncio.run(scenario()).statement.digest == sm3(b"one")
    assert len(slow_hashing) == 1 and slow_hashing[0] is not threading.main_thread()


# each envelope's results as soon as it is accepted, and progress while hashing


def test_envelopes_are_handed_over_as_soon_as_accepted():
    node = FakeNode(refuse_envelope=1)
    received = []
    with client_for(node) as client:
        envelopes = client.anchor_envelopes([b"r %d" % i for i in range(5)], "document", chunk_size=2)
        received.append(next(envelopes))
        assert node.requests == 1  # the first envelope's IDs are in hand before the second is sent
        with pytest.raises(ApiError) as caught:
            next(envelopes)
    assert caught.value.code == "too-large"
    assert [len(e) for e in received] == [2] and all(a.status == "accepted" for a in received[0])
    assert [a.index for a in received[0]] == [0, 1]


def test_hash_progress_moves_before_each_envelope_is_sent(tmp_path):
    files = []
    for i in range(5):
        files.append(tmp_path / f"{i}.bin")
        files[-1].write_bytes(b"%d" % i * 1000)
    events: list[tuple[str, int, int]] = []
    node = FakeNode()
    with client_for(node) as client:
        client.anchor_many(
            files,
            "document",
            chunk_size=2,
            progress=lambda done, total: events.append(("anchored", done, total)),
            hash_progress=lambda done, total: events.append(("hashed", done, total)),
        )
    assert events == [
        ("hashed", 1, 5), ("hashed", 2, 5), ("anchored", 2, 5),
        ("hashed", 3, 5), ("hashed", 4, 5), ("anchored", 4, 5),
        ("hashed", 5, 5), ("anchored", 5, 5),
    ]  # fmt: skip


def test_a_missing_key_is_reported_before_any_file_is_read(tmp_path, slow_hashing):
    http = httpx.Client(transport=httpx.MockTransport(FakeNode()), base_url="http://node")
    with Client("http://node", http=http) as reader, pytest.raises(sdk.TiezhengError, match="no agency key"):
        reader.anchor_many([Path(tmp_path)], "document")
    assert slow_hashing == []


def test_case_and_document_numbers_need_the_agency_salt():
    from tiezheng.errors import TiezhengError
    from tiezheng.statement import document_number_hash, subject_hash

    key = SM2PrivateKey.generate()
    for salt in (None, b"short salt"):
        unsalted = sdk._Operations(key, "AGENCY-1", (), subject_salt=salt)
        with pytest.raises(TiezhengError) as refused:
            unsalted.subject("京市监许〔2026〕0417号")
        assert refused.value.code == "no-salt"
        with pytest.raises(TiezhengError):
            unsalted.step_fields({}, "出生-1")
        assert unsalted.step_fields({"hearing": True}, None) == {"hearing": True}  # nothing to hash, no salt needed
    salt = b"our agency's secret salt"
    salted = sdk._Operations(key, "AGENCY-1", (), subject_salt=salt)
    assert salted.subject("京市监许〔2026〕0417号") == subject_hash("京市监许〔2026〕0417号", salt)
    fields = salted.step_fields({"hearing": False}, "出生-1")
    assert fields == {"hearing": False, "document_no": document_number_hash("出生-1", salt)}
    assert fields["document_no"].startswith("sm3:") and "出生" not in fields["document_no"]


def test_officials_need_the_agency_operator_salt():
    from tiezheng.errors import TiezhengError
    from tiezheng.statement import operator_hash

    key = SM2PrivateKey.generate()
    for salt in (None, b"short salt"):
        with pytest.raises(TiezhengError) as refused:
            sdk._Operations(key, "AGENCY-1", (), operator_salt=salt).operator("official-0042")
        assert refused.value.code == "no-salt"
    salt = b"our agency's operator salt"
    assert sdk._Operations(key, "AGENCY-1", (), operator_salt=salt).operator(None) is None
    assert sdk._Operations(key, "AGENCY-1", (), operator_salt=salt).operator("official-0042") == operator_hash(
        salt, "official-0042"
    )
