"""A node sealing alone keeps its genesis validator set: no change gets into a block.

A header needs seals from a quorum of the set in power, so a change would leave the
one validator unable to seal the next block, and the ValidatorSet contract's list
would no longer be the set sealing the headers.
"""

from __future__ import annotations

import json

import pytest

from tests.support.nodekit import LocalChain
from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey
from tiezheng_node.execution.addresses import AGENCY_REGISTRY, VALIDATOR_SET
from tiezheng_node.execution.artifacts import load as load_artifact
from tiezheng_node.node import Node, SubmissionError
from tiezheng_node.store import StoreError


def new_key() -> bytes:
    return SM2PrivateKey.generate().public_key().to_bytes()


def assert_set_is_genesis(chain: LocalChain) -> None:
    assert chain.call("ValidatorSet", VALIDATOR_SET, "validatorCount") == 1
    genesis_set = chain.genesis.validators.hash
    header = chain.node.head.sealed.header
    assert header.validators == genesis_set and header.next_validators == genesis_set


@pytest.mark.parametrize(("function", "args"), [("addValidator", ("court", None)), ("removeValidator", (0,))])
def test_a_direct_change_is_refused_at_submission(chain, function, args):
    args = tuple(new_key() if a is None else a for a in args)
    calldata = load_artifact("ValidatorSet").calldata(function, *args)
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(chain.sign(chain.admin, VALIDATOR_SET, calldata))
    assert refused.value.code == "validator-set-fixed" and "seals alone" in str(refused.value)
    assert len(chain.node.pool) == 0


def test_reading_the_set_is_not_refused(chain):
    sent = chain.transact(chain.agency, "ValidatorSet", VALIDATOR_SET, "validatorCount")
    assert sent.ok


def test_a_change_through_an_admin_contract_is_left_out_of_the_block(chain):
    probe = chain.deploy(chain.admin, "ValidatorSetProbe")
    assert chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "addAdmin", probe).ok
    changing = chain.node.submit_transaction(
        chain.sign(chain.admin, probe, load_artifact("ValidatorSetProbe").calldata("add", "court", new_key()))
    )
    block = chain.node.produce_block()
    assert block is None or changing not in [t.hash for t in block.block.transactions]
    assert len(chain.node.pool) == 0
    assert_set_is_genesis(chain)
    # The admin's account carries on: its nonce was not used, and the next transaction gets in.
    sent = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "isAdmin", probe)
    assert sent.ok
    assert_set_is_genesis(chain)


def test_a_node_refuses_to_seal_for_a_set_it_cannot_reach_a_quorum_of(tmp_path, chain):
    document = json.loads(chain.layout.genesis.read_text())
    document["validators"].append({"name": "second", "public_key": new_key().hex()})
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "genesis.json").write_text(json.dumps(document))
    genesis = Genesis.load(tmp_path / "two" / "genesis.json")
    assert genesis.validators.quorum == 2
    with pytest.raises(StoreError, match="needs 2 seals"):
        Node(tmp_path / "two", genesis, chain.validator_key)
    assert not (tmp_path / "two" / "chain").exists()
