"""A genesis whose system contracts disagree with the rest of the document is refused.

The verifier counts seals against ``genesis.validators`` and the members read
``execution.admins``; the chain itself answers from the contracts the
``init_code`` builds. If the two could differ, a genesis could show its members
one validator set and admin list while the chain ran another.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from eth.db.atomic import AtomicDB

from tiezheng.genesis import Genesis, GenesisError
from tiezheng.gm import SM2PrivateKey
from tiezheng_node.devnet import create_devnet
from tiezheng_node.execution.artifacts import load as load_artifact
from tiezheng_node.execution.genesis import NodeGenesis

OUTSIDER = "0x" + "ab" * 20


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    layout = create_devnet(tmp_path_factory.mktemp("devnet"), kdf_iterations=1_000)
    return json.loads(layout.genesis.read_text())


def build(document: dict[str, Any]) -> None:
    NodeGenesis.from_protocol(Genesis.from_document(document)).build_state(AtomicDB())


def with_init_code(document: dict[str, Any], name: str, init_code: bytes) -> dict[str, Any]:
    changed = json.loads(json.dumps(document))
    for contract in changed["execution"]["system_contracts"]:
        if contract["name"] == name:
            contract["init_code"] = "0x" + init_code.hex()
    return changed


def test_the_dev_genesis_builds(document):
    build(document)


def test_a_validator_set_other_than_the_declared_one_is_refused(document):
    declared = [(v["name"], bytes.fromhex(v["public_key"])) for v in document["validators"]]
    stranger = SM2PrivateKey.generate().public_key().to_bytes()
    for deployed in (
        [(declared[0][0], stranger)],  # another key under the declared name
        [("someone-else", declared[0][1])],  # the declared key under another name
        [*declared, ("second", stranger)],  # one more than declared
    ):
        init_code = load_artifact("ValidatorSet").init_code([n for n, _ in deployed], [k for _, k in deployed])
        with pytest.raises(GenesisError, match=r"genesis\.validators and the ValidatorSet"):
            build(with_init_code(document, "ValidatorSet", init_code))


def test_an_admin_list_other_than_the_declared_one_is_refused(document):
    declared = [bytes.fromhex(a[2:]) for a in document["execution"]["admins"]]
    init_code = load_artifact("AgencyRegistry").init_code([*declared, bytes.fromhex(OUTSIDER[2:])])
    with pytest.raises(GenesisError, match=r"1 declared, 2 deployed"):
        build(with_init_code(document, "AgencyRegistry", init_code))
    changed = json.loads(json.dumps(document))
    changed["execution"]["admins"] = [*document["execution"]["admins"], OUTSIDER]
    with pytest.raises(GenesisError, match=f"not deployed: {OUTSIDER}"):
        build(changed)


def test_a_first_admin_the_registry_does_not_have_is_said_as_that_not_as_a_refused_registration(document):
    changed = json.loads(json.dumps(document))
    changed["execution"]["admins"] = [OUTSIDER]  # registers the dev agencies, but is no admin of the registry
    with pytest.raises(GenesisError, match="admins of the AgencyRegistry its init_code builds differ"):
        build(changed)


def test_a_system_contract_that_deploys_nothing_or_answers_otherwise_is_refused(document):
    with pytest.raises(GenesisError, match="deploys no code for EvidenceRegistry"):
        build(with_init_code(document, "EvidenceRegistry", b"\x00"))  # STOP: runs, and leaves no code
    # A contract that deploys, but is not the registry: the node's calls find no answer in it.
    with pytest.raises(GenesisError, match="ValidatorSet at genesis does not answer validatorCount"):
        build(with_init_code(document, "ValidatorSet", load_artifact("Notebook").init_code()))


def test_a_genesis_deploying_an_earlier_builds_contracts_still_builds(document):
    """A chain keeps the code its genesis deployed: a later node still initialises it (code unchanged in meaning)."""
    registry = load_artifact("AgencyRegistry")
    admins = [bytes.fromhex(a[2:]) for a in document["execution"]["admins"]]
    # The same contract with other metadata, as another compiler run of an earlier source would give.
    earlier = registry.bytecode[:-2] + bytes([registry.bytecode[-2] ^ 1]) + registry.bytecode[-1:]
    changed = with_init_code(document, "AgencyRegistry", earlier + registry.init_code(admins)[len(registry.bytecode) :])
    build(changed)
