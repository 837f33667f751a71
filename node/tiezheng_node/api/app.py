"""The node's HTTP application: JSON-RPC, the REST API, health and metrics on one port."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..node import Node
from .admin import create_admin_router
from .bodies import read_limited
from .errors import ApiError, error_response
from .events import EventHub, create_events_router
from .explorer import STATIC_DIR, create_explorer_router
from .metrics import NodeMetrics
from .models import AdminSignature, AdminTransactionBody, BatchBody, SignedStatementBody, WebhookBody
from .notifier import BlockNotifier
from .process import create_process_router
from .rest import create_router
from .rpc import JsonRpc, RpcError, _error_response

MAX_RPC_BODY: Final = 1024 * 1024
log = logging.getLogger("tiezheng.api")

NOT_FOUND_PAGE: Final = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>未找到 Not found</title>'
    "<h1>未找到 · Not found</h1><p>本节点没有页面 <code>{path}</code>。</p>"
    "<p>This node has no page <code>{path}</code>.</p>"
    '<p><a href="/">存证浏览器首页 · Explorer home</a> · <a href="/verify">存证核验 · Verify a record</a></p></html>'
)
#: Paths of the machine interfaces: a miss there is answered in the API's error shape, whatever the client.
API_PATHS: Final = ("/v1", "/rpc", "/healthz", "/metrics", "/openapi.json", "/docs", "/static/")
INTERNAL_ERROR_PAGE: Final = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>出错 Error</title>'
    "<h1>出错 · Something went wrong</h1><p>节点未能处理此请求，原因已记入节点日志。</p>"
    '<p>The node failed to answer this request; its log says why.</p><p><a href="/">首页 Home</a></p></html>'
)

INVALID_REQUEST: Final = {
    "description": "bad input: the code says what",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}
READ_ONLY: Final = {
    "description": "read-only: this node holds no validator key, so it takes no writes",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}


class Health(BaseModel):
    status: str = Field(description='"ok", or "degraded" while this validator fails to seal blocks')
    chain: str = Field(description="the chain code from the genesis")
    chain_id: int
    height: int = Field(description="height of the last committed block")
    log_size: int = Field(description="records in the evidence log")
    pending_records: int = Field(description="records accepted and waiting for a block")
    validator: bool = Field(description="whether this node seals blocks")
    production_error: str | None = Field(None, description="why the last attempt to seal a block failed")
    alerts_error: str | None = Field(
        None, description="why overdue alerts cannot be raised now (the supervision agency revoked or re-keyed)"
    )
    calendar_warning: str | None = Field(
        None, description="the registered working-day calendar does not cover this year (or, in December, the next)"
    )


class JsonRpcRequest(BaseModel):
    """One JSON-RPC 2.0 call; a batch is an array of these."""

    jsonrpc: str = Field("2.0", examples=["2.0"])
    method: str = Field(examples=["eth_blockNumber"])
    params: list[Any] = Field(default_factory=list)
    id: int | str | None = Field(default=1)


def _wants_a_page(request: Request) -> bool:
    """A browser navigating outside the machine interfaces: it reads a page, not a JSON error."""
    return not request.url.path.startswith(API_PATHS) and "text/html" in request.headers.get("accept", "")


def create_app(node: Node, *, public_url: str | None = None) -> FastAPI:
    """The node's HTTP interface; ``public_url`` (no trailing slash) is the base certificates link to, instead
    of the one each request names in its Host header."""
    queries = QueryCheck(lambda: app.openapi())
    app = FastAPI(
        # /v1/evidence/ is not /v1/evidence: no redirect, whose Location Starlette builds from the Host header a
        # client sent (a page or answer could then point anywhere); a 404 that names the path instead.
        redirect_slashes=False,
        title="Tiezheng node",
        version=__version__,
        # FastAPI's own /docs and /redoc load their scripts from a CDN; this node serves its own (below),
        # so the API docs work on the closed networks courts and agencies use.
        docs_url=None,
        redoc_url=None,
        description="Evidence notarization on a permissioned chain sealed with SM2 over SM3 tree heads. "
        "REST at /v1, Ethereum JSON-RPC at /rpc, Prometheus metrics at /metrics; the explorer at / and the "
        "verification page at /verify.",
        dependencies=[Depends(queries)],
    )
    rpc = JsonRpc(node)
    app.state.rpc = rpc
    notifier = BlockNotifier()
    app.state.notifier = notifier  # stopped by the server when it stops, answering the submissions waiting
    node.add_listener(lambda _block: notifier.notify())
    hub = EventHub()
    app.state.event_hub = hub  # closed by the server when it stops, ending the live streams
    metrics = NodeMetrics(node, hub)
    node.process.on_change = lambda events: [hub.publish(kind, payload) for kind, payload in events]
    routers = [
        create_router(node, notifier, lambda endpoint, n: metrics.accepted.labels(endpoint).inc(n)),
        create_admin_router(node, notifier),
        create_events_router(node, hub),
        create_process_router(node),
        create_explorer_router(node, public_url=public_url),
    ]
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Tiezheng node API",
            swagger_js_url="/static/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        if exc.status < 500:
            metrics.rejected.labels(exc.code).inc()
        log.debug("%s %s refused: %s [%s]", request.method, request.url.path, exc.message, exc.code)
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")) or "request"
        metrics.rejected.labels("invalid-request").inc()
        message = str(first.get("msg")).removeprefix("Value error, ")  # pydantic's prefix on our own checks
        log.debug("%s %s refused: %s: %s [invalid-request]", request.method, request.url.path, where, message)
        return error_response(400, "invalid-request", f"{where}: {message}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and "endpoint" not in request.scope and _wants_a_page(request):
            page = NOT_FOUND_PAGE.format(path=html.escape(request.url.path[:200]))
            return HTMLResponse(page, status_code=404, headers={"Content-Security-Policy": "default-src 'none'"})
        if exc.status_code == 404 and "endpoint" not in request.scope:
            # No route matched: a client pointed at a wrong base URL (…/rpc, …/v1), not a missing record.
            path = request.url.path
            hint = f" (without the trailing slash: {path.rstrip('/')})" if path.endswith("/") and path != "/" else ""
            return error_response(
                404,
                "no-endpoint",
                f"this node has no endpoint {request.method} {path[:200]}{hint[:220]}: "
                "the REST API is under /v1 of the node's base URL, JSON-RPC at /rpc",
            )
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # RFC 9110 §15.5.6: Allow lists the methods the path takes. Starlette's names those of the
            # first route matching the path, where GET and POST of one path are two routes here.
            routes = [*app.router.routes, *(route for router in routers for route in router.routes)]
            # A mount (the static files) names its own methods: kept when no route matches the path.
            headers["Allow"] = ", ".join(allowed_methods(routes, request.scope)) or headers.get("Allow", "")
            message = f"{request.url.path} takes {headers['Allow'] or 'no method'}, not {request.method}"
            if request.url.path == "/" and request.method == "POST":
                # Wallets and toolkits (MetaMask, Hardhat, Foundry) post JSON-RPC to the URL they are given.
                message += ": JSON-RPC is at /rpc of the node's base URL"
            return error_response(405, code, message, headers)
        return error_response(exc.status_code, code, str(exc.detail), headers)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # A bug, not bad input: the client still gets the API's error shape (or a page), never a
        # bare "Internal Server Error"; the traceback goes to the node's log, not to the client.
        log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
        metrics.rejected.labels("internal").inc()
        if request.url.path.startswith(("/v1/", "/rpc", "/healthz", "/metrics")):
            return error_response(500, "internal", "the node failed to answer this request; its log says why")
        return HTMLResponse(INTERNAL_ERROR_PAGE, status_code=500)

    @app.middleware("http")
    async def timing(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        # Nothing the node serves (JSON, receipts, CSV, scripts, styles) is to be read as another type.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        route = request.scope.get("route")
        elapsed = time.perf_counter() - started
        metrics.request_latency.labels(getattr(route, "path", "unmatched")).observe(elapsed)
        # The path only: a query is the caller's business, and the line stays one per request.
        log.debug("%s %s %d %.1f ms", request.method, request.url.path[:200], response.status_code, elapsed * 1000)
        return response

    @app.get(
        "/healthz",
        response_model=Health,
        tags=["node"],
        summary="Liveness and head",
        responses={503: {"model": Health, "description": "degraded: this validator fails to seal blocks"}},
    )
    def healthz() -> Response:
        health = Health(
            status="ok" if node.production_error is None else "degraded",
            production_error=node.production_error,
            alerts_error=node.alerts_error,
            calendar_warning=node.calendar_warning(),
            chain=node.genesis.protocol.chain_code,
            chain_id=node.genesis.chain_id,
            height=node.head.height,
            log_size=node.evidence.log.size,
            pending_records=node.evidence.pending.pending_leaves,
            validator=node.is_validator,
        )
        return JSONResponse(health.model_dump(), status_code=200 if health.production_error is None else 503)

    @app.get(
        "/metrics",
        tags=["node"],
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"content": {"text/plain; version=0.0.4": {}}}},
    )
    def prometheus() -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.post(
        "/rpc",
        tags=["json-rpc"],
        summary="Ethereum JSON-RPC 2.0 (single call or batch)",
        responses={
            200: {"description": "the result or a JSON-RPC error object (a list for a batch)"},
            204: {"description": "notifications only: no response"},
            413: {"description": "body larger than 1 MiB (a JSON-RPC error object)"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/JsonRpcRequest"},
                                {"type": "array", "items": {"$ref": "#/components/schemas/JsonRpcRequest"}},
                            ]
                        }
                    }
                },
            }
        },
    )
    async def json_rpc(request: Request) -> Response:
        try:
            body = await read_limited(request, MAX_RPC_BODY)
        except ApiError as exc:
            return JSONResponse(_error_response(None, RpcError(-32600, exc.message)), status_code=exc.status)
        result = await run_in_threadpool(rpc.handle, body)
        if result is None:
            return Response(status_code=204)
        return JSONResponse(result)

    _complete_openapi(
        app, JsonRpcRequest, SignedStatementBody, BatchBody, AdminTransactionBody, AdminSignature, WebhookBody
    )
    app.add_middleware(HeadAsGet)
    return app


class QueryCheck:
    """Refuses a /v1 query parameter its operation does not take, as the OpenAPI document lists them, or one
    given twice.

    Ignored, a misspelt filter (``?agnecy=``, ``?overdue=true``) would return an unfiltered
    page that reads as a filtered one. The explorer's pages are left lenient: browsers add
    parameters of their own.
    """

    def __init__(self, openapi: Callable[[], dict[str, Any]]) -> None:
        self._openapi = openapi
        self._taken: dict[tuple[str, str], frozenset[str]] = {}

    async def __call__(self, request: Request) -> None:  # async: no threadpool hop on every request
        route = request.scope.get("route")
        path = getattr(route, "path_format", None)
        if path is None or not path.startswith("/v1/"):
            return
        key = (path, request.method.lower())
        if key not in self._taken:
            operation = self._openapi()["paths"].get(path, {}).get(key[1], {})
            self._taken[key] = frozenset(p["name"] for p in operation.get("parameters", ()) if p["in"] == "query")
        taken = self._taken[key]
        unknown = sorted(set(request.query_params) - taken)
        if unknown:
            raise ApiError(
                400,
                "invalid-request",
                f"{unknown[0]}: {request.method} {path} takes no such query parameter "
                f"(it takes {', '.join(sorted(taken)) or 'none'})",
            )
        names = [name for name, _ in request.query_params.multi_items()]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            # Each parameter takes one value: ?kind=a&kind=b would filter by b alone and read as both.
            raise ApiError(400, "invalid-request", f"{repeated[0]}: given more than once; it takes one value")


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """The methods of every route whose path matches the request's (whatever its method), sorted; HEAD
    wherever GET is (HeadAsGet)."""
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods and route.matches(scope)[0] is not Match.NONE:
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


class HeadAsGet:
    """Answers HEAD as GET without the body (RFC 9110 §9.3.2), for every GET route: FastAPI's routes take only
    the methods they name, and load balancers and `curl -I` ask /healthz and the pages with HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        ended = False

        async def headers_only(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body" and not ended:
                ended = True  # a stream (the event stream) ends here for this request: its body is never read
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _complete_openapi(app: FastAPI, *models: type[BaseModel]) -> None:
    """Make the OpenAPI document say what the node does.

    Models referenced only from hand-written request bodies join the components.
    FastAPI documents a 422 with its own error shape on every operation with
    parameters; the node answers invalid requests with a 400 in its one error
    shape instead, so each 422 becomes that 400.
    """
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for path, operations in schema["paths"].items():
                for method, operation in operations.items():
                    responses = operation.setdefault("responses", {})
                    if _is_validation_error(responses.get("422")):  # FastAPI's own; ours are ErrorResponse
                        del responses["422"]
                        responses.setdefault("400", INVALID_REQUEST)
                    if path.startswith("/v1/"):
                        responses.setdefault("400", INVALID_REQUEST)  # QueryCheck: a parameter it does not take
                        if method in ("post", "put", "delete"):
                            responses.setdefault("503", READ_ONLY)
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _is_validation_error(response: dict[str, Any] | None) -> bool:
    """True for the 422 FastAPI documents itself (request validation), which this API answers with a 400."""
    if response is None:
        return False
    schemas = [media.get("schema", {}) for media in response.get("content", {}).values()]
    return any(schema.get("$ref", "").endswith("/HTTPValidationError") for schema in schemas)
