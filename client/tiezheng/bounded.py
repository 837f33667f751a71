"""HTTP clients whose answers are bounded: what a node sends back is read up to a size, never without end.

The SDK and the command line talk to whatever URL they are given. A server that is no
Tiezheng node (or a hostile one) could answer with an endless body, and reading it
whole would take all the memory there is. Every answer here is read through a stream
that stops at ``MAX_ANSWER_BYTES``: far above any answer of the API (a receipt is at
most 128 KiB, a page of records or a batch's 10,000 IDs a few hundred KiB), so only
something that is not the API's answer reaches it. Answers are asked for uncompressed,
and a compressed one is refused: a small compressed body can inflate past any bound.
The event stream (``text/event-stream``), endless by design, is exempt; its reader
takes it an event at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Final

import httpx

from .responses import BadResponseError

MAX_ANSWER_BYTES: Final = 32 * 1024 * 1024
EVENT_STREAM: Final = "text/event-stream"
#: Sent with every request: the answer is bounded as sent, not after it was inflated.
HEADERS: Final = {"accept-encoding": "identity"}


class AnswerTooLarge(BadResponseError):
    """The answer's body ran past MAX_ANSWER_BYTES: not an answer of the API."""


def _checked(response: httpx.Response, request: httpx.Request) -> bool:
    """Whether the answer is bounded here (all but the event stream); refuses a compressed one (whose
    stream the caller then closes)."""
    if response.headers.get("content-type", "").startswith(EVENT_STREAM):
        return False
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise BadResponseError(
            f"the answer is compressed ({encoding[:40]}), which this client did not ask for",
            request=f"{request.method} {request.url.copy_with(query=None)}",
        )
    return True


def _too_large(request: httpx.Request) -> AnswerTooLarge:
    return AnswerTooLarge(
        f"the answer is larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MiB, as no answer of the API is",
        request=f"{request.method} {request.url.copy_with(query=None)}",
    )


class _BoundedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, request: httpx.Request) -> None:
        self._inner, self._request = inner, request

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self._inner:
            seen += len(chunk)
            if seen > MAX_ANSWER_BYTES:
                raise _too_large(self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncBoundedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request) -> None:
        self._inner, self._request = inner, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > MAX_ANSWER_BYTES:
                raise _too_large(self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class BoundedTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        try:
            bounded = _checked(response, request)
        except BadResponseError:
            response.close()
            raise
        if not bounded:
            return response
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_BoundedStream(response.stream, request),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()


class AsyncBoundedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        try:
            bounded = _checked(response, request)
        except BadResponseError:
            await response.aclose()
            raise
        if not bounded:
            return response
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_AsyncBoundedStream(response.stream, request),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def node_client(url: str, timeout: float | httpx.Timeout) -> httpx.Client:
    """A client for the node at ``url`` whose answers are bounded."""
    return httpx.Client(base_url=url.rstrip("/"), timeout=timeout, headers=HEADERS, transport=BoundedTransport())


def async_node_client(url: str, timeout: float | httpx.Timeout) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url.rstrip("/"), timeout=timeout, headers=HEADERS, transport=AsyncBoundedTransport()
    )
