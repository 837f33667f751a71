"""The node holds every agency registration to one rule, whichever way it reaches AgencyRegistry.

The registry takes any code and name within its byte limits; the node refuses a code no
statement can name, a name that could make one agency read as another, and a key off the
SM2 curve, for a direct call at submission and for a call through another contract at
block building.
"""

from __future__ import annotations

import pytest
from eth_account import Account

from tests.support.nodekit import LocalChain
from tiezheng.gm import SM2PrivateKey
from tiezheng_node.execution.addresses import AGENCY_REGISTRY
from tiezheng_node.execution.artifacts import load as load_artifact
from tiezheng_node.node import SubmissionError

OFF_CURVE_KEY = b"\x04" + b"\x01" * 64

REFUSED = [
    pytest.param("has space", "Agency", None, "bad-field", id="code-no-statement-can-name"),
    pytest.param("ok-code", "Agency\u202eycnegA", None, "invisible-character", id="name-with-bidi-override"),
    pytest.param("ok-code", "Agency\nline", None, "bad-field", id="name-with-control"),
    pytest.param("ok-code", "A" * 129, None, "bad-field", id="name-too-long"),
    pytest.param("ok-code", "Agency", OFF_CURVE_KEY, "bad-field", id="key-off-the-curve"),
]


def new_key() -> bytes:
    return SM2PrivateKey.generate().public_key().to_bytes()


def registered(chain: LocalChain, code: str) -> bool:
    return code in [chain.call("AgencyRegistry", AGENCY_REGISTRY, "agencyCodeAt", i)
                    for i in range(chain.call("AgencyRegistry", AGENCY_REGISTRY, "agencyCount"))]  # fmt: skip


@pytest.mark.parametrize(("code", "name", "key", "reason"), REFUSED)
def test_a_direct_registration_is_refused_at_submission(chain, code, name, key, reason):
    calldata = load_artifact("AgencyRegistry").calldata(
        "register", code, name, key or new_key(), Account.create().address
    )
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(chain.sign(chain.admin, AGENCY_REGISTRY, calldata))
    assert refused.value.code == reason and str(refused.value).startswith("agency registration refused: ")
    assert len(chain.node.pool) == 0


def test_a_registration_with_a_name_not_utf8_is_refused(chain):
    from eth_abi import encode

    registry = load_artifact("AgencyRegistry")
    selector = registry.calldata("register", "x", "x", b"", Account.create().address)[:4]
    # A string is length-prefixed bytes on the wire: nothing in the ABI stops bytes that are not UTF-8.
    arguments = encode(
        ["string", "bytes", "bytes", "address"], ["ok-code", b"\xff\xfe", new_key(), Account.create().address]
    )
    with pytest.raises(SubmissionError) as refused:
        chain.node.submit_transaction(chain.sign(chain.admin, AGENCY_REGISTRY, selector + arguments))
    assert refused.value.code == "bad-field" and "UTF-8" in str(refused.value)


def test_a_good_registration_gets_in(chain):
    sent = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "register",
                          "court-3", "第三法院", new_key(), Account.create().address)  # fmt: skip
    assert sent.ok and registered(chain, "court-3")


def test_calldata_that_does_not_decode_is_left_to_the_registry(chain):
    selector = load_artifact("AgencyRegistry").calldata("register", "x", "x", b"", Account.create().address)[:4]
    sent = chain.send(chain.admin, AGENCY_REGISTRY, selector + b"\x00" * 7)
    assert not sent.ok  # the registry's ABI decoder reverts; the node did not refuse it first


@pytest.mark.parametrize(("code", "name", "key", "reason"), REFUSED)
def test_a_registration_through_an_admin_contract_is_left_out_of_the_block(chain, code, name, key, reason):
    probe = chain.deploy(chain.admin, "AgencyRegistryProbe")
    assert chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "addAdmin", probe).ok
    calldata = load_artifact("AgencyRegistryProbe").calldata(
        "register", code, name, key or new_key(), Account.create().address
    )
    registering = chain.node.submit_transaction(chain.sign(chain.admin, probe, calldata))
    block = chain.node.produce_block()
    assert block is None or registering not in [t.hash for t in block.block.transactions]
    assert len(chain.node.pool) == 0
    assert not registered(chain, code)
    # The admin's account carries on, and the same contract registers a well-formed agency.
    good = load_artifact("AgencyRegistryProbe").calldata(
        "register", "court-4", "第四法院", new_key(), Account.create().address
    )
    assert chain.send(chain.admin, probe, good).ok
    assert registered(chain, "court-4")
