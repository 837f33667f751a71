"""A write that fails inside LevelDB stops the store's writes until it is reopened.

The failure is real: the process writing is held to a file size limit (RLIMIT_FSIZE, as
a full disk would), so LevelDB's own append to its log fails part way through a record.
LevelDB would take later writes after that torn record, and drop them when the store
is next opened: a block reported committed would vanish, and a validator seal
another at its height.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tiezheng_node.store import Store

WRITER = textwrap.dedent(
    """
    import resource, signal, sys
    from tiezheng_node.store import Store, StoreBroken

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing the process
    store = Store(sys.argv[1])
    store.commit({b"Xbefore": b"whole"})
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, hard))
    try:
        store.commit({b"Xbig%04d" % i: b"v" * 1024 for i in range(2000)})
        print("big: written")
    except StoreBroken as exc:
        print("big: refused", exc.code)
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # room again, as after a disk is cleared
    try:
        store.commit({b"Xafter": b"1"})
        print("after: written")
    except StoreBroken as exc:
        print("after: refused", exc.code)
    """
)


def test_after_a_failed_write_nothing_more_is_written_and_a_reopened_store_holds_every_whole_write(tmp_path):
    path = tmp_path / "chain"
    ran = subprocess.run([sys.executable, "-c", WRITER, str(path)], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == ["big: refused store-broken", "after: refused store-broken"]
    store = Store(path)
    try:
        assert store.get(b"Xbefore") == b"whole"
        assert store.get(b"Xbig0000") is None and store.get(b"Xafter") is None
        store.commit({b"Xreopened": b"1"})  # a reopened store writes again
        assert store.get(b"Xreopened") == b"1"
    finally:
        store.close()
