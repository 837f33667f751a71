"""eth_estimateGas: the gas it names is enough, and not more than 1.5 % above the least that is."""

from __future__ import annotations

import pytest
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
