"""Running totals behind the whole-history supervision reports, following the blocks.

A report over all time reads and decodes every matter: about 10 µs a matter, a
second at 100,000 matters, paid by the first reader after each block. But
history only grows: a recorded step never changes, a matter opens once and
closes once, an alert is raised once. So the node keeps each report's rows in
memory and adds what each block changes; a report is then these rows
formatted (sorting each row's hours for its 90th percentile).

The totals are built on the first request, from a snapshot of the store, and
record the height of the block they include; each block then adds its changes
once, by height, whether it committed before or after the snapshot was taken.
The same totals are also kept per day (UTC+08:00) of each event: a matter's
opening, its closing, a step, an alert. A report over whole days merges those
days' rows; a period that starts or ends inside a day still reads the matters
(``reports.report``). The tests check all three give the same rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Final, get_args

from tiezheng.workflow import Matter

from ..evidence.log import DAY_OFFSET_MS, day_of
from .records import AlertRecord
from .reports import (
    By,
    Row,
    RowKey,
    is_late_matter_alert,
    late_alert_times,
    late_time,
    row_of_alert,
    row_of_matter,
    row_of_owner,
    row_of_step,
)

BYS: Final[tuple[By, ...]] = get_args(By)
DAY_MS: Final = 86_400_000


class ReportTally:
    def __init__(self, height: int) -> None:
        self.height = height  # the last block whose changes the totals include
        self._rows: dict[By, defaultdict[RowKey, Row]] = {by: defaultdict(Row) for by in BYS}
        self._days: dict[By, defaultdict[int, defaultdict[RowKey, Row]]] = {
            by: defaultdict(lambda: defaultdict(Row)) for by in BYS
        }
        # Per day of opening and row: how many of the matters opened then closed on which day, so that a report
        # over days counts as open those still open at its last day's end.
        self._closings: dict[By, defaultdict[int, defaultdict[RowKey, Counter[int]]]] = {
            by: defaultdict(lambda: defaultdict(Counter)) for by in BYS
        }
        # The open matters, and those of them counted late (their late alert raised): their closing ends both.
        self._open: set[int] = set()
        self._late: set[int] = set()

    @classmethod
    def build(cls, height: int, matters: Iterable[Matter], alerts: Iterable[AlertRecord]) -> ReportTally:
        """The totals of the store as of block ``height`` (its matters and alerts, read from one snapshot)."""
        tally = cls(height)
        raised = list(alerts)
        late_at = late_alert_times(raised)
        for matter in matters:
            tally.matter_changed(None, matter, late=late_time(matter, late_at.get(matter.index)))
        for alert in raised:
            tally.alert_raised(alert, counting_late=False)  # counted with its matter: only overdue counts left
        return tally

    def matter_changed(self, before: Matter | None, after: Matter, *, late: int | None = None) -> None:
        """Add what a block changed in a matter: its opening, its closing, its new steps. ``late``: when the
        totals are built from the store, the time it became late (reports.late_time).

        Block by block, a matter completed late is counted late at its closing unless its late alert counted
        it already (alert_raised, which a block's alerts go through first)."""
        new_steps = after.steps[len(before.steps) :] if before is not None else after.steps
        if late is not None and after.status == "open":
            self._late.add(after.index)
        late_at_closing = before is not None and after.completed_late and after.index not in self._late
        for by, rows in self._rows.items():
            days = self._days[by]
            key = row_of_matter(by, after)
            if key is not None:
                opened_on = days[day_of(after.opened)]
                if before is None:
                    rows[key].opened(open_at_end=after.status == "open")
                    opened_on[key].opened(open_at_end=after.status == "open")
                    if late is not None:
                        rows[key].late += 1
                        days[day_of(late)][key].late += 1
                elif before.status == "open" and after.status != "open":
                    rows[key].open -= 1
                    opened_on[key].open -= 1  # the day's rows count the matters opened then that are open now
                if after.closed is not None and (before is None or before.closed is None):
                    rows[key].closing(after)
                    days[day_of(after.closed)][key].closing(after)
                    self._closings[by][day_of(after.opened)][key][day_of(after.closed)] += 1
                    if late_at_closing:
                        rows[key].late += 1
                        days[day_of(after.closed)][key].late += 1
            for step in new_steps:
                step_key = row_of_step(by, after, step)
                rows[step_key].step(step)
                days[day_of(step.sealed)][step_key].step(step)
        if after.status == "open":
            self._open.add(after.index)
        else:
            self._open.discard(after.index)
            self._late.discard(after.index)

    def alert_raised(self, alert: AlertRecord, *, counting_late: bool = True, completed_late: bool = False) -> None:
        """Add an alert raised: a red one to the overdue counts; a late alert counts its matter late, unless it
        was counted already, or is (``completed_late``: its closing counts it, in this block or an earlier one;
        ``counting_late`` False: the totals are being built, and the matters counted it)."""
        if alert.severity == "red":
            for by, rows in self._rows.items():
                key = row_of_alert(by, alert)
                rows[key].overdue += 1
                self._days[by][day_of(alert.raised)][key].overdue += 1
        if not counting_late or completed_late or not is_late_matter_alert(alert) or alert.matter in self._late:
            return
        if alert.matter in self._open:
            self._late.add(alert.matter)  # its closing, in this block or later, then counts nothing more
        for by, rows in self._rows.items():
            # A matter-wide alert is its owner's (the agency it names) and of its template: the matter's rows.
            matter_key = row_of_owner(by, alert.agency, alert.template)
            if matter_key is not None:
                rows[matter_key].late += 1
                self._days[by][day_of(alert.raised)][matter_key].late += 1

    # The two readers below copy: the report is formatted (its percentiles sorted) from the
    # copy, outside the lock under which blocks add to these totals.

    def rows(self, by: By) -> dict[RowKey, Row]:
        """The whole history's rows."""
        return {key: Row.combined([row]) for key, row in self._rows[by].items()}

    def days_rows(self, by: By, first_day: int | None, last_day: int | None) -> dict[RowKey, Row]:
        """The rows over the days [first_day, last_day] (UTC+08:00 day numbers; None: unbounded)."""

        def within(day: int) -> bool:
            return (first_day is None or day >= first_day) and (last_day is None or day <= last_day)

        chosen: defaultdict[RowKey, list[Row]] = defaultdict(list)
        for day, rows in self._days[by].items():
            if within(day):
                for key, row in rows.items():
                    chosen[key].append(row)
        combined = {key: Row.combined(rows) for key, rows in chosen.items()}
        if last_day is not None:  # open at the period's end: those of its matters closed only after it, too
            for day, keyed in self._closings[by].items():
                if within(day):
                    for key, closed_on in keyed.items():
                        combined[key].open += sum(n for closed, n in closed_on.items() if closed > last_day)
        return combined


def whole_days(start: int | None, stop: int | None) -> tuple[int | None, int | None] | None:
    """The days a period of block time [start, stop] (ms, inclusive) covers, if it starts and ends at midnights."""
    if start is not None and (start + DAY_OFFSET_MS) % DAY_MS:
        return None
    if stop is not None and (stop + 1 + DAY_OFFSET_MS) % DAY_MS:
        return None
    return (day_of(start) if start is not None else None, day_of(stop) if stop is not None else None)
