"""Beijing time (UTC+8, no daylight saving): how the people who use Tiezheng read block times and days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final

BEIJING: Final = timezone(timedelta(hours=8), "UTC+08:00")


def beijing_day(milliseconds: int) -> date:
    """The day in Beijing of a time in ms since 1970 (block times, claimed times)."""
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC).astimezone(BEIJING).date()
