"""The SDK (blocking and asyncio) against a real node, including back-pressure it must ride out."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import httpx
import pytest

from tests.integration.conftest import DevAgency
from tests.support.processes import NodeProcess
from tiezheng import ApiError, AsyncClient, Client, Digest
from tiezheng.batch import BatchEnvelope
from tiezheng.errors import TiezhengError
from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.signing import Cosigner


@pytest.fixture(scope="module")
def genesis(dev_node) -> Genesis:
    return Genesis.load(dev_node.data_dir / "genesis.json")


def test_anchor_wait_receipt_and_verify_offline(dev_node, agency, genesis, tmp_path):
    document = tmp_path / "复核意见.pdf"
    document.write_bytes(b"%PDF review" * 1000)
    with Client(dev_node.url, key=agency.key, agency=agency.code) as client:
        anchored = client.anchor(document, "conclusion", stage="复核", wait=True)
        assert anchored.status == "proven" and anchored.receipt is not None
        assert Client.verify(document, anchored.receipt, genesis).valid
        record = client.get(anchored.id)
        assert record.status == "proven" and record.stage == "复核" and record.digest == sm3(document.read_bytes())
        assert client.receipt(anchored.id).to_cbor() == anchored.receipt.to_cbor()
        assert [r.id for r in client.find_by_digest(document)] == [anchored.id]
        again = client.anchor(
            Digest(sm3(document.read_bytes())), "conclusion", stage="复核", time_ms=anchored.statement.time
        )
        assert again.id == anchored.id and again.new is False
        assert client.genesis().hash == genesis.hash


def test_cosigners_are_named_in_what_they_sign_and_their_receipts_verify(dev_node, agency, genesis):
    official, notary = SM2PrivateKey.generate(), SM2PrivateKey.generate()
    cosigners = [(official, "official"), (notary, "notary")]
    with Client(dev_node.url, key=agency.key, agency=agency.code, cosigners=cosigners) as client:
        one = client.anchor(b"co-signed record", "enforcement-record", wait=True)
        assert one.statement.cosigners == (Cosigner.of(official, "official"), Cosigner.of(notary, "notary"))
        assert one.receipt is not None and Client.verify(b"co-signed record", one.receipt, genesis).valid
        assert [s.role for s in one.receipt.signatures] == ["agency", "official", "notary"]
        assert client.get(one.id).signers == ("agency", "official", "notary")
        named = httpx.get(f"{dev_node.url}/v1/evidence/{one.id}").json()["statement"]["cosigners"]
        assert named == [{"role": "official", "key": official.public_key().key_id.hex()},
                         {"role": "notary", "key": notary.public_key().key_id.hex()}]  # fmt: skip
        batch = client.anchor_many([b"co-signed batch %d" % i for i in range(3)], "document", wait=True)
        receipt = client.receipt(batch[1].id)
        assert receipt.batch is not None and len(receipt.batch.signatures) == 3
        assert Client.verify(b"co-signed batch 1", receipt, genesis).valid
    # Without the notary's signature the receipt says so, whoever removed it.
    stripped = dataclasses.replace(one.receipt, signatures=one.receipt.signatures[:2])
    verdict = Client.verify(b"co-signed record", stripped, genesis)
    assert not verdict.valid and verdict.failed.name == "signatures" and "missing-cosignature" in verdict.failed.detail


def test_anchor_many_with_progress(dev_node, agency, genesis):
    seen: list[tuple[int, int]] = []
    records = [b"bulk %d" % i for i in range(2_500)]
    with Client(dev_node.url, key=agency.key, agency=agency.code) as client:
        anchored = client.anchor_many(
            records, "document", chunk_size=1_000, wait=True, progress=lambda d, t: seen.append((d, t))
        )
        assert [a.status for a in anchored] == ["proven"] * 2_500
        assert seen == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]
        indexes = [a.index for a in anchored]
        assert indexes == sorted(indexes) and len(set(indexes)) == 2_500
        receipt = client.receipt(anchored[1_234].id)
        assert Client.verify(b"bulk 1234", receipt, genesis).valid
        assert not Client.verify(b"bulk 1235", receipt, genesis).valid


def test_identical_records_anchor_once_and_new_is_per_record(dev_node, agency, genesis, tmp_path):
    copies = []
    for name in ("a.pdf", "a copy.pdf"):
        copies.append(tmp_path / name)
        copies[-1].write_bytes(b"one decision, filed twice")
    moment = int(time.time() * 1000)  # one millisecond for all: identical inputs make identical statements
    with Client(dev_node.url, key=agency.key, agency=agency.code) as client:
        assert len(client.anchor_many([b"dup"] * 2, "document")) == 2  # whether or not built in one millisecond
        first = client.anchor_many([b"dup", copies[0], b"dup", copies[1]], "document", time_ms=moment, wait=True)
        assert first[0].id == first[2].id and first[1].id == first[3].id and first[0].id != first[1].id
        assert [a.new for a in first] == [True, True, False, False]
        again = client.anchor_many([copies[1], b"fresh", b"dup"], "document", time_ms=moment)
        assert [a.new for a in again] == [False, True, False]
        assert [again[0].id, again[2].id] == [first[1].id, first[0].id]
        for path in copies:  # each file's receipt: the one record's
            assert Client.verify(path, client.receipt(first[1].id), genesis).valid


def test_errors_carry_the_server_code(dev_node, agency):
    with Client(dev_node.url) as reader:
        with pytest.raises(ApiError) as caught:
            reader.get("DEV-000000-00")
        assert caught.value.code == "evidence-id-checksum" and caught.value.status == 400
        with pytest.raises(ApiError) as caught:
            reader.receipt("DEV-1ZZZZZ-" + "00")
        assert caught.value.status == 400
        with pytest.raises(TiezhengError, match="no agency key"):
            reader.anchor(b"x", "permit")
    with Client(dev_node.url, key=agency.key, agency="NOT-REGISTERED") as client:
        with pytest.raises(ApiError) as caught:
            client.anchor(b"x", "permit")
        assert caught.value.code == "unknown-agency" and caught.value.status == 403


def test_async_client(dev_node, agency, genesis):
    async def scenario() -> None:
        async with AsyncClient(dev_node.url, key=agency.key, agency=agency.code) as client:
            single, many = await asyncio.gather(
                client.anchor(b"async one", "permit", wait=True),
                client.anchor_many([b"async %d" % i for i in range(50)], "permit", wait=True),
            )
            assert single.status == "proven" and single.receipt is not None
            assert (await AsyncClient.verify(b"async one", single.receipt, genesis)).valid
            assert len(many) == 50 and (await client.get(many[-1].id)).status == "proven"
            receipt = await client.receipt(many[7].id)
            assert (await client.verify(b"async 7", receipt, genesis)).valid

    asyncio.run(scenario())


def test_back_pressure_is_ridden_out(tmp_path):
    node = NodeProcess(
        tmp_path / "data", extra_args=["--block-interval-ms", "2500", "--max-pending-records", "100"]
    ).start()
    try:
        agency = DevAgency(node)
        # A full pool answers 429 with the time its pending records need: here one 2.5 s block, so 3 s.
        envelopes = [
            BatchEnvelope.build(
                [agency.statement(b"burst %d %d" % (n, i)) for i in range(60)], agency.key, time=int(time.time() * 1000)
            ).to_cbor()
            for n in range(3)
        ]
        answers = [
            httpx.post(node.url + "/v1/evidence/batch", content=e, headers={"content-type": "application/cbor"})
            for e in envelopes
        ]
        busy = [a for a in answers if a.status_code == 429]
        assert busy and all(a.headers["retry-after"] == "3" for a in busy), [a.status_code for a in answers]
        with Client(node.url, key=agency.key, agency=agency.code) as client:
            anchored = client.anchor_many(
                [b"pressure %d" % i for i in range(300)], "document", chunk_size=50, wait=True
            )
            assert len({a.id for a in anchored}) == 300
            with pytest.raises(ApiError) as caught:
                client.anchor_many([b"too big %d" % i for i in range(150)], "document", chunk_size=150)
            assert caught.value.status == 413 and caught.value.code == "too-large"
        assert 'tiezheng_submissions_rejected_total{code="busy"}' in httpx.get(node.url + "/metrics").text
    finally:
        node.stop()
