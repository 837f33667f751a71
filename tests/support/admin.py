"""What an admin does to a running node from outside: sign transactions to system contracts, sign requests."""

from __future__ import annotations

import time
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_checksum_address

from tiezheng.genesis import Genesis
from tiezheng.supervision import admin_message
from tiezheng_node.execution.artifacts import load as load_artifact

from .processes import NodeProcess


def admin_account(node: NodeProcess) -> Any:
    return Account.from_key(node.accounts()["admin"]["evm_private_key"])


def admin_transact(node: NodeProcess, contract: str, address: bytes, function: str, *args: Any) -> dict[str, Any]:
    """Send an admin transaction over JSON-RPC and wait for its receipt; the receipt."""
    account = admin_account(node)
    nonce = int(node.rpc("eth_getTransactionCount", account.address, "pending"), 16)
    signed = account.sign_transaction(
        {
            "chainId": int(node.rpc("eth_chainId"), 16),
            "nonce": nonce,
            "gas": 3_000_000,
            "maxFeePerGas": 0,
            "maxPriorityFeePerGas": 0,
            "to": to_checksum_address(address),
            "value": 0,
            "data": load_artifact(contract).calldata(function, *args),
            "type": 2,
        }
    )
    transaction_hash = node.rpc("eth_sendRawTransaction", "0x" + bytes(signed.raw_transaction).hex())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        receipt = node.rpc("eth_getTransactionReceipt", transaction_hash)
        if receipt is not None:
            return receipt  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise TimeoutError(f"transaction {transaction_hash} was not included")


def admin_signature(node: NodeProcess, action: str, target: str) -> dict[str, Any]:
    """The ``auth`` object of an admin-signed request (docs/workflow.md)."""
    account = admin_account(node)
    now = int(time.time() * 1000)
    genesis = Genesis.load(node.data_dir / "genesis.json")
    message = admin_message(genesis.chain_code, genesis.hash, action, target, now)
    signature = account.sign_message(encode_defunct(text=message)).signature
    return {"signer": account.address, "time": now, "signature": "0x" + bytes(signature).hex()}
