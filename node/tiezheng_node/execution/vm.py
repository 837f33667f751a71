"""Tiezheng's VM: py-evm's newest fork (Prague) plus the SM3, SM2 and evidence precompiles.

Chain rules on top of Prague:

* The base fee starts at zero and the block producer never fills a block past
  the EIP-1559 gas target (half the gas limit), so it stays zero: gas bounds
  computation, but transactions cost nothing, and registered agencies need no
  balance. Who may transact is decided by on-chain permissioning instead.
* Blocks carry no proof of work and no uncles (the merge rules); finality comes
  from the SM2 seals of the consensus header.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

from eth.abc import ComputationAPI, OpcodeAPI
from eth.chains.base import Chain, MiningChain
from eth.vm import opcode_values
from eth.vm.forks.prague import PragueVM
from eth.vm.forks.prague.computation import PragueComputation
from eth.vm.forks.prague.state import PragueState
from eth.vm.opcode import Opcode
from eth_utils.toolz import merge

from .precompiles import PRECOMPILES

#: When the call running on this thread (an ``eth_call``, say) must stop; None: never (blocks).
_deadline: ContextVar[float | None] = ContextVar("tiezheng_call_deadline", default=None)


class DeadlinePassed(Exception):
    """A call ran past its deadline. Not a VMError: it stops the whole call, not one frame of it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Calls run on this thread within the block stop with DeadlinePassed after ``seconds``."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


@contextmanager
def without_deadline() -> Iterator[None]:
    """Execution within the block has no deadline, whatever the thread's context holds: a block's result
    must be the same on every validator, and its gas bounds it."""
    token = _deadline.set(None)
    try:
        yield
    finally:
        _deadline.reset(token)


class _DeadlineChecked(OpcodeAPI):
    """An opcode that first checks the running call's deadline (every loop jumps, every recursion calls)."""

    __slots__ = ("gas_cost", "inner", "mnemonic")

    def __init__(self, inner: OpcodeAPI) -> None:
        self.inner = inner
        self.mnemonic = inner.mnemonic
        self.gas_cost = inner.gas_cost

    def __call__(self, computation: ComputationAPI) -> None:
        until = _deadline.get()
        if until is not None and time.monotonic() > until:
            raise DeadlinePassed("execution aborted: the call ran past its time limit")
        self.inner(computation)

    @classmethod
    def as_opcode(cls, logic_fn: Callable[..., Any], mnemonic: str, gas_cost: int) -> OpcodeAPI:
        """py-evm's opcode from its logic, deadline-checked (OpcodeAPI asks every opcode class for this)."""
        return cls(Opcode.as_opcode(logic_fn, mnemonic, gas_cost))


#: Without one of these, code runs straight through at most its size (48 KiB of initcode).
_LOOPING: Final = ("JUMP", "JUMPI", "CALL", "CALLCODE", "DELEGATECALL", "STATICCALL", "CREATE", "CREATE2")


class TiezhengComputation(PragueComputation):
    _precompiles = merge(PragueComputation.get_precompiles(), PRECOMPILES)
    opcodes = merge(
        PragueComputation.opcodes,
        {
            value: _DeadlineChecked(PragueComputation.opcodes[value])
            for value in (getattr(opcode_values, name) for name in _LOOPING)
        },
    )


class TiezhengState(PragueState):
    computation_class: type[ComputationAPI] = TiezhengComputation  # type: ignore[assignment]


class TiezhengVM(PragueVM):
    fork = "tiezheng-prague"
    _state_class = TiezhengState


#: The EIP-1559 elasticity: a block may use at most gas_limit / 2 so that the base fee stays 0.
ELASTICITY: Final = 2


def chain_class(chain_id: int) -> type[MiningChain]:
    """The chain class that builds blocks."""
    return MiningChain.configure(__name__="TiezhengChain", vm_configuration=((0, TiezhengVM),), chain_id=chain_id)


def reader_class(chain_id: int) -> type[Chain]:
    """The chain class for reads: unlike MiningChain it prepares no pending block when made (most of its cost)."""
    return Chain.configure(__name__="TiezhengReader", vm_configuration=((0, TiezhengVM),), chain_id=chain_id)
