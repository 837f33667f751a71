"""Committed consensus headers and their seals, by height and by hash."""

from __future__ import annotations

from dataclasses import dataclass

from tiezheng import cbor
from tiezheng.header import ConsensusHeader, Seal, SealedHeader, seals_from_value, seals_to_value

from ..store import Store, WriteSet
from ..store.keys import CONSENSUS_HEADER, HEADER_HASH, META_HEAD, SEALS, height_key


@dataclass(frozen=True)
class SealedBlockHeader:
    height: int
    header: ConsensusHeader
    header_bytes: bytes
    seals: tuple[Seal, ...]

    @property
    def hash(self) -> bytes:
        return self.header.hash

    def sealed(self) -> SealedHeader:
        return SealedHeader(self.header_bytes, self.seals)


class ConsensusStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    def head_height(self) -> int | None:
        raw = self._store.get(META_HEAD)
        return int.from_bytes(raw, "big") if raw is not None else None

    def get(self, height: int) -> SealedBlockHeader | None:
        header_bytes = self._store.get(height_key(CONSENSUS_HEADER, height))
        if header_bytes is None:
            return None
        seals_raw = self._store.get(height_key(SEALS, height))
        seals = seals_from_value(cbor.decode(seals_raw, max_size=1 << 16), "seals") if seals_raw else ()
        return SealedBlockHeader(height, ConsensusHeader.from_cbor(header_bytes), header_bytes, seals)

    def height_of(self, header_hash: bytes) -> int | None:
        raw = self._store.get(HEADER_HASH + header_hash)
        return int.from_bytes(raw, "big") if raw is not None else None

    @staticmethod
    def stage(writes: WriteSet, sealed: SealedBlockHeader) -> None:
        writes.put(height_key(CONSENSUS_HEADER, sealed.height), sealed.header_bytes)
        writes.put(height_key(SEALS, sealed.height), cbor.encode(seals_to_value(sealed.seals)))
        writes.put(HEADER_HASH + sealed.hash, sealed.height.to_bytes(8, "big"))
        writes.put(META_HEAD, sealed.height.to_bytes(8, "big"))
