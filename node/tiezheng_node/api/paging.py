"""Pages of filtered records, newest first, with a bound on how many records one request reads.

A listing reads the posting list of its most selective filter and checks the
others on each record; a rare combination (an agency's closed matters of one
template, say) could otherwise read every record of the first filter to fill
one page. A page may therefore come back short, or empty, with a cursor: the
index of the last record read, below which the next page goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final, Protocol, TypeVar

#: Records one listing request reads at most (matters and alerts decode in tens of µs).
MAX_SCANNED_PER_PAGE: Final = 10_000


class Indexed(Protocol):
    @property
    def index(self) -> int: ...


Record = TypeVar("Record", bound=Indexed)


def page_of(
    records: Iterable[Record], keep: Callable[[Record], bool], limit: int, *, scan_limit: int = MAX_SCANNED_PER_PAGE
) -> tuple[list[Record], int | None]:
    """Up to ``limit`` of ``records`` (newest first) that ``keep`` accepts, reading at most ``scan_limit``;
    and the cursor of the next page, None when there is none."""
    found: list[Record] = []
    examined, last_read = 0, None
    for record in records:
        if examined == scan_limit:
            return found, last_read
        examined, last_read = examined + 1, record.index
        if not keep(record):
            continue
        if len(found) == limit:
            return found, found[-1].index
        found.append(record)
    return found, None
