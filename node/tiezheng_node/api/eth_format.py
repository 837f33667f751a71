"""Ethereum JSON-RPC encodings: hex quantities and data in, blocks, transactions, receipts and logs out."""

from __future__ import annotations

import re
from typing import Any, Final

import rlp
from eth._utils.address import generate_contract_address
from eth.abc import BlockAPI, ReceiptAPI, SignedTransactionAPI
from eth_utils import to_checksum_address

_QUANTITY: Final = re.compile(r"0x(0|[1-9a-fA-F][0-9a-fA-F]{0,63})")
_DATA: Final = re.compile(r"0x([0-9a-fA-F]{2})*")


class ParamError(ValueError):
    """A JSON-RPC parameter of the wrong shape (-32602)."""


def quantity(value: int) -> str:
    return hex(value)


def data(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def address(value: bytes | None) -> str | None:
    return to_checksum_address(value) if value else None


def parse_quantity(value: Any, name: str) -> int:
    if type(value) is int and 0 <= value < 2**256:  # a JSON number, as some clients send: still a uint256
        return value
    if type(value) is not str or not _QUANTITY.fullmatch(value):
        raise ParamError(f"{name} must be a hex quantity like 0x1a (no leading zeros)")
    return int(value, 16)


def parse_data(value: Any, name: str, *, size: int | None = None, max_size: int = 1 << 20) -> bytes:
    if type(value) is not str or len(value) > 2 + 2 * max_size or not _DATA.fullmatch(value):
        raise ParamError(f"{name} must be 0x-prefixed hex bytes")
    raw = bytes.fromhex(value[2:])
    if size is not None and len(raw) != size:
        raise ParamError(f"{name} must be {size} bytes")
    return raw


def parse_address(value: Any, name: str) -> bytes:
    return parse_data(value, name, size=20)


def format_transaction(
    transaction: SignedTransactionAPI, *, block: BlockAPI | None, index: int | None, chain_id: int
) -> dict[str, Any]:
    kind = getattr(transaction, "type_id", None) or 0
    result: dict[str, Any] = {
        "hash": data(transaction.hash),
        "type": quantity(kind),
        "nonce": quantity(transaction.nonce),
        "blockHash": data(block.hash) if block is not None else None,
        "blockNumber": quantity(block.number) if block is not None else None,
        "transactionIndex": quantity(index) if index is not None else None,
        "from": address(transaction.sender),
        "to": address(transaction.to) if transaction.to else None,
        "value": quantity(transaction.value),
        "gas": quantity(transaction.gas),
        "gasPrice": quantity(_effective_gas_price(transaction)),
        "input": data(transaction.data),
        "chainId": quantity(transaction.chain_id if transaction.chain_id is not None else chain_id),
        "r": quantity(transaction.r),
        "s": quantity(transaction.s),
        "v": quantity(transaction.v if kind == 0 else transaction.y_parity),
    }
    if kind >= 1:
        result["accessList"] = [
            {"address": address(entry[0]), "storageKeys": [data(k.to_bytes(32, "big")) for k in entry[1]]}
            for entry in transaction.access_list
        ]
        result["yParity"] = quantity(transaction.y_parity)
    if kind >= 2:
        result["maxFeePerGas"] = quantity(transaction.max_fee_per_gas)
        result["maxPriorityFeePerGas"] = quantity(transaction.max_priority_fee_per_gas)
    return result


def _effective_gas_price(transaction: SignedTransactionAPI) -> int:
    # The base fee is always zero on this chain.
    if hasattr(transaction, "max_fee_per_gas"):
        return min(transaction.max_priority_fee_per_gas, transaction.max_fee_per_gas)
    return transaction.gas_price


def format_block(block: BlockAPI, *, full: bool, chain_id: int) -> dict[str, Any]:
    header = block.header
    transactions: list[Any]
    if full:
        transactions = [
            format_transaction(t, block=block, index=i, chain_id=chain_id) for i, t in enumerate(block.transactions)
        ]
    else:
        transactions = [data(t.hash) for t in block.transactions]
    result: dict[str, Any] = {
        "number": quantity(header.block_number),
        "hash": data(header.hash),
        "parentHash": data(header.parent_hash),
        "nonce": data(header.nonce),
        "mixHash": data(header.mix_hash),
        "sha3Uncles": data(header.uncles_hash),
        "logsBloom": data(header.bloom.to_bytes(256, "big")),
        "transactionsRoot": data(header.transaction_root),
        "stateRoot": data(header.state_root),
        "receiptsRoot": data(header.receipt_root),
        "miner": address(header.coinbase) or "0x0000000000000000000000000000000000000000",
        "difficulty": "0x0",
        "totalDifficulty": "0x0",
        "extraData": data(header.extra_data),
        "size": quantity(len(rlp.encode(block))),
        "gasLimit": quantity(header.gas_limit),
        "gasUsed": quantity(header.gas_used),
        "timestamp": quantity(header.timestamp),
        "transactions": transactions,
        "uncles": [],
        "baseFeePerGas": quantity(header.base_fee_per_gas),
        "withdrawals": [],
        "withdrawalsRoot": data(header.withdrawals_root),
        "blobGasUsed": quantity(header.blob_gas_used),
        "excessBlobGas": quantity(header.excess_blob_gas),
        "parentBeaconBlockRoot": data(header.parent_beacon_block_root),
    }
    if hasattr(header, "requests_hash"):
        result["requestsHash"] = data(header.requests_hash)
    return result


def format_logs(
    block: BlockAPI, receipts: tuple[ReceiptAPI, ...], *, first_log_index: int = 0
) -> list[list[dict[str, Any]]]:
    """Each receipt's logs in JSON-RPC form, with block-wide log indexes."""
    out = []
    log_index = first_log_index
    for position, (transaction, receipt) in enumerate(zip(block.transactions, receipts, strict=True)):
        logs = []
        for entry in receipt.logs:
            logs.append(
                {
                    "address": address(entry.address),
                    "topics": [data(t.to_bytes(32, "big")) for t in entry.topics],
                    "data": data(entry.data),
                    "blockNumber": quantity(block.number),
                    "blockHash": data(block.hash),
                    "transactionHash": data(transaction.hash),
                    "transactionIndex": quantity(position),
                    "logIndex": quantity(log_index),
                    "removed": False,
                }
            )
            log_index += 1
        out.append(logs)
    return out


def format_receipt(block: BlockAPI, receipts: tuple[ReceiptAPI, ...], index: int) -> dict[str, Any]:
    transaction = block.transactions[index]
    receipt = receipts[index]
    previous_cumulative = receipts[index - 1].gas_used if index > 0 else 0
    contract = None
    if not transaction.to:
        contract = address(generate_contract_address(transaction.sender, transaction.nonce))
    return {
        "transactionHash": data(transaction.hash),
        "transactionIndex": quantity(index),
        "blockHash": data(block.hash),
        "blockNumber": quantity(block.number),
        "from": address(transaction.sender),
        "to": address(transaction.to) if transaction.to else None,
        "cumulativeGasUsed": quantity(receipt.gas_used),
        "gasUsed": quantity(receipt.gas_used - previous_cumulative),
        "effectiveGasPrice": quantity(_effective_gas_price(transaction)),
        "contractAddress": contract,
        "logs": format_logs(block, receipts)[index],
        "logsBloom": data(receipt.bloom.to_bytes(256, "big")),
        "status": "0x1" if receipt.state_root == b"\x01" else "0x0",
        "type": quantity(getattr(transaction, "type_id", None) or 0),
    }
