"""The node's LevelDB, through plyvel.

Every committed object of a block — execution state, block, receipts, consensus
header and seals, evidence log nodes and indexes — is written in one LevelDB
write batch, synced to disk before the block counts as committed. A crash
therefore leaves the store at the previous block or the new one, never between.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import plyvel

from . import keys


class StoreError(RuntimeError):
    """The store cannot be opened or does not belong to this node (or, for the command line, an option that the
    node cannot start with); ``code`` names which, for machines."""

    code = "store"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class StoreBroken(StoreError):
    """A write LevelDB itself failed (a full disk, an I/O error): its log may end in a torn record, after which
    any later write could be dropped when the store is next opened. So nothing more is written through this
    handle; a restart reopens the store at its last whole write."""

    code = "store-broken"


class WriteSet:
    """Writes collected for one atomic commit. ``None`` as a value deletes the key."""

    def __init__(self) -> None:
        self.writes: dict[bytes, bytes | None] = {}

    def put(self, key: bytes, value: bytes) -> None:
        self.writes[key] = value

    def delete(self, key: bytes) -> None:
        self.writes[key] = None

    def update(self, writes: Mapping[bytes, bytes | None]) -> None:
        self.writes.update(writes)

    def __len__(self) -> int:
        return len(self.writes)


def _data_files_without_current(path: Path) -> list[str]:
    """LevelDB's data files in ``path`` (tables, write-ahead logs, manifests) when its CURRENT file is gone."""
    try:
        if not path.is_dir() or (path / "CURRENT").exists():
            return []
        names = sorted(p.name for p in path.iterdir())
    except OSError:
        return []  # opening it will say what is wrong
    # Tables and write-ahead logs hold the data; a MANIFEST alone is a creation cut short before
    # CURRENT was written, with nothing in it to lose.
    return [n for n in names if n.endswith((".ldb", ".sst", ".log"))]


class Store:
    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        path = Path(path)
        orphans = _data_files_without_current(path)
        if orphans:
            # LevelDB would create a store here, and its first compaction deletes every file the new
            # MANIFEST does not name: a store missing only CURRENT would lose all its blocks.
            raise StoreError(
                f"the store at {path} holds LevelDB data ({', '.join(orphans[:3])}…) but no CURRENT file, so it "
                "cannot be opened as it is and must not be started anew over it: restore the folder from a backup, "
                f"or rebuild it with LevelDB's repair ({sys.executable} -c "
                f'"import plyvel; plyvel.repair_db({str(path)!r})") '
                "and start the node again"
            )
        try:
            self._db = plyvel.DB(
                str(path),
                create_if_missing=create,
                compression="snappy",
                lru_cache_size=64 * 1024 * 1024,
                write_buffer_size=128 * 1024 * 1024,
                # Most lookups at admission are for statements not logged yet: a bloom filter
                # answers those without reading a block from disk.
                bloom_filter_bits=10,
            )
        except plyvel.IOError as exc:
            if "/LOCK: " in str(exc):  # LevelDB's own lock file: the store is open elsewhere
                raise StoreError(
                    f"cannot open the store at {path}: it is open already, in another process or this one"
                ) from None
            raise StoreError(f"cannot open the store at {path}: {exc}") from None
        except plyvel.Error as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from None
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc.strerror or exc}") from None
        self.path = path
        self._broken: str | None = None
        stored = self._db.get(keys.META_FORMAT)
        if stored is None:
            with self._db.iterator(include_value=False) as existing:
                if next(existing, None) is not None:
                    raise StoreError(f"{path} holds a LevelDB that is not a Tiezheng store")
            self._db.put(keys.META_FORMAT, keys.STORE_FORMAT, sync=True)
        elif stored != keys.STORE_FORMAT:
            raise StoreError(f"{path} is a store of format {stored!r}; this node reads {keys.STORE_FORMAT!r}")

    @property
    def broken(self) -> str | None:
        """Why the store takes no more writes (a write failed), or None while it does."""
        return self._broken

    def get(self, key: bytes) -> bytes | None:
        return self._db.get(key)

    def __contains__(self, key: bytes) -> bool:
        return self._db.get(key) is not None

    def commit(self, writes: WriteSet | Mapping[bytes, bytes | None], *, sync: bool = True) -> None:
        """Apply all writes atomically; with ``sync`` they are on disk when this returns.

        StoreBroken once a write has failed in LevelDB, for this and every later commit: a block committed after
        a torn record could vanish at the next start, and the validator seal another in its place."""
        if self._broken is not None:
            raise StoreBroken(self._broken)
        items = writes.writes if isinstance(writes, WriteSet) else writes
        try:
            self._write(items, sync)
        except plyvel.Error as exc:
            reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            self._broken = (
                f"a write to the store at {self.path} failed ({reason}); nothing more is written until the node is "
                "restarted, which reopens the store at its last whole write"
            )
            raise StoreBroken(self._broken) from None

    def _write(self, items: Mapping[bytes, bytes | None], sync: bool) -> None:
        with self._db.write_batch(transaction=True, sync=sync) as batch:
            # In key order: each insert into LevelDB's memtable (a skip list) then walks
            # nearly the path of the one before, in cache. A block's 10,000 digest-index
            # keys go in 1.3 µs apiece faster; the sort costs 0.3 µs apiece (sorting the
            # keys alone: sorting (key, value) pairs costs four times that).
            for key in sorted(items):
                value = items[key]
                if value is None:
                    batch.delete(key)
                else:
                    batch.put(key, value)

    def scan(self, prefix: bytes, *, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        """Keys and values under ``prefix``, in key order (or reversed)."""
        return self._db.iterator(prefix=prefix, reverse=reverse)

    def keys(self, prefix: bytes) -> Iterator[bytes]:
        """The keys under ``prefix`` in key order, as they were when iteration began
        (a LevelDB iterator reads the snapshot it was opened on)."""
        with self._db.iterator(prefix=prefix, include_value=False) as keys:
            yield from keys

    def scan_range(self, start: bytes, stop: bytes, *, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:
        """Keys in [start, stop), in key order (or reversed)."""
        return self._db.iterator(start=start, stop=stop, reverse=reverse)

    def snapshot(self) -> plyvel.Snapshot:
        return self._db.snapshot()

    def close(self) -> None:
        """Close LevelDB now. Dropping the handle here, not at interpreter exit, matters:
        py-evm's caches keep views of the store alive until then, and plyvel cannot
        finalise a database during interpreter shutdown cleanly."""
        db, self._db = self._db, _ClosedDB(self.path)
        if isinstance(db, plyvel.DB) and not db.closed:
            db.close()

    @property
    def closed(self) -> bool:
        return isinstance(self._db, _ClosedDB)


class _ClosedDB:
    """Stands in for the LevelDB handle after ``close``: any use is a clear error."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def __getattr__(self, name: str) -> object:
        raise StoreError(f"the store at {self._path} is closed")
