"""Workloads shared by the benchmarks: canonical statements made fast, envelopes, and logs built in-process.

The client's cost is not what the benchmarks measure, so statements are made by
filling a template's digest bytes rather than encoding each, and logs are built
through the node's own admission and block production without HTTP in between.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable

from benchlib import ROOT

sys.path.insert(0, str(ROOT))

from tests.support.nodekit import LocalChain
from tiezheng.batch import BatchEnvelope, BatchHeader
from tiezheng.gm import SM2PrivateKey
from tiezheng.merkle import MemoryNodeStore, MerkleLog
from tiezheng.signing import Signature
from tiezheng.statement import Statement


class StatementFactory:
    """Canonical statements differing only in their digest, made by filling a template's digest bytes."""

    def __init__(self, agency: str, key: SM2PrivateKey, kind: str = "document", **fields: object) -> None:
        template = Statement(
            kind=kind,
            digest=b"\x00" * 32,
            agency=agency,
            key=key.public_key().key_id,
            time=int(time.time() * 1000),
            **fields,  # type: ignore[arg-type]
        ).to_cbor()
        marker = b"\x66digest\x58\x20"
        at = template.index(marker) + len(marker)
        self._prefix, self._suffix = template[:at], template[at + 32 :]
        self._counter = 0
        self._salt = os.urandom(8)

    def digest(self, number: int) -> bytes:
        return hashlib.sha256(self._salt + number.to_bytes(8, "big")).digest()

    def next(self) -> bytes:
        self._counter += 1
        return self._prefix + self.digest(self._counter) + self._suffix


def envelope(factory: StatementFactory, agency: str, key: SM2PrivateKey, size: int) -> bytes:
    statements = [factory.next() for _ in range(size)]
    tree = MerkleLog(MemoryNodeStore())
    tree.append_many(statements)
    header = BatchHeader(
        agency=agency, key=key.public_key().key_id, root=tree.root(), size=size, time=int(time.time() * 1000)
    ).to_cbor()
    return BatchEnvelope(header, (Signature.create(key, header, "agency"),), tuple(statements)).to_cbor()


def build_log(
    chain: LocalChain,
    records: int,
    *,
    envelope_size: int = 10_000,
    envelopes_per_block: int = 10,
    factories: list[StatementFactory] | None = None,
    between_blocks: Callable[[int], None] | None = None,
) -> None:
    """Append ``records`` through admission and blocks: envelopes of ``envelope_size`` from the factories in turn."""
    factories = factories or [StatementFactory(chain.agency_code, chain.agency_key)]
    evidence = chain.node.evidence
    built = turn = 0
    while built < records:
        for _ in range(envelopes_per_block):
            size = min(envelope_size, records - built)
            if size == 0:
                break
            factory = factories[turn % len(factories)]
            turn += 1
            body = envelope(factory, chain.agency_code, chain.agency_key, size)
            evidence.accept(evidence.admission.envelope(body)).durable.result()
            built += size
        chain.node.produce_block()
        if between_blocks is not None:
            between_blocks(chain.node.head.height)
