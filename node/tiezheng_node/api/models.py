"""The REST API's contract: request and response bodies as pydantic models (they are the OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Hex32 = str


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable reason, stable across versions", examples=["unknown-agency"])
    message: str = Field(description="what was wrong, for people")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class SignedStatementBody(BaseModel):
    """A signed statement: the base64 of its deterministic CBOR (docs/receipt-format.md)."""

    signed_statement: str = Field(description="base64 of the signed statement's CBOR")


class BatchBody(BaseModel):
    """Either one batch envelope, or up to 10,000 individually signed statements."""

    envelope: str | None = Field(default=None, description="base64 of a batch envelope's CBOR")
    statements: list[str] | None = Field(
        default=None, description="base64 of signed statements' CBOR", max_length=10_000
    )


class Submitted(BaseModel):
    id: str = Field(description="the evidence ID (存证编号)", examples=["DEV-00000G-A1"])
    index: int = Field(description="the record's leaf index in the evidence log")
    status: Literal["accepted", "proven"] = Field(
        description="accepted: the ID is reserved and the record waits for a block; proven: a sealed block holds it"
    )
    new: bool = Field(description="false when the statement had been submitted before (its existing ID is returned)")
    statement_hash: Hex32 = Field(description="SM3 of the statement's bytes, hex")
    receipt: str | None = Field(default=None, description="base64 of the receipt's CBOR, when waited for and proven")


class BatchSubmitted(BaseModel):
    ids: list[str] = Field(description="one evidence ID per statement, in submission order")
    indexes: list[int]
    new: int = Field(description="how many statements were new (the others were already known)")
    status: Literal["accepted", "proven"] = Field(description="proven only when waited for and every record is proven")


class StatementModel(BaseModel):
    version: int
    kind: str
    digest: Hex32
    agency: str
    key: Hex32 = Field(description="key id of the agency's SM2 key: SM3 of the uncompressed point")
    time: int = Field(description="agency-claimed time, ms since 1970")
    subject: Hex32 | None = None
    operator: Hex32 | None = None
    stage: str | None = None
    prev: str | None = None
    meta: dict[str, Any] | None = Field(default=None, description="byte values as 0x-prefixed hex")


class SignerModel(BaseModel):
    role: str
    public_key: str = Field(description="uncompressed SEC 1 point, hex")
    key_id: Hex32


class BatchMembership(BaseModel):
    batch_id: int = Field(description="leaf index where the batch's record is kept")
    position: int
    size: int


class BlockRef(BaseModel):
    height: int
    time: int = Field(description="block time, ms since 1970")
    hash: Hex32 = Field(description="SM3 of the consensus header")


class EvidenceModel(BaseModel):
    id: str
    index: int
    status: Literal["accepted", "proven"]
    statement_hash: Hex32
    statement: StatementModel
    signers: list[SignerModel]
    batch: BatchMembership | None = None
    block: BlockRef | None = None


class EvidencePage(BaseModel):
    items: list[EvidenceModel]
    next: str | None = Field(default=None, description="cursor for the next page, or null at the end")


class SealModel(BaseModel):
    validator: int
    name: str
    signature: str = Field(description="DER SM2 signature over the header bytes, base64")


class TreeHeadModel(BaseModel):
    chain_id: int
    size: int
    root: Hex32
    height: int
    block_hash: Hex32
    time: int
    header: str = Field(description="the consensus header's CBOR, base64")
    seals: list[SealModel]


class InclusionProofModel(BaseModel):
    index: int
    size: int
    leaf_hash: Hex32
    root: Hex32
    proof: list[Hex32] = Field(description="RFC 9162 audit path, bottom to top")


class ConsistencyProofModel(BaseModel):
    old_size: int
    new_size: int
    old_root: Hex32
    new_root: Hex32
    proof: list[Hex32]


class BlockModel(BaseModel):
    height: int
    time: int
    hash: Hex32 = Field(description="SM3 of the consensus header")
    parent: Hex32
    execution_hash: Hex32 = Field(description="keccak hash of the execution (EVM) block")
    transactions: int
    records: int = Field(description="evidence records this block appended")
    first_index: int = Field(description="leaf index of the first record appended")
    log_size: int
    log_root: Hex32
    validators: Hex32
    next_validators: Hex32
    header: str = Field(description="the consensus header's CBOR, base64: the bytes the seals sign")
    seals: list[SealModel]


class BlockPage(BaseModel):
    items: list[BlockModel]
    next: str | None = None


class AgencyModel(BaseModel):
    code: str
    name: str
    public_key: str
    key_id: Hex32
    account: str
    registered_at: int = Field(description="block height of registration")
    revoked_at: int = Field(description="block height of revocation, 0 while active")
    active: bool


class ValidatorModel(BaseModel):
    index: int
    name: str
    public_key: str
    key_id: Hex32


class GenesisModel(BaseModel):
    hash: Hex32 = Field(description="SM3 of the genesis document's deterministic CBOR")
    chain_id: int
    chain_code: str
    document: dict[str, Any]


class AdminTransactionBody(BaseModel):
    """A transaction to AgencyRegistry, signed by an admin's EVM key (the node holds none)."""

    transaction: str = Field(description="the signed raw transaction, 0x hex")


class AdminResult(BaseModel):
    transaction_hash: str
    block: int
    status: Literal["ok", "reverted"]
    reason: str | None = None
