"""Listing pages: short pages under a read budget, and following their cursors gives exactly the filtered records."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from tiezheng_node.api.paging import page_of


@dataclass(frozen=True)
class Row:
    index: int
    kept: bool


def newest_first(rows: list[Row], below: int | None) -> list[Row]:
    return [r for r in sorted(rows, key=lambda r: -r.index) if below is None or r.index < below]


@given(
    st.lists(st.booleans(), max_size=60),
    st.integers(min_value=1, max_value=7),
    st.integers(min_value=1, max_value=9),
)
def test_following_the_cursors_lists_every_kept_record_once(kept, limit, scan_limit):
    rows = [Row(index, keep) for index, keep in enumerate(kept)]
    listed: list[int] = []
    below = None
    for _ in range(len(rows) + 2):
        page, below = page_of(newest_first(rows, below), lambda r: r.kept, limit, scan_limit=scan_limit)
        assert len(page) <= limit
        listed += [r.index for r in page]
        if below is None:
            break
    else:
        raise AssertionError("the cursors never ended")
    assert listed == [r.index for r in newest_first(rows, None) if r.kept]
