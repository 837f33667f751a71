"""The record of used admin lines: one claim per signer and line, pruned by signed time, on disk."""

from __future__ import annotations

import threading

from tiezheng_node.process.admin_lines import UsedAdminLines, used_line_key
from tiezheng_node.store import Store
from tiezheng_node.store.keys import ADMIN_LINE

NOW = 1_800_000_000_000
LINE = f"tiezheng DEV ack 7301-1-abc {NOW}"
ADMIN = "0x00000000000000000000000000000000000000Aa"


def test_a_line_is_claimed_once_per_signer(tmp_path):
    lines = UsedAdminLines(Store(tmp_path / "db"))
    assert lines.claim(NOW, ADMIN, LINE, forget_before_ms=0)
    assert not lines.claim(NOW, ADMIN, LINE, forget_before_ms=0)
    assert not lines.claim(NOW, ADMIN.lower(), LINE, forget_before_ms=0)  # the same address, however written
    assert lines.claim(NOW, "0x" + "bb" * 20, LINE, forget_before_ms=0)  # another admin's own line
    assert lines.claim(NOW, ADMIN, LINE + "0", forget_before_ms=0)


def test_the_record_survives_reopening_the_store(tmp_path):
    store = Store(tmp_path / "db")
    assert UsedAdminLines(store).claim(NOW, ADMIN, LINE, forget_before_ms=0)
    store.close()
    assert not UsedAdminLines(Store(tmp_path / "db")).claim(NOW, ADMIN, LINE, forget_before_ms=0)


def test_lines_signed_before_the_bound_are_dropped_and_later_ones_kept(tmp_path):
    store = Store(tmp_path / "db")
    lines = UsedAdminLines(store)
    for signed in (NOW - 3, NOW - 2, NOW - 1):
        assert lines.claim(signed, ADMIN, f"line {signed}", forget_before_ms=0)
    assert lines.claim(NOW, ADMIN, LINE, forget_before_ms=NOW - 1)
    with store.scan_range(ADMIN_LINE, ADMIN_LINE + b"\xff") as rows:
        kept = [key for key, _ in rows]
    assert kept == [used_line_key(NOW - 1, ADMIN, f"line {NOW - 1}"), used_line_key(NOW, ADMIN, LINE)]


def test_concurrent_claims_of_one_line_let_exactly_one_through(tmp_path):
    lines = UsedAdminLines(Store(tmp_path / "db"))
    results: list[bool] = []
    start = threading.Barrier(8)

    def claim() -> None:
        start.wait()
        results.append(lines.claim(NOW, ADMIN, LINE, forget_before_ms=0))

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
