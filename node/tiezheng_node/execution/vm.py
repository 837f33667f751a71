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

from typing import Final

from eth.abc import ComputationAPI
from eth.chains.base import Chain, MiningChain
from eth.vm.forks.prague import PragueVM
from eth.vm.forks.prague.computation import PragueComputation
from eth.vm.forks.prague.state import PragueState
from eth_utils.toolz import merge

from .precompiles import PRECOMPILES


class TiezhengComputation(PragueComputation):
    _precompiles = merge(PragueComputation.get_precompiles(), PRECOMPILES)


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
