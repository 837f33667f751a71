"""The explorer's pages: server-rendered HTML (Jinja2) on the node's own port, no external assets.

Pages read through ``ExplorerData``; every list is paginated by cursor. The
pages work without JavaScript except where the browser itself must compute:
live refresh, the consistency check and ``/verify`` (which hashes the file and
checks the receipt locally, so the file never leaves the machine).
"""

from __future__ import annotations

import base64
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import URL

from tiezheng.certificate import Registration, facts, render_html, render_pdf
from tiezheng.gm import sm3
from tiezheng.statement import KIND_ALERT, KIND_PROCESS_STEP, KINDS, Statement
from tiezheng.workflow.trail import Matter

from ... import __version__
from ...node import Node
from ...process.reports import By
from ..paging import page_of
from ..params import counter
from .i18n import COOKIE, LANGUAGES, MESSAGES, Translator, language_of
from .search import MAX_QUERY, SHOWN, SearchResult, agency_code, lookup_evidence_id, search
from .views import (
    DAYS_SHOWN,
    ExplorerData,
    day_period,
    format_time,
    iso_time,
    kind_description,
    kind_label,
    role_label,
    stage_label,
)

HERE: Final = Path(__file__).parent
STATIC_DIR: Final = HERE / "static"
TEMPLATES: Final = Jinja2Templates(directory=str(HERE / "templates"))
TEMPLATES.env.globals.update(format_time=format_time, KINDS=KINDS)
TEMPLATES.env.filters["thousands"] = lambda value: f"{value:,}"
TEMPLATES.env.filters["short"] = lambda value, size=16: value if len(value) <= size + 2 else value[:size] + "…"
TEMPLATES.env.filters["sm3hex"] = lambda value: sm3(value).hex()
TEMPLATES.env.tests["bytes"] = lambda value: isinstance(value, bytes)

ONE_YEAR: Final = 365 * 24 * 3600
#: The certificate is one self-contained page: inline style and an inline SVG code, nothing to load or run.
CERTIFICATE_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}
SCRIPT_WORDS: Final = ("check.", "verify.", "log.", "live", "seal.", "yes", "no")  # the words the pages' scripts show


def create_explorer_router(node: Node, *, public_url: str | None = None) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    data = ExplorerData(node)
    genesis = node.genesis.protocol
    process = node.process

    def render(request: Request, template: str, /, http_status: int = 200, **context: Any) -> HTMLResponse:
        language = language_of(request.query_params.get("lang"), request.cookies.get(COOKIE))
        t = Translator(language)
        other = LANGUAGES[1 - LANGUAGES.index(language)]
        response = TEMPLATES.TemplateResponse(
            request,
            template,
            {
                "t": t,
                "lang": language,
                "other_lang": other,
                "other_lang_url": _relative(request.url.include_query_params(lang=other)),
                "chain": genesis,
                "version": __version__,
                "head_height": data.head_height,
                "words": {key: t(key) for key in MESSAGES if key.startswith(SCRIPT_WORDS)},
                "stage_name": lambda template, key: stage_label(template, key, language),
                "role_name": lambda template, role: role_label(template, role, language),
                "kind_name": lambda kind: kind_label(kind, language),
                "kind_about": lambda kind: kind_description(kind, language),
                # Deadlines a reader sees may skip weekends only: every page of the process trail says so.
                "calendar_gap": lambda: process.uncovered_year(int(time.time() * 1000)),
                **context,
            },
            status_code=http_status,
        )
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie(COOKIE, language, max_age=ONE_YEAR, samesite="lax")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def not_found(request: Request, message: str, /, title: str = "not_found.title", **values: object) -> HTMLResponse:
        """A 404 page whose heading and message are i18n keys, so that both read in the reader's language."""
        return render(request, "not_found.html", http_status=404, title=title, message=message, values=values)

    def unresolved(request: Request, result: SearchResult) -> HTMLResponse:
        """An evidence ID in an address that names no record here: mistyped and malformed IDs say so."""
        title = "id.invalid.title" if result.message in ("search.mistyped", "search.malformed") else "not_found.title"
        assert result.message is not None
        return not_found(request, result.message, title=title, **result.values)

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        return render(
            request,
            "home.html",
            head=data.head(),
            blocks=data.blocks(None, 10).items,
            records=data.records(None, count=15).items,
            pending=data.pending_records(),
            per_day=data.records_per_day(None),
            days=DAYS_SHOWN,
        )

    @router.get("/blocks", response_class=HTMLResponse)
    def blocks(request: Request, before: str | None = None) -> HTMLResponse:
        return render(request, "blocks.html", page=data.blocks(counter(before)), live=before is None)

    @router.get("/blocks/{height}", response_class=HTMLResponse)
    def block(request: Request, height: str, before: str | None = None) -> HTMLResponse:
        number = counter(height)
        if number is None or not 1 <= number <= data.head_height:
            return not_found(request, "not_found.block", height=height[:40], head=data.head_height)
        row = data.block_row(number)
        sealed = node.sealed_header(number)
        assert row is not None and sealed is not None
        records = data.records(counter(before), start=row.first_index, stop=row.log_size)
        return render(
            request,
            "block.html",
            row=row,
            header=sealed.header,
            header_b64=base64.b64encode(sealed.header_bytes).decode(),
            seals=data.seals(sealed),
            quorum=genesis.validators.quorum,
            transactions=data.transactions(number),
            records=records,
        )

    @router.get("/tx/{transaction_hash}", response_class=HTMLResponse)
    def transaction(request: Request, transaction_hash: str) -> HTMLResponse:
        text = transaction_hash.removeprefix("0x")
        row = None
        if len(text) == 64:
            try:
                row = data.transaction(bytes.fromhex(text))
            except ValueError:
                row = None
        if row is None:
            return not_found(request, "not_found.transaction", hash=transaction_hash[:70])
        return render(request, "tx.html", tx=row)

    @router.get("/evidence", response_class=HTMLResponse)
    def evidence_list(
        request: Request,
        before: str | None = None,
        kind: str | None = None,
        agency: str | None = None,
    ) -> HTMLResponse:
        kind, agency = filter_value(kind), filter_value(agency)
        unknown = []
        if kind and kind not in KINDS and not kind.startswith("x-"):  # private kinds are anyone's to use
            unknown.append(("kind", kind))
        if agency:
            # Codes are issued in capitals and typed in either case, as the search box takes them.
            registered = agency_code(data, agency)
            if registered is None:
                unknown.append(("agency", agency))
            agency = registered or agency
        page = data.records(counter(before), kind=kind, agency=agency)
        return render(
            request, "evidence_list.html", page=page, kind=kind, agency=agency, live=before is None and not kind,
            unknown_filters=unknown,
        )  # fmt: skip

    def find(evidence_id: str) -> int | SearchResult:
        return lookup_evidence_id(data, genesis.chain_code, evidence_id)

    @router.get("/evidence/{evidence_id}", response_class=HTMLResponse)
    def evidence(request: Request, evidence_id: str) -> HTMLResponse:
        found = find(evidence_id)
        if isinstance(found, SearchResult):
            return unresolved(request, found)
        view = data.view(found)
        if view is None:  # dropped since it was found: its write failed, and its ID is free again
            return unresolved(
                request, SearchResult(message="search.not_found", values={"query": str(evidence_id)[:SHOWN]})
            )
        record = view.record
        batch = None
        if record is not None and record.batch is not None:
            first = record.batch.batch_id  # the leaf index of the batch's first statement
            batch = (first, record.batch.position, data.batch_size(first), data.evidence_id(first))
        signers = list(record.signatures) if record is not None and record.batch is None else []
        if batch is not None:
            stored = node.evidence.log.batch(batch[0])
            signers = list(stored.signatures) if stored else []
            if not view.statement.cosigners:
                # An older record's header may name co-signers its statement does not: never anchored with it.
                signers = signers[:1]
        others = [i for i in data.with_digest(view.statement.digest, limit=21) if i != view.index][:20]
        meta = dict(view.statement.meta or {})
        matter = None
        if view.statement.kind in (KIND_PROCESS_STEP, KIND_ALERT):
            named = meta.get("matter")  # text in anything admitted now; the log keeps what older versions took
            matter = named if isinstance(named, str) and named else None
            matter = matter or (view.evidence_id if meta.get("action") == "open" else None)
        opened = find(matter) if matter else None
        trail = process.matter(opened) if isinstance(opened, int) else None
        return render(
            request,
            "evidence.html",
            view=view,
            row=data.row(view),
            statement=view.statement,
            signers=signers,
            batch=batch,
            leaf_hash=data.leaf_hash(view),
            agency=data.agency(view.statement.agency),
            others=[data.evidence_id(i) for i in others],
            matter=matter,
            template=process.template_of(trail) if trail else None,
            not_applied=node.process.not_applied(view.index) if matter else None,
            # The times in the meta of the chain's own kinds, whose meta it defines: shown as times.
            time_meta=TIME_META if view.statement.kind in (KIND_PROCESS_STEP, KIND_ALERT) else (),
        )

    @router.get("/evidence/{evidence_id}/certificate")
    def certificate(request: Request, evidence_id: str, format: str = "html") -> Response:
        if format not in ("html", "pdf"):
            return render(
                request, "not_found.html", http_status=400, title="bad_request.title",
                message="certificate.bad_format", values={"format": format[:20]},
            )  # fmt: skip
        found = find(evidence_id)
        if isinstance(found, SearchResult):
            return unresolved(request, found)
        receipt = node.evidence.receipt(found)
        if receipt is None:  # accepted, not sealed yet: a conflict of timing (as REST's 409 not-proven), not absence
            values = {"id": data.evidence_id(found)}
            return render(
                request, "not_found.html", http_status=409, title="not_sealed.title", message="not_found.receipt",
                values=values,
            )  # fmt: skip
        # A printed certificate outlives the request, so its URL never comes from the request's
        # Host header (anyone can send one): the configured public URL, else the address the
        # reader's connection reached.
        verify_url = f"{public_url}/verify" if public_url else f"{own_address(request)}/verify"
        the_facts = facts(receipt, genesis, verify_url, registration(Statement.from_cbor(receipt.statement).agency))
        if format == "pdf":
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "certificate.pdf"
                render_pdf(the_facts, path)
                content = path.read_bytes()
            return Response(
                content,
                media_type="application/pdf",
                headers={"Content-Disposition": f'inline; filename="{receipt.evidence_id}.pdf"'},
            )
        return HTMLResponse(render_html(the_facts), headers=CERTIFICATE_HEADERS)

    @router.get("/agencies", response_class=HTMLResponse)
    def agencies(request: Request) -> HTMLResponse:
        return render(request, "agencies.html", agencies=data.agencies())

    @router.get("/agencies/{code}", response_class=HTMLResponse)
    def agency(request: Request, code: str, before: str | None = None) -> Response:
        registered = agency_code(data, code[:64])
        if registered is None:
            return not_found(request, "not_found.agency", code=code[:64])
        if registered != code:
            return RedirectResponse(f"/agencies/{registered}", status_code=301)
        info = data.agency(registered)
        assert info is not None
        return render(
            request,
            "agency.html",
            agency=info,
            history=data.agency_history(info),
            per_day=data.records_per_day(info.code),
            days=DAYS_SHOWN,
            page=data.records(counter(before), agency=info.code),
        )

    @router.get("/validators", response_class=HTMLResponse)
    def validators(request: Request) -> HTMLResponse:
        return render(
            request,
            "validators.html",
            validators=list(enumerate(data.validators())),
            quorum=genesis.validators.quorum,
            last_sealed=data.last_sealed(),
        )

    @router.get("/log", response_class=HTMLResponse)
    def log(request: Request, before: str | None = None) -> HTMLResponse:
        return render(request, "log.html", head=data.head(), page=data.blocks(counter(before)))

    # Process trail

    def alert_rows(records: list[Any]) -> list[dict[str, Any]]:
        # The template itself rides along so that the page can name the stage in the reader's language.
        return [
            {
                **process.alert_event(r),
                "workflow": process.library.template(r.template),
                "acknowledged_by": r.acknowledged_by,
                "acknowledged_at": r.acknowledged_at,
            }
            for r in records
        ]

    def registration(code: str) -> Registration | None:
        """The registry's name for the agency and any revocation, for a certificate the node prints."""
        found = data.agency(code)
        if found is None:
            return None
        return Registration(found.name, None if found.active else found.revoked_at)

    def workflows_by_id() -> dict[str, Any]:
        """Each template id's newest revision this node holds: what lists name a template by."""
        return {t.id: t for t in sorted(process.library.templates, key=lambda t: t.revision)}

    def closing_record(matter: Matter) -> tuple[str, str] | None:
        """(evidence ID, agency) of the record that closed a matter before its last stage, which is no step."""
        if matter.status != "closed" or matter.last_index in {s.index for s in matter.steps}:
            return None
        view = data.view(matter.last_index)
        return data.evidence_id(matter.last_index), view.statement.agency if view else "—"

    @router.get("/matters", response_class=HTMLResponse)
    def matters(
        request: Request,
        before: str | None = None,
        template: str | None = None,
        status: str | None = None,
    ) -> HTMLResponse:
        template, status = filter_value(template), filter_value(status)
        ids = process.library.template_ids
        now = int(time.time() * 1000)
        templates = process.template_hashes(template) if template else None
        matters, older = page_of(
            process.matters(before=counter(before), templates=templates, status=status),
            lambda m: not ((template and ids.get(m.template) != template) or (status and m.status != status)),
            25,
        )
        rows = []
        for matter in matters:
            late = matter.stage_overdue(now) or matter.matter_overdue(now) or matter.later_stage_overdue(now)
            rows.append({"id": data.evidence_id(matter.index), "matter": matter, "late": late,
                         "template": ids.get(matter.template, "?"),
                         "workflow": process.template_of(matter)})  # fmt: skip
        extra = _query_tail(template=template, status=status)
        unknown = [("matter.template", template)] if template and template not in ids.values() else []
        unknown += [("matter.status", status)] if status and status not in ("open", "closed") else []
        return render(
            request, "matters.html", rows=rows, older=older, extra=extra, template=template, status=status,
            template_ids=sorted(set(ids.values())), workflows=workflows_by_id(), unknown_filters=unknown,
        )  # fmt: skip

    @router.get("/matters/{matter_id}", response_class=HTMLResponse)
    def matter_page(request: Request, matter_id: str) -> HTMLResponse:
        found = find(matter_id)
        if isinstance(found, SearchResult):
            return unresolved(request, found)
        matter = process.matter(found)
        if matter is None:
            return not_found(request, "not_found.matter", id=data.evidence_id(found))
        template = process.template_of(matter)
        now = int(time.time() * 1000)
        current = template.stage(matter.current) if template and matter.current else None
        stage_late = matter.stage_overdue(now)
        matter_late = matter.matter_overdue(now) or matter.completed_late
        upcoming = [
            {"stage": stage, "since": template.counted_from(stage) if template else None, "deadline": deadline,
             "late": deadline <= now}
            for stage, (_, deadline) in matter.running.items()
            if stage != matter.current
        ]  # fmt: skip
        records = [r for r in (process.alert(i) for i in matter.alerts) if r is not None]
        return render(
            request,
            "matter.html",
            id=data.evidence_id(matter.index),
            matter=matter,
            template=template,
            current_agency=matter.agency_for(current) if current else None,
            stage_late=stage_late,
            matter_late=matter_late,
            late=stage_late or matter_late or matter.later_stage_overdue(now),
            upcoming=upcoming,
            ids=[data.evidence_id(s.index) for s in matter.steps],
            closing=closing_record(matter),
            alerts=alert_rows(records),
        )

    @router.get("/alerts", response_class=HTMLResponse)
    def alerts_page(
        request: Request,
        before: str | None = None,
        status: str | None = None,
        severity: str | None = None,
    ) -> HTMLResponse:
        status, severity = filter_value(status), filter_value(severity)
        records, older = page_of(
            process.alerts(before=counter(before), status=status, severity=severity),
            lambda r: not ((status and r.status != status) or (severity and r.severity != severity)),
            50,
        )
        extra = _query_tail(status=status, severity=severity)
        unknown = [("alert.status", status)] if status and status not in ALERT_STATUSES else []
        unknown += [("alert.severity", severity)] if severity and severity not in ("red", "warning") else []
        return render(
            request, "alerts.html", alerts=alert_rows(records), older=older, extra=extra, status=status,
            severity=severity, unknown_filters=unknown,
        )  # fmt: skip

    @router.get("/reports", response_class=HTMLResponse)
    def reports_page(
        request: Request,
        by: str = "agency",
        first: Annotated[str | None, Query(alias="from")] = None,
        last: Annotated[str | None, Query(alias="to")] = None,
    ) -> HTMLResponse:
        kind: By = by if by in ("template", "stage") else "agency"  # type: ignore[assignment]
        workflows = workflows_by_id()
        first, last = first or None, last or None  # an empty date field sends "from="
        try:
            start, stop = day_period(first, last)
            if start is not None and start < 0:
                start = None  # no block is older than 1970: from an earlier day is from the start
            # The CSV comes from the API, which reads block times: the same period, as ISO times in UTC+8.
            bounds = {name: iso_time(ms) for name, ms in (("from", start), ("to", stop)) if ms is not None}
        except (ValueError, OverflowError):  # not a date, or one no block time can have (year 1)
            first = last = start = stop = None
            bounds = {}
            bad_period = True
        else:
            bad_period = False
        return render(
            request, "reports.html", rows=process.report(kind, start=start, stop=stop), by=kind, workflows=workflows,
            first=first, last=last, bad_period=bad_period, period=_query_tail(**{"from": first, "to": last}),
            csv_query=urlencode({"format": "csv", **bounds}),
        )  # fmt: skip

    @router.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = "") -> Response:
        # No length limit on q here: an over-long query gets this page with a message, not a JSON refusal.
        result = search(data, genesis.chain_code, q)
        if result.location is not None:
            return RedirectResponse(result.location, status_code=303)
        rows = [data.row(v) for v in (data.view(i) for i in result.matches) if v is not None]
        status = result.status()
        return render(request, "search.html", http_status=status, result=result, query=q[:MAX_QUERY], rows=rows)

    @router.get("/verify", response_class=HTMLResponse, name="verify_page")
    def verify_page(request: Request, id: str | None = None) -> HTMLResponse:
        return render(request, "verify.html", evidence_id=filter_value(id) or "", genesis_hash=genesis.hash.hex())

    return router


MAX_FILTER_LENGTH: Final = 100
TIME_META: Final = ("deadline", "published_at")  # ms since 1970 in alerts and process steps
ALERT_STATUSES: Final = ("open", "acknowledged", "resolved")


def _relative(url: URL) -> str:
    return f"{url.path}?{url.query}" if url.query else url.path


def _query_tail(**filters: str | None) -> str:
    """The filters of a list page, URL-encoded, to follow its cursor in the "older" link."""
    given = {name: value for name, value in filters.items() if value}
    return "&" + urlencode(given) if given else ""


def own_address(request: Request) -> str:
    """scheme://host:port of the socket this request arrived on (not what its Host header claims)."""
    server = request.scope.get("server")
    if not server or server[1] is None:
        return str(request.base_url).rstrip("/")
    host, port = server
    host = f"[{host}]" if ":" in host else host
    return f"{request.url.scheme}://{host}:{port}"


def filter_value(value: str | None) -> str | None:
    """A page's filter as given, None if empty (the forms' "—"), cut to 100 characters.

    No real kind, agency code, template, status or evidence ID is longer, so a longer
    value still matches nothing: the page says so, rather than answering with JSON.
    """
    return value[:MAX_FILTER_LENGTH] if value else None
