"""Waiting for something another process or thread does, by polling it until a generous limit.

Tests on a shared two-core machine cannot count on a background step taking less
than some fraction of a second; they wait for its effect, and fail only when it
never comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(condition: Callable[[], T], what: str, timeout: float = 15.0, every: float = 0.1) -> T:
    """The first truthy value ``condition`` returns; fails naming ``what`` if none comes within ``timeout`` s."""
    limit = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < limit, f"waited {timeout:g} s for {what}"
        time.sleep(every)
