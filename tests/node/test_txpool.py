"""The transaction pool: a refused transaction leaves with its sender's later nonces, and nothing else."""

from __future__ import annotations

from dataclasses import replace

import pytest
from eth_account import Account
from eth_typing import Address
from hypothesis import given
from hypothesis import strategies as st

from tiezheng_node.execution.txpool import PendingTransaction, PoolError, TxPool
from tiezheng_node.execution.vm import TiezhengVM

SENDERS = [Account.from_key(bytes([index + 1]) * 32) for index in range(3)]
NONCES = range(6)


def _signed(account, nonce: int) -> PendingTransaction:
    raw = account.sign_transaction(
        {"chainId": 1, "nonce": nonce, "gas": 21_000, "maxFeePerGas": 0, "maxPriorityFeePerGas": 0,
         "to": "0x" + "22" * 20, "value": 0, "type": 2}
    ).raw_transaction  # fmt: skip
    transaction = TiezhengVM.get_transaction_builder().decode(bytes(raw))
    return PendingTransaction(transaction, Address(transaction.sender), transaction.hash)


SIGNED = {(sender, nonce): _signed(SENDERS[sender], nonce) for sender in range(len(SENDERS)) for nonce in NONCES}

pooled = st.sets(st.tuples(st.integers(0, len(SENDERS) - 1), st.sampled_from(NONCES)), min_size=1)


@given(pooled, st.data())
def test_drop_removes_the_transaction_and_exactly_its_senders_later_nonces(entries, data):
    pool = TxPool()
    for entry in entries:
        pool.add(SIGNED[entry], state_nonce=0)
    refused_sender, refused_nonce = data.draw(st.sampled_from(sorted(entries)))
    dependents = pool.drop([SIGNED[refused_sender, refused_nonce].hash])
    later = {(s, n) for s, n in entries if s == refused_sender and n > refused_nonce}
    assert sorted(dependents) == sorted(SIGNED[entry].hash for entry in later)
    kept = entries - later - {(refused_sender, refused_nonce)}
    assert {entry for entry in SIGNED if pool.get(SIGNED[entry].hash) is not None} == kept
    assert len(pool) == len(kept)


def test_dropping_what_is_not_pooled_changes_nothing():
    pool = TxPool()
    pool.add(SIGNED[0, 0], state_nonce=0)
    assert pool.drop([SIGNED[0, 1].hash, SIGNED[1, 0].hash]) == []
    assert len(pool) == 1 and pool.get(SIGNED[0, 0].hash) is not None


def test_a_dropped_nonce_may_be_sent_again():
    pool = TxPool()
    for nonce in range(3):
        pool.add(SIGNED[0, nonce], state_nonce=0)
    pool.drop([SIGNED[0, 1].hash])
    assert pool.pending_nonce(SIGNED[0, 0].sender, state_nonce=0) == 1
    pool.add(SIGNED[0, 1], state_nonce=0)
    with pytest.raises(PoolError) as refused:
        pool.add(SIGNED[0, 1], state_nonce=0)
    assert refused.value.code == "already-known"


def test_only_transactions_stranded_behind_a_gap_for_long_are_evicted():
    pool = TxPool()
    long_ago, lately = 100.0, 900.0
    for nonce, received in ((1, long_ago), (2, long_ago), (4, long_ago), (5, lately)):
        pool.add(replace(SIGNED[0, nonce], received=received), state_nonce=0)
    pool.add(replace(SIGNED[1, 3], received=long_ago), state_nonce=0)
    evicted = pool.evict_stranded(lambda sender: 1 if sender == SIGNED[0, 0].sender else 0, received_before=500.0)
    # Sender 0 can run 1 and 2; 4 has waited behind the gap at 3 too long, 5 not yet. Sender 1 waits for 0..2.
    assert sorted(evicted) == sorted([SIGNED[0, 4].hash, SIGNED[1, 3].hash])
    assert {h for h in (SIGNED[0, n].hash for n in (1, 2, 5)) if pool.get(h)} == {SIGNED[0, n].hash for n in (1, 2, 5)}
    assert pool.evict_stranded(lambda sender: 3, received_before=0.0) == [SIGNED[0, 1].hash, SIGNED[0, 2].hash]
