"""REST API /v1: submit evidence, look it up, fetch receipts, read the log, blocks, agencies and genesis.

Bodies may be CBOR (``application/cbor``: the raw signed statement or envelope)
or JSON (``application/json``: the same bytes in base64). Every refusal is a 4xx
with ``{"error": {"code": …, "message": …}}``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from collections.abc import Callable
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.convertors import StringConvertor, register_url_convertor

from tiezheng.errors import DecodeError
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import SM2PublicKey, sm3
from tiezheng.merkle.rfc9162 import LEAF_PREFIX
from tiezheng.statement import AGENCY_CODE, KIND

from ..evidence.admission import MAX_STATEMENTS_PER_REQUEST, Admitted, EvidenceRejected
from ..evidence.pending import PoolFull, ReservationsUndone, SubmissionTooLarge
from ..evidence.service import Accepted, EvidenceView, QueryResult
from ..node import MAX_RECORDS_PER_BLOCK, READ_ONLY_MESSAGE, Node
from .bodies import body_openapi, parse_json, read_body
from .errors import ApiError
from .models import (
    AgencyModel,
    BatchBody,
    BatchMembership,
    BatchSubmitted,
    BlockModel,
    BlockPage,
    BlockRef,
    ConsistencyProofModel,
    CosignerModel,
    ErrorResponse,
    EvidenceModel,
    EvidencePage,
    GenesisModel,
    InclusionProofModel,
    MetaBytes,
    SealModel,
    SignedStatementBody,
    SignerModel,
    StatementModel,
    Submitted,
    TreeHeadModel,
    ValidatorModel,
)
from .notifier import BlockNotifier
from .params import (
    ASCII_DECIMAL,
    COUNTER_LIMIT,
    COUNTER_PATTERN,
    EvidenceIdPath,
    block_period,
    evidence_id_query,
    hex32,
    hex32_query,
    time_query,
)

MAX_BODY: Final = 32 * 1024 * 1024
MAX_SINGLE_BODY: Final = 64 * 1024
MAX_WAIT_SECONDS: Final = 60.0
MAX_RETRY_AFTER_SECONDS: Final = 60

ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    400: {"model": ErrorResponse, "description": "bad input: the code says what"},
    404: {"model": ErrorResponse, "description": "not found"},
}
log = logging.getLogger(__name__)


class RecordSegment(StringConvertor):
    """The path segment after /v1/evidence/ that names a record: any segment but "batch".

    GET /v1/evidence/batch is the batch endpoint asked with the wrong method, not a
    lookup of a record called "batch": so it gets 405 with ``Allow: POST``, and the
    Allow of a 405 there lists the batch endpoint's methods only. Anything else is
    read as an evidence ID, so a malformed one is still refused as malformed (400).
    """

    regex = "(?!batch$)[^/]+"


# Starlette's way of giving a path parameter its own pattern: a convertor registered by name.
register_url_convertor("record", RecordSegment())

SUBMIT_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    **ERRORS,
    403: {"model": ErrorResponse, "description": "the agency is unknown, revoked, or not using its registered key"},
    413: {"model": ErrorResponse, "description": "body too large"},
    415: {"model": ErrorResponse, "description": "body neither application/cbor nor application/json"},
    409: {
        "model": ErrorResponse,
        "description": "a process step out of turn: its matter's previous step is not sealed yet (step-pending), "
        "it names another stage or previous step (wrong-stage, wrong-prev), or the matter is closed",
    },
    422: {
        "model": ErrorResponse,
        "description": "well formed, but a rule refuses it: a process step's template, transition, fields or times, "
        "or a process step sent in a batch (docs/workflow.md lists the codes)",
    },
    429: {"model": ErrorResponse, "description": "the node is saturated; retry after Retry-After seconds"},
    503: {
        "model": ErrorResponse,
        "description": "the node could not write the submission (nothing was accepted), it lacks the template "
        "file or calendar a process step needs (unknown-template, no-calendar), or it seals no blocks (read-only)",
    },
}


def _batch_size(body: BatchBody) -> None:
    """Refuse too many statements before they are decoded, as admission would after (the same code)."""
    if body.statements is not None and not 0 < len(body.statements) <= MAX_STATEMENTS_PER_REQUEST:
        raise ApiError(400, "batch-size", f"send 1 to {MAX_STATEMENTS_PER_REQUEST} statements at a time")


def require_validator(node: Node) -> None:
    """Refuse a write on a node without a validator key: it would accept it and never seal it (nor, for a
    webhook or an acknowledgement, act on it: such a node raises no alerts and delivers none)."""
    if not node.is_validator:
        raise ApiError(503, "read-only", READ_ONLY_MESSAGE)


def prefers_json(accept: str) -> bool:
    """Whether an Accept header asks for JSON before CBOR (RFC 9110 §12.5.1: the most specific range that
    matches gives a type's q-value). CBOR, the receipt file itself, unless JSON is ranked higher, or as
    high and named. Two media types and one header: a few lines here rather than a dependency."""
    json_q, json_named = _quality(accept, "application/json")
    cbor_q, _ = _quality(accept, "application/cbor")
    return json_q > cbor_q or (json_q == cbor_q > 0 and json_named)


def _quality(accept: str, media_type: str) -> tuple[float, bool]:
    """(q-value, whether named itself rather than by a wildcard) of ``media_type`` in an Accept header."""
    ranges = {media_type: 2, media_type.split("/")[0] + "/*": 1, "*/*": 0}
    specificity, quality = -1, 0.0
    for item in accept.split(","):
        kind, *parameters = (part.strip() for part in item.split(";"))
        rank = ranges.get(kind.lower(), -1)
        if rank < 0 or rank < specificity:
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        quality = q if rank > specificity else max(quality, q)
        specificity = rank
    return quality, specificity == 2


def create_router(
    node: Node, notifier: BlockNotifier, count_accepted: Callable[[str, int], None] = lambda _endpoint, _n: None
) -> APIRouter:
    """The /v1 evidence routes; ``count_accepted(endpoint, records)`` hears of records newly accepted (durably)."""
    router = APIRouter(prefix="/v1")
    evidence = node.evidence
    genesis = node.genesis.protocol

    # Submitting

    def unbase64(text: str, what: str) -> bytes:
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, "invalid-request", f"{what} is not valid base64") from None

    def read_json_batch(body: bytes) -> tuple[bytes | None, list[bytes]]:
        """A JSON batch body: the envelope's bytes, or the signed statements' bytes."""
        parsed = parse_json(body, BatchBody, check=_batch_size)
        if parsed.envelope is not None:
            return unbase64(parsed.envelope, "envelope"), []
        return None, [unbase64(s, f"statements[{i}]") for i, s in enumerate(parsed.statements or [])]

    def retry_after() -> int:
        """Seconds until the blocks now due have taken what is pending: when a retry has room again."""
        blocks = -(-evidence.pending.pending_leaves // MAX_RECORDS_PER_BLOCK)
        seconds = -(-max(1, blocks) * node.genesis.block_interval_ms // 1000)
        return min(MAX_RETRY_AFTER_SECONDS, max(1, seconds))

    async def admit(action: Any) -> Any:
        try:
            return await run_in_threadpool(action)
        except EvidenceRejected as exc:
            raise ApiError(exc.status, exc.code, exc.message) from None
        except PoolFull as exc:
            raise ApiError(429, "busy", str(exc), {"Retry-After": str(retry_after())}) from None
        except SubmissionTooLarge as exc:
            raise ApiError(413, "too-large", str(exc)) from None
        except ReservationsUndone:
            raise ApiError(
                503,
                "not-stored",
                "the node could not write a submission this one relied on; nothing was accepted; retry later",
            ) from None

    async def durable(accepted: Accepted, endpoint: str) -> None:
        try:
            await asyncio.wrap_future(accepted.durable)
        except Exception as exc:  # the store's write failed: its reservation is undone, nothing was accepted
            log.error("a submission to /v1/%s could not be written: %s", endpoint, exc)
            raise ApiError(
                503, "not-stored", "the node could not write the submission, so nothing was accepted; retry later"
            ) from None
        count_accepted(endpoint, sum(accepted.new))

    async def wait_proven(last_index: int, timeout: float) -> bool:
        return await notifier.wait_for(lambda: evidence.log.size > last_index, timeout)

    @router.post(
        "/evidence",
        response_model=Submitted,
        status_code=202,
        responses={200: {"model": Submitted, "description": "proven (waited for, or already known)"}, **SUBMIT_ERRORS},
        tags=["evidence"],
        summary="Anchor one signed statement",
        openapi_extra=body_openapi(SignedStatementBody, "the signed statement's deterministic CBOR"),
    )
    async def submit_statement(
        request: Request,
        wait: Annotated[bool, Query(description="block until the record is proven (or the timeout passes)")] = False,
        timeout: Annotated[float, Query(gt=0, le=MAX_WAIT_SECONDS, description="seconds to wait")] = 10.0,
    ) -> Response:
        require_validator(node)
        content_type, body = await read_body(request, MAX_SINGLE_BODY)
        data = (
            body
            if content_type == "application/cbor"
            else unbase64(parse_json(body, SignedStatementBody).signed_statement, "signed_statement")
        )
        admitted: Admitted = await admit(lambda: evidence.admission.signed_statement(data))
        accepted = await admit(lambda: evidence.accept(admitted))
        await durable(accepted, "evidence")
        index = accepted.indexes[0]
        proven = index < evidence.log.size or (wait and await wait_proven(index, timeout))
        receipt = evidence.receipt(index) if proven and wait else None
        result = Submitted(
            id=evidence.evidence_id(index),
            index=index,
            status="proven" if proven else "accepted",
            new=accepted.new[0],
            statement_hash=sm3(admitted.first_statement).hex(),
            receipt=base64.b64encode(receipt.to_cbor()).decode() if receipt else None,
        )
        return JSONResponse(result.model_dump(), status_code=200 if proven else 202)

    @router.post(
        "/evidence/batch",
        response_model=BatchSubmitted,
        status_code=202,
        responses={200: {"model": BatchSubmitted}, **SUBMIT_ERRORS},
        tags=["evidence"],
        summary="Anchor a batch envelope, or up to 10,000 signed statements",
        openapi_extra=body_openapi(BatchBody, "a batch envelope's deterministic CBOR"),
    )
    async def submit_batch(
        request: Request,
        wait: Annotated[bool, Query(description="block until every record is proven (or the timeout passes)")] = False,
        timeout: Annotated[float, Query(gt=0, le=MAX_WAIT_SECONDS)] = 10.0,
    ) -> Response:
        require_validator(node)
        content_type, body = await read_body(request, MAX_BODY)
        if content_type == "application/cbor":
            admitted = await admit(lambda: evidence.admission.envelope(body))
            accepted = await admit(lambda: evidence.accept(admitted))
        else:
            # Up to 32 MiB of JSON and 10,000 base64 strings: read off the event loop.
            envelope, items = await run_in_threadpool(read_json_batch, body)
            if envelope is not None:
                admitted = await admit(lambda: evidence.admission.envelope(envelope))
                accepted = await admit(lambda: evidence.accept(admitted))
            else:
                results = await admit(lambda: evidence.admission.signed_statements(items))
                accepted = await admit(lambda: evidence.accept_many(results))
        await durable(accepted, "batch")
        last = max(accepted.indexes)
        proven = last < evidence.log.size or (wait and await wait_proven(last, timeout))
        result = BatchSubmitted(
            ids=evidence.evidence_ids(accepted.indexes),
            indexes=accepted.indexes,
            new=sum(accepted.new),
            fresh=list(accepted.new),
            status="proven" if proven else "accepted",
        )
        # pydantic's own JSON writer: three times the speed of json.dumps on 10,000 IDs.
        return Response(result.model_dump_json(), status_code=200 if proven else 202, media_type="application/json")

    # Looking up

    def resolve(evidence_id: str) -> int:
        try:
            parsed = EvidenceId.parse(evidence_id)
        except DecodeError as exc:
            raise ApiError(400, exc.code, exc.message) from None
        if parsed.chain != genesis.chain_code:
            raise ApiError(
                404, "wrong-chain", f"{evidence_id} is an ID of chain {parsed.chain}, this is {genesis.chain_code}"
            )
        return parsed.index

    def find(index: int) -> EvidenceView:
        view = evidence.view(index)
        if view is None:
            raise ApiError(404, "not-found", f"no record {evidence.evidence_id(index)} on this chain")
        return view

    @router.get(
        "/evidence/{evidence_id:record}",
        response_model=EvidenceModel,
        responses=ERRORS,
        tags=["evidence"],
        summary="One record",
    )
    def get_evidence(evidence_id: EvidenceIdPath) -> EvidenceModel:
        return evidence_model(find(resolve(evidence_id)))

    @router.get(
        "/evidence/{evidence_id}/receipt",
        responses={
            200: {"content": {"application/cbor": {}, "application/json": {}}, "description": "the receipt"},
            409: {"model": ErrorResponse, "description": "accepted but not yet proven"},
            **ERRORS,
        },
        tags=["evidence"],
        summary="A proven record's receipt: CBOR by default, JSON on request",
    )
    def get_receipt(
        request: Request,
        evidence_id: EvidenceIdPath,
        format: Annotated[Literal["cbor", "json"] | None, Query(description="overrides the Accept header")] = None,
    ) -> Response:
        index = resolve(evidence_id)
        view = find(index)
        if view.status != "proven":
            raise ApiError(409, "not-proven", f"{view.evidence_id} is accepted but not yet in a sealed block")
        receipt = evidence.receipt(index)
        assert receipt is not None
        wants_json = format == "json" or (format is None and prefers_json(request.headers.get("accept", "")))
        if wants_json:
            return Response(receipt.to_json(), media_type="application/json")
        return Response(
            receipt.to_cbor(),
            media_type="application/cbor",
            headers={"Content-Disposition": f'attachment; filename="{view.evidence_id}.tzr"'},
        )

    @router.get("/evidence", response_model=EvidencePage, responses=ERRORS, tags=["evidence"], summary="Search records")
    def search_evidence(
        digest: Annotated[str | None, hex32_query("SM3 of the record, hex")] = None,
        agency: Annotated[str | None, Query(pattern=f"^{AGENCY_CODE.pattern}$", description="agency code")] = None,
        subject: Annotated[str | None, hex32_query("SM3 subject, hex")] = None,
        kind: Annotated[str | None, Query(pattern=f"^{KIND.pattern}$", description="statement kind")] = None,
        from_: Annotated[str | None, time_query("block time from (ms since 1970, or ISO 8601)", alias="from")] = None,
        to: Annotated[str | None, time_query("block time to, inclusive")] = None,
        cursor: Annotated[str | None, Query(pattern=COUNTER_PATTERN, description="the previous page's next")] = None,
        limit: Annotated[int, Query(ge=1, le=1000), ASCII_DECIMAL] = 50,
        order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    ) -> EvidencePage:
        digest_bytes = hex32(digest, "digest")
        subject_bytes = hex32(subject, "subject")
        since, until = block_period(from_, to)
        descending = order == "desc"
        position = None if cursor is None else int(cursor)
        # Records of a digest still waiting for a block are listed too (they have no block time
        # for from/to to select by); they come after every proven one in the log. Read before the
        # log's range: a record sealed in between is then listed from one side or both, never neither.
        waiting: list[int] = []
        if digest_bytes is not None and since is None and until is None:
            waiting = [
                i
                for i in evidence.pending.matching(digest_bytes, agency=agency, subject=subject_bytes, kind=kind)
                if position is None or (i < position if descending else i > position)
            ]
        start, stop = node.leaf_range(since, until)
        if position is not None:
            start, stop = (start, min(stop, position)) if descending else (max(start, position + 1), stop)
        indexes, resume_after = _merge_waiting(waiting, descending, limit, lambda room: evidence.query(
            digest=digest_bytes, agency=agency, subject=subject_bytes, kind=kind,
            start=start, stop=stop, descending=descending, limit=room,
        ))  # fmt: skip
        items = [evidence_model(v) for v in (evidence.view(i) for i in indexes) if v is not None]
        return EvidencePage(items=items, next=None if resume_after is None else str(resume_after))

    # The log

    @router.get(
        "/log/head", response_model=TreeHeadModel, responses=ERRORS, tags=["log"], summary="The latest sealed tree head"
    )
    def log_head() -> TreeHeadModel:
        sealed = node.head.sealed
        if sealed is None:
            raise ApiError(404, "no-blocks", "no block has been sealed yet")
        header = sealed.header
        return TreeHeadModel(
            chain_id=header.chain_id,
            size=header.log_size,
            root=header.log_root.hex(),
            height=header.height,
            block_hash=sealed.hash.hex(),
            time=header.time,
            header=base64.b64encode(sealed.header_bytes).decode(),
            seals=seal_models(sealed.seals),
        )

    @router.get(
        "/log/proof/inclusion",
        response_model=InclusionProofModel,
        responses=ERRORS,
        tags=["log"],
        summary="Inclusion proof",
    )
    def inclusion_proof(
        index: Annotated[
            int | None, Query(ge=0, lt=COUNTER_LIMIT, description="leaf index (or give id)"), ASCII_DECIMAL
        ] = None,
        id: Annotated[str | None, evidence_id_query("evidence ID (or give index)")] = None,
        size: Annotated[
            int | None,
            Query(ge=1, lt=COUNTER_LIMIT, description="tree size (default: the current size)"),
            ASCII_DECIMAL,
        ] = None,
    ) -> InclusionProofModel:
        if (index is None) == (id is None):
            raise ApiError(400, "invalid-request", "give index or id")
        leaf = resolve(id) if id is not None else index
        assert leaf is not None
        tree_size = size if size is not None else evidence.log.size
        if not 0 <= leaf < tree_size <= evidence.log.size:
            raise ApiError(400, "out-of-range", f"need index < size ≤ {evidence.log.size}")
        record = evidence.log.leaf(leaf)
        assert record is not None
        return InclusionProofModel(
            index=leaf,
            size=tree_size,
            leaf_hash=sm3(LEAF_PREFIX + record.statement).hex(),
            root=evidence.log.root(tree_size).hex(),
            proof=[h.hex() for h in evidence.log.inclusion_proof(leaf, tree_size)],
        )

    @router.get(
        "/log/proof/consistency",
        response_model=ConsistencyProofModel,
        responses=ERRORS,
        tags=["log"],
        summary="Consistency proof",
    )
    def consistency_proof(
        old: Annotated[int, Query(ge=1, lt=COUNTER_LIMIT, description="the older tree size"), ASCII_DECIMAL],
        new: Annotated[
            int | None,
            Query(ge=1, lt=COUNTER_LIMIT, description="the newer tree size (default: the current size)"),
            ASCII_DECIMAL,
        ] = None,
    ) -> ConsistencyProofModel:
        new_size = new if new is not None else evidence.log.size
        if not old <= new_size <= evidence.log.size:
            raise ApiError(400, "out-of-range", f"need 1 ≤ old ≤ new ≤ {evidence.log.size}")
        return ConsistencyProofModel(
            old_size=old,
            new_size=new_size,
            old_root=evidence.log.root(old).hex(),
            new_root=evidence.log.root(new_size).hex(),
            proof=[h.hex() for h in evidence.log.consistency_proof(old, new_size)],
        )

    # Blocks, agencies, validators, genesis

    def block_model(height: int) -> BlockModel:
        sealed = node.sealed_header(height)
        if sealed is None:
            raise ApiError(404, "not-found", f"no block {height}")
        header = sealed.header
        previous = node.sealed_header(height - 1) if height > 1 else None
        first = previous.header.log_size if previous else 0
        execution = node.execution.block(height)
        return BlockModel(
            height=height,
            time=header.time,
            hash=sealed.hash.hex(),
            parent=header.parent.hex(),
            execution_hash=header.execution.hex(),
            transactions=len(execution.transactions),
            records=header.log_size - first,
            first_index=first,
            log_size=header.log_size,
            log_root=header.log_root.hex(),
            validators=header.validators.hex(),
            next_validators=header.next_validators.hex(),
            header=base64.b64encode(sealed.header_bytes).decode(),
            seals=seal_models(sealed.seals),
        )

    @router.get("/blocks", response_model=BlockPage, tags=["blocks"], summary="Blocks, newest first")
    def list_blocks(
        before: Annotated[
            int | None, Query(ge=1, lt=COUNTER_LIMIT, description="list blocks below this height"), ASCII_DECIMAL
        ] = None,
        limit: Annotated[int, Query(ge=1, le=100), ASCII_DECIMAL] = 20,
    ) -> BlockPage:
        top = min(before - 1 if before is not None else node.head.height, node.head.height)
        heights = list(range(top, max(0, top - limit), -1))
        return BlockPage(
            items=[block_model(h) for h in heights], next=str(heights[-1]) if heights and heights[-1] > 1 else None
        )

    @router.get("/blocks/{height}", response_model=BlockModel, responses=ERRORS, tags=["blocks"], summary="One block")
    def get_block(height: Annotated[int, Path(ge=0, lt=COUNTER_LIMIT), ASCII_DECIMAL]) -> BlockModel:
        if height < 1:
            raise ApiError(404, "not-found", "blocks start at height 1")
        return block_model(height)

    @router.get(
        "/agencies", response_model=list[AgencyModel], tags=["registry"], summary="Every agency, active or revoked"
    )
    def list_agencies() -> list[AgencyModel]:
        return [
            AgencyModel(
                code=a.code,
                name=a.name,
                public_key=a.public_key.hex(),
                key_id=sm3(a.public_key).hex(),
                account="0x" + a.account.hex(),
                registered_at=a.registered_at,
                revoked_at=a.revoked_at,
                active=a.active,
            )
            for a in node.registry.agencies(node.head.execution)
        ]

    @router.get(
        "/validators",
        response_model=list[ValidatorModel],
        tags=["registry"],
        summary="The validator set sealing blocks",
    )
    def list_validators() -> list[ValidatorModel]:
        return [
            ValidatorModel(
                index=i, name=v.name, public_key=v.public_key.to_bytes().hex(), key_id=v.public_key.key_id.hex()
            )
            for i, v in enumerate(genesis.validators.validators)
        ]

    @router.get(
        "/genesis", response_model=GenesisModel, tags=["registry"], summary="The genesis document verifiers trust"
    )
    def get_genesis() -> GenesisModel:
        return GenesisModel(
            hash=genesis.hash.hex(), chain_id=genesis.chain_id, chain_code=genesis.chain_code, document=genesis.document
        )

    # Rendering

    def seal_models(seals: Any) -> list[SealModel]:
        names = [v.name for v in genesis.validators.validators]
        return [
            SealModel(
                validator=s.validator,
                name=names[s.validator] if s.validator < len(names) else "?",
                signature=base64.b64encode(s.signature).decode(),
            )
            for s in seals
        ]

    def evidence_model(view: EvidenceView) -> EvidenceModel:
        statement = view.statement
        signers: list[SignerModel] = []
        batch = None
        record = view.record
        if record is not None and record.batch is not None:
            batch_record = evidence.log.batch(record.batch.batch_id)
            if batch_record is not None:
                batch = BatchMembership(
                    batch_id=record.batch.batch_id, position=record.batch.position, size=batch_record.size
                )
                # An older record's header may name co-signers its statement does not: never anchored with it.
                anchored = batch_record.signatures if statement.cosigners else batch_record.signatures[:1]
                signers = [_signer(s.role, s.public_key) for s in anchored]
        elif record is not None:
            signers = [_signer(s.role, s.public_key) for s in record.signatures]
        return EvidenceModel(
            id=view.evidence_id,
            index=view.index,
            status=view.status,  # type: ignore[arg-type]
            statement_hash=statement.hash.hex(),
            statement=StatementModel(
                version=statement.version,
                kind=statement.kind,
                digest=statement.digest.hex(),
                agency=statement.agency,
                key=statement.key.hex(),
                time=statement.time,
                subject=statement.subject.hex() if statement.subject else None,
                operator=statement.operator.hex() if statement.operator else None,
                stage=statement.stage,
                prev=statement.prev,
                cosigners=[CosignerModel(role=c.role, key=c.key.hex()) for c in statement.cosigners],
                meta={k: (MetaBytes(hex=v.hex()) if isinstance(v, bytes) else v) for k, v in statement.meta.items()}
                if statement.meta
                else None,
            ),
            signers=signers,
            batch=batch,
            block=BlockRef(height=view.block.height, time=view.block.header.time, hash=view.block.hash.hex())
            if view.block
            else None,
        )

    return router


def _signer(role: str, key: SM2PublicKey) -> SignerModel:
    return SignerModel(role=role, public_key=key.to_bytes().hex(), key_id=key.key_id.hex())


def _merge_waiting(
    waiting: list[int], descending: bool, limit: int, proven: Callable[[int], QueryResult]
) -> tuple[list[int], int | None]:
    """One page of at most ``limit`` indexes: proven ones (``proven(room)``) and ``waiting`` ones, in page order.

    Waiting records follow every proven one in the log, so a newest-first page starts
    with them and an oldest-first page ends with them; the cursor is the last index
    listed whenever more may follow. A record sealed while the page is read is listed once.
    """
    if descending:
        newest = waiting[::-1]
        if len(newest) >= limit:
            return newest[:limit], newest[limit - 1]
        page = proven(limit - len(newest))
        listed = set(newest)
        return newest + [i for i in page.indexes if i not in listed], page.resume_after
    page = proven(limit)
    if page.resume_after is not None:
        return page.indexes, page.resume_after
    listed = set(page.indexes)
    later = [i for i in waiting if i not in listed]
    room = limit - len(page.indexes)
    indexes = page.indexes + later[:room]
    return indexes, (indexes[-1] if len(later) > room and indexes else None)
