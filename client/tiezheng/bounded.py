"""HTTP clients whose answers are bounded: what a node sends back is read up to a size, never without end.

The SDK and the command line talk to whatever URL they are given. A server that is no
Tiezheng node (or a hostile one) could answer with an endless body, and reading it
whole would take all the memory there is. Every answer here is read through a stream
that stops at ``MAX_ANSWER_BYTES``: far above any answer of the API (a receipt is at
most 128 KiB, a page of records or a batch's 10,000 IDs a few hundred KiB), so only
something that is not the API's answer reaches it. Answers are asked for uncompressed,
and a compressed one is refused: a small compressed body can inflate past any bound.

Only a request that asked for the event stream (``Accept: text/event-stream``), endless
by design, is read without the bound; its reader takes it an event at a time. The
request decides, not the answer: a server cannot lift the bound by how it labels a body.

The bound is put on each answer by a response hook, which runs before the body is read,
rather than by a transport of our own: the client keeps httpx's own transports, and so
the proxies the environment names (HTTPS_PROXY, NO_PROXY).
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


def _name(request: httpx.Request) -> str:
    return f"{request.method} {request.url.copy_with(query=None)}"


def _bounded(response: httpx.Response) -> bool:
    """Whether this answer is read within the bound (all but an event stream asked for); refuses a compressed one."""
    request = response.request
    if request.headers.get("accept", "").strip().startswith(EVENT_STREAM):
        return False
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise BadResponseError(
            f"the answer is compressed ({encoding[:40]}), which this client did not ask for", request=_name(request)
        )
    return True


def _too_large(request: httpx.Request) -> AnswerTooLarge:
    return AnswerTooLarge(
        f"the answer is larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MiB, as no answer of the API is",
        request=_name(request),
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


def bound_answer(response: httpx.Response) -> None:
    """Response hook: the body, not read yet, is read through the bound from here on."""
    if _bounded(response):
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _BoundedStream(response.stream, response.request)


async def bound_async_answer(response: httpx.Response) -> None:
    if _bounded(response):
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _AsyncBoundedStream(response.stream, response.request)


def node_client(url: str, timeout: float | httpx.Timeout) -> httpx.Client:
    """A client for the node at ``url`` whose answers are bounded."""
    return httpx.Client(
        base_url=url.rstrip("/"), timeout=timeout, headers=HEADERS, event_hooks={"response": [bound_answer]}
    )


def async_node_client(url: str, timeout: float | httpx.Timeout) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url.rstrip("/"), timeout=timeout, headers=HEADERS, event_hooks={"response": [bound_async_answer]}
    )
