"""What one JSON-RPC request may make the node read: blocks and logs are shared by the calls of a batch,
as the gas of its calls is (docs/node.md)."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from tests.support.nodekit import LocalChain
from tests.support.toychain import statement_for
from tiezheng.signed_statement import SignedStatement
from tiezheng_node.api import rpc
from tiezheng_node.api.app import create_app
from tiezheng_node.execution.addresses import EVIDENCE_REGISTRY


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    local = LocalChain(tmp_path_factory.mktemp("rpc") / "node")
    for n in range(4):  # four blocks, each with a contract anchoring (which logs)
        statement = statement_for(local.agency_key, b"logged %d" % n, agency=local.agency_code)
        signed = SignedStatement.sign(statement, local.agency_key).to_cbor()
        assert local.transact(local.agency, "EvidenceRegistry", EVIDENCE_REGISTRY, "anchor", signed).ok
    yield local
    local.close()


def call(method: str, *params, id: int = 1) -> dict:
    return {"jsonrpc": "2.0", "id": id, "method": method, "params": list(params)}


def test_a_batch_shares_one_calls_range_of_blocks(chain, monkeypatch):
    monkeypatch.setattr(rpc, "MAX_LOG_RANGE", 3)  # 10,000 in service; this chain is short
    everything = {"fromBlock": "0x1", "toBlock": "0x3"}
    with TestClient(create_app(chain.node)) as client:
        alone = client.post("/rpc", json=call("eth_getLogs", everything)).json()
        assert "result" in alone, alone
        batch = client.post("/rpc", json=[call("eth_getLogs", everything, id=n) for n in range(3)]).json()
        assert "result" in batch[0]
        assert [r["error"]["code"] for r in batch[1:]] == [-32005, -32005]
        assert "another request" in batch[1]["error"]["message"]
        mixed = client.post("/rpc", json=[call("eth_feeHistory", "0x2", "latest"), call("eth_getLogs", everything)])
        assert "result" in mixed.json()[0] and mixed.json()[1]["error"]["code"] == -32005


def test_a_batch_shares_one_calls_number_of_logs(chain, monkeypatch):
    with TestClient(create_app(chain.node)) as client:
        logs = client.post("/rpc", json=call("eth_getLogs", {"fromBlock": "0x1", "toBlock": "latest"})).json()["result"]
        assert logs
        monkeypatch.setattr(rpc, "MAX_LOGS", len(logs))
        batch = [call("eth_getLogs", {"fromBlock": "0x1", "toBlock": "latest"}, id=n) for n in range(2)]
        answers = client.post("/rpc", json=batch).json()
        assert len(answers[0]["result"]) == len(logs) and answers[1]["error"]["code"] == -32005


def test_fee_history_of_no_blocks_answers_as_geth_does(chain):
    with TestClient(create_app(chain.node)) as client:
        answer = client.post("/rpc", json=call("eth_feeHistory", "0x0", "latest")).json()
    assert answer["result"] == {"oldestBlock": "0x0", "baseFeePerGas": [], "gasUsedRatio": []}


ENDLESS_LOOP = "0x5b600056"  # initcode JUMPDEST PUSH1 0 JUMP: runs until its gas is gone (seconds, in py-evm)


@pytest.mark.parametrize("method", ["eth_call", "eth_estimateGas"])
def test_a_call_stops_at_its_time_limit_and_frees_the_node(chain, monkeypatch, method):
    monkeypatch.setattr(rpc, "CALL_SECONDS", 0.3)
    with TestClient(create_app(chain.node)) as client:
        started = time.monotonic()
        stopped = client.post("/rpc", json=call(method, {"data": ENDLESS_LOOP}, "latest")).json()
        assert time.monotonic() - started < 3
        assert stopped["error"]["code"] == -32000 and "past its time limit" in stopped["error"]["message"], stopped
        ordinary = client.post("/rpc", json=call("eth_call", {"to": "0x" + "22" * 20}, "latest")).json()
        assert ordinary["result"] == "0x"


def test_a_batch_of_endless_calls_shares_one_time_limit(chain, monkeypatch):
    """A hundred endless loops in one batch hold the execution slot for CALL_SECONDS, not a hundred times it."""
    monkeypatch.setattr(rpc, "CALL_SECONDS", 0.3)
    batch = [{**call("eth_call", {"data": ENDLESS_LOOP}, "latest"), "id": n} for n in range(20)]
    with TestClient(create_app(chain.node)) as client:
        started = time.monotonic()
        answers = client.post("/rpc", json=batch).json()
        assert time.monotonic() - started < 3  # twenty times 0.3 s would be 6
    assert "past its time limit" in answers[0]["error"]["message"]
    assert {a["error"]["code"] for a in answers[1:]} == {-32005}
    assert "at most 0.3 s in all" in answers[1]["error"]["message"]


def test_time_waiting_for_the_execution_slot_does_not_count_against_the_calls(chain, monkeypatch):
    """A call queued behind another's gets its own time to run, however long it waited (up to the 5 s wait)."""
    import threading

    monkeypatch.setattr(rpc, "CALL_SECONDS", 0.3)
    with TestClient(create_app(chain.node)) as client:
        slot = client.app.state.rpc._executing
        slot.acquire()  # another request's call holds it, twice this request's time limit
        threading.Timer(0.6, slot.release).start()
        answer = client.post("/rpc", json=call("eth_call", {"to": "0x" + "22" * 20}, "latest")).json()
    assert answer.get("result") == "0x", answer


def test_blocks_run_without_a_time_limit(chain):
    """Only calls have a deadline: a transaction's gas bounds it, and every validator must reach the same result,
    even a block built on a thread whose context holds a deadline already passed."""
    from tiezheng_node.execution.vm import TiezhengVM, deadline

    raw = chain.sign(chain.admin, None, bytes.fromhex(ENDLESS_LOOP[2:]), gas=200_000)
    looping = TiezhengVM.get_transaction_builder().decode(raw)
    head = chain.node.head.execution
    with deadline(0):
        built = chain.node.execution.build_block(head, [looping], timestamp=head.timestamp + 1)
    assert [t.hash for t in built.block.transactions] == [looping.hash] and not built.rejected
    assert built.receipts[0].gas_used == 200_000  # out of gas, not out of time


def test_an_opcode_built_from_its_logic_is_deadline_checked_too():
    from tiezheng_node.execution.vm import DeadlinePassed, _DeadlineChecked, deadline

    ran: list[object] = []
    opcode = _DeadlineChecked.as_opcode(ran.append, "PROBE", 3)
    assert (opcode.mnemonic, opcode.gas_cost) == ("PROBE", 3)

    class Computation:
        def consume_gas(self, amount: int, reason: str) -> None:
            ran.append(("gas", amount))

    opcode(Computation())
    assert ("gas", 3) in ran and len(ran) == 2
    with deadline(0.0):
        time.sleep(0.001)
        with pytest.raises(DeadlinePassed):
            opcode(Computation())
    assert len(ran) == 2  # nothing ran past the deadline
