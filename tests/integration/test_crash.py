"""kill -9 during a stream of transactions: nothing whose receipt was returned is lost, and the chain goes on."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from eth_account import Account
from web3 import Web3

from tests.support.processes import NodeProcess

ARTIFACTS = Path(__file__).resolve().parents[2] / "contracts" / "artifacts"
RECIPIENT = "0x000000000000000000000000000000000000bEEF"


def test_kill_9_under_load_then_restart(tmp_path):
    node = NodeProcess(tmp_path / "data", extra_args=["--block-interval-ms", "200"]).start()
    w3 = Web3(Web3.HTTPProvider(node.rpc_url, request_kwargs={"timeout": 10}))
    admin = Account.from_key(node.accounts()["admin"]["evm_private_key"])
    spec = json.loads((ARTIFACTS / "Notebook.json").read_text())
    deploy = admin.sign_transaction(
        {
            "chainId": 7301,
            "nonce": 0,
            "gas": 1_000_000,
            "maxFeePerGas": 0,
            "maxPriorityFeePerGas": 0,
            "data": spec["bytecode"],
            "type": 2,
        }
    )
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_raw_transaction(deploy.raw_transaction), timeout=30, poll_latency=0.05
    )
    notebook = w3.eth.contract(address=receipt.contractAddress, abi=spec["abi"])

    sent: dict[bytes, int] = {}  # transaction hash → value transferred (0 for notes)
    confirmed: dict[bytes, tuple[int, bytes]] = {}  # hash → (block number, block hash) as reported before the crash
    stop = threading.Event()

    def stream() -> None:
        nonce = 1
        while not stop.is_set():
            if nonce % 2:
                transaction = notebook.functions.note(f"record {nonce}").build_transaction(
                    {"chainId": 7301, "nonce": nonce, "gas": 200_000, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
                )
                value = 0
            else:
                value = nonce
                transaction = {
                    "chainId": 7301, "nonce": nonce, "gas": 21_000, "maxFeePerGas": 0,
                    "maxPriorityFeePerGas": 0, "to": RECIPIENT, "value": value, "type": 2,
                }  # fmt: skip
            try:
                transaction_hash = w3.eth.send_raw_transaction(admin.sign_transaction(transaction).raw_transaction)
            except Exception:
                return  # the node is gone
            sent[bytes(transaction_hash)] = value
            nonce += 1
            time.sleep(0.005)

    def watch() -> None:
        while not stop.is_set():
            for transaction_hash in list(sent):
                if transaction_hash in confirmed:
                    continue
                try:
                    found = w3.eth.get_transaction_receipt(transaction_hash)
                except Exception:
                    found = None
                if found is not None:
                    confirmed[transaction_hash] = (found.blockNumber, bytes(found.blockHash))
            time.sleep(0.02)

    threads = [threading.Thread(target=stream), threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(confirmed) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    node.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(confirmed) >= 60, f"only {len(confirmed)} receipts before the deadline:\n{node.log()[-2000:]}"
    assert len(sent) > len(confirmed), "the stream should still have had transactions in flight"

    node.start()
    w3 = Web3(Web3.HTTPProvider(node.rpc_url, request_kwargs={"timeout": 10}))
    head = w3.eth.block_number
    assert head >= max(number for number, _ in confirmed.values())
    for transaction_hash, (number, block_hash) in confirmed.items():
        receipt = w3.eth.get_transaction_receipt(transaction_hash)
        assert receipt is not None, f"{transaction_hash.hex()} had a receipt before the crash and has none now"
        assert (receipt.blockNumber, bytes(receipt.blockHash)) == (number, block_hash)
        assert receipt.status == 1
    included = {h: v for h, v in sent.items() if _receipt(w3, h) is not None}
    assert w3.eth.get_balance(RECIPIENT) == sum(included.values())
    notes = sum(1 for v in included.values() if v == 0)
    assert notebook.functions.count().call() == notes
    assert int.from_bytes(w3.eth.get_storage_at(notebook.address, 0), "big") == notes

    # The chain goes on from where it was.
    nonce = w3.eth.get_transaction_count(admin.address)
    resumed = admin.sign_transaction(
        {
            "chainId": 7301,
            "nonce": nonce,
            "gas": 21_000,
            "maxFeePerGas": 0,
            "maxPriorityFeePerGas": 0,
            "to": RECIPIENT,
            "value": 1,
            "type": 2,
        }
    )
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_raw_transaction(resumed.raw_transaction), timeout=30, poll_latency=0.05
    )
    assert receipt.blockNumber == head + 1
    assert w3.eth.get_block(head + 1).parentHash == w3.eth.get_block(head).hash
    assert node.stop() == 0


def _receipt(w3: Web3, transaction_hash: bytes):
    try:
        return w3.eth.get_transaction_receipt(transaction_hash)
    except Exception:
        return None
