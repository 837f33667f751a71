"""SM3 (GB/T 32905-2016): one-shot, incremental, and streamed from files in constant memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final, Protocol

from ..files import open_regular
from .backend import GMBackend, SM3Hasher, get_backend

DIGEST_SIZE: Final = 32
#: Read size for files: large enough to amortise the call overhead, small enough to stay in cache.
CHUNK_SIZE: Final = 1 << 20


def sm3(data: bytes, *, backend: GMBackend | None = None) -> bytes:
    """The 32-byte SM3 digest of ``data``."""
    return (backend or get_backend()).sm3(data)


def sm3_hasher(*, backend: GMBackend | None = None) -> SM3Hasher:
    """A fresh incremental hasher with ``update``/``digest``/``copy``, like ``hashlib``."""
    return (backend or get_backend()).sm3_hasher()


class ReadableInto(Protocol):
    def readinto(self, buffer: memoryview, /) -> int | None: ...


def sm3_stream(stream: ReadableInto, *, backend: GMBackend | None = None) -> bytes:
    """SM3 of everything left in a binary stream, read in fixed-size chunks."""
    hasher = sm3_hasher(backend=backend)
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    while size := stream.readinto(view):
        hasher.update(view[:size])
    return hasher.digest()


def file_chunks(path: str | Path) -> Iterator[bytes]:
    """A file's contents in chunks of CHUNK_SIZE bytes (to sign or verify it in constant memory)."""
    with open_regular(path) as stream:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk


def sm3_file(path: str | Path, *, backend: GMBackend | None = None) -> bytes:
    """SM3 of a file's contents, in constant memory whatever its size."""
    with open_regular(path, buffering=0) as stream:
        return sm3_stream(stream, backend=backend)
