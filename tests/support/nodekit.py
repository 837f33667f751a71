"""An in-process node on a temporary LevelDB, driven block by block: for tests of contracts and chain rules.

The node is real (store, execution, sealing); only the producer thread is not
started, so each test decides when a block is sealed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth.abc import ComputationAPI
from eth_abi import decode as abi_decode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey, keystore
from tiezheng_node.devnet import DEV_PASSPHRASE, DEV_SUPERVISION_CODE, DevLayout, create_devnet
from tiezheng_node.execution.artifacts import Artifact
from tiezheng_node.execution.artifacts import load as load_artifact
from tiezheng_node.node import CommittedBlock, Node
from tiezheng_node.process.supervision import Supervision

ZERO = b"\x00" * 20


@dataclass
class Sent:
    block: CommittedBlock
    receipt: Any
    index: int

    @property
    def ok(self) -> bool:
        return self.receipt.state_root == b"\x01"

    @property
    def logs(self) -> tuple[Any, ...]:
        return self.receipt.logs


class LocalChain:
    def __init__(self, data_dir: Path, *, admission_workers: int | None = 0, **node_options: Any) -> None:
        layout: DevLayout = create_devnet(data_dir, kdf_iterations=1_000)
        self.layout = layout
        self.genesis = Genesis.load(layout.genesis)
        accounts = json.loads(layout.accounts.read_text())["accounts"]
        by_role = {a["role"]: a for a in accounts}
        self.admin: LocalAccount = Account.from_key(by_role["admin"]["evm_private_key"])
        self.agency: LocalAccount = Account.from_key(by_role["agency"]["evm_private_key"])
        self.agency_code: str = by_role["agency"]["agency_code"]
        self.agency_key: SM2PrivateKey = keystore.load(layout.agency_key, DEV_PASSPHRASE)
        self.validator_key: SM2PrivateKey = keystore.load(layout.validator_key, DEV_PASSPHRASE)
        self.supervision = Supervision(keystore.load(layout.supervision_key, DEV_PASSPHRASE), DEV_SUPERVISION_CODE)
        self.node_options = {"admission_workers": admission_workers, "supervision": self.supervision, **node_options}
        self.clock: Any = node_options.get("clock")  # the node's clock, when a test moves it
        self.node = Node(data_dir, self.genesis, self.validator_key, **self.node_options)

    def close(self) -> None:
        self.node.close()

    def nonce(self, account: LocalAccount) -> int:
        return self.node.pending_nonce(bytes.fromhex(account.address[2:]))

    def sign(
        self, account: LocalAccount, to: bytes | None, data: bytes, *, value: int = 0, gas: int = 3_000_000
    ) -> bytes:
        transaction = {
            "chainId": self.genesis.chain_id,
            "nonce": self.nonce(account),
            "gas": gas,
            "maxFeePerGas": 0,
            "maxPriorityFeePerGas": 0,
            "to": to_checksum_address(to) if to else None,
            "value": value,
            "data": data,
            "type": 2,
        }
        if transaction["to"] is None:
            del transaction["to"]
        return bytes(account.sign_transaction(transaction).raw_transaction)

    def send(self, account: LocalAccount, to: bytes | None, data: bytes, **options: Any) -> Sent:
        transaction_hash = self.node.submit_transaction(self.sign(account, to, data, **options))
        block = self.node.produce_block()
        assert block is not None, "no block was produced"
        hashes = [t.hash for t in block.block.transactions]
        assert transaction_hash in hashes, "the transaction was left out of the block"
        index = hashes.index(transaction_hash)
        return Sent(block, block.receipts[index], index)

    def deploy(self, account: LocalAccount, artifact: Artifact | str, *args: Any) -> bytes:
        artifact = load_artifact(artifact) if isinstance(artifact, str) else artifact
        sent = self.send(account, None, artifact.init_code(*args))
        assert sent.ok, "deployment failed"
        from eth._utils.address import generate_contract_address

        transaction = sent.block.block.transactions[sent.index]
        return generate_contract_address(transaction.sender, transaction.nonce)

    def transact(self, account: LocalAccount, contract: str, address: bytes, function: str, *args: Any) -> Sent:
        return self.send(account, address, load_artifact(contract).calldata(function, *args))

    def call(self, contract: str, address: bytes, function: str, *args: Any, sender: bytes = ZERO) -> Any:
        artifact = load_artifact(contract)
        computation = self.raw_call(address, artifact.calldata(function, *args), sender=sender)
        if computation.is_error:
            raise computation.error
        values = abi_decode(artifact.output_types(function), computation.output)
        return values[0] if len(values) == 1 else values

    def raw_call(self, address: bytes, data: bytes, *, sender: bytes = ZERO) -> ComputationAPI:
        return self.node.execution.call(
            sender=sender, to=address, data=data, value=0, gas=None, at=self.node.head.execution
        )
