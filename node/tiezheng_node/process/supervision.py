"""Who signs the chain's alerts, and when supervisors hear of a deadline before it passes.

Apart from the engine so that the node's command line can name these without
importing the engine (and py-evm behind it) before it has to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from tiezheng.gm import SM2PrivateKey

#: The share of a stage's time limit after which supervisors get a warning.
DEFAULT_WARN_AT: Final = 0.8


@dataclass(frozen=True)
class Supervision:
    """Who signs the chain's alerts: an SM2 key, registered as the key of an agency (the supervision office)."""

    key: SM2PrivateKey
    agency: str
