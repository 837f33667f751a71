"""The execution chain over the node's store: building blocks, and reading state, blocks and receipts.

Every object made here is short-lived and private to one caller: the block
producer builds each block on a fresh overlay of pending writes (committed by
the node with the rest of the block, or dropped), and every read builds its own
view of the committed store. So readers in API threads never see a block before
it is committed, and never block the producer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import plyvel
from eth.abc import (
    BlockAPI,
    BlockHeaderAPI,
    ComputationAPI,
    ReceiptAPI,
    SignedTransactionAPI,
    UnsignedTransactionAPI,
    VirtualMachineAPI,
)
from eth.chains.base import Chain
from eth.constants import ZERO_ADDRESS
from eth.db.atomic import AtomicDB
from eth.exceptions import BlockNotFound, HeaderNotFound, TransactionNotFound
from eth.vm.forks.prague.state import PragueTransactionExecutor
from eth.vm.spoof import SpoofTransaction
from eth_typing import Address, Hash32
from eth_utils import ValidationError

from ..store import Store, StoreError
from ..store.evm_db import EvmDatabase
from .genesis import NodeGenesis
from .vm import DeadlinePassed, chain_class, reader_class, without_deadline


class ExecutionError(RuntimeError):
    """A block could not be built for a reason that is not any one transaction's fault."""


class CallRefused(ValueError):
    """A call py-evm will not run: the sender cannot pay the value, or the gas is below the intrinsic cost."""


class GasTooLow(CallRefused):
    """A call given less gas (``gas``) than its intrinsic cost or its calldata floor."""

    def __init__(self, message: str, gas: int) -> None:
        super().__init__(message)
        self.gas = gas


class CallTimedOut(CallRefused):
    """A call stopped at its deadline (see vm.deadline): code anyone may send must not hold the node."""


class _SpoiledBlock(Exception):
    """A transaction failed after py-evm had begun changing the state for it."""

    def __init__(self, transaction: SignedTransactionAPI, reason: str) -> None:
        super().__init__(reason)
        self.transaction = transaction
        self.reason = reason


@dataclass(frozen=True)
class Rejected:
    transaction: SignedTransactionAPI
    reason: str


@dataclass(frozen=True)
class BuiltBlock:
    block: BlockAPI
    receipts: tuple[ReceiptAPI, ...]
    computations: tuple[ComputationAPI, ...]
    rejected: tuple[Rejected, ...]
    deferred: tuple[SignedTransactionAPI, ...]
    writes: dict[bytes, bytes | None]

    @property
    def header(self) -> BlockHeaderAPI:
        return self.block.header


@dataclass(frozen=True)
class TransactionLocation:
    block_number: int
    index: int


AccessList = Sequence[tuple[bytes, Sequence[int]]]


def least_gas(transaction: SignedTransactionAPI | UnsignedTransactionAPI) -> int:
    """The least gas a transaction may carry: its intrinsic cost, and at least EIP-7623's calldata floor.

    py-evm charges the floor after execution but never checks that the limit covers
    it, so a transaction below it would use more gas than it carries, and a block of
    them would pass its target and raise the base fee of a zero-fee chain for good.
    """
    return max(transaction.intrinsic_gas, calldata_floor(transaction))


def calldata_floor(transaction: SignedTransactionAPI | UnsignedTransactionAPI) -> int:
    """EIP-7623: the least gas a transaction is charged, by its calldata's tokens (py-evm's own sum)."""
    return PragueTransactionExecutor.calc_data_floor_gas(transaction, 0, 0)  # type: ignore[arg-type]


def too_little_gas(transaction: SignedTransactionAPI | UnsignedTransactionAPI) -> str | None:
    """Why ``transaction``'s gas is too low, or None."""
    needed = least_gas(transaction)
    if transaction.gas >= needed:
        return None
    floor = " (EIP-7623's calldata floor)" if needed > transaction.intrinsic_gas else ""
    return f"intrinsic gas too low: gas {transaction.gas}, needs at least {needed}{floor}"


def invalid_reason(vm: VirtualMachineAPI, header: BlockHeaderAPI, transaction: SignedTransactionAPI) -> str | None:
    """Why py-evm would refuse ``transaction`` on ``vm``'s state under ``header``, asked before it changes anything."""
    if (reason := too_little_gas(transaction)) is not None:
        return reason
    try:
        vm.validate_transaction_against_header(header, transaction)
        vm.state.validate_transaction(transaction)
    except ValidationError as exc:
        return str(exc)
    return None


def _unsigned(
    vm: VirtualMachineAPI,
    *,
    nonce: int,
    gas: int,
    to: Address | bytes,
    value: int,
    data: bytes,
    access_list: AccessList,
) -> UnsignedTransactionAPI:
    """A zero-fee transaction to simulate: legacy, or with an access list an EIP-2930 one (warming what it names)."""
    if not access_list:
        return vm.create_unsigned_transaction(nonce=nonce, gas_price=0, gas=gas, to=to, value=value, data=data)
    builder = vm.get_transaction_builder()
    return builder.new_unsigned_access_list_transaction(
        vm.chain_context.chain_id, nonce, 0, gas, Address(to) if to else b"", value, data, access_list
    )


class ExecutionChain:
    def __init__(self, store: Store, genesis: NodeGenesis) -> None:
        self._store = store
        self._genesis = genesis
        self._chain_class = chain_class(genesis.chain_id)
        self._reader_class = reader_class(genesis.chain_id)

    @property
    def genesis(self) -> NodeGenesis:
        return self._genesis

    def initialize(self) -> tuple[BlockHeaderAPI, dict[bytes, bytes | None]]:
        """The genesis header and the writes that store the genesis state (for the caller to commit)."""
        database = EvmDatabase(self._store)
        header = self._genesis.build_state(AtomicDB(database))
        return header, database.writes()

    # Views

    def _view(self) -> Chain:
        return self._reader_class(AtomicDB(EvmDatabase(self._store)))

    def head(self) -> BlockHeaderAPI:
        return self._view().get_canonical_head()

    def header(self, number: int) -> BlockHeaderAPI:
        return self._view().get_canonical_block_header_by_number(number)

    def header_by_hash(self, block_hash: bytes) -> BlockHeaderAPI:
        return self._view().get_block_header_by_hash(Hash32(block_hash))

    def block(self, number: int) -> BlockAPI:
        return self._view().get_canonical_block_by_number(number)

    def block_by_hash(self, block_hash: bytes) -> BlockAPI:
        view = self._view()
        header = view.get_block_header_by_hash(Hash32(block_hash))
        if view.get_canonical_block_hash(header.block_number) != header.hash:
            raise BlockNotFound(f"block {block_hash.hex()} is not canonical")
        return view.get_block_by_header(header)

    def receipts(self, block: BlockAPI) -> tuple[ReceiptAPI, ...]:
        view = self._view()
        return block.get_receipts(view.chaindb)

    def locate_transaction(self, transaction_hash: bytes) -> TransactionLocation | None:
        try:
            number, index = self._view().chaindb.get_transaction_index(Hash32(transaction_hash))
        except (TransactionNotFound, HeaderNotFound, KeyError):
            return None
        return TransactionLocation(number, index)

    def state(self, at: BlockHeaderAPI) -> Any:
        """The state after block ``at`` (read-only: changes are never written)."""
        return self._view().get_vm(at).state

    def nonce(self, address: Address, at: BlockHeaderAPI) -> int:
        return self.state(at).get_nonce(address)

    # Calls

    def call(
        self,
        *,
        sender: Address,
        to: Address | bytes,
        data: bytes,
        value: int,
        gas: int | None,
        at: BlockHeaderAPI,
        access_list: AccessList = (),
    ) -> ComputationAPI:
        """Run a message as a transaction on the state after ``at``, in a new block's context, and discard it."""
        view = self._view()
        header = view.create_header_from_parent(at, timestamp=at.timestamp + 1, coinbase=ZERO_ADDRESS)
        vm = view.get_vm(header)
        state = vm.state
        unsigned = _unsigned(
            vm,
            nonce=state.get_nonce(sender),
            gas=gas if gas is not None else self._genesis.gas_target,
            to=to,
            value=value,
            data=data,
            access_list=access_list,
        )
        if (reason := too_little_gas(unsigned)) is not None:
            raise GasTooLow(reason, unsigned.gas)
        snapshot = state.snapshot()
        try:
            return state.apply_transaction(SpoofTransaction(unsigned, from_=sender))
        except ValidationError as exc:
            message = str(exc)
            if "does not have enough balance" in message:
                # Clients (ethers' INSUFFICIENT_FUNDS) recognise geth's words for it, as sending says them.
                message = f"insufficient funds for gas * price + value: {message}"
            raise CallRefused(message) from None
        except DeadlinePassed as exc:
            raise CallTimedOut(str(exc)) from None
        finally:
            state.revert(snapshot)

    def upfront_gas(
        self, *, to: Address | bytes, data: bytes, at: BlockHeaderAPI, access_list: AccessList = ()
    ) -> tuple[int, int]:
        """A transaction with ``to``, ``data`` and ``access_list`` by the rules after ``at``: its intrinsic cost
        (paid before its code runs), and EIP-7623's calldata floor (the least it is charged in all)."""
        view = self._view()
        vm = view.get_vm(view.create_header_from_parent(at, timestamp=at.timestamp + 1, coinbase=ZERO_ADDRESS))
        unsigned = _unsigned(vm, nonce=0, gas=0, to=to, value=0, data=data, access_list=access_list)
        return unsigned.intrinsic_gas, calldata_floor(unsigned)

    # Building

    def build_block(
        self,
        parent: BlockHeaderAPI,
        transactions: Sequence[SignedTransactionAPI],
        *,
        timestamp: int,
        admit: Callable[[SignedTransactionAPI], str | None] = lambda _: None,
        vet: Callable[[ReceiptAPI], str | None] = lambda _: None,
    ) -> BuiltBlock:
        """Execute ``transactions`` in order on top of ``parent``; the block and its pending writes.

        A transaction that is invalid against the state (nonce, balance, intrinsic
        gas), that ``admit`` refuses before it runs or ``vet`` refuses by its receipt
        (each returns a reason), or that fails inside py-evm is left out and
        reported; one that would take the block past the gas target is deferred to a
        later block. No transaction can stop a block being built.
        """
        refused: list[Rejected] = []
        candidates = list(transactions)
        while True:
            try:
                with without_deadline():
                    built = self._build(parent, candidates, timestamp=timestamp, admit=admit, vet=vet)
            except _SpoiledBlock as exc:
                # py-evm locks the state before each transaction, dropping every
                # checkpoint, so a failure part-way leaves no way back: the whole
                # block is built again without the transaction.
                candidates = [t for t in candidates if t is not exc.transaction]
                refused.append(Rejected(exc.transaction, exc.reason))
                continue
            return replace(built, rejected=(*refused, *built.rejected)) if refused else built

    def _build(
        self,
        parent: BlockHeaderAPI,
        transactions: Sequence[SignedTransactionAPI],
        *,
        timestamp: int,
        admit: Callable[[SignedTransactionAPI], str | None],
        vet: Callable[[ReceiptAPI], str | None],
    ) -> BuiltBlock:
        database = EvmDatabase(self._store)
        chain = self._chain_class(AtomicDB(database))
        header = chain.create_header_from_parent(
            parent,
            timestamp=timestamp,
            gas_limit=self._genesis.gas_limit,
            coinbase=ZERO_ADDRESS,
            extra_data=parent.extra_data,
        )
        vm = chain.get_vm(header)
        included: list[SignedTransactionAPI] = []
        receipts: list[ReceiptAPI] = []
        computations: list[ComputationAPI] = []
        rejected: list[Rejected] = []
        deferred: list[SignedTransactionAPI] = []
        result = header
        target = self._genesis.gas_target
        for transaction in transactions:
            if result.gas_used + transaction.gas > target:
                deferred.append(transaction)
                continue
            reason = admit(transaction) or invalid_reason(vm, result, transaction)
            if reason is not None:
                rejected.append(Rejected(transaction, reason))
                continue
            try:
                receipt, computation = vm.apply_transaction(result, transaction)
            except (OSError, StoreError, plyvel.Error) as exc:  # the store's fault, not the transaction's
                raise ExecutionError(f"block {header.block_number}: reading state failed: {exc}") from exc
            except Exception as exc:  # py-evm's checks past ours, or its own bug: never the whole chain's fault
                raise _SpoiledBlock(transaction, f"{type(exc).__name__}: {exc}") from exc
            reason = vet(receipt)
            if reason is None and receipt.gas_used - result.gas_used > transaction.gas:
                # Never expected (the floor is checked first), but a block over its target would give
                # this zero-fee chain a base fee for good: such a transaction is dropped, whatever the cause.
                reason = f"used {receipt.gas_used - result.gas_used} gas, more than the {transaction.gas} it carries"
            if reason is not None:
                raise _SpoiledBlock(transaction, reason)
            result = vm.increment_blob_gas_used(vm.add_receipt_to_header(result, receipt), transaction)
            included.append(transaction)
            receipts.append(receipt)
            computations.append(computation)
        block = vm.set_block_transactions_and_withdrawals(vm.get_block(), result, included, receipts)
        try:
            mined = vm.mine_block(block).block
            chain.persist_block(mined)
        except ValidationError as exc:
            raise ExecutionError(f"block {header.block_number} failed validation: {exc}") from exc
        return BuiltBlock(
            block=mined,
            receipts=tuple(receipts),
            computations=tuple(computations),
            rejected=tuple(rejected),
            deferred=tuple(deferred),
            writes=database.writes(),
        )
