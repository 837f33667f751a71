"""Tiezheng (铁证): the protocol library, SDK and command line.

This package is all a verifier needs: national cryptography (``tiezheng.gm``),
RFC 9162 Merkle proofs (``tiezheng.merkle``), the protocol objects and the
offline verifier. It never imports the node.

The SDK's names are exported lazily (PEP 562): importing ``tiezheng.cbor`` or
``tiezheng.verifier`` — as the node and an offline verifier do — must not pay
for the HTTP client stack behind ``Client``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .errors import TiezhengError
    from .receipt import Receipt
    from .responses import BadResponseError, NodeUnreachable, StreamEnded
    from .sdk import Anchored, ApiError, AsyncClient, BadArgument, Client, Digest, EvidenceRecord
    from .verifier import Verdict

_LAZY_EXPORTS = {
    "Anchored": ".sdk",
    "ApiError": ".sdk",
    "AsyncClient": ".sdk",
    "BadArgument": ".sdk",
    "BadResponseError": ".responses",
    "Client": ".sdk",
    "Digest": ".sdk",
    "EvidenceRecord": ".sdk",
    "NodeUnreachable": ".responses",
    "Receipt": ".receipt",
    "StreamEnded": ".responses",
    "TiezhengError": ".errors",
    "Verdict": ".verifier",
}

__all__ = [
    "Anchored",
    "ApiError",
    "AsyncClient",
    "BadArgument",
    "BadResponseError",
    "Client",
    "Digest",
    "EvidenceRecord",
    "NodeUnreachable",
    "Receipt",
    "StreamEnded",
    "TiezhengError",
    "Verdict",
    "__version__",
]


if not TYPE_CHECKING:  # type checkers see the imports above; a module __getattr__ would hide typos from them

    def __getattr__(name: str) -> Any:
        module = _LAZY_EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'tiezheng' has no attribute {name!r}")
        value = getattr(import_module(module, __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
