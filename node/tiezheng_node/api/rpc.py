"""Ethereum JSON-RPC 2.0 at /rpc: what web3.py and ethers.js need to deploy, transact, call and read logs.

Errors use the standard shapes: -32700 parse error, -32600 invalid request,
-32601 method not found, -32602 invalid params, -32603 internal error; -32000
for a refused transaction or failed execution, 3 with the revert data for a
reverted call (as geth), -32005 when a query exceeds a limit, and -32007 when
the sender is not permitted to transact (as Besu's account permissioning).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import pairwise
from typing import Any, Final

from eth.abc import BlockAPI, BlockHeaderAPI, ComputationAPI
from eth.exceptions import BlockNotFound, HeaderNotFound, OutOfGas, Revert
from eth_bloom import BloomFilter
from eth_typing import Address
from pydantic_core import from_json

from .. import __version__
from ..execution.chain import CallRefused, CallTimedOut, GasTooLow
from ..execution.reverts import revert_reason
from ..execution.vm import deadline
from ..node import Node, SubmissionError
from .eth_format import (
    ParamError,
    data,
    format_block,
    format_logs,
    format_receipt,
    format_transaction,
    parse_address,
    parse_data,
    parse_quantity,
    quantity,
)

log = logging.getLogger("tiezheng.rpc")

MAX_BATCH: Final = 100
MAX_LOG_RANGE: Final = 10_000
MAX_LOGS: Final = 10_000
#: eth_estimateGas stops when the least gas known to suffice is within this share of the
#: most known to fall short (geth's 1.5 %): each further probe would run the call again.
ESTIMATE_TOLERANCE: Final = 0.015
#: Addresses and topic options one eth_getLogs filter may list, together: each is tested
#: against the bloom of every block in the range.
MAX_FILTER_VALUES: Final = 1_000
MAX_FEE_HISTORY: Final = 1_024
#: Addresses and storage keys in a call's access list, all told (more than a block's gas could pay for).
MAX_ACCESS_LIST: Final = 10_000
STORAGE_SLOT: Final = re.compile(r"0x[0-9a-fA-F]{1,64}")  # no sign, no spaces: int() would take both
#: How long an eth_call or eth_estimateGas waits for the one running before it (-32005 after).
EXECUTION_WAIT_SECONDS: Final = 5.0
#: How long the eth_call and eth_estimateGas runs of one request (a batch: all of them) may take together
#: (geth: --rpc.evmtimeout 5s, per call).
CALL_SECONDS: Final = 5.0
ZERO_ADDRESS: Final = b"\x00" * 20
#: The positional parameters each method takes (any other method takes none). eth_call and eth_estimateGas
#: take no third (geth's state overrides): this node does not simulate them.
MAX_PARAMS: Final[dict[str, int]] = {
    "web3_sha3": 1,
    "eth_feeHistory": 3,
    "eth_getBlockByNumber": 2,
    "eth_getBlockByHash": 2,
    "eth_getBlockTransactionCountByNumber": 1,
    "eth_getTransactionByHash": 1,
    "eth_getTransactionByBlockNumberAndIndex": 2,
    "eth_getTransactionReceipt": 1,
    "eth_getTransactionCount": 2,
    "eth_getBalance": 2,
    "eth_getCode": 2,
    "eth_getStorageAt": 3,
    "eth_call": 2,
    "eth_estimateGas": 2,
    "eth_sendRawTransaction": 1,
    "eth_getLogs": 1,
}


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


Method = Callable[[list[Any]], Any]


class JsonRpc:
    def __init__(self, node: Node) -> None:
        self._node = node
        self._chain_id = node.genesis.chain_id
        self.methods: dict[str, Method] = {
            "web3_clientVersion": lambda p: f"Tiezheng/v{__version__}/python/py-evm",
            "web3_sha3": self._sha3,
            "net_version": lambda p: str(self._chain_id),
            "net_listening": lambda p: True,
            "net_peerCount": lambda p: "0x0",
            "eth_chainId": lambda p: quantity(self._chain_id),
            "eth_syncing": lambda p: False,
            "eth_mining": lambda p: node.is_validator,
            "eth_accounts": lambda p: [],
            "eth_blockNumber": lambda p: quantity(node.head.height),
            "eth_gasPrice": lambda p: "0x0",
            "eth_maxPriorityFeePerGas": lambda p: "0x0",
            "eth_feeHistory": self._fee_history,
            "eth_getBlockByNumber": self._block_by_number,
            "eth_getBlockByHash": self._block_by_hash,
            "eth_getBlockTransactionCountByNumber": self._transaction_count_by_number,
            "eth_getTransactionByHash": self._transaction_by_hash,
            "eth_getTransactionByBlockNumberAndIndex": self._transaction_by_number_and_index,
            "eth_getTransactionReceipt": self._transaction_receipt,
            "eth_getTransactionCount": self._transaction_count,
            "eth_getBalance": self._balance,
            "eth_getCode": self._code,
            "eth_getStorageAt": self._storage_at,
            "eth_call": self._call,
            "eth_estimateGas": self._estimate_gas,
            "eth_sendRawTransaction": self._send_raw_transaction,
            "eth_getLogs": self._get_logs,
        }
        # Calls run code anyone sends. A request (a batch included) may spend at most the gas
        # of one block target on them, and they run one at a time, so that no client can keep
        # more than one core, or the block producer, busy with them.
        self._budget = threading.local()
        self._executing = threading.Lock()

    # Envelope

    def handle(self, body: bytes) -> Any:
        """The response for a request body: a dict, a list (batch), or None (notifications only)."""
        self._budget.gas = self._node.genesis.gas_target
        # And CALL_SECONDS of running them: a batch of a hundred endless loops would otherwise hold the one
        # execution slot for a hundred times as long.
        self._budget.seconds = CALL_SECONDS
        # Reading blocks has a budget per request too: a batch of a hundred wide eth_getLogs
        # would otherwise read a hundred times the range one may.
        self._budget.blocks = MAX_LOG_RANGE
        self._budget.logs = MAX_LOGS
        try:
            request = from_json(body, allow_inf_nan=False)  # bounded nesting: see api/bodies.py
        except ValueError:
            return _error_response(None, RpcError(-32700, "parse error: the body is not JSON"))
        if isinstance(request, list):
            if not request:
                return _error_response(None, RpcError(-32600, "invalid request: empty batch"))
            if len(request) > MAX_BATCH:
                return _error_response(
                    None, RpcError(-32600, f"invalid request: batches hold at most {MAX_BATCH} calls")
                )
            responses = [r for r in (self._handle_one(item) for item in request) if r is not None]
            return responses or None
        return self._handle_one(request)

    def _handle_one(self, request: Any) -> dict[str, Any] | None:
        if not isinstance(request, dict):
            return _error_response(None, RpcError(-32600, "invalid request: expected a JSON object"))
        request_id = request.get("id")
        if request_id is not None and (
            type(request_id) not in (int, float, str) or (type(request_id) is float and not math.isfinite(request_id))
        ):
            # A fractional id is discouraged by JSON-RPC 2.0 but allowed, and echoed as geth does.
            return _error_response(None, RpcError(-32600, "invalid request: id must be a number, a string or null"))
        if request.get("jsonrpc") != "2.0" or type(request.get("method")) is not str:
            return _error_response(request_id, RpcError(-32600, 'invalid request: needs "jsonrpc": "2.0" and a method'))
        params = request.get("params", [])
        if not isinstance(params, list):
            return _error_response(request_id, RpcError(-32602, "invalid params: params must be an array"))
        method = self.methods.get(request["method"])
        try:
            if method is None:
                raise RpcError(-32601, f"the method {request['method'][:64]} does not exist/is not available")
            most = MAX_PARAMS.get(request["method"], 0)
            if len(params) > most:
                # As geth says it. Ignored, a parameter the caller meant (a state override, say) would be lost.
                raise ParamError(f"too many arguments, want at most {most}")
            result = method(params)
        except RpcError as exc:
            log.debug("%s refused: %s (%d)", request["method"][:64], exc.message, exc.code)
            return _error_response(request_id, exc) if "id" in request else None
        except (ParamError, IndexError) as exc:
            message = str(exc) if isinstance(exc, ParamError) else "missing parameter"
            log.debug("%s refused: invalid params: %s", request["method"], message)
            return (
                _error_response(request_id, RpcError(-32602, f"invalid params: {message}")) if "id" in request else None
            )
        except CallRefused as exc:
            log.debug("%s refused: %s", request["method"], exc)
            return _error_response(request_id, RpcError(-32000, str(exc))) if "id" in request else None
        except Exception:
            log.exception("internal error in %s", request["method"])
            return _error_response(request_id, RpcError(-32603, "internal error")) if "id" in request else None
        if "id" not in request:
            return None
        return {"jsonrpc": "2.0", "id": request_id, "result": result}

    # Blocks

    def _resolve(self, tag: Any) -> BlockHeaderAPI:
        """A block tag or number (or an EIP-1898 object) to its execution header."""
        node = self._node
        if isinstance(tag, dict):
            if "blockHash" in tag and "blockNumber" in tag:
                raise ParamError("give blockHash or blockNumber, not both (EIP-1898)")
            if "blockHash" in tag:
                try:
                    return node.execution.header_by_hash(parse_data(tag["blockHash"], "blockHash", size=32))
                except HeaderNotFound:
                    raise RpcError(-32000, "header not found") from None
            tag = tag.get("blockNumber", "latest")
        if tag in ("latest", "pending", "safe", "finalized", None):
            return node.head.execution
        number = 0 if tag == "earliest" else parse_quantity(tag, "block number")
        if number > node.head.height:
            raise RpcError(-32000, f"block {number} is beyond the head ({node.head.height})")
        header = node.execution_header(number)
        if header is None:
            raise RpcError(-32000, "header not found")
        return header

    def _tag_number(self, tag: Any) -> int:
        if tag in ("latest", "pending", "safe", "finalized", None):
            return self._node.head.height
        if tag == "earliest":
            return 0
        return parse_quantity(tag, "block number")

    def _known_block(self, tag: Any) -> BlockAPI | None:
        """The block a tag names, or None where there is none (geth answers null, not an error, for these)."""
        try:
            header = self._resolve(tag)
        except RpcError as exc:
            if exc.code == -32000:
                return None
            raise
        return self._node.execution.block(header.block_number)

    def _block_by_number(self, params: list[Any]) -> Any:
        full = _flag(params, 1)
        block = self._known_block(params[0])
        return None if block is None else format_block(block, full=full, chain_id=self._chain_id)

    def _block_by_hash(self, params: list[Any]) -> Any:
        block_hash = parse_data(params[0], "block hash", size=32)
        try:
            block = self._node.execution.block_by_hash(block_hash)
        except (HeaderNotFound, BlockNotFound):
            return None
        return format_block(block, full=_flag(params, 1), chain_id=self._chain_id)

    def _transaction_count_by_number(self, params: list[Any]) -> Any:
        block = self._known_block(params[0])
        return None if block is None else quantity(len(block.transactions))

    # Transactions

    def _locate(self, transaction_hash: bytes) -> tuple[BlockAPI, int] | None:
        location = self._node.execution.locate_transaction(transaction_hash)
        if location is None or location.block_number > self._node.head.height:
            return None
        return self._node.execution.block(location.block_number), location.index

    def _transaction_by_hash(self, params: list[Any]) -> Any:
        transaction_hash = parse_data(params[0], "transaction hash", size=32)
        found = self._locate(transaction_hash)
        if found is not None:
            block, index = found
            return format_transaction(block.transactions[index], block=block, index=index, chain_id=self._chain_id)
        pending = self._node.pool.get(transaction_hash)
        if pending is not None:
            return format_transaction(pending.transaction, block=None, index=None, chain_id=self._chain_id)
        return None

    def _transaction_by_number_and_index(self, params: list[Any]) -> Any:
        block = self._known_block(params[0])
        index = parse_quantity(params[1], "index")
        if block is None or index >= len(block.transactions):
            return None
        return format_transaction(block.transactions[index], block=block, index=index, chain_id=self._chain_id)

    def _transaction_receipt(self, params: list[Any]) -> Any:
        found = self._locate(parse_data(params[0], "transaction hash", size=32))
        if found is None:
            return None
        block, index = found
        return format_receipt(block, self._node.execution.receipts(block), index)

    def _send_raw_transaction(self, params: list[Any]) -> Any:
        raw = parse_data(params[0], "signed transaction", max_size=256 * 1024)
        try:
            return data(self._node.submit_transaction(raw))
        except SubmissionError as exc:
            raise RpcError(exc.rpc_code, str(exc), {"reason": exc.code}) from None

    # Accounts and state

    def _transaction_count(self, params: list[Any]) -> Any:
        account = Address(parse_address(params[0], "address"))
        if len(params) > 1 and params[1] == "pending":
            return quantity(self._node.pending_nonce(account))
        header = self._resolve(params[1] if len(params) > 1 else "latest")
        return quantity(self._node.execution.nonce(account, header))

    def _balance(self, params: list[Any]) -> Any:
        account = Address(parse_address(params[0], "address"))
        header = self._resolve(params[1] if len(params) > 1 else "latest")
        return quantity(self._node.execution.state(header).get_balance(account))

    def _code(self, params: list[Any]) -> Any:
        account = Address(parse_address(params[0], "address"))
        header = self._resolve(params[1] if len(params) > 1 else "latest")
        return data(self._node.execution.state(header).get_code(account))

    def _storage_at(self, params: list[Any]) -> Any:
        account = Address(parse_address(params[0], "address"))
        slot = _storage_slot(params[1])
        header = self._resolve(params[2] if len(params) > 2 else "latest")
        value = self._node.execution.state(header).get_storage(account, slot)
        return data(value.to_bytes(32, "big"))

    # Calls

    def _message(self, call: Any) -> dict[str, Any]:
        if not isinstance(call, dict):
            raise ParamError("the call must be an object")
        if "input" in call and "data" in call and call["input"] != call["data"]:
            raise ParamError('both "input" and "data" are set and they differ')
        if call.get("authorizationList"):
            raise ParamError("authorizationList (EIP-7702) is not simulated by this node; call without it")
        input_field = call.get("input", call.get("data", "0x"))
        gas = parse_quantity(call["gas"], "gas") if call.get("gas") is not None else None
        return {
            # Absent or null: the zero address as sender, a creation as target; "" or 0 are no address at all.
            "sender": Address(parse_address(call["from"], "from")) if call.get("from") is not None else ZERO_ADDRESS,
            "to": parse_address(call["to"], "to") if call.get("to") is not None else b"",
            "data": parse_data(input_field, "input"),
            "value": parse_quantity(call.get("value", "0x0"), "value"),
            # Like geth's RPC gas cap: more than a block may use is lowered to that, not refused.
            "gas": None if gas is None else min(gas, self._node.genesis.gas_target),
            "access_list": _access_list(call.get("accessList")),
        }

    def _call(self, params: list[Any]) -> Any:
        with self._simulation(params) as (_message, _header, computation):
            if computation.is_error:
                raise _execution_error(computation.error, computation.output)
            return data(computation.output)

    def _estimate_gas(self, params: list[Any]) -> Any:
        try:
            return self._estimate(params)
        except GasTooLow as exc:  # the allowance is below what the message needs before its code runs
            raise RpcError(-32000, f"gas required exceeds allowance ({exc.gas})") from None

    def _estimate(self, params: list[Any]) -> Any:
        with self._simulation(params) as (message, header, computation):
            if computation.is_error:
                if message["gas"] is not None and isinstance(computation.error, OutOfGas):
                    raise RpcError(-32000, f"gas required exceeds allowance ({message['gas']})")
                raise _execution_error(computation.error, computation.output)
            intrinsic, floor = self._node.execution.upfront_gas(
                to=message["to"], data=message["data"], at=header, access_list=message["access_list"]
            )
            return quantity(self._least_gas(message, header, max(floor, intrinsic + computation.get_gas_used())))

    def _least_gas(self, message: dict[str, Any], header: BlockHeaderAPI, consumed: int) -> int:
        """The least gas, within 1.5 %, with which the call succeeds, given that it did with ``message["gas"]``
        (or the gas target), consuming ``consumed`` before refunds.

        geth's search: first an optimistic probe at what the run consumed and the 1/63 a
        CALL keeps back, then halving. Every probe is charged to the request's gas, and
        when that runs short the search stops at the least gas known to suffice.
        """
        high = message["gas"] if message["gas"] is not None else self._node.genesis.gas_target
        low = consumed - 1  # less than it consumed cannot be enough
        probe = min(high - 1, consumed * 64 // 63)
        while high - low > 1 and (high - low) / high > ESTIMATE_TOLERANCE:
            if probe <= low:
                probe = (low + high) // 2
            if self._budget.gas < probe:
                break
            try:
                run = self._node.execution.call(at=header, **{**message, "gas": probe})
            except CallTimedOut:
                raise
            except CallRefused:  # below the intrinsic cost or the calldata floor
                low = probe
            else:
                self._spend(run.get_gas_used())
                if run.is_error:
                    low = probe
                else:
                    high = probe
            probe = (low + high) // 2
        return high

    @contextmanager
    def _simulation(self, params: list[Any]) -> Iterator[tuple[dict[str, Any], BlockHeaderAPI, ComputationAPI]]:
        """Run the call in ``params`` within its request's gas budget, holding the one execution slot throughout."""
        message = self._message(params[0])
        header = self._resolve(params[1] if len(params) > 1 else "latest")
        capped = self._within_budget(message)
        if not self._executing.acquire(timeout=EXECUTION_WAIT_SECONDS):
            raise RpcError(-32005, "the node is busy running other calls; retry")
        try:
            # One deadline for the request's runs (an estimate's probes too, a batch's calls all), like geth's
            # --rpc.evmtimeout: the time they run, not the time they waited for the slot.
            remaining = self._budget.seconds
            if remaining <= 0:
                raise RpcError(
                    -32005,
                    f"the calls of one request may run for at most {CALL_SECONDS:g} s in all; "
                    "send the rest in another request",
                )
            started = time.monotonic()
            try:
                with deadline(remaining):
                    try:
                        computation = self._node.execution.call(at=header, **message)
                    except GasTooLow:
                        if capped:  # lowered to what the request had left: that ran out, not the caller's gas
                            raise self._budget_spent() from None
                        raise
                    self._spend(computation.get_gas_used())
                    if capped and computation.is_error and isinstance(computation.error, OutOfGas):
                        raise self._budget_spent()
                    yield message, header, computation
            finally:
                self._budget.seconds -= time.monotonic() - started
        finally:
            self._executing.release()

    def _within_budget(self, message: dict[str, Any]) -> bool:
        """Give a call no more gas than its request has left; whether that lowered it (-32005 when nothing is left)."""
        remaining = self._budget.gas
        wanted = message["gas"] if message["gas"] is not None else self._node.genesis.gas_target
        if remaining <= 0:
            raise self._budget_spent()
        if wanted > remaining:
            message["gas"] = remaining
            return True
        return False

    def _spend(self, gas: int) -> None:
        self._budget.gas -= gas

    def _budget_spent(self) -> RpcError:
        return RpcError(
            -32005,
            f"the calls of one request may use at most {self._node.genesis.gas_target} gas in all; "
            "send the rest in another request",
        )

    # Fees (always zero on this chain)

    def _fee_history(self, params: list[Any]) -> Any:
        count = min(parse_quantity(params[0], "block count"), MAX_FEE_HISTORY)
        newest = self._resolve(params[1]).block_number
        percentiles = params[2] if len(params) > 2 and params[2] is not None else None
        if percentiles is not None and (
            not isinstance(percentiles, list) or not all(type(p) in (int, float) and 0 <= p <= 100 for p in percentiles)
        ):
            raise ParamError("reward percentiles must be numbers in [0, 100]")
        if percentiles is not None and any(a > b for a, b in pairwise(percentiles)):
            raise ParamError("reward percentiles must be in ascending order")
        if count == 0:  # geth answers so: no blocks, and no oldest one
            return {"oldestBlock": quantity(0), "baseFeePerGas": [], "gasUsedRatio": []}
        oldest = max(0, newest - count + 1)
        self._read_blocks(newest - oldest + 1)
        ratios = []
        for number in range(oldest, newest + 1):
            header = self._node.execution.header(number)
            ratios.append(header.gas_used / header.gas_limit if header.gas_limit else 0.0)
        result: dict[str, Any] = {
            "oldestBlock": quantity(oldest),
            "baseFeePerGas": ["0x0"] * (len(ratios) + 1),
            "gasUsedRatio": ratios,
        }
        if percentiles:  # as geth: no percentiles asked, no rewards given
            result["reward"] = [["0x0"] * len(percentiles) for _ in ratios]
        return result

    # Logs

    def _get_logs(self, params: list[Any]) -> Any:
        criteria = params[0] if params else {}
        if not isinstance(criteria, dict):
            raise ParamError("the filter must be an object")
        addresses = _addresses(criteria.get("address"))
        topics = _topics(criteria.get("topics"))
        listed = len(addresses or ()) + sum(len(options) for options in topics if options)
        if listed > MAX_FILTER_VALUES:
            raise ParamError(f"the filter lists {listed} addresses and topics; at most {MAX_FILTER_VALUES} together")
        blooms = _BloomQuery(addresses, topics)
        if criteria.get("blockHash") is not None:
            if criteria.get("fromBlock") is not None or criteria.get("toBlock") is not None:
                raise ParamError("give blockHash or fromBlock/toBlock, not both")
            try:
                blocks = [self._node.execution.block_by_hash(parse_data(criteria["blockHash"], "blockHash", size=32))]
            except (HeaderNotFound, BlockNotFound):
                raise RpcError(-32000, "unknown block") from None
            start = end = blocks[0].number
        else:
            requested = [self._tag_number(criteria.get(k, "latest")) for k in ("fromBlock", "toBlock")]
            if requested[0] > requested[1]:
                raise ParamError("fromBlock is after toBlock")
            start = self._resolve(criteria.get("fromBlock", "latest")).block_number
            end = self._resolve(criteria.get("toBlock", "latest")).block_number
            if end - start + 1 > MAX_LOG_RANGE:
                raise RpcError(-32005, f"query covers more than {MAX_LOG_RANGE} blocks; narrow fromBlock/toBlock")
        self._read_blocks(end - start + 1)
        found: list[dict[str, Any]] = []
        for number in range(start, end + 1):
            header = self._node.execution.header(number)
            if not blooms.may_match(header.bloom):
                continue
            block = self._node.execution.block(number)
            for logs in format_logs(block, self._node.execution.receipts(block)):
                for entry in logs:
                    if _log_matches(entry, addresses, topics):
                        found.append(entry)
                        if len(found) > self._budget.logs:
                            raise RpcError(
                                -32005,
                                f"the calls of one request may return at most {MAX_LOGS} logs in all; "
                                "narrow the filter, or send the rest in another request",
                            )
        self._budget.logs -= len(found)
        return found

    def _read_blocks(self, count: int) -> None:
        """Charge reading ``count`` blocks to the request (-32005 when it has read its share)."""
        if count > self._budget.blocks:
            raise RpcError(
                -32005,
                f"the calls of one request may read at most {MAX_LOG_RANGE} blocks in all (eth_getLogs, "
                "eth_feeHistory); narrow the range, or send the rest in another request",
            )
        self._budget.blocks -= count

    def _sha3(self, params: list[Any]) -> Any:
        from eth_utils import keccak

        return data(keccak(parse_data(params[0], "data")))


def _error_response(request_id: Any, error: RpcError) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": error.to_json()}


def _execution_error(error: Exception, output: bytes) -> RpcError:
    if isinstance(error, Revert):
        reason = revert_reason(output)
        message = f"execution reverted: {reason}" if reason else "execution reverted"
        return RpcError(3, message, data(output))
    return RpcError(-32000, f"execution failed: {type(error).__name__}: {error}")


def _flag(params: list[Any], position: int) -> bool:
    if len(params) <= position:
        return False
    if type(params[position]) is not bool:
        raise ParamError("the full-transactions flag must be true or false")
    return params[position]


def _storage_slot(value: Any) -> int:
    """A storage key as clients send it: 0x hex of at most 32 bytes, leading zeros allowed (geth reads it so)."""
    if type(value) is not str or not STORAGE_SLOT.fullmatch(value):
        raise ParamError("storage slot must be 0x hex of at most 32 bytes")
    return int(value[2:], 16)


def _access_list(value: Any) -> list[tuple[bytes, list[int]]]:
    """EIP-2930's ``[{"address": …, "storageKeys": [32-byte hex, …]}, …]``; absent or null is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParamError("accessList must be a list of {address, storageKeys}")
    parsed: list[tuple[bytes, list[int]]] = []
    named = 0
    for position, item in enumerate(value):
        if not isinstance(item, dict) or "address" not in item or set(item) - {"address", "storageKeys"}:
            raise ParamError(f"accessList[{position}] must be an object with address and storageKeys")
        keys = item.get("storageKeys", [])
        if not isinstance(keys, list):
            raise ParamError(f"accessList[{position}].storageKeys must be a list")
        named += 1 + len(keys)
        if named > MAX_ACCESS_LIST:
            raise ParamError(f"accessList names more than {MAX_ACCESS_LIST} addresses and storage keys")
        slots = [int.from_bytes(parse_data(key, f"accessList[{position}].storageKeys", size=32), "big") for key in keys]
        parsed.append((parse_address(item["address"], f"accessList[{position}].address"), slots))
    return parsed


def _addresses(value: Any) -> list[bytes] | None:
    if value is None or value == []:  # an empty list filters nothing out, as in geth
        return None
    values = value if isinstance(value, list) else [value]
    return [parse_address(v, "address") for v in values]


def _topics(value: Any) -> list[list[bytes] | None]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 4:
        raise ParamError("topics must be an array of at most 4 positions")
    positions: list[list[bytes] | None] = []
    for item in value:
        if item is None:
            positions.append(None)
        elif isinstance(item, list):
            positions.append([parse_data(t, "topic", size=32) for t in item] or None)
        else:
            positions.append([parse_data(item, "topic", size=32)])
    return positions


class _BloomQuery:
    """A filter's addresses and topics as bloom bit masks, hashed once for every block of a query."""

    def __init__(self, addresses: list[bytes] | None, topics: list[list[bytes] | None]) -> None:
        self._addresses = None if addresses is None else [_bloom_mask(a) for a in addresses]
        self._topics = [[_bloom_mask(t) for t in options] for options in topics if options is not None]

    def may_match(self, bloom: int) -> bool:
        if self._addresses is not None and not any(bloom & mask == mask for mask in self._addresses):
            return False
        return all(any(bloom & mask == mask for mask in options) for options in self._topics)


def _bloom_mask(value: bytes) -> int:
    return int(BloomFilter.from_iterable([value]))


def _log_matches(entry: dict[str, Any], addresses: list[bytes] | None, topics: list[list[bytes] | None]) -> bool:
    if addresses is not None and bytes.fromhex(entry["address"][2:]) not in addresses:
        return False
    entry_topics = entry["topics"]
    if len(topics) > len(entry_topics):  # a position, null or not, that the log lacks (geth's filterLogs)
        return False
    for position, options in enumerate(topics):
        if options is not None and bytes.fromhex(entry_topics[position][2:]) not in options:
            return False
    return True
