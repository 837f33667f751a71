"""What the system contracts say at the head block: AgencyRegistry (who may transact, each agency's code
and SM2 key) and ProcessTrail (the workflow templates and calendar registered).

Answers come from the contracts' own views, executed on the head state, so
they change exactly when the contracts do. They are cached per head and the
cache is dropped whenever a block carries a log from the contract.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from eth.abc import BlockHeaderAPI, ReceiptAPI
from eth.constants import ZERO_ADDRESS
from eth_abi import decode as abi_decode
from eth_typing import Address

from .addresses import AGENCY_REGISTRY, PROCESS_TRAIL
from .artifacts import load as load_artifact
from .chain import ExecutionChain

#: Answers kept per contract, least recently used dropped first: far more than the
#: registered agencies, admins and templates, but bounded, since anyone can ask about
#: codes, accounts and hashes that do not exist.
MAX_CACHED_ANSWERS: Final = 10_000


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    public_key: bytes
    account: Address
    registered_at: int
    revoked_at: int
    active: bool


class ContractView:
    """Calls to one system contract's views on the head state, cached until a block logs from the contract."""

    def __init__(self, chain: ExecutionChain, contract: str, address: Address) -> None:
        self._chain = chain
        self._address = address
        self._artifact = load_artifact(contract)
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, Any], Any] = OrderedDict()
        self._at: bytes | None = None

    def _cached(self, at: BlockHeaderAPI, key: tuple[str, Any], compute: Callable[[], Any]) -> Any:
        with self._lock:
            if self._at == at.hash and key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            if self._at is None:
                self._at = at.hash
            elif self._at != at.hash:
                # Asked at another head than the cache's: an older one, by a lookup that began
                # before a block, or a newer one not announced yet. Either way not kept: an
                # older head's answers relabelled as a later one's would undo a revocation.
                return value
            self._cache[key] = value
            if len(self._cache) > MAX_CACHED_ANSWERS:  # lookups of unknown codes and keys come from anyone
                self._cache.popitem(last=False)
        return value

    def _call(self, at: BlockHeaderAPI, function: str, *args: Any) -> tuple[Any, ...] | None:
        computation = self._chain.call(
            sender=ZERO_ADDRESS,
            to=self._address,
            data=self._artifact.calldata(function, *args),
            value=0,
            gas=None,
            at=at,
        )
        if not computation.is_success:
            return None
        return tuple(abi_decode(self._artifact.output_types(function), computation.output))

    def on_block(self, header: BlockHeaderAPI, receipts: tuple[ReceiptAPI, ...]) -> None:
        """Carry answers over to the new head if they are its parent's and the block did not touch the contract."""
        touched = any(log.address == self._address for receipt in receipts for log in receipt.logs)
        with self._lock:
            if touched or self._at != header.parent_hash:
                self._cache = OrderedDict()
            self._at = header.hash


class RegistryView(ContractView):
    """AgencyRegistry at the head: who may transact, and each agency's code and SM2 key."""

    def __init__(self, chain: ExecutionChain) -> None:
        super().__init__(chain, "AgencyRegistry", AGENCY_REGISTRY)

    def is_allowed_sender(self, account: Address, at: BlockHeaderAPI) -> bool:
        def compute() -> bool:
            result = self._call(at, "isAllowedSender", account)
            return bool(result and result[0])

        return bool(self._cached(at, ("sender", account), compute))

    def is_admin(self, account: Address | bytes, at: BlockHeaderAPI) -> bool:
        def compute() -> bool:
            result = self._call(at, "isAdmin", account)
            return bool(result and result[0])

        return bool(self._cached(at, ("admin", bytes(account)), compute))

    def agency(self, code: str, at: BlockHeaderAPI) -> AgencyInfo | None:
        """The agency registered under ``code`` (active or revoked), or None if never registered."""

        def compute() -> AgencyInfo | None:
            result = self._call(at, "getAgency", code)
            if result is None:
                return None
            fields = result[0]
            return AgencyInfo(
                code=fields[0],
                name=fields[1],
                public_key=bytes(fields[2]),
                account=Address(bytes.fromhex(fields[3][2:])),
                registered_at=fields[4],
                revoked_at=fields[5],
                active=fields[6],
            )

        return self._cached(at, ("agency", code), compute)  # type: ignore[no-any-return]

    def agencies(self, at: BlockHeaderAPI) -> list[AgencyInfo]:
        """Every agency ever registered, in registration order."""

        def compute() -> list[AgencyInfo]:
            count = self._call(at, "agencyCount")
            codes = [self._call(at, "agencyCodeAt", i) for i in range(count[0] if count else 0)]
            found = [self.agency(c[0], at) for c in codes if c]
            return [a for a in found if a is not None]

        return self._cached(at, ("agencies", None), compute)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class TemplateInfo:
    hash: bytes
    id: str
    revision: int
    active: bool
    registered_at: int


class TrailView(ContractView):
    """ProcessTrail at the head: which workflow templates are registered, and the calendar in force."""

    def __init__(self, chain: ExecutionChain) -> None:
        super().__init__(chain, "ProcessTrail", PROCESS_TRAIL)

    def template(self, template_hash: bytes, at: BlockHeaderAPI) -> TemplateInfo | None:
        def compute() -> TemplateInfo | None:
            result = self._call(at, "getTemplate", template_hash)
            if result is None or result[0][1] == 0:
                return None
            identifier, revision, active, registered_at = result[0]
            return TemplateInfo(template_hash, identifier, revision, active, registered_at)

        return self._cached(at, ("template", template_hash), compute)  # type: ignore[no-any-return]

    def templates(self, at: BlockHeaderAPI) -> list[TemplateInfo]:
        def compute() -> list[TemplateInfo]:
            count = self._call(at, "templateCount")
            hashes = [self._call(at, "templateAt", i) for i in range(count[0] if count else 0)]
            found = [self.template(bytes(h[0]), at) for h in hashes if h]
            return [t for t in found if t is not None]

        return self._cached(at, ("templates", None), compute)  # type: ignore[no-any-return]

    def is_bound(self, template_id: str, role: str, agency: str, at: BlockHeaderAPI) -> bool:
        """Whether an admin bound ``agency`` to ``role`` of the template ``template_id`` (every revision)."""

        def compute() -> bool:
            result = self._call(at, "isBound", template_id, role, agency)
            return bool(result and result[0])

        return bool(self._cached(at, ("bound", (template_id, role, agency)), compute))

    def calendar(self, at: BlockHeaderAPI) -> bytes | None:
        def compute() -> bytes | None:
            result = self._call(at, "calendar")
            value = bytes(result[0]) if result else b""
            return value if value and any(value) else None

        return self._cached(at, ("calendar", None), compute)  # type: ignore[no-any-return]
