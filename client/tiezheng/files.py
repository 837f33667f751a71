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
from typing import BinaryIO, Final


def open_regular(path: str | Path, *, buffering: int = -1) -> BinaryIO:
    """Open a file to read: a regular file, or a pipe (``<(gpg -d key)``, ``/dev/stdin`` fed by a pipe).

    A device (``/dev/zero``, ``/dev/urandom``) would never end, and a socket is no file:
    both are refused, as a directory is, before a byte is read. A named pipe is read as
    its writer writes, as ``cat`` reads one.
    """
    require_readable_kind(path)
    return open(path, "rb", buffering=buffering)


def require_readable_kind(path: str | os.PathLike[str]) -> None:
    """OSError unless ``path`` is a regular file or a pipe (what open_regular reads), found without opening it."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise OSError(errno.EINVAL, "not a regular file or a pipe", str(path))


#: What link(2) answers on a file system without hard links.
NO_HARD_LINKS: Final = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS})


def write_new(path: str | Path, data: bytes, *, mode: int) -> None:
    """Create ``path`` holding ``data``; FileExistsError if it exists, and then nothing is written.

    Written to a temporary file beside it, synced, then linked into place: the link is what
    refuses an existing file, and it appears whole or not at all.
    """
    target = Path(path)
    temporary = _written_beside(target, data, mode)
    try:
        try:
            os.link(temporary, target)
        except OSError as exc:
            if exc.errno not in NO_HARD_LINKS:
                raise
            # FAT and exFAT (a USB stick), some network shares: the name is claimed by an exclusive create,
            # then the whole file moved over it. A crash between the two leaves an empty file there.
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
            os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):  # moved into place
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
