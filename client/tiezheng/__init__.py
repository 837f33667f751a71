"""Tiezheng (铁证): the protocol library, SDK and command line.

This package is all a verifier needs: national cryptography (``tiezheng.gm``),
RFC 9162 Merkle proofs (``tiezheng.merkle``), the protocol objects and the
offline verifier. It never imports the node.
"""

__version__ = "0.1.0"

from .responses import BadResponseError
from .sdk import Anchored, ApiError, AsyncClient, Client, Digest, EvidenceRecord

__all__ = [
    "Anchored",
    "ApiError",
    "AsyncClient",
    "BadResponseError",
    "Client",
    "Digest",
    "EvidenceRecord",
    "__version__",
]
