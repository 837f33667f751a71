"""The dev consensus: one validator seals every block alone, so its validator set never changes.

A header is valid only with seals from a quorum (⌈2N/3⌉) of the set in power, so
a node holding one key can seal only a one-validator set. Every change to the
``ValidatorSet`` contract would leave it unable to seal the next block (adding a
validator to a set of one makes a quorum of two; the last validator cannot be
removed), so the node refuses them rather than let the contract's list and the
set sealing the headers drift apart. Hand-overs arrive with QBFT, where the
validators vote them and seal the transition together.
"""

from __future__ import annotations

from typing import Final

from eth.abc import ReceiptAPI

from tiezheng.genesis import ValidatorSet
from tiezheng.gm import SM2PublicKey

from ..execution.addresses import VALIDATOR_SET
from ..execution.artifacts import load as load_artifact

#: Why a transaction that would change the validator set is refused.
FIXED_SET_REASON: Final = (
    "the validator set is fixed on this chain: its one validator seals alone, and a changed set "
    "could not seal the next block (hand-overs come with multi-validator consensus)"
)

_CHANGING_SELECTORS: Final = frozenset(
    load_artifact("ValidatorSet").calldata(name, *args)[:4]
    for name, args in (("addValidator", ("x", b"\x04" + b"\x00" * 64)), ("removeValidator", (0,)))
)


class SealingError(Exception):
    """This node cannot seal blocks for the chain it was given."""


def sole_sealer_position(validators: ValidatorSet, key: SM2PublicKey) -> int:
    """The position of ``key`` in ``validators``; raises if one seal by it is not a quorum."""
    keys = [v.public_key for v in validators.validators]
    if key not in keys:
        raise SealingError("the validator key is not one of the genesis validators")
    if validators.quorum > 1:
        raise SealingError(
            f"the genesis names {len(keys)} validators, so every block needs {validators.quorum} seals, "
            "and this node seals alone with one key (multi-validator consensus is not in this version); "
            "run without a validator key to serve the chain read-only"
        )
    return keys.index(key)


def calls_set_change(to: bytes, data: bytes) -> bool:
    """Whether a transaction calls ``ValidatorSet.addValidator`` or ``removeValidator`` directly."""
    return to == VALIDATOR_SET and data[:4] in _CHANGING_SELECTORS


def vet_receipt(receipt: ReceiptAPI) -> str | None:
    """The refusal of a transaction whose execution changed the validator set, however it got there.

    After genesis the ValidatorSet contract logs only changes, so any log it emitted is one.
    """
    changed = any(log.address == VALIDATOR_SET for log in receipt.logs)
    return FIXED_SET_REASON if changed else None
