"""REST for the process trail: templates, the calendar, matters and their timelines, alerts, webhooks, reports.

Steps themselves are submitted as ``process-step`` statements through
``POST /v1/evidence`` (the SDK's and CLI's ``matter`` commands build them); this
router reads the state they produce. Acknowledging an alert and managing
webhooks take an admin's signature (EIP-191 ``personal_sign`` of one line), since
the node holds no admin key.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from tiezheng.beijing import beijing_day
from tiezheng.errors import DecodeError
from tiezheng.evidence_id import EvidenceId
from tiezheng.statement import AGENCY_CODE
from tiezheng.supervision import admin_message, webhook_target
from tiezheng.workflow import Matter

from ..node import Node
from ..process.engine import DuplicateWebhook, ReportBusy
from ..process.records import AlertRecord, Webhook
from ..process.reports import columns
from .bodies import body_openapi, model_body
from .errors import ApiError
from .models import (
    AdminSignature,
    AlertModel,
    AlertPage,
    CalendarModel,
    ErrorResponse,
    MatterModel,
    MatterPage,
    ReportModel,
    RunningLimitModel,
    StageModel,
    StepModel,
    SupervisionModel,
    TemplateModel,
    WebhookBody,
    WebhookModel,
)
from .paging import page_of
from .params import (
    ASCII_DECIMAL,
    COUNTER_PATTERN,
    block_period,
    evidence_id_path,
    hex32,
    hex32_query,
    time_query,
)
from .rest import ERRORS, require_validator

SIGNATURE_WINDOW_MS: Final = 5 * 60 * 1000
TEMPLATE_HASH: Final = re.compile(r"(0x)?[0-9a-fA-F]{64}")
TEMPLATE_FILTER: Final = "a template's id (every revision of it) or one template's hash (hex)"
#: A template filter's shape: a template's id (WorkflowTemplate's rule) or a hash.
TEMPLATE_FILTER_PATTERN: Final = r"^([a-z][a-z0-9-]{0,63}|(0x)?[0-9a-fA-F]{64})$"
ADMIN_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    **ERRORS,
    403: {"model": ErrorResponse, "description": "the signature is not an admin's, or is stale or replayed"},
    413: {"model": ErrorResponse, "description": "body larger than 64 KiB"},
    415: {"model": ErrorResponse, "description": "body neither application/json nor application/cbor"},
}
SIGNATURE_BODY: Final = Depends(model_body(AdminSignature))
#: Store writes an admin action carries with its own.
Writes = dict[bytes, bytes | None]


class AdminSignatures:
    """Checks admin signatures: recent, not seen before, by an AgencyRegistry admin.

    "Seen" is the signer and the line signed, not the signature's text: one ECDSA
    signature has several encodings that all recover the same signer (hex in either
    case, ``v`` as 0/1 or 27/28, and ``s`` or ``n - s``), so remembering the text
    would let any of the others through again. The node's record of used lines
    (``process/admin_lines.py``) is in its store, so a restart forgets none.
    """

    def __init__(self, node: Node) -> None:
        self._node = node

    @contextmanager
    def authorised(self, auth: AdminSignature, action: str, target: str) -> Iterator[tuple[str, Writes]]:
        """The admin who signed ``auth``, and the writes that spend the signed line: the action's own write
        carries them, so a request whose action fails (or is never written) can be sent again."""
        now = int(time.time() * 1000)
        if abs(now - auth.time) > SIGNATURE_WINDOW_MS:
            raise ApiError(403, "stale-signature", "the signed time is more than 5 minutes from the node's clock")
        genesis = self._node.genesis.protocol
        message = admin_message(genesis.chain_code, genesis.hash, action, target, auth.time)
        # Imported here: eth_account pulls in eth_keyfile and its BLS tables, a
        # third of a second that every node start would pay for a rare request.
        from eth_account import Account
        from eth_account.messages import encode_defunct

        try:
            signer = Account.recover_message(encode_defunct(text=message), signature=auth.signature)
        except Exception:
            raise ApiError(400, "bad-signature", "the signature does not decode (65 bytes, 0x hex)") from None
        if signer.lower() != auth.signer.lower():
            raise ApiError(403, "bad-signature", f"the signature is not {auth.signer}'s over {message!r}")
        if not self._node.registry.is_admin(bytes.fromhex(signer[2:]), self._node.head.execution):
            raise ApiError(403, "not-admin", f"{signer} is not an AgencyRegistry admin")
        claim = self._node.admin_lines.claim(auth.time, signer, message, forget_before_ms=now - 2 * SIGNATURE_WINDOW_MS)
        if claim is None:
            raise ApiError(403, "replayed", "this signature was used already")
        try:
            yield signer, claim.writes
        finally:
            claim.release()


def check_webhook_url(url: str) -> None:
    """Refuse a webhook URL the node should not store or publish; the message never repeats the URL.

    ``GET /v1/webhooks`` lists URLs to anyone, so a URL must not carry credentials:
    receivers authenticate deliveries by their SM2 signature, not by a secret in the URL.
    """
    if not url.isprintable() or any(c.isspace() for c in url):
        raise ApiError(400, "invalid-request", "url: spaces and control characters are not allowed")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise ApiError(400, "invalid-request", "url: not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiError(400, "invalid-request", "url must be http:// or https:// with a host")
    if "@" in parts.netloc:
        raise ApiError(
            400,
            "invalid-request",
            "url: no user name or password (webhook URLs are public: receivers check the SM2 signature)",
        )
    if parts.fragment or url.endswith("#"):
        raise ApiError(400, "invalid-request", "url: no #fragment")
    try:
        httpx.Request("POST", url)  # as delivery will build it: a host it cannot encode (IDNA) is never reached
    except (httpx.InvalidURL, UnicodeError):
        raise ApiError(400, "invalid-request", "url: the host name is not a valid (IDNA) name") from None


def create_process_router(node: Node) -> APIRouter:
    router = APIRouter(prefix="/v1")
    process = node.process
    chain = node.genesis.protocol.chain_code
    signatures = AdminSignatures(node)

    def evidence_id(index: int) -> str:
        return str(EvidenceId(chain, index))

    def templates_named(template: str | None) -> set[bytes] | None:
        """The template hashes a filter names: every revision of a template id, or one template's hash (hex)."""
        if template is None:
            return None
        # This node's files and the chain's registry: an alert names its template from either.
        if TEMPLATE_HASH.fullmatch(template):
            named = bytes.fromhex(template.removeprefix("0x"))
            hashes = {named} if named in process.template_names() else set()
        else:
            hashes = set(process.template_hashes(template))
        if not hashes:
            # An empty page would read as "none of those": say the filter names nothing this node knows.
            raise ApiError(
                404,
                "unknown-template",
                f"template: no template {template!r} on this node; give a template's id "
                "(administrative-permit, …) or its hash (GET /v1/templates)",
            )
        return hashes

    def registered_agency(code: str | None, where: str) -> None:
        """Refuse an agency filter naming no agency this chain ever registered: it would match nothing, silently."""
        if code is None or node.registry.agency(code, node.head.execution) is not None:
            return
        # Codes are unique ignoring letter case (AgencyRegistry), so one spelled in other case is a typo of it.
        meant = next(
            (a.code for a in node.registry.agencies(node.head.execution) if a.code.upper() == code.upper()), None
        )
        hint = f"; codes are matched as registered: {meant}" if meant else " (GET /v1/agencies)"
        raise ApiError(404, "unknown-agency", f"{where}: no agency {code!r} was ever registered on this chain{hint}")

    def resolve(text: str, what: str) -> int:
        try:
            parsed = EvidenceId.parse(text)
        except DecodeError as exc:
            raise ApiError(400, exc.code, f"{what}: {exc.message}") from None
        if parsed.chain != chain:
            raise ApiError(404, "wrong-chain", f"{text} belongs to chain {parsed.chain}, this is {chain}")
        return parsed.index

    # Templates and calendar

    @router.get("/templates", response_model=list[TemplateModel], tags=["process"], summary="Registered templates")
    def templates() -> list[TemplateModel]:
        return [template_model(info.hash, full=False) for info in node.trail.templates(node.head.execution)]

    @router.get(
        "/templates/{template_hash}",
        response_model=TemplateModel,
        responses=ERRORS,
        tags=["process"],
        summary="A template, with its stages",
    )
    def template(template_hash: Annotated[str, Path(pattern=r"^(0x)?[0-9a-fA-F]{64}$")]) -> TemplateModel:
        return template_model(bytes.fromhex(template_hash.removeprefix("0x")), full=True)

    def template_model(template_hash: bytes, *, full: bool) -> TemplateModel:
        info = node.trail.template(template_hash, node.head.execution)
        if info is None:
            raise ApiError(404, "unknown-template", f"no template {template_hash.hex()} is registered")
        held = process.library.template(template_hash)
        model = TemplateModel(
            hash=template_hash.hex(),
            id=info.id,
            revision=info.revision,
            active=info.active,
            registered_at=info.registered_at,
            held=held is not None,
        )
        if held is not None:
            model.name, model.roles = held.name, held.roles
            model.limit = held.limit.to_value() if held.limit else None
            if full:
                model.stages = [
                    StageModel(
                        key=s.key,
                        english=s.english,
                        role=s.role,
                        limit=s.limit.to_value() if s.limit else None,
                        fields=list(s.fields),
                        decisions=list(s.decisions),
                        next=list(s.next),
                        returns=list(s.returns),
                        entered_when=s.entered_when,
                        requires=list(s.requires),
                    )
                    for s in held.stages
                ]
        return model

    @router.get(
        "/calendar",
        response_model=CalendarModel,
        responses=ERRORS,
        tags=["process"],
        summary="The working-day calendar",
    )
    def calendar() -> CalendarModel:
        found = process.calendar()
        if found is None:
            raise ApiError(404, "no-calendar", "no calendar is registered, or this node does not hold its file")
        return CalendarModel(
            hash=found.hash.hex(),
            id=found.id,
            years=sorted(found.years),
            holidays=sorted(d.isoformat() for d in found.holidays),
            workdays=sorted(d.isoformat() for d in found.workdays),
            utc_offset_minutes=found.utc_offset_minutes,
        )

    @router.get(
        "/supervision", response_model=SupervisionModel, tags=["process"], summary="Who signs alerts and webhooks"
    )
    def supervision() -> SupervisionModel:
        if process.supervision is None:
            return SupervisionModel(agency=None, public_key=None, warn_at=process.warn_at)
        key = process.supervision.key.public_key()
        return SupervisionModel(
            agency=process.supervision.agency,
            public_key=key.to_bytes().hex(),
            key_id=key.key_id.hex(),
            warn_at=process.warn_at,
        )

    # Matters

    def matter_model(matter: Matter) -> MatterModel:
        template = process.template_of(matter)
        current = template.stage(matter.current) if template and matter.current else None
        now = int(time.time() * 1000)
        return MatterModel(
            id=evidence_id(matter.index),
            template=template.id if template else process.template_name(matter.template),
            template_hash=matter.template.hex(),
            subject=matter.subject.hex(),
            owner=matter.owner,
            parties=matter.parties,
            opened=matter.opened,
            deadline=matter.deadline,
            status=matter.status,
            outcome=matter.outcome,
            closed=matter.closed,
            current=matter.current,
            current_agency=matter.agency_for(current) if current else None,
            stage_deadline=matter.stage_deadline,
            running=[
                RunningLimitModel(
                    stage=stage,
                    since=template.counted_from(stage) if template else None,
                    start=start,
                    deadline=deadline,
                    overdue=deadline <= now,
                )
                for stage, (start, deadline) in matter.running.items()
            ],
            overdue=matter.stage_overdue(now) or matter.matter_overdue(now) or matter.later_stage_overdue(now),
            completed_late=matter.completed_late,
            latest=evidence_id(matter.last_index),
            steps=[
                StepModel(
                    id=evidence_id(s.index),
                    stage=s.stage,
                    decision=s.decision,
                    agency=s.agency,
                    claimed=s.claimed,
                    sealed=s.sealed,
                    activated=s.activated,
                    deadline=s.deadline,
                    overdue=s.overdue,
                    next=s.next,
                )
                for s in matter.steps
            ],
            alerts=[evidence_id(i) for i in matter.alerts],
        )

    @router.get("/matters", response_model=MatterPage, responses=ERRORS, tags=["process"], summary="Matters")
    def matters(
        template: Annotated[str | None, Query(pattern=TEMPLATE_FILTER_PATTERN, description=TEMPLATE_FILTER)] = None,
        agency: Annotated[
            str | None, Query(pattern=f"^{AGENCY_CODE.pattern}$", description="owner or party agency code")
        ] = None,
        status: Annotated[Literal["open", "closed"] | None, Query()] = None,
        subject: Annotated[str | None, hex32_query("SM3 subject, hex (as /v1/evidence takes it)")] = None,
        cursor: Annotated[str | None, Query(pattern=COUNTER_PATTERN, description="the previous page's next")] = None,
        limit: Annotated[int, Query(ge=1, le=200), ASCII_DECIMAL] = 50,
    ) -> MatterPage:
        named = templates_named(template)
        registered_agency(agency, "agency")
        subject_hash = hex32(subject, "subject")

        def keep(matter: Matter) -> bool:
            return (
                (named is None or matter.template in named)
                and (agency is None or agency == matter.owner or agency in matter.parties.values())
                and (status is None or matter.status == status)
                and (subject_hash is None or matter.subject == subject_hash)
            )

        records = process.matters(
            before=int(cursor) if cursor else None,
            status=status,
            templates=named,
            agency=agency,
            subject=subject_hash,
        )
        items, following = page_of(records, keep, limit)
        return MatterPage(items=[matter_model(m) for m in items], next=None if following is None else str(following))

    @router.get(
        "/matters/{matter_id}", response_model=MatterModel, responses=ERRORS, tags=["process"], summary="A matter"
    )
    def matter(matter_id: Annotated[str, evidence_id_path("the matter (its opening's ID)")]) -> MatterModel:
        found = process.matter(resolve(matter_id, "matter"))
        if found is None:
            raise ApiError(404, "unknown-matter", f"no matter {matter_id} on this chain")
        return matter_model(found)

    # Alerts

    def alert_model(record: AlertRecord) -> AlertModel:
        event = process.alert_event(record)
        return AlertModel(
            **event,
            acknowledged_by=record.acknowledged_by,
            acknowledged_at=record.acknowledged_at,
            resolved_at=record.resolved_at,
            deliveries=record.deliveries,
        )

    @router.get("/alerts", response_model=AlertPage, responses=ERRORS, tags=["process"], summary="Alerts, newest first")
    def alerts(
        status: Annotated[Literal["open", "acknowledged", "resolved"] | None, Query()] = None,
        agency: Annotated[
            str | None, Query(pattern=f"^{AGENCY_CODE.pattern}$", description="the responsible agency")
        ] = None,
        template: Annotated[str | None, Query(pattern=TEMPLATE_FILTER_PATTERN, description=TEMPLATE_FILTER)] = None,
        severity: Annotated[Literal["red", "warning"] | None, Query()] = None,
        cursor: Annotated[str | None, Query(pattern=COUNTER_PATTERN, description="the previous page's next")] = None,
        limit: Annotated[int, Query(ge=1, le=500), ASCII_DECIMAL] = 50,
    ) -> AlertPage:
        named = templates_named(template)
        registered_agency(agency, "agency")

        def keep(record: AlertRecord) -> bool:
            return (
                (status is None or record.status == status)
                and (agency is None or record.agency == agency)
                and (severity is None or record.severity == severity)
                and (named is None or record.template in named)
            )

        records = process.alerts(
            before=int(cursor) if cursor else None,
            status=status,
            severity=severity,
            agency=agency,
            templates=named,
        )
        found, following = page_of(records, keep, limit)
        return AlertPage(items=[alert_model(r) for r in found], next=None if following is None else str(following))

    @router.get("/alerts/{alert_id}", response_model=AlertModel, responses=ERRORS, tags=["process"], summary="An alert")
    def alert(alert_id: Annotated[str, evidence_id_path("the alert")]) -> AlertModel:
        record = process.alert(resolve(alert_id, "alert"))
        if record is None:
            raise ApiError(404, "unknown-alert", f"no alert {alert_id}")
        return alert_model(record)

    @router.post(
        "/alerts/{alert_id}/ack",
        response_model=AlertModel,
        responses=ADMIN_ERRORS,
        tags=["process"],
        summary="Acknowledge an alert (admin-signed: `tiezheng CHAIN ack ALERT_ID TIME`)",
        openapi_extra=body_openapi(AdminSignature),
    )
    def acknowledge(
        alert_id: Annotated[str, evidence_id_path("the alert")], auth: Annotated[AdminSignature, SIGNATURE_BODY]
    ) -> AlertModel:
        require_validator(node)
        index = resolve(alert_id, "alert")
        if process.alert(index) is None:
            raise ApiError(404, "unknown-alert", f"no alert {alert_id}")
        with signatures.authorised(auth, "ack", evidence_id(index)) as (signer, spent):
            return alert_model(process.acknowledge(index, signer, int(time.time() * 1000), also=spent))

    # Webhooks

    def webhook_model(hook: Webhook) -> WebhookModel:
        return WebhookModel(**hook.__dict__)

    @router.get("/webhooks", response_model=list[WebhookModel], tags=["process"], summary="Registered webhooks")
    def webhooks() -> list[WebhookModel]:
        return [webhook_model(h) for h in process.webhooks()]

    @router.post(
        "/webhooks",
        response_model=WebhookModel,
        status_code=201,
        responses={
            **ADMIN_ERRORS,
            409: {"model": ErrorResponse, "description": "a webhook with that URL and those filters is registered"},
        },
        tags=["process"],
        summary="Register a supervisor's webhook (admin-signed: `tiezheng CHAIN/GENESIS webhook-add URL FILTERS TIME`)",
        openapi_extra=body_openapi(WebhookBody),
    )
    def add_webhook(body: Annotated[WebhookBody, Depends(model_body(WebhookBody))]) -> WebhookModel:
        require_validator(node)
        check_webhook_url(body.url)
        for name, values in (
            ("severities", body.severities),
            ("agencies", body.agencies),
            ("templates", body.templates),
        ):
            twice = next((v for i, v in enumerate(values) if v in values[:i]), None)
            if twice is not None:
                raise ApiError(400, "invalid-request", f"{name}: {twice} is named twice")
        unheld = sorted(set(body.templates) - set(process.template_names().values()))
        if unheld:
            # A filter naming no template this node holds would match no alert, and the webhook never fire.
            raise ApiError(
                404, "unknown-template", f"templates: no template {unheld[0]!r} on this node (GET /v1/templates)"
            )
        for code in body.agencies:
            registered_agency(code, "agencies")
        target = webhook_target(body.url, body.severities, body.agencies, body.templates)
        with signatures.authorised(body.auth, "webhook-add", target) as (signer, spent):
            try:
                hook = process.add_webhook(
                    body.url,
                    severities=list(body.severities),
                    agencies=body.agencies,
                    templates=body.templates,
                    by=signer,
                    also=spent,
                )
            except DuplicateWebhook as exc:
                raise ApiError(409, "duplicate-webhook", f"{exc}: each alert would be delivered to it twice") from None
        return webhook_model(hook)

    @router.delete(
        "/webhooks/{hook_id}",
        status_code=204,
        responses=ADMIN_ERRORS,
        tags=["process"],
        summary="Remove a webhook (admin-signed: `tiezheng CHAIN/GENESIS webhook-remove ID TIME`)",
        openapi_extra=body_openapi(AdminSignature),
    )
    def remove_webhook(
        hook_id: Annotated[int, Path(ge=1, lt=2**32), ASCII_DECIMAL], auth: Annotated[AdminSignature, SIGNATURE_BODY]
    ) -> Response:
        require_validator(node)
        with signatures.authorised(auth, "webhook-remove", str(hook_id)) as (_, spent):
            if not process.remove_webhook(hook_id, also=spent):
                raise ApiError(404, "unknown-webhook", f"no webhook {hook_id}")
        return Response(status_code=204)

    # Reports

    @router.get(
        "/reports/{by}",
        response_model=ReportModel,
        responses={
            200: {"content": {"application/json": {}, "text/csv": {}}},
            503: {"model": ErrorResponse, "description": "another report with bounds inside a day is being read"},
            **ERRORS,
        },
        tags=["process"],
        summary="Supervision report (办结时长) per agency, template or stage; CSV with format=csv",
    )
    def reports(
        by: Literal["agency", "template", "stage"],
        from_: Annotated[str | None, time_query("block time from (ms since 1970, or ISO 8601)", alias="from")] = None,
        to: Annotated[str | None, time_query("block time to, inclusive")] = None,
        format: Annotated[Literal["json", "csv"], Query()] = "json",
    ) -> Any:
        start, stop = block_period(from_, to)
        try:
            rows = process.report(by, start=start, stop=stop)
        except ReportBusy as exc:
            raise ApiError(503, "busy", str(exc), {"Retry-After": "5"}) from None
        if format == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=columns(by), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            return Response(
                "\ufeff" + out.getvalue(),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{report_file_name(by, start, stop)}"'},
            )
        return ReportModel.model_validate({"by": by, "from": start, "to": stop, "rows": rows})

    return router


def report_file_name(by: str, start: int | None, stop: int | None) -> str:
    """tiezheng-report-agency[-from-DAY][-to-DAY].csv: saved reports of different periods keep apart."""
    bounds = []
    for name, ms in (("from", start), ("to", stop)):
        try:
            day = beijing_day(ms).isoformat() if ms is not None else None
        except (ValueError, OverflowError, OSError):
            day = None  # a bound past the calendar's years: no day to name, and the file is the same report
        if day is not None:
            bounds.append(f"{name}-{day}")
    return "-".join(["tiezheng-report", by, *bounds]) + ".csv"
