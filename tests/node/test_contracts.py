"""The system contracts and the precompiles, exercised on the node's own execution layer."""

from __future__ import annotations

import pytest
from eth.exceptions import Revert
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account import Account

from tests.support.nodekit import LocalChain
from tests.support.toychain import statement_for
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.signed_statement import SignedStatement
from tiezheng_node.execution.addresses import (
    AGENCY_REGISTRY,
    EVIDENCE_APPEND_PRECOMPILE,
    EVIDENCE_APPENDED_TOPIC,
    EVIDENCE_REGISTRY,
    PROCESS_TRAIL,
    SM2_VERIFY_PRECOMPILE,
    SM3_PRECOMPILE,
    VALIDATOR_SET,
)
from tiezheng_node.execution.reverts import revert_reason


def address_bytes(account) -> bytes:
    return bytes.fromhex(account.address[2:])


def reason_of(sent_or_computation) -> str | None:
    return revert_reason(sent_or_computation.output)


# Genesis


def test_system_contracts_are_deployed_at_their_addresses(chain):
    state = chain.node.execution.state(chain.node.head.execution)
    for address in (AGENCY_REGISTRY, EVIDENCE_REGISTRY, VALIDATOR_SET):
        assert len(state.get_code(address)) > 100
    assert chain.call("AgencyRegistry", AGENCY_REGISTRY, "isAdmin", chain.admin.address)
    assert chain.call("ValidatorSet", VALIDATOR_SET, "validatorCount") == 1
    name, key = chain.call("ValidatorSet", VALIDATOR_SET, "validatorAt", 0)
    assert name == "dev-validator" and key == chain.validator_key.public_key().to_bytes()


def test_dev_agency_is_registered_at_genesis(chain):
    code, key, active = chain.call("AgencyRegistry", AGENCY_REGISTRY, "agencyByAccount", chain.agency.address)
    assert (code, key, active) == (chain.agency_code, chain.agency_key.public_key().to_bytes(), True)
    agency = chain.call("AgencyRegistry", AGENCY_REGISTRY, "getAgency", chain.agency_code)
    assert agency[3] == chain.agency.address.lower() and agency[4] == 0 and agency[6] is True


def test_genesis_state_is_deterministic(tmp_path):
    from tiezheng.genesis import Genesis
    from tiezheng_node.node import Node

    first = LocalChain(tmp_path / "a")
    try:
        (tmp_path / "b").mkdir()
        (tmp_path / "b" / "genesis.json").write_bytes(first.layout.genesis.read_bytes())
        second = Node(tmp_path / "b", Genesis.load(tmp_path / "b" / "genesis.json"), None)
        try:
            assert second.head.execution.hash == first.node.head.execution.hash
            assert second.head.execution.state_root == first.node.head.execution.state_root
        finally:
            second.close()
    finally:
        first.close()


# AgencyRegistry


def test_register_and_revoke_keep_history(chain):
    newcomer = Account.create()
    key = SM2PrivateKey.generate().public_key().to_bytes()
    sent = chain.transact(
        chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "register", "320500NEW0001", "苏州市某局", key, newcomer.address
    )
    assert sent.ok
    registered_at = sent.block.sealed.height
    assert chain.call("AgencyRegistry", AGENCY_REGISTRY, "isAllowedSender", newcomer.address)
    assert chain.call("AgencyRegistry", AGENCY_REGISTRY, "agencyCount") == 3  # the dev agency, supervision, this
    assert chain.call("AgencyRegistry", AGENCY_REGISTRY, "agencyCodeAt", 2) == "320500NEW0001"
    revoked = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "revoke", "320500NEW0001")
    assert revoked.ok
    agency = chain.call("AgencyRegistry", AGENCY_REGISTRY, "getAgency", "320500NEW0001")
    assert agency[4] == registered_at and agency[5] == revoked.block.sealed.height and agency[6] is False
    assert not chain.call("AgencyRegistry", AGENCY_REGISTRY, "isAllowedSender", newcomer.address)
    # A revoked code cannot come back; history stays.
    again = chain.transact(
        chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "register", "320500NEW0001", "x", key, newcomer.address
    )
    assert not again.ok


def test_a_code_registered_in_other_letter_case_is_refused(chain):
    key = SM2PrivateKey.generate().public_key().to_bytes()
    sent = chain.transact(
        chain.admin,
        "AgencyRegistry",
        AGENCY_REGISTRY,
        "register",
        "320500Case-01.x",
        "某局",
        key,
        Account.create().address,
    )
    assert sent.ok
    for look_alike in ("320500CASE-01.X", "320500case-01.x", "320500CaSe-01.X"):
        computation = chain.raw_call(
            AGENCY_REGISTRY,
            chain_calldata("register", look_alike, "假冒", key, Account.create().address),
            sender=address_bytes(chain.admin),
        )
        assert reason_of(computation) == "AgencyRegistry: code already registered in other letter case"
    # Only letters fold: a code differing in another character is another code.
    other = chain.transact(
        chain.admin,
        "AgencyRegistry",
        AGENCY_REGISTRY,
        "register",
        "320500Case-01_x",
        "另一局",
        key,
        Account.create().address,
    )
    assert other.ok


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (("", "name", "04" * 1, "0x" + "11" * 20), "code"),
        (("CODE", "name", "05" + "00" * 64, "0x" + "11" * 20), "key"),
        (("CODE", "name", "04" + "00" * 63, "0x" + "11" * 20), "key"),
        (("CODE", "name", "04" + "00" * 64, "0x" + "00" * 20), "account"),
        (("CODE", "", "04" + "00" * 64, "0x" + "11" * 20), "name"),
    ],
)
def test_register_validation_reverts_with_a_reason(chain, arguments, reason):
    code, name, key_hex, account = arguments
    computation = chain.raw_call(
        AGENCY_REGISTRY,
        chain_calldata("register", code, name, bytes.fromhex(key_hex), account),
        sender=address_bytes(chain.admin),
    )
    assert isinstance(computation.error, Revert)
    assert reason in reason_of(computation).lower()


def chain_calldata(function: str, *args):
    from tiezheng_node.execution.artifacts import load

    return load("AgencyRegistry").calldata(function, *args)


def test_only_admins_register(chain):
    computation = chain.raw_call(
        AGENCY_REGISTRY,
        chain_calldata("register", "X1", "x", b"\x04" + b"\x00" * 64, "0x" + "22" * 20),
        sender=address_bytes(chain.agency),
    )
    assert reason_of(computation) == "AgencyRegistry: caller is not an admin"


def test_admins_can_be_added_but_not_all_removed(chain):
    other = Account.create()
    assert chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "addAdmin", other.address).ok
    assert chain.call("AgencyRegistry", AGENCY_REGISTRY, "isAdmin", other.address)
    assert chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "removeAdmin", other.address).ok
    last = chain.raw_call(
        AGENCY_REGISTRY, chain_calldata("removeAdmin", chain.admin.address), sender=address_bytes(chain.admin)
    )
    assert isinstance(last.error, Revert) and "last admin" in reason_of(last)


# Precompiles, from Solidity


@pytest.fixture
def probe(chain):
    return chain.deploy(chain.admin, "PrecompileProbe")


@pytest.mark.parametrize("data", [b"", b"abc", b"abcd" * 16, bytes(range(256)) * 5])
def test_sm3_precompile_from_solidity(chain, probe, data):
    assert chain.call("PrecompileProbe", probe, "sm3", data) == sm3(data)


def test_sm2_verify_precompile_from_solidity(chain, probe):
    key = SM2PrivateKey.generate()
    message = "审批签发".encode()
    signature = key.sign(message)
    public = key.public_key()
    assert chain.call("PrecompileProbe", probe, "sm2Verify", public.to_bytes(), message, signature) is True
    assert (
        chain.call("PrecompileProbe", probe, "sm2Verify", public.to_bytes(compressed=True), message, signature) is True
    )
    assert chain.call("PrecompileProbe", probe, "sm2Verify", public.to_bytes(), message + b"!", signature) is False
    other = SM2PrivateKey.generate().public_key().to_bytes()
    assert chain.call("PrecompileProbe", probe, "sm2Verify", other, message, signature) is False
    assert chain.call("PrecompileProbe", probe, "sm2Verify", b"\x04" + b"\x01" * 64, message, signature) is False
    assert chain.call("PrecompileProbe", probe, "sm2Verify", public.to_bytes(), message, signature[:-1]) is False


def test_precompile_gas_costs(chain):
    def gas_of(address: bytes, data: bytes) -> int:
        computation = chain.raw_call(address, data)
        assert computation.is_success
        return computation.get_gas_used()

    base = gas_of(SM3_PRECOMPILE, b"")
    assert base == 60
    assert gas_of(SM3_PRECOMPILE, b"x" * 64) == 60 + 2 * 12
    assert gas_of(SM3_PRECOMPILE, b"x" * 65) == 60 + 3 * 12
    verify_input = abi_encode(["bytes", "bytes", "bytes"], [b"", b"m" * 33, b""])
    assert gas_of(SM2_VERIFY_PRECOMPILE, verify_input) == 4000 + 2 * 12


def test_malformed_sm2_verify_input_returns_zero(chain):
    computation = chain.raw_call(SM2_VERIFY_PRECOMPILE, b"\x01\x02\x03")
    assert computation.is_success and computation.output == b"\x00" * 32


# EvidenceRegistry and the evidence-append precompile


def test_anchor_through_evidence_registry_emits_the_statement(chain):
    signed = SignedStatement.sign(
        statement_for(chain.agency_key, b"contract-anchored record", agency=chain.agency_code), chain.agency_key
    )
    sent = chain.transact(chain.agency, "EvidenceRegistry", EVIDENCE_REGISTRY, "anchor", signed.to_cbor())
    assert sent.ok
    appended = [log for log in sent.logs if log.address == EVIDENCE_APPEND_PRECOMPILE]
    assert len(appended) == 1
    assert appended[0].topics[0] == int.from_bytes(EVIDENCE_APPENDED_TOPIC, "big")
    assert appended[0].topics[1] == int.from_bytes(signed.statement.hash, "big")
    assert SignedStatement.from_cbor(appended[0].data) == signed
    anchored = [log for log in sent.logs if log.address == EVIDENCE_REGISTRY]
    assert anchored and anchored[0].topics[1] == int.from_bytes(signed.statement.hash, "big")


def test_anchor_refuses_forged_or_foreign_statements(chain):
    impostor = SM2PrivateKey.generate()
    forged = SignedStatement.sign(statement_for(impostor, b"forged", agency=chain.agency_code), impostor)
    other_agency = SignedStatement.sign(statement_for(chain.agency_key, b"x", agency="ANOTHER-CODE"), chain.agency_key)
    for signed in (forged, other_agency):
        computation = chain.raw_call(
            EVIDENCE_REGISTRY,
            chain_registry_calldata(signed.to_cbor()),
            sender=address_bytes(chain.agency),
        )
        assert reason_of(computation) == "EvidenceRegistry: statement rejected"
    good = SignedStatement.sign(statement_for(chain.agency_key, b"ok", agency=chain.agency_code), chain.agency_key)
    computation = chain.raw_call(
        EVIDENCE_REGISTRY, chain_registry_calldata(good.to_cbor()), sender=address_bytes(chain.admin)
    )
    assert reason_of(computation) == "EvidenceRegistry: sender is not an active agency"


@pytest.mark.parametrize("kind", ["process-step", "alert"])
def test_anchor_refuses_the_kinds_only_the_node_can_check(chain, kind):
    # A step must be checked against its matter and hold it until sealed; alerts come from the chain alone.
    signed = SignedStatement.sign(
        statement_for(chain.agency_key, b"a step", agency=chain.agency_code, kind=kind, subject=b"\x01" * 32),
        chain.agency_key,
    )
    computation = chain.raw_call(
        EVIDENCE_REGISTRY, chain_registry_calldata(signed.to_cbor()), sender=address_bytes(chain.agency)
    )
    assert reason_of(computation) == "EvidenceRegistry: statement rejected"


def test_evidence_append_precompile_only_serves_evidence_registry(chain):
    good = SignedStatement.sign(statement_for(chain.agency_key, b"ok", agency=chain.agency_code), chain.agency_key)
    data = abi_encode(["bytes32", "string", "bytes"], [good.statement.key, chain.agency_code, good.to_cbor()])
    computation = chain.raw_call(EVIDENCE_APPEND_PRECOMPILE, data, sender=address_bytes(chain.agency))
    assert computation.is_error


def chain_registry_calldata(signed: bytes) -> bytes:
    from tiezheng_node.execution.artifacts import load

    return load("EvidenceRegistry").calldata("anchor", signed)


def test_anchor_returns_the_statement_hash(chain):
    good = SignedStatement.sign(statement_for(chain.agency_key, b"hash me", agency=chain.agency_code), chain.agency_key)
    computation = chain.raw_call(
        EVIDENCE_REGISTRY, chain_registry_calldata(good.to_cbor()), sender=address_bytes(chain.agency)
    )
    assert computation.is_success
    assert abi_decode(["bytes32"], computation.output)[0] == good.statement.hash


# ValidatorSet


def set_refusal(chain, sender, function: str, *args) -> str | None:
    from tiezheng_node.execution.artifacts import load

    computation = chain.raw_call(VALIDATOR_SET, load("ValidatorSet").calldata(function, *args), sender=sender)
    return reason_of(computation) if computation.is_error else None


def test_validator_set_rules_hold_for_admins_and_refuse_others(chain):
    # The node never lets a change into a block (tests/node/test_validator_set.py), so the
    # contract's own rules are exercised by simulation.
    admin = address_bytes(chain.admin)
    key = SM2PrivateKey.generate().public_key().to_bytes()
    assert set_refusal(chain, admin, "addValidator", "court-validator", key) is None
    assert set_refusal(chain, address_bytes(chain.agency), "addValidator", "x", key) == (
        "ValidatorSet: caller is not an admin"
    )
    dev_key = chain.validator_key.public_key().to_bytes()
    assert set_refusal(chain, admin, "addValidator", "again", dev_key) == "ValidatorSet: duplicate validator key"
    assert set_refusal(chain, admin, "addValidator", "short", key[:33]) == (
        "ValidatorSet: public key must be 65 bytes starting with 0x04"
    )
    assert set_refusal(chain, admin, "addValidator", "", key) == "ValidatorSet: name must be 1 to 256 bytes"
    assert set_refusal(chain, admin, "removeValidator", 0) == "ValidatorSet: cannot remove the last validator"
    assert set_refusal(chain, admin, "removeValidator", 1) == "ValidatorSet: index out of range"


def test_validator_removal_shifts_the_later_validators_down(chain):
    probe = chain.deploy(chain.admin, "ValidatorSetProbe")
    assert chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "addAdmin", probe).ok
    key = SM2PrivateKey.generate().public_key().to_bytes()
    count, first = chain.call("ValidatorSetProbe", probe, "addThenRemove", "court-validator", key, 0)
    assert (count, first) == (1, key)


def test_process_trail_registers_the_shipped_templates_and_calendar_at_genesis(chain):
    from tiezheng.workflow import builtin_calendar, builtin_templates

    templates = builtin_templates()
    assert chain.call("ProcessTrail", PROCESS_TRAIL, "templateCount") == len(templates)
    for template in templates:
        registered = chain.call("ProcessTrail", PROCESS_TRAIL, "getTemplate", template.hash)
        assert registered[:3] == (template.id, template.revision, True)
        assert chain.call("ProcessTrail", PROCESS_TRAIL, "isActiveTemplate", template.hash)
    assert chain.call("ProcessTrail", PROCESS_TRAIL, "calendar") == builtin_calendar().hash
    assert chain.call("ProcessTrail", PROCESS_TRAIL, "calendarId") == "cn-mainland"


def trail_refusal(chain, account, function: str, *args) -> str | None:
    from tiezheng_node.execution.artifacts import load

    computation = chain.raw_call(
        PROCESS_TRAIL, load("ProcessTrail").calldata(function, *args), sender=address_bytes(account)
    )
    return reason_of(computation) if computation.is_error else None


def test_process_trail_is_admin_managed_and_checks_what_it_registers(chain):
    template = sm3(b"a new template file")
    assert trail_refusal(chain, chain.agency, "registerTemplate", template, "x", 1) == (
        "ProcessTrail: caller is not an admin"
    )
    sent = chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "registerTemplate", template, "inspection", 1)
    assert sent.ok and len(sent.logs) == 1
    assert trail_refusal(chain, chain.admin, "registerTemplate", template, "inspection", 2) == (
        "ProcessTrail: template already registered"
    )
    assert trail_refusal(chain, chain.admin, "registerTemplate", sm3(b"other"), "inspection", 1) == (
        "ProcessTrail: this id and revision are registered already"
    )
    assert trail_refusal(chain, chain.admin, "registerTemplate", sm3(b"other"), "", 1) == (
        "ProcessTrail: id must be 1 to 64 bytes"
    )
    assert chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "retireTemplate", template).ok
    assert not chain.call("ProcessTrail", PROCESS_TRAIL, "isActiveTemplate", template)
    assert trail_refusal(chain, chain.admin, "retireTemplate", template) == "ProcessTrail: template already retired"
    assert trail_refusal(chain, chain.admin, "setCalendar", b"\x00" * 32, "x") == "ProcessTrail: calendar hash is zero"
    assert chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "setCalendar", sm3(b"cal"), "cn-2027").ok
    assert chain.call("ProcessTrail", PROCESS_TRAIL, "calendar") == sm3(b"cal")


def test_only_admins_bind_registered_agencies_to_template_roles(chain):
    role = ("newborn-one-thing", "health", chain.agency_code)
    assert not chain.call("ProcessTrail", PROCESS_TRAIL, "isBound", *role)
    assert trail_refusal(chain, chain.agency, "bindRole", *role, True) == "ProcessTrail: caller is not an admin"
    assert trail_refusal(chain, chain.admin, "bindRole", *role, False) == "ProcessTrail: not bound"
    assert trail_refusal(chain, chain.admin, "bindRole", "newborn-one-thing", "health", "NOBODY", True) == (
        "AgencyRegistry: unknown agency"
    )
    assert trail_refusal(chain, chain.admin, "bindRole", "", "health", chain.agency_code, True) == (
        "ProcessTrail: template id must be 1 to 64 bytes"
    )
    assert trail_refusal(chain, chain.admin, "bindRole", "newborn-one-thing", "r" * 65, chain.agency_code, True) == (
        "ProcessTrail: role must be 1 to 64 bytes"
    )
    sent = chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "bindRole", *role, True)
    assert sent.ok and len(sent.logs) == 1
    assert chain.call("ProcessTrail", PROCESS_TRAIL, "isBound", *role)
    assert not chain.call("ProcessTrail", PROCESS_TRAIL, "isBound", "newborn-one-thing", "public-security", role[2])
    assert trail_refusal(chain, chain.admin, "bindRole", *role, True) == "ProcessTrail: already bound"
    assert chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "bindRole", *role, False).ok
    assert not chain.call("ProcessTrail", PROCESS_TRAIL, "isBound", *role)
    assert chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "revoke", chain.agency_code).ok
    assert trail_refusal(chain, chain.admin, "bindRole", *role, True) == "ProcessTrail: agency is revoked"
