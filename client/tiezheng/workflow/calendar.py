"""Working-day calendars: weekends, public holidays and make-up working days (调休), as a data file.

Time limits of administrative procedures run in working days (工作日): not the
weekend, not a public holiday, but the Saturdays or Sundays declared working
days to make up for a holiday bridge. The State Council publishes each year's
arrangement in November; the calendar file lists it, names its sources and the
years it covers. Outside those years only weekends are skipped, and
``covers`` says so, so a node can warn before a year starts uncovered.

A limit of N working days from a moment counts the N working days *after* that
moment's local day; the deadline is the end of the last of them (local
midnight). Limits in hours, minutes or seconds are elapsed time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from ..errors import DecodeError
from ..files import open_regular
from ..jsondoc import document_hash, load_json

FORMAT: Final = "tiezheng-calendar"
VERSION: Final = 1
DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY_MS: Final = 86_400_000
MAX_WORKING_DAYS: Final = 366


class WorkflowError(DecodeError):
    """A workflow template, limit or calendar that does not read."""

    code = "bad-workflow"


class CalendarError(WorkflowError):
    code = "bad-calendar"


@dataclass(frozen=True)
class Limit:
    """A time limit: working days, or an elapsed duration; ``since`` names a stage whose completion starts it."""

    working_days: int = 0
    seconds: int = 0
    since: str | None = None
    days: int = 0  # calendar days (日), for limits the law does not count in working days

    @classmethod
    def from_value(cls, value: Any, where: str) -> Limit:
        if type(value) is not dict or not value:
            raise WorkflowError(f'{where} must be an object like {{"working_days": 5}}')
        unknown = set(value) - {"working_days", "days", "hours", "minutes", "seconds", "since"}
        if unknown:
            raise WorkflowError(f"{where} has unknown field {sorted(unknown)[0]!r}")
        units = [k for k in ("working_days", "days", "hours", "minutes", "seconds") if k in value]
        if len(units) != 1:
            raise WorkflowError(f"{where} needs exactly one of working_days, days, hours, minutes, seconds")
        amount = value[units[0]]
        bound = MAX_WORKING_DAYS if units[0] in ("working_days", "days") else 10**7
        if type(amount) is not int or not 1 <= amount <= bound:
            raise WorkflowError(f"{where}.{units[0]} must be a positive integer")
        since = value.get("since")
        if since is not None and (type(since) is not str or not since):
            raise WorkflowError(f"{where}.since must name a stage")
        scale = {"hours": 3600, "minutes": 60, "seconds": 1}
        if units[0] == "working_days":
            return cls(working_days=amount, since=since)
        if units[0] == "days":
            return cls(days=amount, since=since)
        return cls(seconds=amount * scale[units[0]], since=since)

    def to_value(self) -> dict[str, Any]:
        value: dict[str, Any] = (
            {"working_days": self.working_days}
            if self.working_days
            else {"days": self.days}
            if self.days
            else {"seconds": self.seconds}
        )
        if self.since:
            value["since"] = self.since
        return value

    def describe(self, language: str = "en") -> str:
        if self.working_days:
            return f"{self.working_days} 个工作日" if language == "zh" else f"{self.working_days} working days"
        if self.days:
            return f"{self.days} 日" if language == "zh" else f"{self.days} days"
        hours, rest = divmod(self.seconds, 3600)
        if not rest:
            return f"{hours} 小时" if language == "zh" else f"{hours} h"
        return f"{self.seconds} 秒" if language == "zh" else f"{self.seconds} s"


@dataclass(frozen=True)
class WorkCalendar:
    id: str
    utc_offset_minutes: int
    weekend: frozenset[int]  # ISO weekdays, 1 = Monday
    years: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]
    document: dict[str, Any] = field(repr=False, compare=False)

    @cached_property
    def hash(self) -> bytes:
        return document_hash(self.document)

    @cached_property
    def zone(self) -> timezone:
        return timezone(timedelta(minutes=self.utc_offset_minutes))

    # Reading

    @classmethod
    def from_document(cls, document: Any) -> WorkCalendar:
        if type(document) is not dict or document.get("format") != FORMAT:
            raise CalendarError(f'a calendar must say "format": "{FORMAT}"')
        if document.get("version") != VERSION:
            raise CalendarError(f"calendar version {document.get('version')!r} is not supported")
        identifier = document.get("id")
        if type(identifier) is not str or not re.fullmatch(r"[a-z0-9][a-z0-9.-]{0,63}", identifier):
            raise CalendarError("calendar.id must be 1–64 lower-case letters, digits, dots or dashes")
        offset = document.get("utc_offset_minutes")
        if type(offset) is not int or not -840 <= offset <= 840:
            raise CalendarError("calendar.utc_offset_minutes must be an integer within ±14 hours")
        weekend = document.get("weekend")
        if type(weekend) is not list or any(type(d) is not int or not 1 <= d <= 7 for d in weekend):
            raise CalendarError("calendar.weekend must list ISO weekdays (1 = Monday … 7 = Sunday)")
        years = document.get("years")
        if type(years) is not list or any(type(y) is not int or not 1970 <= y <= 9999 for y in years):
            raise CalendarError("calendar.years must list the years whose holidays the file gives")
        holidays = _dates(document.get("holidays"), "calendar.holidays", years)
        workdays = _dates(document.get("workdays"), "calendar.workdays", years)
        if holidays & workdays:
            raise CalendarError(f"{min(holidays & workdays)} is listed both as a holiday and as a working day")
        return cls(identifier, offset, frozenset(weekend), frozenset(years), holidays, workdays, document)

    @classmethod
    def from_json(cls, data: bytes | str) -> WorkCalendar:
        return cls.from_document(load_json(data, "calendar", CalendarError))

    @classmethod
    def load(cls, path: str | Path) -> WorkCalendar:
        try:
            with open_regular(path) as handle:
                return cls.from_json(handle.read())
        except OSError as exc:
            raise CalendarError(f"cannot read calendar {path}: {exc.strerror}", code="unreadable") from None

    # Days

    def covers(self, year: int) -> bool:
        return year in self.years

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.isoweekday() not in self.weekend

    def local_day(self, time_ms: int) -> date:
        return datetime.fromtimestamp(time_ms / 1000, tz=UTC).astimezone(self.zone).date()

    def start_of(self, day: date) -> int:
        """The local midnight that begins ``day``, in ms since 1970."""
        return int(datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp() * 1000)

    def add_working_days(self, time_ms: int, count: int) -> int:
        """The deadline ``count`` working days after ``time_ms``: the end of the count-th working day after its day."""
        day = self.local_day(time_ms)
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return self.start_of(day + timedelta(days=1))

    def add_days(self, time_ms: int, count: int) -> int:
        """The deadline ``count`` days after ``time_ms``: the end of the count-th day after its day, or if that
        day is a rest day, of the first working day after it (民法典 §201, §203: the first day is not
        counted; a period whose last day falls on a holiday ends on the day after the holiday)."""
        day = self.local_day(time_ms) + timedelta(days=count)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return self.start_of(day + timedelta(days=1))

    def deadline(self, start_ms: int, limit: Limit) -> int:
        if limit.working_days:
            return self.add_working_days(start_ms, limit.working_days)
        if limit.days:
            return self.add_days(start_ms, limit.days)
        return start_ms + limit.seconds * 1000

    def working_days_between(self, start_ms: int, end_ms: int) -> int:
        """Working days strictly after ``start_ms``'s day up to and including ``end_ms``'s day."""
        first, last = self.local_day(start_ms), self.local_day(end_ms)
        days = 0
        day = first
        while day < last:
            day += timedelta(days=1)
            days += self.is_working_day(day)
        return days


def _dates(value: Any, where: str, years: list[int]) -> frozenset[date]:
    if type(value) is not list:
        raise CalendarError(f"{where} must be a list of YYYY-MM-DD dates")
    out = set()
    for item in value:
        if type(item) is not str or not DATE.fullmatch(item):
            raise CalendarError(f"{where} must hold YYYY-MM-DD dates, not {str(item)[:20]!r}")
        try:
            day = date.fromisoformat(item)
        except ValueError:
            raise CalendarError(f"{where}: {item} is not a date") from None
        if day.year not in years:
            raise CalendarError(f"{where}: {item} is outside the years the calendar says it covers")
        out.add(day)
    return frozenset(out)


def builtin_calendar() -> WorkCalendar:
    """The mainland China calendar shipped with Tiezheng (data/calendar-cn.json)."""
    return WorkCalendar.load(Path(__file__).parent / "data" / "calendar-cn.json")
