"""One process per data directory: the directory lock, and the store's own lock named plainly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tiezheng_node.data_lock import DataDirectoryInUse, lock_data_directory
from tiezheng_node.execution.addresses import AGENCY_REGISTRY
from tiezheng_node.store import Store, StoreError

HOLD = """
import sys, time
from pathlib import Path
from tiezheng_node.data_lock import lock_data_directory
lock = lock_data_directory(Path(sys.argv[1]), create=False)
print("held", flush=True)
time.sleep(600)
"""


def test_a_held_directory_cannot_be_locked_again_until_released(tmp_path):
    first = lock_data_directory(tmp_path / "data", create=True)
    with pytest.raises(DataDirectoryInUse, match="in use by another tiezheng-node process"):
        lock_data_directory(tmp_path / "data", create=True)
    first.release()
    with lock_data_directory(tmp_path / "data", create=False):
        pass
    lock_data_directory(tmp_path / "data", create=False).release()


def test_the_lock_adds_nothing_to_the_directory(tmp_path):
    with lock_data_directory(tmp_path / "new" / "data", create=True):
        assert list((tmp_path / "new" / "data").iterdir()) == []


def test_a_process_killed_holding_the_lock_leaves_none_behind(tmp_path):
    (tmp_path / "data").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "data")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(DataDirectoryInUse):
            lock_data_directory(tmp_path / "data", create=False)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    lock_data_directory(tmp_path / "data", create=False).release()


def test_what_is_not_a_directory_is_named(tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    with pytest.raises(StoreError, match="a-file is a file, not a data directory"):
        lock_data_directory(tmp_path / "a-file", create=True)
    with pytest.raises(StoreError, match="absent does not exist"):
        lock_data_directory(tmp_path / "absent", create=False)
    assert not (tmp_path / "absent").exists()


def test_a_store_open_elsewhere_is_named_as_such(tmp_path):
    store = Store(tmp_path / "chain")
    try:
        with pytest.raises(StoreError, match="it is open already"):
            Store(tmp_path / "chain")
    finally:
        store.close()


def test_a_store_that_lost_its_current_file_is_refused_untouched_and_repairs(tmp_path):
    """LevelDB asked to create a store over one missing CURRENT would delete its tables: never start so."""
    import plyvel

    from tests.support.nodekit import LocalChain
    from tiezheng_node.node import Node

    chain = LocalChain(tmp_path / "node")
    for _ in range(3):
        chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "isAdmin", chain.admin.address)
    height = chain.node.head.height
    chain.close()
    folder = tmp_path / "node" / "chain"
    (folder / "CURRENT").unlink()
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(StoreError, match=r"no CURRENT file.*repair_db"):
        Store(folder)
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing created, nothing deleted
    plyvel.repair_db(str(folder))
    repaired = Node(tmp_path / "node", chain.genesis, chain.validator_key, **chain.node_options)
    try:
        assert repaired.head.height == height and height >= 3
    finally:
        repaired.close()


def test_a_new_store_is_created_in_an_empty_or_missing_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing"):
        Store(folder).close()
        assert (folder / "CURRENT").exists()


def test_a_creation_cut_short_before_current_was_written_is_created_again(tmp_path):
    """LevelDB writes MANIFEST-000001, then CURRENT: a crash between leaves no data, and nothing to refuse."""
    folder = tmp_path / "chain"
    folder.mkdir()
    (folder / "MANIFEST-000001").write_bytes(b"\x00" * 16)
    (folder / "LOCK").touch()
    Store(folder).close()
    assert (folder / "CURRENT").exists()
