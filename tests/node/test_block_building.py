"""No transaction can stop the chain: what py-evm would refuse is left out, and blocks keep coming.

py-evm locks the state before each transaction, so a transaction that fails once
execution has begun cannot be rolled back inside the block being built; these
tests send each kind of transaction that once halted block production.
"""

from __future__ import annotations

import pytest
from eth_account import Account

from tests.support.nodekit import LocalChain
from tiezheng_node.execution.addresses import AGENCY_REGISTRY
from tiezheng_node.node import SubmissionError

SINK = bytes.fromhex("22" * 20)


def balance(chain: LocalChain, account) -> int:
    return chain.node.execution.state(chain.node.head.execution).get_balance(bytes.fromhex(account.address[2:]))


def assert_chain_moves_on(chain: LocalChain) -> None:
    """An ordinary call from the agency still gets into the next block."""
    height = chain.node.head.height
    sent = chain.transact(chain.agency, "AgencyRegistry", AGENCY_REGISTRY, "isAdmin", SINK)
    assert sent.ok and sent.block.sealed.height == height + 1


@pytest.mark.parametrize("gas", [1, 20_999])
def test_gas_below_the_intrinsic_cost_is_refused_at_submission(chain, gas):
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(chain.sign(chain.admin, SINK, b"", gas=gas))
    assert refused.value.code == "intrinsic-gas" and "21000" in str(refused.value)
    assert_chain_moves_on(chain)


def test_gas_below_the_calldata_floor_is_refused_and_a_block_never_passes_its_target(chain):
    """EIP-7623: py-evm charges the floor without checking the limit covers it; enough such
    transactions would carry a block past its gas target and raise a zero-fee chain's base fee."""
    data = b"\xff" * 50_000
    floor = 21_000 + 10 * 4 * len(data)  # four tokens per non-zero byte
    assert floor > 21_000 + 16 * len(data)  # above the intrinsic cost
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(chain.sign(chain.admin, SINK, data, gas=floor - 1))
    assert refused.value.code == "intrinsic-gas" and f"needs at least {floor}" in str(refused.value)
    assert "calldata floor" in str(refused.value)
    sent = chain.send(chain.admin, SINK, data, gas=floor)
    assert sent.ok and sent.receipt.gas_used == floor
    assert chain.node.head.execution.base_fee_per_gas == 0
    assert_chain_moves_on(chain)


def test_blob_transactions_are_refused_at_submission(chain):
    blob = {
        "type": 3,
        "chainId": chain.genesis.chain_id,
        "nonce": chain.nonce(chain.admin),
        "gas": 100_000,
        "maxFeePerGas": 0,
        "maxPriorityFeePerGas": 0,
        "maxFeePerBlobGas": 1,
        "to": "0x" + SINK.hex(),
        "value": 0,
        "data": b"",
        "blobVersionedHashes": [b"\x01" + b"\x00" * 31],
    }
    raw = bytes(Account.from_key(chain.admin.key).sign_transaction(blob).raw_transaction)
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(raw)
    assert refused.value.code == "unsupported-transaction-type", refused.value
    assert_chain_moves_on(chain)


def test_transfers_that_overdraw_together_leave_the_later_ones_out(chain):
    half = balance(chain, chain.admin) // 2 + 1
    hashes = [
        chain.node.submit_transaction(chain.sign(chain.admin, SINK, b"", value=half, gas=21_000)) for _ in range(3)
    ]  # each is affordable alone, so the pool takes all three
    block = chain.node.produce_block()
    assert block is not None
    assert [t.hash for t in block.block.transactions] == hashes[:1]
    assert len(chain.node.pool) == 0  # the overdrafts are dropped, not retried forever
    assert chain.node.execution.state(chain.node.head.execution).get_balance(SINK) == half
    assert_chain_moves_on(chain)


def test_a_dropped_transaction_takes_its_senders_later_nonces_with_it(chain):
    half = balance(chain, chain.admin) // 2 + 1
    paid, overdraft = (
        chain.node.submit_transaction(chain.sign(chain.admin, SINK, b"", value=half, gas=21_000)) for _ in range(2)
    )
    waiting = chain.node.submit_transaction(chain.sign(chain.admin, SINK, b"", gas=chain.node.genesis.gas_target))
    other = chain.node.submit_transaction(chain.sign(chain.agency, SINK, b"", gas=21_000))
    block = chain.node.produce_block()  # ``waiting`` is past the gas target here, so not tried in this block
    assert block is not None and {t.hash for t in block.block.transactions} == {paid, other}
    assert chain.node.pool.get(overdraft) is None
    assert chain.node.pool.get(waiting) is None  # its nonce can never come: without the overdraft it has a gap
    assert chain.node.pending_nonce(bytes.fromhex(chain.admin.address[2:])) == chain.node.execution.nonce(
        bytes.fromhex(chain.admin.address[2:]), chain.node.head.execution
    )
    assert_chain_moves_on(chain)


def test_a_transaction_admitted_across_a_block_is_checked_again_at_the_new_head(chain, monkeypatch):
    half = balance(chain, chain.admin) // 2 + 1
    for _ in range(2):
        chain.node.submit_transaction(chain.sign(chain.admin, SINK, b"", value=half, gas=21_000))
    late = chain.sign(chain.admin, SINK, b"", value=half, gas=21_000)  # affordable at the head it is checked at
    add = chain.node.pool.add

    def add_after_a_block(pending, state_nonce):  # the producer seals between the checks and the pool
        chain.node.produce_block()
        add(pending, state_nonce)

    monkeypatch.setattr(chain.node.pool, "add", add_after_a_block)
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(late)
    assert refused.value.code == "insufficient-funds"
    assert len(chain.node.pool) == 0  # not left waiting behind the overdraft the block dropped
    monkeypatch.undo()
    assert_chain_moves_on(chain)


def test_oversized_initcode_is_refused_at_submission(chain):
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(chain.sign(chain.admin, None, b"\x00" * 50_000, gas=5_000_000))
    assert refused.value.code == "initcode-too-large"


def test_a_transaction_failing_inside_execution_is_dropped_and_the_block_rebuilt(chain):
    # Initcode over EIP-3860's limit passes every check made before execution; py-evm
    # refuses it only after charging gas and bumping the nonce, with no way back. (Submission
    # refuses it now; one already pooled, or any py-evm failure like it, takes this path.)
    node = chain.node
    ordinary = node.decode_transaction(chain.sign(chain.agency, AGENCY_REGISTRY, b"", gas=100_000))
    oversized = node.decode_transaction(chain.sign(chain.admin, None, b"\x00" * 50_000, gas=5_000_000))
    head = node.head.execution
    built = node.execution.build_block(head, [oversized, ordinary], timestamp=head.timestamp + 1)
    assert [t.hash for t in built.block.transactions] == [ordinary.hash]
    assert [r.transaction.hash for r in built.rejected] == [oversized.hash]
    assert "EIP-3860" in built.rejected[0].reason
    assert built.header.gas_used == built.receipts[0].gas_used  # the spoiled attempt charged nothing here


def test_a_transaction_using_more_gas_than_it_carries_is_dropped_whatever_let_it_through(chain, monkeypatch):
    from tiezheng_node.execution import chain as execution_chain
    from tiezheng_node.execution.vm import TiezhengVM

    node = chain.node
    raw = chain.sign(chain.admin, SINK, b"\xff" * 1_000, gas=40_000)  # intrinsic 37,000, floor 61,000
    under_floor = TiezhengVM.get_transaction_builder().decode(raw)
    monkeypatch.setattr(execution_chain, "too_little_gas", lambda transaction: None)  # as before the floor check
    head = node.head.execution
    built = node.execution.build_block(head, [under_floor], timestamp=head.timestamp + 1)
    assert built.block.transactions == () and built.header.gas_used == 0
    assert "more than the 40000 it carries" in built.rejected[0].reason


def test_health_says_degraded_while_blocks_fail_to_seal(chain):
    from fastapi.testclient import TestClient

    from tiezheng_node.api.app import create_app

    with TestClient(create_app(chain.node)) as client:
        healthy = client.get("/healthz")
        assert healthy.status_code == 200 and healthy.json()["status"] == "ok"
        chain.node.production_error = "OSError: [Errno 28] No space left on device"  # as the producer records it
        degraded = client.get("/healthz")
        assert degraded.status_code == 503  # a container health check restarts or pages on this
        assert degraded.json()["status"] == "degraded" and "No space" in degraded.json()["production_error"]
