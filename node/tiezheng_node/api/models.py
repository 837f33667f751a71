"""The REST API's contract: request and response bodies as pydantic models (they are the OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tiezheng.statement import AGENCY_CODE

Hex32 = str

# Shapes of request values, for the OpenAPI document only: the node checks each value itself (it decodes
# the base64, parses the CBOR, verifies the signature) and names what is wrong with an error code of its
# own, where a pattern checked by pydantic would only say that the value does not match.
BASE64: dict[str, Any] = {"pattern": "^[A-Za-z0-9+/]+={0,2}$", "minLength": 4}
HEX_BYTES: dict[str, Any] = {"pattern": "^0x([0-9a-fA-F]{2})+$"}
ADDRESS: dict[str, Any] = {"pattern": "^0x[0-9a-fA-F]{40}$"}
SIGNATURE: dict[str, Any] = {"pattern": "^0x[0-9a-fA-F]{130}$"}


class RequestBody(BaseModel):
    """A request body: a field the model does not name is refused, not ignored.

    A signed request whose signer meant a field this node does not know must not be
    carried out without it, and a misspelt optional field should be an error, not a default.
    """

    # strict: "1796427288940" is not a time, nor a CBOR byte string a URL; lax mode would take both.
    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable reason, stable across versions", examples=["unknown-agency"])
    message: str = Field(description="what was wrong, for people")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class SignedStatementBody(RequestBody):
    """A signed statement: the base64 of its deterministic CBOR (docs/receipt-format.md)."""

    signed_statement: str = Field(description="base64 of the signed statement's CBOR", json_schema_extra=BASE64)


class BatchBody(RequestBody):
    """Either one batch envelope, or up to 10,000 individually signed statements."""

    envelope: str | None = Field(
        default=None, description="base64 of a batch envelope's CBOR", json_schema_extra=BASE64
    )
    statements: list[str] | None = Field(
        default=None,
        description="base64 of signed statements' CBOR, 1 to 10,000 (400 batch-size otherwise, as for an envelope)",
        # Documented here, checked by admission: so that too many is batch-size, whichever body carried them.
        json_schema_extra={"minItems": 1, "maxItems": 10_000, "items": {"type": "string", **BASE64}},
    )

    @model_validator(mode="after")
    def _one_of_the_two(self) -> BatchBody:
        if (self.envelope is None) == (self.statements is None):
            raise ValueError("send either envelope or statements")
        return self


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
    fresh: list[bool] = Field(
        description="per statement, in submission order: true if this request anchored it, false if it was known"
    )
    status: Literal["accepted", "proven"] = Field(description="proven only when waited for and every record is proven")


class CosignerModel(BaseModel):
    role: str = Field(description="the role the statement names the co-signer in (official, notary, …)")
    key: Hex32 = Field(description="key id of the co-signer's SM2 key: SM3 of the uncompressed point")


class MetaBytes(BaseModel):
    """A byte-string meta value, kept apart from text: a text "0x12" and the byte 0x12 read differently."""

    hex: str = Field(description="the bytes in lower-case hex, no prefix (0 to 64 bytes)", pattern="^([0-9a-f]{2})*$")


MetaValue = str | int | bool | MetaBytes


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
    cosigners: list[CosignerModel] = Field(
        default_factory=list,
        description="who signs besides the agency, in order, as the statement names them: its signatures after "
        "the agency's are exactly theirs",
    )
    meta: dict[str, MetaValue] | None = Field(
        default=None, description='the statement\'s meta fields: text, integer, true/false, or bytes as {"hex": …}'
    )


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


class AdminTransactionBody(RequestBody):
    """A transaction to AgencyRegistry, signed by an admin's EVM key (the node holds none)."""

    transaction: str = Field(description="the signed raw transaction, 0x hex", pattern=HEX_BYTES["pattern"])


class AdminResult(BaseModel):
    """The registry's change, sealed in ``block`` (a call the registry reverts is a 409 naming its reason)."""

    transaction_hash: str
    block: int
    status: Literal["ok"]


# Process trail


class StageModel(BaseModel):
    key: str = Field(description="the stage's name, as steps' `stage` field carries it")
    english: str
    role: str = Field(description="who handles it: owner, or a role bound to an agency when a matter opens")
    limit: dict[str, Any] | None = Field(
        description='{"working_days": n}, {"days": n} (calendar days) or {"seconds": n}, optionally "since" a stage'
    )
    fields: list[str] = Field(description="what a step here must carry")
    decisions: list[str]
    next: list[str]
    returns: list[str]
    entered_when: str | None = Field(
        default=None, description="a yes/no step field: the stage follows exactly when the step before sets it"
    )
    requires: list[str] = Field(
        default_factory=list,
        description="stages a step must have approved, and no later return sent back to, before this one",
    )


class TemplateModel(BaseModel):
    hash: Hex32 = Field(description="SM3 of the template file, as ProcessTrail registers it")
    id: str
    revision: int
    active: bool = Field(description="false once retired: no new matter may follow it")
    registered_at: int = Field(description="block height")
    held: bool = Field(description="whether this node holds the file (and so can check steps of it)")
    name: dict[str, str] | None = None
    roles: dict[str, dict[str, str]] | None = None
    limit: dict[str, Any] | None = Field(default=None, description="the whole matter's limit")
    stages: list[StageModel] | None = None


class CalendarModel(BaseModel):
    hash: Hex32 = Field(description="SM3 of the calendar file registered in ProcessTrail")
    id: str
    years: list[int] = Field(description="years whose holidays and make-up days the file gives")
    holidays: list[str]
    workdays: list[str] = Field(description="weekend days declared working days (调休)")
    utc_offset_minutes: int


class SupervisionModel(BaseModel):
    agency: str | None = Field(description="agency code the node's alerts are signed under (null: alerts off)")
    public_key: str | None = Field(description="SM2 public key (uncompressed, hex) that signs alerts and webhooks")
    key_id: Hex32 | None = None
    warn_at: float = Field(description="share of a time limit after which a warning is raised (0: never)")


class StepModel(BaseModel):
    id: str = Field(description="the step's evidence ID")
    stage: str
    decision: str
    agency: str
    claimed: int = Field(description="time the agency claimed, ms")
    sealed: int = Field(description="block time of the step, ms")
    activated: int = Field(description="when the stage became active, ms")
    deadline: int | None
    overdue: bool
    next: str | None = Field(description="the stage it moved the matter to (null: it ended the matter)")


class RunningLimitModel(BaseModel):
    stage: str = Field(description="the stage the limit is for (the active one, or one still to come)")
    since: str | None = Field(
        description="the earlier stage whose approval started it (null if this node lacks the template's file)"
    )
    start: int = Field(description="block time of that completion, ms")
    deadline: int = Field(description="ms; watched until a step approves the stage, whatever stage is active")
    overdue: bool


class MatterModel(BaseModel):
    id: str = Field(description="the matter's ID: the evidence ID of its opening statement")
    template: str
    template_hash: Hex32
    subject: Hex32 = Field(description="SM3 of the (salted) case number: never the number itself")
    owner: str
    parties: dict[str, str]
    opened: int
    deadline: int | None = Field(description="the whole matter's deadline, ms")
    status: Literal["open", "closed"]
    outcome: str | None
    closed: int | None
    current: str | None = Field(description="the stage now active")
    current_agency: str | None
    stage_deadline: int | None
    running: list[RunningLimitModel] = Field(
        description="limits counted from an earlier stage's completion that run now (决定's 90 days from 立案)"
    )
    overdue: bool = Field(
        description="open, and the active stage, a running limit or the matter is at or past its deadline"
    )
    completed_late: bool = Field(description="completed (not closed early) at or after its overall deadline")
    latest: str = Field(description="evidence ID of the latest step (the next step's prev)")
    steps: list[StepModel]
    alerts: list[str] = Field(description="evidence IDs of the alerts raised about it")


class MatterPage(BaseModel):
    items: list[MatterModel]
    next: str | None = None


class DeliveryModel(BaseModel):
    """Where the delivery of one alert to one webhook stands."""

    attempts: int = Field(description="attempts made so far")
    delivered: int | None = Field(None, description="when the receiver answered 2xx, ms; absent while owed")
    error: str | None = Field(None, description="why the last attempt failed, while owed")
    withdrawn: int | None = Field(
        None, description="when the webhook was removed with this delivery still owed, ms: it is not attempted again"
    )


class AlertModel(BaseModel):
    id: str = Field(description="the alert's evidence ID (its statement is in the evidence log, with a receipt)")
    matter: str
    severity: Literal["red", "warning"]
    scope: Literal["stage", "matter"]
    stage: str | None
    agency: str = Field(description="the agency responsible for what is late")
    template: str = Field(description="the template's id (its hash in hex if neither this node nor the chain names it)")
    template_hash: str = Field(description="the template's SM3 hash, hex: the revision the matter follows")
    deadline: int
    raised: int = Field(description="block time, ms")
    status: Literal["open", "acknowledged", "resolved"]
    acknowledged_by: str | None = None
    acknowledged_at: int | None = None
    resolved_at: int | None = None
    deliveries: dict[str, DeliveryModel] = Field(
        default_factory=dict, description="webhook id → its delivery of this alert"
    )


class AlertPage(BaseModel):
    items: list[AlertModel]
    next: str | None = None


class AdminSignature(RequestBody):
    """An admin's EVM account signs (EIP-191 personal_sign) the line `tiezheng CHAIN ACTION TARGET TIME`."""

    signer: str = Field(description="the admin's EVM address, 0x hex", json_schema_extra=ADDRESS)
    time: int = Field(description="ms since 1970; accepted within 5 minutes of the node's clock")
    signature: str = Field(description="65-byte signature, 0x hex", json_schema_extra=SIGNATURE)


class WebhookBody(RequestBody):
    url: str = Field(
        description="http(s) URL the alerts are POSTed to",
        max_length=512,
        json_schema_extra={"format": "uri", "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\s]+([/?][^#\s]*)?$"},
    )
    severities: list[Literal["red", "warning"]] = Field(
        default_factory=list, max_length=2, description="empty: all; none twice"
    )
    agencies: list[Annotated[str, StringConstraints(pattern=f"^{AGENCY_CODE.pattern}$")]] = Field(
        default_factory=list, max_length=64, description="responsible agencies' codes; empty: all; none twice"
    )
    templates: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,63}$")]] = Field(
        default_factory=list, max_length=64, description="ids of templates this node holds; empty: all; none twice"
    )
    auth: AdminSignature


class WebhookModel(BaseModel):
    id: int
    url: str
    severities: list[str]
    agencies: list[str]
    templates: list[str]
    created: int
    created_by: str


class ReportRow(BaseModel):
    """One row of a supervision report; matter columns are absent (null) on stage rows."""

    agency: str | None = None
    template: str | None = None
    stage: str | None = None
    matters: int | None = Field(default=None, description="matters opened in the period")
    closed: int | None = Field(default=None, description="matters closed in the period")
    completed: int | None = Field(
        default=None,
        description="of those, matters completed (办结: last stage approved, or rejected), not closed early "
        "(withdrawn, transferred)",
    )
    open: int | None = Field(
        default=None, description="of the matters opened in the period, those still open at its end (or now)"
    )
    matters_on_time: int | None = Field(
        default=None, description="matters completed in the period before their overall deadline"
    )
    matters_late: int | None = Field(
        default=None,
        description="matters that became late in the period (their overall deadline's red alert raised, or their "
        "completion at or after it, whichever came first), whatever became of them after",
    )
    matters_on_time_rate: float | None = Field(
        default=None,
        description="matters_on_time / (matters_on_time + matters_late): each matter with a deadline judged once; "
        "null if none",
    )
    matter_hours_avg: float | None = Field(default=None, description="mean hours from opening to completion")
    matter_hours_p90: float | None = Field(default=None, description="90th percentile (nearest rank) of the same")
    steps: int = Field(description="stages completed in the period")
    steps_on_time: int = Field(description="stages completed by their deadline")
    steps_on_time_rate: float | None = Field(description="steps_on_time / steps with a deadline; null if none")
    stage_hours_avg: float | None = Field(description="mean hours from a stage becoming active to its step")
    stage_hours_p90: float | None = Field(description="90th percentile (nearest rank) of the same")
    overdue: int = Field(description="red alerts raised in the period")


class ReportModel(BaseModel):
    by: Literal["agency", "template", "stage"]
    from_: int | None = Field(alias="from", default=None)
    to: int | None = None
    rows: list[ReportRow]
