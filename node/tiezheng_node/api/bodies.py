"""Request bodies: read within a size limit, then parsed as JSON or CBOR into one pydantic model.

Every endpoint that takes a body reads it through here, so the same limits hold
everywhere: a body over its limit is refused as it streams in (413), never read
whole first. JSON goes through pydantic's parser first, whose nesting limit (200
levels) is what protects the process: the standard library's parser recurses in
C as deep as the interpreter's recursion limit allows, and py-evm's curve
library raises that limit to 100,000 at import, deep enough for a 200 KB body
of brackets to overflow the C stack and kill the node. Only a body pydantic
took (and the endpoint's own cheap checks passed) is then read strictly
(``tiezheng.jsondoc.load_json``: nesting counted before parsing, at most 64
levels; no key twice, no floats, no lone surrogates), so that JSON and CBOR
bodies are refused alike and the strict reading's cost is never spent on a
body refused anyway.

CBOR bodies carry the same map as the JSON (text keys, the same values), decoded
strictly (canonical, no tags, no floats) and validated by the same model.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final, Literal, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect

from tiezheng import cbor
from tiezheng.errors import DecodeError
from tiezheng.jsondoc import load_json

from .errors import ApiError

#: Bodies of the small administrative requests (a signed transaction, a webhook, a signature).
MAX_FORM_BODY: Final = 64 * 1024

MediaType = Literal["application/cbor", "application/json"]
Model = TypeVar("Model", bound=BaseModel)


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to pass ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and not (declared.isascii() and declared.isdigit()):
        raise ApiError(400, "invalid-request", "Content-Length must be a number of bytes")
    if declared is not None and int(declared) > limit:
        raise ApiError(413, "too-large", f"the body is larger than {limit:,} bytes")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise ApiError(413, "too-large", f"the body is larger than {limit:,} bytes")
    except ClientDisconnect:
        # The client's doing, not the node's fault: no answer reaches it, and the log need not say "failed".
        raise ApiError(400, "client-disconnected", "the client went away before its body was sent") from None
    return bytes(body)


async def read_body(request: Request, limit: int) -> tuple[MediaType, bytes]:
    """The body and its media type; 413 past ``limit`` bytes, 415 unless CBOR or JSON."""
    body = await read_limited(request, limit)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/cbor":
        return "application/cbor", body
    if content_type == "application/json":
        return "application/json", body
    raise ApiError(415, "unsupported-media-type", "send application/cbor or application/json")


def parse_json(body: bytes, model: type[Model], check: Callable[[Model], None] | None = None) -> Model:
    """The body as ``model``; ``check`` (raising ApiError) runs before the strict reading, which costs more."""
    try:
        parsed = model.model_validate_json(body)
    except ValidationError as exc:
        raise _invalid(exc) from None
    if check is not None:
        check(parsed)
    try:
        # A key twice: pydantic took its last value, where the same map in CBOR is refused.
        load_json(body, "body")
    except DecodeError as exc:
        raise ApiError(400, "invalid-request", exc.message) from None
    return parsed


def parse_cbor(body: bytes, model: type[Model], limit: int) -> Model:
    try:
        value = cbor.decode(body, max_size=limit, what="the body")
    except DecodeError as exc:
        raise ApiError(400, exc.code, exc.message) from None
    if not isinstance(value, dict):
        raise ApiError(400, "invalid-request", "body: the CBOR body must be a map")
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _invalid(exc: ValidationError) -> ApiError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return ApiError(400, "invalid-request", f"{where}: {first['msg'].removeprefix('Value error, ')}")


def model_body(model: type[Model], limit: int = MAX_FORM_BODY) -> Callable[[Request], Awaitable[Model]]:
    """A dependency giving the request's body as ``model``, from JSON or CBOR (document it with ``body_openapi``)."""

    async def body(request: Request) -> Model:
        media_type, data = await read_body(request, limit)
        return parse_cbor(data, model, limit) if media_type == "application/cbor" else parse_json(data, model)

    return body


def body_openapi(model: type[BaseModel], cbor_description: str | None = None) -> dict[str, Any]:
    """The ``requestBody`` of an operation whose body is ``model`` as JSON, or CBOR (the same map unless described)."""
    reference = {"$ref": f"#/components/schemas/{model.__name__}"}
    as_cbor = (
        {"type": "string", "format": "binary", "description": cbor_description}
        if cbor_description is not None
        else {**reference, "description": "the same map, in deterministic CBOR"}
    )
    return {
        "requestBody": {
            "required": True,
            "content": {"application/cbor": {"schema": as_cbor}, "application/json": {"schema": reference}},
        }
    }
