"""The node's HTTP application: one port for JSON-RPC, the REST API and health."""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from .. import __version__
from ..node import Node
from .rpc import JsonRpc, RpcError, _error_response

MAX_RPC_BODY: Final = 1024 * 1024


class Health(BaseModel):
    status: str = Field(description='"ok" while the node serves')
    chain: str = Field(description="the chain code from the genesis")
    chain_id: int
    height: int = Field(description="height of the last committed block")
    validator: bool = Field(description="whether this node seals blocks")


class JsonRpcRequest(BaseModel):
    """One JSON-RPC 2.0 call; a batch is an array of these."""

    jsonrpc: str = Field("2.0", examples=["2.0"])
    method: str = Field(examples=["eth_blockNumber"])
    params: list[Any] = Field(default_factory=list)
    id: int | str | None = Field(default=1)


def create_app(node: Node) -> FastAPI:
    app = FastAPI(
        title="Tiezheng node",
        version=__version__,
        description="Evidence notarization on a permissioned chain with SM2/SM3 seals. "
        "Ethereum JSON-RPC at /rpc; REST at /v1.",
    )
    rpc = JsonRpc(node)

    @app.get("/healthz", response_model=Health, tags=["node"], summary="Liveness and head height")
    def healthz() -> Health:
        return Health(
            status="ok",
            chain=node.genesis.protocol.chain_code,
            chain_id=node.genesis.chain_id,
            height=node.head.height,
            validator=node.is_validator,
        )

    @app.post(
        "/rpc",
        tags=["json-rpc"],
        summary="Ethereum JSON-RPC 2.0 (single call or batch)",
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
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_RPC_BODY):
            return JSONResponse(
                _error_response(None, RpcError(-32600, f"request body larger than {MAX_RPC_BODY} bytes")),
                status_code=413,
            )
        body = await request.body()
        if len(body) > MAX_RPC_BODY:
            return JSONResponse(
                _error_response(None, RpcError(-32600, f"request body larger than {MAX_RPC_BODY} bytes")),
                status_code=413,
            )
        result = await run_in_threadpool(rpc.handle, body)
        if result is None:
            return Response(status_code=204)
        return JSONResponse(result)

    # Keep the request model in the OpenAPI document for /rpc's oneOf reference.
    app.openapi_schema = None
    _register_schema(app, JsonRpcRequest)
    return app


def _register_schema(app: FastAPI, model: type[BaseModel]) -> None:
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            schema.setdefault("components", {}).setdefault("schemas", {})[model.__name__] = model.model_json_schema()
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
