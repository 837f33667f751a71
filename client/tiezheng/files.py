"""Writing files whole: a crash, a full disk or a signal leaves the old file (or none), never a part.

Keystores, receipts and certificates are evidence: a half-written one is worse than none,
and a stub left behind by a failed write would block the retry (a keystore is never
overwritten).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO


def open_regular(path: str | Path, *, buffering: int = -1) -> BinaryIO:
    """Open a regular file to read; OSError for anything else, before a byte is read.

    A named pipe would block the open until some writer came, and a device may never
    end: given where a file is expected, either would hang the command. The open does
    not wait (O_NONBLOCK), and what it opened is checked before it is read.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb", buffering=buffering)
    except BaseException:
        os.close(descriptor)
        raise


def write_new(path: str | Path, data: bytes, *, mode: int) -> None:
    """Create ``path`` holding ``data``; FileExistsError if it exists, and then nothing is written.

    Written to a temporary file beside it, synced, then linked into place: the link is what
    refuses an existing file, and it appears whole or not at all.
    """
    target = Path(path)
    temporary = _written_beside(target, data, mode)
    try:
        os.link(temporary, target)
    finally:
        os.unlink(temporary)
    _sync_folder(target)


def replace(path: str | Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``path`` whole, replacing what is there (a symbolic link there is replaced, not followed)."""
    target = Path(path)
    temporary = _written_beside(target, data, mode)
    try:
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    _sync_folder(target)


def _written_beside(target: Path, data: bytes, mode: int) -> str:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def _sync_folder(target: Path) -> None:
    """Make the new name itself durable (the file's bytes are already)."""
    try:
        descriptor = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return  # a folder not open for reading: the file is whole, its name as durable as the OS makes it
    try:
        with contextlib.suppress(OSError):  # some file systems cannot sync a folder
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
