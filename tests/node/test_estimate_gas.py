"""eth_estimateGas: the gas it names is enough, and not more than 1.5 % above the least that is."""

from __future__ import annotations

import pytest
from eth_utils import to_checksum_address
from fastapi.testclient import TestClient

from tests.support.nodekit import LocalChain
from tiezheng_node.api.app import create_app
from tiezheng_node.execution.addresses import AGENCY_REGISTRY
from tiezheng_node.execution.artifacts import load as load_artifact


@pytest.fixture(scope="module")
def rpc(tmp_path_factory):
    chain = LocalChain(tmp_path_factory.mktemp("estimate") / "node")
    client = TestClient(create_app(chain.node))

    def call(method: str, *params):
        return client.post("/rpc", json={"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).json()

    yield chain, call
    client.close()
    chain.close()


CALLS = {
    "registry view": {"to": "0x" + AGENCY_REGISTRY.hex(), "data": "0x" + load_artifact("AgencyRegistry").calldata(
        "isAdmin", b"\x11" * 20).hex()},
    "SM3 precompile over 4 KiB": {"to": "0x0000000000000000000000000000000000000a01", "data": "0x" + "ab" * 4096},
    "plain transfer": {"to": "0x" + "22" * 20, "value": "0x0"},
    # EIP-7623: 20,000 non-zero bytes cost 821,000 at least, 341,000 of it intrinsic.
    "calldata above its floor": {"to": "0x" + "22" * 20, "data": "0x" + "ff" * 20_000},
    "registry view with an access list": {
        "to": "0x" + AGENCY_REGISTRY.hex(),
        "data": "0x" + load_artifact("AgencyRegistry").calldata("isAdmin", b"\x11" * 20).hex(),
        "accessList": [{"address": "0x" + AGENCY_REGISTRY.hex(), "storageKeys": ["0x" + "00" * 32]}],
    },
}  # fmt: skip


@pytest.mark.parametrize("name", CALLS)
def test_the_estimate_suffices_and_is_close_to_the_least(rpc, name):
    _, call = rpc
    estimate = int(call("eth_estimateGas", CALLS[name])["result"], 16)
    enough = call("eth_call", {**CALLS[name], "gas": hex(estimate)})
    assert "result" in enough, enough
    if estimate > 21_000:  # a transfer's estimate is its intrinsic cost exactly
        short = call("eth_call", {**CALLS[name], "gas": hex(int(estimate / 1.016))})
        assert "error" in short, (estimate, short)
    assert int(call("eth_estimateGas", {**CALLS[name], "gas": hex(estimate)})["result"], 16) == estimate


def test_an_estimate_runs_the_call_a_handful_of_times(rpc, monkeypatch):
    chain, call = rpc
    runs = []
    run = chain.node.execution.call
    monkeypatch.setattr(chain.node.execution, "call", lambda **message: runs.append(message["gas"]) or run(**message))
    call("eth_estimateGas", CALLS["SM3 precompile over 4 KiB"])
    # One run at the cap, then a probe just above what it consumed, then halving to 1.5 %.
    assert 2 <= len(runs) <= 9, runs


def test_the_estimate_counts_the_calldata_floor(rpc):
    _, call = rpc
    estimate = int(call("eth_estimateGas", CALLS["calldata above its floor"])["result"], 16)
    assert 821_000 <= estimate <= 821_000 * 1.015
    below = call("eth_call", {**CALLS["calldata above its floor"], "gas": hex(820_999)})
    assert "needs at least 821000 (EIP-7623's calldata floor)" in below["error"]["message"], below


def test_an_access_lists_cost_is_in_the_estimate_and_a_transaction_at_it_is_sealed(rpc):
    chain, call = rpc
    with_list = CALLS["registry view with an access list"]
    estimate = int(call("eth_estimateGas", with_list)["result"], 16)
    without = int(call("eth_estimateGas", {k: v for k, v in with_list.items() if k != "accessList"})["result"], 16)
    assert estimate > without  # 2,400 an address and 1,900 a key up front, less what warming them saves
    transaction = {
        "type": 1, "chainId": chain.genesis.chain_id, "nonce": chain.nonce(chain.admin), "gas": estimate,
        "gasPrice": 0, "to": to_checksum_address(with_list["to"]), "value": 0, "data": with_list["data"],
        "accessList": with_list["accessList"],
    }  # fmt: skip
    sent = call("eth_sendRawTransaction", "0x" + bytes(chain.admin.sign_transaction(transaction).raw_transaction).hex())
    assert "result" in sent, sent
    block = chain.node.produce_block()
    assert block is not None and block.receipts[0].gas_used <= estimate


@pytest.mark.parametrize(
    ("access_list", "words"),
    [
        ("0x00", "accessList must be a list"),
        ([{"storageKeys": []}], "accessList[0] must be an object with address"),
        ([{"address": "0x" + "11" * 20, "storageKeys": "0x00"}], "storageKeys must be a list"),
        ([{"address": "0x" + "11" * 20, "storageKeys": ["0x01"]}], "storageKeys must be 32 bytes"),
        ([{"address": "0x" + "11" * 20, "storageKeys": [1]}], "storageKeys must be 0x-prefixed hex"),
        ([{"address": "0x11", "storageKeys": []}], "accessList[0].address"),
        ([{"address": "0x" + "11" * 20, "storageKeys": ["0x" + "00" * 32] * 10_000}], "more than 10000"),
    ],
)
def test_a_malformed_access_list_is_an_invalid_param(rpc, access_list, words):
    _, call = rpc
    answer = call("eth_estimateGas", {"to": "0x" + "22" * 20, "accessList": access_list})
    assert answer["error"]["code"] == -32602 and words in answer["error"]["message"], answer


def test_more_gas_than_a_block_takes_is_lowered_to_it_not_refused(rpc):
    chain, call = rpc
    answer = call("eth_call", {**CALLS["registry view"], "gas": hex(2 * chain.node.genesis.gas_target)})
    assert "result" in answer, answer
