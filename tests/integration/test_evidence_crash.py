"""kill -9 while records stream in: nothing reported accepted or proven is lost, and IDs keep their records."""

from __future__ import annotations

import threading
import time

import httpx

from tests.integration.conftest import DevAgency
from tests.support.processes import NodeProcess
from tiezheng.batch import BatchEnvelope
from tiezheng.genesis import Genesis
from tiezheng.gm import sm3
from tiezheng.receipt import Receipt
from tiezheng.verifier import verify_receipt

CBOR = {"content-type": "application/cbor"}


def test_kill_9_under_evidence_load(tmp_path):
    node = NodeProcess(tmp_path / "data", extra_args=["--block-interval-ms", "300"]).start()
    agency = DevAgency(node)
    genesis = Genesis.load(node.data_dir / "genesis.json")
    accepted: dict[str, bytes] = {}  # evidence ID → the record's bytes, as the node answered
    proven_receipts: dict[str, bytes] = {}  # evidence ID → receipt bytes fetched before the crash
    stop = threading.Event()
    lock = threading.Lock()

    def single_sender() -> None:
        with httpx.Client(timeout=10) as client:
            number = 0
            while not stop.is_set():
                record = b"single %d" % number
                number += 1
                try:
                    response = client.post(
                        node.url + "/v1/evidence", content=agency.signed(record).to_cbor(), headers=CBOR
                    )
                except httpx.HTTPError:
                    return
                if response.status_code in (200, 202):
                    with lock:
                        accepted[response.json()["id"]] = record

    def batch_sender() -> None:
        with httpx.Client(timeout=30) as client:
            number = 0
            while not stop.is_set():
                records = [b"batch %d %d" % (number, i) for i in range(500)]
                number += 1
                envelope = BatchEnvelope.build([agency.statement(r) for r in records], agency.key, time=number)
                try:
                    response = client.post(node.url + "/v1/evidence/batch", content=envelope.to_cbor(), headers=CBOR)
                except httpx.HTTPError:
                    return
                if response.status_code in (200, 202):
                    with lock:
                        accepted.update(zip(response.json()["ids"], records, strict=True))

    def prover() -> None:
        with httpx.Client(timeout=10) as client:
            while not stop.is_set():
                with lock:
                    candidates = [i for i in list(accepted)[-50:] if i not in proven_receipts]
                for evidence_id in candidates[:10]:
                    try:
                        response = client.get(node.url + f"/v1/evidence/{evidence_id}/receipt")
                    except httpx.HTTPError:
                        return
                    if response.status_code == 200:
                        proven_receipts[evidence_id] = response.content
                time.sleep(0.02)

    threads = [threading.Thread(target=f) for f in (single_sender, batch_sender, prover)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while (len(accepted) < 5_000 or len(proven_receipts) < 20) and time.monotonic() < deadline:
        time.sleep(0.1)
    node.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(accepted) >= 5_000 and len(proven_receipts) >= 20, (
        len(accepted),
        len(proven_receipts),
        node.log()[-2000:],
    )

    node.start()
    with httpx.Client(timeout=30) as client:
        # Every receipt fetched before the crash is still served, byte for byte.
        for evidence_id, receipt in proven_receipts.items():
            assert client.get(node.url + f"/v1/evidence/{evidence_id}/receipt").content == receipt
        # Every ID the node answered with still names the same record, and each gets proven.
        deadline = time.monotonic() + 60
        ids = list(accepted)
        while time.monotonic() < deadline:
            if client.get(node.url + f"/v1/evidence/{ids[-1]}").json()["status"] == "proven" and all(
                client.get(node.url + f"/v1/evidence/{i}").json()["status"] == "proven" for i in ids[-200:]
            ):
                break
            time.sleep(0.2)
        for evidence_id in ids[:: max(1, len(ids) // 400)] + ids[-50:]:
            body = client.get(node.url + f"/v1/evidence/{evidence_id}").json()
            assert body["status"] == "proven", evidence_id
            assert body["statement"]["digest"] == sm3(accepted[evidence_id]).hex(), evidence_id
        for evidence_id in list(proven_receipts)[:5] + ids[-5:]:
            receipt = Receipt.from_cbor(client.get(node.url + f"/v1/evidence/{evidence_id}/receipt").content)
            assert verify_receipt(receipt, genesis, digest=sm3(accepted[evidence_id])).valid
    assert node.stop() == 0
