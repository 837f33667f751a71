"""The explorer shows any block or claimed time (a statement may claim up to 2^53 ms, past year 9999); its links
name the exact millisecond."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng_node.api.explorer.views import format_time, iso_time
from tiezheng_node.api.params import block_time

LAST_DATETIME_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([0, LAST_DATETIME_MS - 8 * 3_600_000 + 1, LAST_DATETIME_MS + 1, 2**64 - 1])
    | st.integers(0, 2**64 - 1)
)
def test_every_time_renders(milliseconds):
    assert format_time(milliseconds)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, LAST_DATETIME_MS - 8 * 3_600_000))
def test_the_reports_links_time_reads_back_as_the_same_moment(milliseconds):
    assert block_time(iso_time(milliseconds), "time") == milliseconds
