"""Fuzzing the node's reading of a genesis: its execution section gives a GenesisError, never another exception.

`tiezheng-node init --genesis FILE` reads a genesis the network's members were
sent; a damaged ``execution`` section (a value swapped for one of another type,
deleted, or joined by an unknown one) must be refused by name, or read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng.genesis import Genesis, GenesisError
from tiezheng_node.devnet import create_devnet
from tiezheng_node.execution.genesis import NodeGenesis

from ..support.mutations import HOSTILE_JSON_VALUES, damaged_value


@pytest.fixture(scope="module")
def genesis_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    layout = create_devnet(tmp_path_factory.mktemp("devnet"), kdf_iterations=1_000)
    document: dict[str, Any] = json.loads(layout.genesis.read_text())
    NodeGenesis.from_protocol(Genesis.from_document(document))  # the undamaged genesis reads
    return document


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_damaged_execution_section_is_read_or_refused_with_a_genesis_error(genesis_document, data):
    section = data.draw(damaged_value(genesis_document["execution"], HOSTILE_JSON_VALUES, rounds=3))
    try:
        NodeGenesis.from_protocol(Genesis.from_json(json.dumps(genesis_document | {"execution": section})))
    except GenesisError as exc:
        assert exc.code and exc.message


@pytest.mark.parametrize("name", [["AgencyRegistry"], {"AgencyRegistry": 1}, None, 7])
def test_a_system_contract_name_of_another_type_is_a_genesis_error(genesis_document, name):
    document = json.loads(json.dumps(genesis_document))
    document["execution"]["system_contracts"][0]["name"] = name
    with pytest.raises(GenesisError, match="system_contracts: names are"):
        NodeGenesis.from_protocol(Genesis.from_document(document))
