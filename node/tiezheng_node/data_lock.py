"""One node process per data directory: an advisory lock on the directory itself.

LevelDB locks its own files, but a dev node writes its genesis and keys before it
opens the store: two ``tiezheng-node dev`` starts on one empty directory would both
write keys and a genesis, and one of them would then serve with the other's. The
node's command line therefore takes this lock before it reads or writes anything
in the directory, and holds it until the process ends.

The lock is ``flock`` on a descriptor of the directory: it adds no file (a new dev
directory must be empty), and the kernel releases it when the process ends, however
it ends, so no stale lock survives a kill -9 or a power loss. The admission workers
do not inherit it (subprocesses close inherited descriptors).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from .store import StoreError


class DataDirectoryInUse(StoreError):
    """Another process holds the data directory."""

    code = "data-in-use"


class DataDirectoryLock:
    """The held lock; released by :meth:`release`, on leaving a ``with`` block, or when the process ends."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor: int | None = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the only descriptor drops the flock
            self._descriptor = None

    def __enter__(self) -> DataDirectoryLock:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.release()


def lock_data_directory(path: Path, *, create: bool) -> DataDirectoryLock:
    """Lock ``path`` (made first if ``create``) for this process, or say that it is in use."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a data directory")
    if create:
        path.mkdir(parents=True, exist_ok=True)
    elif not path.is_dir():
        raise StoreError(f"{path} does not exist")
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise DataDirectoryInUse(
            f"{path} is in use by another tiezheng-node process: stop that node first, or give another --data directory"
        ) from None
    except BaseException:
        os.close(descriptor)
        raise
    return DataDirectoryLock(path, descriptor)
