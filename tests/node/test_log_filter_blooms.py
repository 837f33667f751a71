"""eth_getLogs tests each block's bloom with masks hashed once per query: the same verdicts as eth-bloom's own test."""

from __future__ import annotations

from eth_bloom import BloomFilter
from hypothesis import given
from hypothesis import strategies as st

from tiezheng_node.api.rpc import _BloomQuery

ADDRESS = st.binary(min_size=20, max_size=20)
TOPIC = st.binary(min_size=32, max_size=32)


def by_eth_bloom(bloom: int, addresses: list[bytes] | None, topics: list[list[bytes] | None]) -> bool:
    filter_ = BloomFilter(bloom)
    if addresses is not None and not any(a in filter_ for a in addresses):
        return False
    return all(options is None or any(t in filter_ for t in options) for options in topics)


@given(
    st.lists(ADDRESS | TOPIC, max_size=6),
    st.none() | st.lists(ADDRESS, min_size=1, max_size=4),
    st.lists(st.none() | st.lists(TOPIC, min_size=1, max_size=3), max_size=4),
    st.data(),
)
def test_masks_give_eth_blooms_verdicts(logged, addresses, topics, data):
    # Blocks that log some of the filter's own values, so both verdicts occur.
    wanted = [*(addresses or []), *(t for options in topics if options for t in options)]
    logged = logged + data.draw(st.lists(st.sampled_from(wanted), max_size=3) if wanted else st.just([]))
    bloom = int(BloomFilter.from_iterable(logged))
    assert _BloomQuery(addresses, topics).may_match(bloom) == by_eth_bloom(bloom, addresses, topics)
