"""The admin lines a node has accepted: each signed request acts once, across restarts.

An admin acknowledges an alert or changes a webhook with a signed line (see
``tiezheng.supervision.admin_message``) instead of a transaction, so nothing on
chain stops the same request from arriving twice; this record does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from tiezheng.gm import sm3

from ..store import Store
from ..store.keys import ADMIN_LINE


def used_line_key(signed_ms: int, signer: str = "", line: str = "") -> bytes:
    """The key recording that ``signer`` used ``line``; ordered by signed time, for pruning.

    Without a signer and line: the first key of that millisecond, a bound for a range scan.
    """
    tail = sm3(f"{signer.lower()} {line}".encode())[:16] if line else b""
    return ADMIN_LINE + signed_ms.to_bytes(8, "big") + tail


@dataclass
class LineClaim:
    """A line held for one request: ``writes`` record it as used, in the write of the action it authorises."""

    writes: dict[bytes, bytes | None]
    release: Callable[[], None]


class UsedAdminLines:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._held: set[bytes] = set()  # lines claimed by requests still acting on them

    def claim(self, signed_ms: int, signer: str, line: str, *, forget_before_ms: int) -> LineClaim | None:
        """Hold ``line`` for ``signer``'s request; None if it was used already, or is in use by another request.

        The line is recorded as used by the action's own write (``writes``), so an action
        that fails, or a crash before it is written, leaves the signed request usable
        again rather than spent on nothing. Lines signed before ``forget_before_ms`` are
        dropped in that write: the caller refuses them as stale before they get here.
        ``release`` must be called once the action is written or has failed.
        """
        used = used_line_key(signed_ms, signer, line)
        with self._lock:
            if used in self._held or self._store.get(used) is not None:
                return None
            self._held.add(used)
        with self._store.scan_range(ADMIN_LINE, used_line_key(max(0, forget_before_ms))) as rows:
            forgotten: dict[bytes, bytes | None] = {key: None for key, _ in rows}

        def release() -> None:
            with self._lock:
                self._held.discard(used)

        return LineClaim({**forgotten, used: b""}, release)
