"""The record of used admin lines: one use per signer and line, held while its action runs, pruned, on disk."""

from __future__ import annotations

import threading

from tiezheng_node.process.admin_lines import UsedAdminLines, used_line_key
from tiezheng_node.store import Store
from tiezheng_node.store.keys import ADMIN_LINE

NOW = 1_800_000_000_000
LINE = f"tiezheng DEV ack 7301-1-abc {NOW}"
ADMIN = "0x00000000000000000000000000000000000000Aa"


def use(lines: UsedAdminLines, store: Store, signed: int, signer: str, line: str, *, forget_before_ms: int = 0) -> bool:
    """Claim a line and write its action (here: nothing but the claim's own writes), as the API does."""
    claim = lines.claim(signed, signer, line, forget_before_ms=forget_before_ms)
    if claim is None:
        return False
    try:
        store.commit(claim.writes)
    finally:
        claim.release()
    return True


def test_a_line_is_used_once_per_signer(tmp_path):
    store = Store(tmp_path / "db")
    lines = UsedAdminLines(store)
    assert use(lines, store, NOW, ADMIN, LINE)
    assert not use(lines, store, NOW, ADMIN, LINE)
    assert not use(lines, store, NOW, ADMIN.lower(), LINE)  # the same address, however written
    assert use(lines, store, NOW, "0x" + "bb" * 20, LINE)  # another admin's own line
    assert use(lines, store, NOW, ADMIN, LINE + "0")


def test_a_line_whose_action_was_never_written_can_be_sent_again(tmp_path):
    lines = UsedAdminLines(Store(tmp_path / "db"))
    claim = lines.claim(NOW, ADMIN, LINE, forget_before_ms=0)
    assert claim is not None
    assert lines.claim(NOW, ADMIN, LINE, forget_before_ms=0) is None  # held while its action runs
    claim.release()  # the action failed: nothing written
    assert lines.claim(NOW, ADMIN, LINE, forget_before_ms=0) is not None


def test_the_record_survives_reopening_the_store(tmp_path):
    store = Store(tmp_path / "db")
    assert use(UsedAdminLines(store), store, NOW, ADMIN, LINE)
    store.close()
    reopened = Store(tmp_path / "db")
    assert not use(UsedAdminLines(reopened), reopened, NOW, ADMIN, LINE)


def test_lines_signed_before_the_bound_are_dropped_and_later_ones_kept(tmp_path):
    store = Store(tmp_path / "db")
    lines = UsedAdminLines(store)
    for signed in (NOW - 3, NOW - 2, NOW - 1):
        assert use(lines, store, signed, ADMIN, f"line {signed}")
    assert use(lines, store, NOW, ADMIN, LINE, forget_before_ms=NOW - 1)
    with store.scan_range(ADMIN_LINE, ADMIN_LINE + b"\xff") as rows:
        kept = [key for key, _ in rows]
    assert kept == [used_line_key(NOW - 1, ADMIN, f"line {NOW - 1}"), used_line_key(NOW, ADMIN, LINE)]


def test_concurrent_uses_of_one_line_let_exactly_one_through(tmp_path):
    store = Store(tmp_path / "db")
    lines = UsedAdminLines(store)
    results: list[bool] = []
    start = threading.Barrier(8)

    def claim() -> None:
        start.wait()
        results.append(use(lines, store, NOW, ADMIN, LINE))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_keys_order_by_signed_time():
    assert used_line_key(NOW, ADMIN, LINE) < used_line_key(NOW + 1)
    assert used_line_key(NOW) < used_line_key(NOW, ADMIN, LINE)
    assert used_line_key(NOW, ADMIN, LINE)[:9] == ADMIN_LINE + NOW.to_bytes(8, "big")
