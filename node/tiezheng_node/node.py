"""The node: one store, the execution chain, the pools, and the block producer that seals with SM2.

A block is produced, sealed and committed in one place (``produce_block``):
the EVM transactions are executed on a private overlay, the consensus header is
built over the execution block and the evidence log and sealed with the
validator's SM2 key, and every write of the block goes to LevelDB in one synced
batch. Only then do the pools, caches and readers move to the new head.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from eth.abc import BlockAPI, BlockHeaderAPI, ReceiptAPI, SignedTransactionAPI
from eth.exceptions import HeaderNotFound
from eth.vm.forks.cancun.constants import BLOB_TX_TYPE
from eth.vm.forks.shanghai.constants import MAX_INITCODE_SIZE
from eth_typing import Address
from eth_utils import ValidationError, to_checksum_address

from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey
from tiezheng.header import VERSION as HEADER_VERSION
from tiezheng.header import ConsensusHeader, Seal

from .consensus.dev_sealer import FIXED_SET_REASON, SealingError, calls_set_change, sole_sealer_position, vet_receipt
from .consensus.headers import ConsensusStore, SealedBlockHeader
from .evidence.admission import EvidenceRejected
from .evidence.items import Submission
from .evidence.pending import DEFAULT_MAX_PENDING
from .evidence.service import EvidenceService
from .execution.chain import ExecutionChain, ExecutionError, Rejected, too_little_gas
from .execution.genesis import NodeGenesis
from .execution.registrations import refusal_of_call, refusal_of_receipt
from .execution.registry import RegistryView, TrailView
from .execution.txpool import STRANDED_LIFETIME_SECONDS, PendingTransaction, PoolError, TxPool
from .execution.vm import TiezhengVM
from .process.admin_lines import UsedAdminLines
from .process.engine import ProcessEngine, RaisingAlerts
from .process.library import WorkflowLibrary
from .process.supervision import DEFAULT_WARN_AT, Supervision
from .process.webhooks import WebhookDispatcher
from .store import Store, StoreError, WriteSet
from .store.keys import META_GENESIS

log = logging.getLogger("tiezheng.node")


def _vet(receipt: ReceiptAPI) -> str | None:
    """Why a transaction's effects keep it out of the block, or None."""
    return vet_receipt(receipt) or refusal_of_receipt(receipt)


MAX_TRANSACTION_SIZE: Final = 128 * 1024
MAX_TRANSACTIONS_PER_BLOCK: Final = 5_000
MAX_RECORDS_PER_BLOCK: Final = 100_000
#: How long the producer waits before trying again to raise alerts the supervision key could not sign.
ALERTS_RETRY_SECONDS: Final = 30


class SubmissionError(Exception):
    """A transaction refused at submission. ``code`` is machine-readable; ``rpc_code`` the JSON-RPC error code,
    ``status`` the HTTP one (400: the transaction's fault; 503: the node's)."""

    def __init__(self, message: str, code: str, rpc_code: int = -32000, *, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.rpc_code = rpc_code
        self.status = status


#: Why a node without a validator key takes no writes: nothing it accepted would ever be sealed.
READ_ONLY_MESSAGE: Final = "this node holds no validator key and seals no blocks; send writes to the validator"


@dataclass(frozen=True)
class Head:
    sealed: SealedBlockHeader | None  # None at genesis
    execution: BlockHeaderAPI

    @property
    def height(self) -> int:
        return self.execution.block_number


@dataclass(frozen=True)
class CommittedBlock:
    sealed: SealedBlockHeader
    block: BlockAPI
    receipts: tuple[ReceiptAPI, ...]
    records: int  # evidence records appended
    submissions: tuple[Submission, ...] = ()


BlockListener = Callable[[CommittedBlock], None]


class Node:
    def __init__(
        self,
        data_dir: str | Path,
        genesis: Genesis,
        validator_key: SM2PrivateKey | None,
        *,
        clock: Callable[[], float] = time.time,
        max_pending_records: int = DEFAULT_MAX_PENDING,
        admission_workers: int | None = None,
        supervision: Supervision | None = None,
        workflows: WorkflowLibrary | None = None,
        warn_at: float = DEFAULT_WARN_AT,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.genesis = NodeGenesis.from_protocol(genesis)
        self._clock = clock
        self._validator_index: int | None = None
        self._validator_key = validator_key
        if validator_key is not None:
            try:
                self._validator_index = sole_sealer_position(genesis.validators, validator_key.public_key())
            except SealingError as exc:
                raise StoreError(str(exc), code="cannot-seal") from None
        self.store = Store(self.data_dir / "chain")
        try:
            self.execution = ExecutionChain(self.store, self.genesis)
            self.consensus = ConsensusStore(self.store)
            self._open()
            self.pool = TxPool()
            self.registry = RegistryView(self.execution)
            self.evidence = EvidenceService(
                self.store,
                genesis,
                self.consensus,
                lambda code: self.registry.agency(code, self._head.execution),
                max_pending=max_pending_records,
                admission_workers=admission_workers,
            )
            self.trail = TrailView(self.execution)
            self._produce_lock = threading.Lock()
            self._next_eviction = 0.0
            self._accounts_lock = threading.Lock()
            self._accounts: dict[Address, tuple[int, int]] = {}
            self._accounts_at: bytes | None = None
            self.process = ProcessEngine(
                self.store,
                workflows or WorkflowLibrary(),
                self.trail,
                head=lambda: self._head.execution,
                agency=lambda code: self.registry.agency(code, self._head.execution),
                chain_code=genesis.chain_code,
                supervision=supervision,
                warn_at=warn_at,
                clock=clock,
                commit_lock=self._produce_lock,
            )
            self.evidence.admission.statement_check = self.process.check
            self.process.restore(self.evidence.pending.snapshot())
            self.webhooks = WebhookDispatcher(self.store, self.process, clock=clock)
            self.admin_lines = UsedAdminLines(self.store)
            self._work = threading.Event()
            self.pool.on_added = self._work.set
            self.evidence.pending.on_durable = self._work.set
            self._listeners: list[BlockListener] = []
            self._stop = threading.Event()
            self._producer: threading.Thread | None = None
            #: Why the last attempt to seal a block failed, until one succeeds (shown by /healthz).
            self.production_error: str | None = None
            #: Why overdue alerts cannot be raised (the supervision agency revoked or re-keyed), while that lasts.
            self.alerts_error: str | None = None
            self._alerts_retry_at = 0.0
            self._head = self._load_head()
            self.process.keep_running_limits_of_older_matters()
            self._catch_up_contract_anchors()
        except BaseException:
            # The evidence service's threads and worker processes read the store: they stop first.
            if hasattr(self, "evidence"):
                self.evidence.close()
            self.store.close()
            raise
        if self.evidence.pending.has_ready():
            self._work.set()

    # Opening

    def _open(self) -> None:
        stored = self.store.get(META_GENESIS)
        if stored is None:
            header, writes = self.execution.initialize()
            batch = WriteSet()
            batch.update(writes)
            batch.put(META_GENESIS, self.genesis.protocol.hash)
            self.store.commit(batch)
            log.info("initialised chain %s at genesis %s", self.genesis.protocol.chain_code, header.hash.hex())
        elif stored != self.genesis.protocol.hash:
            raise StoreError(
                f"{self.store.path} holds another chain (genesis {stored.hex()[:16]}…, "
                f"not {self.genesis.protocol.hash.hex()[:16]}…)"
            )

    def _load_head(self) -> Head:
        height = self.consensus.head_height()
        execution_head = self.execution.head()
        if (height or 0) != execution_head.block_number:
            raise StoreError(
                f"store is inconsistent: consensus head {height}, execution head {execution_head.block_number}"
            )
        sealed = self.consensus.get(height) if height else None
        return Head(sealed, execution_head)

    def _catch_up_contract_anchors(self, before: int | None = None) -> None:
        """Queue statements anchored by contracts in blocks committed before a crash, or a failed write, could.

        Each block's anchors are durable (with the mark of how far this has gone)
        before the next block's are queued, so the mark never passes a block
        whose anchors were not written.
        """
        stop = self._head.height + 1 if before is None else before
        for height in range(self.evidence.contract_anchors_through() + 1, stop):
            block = self.execution.block(height)
            self.evidence.queue_contract_anchored(block, self.execution.receipts(block)).result(timeout=60)

    @property
    def head(self) -> Head:
        return self._head

    @property
    def is_validator(self) -> bool:
        return self._validator_index is not None

    def add_listener(self, listener: BlockListener) -> None:
        self._listeners.append(listener)

    # Transactions

    def decode_transaction(self, raw: bytes) -> SignedTransactionAPI:
        if len(raw) > MAX_TRANSACTION_SIZE:
            raise SubmissionError(f"transaction is larger than {MAX_TRANSACTION_SIZE} bytes", "oversized", -32000)
        try:
            transaction = TiezhengVM.get_transaction_builder().decode(raw)
            # Before py-evm's own checks, which refuse a typed transaction's low gas in words of their own.
            too_little = too_little_gas(transaction)
            if too_little is None:
                transaction.validate()
        except (ValidationError, ValueError, TypeError, IndexError) as exc:
            raise SubmissionError(f"invalid transaction: {exc}", "invalid-transaction", -32602) from None
        except Exception as exc:  # rlp raises its own exception types for malformed input
            raise SubmissionError(
                f"invalid transaction: {type(exc).__name__}: {exc}", "invalid-transaction", -32602
            ) from None
        if too_little is not None:
            raise SubmissionError(too_little, "intrinsic-gas", -32000)
        if transaction.chain_id is None:
            # geth's words, which clients (ethers' UNSUPPORTED_OPERATION) recognise.
            raise SubmissionError(
                "only replay-protected (EIP-155) transactions allowed over RPC: this transaction names no chain id "
                f"(sign it for chain id {self.genesis.chain_id})",
                "wrong-chain",
                -32000,
            )
        if transaction.chain_id != self.genesis.chain_id:
            raise SubmissionError(
                f"transaction is for chain id {transaction.chain_id}, this chain is {self.genesis.chain_id}",
                "wrong-chain",
                -32000,
            )
        return transaction

    def submit_transaction(self, raw: bytes) -> bytes:
        """Validate a signed transaction and add it to the pool; its hash."""
        if not self.is_validator:
            raise SubmissionError(READ_ONLY_MESSAGE, "read-only", -32000, status=503)
        if self.store.broken is not None:
            # No block can be written until a restart: a hash answered now would never be mined, and a
            # client would wait for its receipt until it timed out.
            raise SubmissionError(f"nothing was accepted: {self.store.broken}", "not-stored", -32000, status=503)
        transaction = self.decode_transaction(raw)
        sender = Address(transaction.sender)
        submitted_at = self._head
        head = submitted_at.execution
        if transaction.gas > self.genesis.gas_target:
            raise SubmissionError(
                f"gas {transaction.gas} exceeds the block gas target {self.genesis.gas_target}", "gas-limit", -32000
            )
        if not transaction.to and len(transaction.data) > MAX_INITCODE_SIZE:
            raise SubmissionError(
                f"initcode of {len(transaction.data)} bytes exceeds EIP-3860's limit of {MAX_INITCODE_SIZE}",
                "initcode-too-large",
                -32000,
            )
        if getattr(transaction, "type_id", None) == BLOB_TX_TYPE:
            raise SubmissionError(
                "blob transactions (type 3) are not accepted: this chain carries no blobs",
                "unsupported-transaction-type",
                -32000,
            )
        if transaction.to and calls_set_change(transaction.to, transaction.data):
            raise SubmissionError(FIXED_SET_REASON, "validator-set-fixed", -32000)
        refused_registration = refusal_of_call(transaction.to, transaction.data) if transaction.to else None
        if refused_registration is not None:
            raise SubmissionError(
                f"agency registration refused: {refused_registration.message}", refused_registration.code, -32000
            )
        nonce = self._check_sender(transaction, sender, head)
        try:
            self.pool.add(PendingTransaction(transaction, sender, transaction.hash), nonce)
        except PoolError as exc:
            raise SubmissionError(str(exc), exc.code, -32005 if exc.code == "pool-full" else -32000) from None
        if self._head is not submitted_at:
            self._recheck(transaction, sender)
        return transaction.hash

    def _check_sender(self, transaction: SignedTransactionAPI, sender: Address, head: BlockHeaderAPI) -> int:
        """Refuse a sender who may not send or cannot pay at ``head``; the sender's nonce there."""
        if not self.registry.is_allowed_sender(sender, head):
            raise SubmissionError(
                f"account {to_checksum_address(sender)} is not permitted to send transactions "
                "(only admins and registered, unrevoked agencies may)",
                "not-permitted",
                -32007,
            )
        balance, nonce = self._account_at(sender, head)
        price = transaction.max_fee_per_gas if hasattr(transaction, "max_fee_per_gas") else transaction.gas_price
        if balance < transaction.value + transaction.gas * price:
            raise SubmissionError("insufficient funds for value and gas", "insufficient-funds", -32000)
        return nonce

    def _recheck(self, transaction: SignedTransactionAPI, sender: Address) -> None:
        """Check a transaction again at a head sealed while it was being admitted.

        That block may have dropped an earlier nonce of the sender, and with it every
        later one already pending; this one, checked at the old head, would otherwise
        slip in after the drop and wait for a nonce that never comes.
        """
        with self._produce_lock:  # no block half-built: the pool and the head agree
            if self.pool.get(transaction.hash) is None:
                return  # already sealed (or dropped by the block, as it should be)
            try:
                self._check_sender(transaction, sender, self._head.execution)
            except SubmissionError:
                self.pool.remove([transaction.hash])
                raise

    def _account_at(self, account: Address, head: BlockHeaderAPI) -> tuple[int, int]:
        """The account's balance and nonce at ``head``, kept until the head moves.

        A sender submits many transactions per block; opening the head state for each
        cost more than everything else submission does.
        """
        with self._accounts_lock:
            if self._accounts_at != head.hash:
                self._accounts, self._accounts_at = {}, head.hash
            known = self._accounts.get(account)
        if known is not None:
            return known
        state = self.execution.state(head)
        known = (state.get_balance(account), state.get_nonce(account))
        with self._accounts_lock:
            if self._accounts_at == head.hash:
                self._accounts[account] = known
        return known

    def pending_nonce(self, account: Address) -> int:
        return self.pool.pending_nonce(account, self.execution.nonce(account, self._head.execution))

    # Producing blocks

    def produce_block(self) -> CommittedBlock | None:
        """Build, seal and commit one block if there is work (or empty blocks are configured)."""
        if self._validator_key is None or self._validator_index is None:
            raise RuntimeError("this node holds no validator key")
        with self._produce_lock:
            started = time.perf_counter()
            head = self._head
            now_ms = int(self._clock() * 1000)
            parent_time = head.sealed.header.time if head.sealed else self.genesis.protocol.time
            block_time = max(now_ms, parent_time + 1)
            self._raise_alerts(block_time)
            state = self.execution.state(head.execution)
            self._evict_stranded(state.get_nonce)
            transactions = self.pool.select(state.get_nonce, MAX_TRANSACTIONS_PER_BLOCK)
            submissions = self.evidence.pending.take(MAX_RECORDS_PER_BLOCK)
            following_calendar = self.process.behind_calendar()  # a block's work even if nothing else is
            if not transactions and not submissions and not self.genesis.empty_blocks and not following_calendar:
                return None
            timestamp = max(block_time // 1000, head.execution.timestamp + 1)
            try:
                built = self.execution.build_block(
                    head.execution,
                    transactions,
                    timestamp=timestamp,
                    admit=self._admit(head.execution),
                    vet=_vet,
                )
            except ExecutionError:
                # Raised on, so that the producer backs off and /healthz says why blocks stopped.
                log.error("block %d could not be built; its transactions stay pending", head.height + 1)
                raise
            if (
                not built.block.transactions
                and not submissions
                and not self.genesis.empty_blocks
                and not following_calendar
            ):
                self._drop_rejected(built.rejected)
                return None
            staging = time.perf_counter()
            evidence = self.evidence.log.stage(submissions, block_time)
            process = self.process.stage(submissions, block_time, built.header.block_number)
            validators = self.genesis.protocol.validators
            header = ConsensusHeader(
                chain_id=self.genesis.chain_id,
                height=built.header.block_number,
                round=0,
                time=block_time,
                parent=head.sealed.hash if head.sealed else self.genesis.protocol.hash,
                execution=built.header.hash,
                log_size=evidence.size,
                log_root=evidence.root,
                validators=validators.hash,
                next_validators=validators.hash,
                # The chain's first block sets its header version (this build's); every later block keeps it.
                version=head.sealed.header.version if head.sealed else HEADER_VERSION,
            )
            header_bytes = header.to_cbor()
            sealed = SealedBlockHeader(
                header.height,
                header,
                header_bytes,
                (Seal.create(self._validator_key, self._validator_index, header_bytes),),
            )
            batch = WriteSet()
            batch.update(built.writes)
            batch.update(evidence.writes)
            batch.update(process.writes)
            ConsensusStore.stage(batch, sealed)
            writing = time.perf_counter()
            self.store.commit(batch)
            written = time.perf_counter()
            self.evidence.log.advance(evidence)
            self.evidence.pending.committed(submissions)
            committed = CommittedBlock(
                sealed, built.block, built.receipts, evidence.size - head_size(head), tuple(submissions)
            )
            self._head = Head(sealed, built.header)
            self.registry.on_block(built.header, built.receipts)
            self.trail.on_block(built.header, built.receipts)
            self.process.advance(process)
            if process.new_alerts:
                self.webhooks.wake()
            self.pool.remove([t.hash for t in built.block.transactions])
            self._drop_rejected(built.rejected)  # after the head moved: see _recheck
            anchored: Future[None] | None = None
            anchoring_failed: Exception | None = None
            try:
                self._catch_up_contract_anchors(before=header.height)  # nothing to do unless a write failed
                anchored = self.evidence.queue_contract_anchored(built.block, built.receipts)
            except Exception as exc:  # the block is committed all the same; the next block tries again
                anchoring_failed = exc
        try:
            if anchored is not None:
                anchored.result(timeout=60)
        except Exception as exc:
            anchoring_failed = exc
        log.info(
            "sealed block %d: %d transactions (%d rejected, %d deferred), %d records, log size %d;"
            " %.0f ms (execution %.0f, evidence log %.0f, write %.0f)",
            header.height,
            len(built.block.transactions),
            len(built.rejected),
            len(built.deferred),
            committed.records,
            evidence.size,
            (written - started) * 1000,
            (staging - started) * 1000,
            (writing - staging) * 1000,
            (written - writing) * 1000,
        )
        for listener in self._listeners:
            try:
                listener(committed)
            except Exception:
                log.exception("block listener failed")
        if anchoring_failed is not None:
            # Told after the block: it is committed, and whoever waits for it must hear so. Raised
            # on so that the producer backs off and /healthz says why.
            log.error("block %d: its contract anchors could not be queued (%s); the next block retries",
                      header.height, anchoring_failed)  # fmt: skip
            raise anchoring_failed
        return committed

    def _evict_stranded(self, state_nonce: Callable[[Address], int]) -> None:
        """Now and then, drop transactions stranded behind a nonce gap for longer than the pool keeps them."""
        now = time.monotonic()
        if now < self._next_eviction:
            return
        self._next_eviction = now + STRANDED_LIFETIME_SECONDS / 10
        for stranded in self.pool.evict_stranded(state_nonce, received_before=now - STRANDED_LIFETIME_SECONDS):
            log.info("dropped transaction %s: stranded behind a nonce gap", stranded.hex())

    def _drop_rejected(self, rejected: tuple[Rejected, ...]) -> None:
        for refused in rejected:
            log.info("dropped transaction %s: %s", refused.transaction.hash.hex(), refused.reason)
        for dependent in self.pool.drop([r.transaction.hash for r in rejected]):
            log.info("dropped transaction %s: an earlier nonce of its sender was dropped", dependent.hex())

    def _admit(self, parent: BlockHeaderAPI) -> Callable[[SignedTransactionAPI], str | None]:
        def admit(transaction: SignedTransactionAPI) -> str | None:
            if not self.registry.is_allowed_sender(Address(transaction.sender), parent):
                return "sender is no longer permitted to send transactions"
            return None

        return admit

    # The producer thread

    def start(self) -> None:
        """Seal blocks in the background: at most one per block interval, only when there is work."""
        if self._producer is not None:
            return
        self._stop.clear()
        self._producer = threading.Thread(target=self._run, name="block-producer", daemon=True)
        self._producer.start()
        warning = self.calendar_warning()
        if warning is not None:
            log.warning("%s", warning)
        self.webhooks.start()

    def _run(self) -> None:
        interval = self.genesis.block_interval_ms / 1000
        while not self._stop.is_set():
            if not self.genesis.empty_blocks:
                if not self._work.wait(timeout=0.25) and not self._deadline_passed():
                    continue
                self._work.clear()
                if not len(self.pool) and not self.evidence.pending.has_ready() and not self._deadline_passed():
                    continue
            sealed = self._head.sealed
            last = sealed.header.time / 1000 if sealed else 0.0
            delay = last + interval - self._clock()
            if delay > 0 and self._stop.wait(delay):
                break
            try:
                self.produce_block()
                self.production_error = None
            except Exception as exc:
                log.exception("block production failed")
                self.production_error = f"{type(exc).__name__}: {exc}"[:500]
                self._stop.wait(interval)
            if len(self.pool) or self.evidence.pending.has_ready():
                self._work.set()

    def calendar_warning(self) -> str | None:
        """Why deadlines may be wrong now: the registered calendar does not cover this year (in December: the next)."""
        return self.process.calendar_gap(int(self._clock() * 1000))

    def _deadline_passed(self) -> bool:
        """A watched deadline passed: a block must carry its alert even if nothing else is waiting.

        Not while raising alerts is refused and waits to be tried again: those deadlines
        are no work a block could do, and would make the producer seal nothing, four times a second."""
        if self.process.supervision is None or self._clock() < self._alerts_retry_at:
            return False
        due = self.process.next_due()
        return due is not None and due <= self._clock() * 1000

    def _raise_alerts(self, block_time: int) -> None:
        """Queue the alerts of deadlines passed by ``block_time``, durably, ahead of the block that takes them."""
        if self._clock() < self._alerts_retry_at or self.process.behind_calendar():
            # Behind a newly registered calendar, the deadline index may name deadlines the block is
            # about to move: its alerts come with the next block, from the index as it moved them.
            return
        raising = self.process.raise_due(block_time)
        if raising is None:
            self.alerts_error = None  # nothing is due: whatever kept alerts back keeps nothing back now
            return
        try:
            admitted = self.evidence.admission.envelope(raising.envelope, reserved=("process-step",))
        except EvidenceRejected as exc:
            # The supervision agency was revoked or re-keyed on chain. The alerts stay due and are
            # tried again after a pause, not signed again every block; /healthz says why meanwhile.
            # They are raised once the node runs with a registered supervision agency and key.
            self.process.not_raised(raising)
            self._alerts_retry_at = self._clock() + ALERTS_RETRY_SECONDS
            self.alerts_error = f"overdue alerts cannot be raised: {exc.message} ({exc.code})"[:500]
            log.error("overdue alerts could not be raised: %s (%s); trying again in %d s", exc.message, exc.code,
                      ALERTS_RETRY_SECONDS)  # fmt: skip
            return
        except BaseException:
            self.process.not_raised(raising)  # never admitted (the registry could not be read, say): due again
            raise
        self.alerts_error = None
        try:
            durable = self.evidence.accept(admitted, bounded=False).durable
        except BaseException:
            self.process.not_raised(raising)
            raise
        try:
            durable.result(timeout=60)
        except TimeoutError:
            # The write may still land (raising them again now could raise each twice); if it
            # fails instead, they are due again from then on.
            durable.add_done_callback(functools.partial(self._due_again_if_lost, raising))
            raise
        except BaseException:
            self.process.not_raised(raising)  # never written: due again at the next block
            raise

    def _due_again_if_lost(self, raising: RaisingAlerts, written: Future[None]) -> None:
        if not written.cancelled() and written.exception() is not None:
            self.process.not_raised(raising)

    def close(self) -> None:
        self._stop.set()
        self.webhooks.close()
        if self._producer is not None:
            self._producer.join(timeout=30)
            self._producer = None
        self.evidence.close()
        with self._produce_lock:
            self.store.close()

    # Reading

    def sealed_header(self, height: int) -> SealedBlockHeader | None:
        return self.consensus.get(height)

    def leaf_range(self, from_ms: int | None, to_ms: int | None) -> tuple[int, int]:
        """Leaf indexes [start, stop) appended by blocks whose time lies in [from_ms, to_ms] (either may be open)."""
        head = self._head.height
        start = 0 if from_ms is None else self._log_size_before(self._first_height_at_or_after(from_ms, head))
        stop = (
            self.evidence.log.size
            if to_ms is None
            else self._log_size_at(self._first_height_at_or_after(to_ms + 1, head) - 1)
        )
        return start, max(start, stop)

    def _first_height_at_or_after(self, time_ms: int, head: int) -> int:
        """The lowest height ≥ 1 whose block time is ≥ time_ms (head + 1 if none)."""
        low, high = 1, head + 1
        while low < high:
            middle = (low + high) // 2
            sealed = self.consensus.get(middle)
            if sealed is not None and sealed.header.time >= time_ms:
                high = middle
            else:
                low = middle + 1
        return low

    def _log_size_at(self, height: int) -> int:
        sealed = self.consensus.get(height) if height >= 1 else None
        return sealed.header.log_size if sealed else 0

    def _log_size_before(self, height: int) -> int:
        return self._log_size_at(height - 1)

    def execution_header(self, height: int) -> BlockHeaderAPI | None:
        try:
            return self.execution.header(height)
        except HeaderNotFound:
            return None


def head_size(head: Head) -> int:
    """The evidence log's size at a head (0 before the first block)."""
    return head.sealed.header.log_size if head.sealed else 0
