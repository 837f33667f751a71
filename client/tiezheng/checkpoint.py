"""Checkpoints: a sealed tree head an auditor keeps, and the append-only check against a later one.

A node that rewrote its log could serve a rewritten history that is consistent
in itself; what it cannot do is make that history extend a head the auditor
saved before the rewrite. So an auditor (a witness, in transparency-log terms)
keeps the last sealed head it checked, and at the next visit asks for the
current head and an RFC 9162 consistency proof between the two sizes: if the
proof holds, every record the old head covered is still in the log, unchanged
and in place. Both heads are checked against the genesis validators first, so
neither can be made up by the node answering.

Two validly sealed heads that cannot both be true — different headers at one
height, a log that shrank, a consistency proof that fails — are evidence of
misbehaviour by the validators that sealed them, and the checkpoint files are
that evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from . import cbor
from .errors import DecodeError, TiezhengError
from .genesis import Genesis
from .header import ConsensusHeader, SealedHeader, check_seals
from .merkle import verify_consistency

#: A checkpoint file: a sealed consensus header, in CBOR.
FILE_SUFFIX: Final = ".tzh"
VERSION: Final = 1
MAX_CHECKPOINT_SIZE: Final = 64 * 1024


class CheckpointError(DecodeError):
    """A checkpoint file does not decode, or its head is not sealed by the chain's validators."""

    code = "bad-checkpoint"


class AppendOnlyError(TiezhengError):
    """Two sealed heads of one chain that cannot both be true: the later does not extend the earlier."""

    code = "not-append-only"


@dataclass(frozen=True)
class Checkpoint:
    """A consensus header and its seals: the tree head (log size and root) at one block."""

    sealed: SealedHeader
    header: ConsensusHeader

    @classmethod
    def from_sealed(cls, sealed: SealedHeader) -> Checkpoint:
        try:
            return cls(sealed, ConsensusHeader.from_cbor(sealed.header))
        except DecodeError as exc:
            raise CheckpointError(f"the sealed header does not decode: {exc.message}") from None

    @property
    def size(self) -> int:
        return self.header.log_size

    @property
    def root(self) -> bytes:
        return self.header.log_root

    @property
    def height(self) -> int:
        return self.header.height

    def to_cbor(self) -> bytes:
        return cbor.encode({"v": VERSION, **self.sealed.to_value()})

    @classmethod
    def from_cbor(cls, data: bytes) -> Checkpoint:
        """Decode a checkpoint file (structure only: ``verify`` checks the seals)."""
        try:
            value = cbor.decode(data, max_size=MAX_CHECKPOINT_SIZE, what="checkpoint")
        except DecodeError as exc:
            raise CheckpointError(exc.message) from None
        if type(value) is not dict:
            raise CheckpointError("a checkpoint is a CBOR map")
        value = dict(value)
        version = value.pop("v", None)
        if version != VERSION or type(version) is not int:
            raise CheckpointError(f"unknown checkpoint version {version!r} (this reader knows {VERSION})")
        try:
            sealed = SealedHeader.from_value(value, "checkpoint")
        except DecodeError as exc:
            raise CheckpointError(exc.message) from None
        return cls.from_sealed(sealed)

    def verify(self, genesis: Genesis) -> None:
        """Raise CheckpointError unless a quorum of the genesis validators sealed this head of this chain."""
        header = self.header
        if header.chain_id != genesis.chain_id:
            raise CheckpointError(
                f"the head is of chain {header.chain_id}, the genesis of chain {genesis.chain_id}", code="wrong-chain"
            )
        if header.validators != genesis.validators.hash:
            raise CheckpointError("the head is sealed by a validator set other than the genesis validators")
        try:
            check_seals(self.sealed.header, self.sealed.seals, genesis.validators)
        except TiezhengError as exc:
            raise CheckpointError(f"block {header.height}: {exc.message}", code=exc.code) from None


def check_append_only(old: Checkpoint, new: Checkpoint, proof: Sequence[bytes]) -> None:
    """Raise AppendOnlyError unless ``new`` extends ``old``: the log kept every record ``old`` covered.

    Both heads must have been verified against the genesis already; ``proof`` is
    the RFC 9162 consistency proof from ``old.size`` to ``new.size``.
    """
    if new.height < old.height:
        raise AppendOnlyError(
            f"the node's head is block {new.height}, older than the checkpoint's block {old.height}",
            code="older-head",
        )
    if new.height == old.height and new.sealed.header != old.sealed.header:
        raise AppendOnlyError(
            f"two different headers are sealed for block {old.height}: the validators sealed two histories",
            code="fork",
        )
    if new.size < old.size:
        raise AppendOnlyError(
            f"the log shrank from {old.size} records at block {old.height} to {new.size} at block {new.height}",
            code="log-shrank",
        )
    if old.size == 0:
        return  # every log extends the empty one
    if not verify_consistency(old.size, new.size, old.root, new.root, proof):
        raise AppendOnlyError(
            f"the log at block {new.height} ({new.size} records) does not extend the log at block {old.height} "
            f"({old.size} records): a record covered by the checkpoint was changed or removed",
            code="inconsistent",
        )
