"""web3.py, unchanged, against a real node process over HTTP."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError, TransactionNotFound, Web3RPCError

from tiezheng.gm import SM2PrivateKey

ARTIFACTS = Path(__file__).resolve().parents[2] / "contracts" / "artifacts"


def artifact(name: str) -> dict:
    return json.loads((ARTIFACTS / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def w3(dev_node) -> Web3:
    return Web3(Web3.HTTPProvider(dev_node.rpc_url, request_kwargs={"timeout": 30}))


@pytest.fixture(scope="module")
def admin(dev_node):
    return Account.from_key(dev_node.accounts()["admin"]["evm_private_key"])


def send(w3: Web3, account, transaction: dict) -> dict:
    transaction = {
        **transaction,
        "from": account.address,
        "nonce": w3.eth.get_transaction_count(account.address, "pending"),
    }
    if "gas" not in transaction:
        transaction["gas"] = w3.eth.estimate_gas(transaction)
    signed = account.sign_transaction(transaction)
    transaction_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    return w3.eth.wait_for_transaction_receipt(transaction_hash, timeout=30, poll_latency=0.1)


@pytest.fixture(scope="module")
def notebook(w3, admin):
    spec = artifact("Notebook")
    factory = w3.eth.contract(abi=spec["abi"], bytecode=spec["bytecode"])
    receipt = send(w3, admin, factory.constructor().build_transaction({"from": admin.address}))
    assert receipt.status == 1
    return w3.eth.contract(address=receipt.contractAddress, abi=spec["abi"])


def test_identity(w3, dev_node):
    assert w3.is_connected()
    assert w3.eth.chain_id == 7301
    assert w3.net.version == "7301"
    assert w3.client_version.startswith("Tiezheng/")
    assert w3.eth.syncing is False
    assert w3.eth.gas_price == 0 and w3.eth.max_priority_fee == 0


def test_deploy_transact_and_read_events(w3, admin, notebook):
    receipt = send(w3, admin, notebook.functions.note("受理：第 1 号").build_transaction({"from": admin.address}))
    assert receipt.status == 1
    event = notebook.events.Noted().process_receipt(receipt)[0]
    assert event.args.author == admin.address and event.args.text == "受理：第 1 号"
    assert notebook.functions.count().call() >= 1
    assert notebook.functions.get(event.args.id).call() == "受理：第 1 号"
    block = w3.eth.get_block(receipt.blockNumber, full_transactions=True)
    assert block.transactions[receipt.transactionIndex]["hash"] == receipt.transactionHash
    assert w3.eth.get_block(block.hash).number == block.number
    transaction = w3.eth.get_transaction(receipt.transactionHash)
    assert transaction["from"] == admin.address and transaction["to"] == notebook.address


def test_logs_with_filters(w3, admin, notebook):
    receipts = [
        send(w3, admin, notebook.functions.note(f"step {i}").build_transaction({"from": admin.address}))
        for i in range(3)
    ]
    first, last = receipts[0].blockNumber, receipts[-1].blockNumber
    events = notebook.events.Noted().get_logs(from_block=first, to_block=last)
    assert [e.args.text for e in events][-3:] == ["step 0", "step 1", "step 2"]
    by_id = notebook.events.Noted().get_logs(from_block=0, argument_filters={"id": events[-1].args.id})
    assert len(by_id) == 1 and by_id[0].args.text == "step 2"
    assert w3.eth.get_logs({"fromBlock": first, "toBlock": last, "address": "0x" + "00" * 19 + "01"}) == []
    unfiltered = w3.eth.get_logs({"fromBlock": first, "toBlock": last, "address": []})  # as geth: no filter
    assert unfiltered == w3.eth.get_logs({"fromBlock": first, "toBlock": last}) and len(unfiltered) >= 3
    by_hash = w3.eth.get_logs({"blockHash": receipts[0].blockHash, "address": notebook.address})
    assert any(log["transactionHash"] == receipts[0].transactionHash for log in by_hash)
    # A topic position, even a null one, matches only logs that have it (as geth filters).
    noted = w3.eth.get_logs({"fromBlock": first, "toBlock": last, "address": notebook.address})
    positions = len(noted[0]["topics"])
    span = {"fromBlock": first, "toBlock": last, "address": notebook.address}
    assert w3.eth.get_logs({**span, "topics": [None] * positions}) == noted
    assert w3.eth.get_logs({**span, "topics": [None] * (positions + 1)}) == []


def test_revert_reasons(w3, admin, notebook):
    with pytest.raises(ContractLogicError, match="Notebook: always fails"):
        notebook.functions.fail().call()
    with pytest.raises(ContractLogicError, match="Notebook: empty note"):
        notebook.functions.note("").estimate_gas({"from": admin.address})
    with pytest.raises(ContractCustomError):
        notebook.functions.note("x" * 300).call({"from": admin.address})
    # Mined and failed: status 0, and replaying it gives the reason.
    transaction = notebook.functions.note("").build_transaction({"from": admin.address, "gas": 100_000})
    receipt = send(w3, admin, transaction)
    assert receipt.status == 0
    with pytest.raises(ContractLogicError, match="Notebook: empty note"):
        w3.eth.call(
            {"from": admin.address, "to": notebook.address, "data": transaction["data"]}, receipt.blockNumber - 1
        )


def test_state_reads(w3, admin, notebook):
    assert w3.eth.get_balance(admin.address) > 0
    assert len(w3.eth.get_code(notebook.address)) > 100
    assert int.from_bytes(w3.eth.get_storage_at(notebook.address, 0), "big") == notebook.functions.count().call()
    assert w3.eth.get_code("0x0000000000000000000000000000000000007A01") != b""
    history = w3.eth.fee_history(3, "latest", [50])
    assert history["baseFeePerGas"] == [0, 0, 0, 0] and history["reward"] == [[0], [0], [0]]


def test_pending_nonce_counts_the_pool(w3, admin, dev_node):
    latest = w3.eth.get_transaction_count(admin.address)
    pending = w3.eth.get_transaction_count(admin.address, "pending")
    assert pending >= latest


def test_unregistered_account_is_refused(w3, notebook):
    stranger = Account.create()
    transaction = notebook.functions.note("hi").build_transaction(
        {"from": stranger.address, "nonce": 0, "gas": 100_000, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0}
    )
    with pytest.raises(Web3RPCError) as caught:
        w3.eth.send_raw_transaction(stranger.sign_transaction(transaction).raw_transaction)
    assert caught.value.rpc_response["error"]["code"] == -32007
    assert "not permitted" in caught.value.rpc_response["error"]["message"]


def test_transactions_py_evm_would_refuse_never_stop_the_chain(w3, admin, notebook):
    # Each of these once stopped every later block: too little gas for the intrinsic
    # cost is refused at submission; transfers that overdraw only together are left out.
    too_little = notebook.functions.note("x").build_transaction(
        {"from": admin.address, "gas": 20_999, "nonce": w3.eth.get_transaction_count(admin.address, "pending")}
    )
    with pytest.raises(Web3RPCError) as caught:
        w3.eth.send_raw_transaction(admin.sign_transaction(too_little).raw_transaction)
    assert "intrinsic gas too low" in caught.value.rpc_response["error"]["message"]
    half = w3.eth.get_balance(admin.address) // 2 + 1
    nonce = w3.eth.get_transaction_count(admin.address, "pending")
    sink = Account.create().address
    hashes = []
    for offset in range(3):
        transfer = {
            "to": sink, "value": half, "gas": 21_000, "nonce": nonce + offset,
            "maxFeePerGas": 0, "maxPriorityFeePerGas": 0, "chainId": w3.eth.chain_id,
        }  # fmt: skip
        try:
            hashes.append(w3.eth.send_raw_transaction(admin.sign_transaction(transfer).raw_transaction))
        except Web3RPCError as refused:  # the first was sealed already: this one cannot pay even alone
            assert offset > 0 and refused.rpc_response["error"]["data"]["reason"] == "insufficient-funds"
            break
    assert w3.eth.wait_for_transaction_receipt(hashes[0], timeout=30).status == 1
    deadline = time.monotonic() + 30
    while w3.eth.get_transaction_count(admin.address, "pending") != nonce + 1:  # the overdrafts are dropped
        assert time.monotonic() < deadline, "the overdrawing transfers were never dropped"
        time.sleep(0.1)
    for dropped in hashes[1:]:
        with pytest.raises(TransactionNotFound):
            w3.eth.get_transaction(dropped)
    receipt = send(w3, admin, notebook.functions.note("after").build_transaction({"from": admin.address}))
    assert receipt.status == 1 and w3.eth.get_balance(sink) == half


def test_a_registration_the_node_refuses_is_a_json_rpc_error_naming_the_rule(w3, admin):
    registry = w3.eth.contract(
        address="0x0000000000000000000000000000000000007A01", abi=artifact("AgencyRegistry")["abi"]
    )
    key = SM2PrivateKey.generate().public_key().to_bytes()
    for code, name, reason in (
        ("TEST-RTL", "某局\u202e局某", "invisible-character"),
        ("bad code", "某局", "bad-field"),
    ):
        transaction = registry.functions.register(code, name, key, Account.create().address).build_transaction(
            {"from": admin.address, "gas": 500_000, "nonce": w3.eth.get_transaction_count(admin.address, "pending")}
        )
        with pytest.raises(Web3RPCError) as refused:
            w3.eth.send_raw_transaction(admin.sign_transaction(transaction).raw_transaction)
        assert refused.value.rpc_response["error"]["data"]["reason"] == reason
        assert "agency registration refused" in refused.value.rpc_response["error"]["message"]


def test_registered_agency_may_transact_until_revoked(w3, admin, notebook):
    registry = w3.eth.contract(
        address="0x0000000000000000000000000000000000007A01", abi=artifact("AgencyRegistry")["abi"]
    )
    newcomer = Account.create()
    key = SM2PrivateKey.generate().public_key().to_bytes()  # a point on the curve: the node checks registrations
    code = "TEST-" + newcomer.address[2:10]
    assert (
        send(
            w3,
            admin,
            registry.functions.register(code, "测试机构", key, newcomer.address).build_transaction(
                {"from": admin.address}
            ),
        ).status
        == 1
    )
    receipt = send(
        w3, newcomer, notebook.functions.note("from the newcomer").build_transaction({"from": newcomer.address})
    )
    assert receipt.status == 1
    assert send(w3, admin, registry.functions.revoke(code).build_transaction({"from": admin.address})).status == 1
    transaction = notebook.functions.note("after revocation").build_transaction(
        {"from": newcomer.address, "nonce": w3.eth.get_transaction_count(newcomer.address), "gas": 100_000}
    )
    with pytest.raises(Web3RPCError, match="not permitted"):
        w3.eth.send_raw_transaction(newcomer.sign_transaction(transaction).raw_transaction)


def test_batch_requests(dev_node):
    response = httpx.post(
        dev_node.rpc_url,
        json=[
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
            {"jsonrpc": "2.0", "id": "two", "method": "eth_blockNumber"},
            {"jsonrpc": "2.0", "method": "eth_blockNumber"},
            {"jsonrpc": "2.0", "id": 3, "method": "no_such_method"},
        ],
    )
    body = response.json()
    assert [item["id"] for item in body] == [1, "two", 3]
    assert body[0]["result"] == hex(7301)
    assert body[2]["error"]["code"] == -32601
