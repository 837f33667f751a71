"""Supervision reports (办结时长): on-time rates, time per stage and per matter, overdue counts.

Computed from the matters' recorded steps and the alert records, per responsible
agency, per template or per stage of a template, over a period of block time.

- A *step* (a stage completed) counts in the period its block time falls in; it
  is on time when sealed by the stage's deadline; its time is the hours from the
  stage becoming active to the step sealing it.
- A *matter* counts as opened in the period of its opening (and as *open* if
  it is still open at the period's end, so a past period's report does not
  change) and as closed in the period of its closing. A closed matter is
  *completed* (办结) if it reached its end (its last stage approved, or a stage
  rejected it), not if it was closed early (withdrawn, transferred); only
  completed matters count for the hours from opening to closing.
- A matter with an overall deadline is judged once: *on time* in the period it
  is completed before the deadline, *late* in the period it became late (its red
  alert for the deadline raised, or its completion at or after the deadline,
  whichever came first), whatever becomes of it after: completed late, withdrawn or
  still open, it stays late, and the on-time rate neither rises nor falls with
  what later periods bring. Matter figures are kept per owning agency and per
  template (a stage row has none).
- *Overdue* counts red alerts raised in the period.

Percentiles are nearest-rank.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tiezheng.workflow import Matter
from tiezheng.workflow.trail import COMPLETION_OUTCOMES, StepRecord

from .records import AlertRecord

By = Literal["agency", "template", "stage"]
HOUR_MS = 3_600_000
STAGE_COLUMNS = ("steps", "steps_on_time", "steps_on_time_rate", "stage_hours_avg", "stage_hours_p90")
MATTER_COLUMNS = (
    "matters",
    "closed",
    "completed",
    "open",
    "matters_on_time",
    "matters_late",
    "matters_on_time_rate",
    "matter_hours_avg",
    "matter_hours_p90",
)
KEY_COLUMNS: dict[By, tuple[str, ...]] = {
    "agency": ("agency",),
    "template": ("template",),
    "stage": ("template", "stage"),
}


def columns(by: By) -> list[str]:
    """The columns of a report, in order (the CSV header)."""
    matter = list(MATTER_COLUMNS) if by != "stage" else []
    return [*KEY_COLUMNS[by], *matter, *STAGE_COLUMNS, "overdue"]


@dataclass
class Row:
    """One report row's counts and the hours behind its averages and percentiles."""

    matters: int = 0
    closed: int = 0
    completed: int = 0
    open: int = 0  # of the matters opened, those still open at the period's end
    matters_on_time: int = 0
    late: int = 0  # matters whose overall deadline passed in the period while they were open

    matter_hours: array[float] = field(default_factory=lambda: array("d"))  # 8 bytes a value: totals keep them
    steps: int = 0
    steps_with_deadline: int = 0
    steps_on_time: int = 0
    stage_hours: array[float] = field(default_factory=lambda: array("d"))
    overdue: int = 0

    def opened(self, *, open_at_end: bool) -> None:
        self.matters += 1
        self.open += open_at_end

    def closing(self, matter: Matter) -> None:
        """A matter closed (whether it was late is counted when it became late: ``late_time``)."""
        assert matter.closed is not None
        self.closed += 1
        if matter.outcome not in COMPLETION_OUTCOMES:
            return  # closed early: no time to completion
        self.completed += 1
        self.matter_hours.append((matter.closed - matter.opened) / HOUR_MS)
        if matter.deadline is not None and matter.closed < matter.deadline:  # at the deadline is late, as for a step
            self.matters_on_time += 1

    def step(self, step: StepRecord) -> None:
        self.steps += 1
        self.stage_hours.append((step.sealed - step.activated) / HOUR_MS)
        if step.deadline is not None:
            self.steps_with_deadline += 1
            self.steps_on_time += not step.overdue

    @classmethod
    def combined(cls, rows: Sequence[Row]) -> Row:
        """The rows of several periods as one, a new row (each array copied once, not once per row)."""
        total = cls()
        for row in rows:
            total.matters += row.matters
            total.closed += row.closed
            total.completed += row.completed
            total.open += row.open
            total.matters_on_time += row.matters_on_time
            total.late += row.late
            total.matter_hours.extend(row.matter_hours)
            total.steps += row.steps
            total.steps_with_deadline += row.steps_with_deadline
            total.steps_on_time += row.steps_on_time
            total.stage_hours.extend(row.stage_hours)
            total.overdue += row.overdue
        return total

    def merged(self, other: Row) -> Row:
        return Row(
            self.matters + other.matters,
            self.closed + other.closed,
            self.completed + other.completed,
            self.open + other.open,
            self.matters_on_time + other.matters_on_time,
            self.late + other.late,
            self.matter_hours + other.matter_hours,
            self.steps + other.steps,
            self.steps_with_deadline + other.steps_with_deadline,
            self.steps_on_time + other.steps_on_time,
            self.stage_hours + other.stage_hours,
            self.overdue + other.overdue,
        )


#: Rows are keyed by agency code, template hash, or (template hash, stage); ``format_rows`` names the templates.
RowKey = tuple[Any, ...]


def row_of_matter(by: By, matter: Matter) -> RowKey | None:
    """The row a matter's opening and closing count in (stage reports have no matter figures)."""
    return row_of_owner(by, matter.owner, matter.template)


def row_of_owner(by: By, owner: str, template: bytes) -> RowKey | None:
    return None if by == "stage" else (owner,) if by == "agency" else (template,)


def is_late_matter_alert(alert: AlertRecord) -> bool:
    """The red alert that a matter ran past its overall deadline while open."""
    return alert.severity == "red" and alert.scope == "matter"


def late_time(matter: Matter, alerted: int | None) -> int | None:
    """When a matter became late, if it did: its late alert (raised at ``alerted``) or its completion at or after
    its deadline, whichever came first; the alert may come a block after a late completion, or never on a node
    that raises none."""
    times = [t for t in (alerted, matter.closed if matter.completed_late else None) if t is not None]
    return min(times, default=None)


def late_alert_times(alerts: Iterable[AlertRecord]) -> dict[int, int]:
    """Matter → block time its late alert was raised (the first, should there be more)."""
    late_at: dict[int, int] = {}
    for alert in alerts:
        if is_late_matter_alert(alert):
            late_at[alert.matter] = min(alert.raised, late_at.get(alert.matter, alert.raised))
    return late_at


def row_of_step(by: By, matter: Matter, step: StepRecord) -> RowKey:
    return (
        (step.agency,) if by == "agency" else (matter.template,) if by == "template" else (matter.template, step.stage)
    )


def row_of_alert(by: By, alert: AlertRecord) -> RowKey:
    return (
        (alert.agency,)
        if by == "agency"
        else (alert.template,)
        if by == "template"
        else (alert.template, alert.stage or "—")
    )


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (the value at rank ⌈share·n⌉), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours(values: Sequence[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    p90 = percentile(values, 0.9)
    return round(sum(values) / len(values), 2), round(p90, 2) if p90 is not None else None


def report(
    matters: Iterable[Matter],
    alerts: Iterable[AlertRecord],
    template_ids: dict[bytes, str],
    *,
    by: By,
    start: int | None = None,
    stop: int | None = None,
) -> list[dict[str, object]]:
    """Rows keyed by agency, template or (template, stage), for block times in [start, stop], sorted by key."""

    def within(time_ms: int | None) -> bool:
        return time_ms is not None and (start is None or time_ms >= start) and (stop is None or time_ms <= stop)

    rows: defaultdict[RowKey, Row] = defaultdict(Row)
    raised = list(alerts)
    late_at = late_alert_times(raised)
    for matter in matters:
        key = row_of_matter(by, matter)
        if key is not None:
            if within(matter.opened):
                rows[key].opened(open_at_end=matter.closed is None or (stop is not None and matter.closed > stop))
            if within(matter.closed):
                rows[key].closing(matter)
            if within(late_time(matter, late_at.get(matter.index))):
                rows[key].late += 1
        for step in matter.steps:
            if within(step.sealed):
                rows[row_of_step(by, matter, step)].step(step)
    for alert in raised:
        if alert.severity == "red" and within(alert.raised):
            rows[row_of_alert(by, alert)].overdue += 1
    return format_rows(rows, template_ids, by=by)


def format_rows(rows: Mapping[RowKey, Row], template_ids: dict[bytes, str], *, by: By) -> list[dict[str, object]]:
    """The report's rows, templates named by their id (rows of versions of one template merge), sorted by key."""

    def named(key: RowKey) -> tuple[str, ...]:
        if by == "agency":
            return key  # type: ignore[return-value]
        template = template_ids.get(key[0], key[0].hex()[:16])
        return (template, *key[1:])

    merged: dict[tuple[str, ...], Row] = {}
    for key, row in rows.items():
        name = named(key)
        merged[name] = merged[name].merged(row) if name in merged else row
    out = []
    for key, row in sorted(merged.items()):
        stage_avg, stage_p90 = _hours(row.stage_hours)
        values: dict[str, object] = dict(zip(KEY_COLUMNS[by], key, strict=True))
        if by != "stage":
            matter_avg, matter_p90 = _hours(row.matter_hours)
            values |= {
                "matters": row.matters,
                "closed": row.closed,
                "completed": row.completed,
                "open": row.open,
                "matters_on_time": row.matters_on_time,
                "matters_late": row.late,
                # Each matter with a deadline is judged once: on time when it completes before its deadline,
                # late when the deadline passes while it is open, whatever becomes of it after.
                "matters_on_time_rate": _rate(row.matters_on_time, row.matters_on_time + row.late),
                "matter_hours_avg": matter_avg,
                "matter_hours_p90": matter_p90,
            }
        values |= {
            "steps": row.steps,
            "steps_on_time": row.steps_on_time,
            "steps_on_time_rate": _rate(row.steps_on_time, row.steps_with_deadline),
            "stage_hours_avg": stage_avg,
            "stage_hours_p90": stage_p90,
            "overdue": row.overdue,
        }
        out.append(values)
    return out


def in_stage_order(
    rows: list[dict[str, object]], positions: Mapping[str, Mapping[str, int]]
) -> list[dict[str, object]]:
    """Per-stage rows by template, each template's stages in the order a matter passes them (others after)."""

    def place(row: dict[str, object]) -> tuple[str, int, str]:
        template, stage = str(row["template"]), str(row["stage"])
        order = positions.get(template, {})
        return template, order.get(stage, len(order)), stage

    return sorted(rows, key=place)
