"""The node's answers, read strictly: its refusals as ``ApiError``, anything else off the API as ``BadResponseError``.

A proxy's HTML error page sent with status 200, a body cut short, a field missing
or of another type, another server listening on the node's port: the SDK and the
command line report each as one ``bad-response`` error that names the request,
says what was wrong and quotes the start of the answer, never as a KeyError or a
JSON traceback. ``read`` decodes an answer and hands it to a parser written with
``JsonObject``, whose accessors check each field's type as they take it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Final, TypeVar

import httpx

from .errors import DecodeError, TiezhengError
from .jsondoc import check_nesting

#: How much of an answer an error quotes.
MAX_EXCERPT: Final = 200
T = TypeVar("T")


class ApiError(TiezhengError):
    """The node refused a request; ``code`` is the node's machine-readable reason, ``status`` the HTTP status."""

    code = "api-error"

    def __init__(self, message: str, *, code: str, status: int) -> None:
        super().__init__(message, code=code)
        self.status = status


class NodeUnreachable(TiezhengError):
    """No answer from the node: refused, timed out or cut off, after the client's retries.

    ``submitted``: the request that got no answer was a submission, which may still have been accepted:
    ``find_by_digest`` tells, and anchoring the same statement again (the same ``time_ms``) is idempotent.
    ``accepted``: what the call had been told was accepted before the node went (``anchor_many`` waiting
    for its records to be proven): their IDs, not to be anchored again."""

    code = "unreachable"

    def __init__(self, message: str, *, submitted: bool = False, accepted: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.submitted = submitted
        self.accepted = tuple(accepted)


class StreamEnded(TiezhengError):
    """The node's event stream ended (the node stopped or restarted) or went silent past its keepalives."""

    code = "stream-ended"


class BadResponseError(DecodeError):
    """The node's answer is not what the API promises: not JSON, or JSON of another shape.

    ``problem`` says what was wrong, ``request`` names the request ("GET http://…/v1/…") once known,
    and ``excerpt`` is the start of the answer (at most MAX_EXCERPT characters).
    """

    code = "bad-response"

    def __init__(self, problem: str, *, request: str | None = None, body: str | bytes | None = None) -> None:
        self.problem = problem
        self.request = request
        self.excerpt = _excerpt(body) if body else None
        message = f"the node's answer is not what the API promises: {problem}"
        if request is not None:
            message = f"{request}: {message}"
        if self.excerpt is not None:
            message += f" (the answer begins {self.excerpt!r})"
        super().__init__(message)

    def about(self, request: str, body: str | bytes | None) -> BadResponseError:
        """The same problem, naming the request that got the answer and quoting it."""
        return BadResponseError(self.problem, request=request, body=body)


def request_name(response: httpx.Response) -> str:
    """``METHOD URL`` of the request a response answers (without its query)."""
    request = response.request
    return f"{request.method} {request.url.copy_with(query=None)}"


def check(response: httpx.Response) -> None:
    """Raise ApiError if the node refused the request (status 400 or more), with its code and message if given."""
    if response.status_code < 400:
        return
    code, message = "http-error", f"HTTP {response.status_code}"
    try:
        error = JsonObject(decode_json(response.content), "answer").object("error")
        code, message = error.text("code"), error.text("message")
    except BadResponseError:
        text = _answer_text(response)
        if text:
            message += f": {_excerpt(text)!r}"
    raise ApiError(" ".join(message.splitlines()), code=code, status=response.status_code)


def read(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """Check the status, decode the JSON answer and parse it; BadResponseError naming the request if it does not fit.

    ``parse`` reports a misfit by raising BadResponseError (as ``JsonObject`` does) or any DecodeError
    (a receipt or genesis inside the answer that does not decode).
    """
    check(response)
    try:
        return parse(decode_json(response.content))
    except BadResponseError as exc:
        raise exc.about(request_name(response), _answer_text(response)) from None
    except DecodeError as exc:
        raise BadResponseError(exc.message, request=request_name(response), body=_answer_text(response)) from None


def decode_json(data: bytes | str) -> Any:
    """JSON text as the node sends it (floats allowed), its nesting bounded before parsing."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadResponseError("it is not UTF-8 text") from None
    check_nesting(data, "the answer", BadResponseError)
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # ValueError: JSONDecodeError, or an integer of 4,300+ digits
        raise BadResponseError(f"it is not JSON ({_excerpt(str(exc))})") from None


class JsonObject:
    """A JSON object from an answer, read field by field: a field missing or of another type is a BadResponseError.

    ``where`` names the object in messages ("record", "record.statement", "items[2]"). Fields the
    reader is not asked for are ignored, so a newer node may add fields. ``optional_…`` accessors
    take a missing field and null alike as None.
    """

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, Mapping):
            raise BadResponseError(f"{where} is {kind_of(value)}, not an object")
        self.value: Mapping[str, Any] = value
        self.where = where

    def __contains__(self, name: str) -> bool:
        return name in self.value

    def _field(self, name: str, expected: type, description: str, *, optional: bool = False) -> Any:
        if self.value.get(name) is None:
            if optional:
                return None
            if name not in self.value:
                raise BadResponseError(f"{self.where}.{name} is missing")
        value = self.value[name]
        if type(value) is not expected and not (expected is Mapping and isinstance(value, Mapping)):
            raise BadResponseError(f"{self.where}.{name} is {kind_of(value)}, not {description}")
        return value

    def text(self, name: str, *, one_of: Collection[str] | None = None) -> str:
        value: str = self._field(name, str, "text")
        if one_of is not None and value not in one_of:
            raise BadResponseError(f"{self.where}.{name} is not one of {', '.join(sorted(one_of))}")
        return value

    def optional_text(self, name: str) -> str | None:
        value: str | None = self._field(name, str, "text", optional=True)
        return value

    def integer(self, name: str) -> int:
        value: int = self._field(name, int, "an integer")
        return value

    def optional_integer(self, name: str) -> int | None:
        value: int | None = self._field(name, int, "an integer", optional=True)
        return value

    def boolean(self, name: str) -> bool:
        value: bool = self._field(name, bool, "true or false")
        return value

    def hex(self, name: str, *, size: int | None = None) -> bytes:
        return self._hex(name, self.text(name), size)

    def hex_list(self, name: str, *, size: int) -> list[bytes]:
        return [self._hex(f"{name}[{i}]", text, size) for i, text in enumerate(self.texts(name))]

    def optional_hex(self, name: str, *, size: int | None = None) -> bytes | None:
        text = self.optional_text(name)
        return None if text is None else self._hex(name, text, size)

    def _hex(self, name: str, text: str, size: int | None) -> bytes:
        try:
            value = bytes.fromhex(text)
        except ValueError:
            raise BadResponseError(f"{self.where}.{name} is not hex") from None
        if size is not None and len(value) != size:
            raise BadResponseError(f"{self.where}.{name} is {len(value)} bytes, not {size}")
        return value

    def base64(self, name: str) -> bytes:
        value = self.optional_base64(name)
        if value is None:
            raise BadResponseError(f"{self.where}.{name} is missing")
        return value

    def optional_base64(self, name: str) -> bytes | None:
        text = self.optional_text(name)
        if text is None:
            return None
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise BadResponseError(f"{self.where}.{name} is not base64") from None

    def object(self, name: str) -> JsonObject:
        return JsonObject(self._field(name, Mapping, "an object"), f"{self.where}.{name}")

    def optional_object(self, name: str) -> JsonObject | None:
        value = self._field(name, Mapping, "an object", optional=True)
        return None if value is None else JsonObject(value, f"{self.where}.{name}")

    def array(self, name: str, *, optional: bool = False) -> list[Any]:
        """An array; with ``optional``, a missing field or null is an empty one."""
        value: list[Any] | None = self._field(name, list, "an array", optional=optional)
        return [] if value is None else value

    def objects(self, name: str, *, optional: bool = False) -> list[JsonObject]:
        return objects_in(self.array(name, optional=optional), f"{self.where}.{name}")

    def texts(self, name: str) -> list[str]:
        return self._items(name, str, "text")

    def integers(self, name: str) -> list[int]:
        return self._items(name, int, "an integer")

    def booleans(self, name: str) -> list[bool]:
        return self._items(name, bool, "true or false")

    def _items(self, name: str, expected: type[T], description: str) -> list[T]:
        values = self.array(name)
        for position, value in enumerate(values):
            if type(value) is not expected:
                raise BadResponseError(f"{self.where}.{name}[{position}] is {kind_of(value)}, not {description}")
        return values


def objects_in(value: Any, where: str) -> list[JsonObject]:
    """An array of objects (an answer that is a list, or a field that holds one)."""
    if type(value) is not list:
        raise BadResponseError(f"{where} is {kind_of(value)}, not an array")
    return [JsonObject(item, f"{where}[{position}]") for position, item in enumerate(value)]


def kind_of(value: Any) -> str:
    """What a JSON value is, for messages (never the value itself: it may be long, or span lines)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a fractional number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _answer_text(response: httpx.Response) -> str | None:
    """The answer as text, if it has been read (a streamed answer has not)."""
    try:
        return response.text
    except httpx.ResponseNotRead:
        return None


def _excerpt(body: str | bytes) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return text[:MAX_EXCERPT]
