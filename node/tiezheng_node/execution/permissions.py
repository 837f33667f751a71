"""Account permissioning on chain: only admins and registered, unrevoked agencies may transact.

The answer comes from AgencyRegistry.isAllowedSender at the head block, so it
changes exactly when the registry does. Answers are cached per account and the
cache is dropped whenever a block carries a log from the registry.
"""

from __future__ import annotations

import threading

from eth.abc import BlockHeaderAPI, ReceiptAPI
from eth.constants import ZERO_ADDRESS
from eth_abi import decode as abi_decode
from eth_typing import Address

from .addresses import AGENCY_REGISTRY
from .artifacts import load as load_artifact
from .chain import ExecutionChain


class Permissions:
    def __init__(self, chain: ExecutionChain) -> None:
        self._chain = chain
        self._registry = load_artifact("AgencyRegistry")
        self._lock = threading.Lock()
        self._cache: dict[Address, bool] = {}
        self._at: bytes | None = None

    def is_allowed(self, account: Address, at: BlockHeaderAPI) -> bool:
        with self._lock:
            if self._at == at.hash and account in self._cache:
                return self._cache[account]
        computation = self._chain.call(
            sender=ZERO_ADDRESS,
            to=AGENCY_REGISTRY,
            data=self._registry.calldata("isAllowedSender", account),
            value=0,
            gas=None,
            at=at,
        )
        allowed = computation.is_success and bool(abi_decode(["bool"], computation.output)[0])
        with self._lock:
            if self._at != at.hash:
                self._cache, self._at = {}, at.hash
            self._cache[account] = allowed
        return allowed

    def on_block(self, header: BlockHeaderAPI, receipts: tuple[ReceiptAPI, ...]) -> None:
        """Carry answers over to the new head unless the block touched the registry."""
        touched = any(log.address == AGENCY_REGISTRY for receipt in receipts for log in receipt.logs)
        with self._lock:
            if touched:
                self._cache = {}
            self._at = header.hash
