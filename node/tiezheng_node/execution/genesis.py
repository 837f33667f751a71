"""The node's reading of the genesis file, and the genesis state it builds from it.

Beyond what the protocol library reads (chain id and code, validators), the
``execution`` section configures the EVM chain:

    "execution": {
      "gas_limit": 60000000,             # per block; blocks use at most half (base fee stays 0)
      "block_interval_ms": 1000,         # blocks are sealed at most this often, only when there is work
      "empty_blocks": false,             # true: seal an empty block each interval even when idle
      "admins": ["0x…"],                 # EVM accounts that administer the registries
      "alloc": {"0x…": {"balance": "0x…"}},
      "system_contracts": [{"name": "AgencyRegistry", "address": "0x…7a01", "init_code": "0x…"}, …],
      "agencies": [{"code": "…", "name": "…", "public_key": "04…", "account": "0x…"}]
    }

System contracts are deployed at genesis by running their ``init_code``
(creation bytecode and constructor arguments) at their fixed address; the listed
agencies are then registered by the first admin. Every node computes the same
state from the same file.

The contracts' constructor arguments repeat what the document says elsewhere: the
``ValidatorSet`` is built with the validators whose seals the verifier counts, the
``AgencyRegistry`` with ``execution.admins``. A genesis whose contracts disagree
with it, or deploy nothing, is refused: its chain would show one validator set and
seal with another, let accounts administer it that its members never saw named, or
refuse every transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from eth.abc import BlockHeaderAPI, ComputationAPI, StateAPI
from eth.chains.base import ChainContext
from eth.constants import CREATE_CONTRACT_ADDRESS, ZERO_ADDRESS
from eth.db.atomic import AtomicDB
from eth.rlp.headers import BlockHeader
from eth.vm.message import Message
from eth_abi import decode as abi_decode
from eth_typing import Address
from eth_utils import is_hex_address, to_canonical_address

from tiezheng.genesis import Genesis, GenesisError
from tiezheng.gm import SM2PublicKey

from .addresses import AGENCY_REGISTRY, SYSTEM_CONTRACTS, VALIDATOR_SET
from .artifacts import load as load_artifact
from .reverts import revert_reason
from .vm import TiezhengVM, chain_class

DEFAULT_GAS_LIMIT: Final = 60_000_000
DEFAULT_BLOCK_INTERVAL_MS: Final = 1_000
GENESIS_DEPLOYER: Final = Address(to_canonical_address("0x0000000000000000000000000000000000007a00"))
GENESIS_CALL_GAS: Final = 30_000_000
_HEX_QUANTITY: Final = re.compile(r"0x[0-9a-fA-F]{1,64}")


@dataclass(frozen=True)
class SystemContract:
    name: str
    address: Address
    init_code: bytes


@dataclass(frozen=True)
class InitialAgency:
    code: str
    name: str
    public_key: SM2PublicKey
    account: Address


@dataclass(frozen=True)
class NodeGenesis:
    protocol: Genesis
    gas_limit: int
    block_interval_ms: int
    empty_blocks: bool
    admins: tuple[Address, ...]
    alloc: dict[Address, int]
    system_contracts: tuple[SystemContract, ...]
    agencies: tuple[InitialAgency, ...]

    @property
    def chain_id(self) -> int:
        return self.protocol.chain_id

    @property
    def gas_target(self) -> int:
        return self.gas_limit // 2

    @classmethod
    def from_protocol(cls, genesis: Genesis) -> NodeGenesis:
        section = genesis.document.get("execution")
        if type(section) is not dict:
            raise GenesisError("genesis.execution must be an object")
        gas_limit = section.get("gas_limit", DEFAULT_GAS_LIMIT)
        if type(gas_limit) is not int or not 5_000_000 <= gas_limit <= 2**40:
            raise GenesisError("genesis.execution.gas_limit must be an integer from 5,000,000 to 2^40")
        interval = section.get("block_interval_ms", DEFAULT_BLOCK_INTERVAL_MS)
        if type(interval) is not int or not 50 <= interval <= 3_600_000:
            raise GenesisError("genesis.execution.block_interval_ms must be an integer in [50, 3600000]")
        empty_blocks = section.get("empty_blocks", False)
        if type(empty_blocks) is not bool:
            raise GenesisError("genesis.execution.empty_blocks must be true or false")
        admins = tuple(_address(a, "genesis.execution.admins[]") for a in _list(section, "admins"))
        if not admins:
            raise GenesisError("genesis.execution.admins must name at least one admin account")
        alloc = {}
        for address, account in _dict(section, "alloc").items():
            balance = account.get("balance", "0x0") if type(account) is dict else None
            if type(balance) is not str or not _HEX_QUANTITY.fullmatch(balance):
                raise GenesisError(f"genesis.execution.alloc[{address}].balance must be a hex quantity")
            alloc[_address(address, "genesis.execution.alloc")] = int(balance, 16)
        contracts = []
        for item in _list(section, "system_contracts"):
            if type(item) is not dict or type(item.get("name")) is not str or item["name"] not in SYSTEM_CONTRACTS:
                raise GenesisError(f"genesis.execution.system_contracts: names are {', '.join(SYSTEM_CONTRACTS)}")
            address = _address(item.get("address"), f"system contract {item['name']}")
            if address != SYSTEM_CONTRACTS[item["name"]]:
                raise GenesisError(f"system contract {item['name']} must be at {SYSTEM_CONTRACTS[item['name']].hex()}")
            contracts.append(SystemContract(item["name"], address, _hex_bytes(item.get("init_code"), item["name"])))
        if {c.name for c in contracts} != set(SYSTEM_CONTRACTS):
            raise GenesisError(f"genesis.execution.system_contracts must deploy {', '.join(SYSTEM_CONTRACTS)}")
        agencies = []
        for item in _list(section, "agencies"):
            if type(item) is not dict:
                raise GenesisError("genesis.execution.agencies[] must be objects")
            try:
                key = SM2PublicKey.from_bytes(bytes.fromhex(str(item.get("public_key"))))
            except Exception:
                raise GenesisError(f"agency {item.get('code')!r}: public_key must be an SM2 point in hex") from None
            agencies.append(
                InitialAgency(
                    code=str(item.get("code")),
                    name=str(item.get("name")),
                    public_key=key,
                    account=_address(item.get("account"), f"agency {item.get('code')!r}"),
                )
            )
        return cls(genesis, gas_limit, interval, empty_blocks, admins, alloc, tuple(contracts), tuple(agencies))

    def build_state(self, db: AtomicDB) -> BlockHeaderAPI:
        """Write the genesis state and block into ``db``; the genesis execution header."""
        chain_context = ChainContext(self.chain_id)
        timestamp = self.protocol.time // 1000
        pre_header = BlockHeader(
            difficulty=0, block_number=0, gas_limit=self.gas_limit, timestamp=timestamp, coinbase=ZERO_ADDRESS
        )
        state = TiezhengVM.build_state(db, pre_header, chain_context)
        for address, balance in self.alloc.items():
            state.set_balance(address, balance)
        context_class = state.get_transaction_context_class()
        for contract in self.system_contracts:
            message = Message(
                gas=GENESIS_CALL_GAS,
                to=CREATE_CONTRACT_ADDRESS,
                sender=GENESIS_DEPLOYER,
                value=0,
                data=b"",
                code=contract.init_code,
                create_address=contract.address,
            )
            computation = state.computation_class.apply_create_message(
                state, message, context_class(gas_price=0, origin=GENESIS_DEPLOYER)
            )
            if computation.is_error:
                raise GenesisError(f"deploying {contract.name} at genesis failed: {_failure(computation)}")
        # Checked before the agencies are registered: a registration the registry refuses because the
        # document's admins are not its admins is then said as that.
        _check_deployed(self, state)
        registry = load_artifact("AgencyRegistry")
        admin = self.admins[0]
        for agency in self.agencies:
            calldata = registry.calldata(
                "register", agency.code, agency.name, agency.public_key.to_bytes(), agency.account
            )
            message = Message(
                gas=GENESIS_CALL_GAS,
                to=AGENCY_REGISTRY,
                sender=admin,
                value=0,
                data=calldata,
                code=state.get_code(AGENCY_REGISTRY),
                code_address=AGENCY_REGISTRY,
            )
            computation = state.computation_class.apply_message(
                state, message, context_class(gas_price=0, origin=admin)
            )
            if computation.is_error:
                raise GenesisError(f"registering agency {agency.code!r} at genesis failed: {_failure(computation)}")
        state.persist()
        header = TiezhengVM.create_genesis_header(
            difficulty=0,
            gas_limit=self.gas_limit,
            timestamp=timestamp,
            base_fee_per_gas=0,
            coinbase=ZERO_ADDRESS,
            extra_data=b"tiezheng:" + self.protocol.chain_code.encode("ascii"),
            nonce=b"\x00" * 8,
            mix_hash=self.protocol.hash,
            state_root=state.state_root,
        )
        chain_class(self.chain_id).from_genesis_header(db, header)
        return header


def _check_deployed(genesis: NodeGenesis, state: StateAPI) -> None:
    """Refuse system contracts that deploy no code, or whose lists disagree with the document.

    Not their exact code: a chain keeps the code its genesis deployed, and a later build of the
    node, whose contracts may have changed, still initialises and serves it."""
    for contract in genesis.system_contracts:
        if not state.get_code(contract.address):
            raise GenesisError(f"genesis deploys no code for {contract.name}: its init_code must create the contract")
    (count,) = _view(state, VALIDATOR_SET, "ValidatorSet", "validatorCount")
    declared = [(v.name, v.public_key.to_bytes()) for v in genesis.protocol.validators.validators]
    # Counted first: a contract of any code may claim any count, and each is read only if it could match.
    deployed = (
        [_view(state, VALIDATOR_SET, "ValidatorSet", "validatorAt", i) for i in range(count)]
        if count == len(declared)
        else []
    )
    if deployed != declared:
        raise GenesisError(
            "genesis.validators and the ValidatorSet its init_code builds differ "
            f"({len(declared)} declared, {count} deployed): both must list the same names and keys in the same order"
        )
    (admin_count,) = _view(state, AGENCY_REGISTRY, "AgencyRegistry", "adminCount")
    missing = [a for a in genesis.admins if not _view(state, AGENCY_REGISTRY, "AgencyRegistry", "isAdmin", a)[0]]
    if missing or admin_count != len(genesis.admins):
        raise GenesisError(
            "genesis.execution.admins and the admins of the AgencyRegistry its init_code builds differ "
            f"({len(genesis.admins)} declared, {admin_count} deployed"
            + (f"; not deployed: {', '.join('0x' + a.hex() for a in missing)}" if missing else "")
            + ")"
        )


def _failure(computation: ComputationAPI) -> str:
    """Why a genesis call failed: the contract's revert reason where it gave one."""
    return revert_reason(computation.output) or str(computation.error)


def _view(state: StateAPI, address: Address, contract: str, function: str, *args: Any) -> tuple[Any, ...]:
    """A call to a view of a system contract during genesis; its decoded outputs."""
    artifact = load_artifact(contract)
    message = Message(
        gas=GENESIS_CALL_GAS,
        to=address,
        sender=GENESIS_DEPLOYER,
        value=0,
        data=artifact.calldata(function, *args),
        code=state.get_code(address),
        code_address=address,
    )
    context = state.get_transaction_context_class()(gas_price=0, origin=GENESIS_DEPLOYER)
    computation = state.computation_class.apply_message(state, message, context)
    if computation.is_error:
        raise GenesisError(f"{contract} at genesis does not answer {function} as the contract does (the call failed)")
    try:
        return tuple(abi_decode(artifact.output_types(function), computation.output))
    except Exception:  # eth_abi raises several types for output that does not decode
        raise GenesisError(f"{contract} at genesis does not answer {function} as the contract does") from None


def _list(section: dict[str, Any], key: str) -> list[Any]:
    value = section.get(key, [])
    if type(value) is not list:
        raise GenesisError(f"genesis.execution.{key} must be an array")
    return value


def _dict(section: dict[str, Any], key: str) -> dict[str, Any]:
    value = section.get(key, {})
    if type(value) is not dict:
        raise GenesisError(f"genesis.execution.{key} must be an object")
    return value


def _address(value: Any, where: str) -> Address:
    if type(value) is not str or not is_hex_address(value):
        raise GenesisError(f"{where}: {value!r} is not an EVM address")
    return Address(to_canonical_address(value))


def _hex_bytes(value: Any, where: str) -> bytes:
    if type(value) is not str or not value.startswith("0x"):
        raise GenesisError(f"{where}: init_code must be 0x-prefixed hex")
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        raise GenesisError(f"{where}: init_code is not hex") from None
