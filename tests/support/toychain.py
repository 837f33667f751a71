"""A chain built in memory from protocol objects alone, to make real receipts without a node.

It seals each block the way the node does (a consensus header over the
evidence log, SM2 seals by a quorum of validators), so the verifier is tested
against receipts whose every part is genuine, and tampering is done on purpose.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tiezheng.batch import BatchEnvelope, BatchProof
from tiezheng.evidence_id import EvidenceId
from tiezheng.genesis import Genesis, ValidatorSet
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.header import VERSION as HEADER_VERSION
from tiezheng.header import ConsensusHeader, Seal, SealedHeader, ValidatorTransition
from tiezheng.merkle import MemoryNodeStore, MerkleLog
from tiezheng.receipt import ChainRef, Receipt
from tiezheng.signed_statement import SignedStatement
from tiezheng.signing import Signature
from tiezheng.statement import Statement

GENESIS_TIME = 1_763_900_000_000


def make_genesis(validator_keys: list[SM2PrivateKey], chain_code: str = "TST", chain_id: int = 4242) -> Genesis:
    document = {
        "format": "tiezheng-genesis",
        "version": 1,
        "chain_id": chain_id,
        "chain_code": chain_code,
        "name": "toy chain",
        "time": GENESIS_TIME,
        "validators": [
            {"name": f"validator-{i}", "public_key": k.public_key().to_bytes().hex()}
            for i, k in enumerate(validator_keys)
        ],
    }
    return Genesis.from_json(json.dumps(document))


@dataclass
class _Entry:
    statement: bytes
    signatures: tuple[Signature, ...]
    batch: BatchProof | None
    height: int = -1


@dataclass
class ToyChain:
    validator_keys: list[SM2PrivateKey]
    chain_code: str = "TST"
    header_version: int = HEADER_VERSION
    genesis: Genesis = field(init=False)
    log: MerkleLog = field(init=False)
    entries: list[_Entry] = field(default_factory=list)
    blocks: list[SealedHeader] = field(default_factory=list)
    transitions: list[ValidatorTransition] = field(default_factory=list)
    _pending: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.genesis = make_genesis(self.validator_keys, self.chain_code)
        self.log = MerkleLog(MemoryNodeStore())
        self.current_keys = list(self.validator_keys)
        self.current_set: ValidatorSet = self.genesis.validators

    def submit(self, signed: SignedStatement) -> int:
        return self._add(_Entry(signed.statement.to_cbor(), signed.signatures, None))

    def submit_batch(self, envelope: BatchEnvelope) -> list[int]:
        return [self._add(_Entry(s, (), p)) for s, p in zip(envelope.statements, envelope.proofs(), strict=True)]

    def _add(self, entry: _Entry) -> int:
        index = self.log.append(entry.statement)
        self.entries.append(entry)
        self._pending.append(index)
        return index

    def seal_block(self, *, next_keys: list[SM2PrivateKey] | None = None, signers: int | None = None) -> SealedHeader:
        next_set = ValidatorSet.from_keys(_keys_bytes(next_keys)) if next_keys else self.current_set
        parent = self.blocks[-1].header if self.blocks else None
        header = ConsensusHeader(
            chain_id=self.genesis.chain_id,
            height=len(self.blocks) + 1,
            round=0,
            time=GENESIS_TIME + 1000 * (len(self.blocks) + 1),
            parent=sm3(parent) if parent else self.genesis.hash,
            execution=sm3(b"execution %d" % len(self.blocks)),
            log_size=self.log.size,
            log_root=self.log.root(),
            validators=self.current_set.hash,
            next_validators=next_set.hash,
            version=self.header_version,
        )
        header_bytes = header.to_cbor()
        count = self.current_set.quorum if signers is None else signers
        seals = tuple(Seal.create(key, i, header_bytes) for i, key in enumerate(self.current_keys[:count]))
        sealed = SealedHeader(header_bytes, seals)
        self.blocks.append(sealed)
        for index in self._pending:
            self.entries[index].height = header.height
        self._pending.clear()
        if next_keys:
            self.transitions.append(ValidatorTransition(sealed, _keys_bytes(next_keys)))
            self.current_keys, self.current_set = list(next_keys), next_set
        return sealed

    def receipt(self, index: int, *, at_height: int | None = None) -> Receipt:
        entry = self.entries[index]
        height = at_height or entry.height
        sealed = self.blocks[height - 1]
        header = ConsensusHeader.from_cbor(sealed.header)
        return Receipt(
            chain=ChainRef(self.genesis.chain_id, self.genesis.chain_code, self.genesis.hash),
            evidence_id=str(EvidenceId(self.genesis.chain_code, index)),
            statement=entry.statement,
            signatures=entry.signatures,
            batch=entry.batch,
            leaf_index=index,
            inclusion=tuple(self.log.inclusion_proof(index, header.log_size)),
            header=sealed.header,
            seals=sealed.seals,
            transitions=tuple(
                t for t in self.transitions if ConsensusHeader.from_cbor(t.sealed.header).height < height
            ),
            version=header.version,  # as the node writes them: a receipt's version is its header's
        )


def _keys_bytes(keys: list[SM2PrivateKey]) -> bytes:
    from tiezheng import cbor

    return cbor.encode([k.public_key().to_bytes() for k in keys])


def statement_for(
    agency_key: SM2PrivateKey, record: bytes, *, agency: str = "91110000MA01TEST0X", **fields
) -> Statement:
    return Statement(
        kind=fields.pop("kind", "permit"),
        digest=sm3(record),
        agency=agency,
        key=agency_key.public_key().key_id,
        time=fields.pop("time", GENESIS_TIME + 500),
        **fields,
    )
