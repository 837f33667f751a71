"""The admin lines a node has accepted: each signed request acts once, across restarts.

An admin acknowledges an alert or changes a webhook with a signed line (see
``tiezheng.supervision.admin_message``) instead of a transaction, so nothing on
chain stops the same request from arriving twice; this record does.
"""

from __future__ import annotations

import threading

from tiezheng.gm import sm3

from ..store import Store
from ..store.keys import ADMIN_LINE


def used_line_key(signed_ms: int, signer: str = "", line: str = "") -> bytes:
    """The key recording that ``signer`` used ``line``; ordered by signed time, for pruning.

    Without a signer and line: the first key of that millisecond, a bound for a range scan.
    """
    tail = sm3(f"{signer.lower()} {line}".encode())[:16] if line else b""
    return ADMIN_LINE + signed_ms.to_bytes(8, "big") + tail


class UsedAdminLines:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()

    def claim(self, signed_ms: int, signer: str, line: str, *, forget_before_ms: int) -> bool:
        """Record ``line`` as used by ``signer``, synced; False if it was used already.

        Lines signed before ``forget_before_ms`` are dropped in the same write: the
        caller refuses them as stale before they get here.
        """
        used = used_line_key(signed_ms, signer, line)
        with self._lock:
            if self._store.get(used) is not None:
                return False
            with self._store.scan_range(ADMIN_LINE, used_line_key(max(0, forget_before_ms))) as rows:
                forgotten: dict[bytes, bytes | None] = {key: None for key, _ in rows}
            self._store.commit({**forgotten, used: b""})
        return True
