"""Supervision reports (办结时长): on-time rates, time per stage and per matter, overdue counts.

Computed from the matters' recorded steps and the alert records, per responsible
agency, per template or per stage of a template, over a period of block time.

- A *step* (a stage completed) counts in the period its block time falls in; it
  is on time when sealed by the stage's deadline; its time is the hours from the
  stage becoming active to the step sealing it.
- A *matter* counts as opened in the period of its opening and as closed in the
  period of its closing; a closed matter is on time when it closed by its overall
  deadline; its time is the hours from opening to closing. Matter figures are
  kept per owning agency and per template (a stage row has none).
- *Overdue* counts red alerts raised in the period.

Percentiles are nearest-rank.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from tiezheng.workflow import Matter

from .records import AlertRecord

By = Literal["agency", "template", "stage"]
HOUR_MS = 3_600_000
STAGE_COLUMNS = ("steps", "steps_on_time", "steps_on_time_rate", "stage_hours_avg", "stage_hours_p90")
MATTER_COLUMNS = (
    "matters",
    "closed",
    "open",
    "matters_on_time",
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
class _Row:
    matters: int = 0
    closed: int = 0
    open: int = 0
    closed_with_deadline: int = 0
    matters_on_time: int = 0
    matter_hours: list[float] = field(default_factory=list)
    steps: int = 0
    steps_with_deadline: int = 0
    steps_on_time: int = 0
    stage_hours: list[float] = field(default_factory=list)
    overdue: int = 0


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (the value at rank ⌈share·n⌉), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours(values: list[float]) -> tuple[float | None, float | None]:
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

    rows: defaultdict[tuple[str, ...], _Row] = defaultdict(_Row)
    for matter in matters:
        template = template_ids.get(matter.template, matter.template.hex()[:16])
        if by != "stage":
            row = rows[(matter.owner,) if by == "agency" else (template,)]
            if within(matter.opened):
                row.matters += 1
                row.open += matter.status == "open"
            if within(matter.closed):
                assert matter.closed is not None
                row.closed += 1
                row.matter_hours.append((matter.closed - matter.opened) / HOUR_MS)
                if matter.deadline is not None:
                    row.closed_with_deadline += 1
                    row.matters_on_time += matter.closed <= matter.deadline
        for step in matter.steps:
            if not within(step.sealed):
                continue
            row = rows[{"agency": (step.agency,), "template": (template,), "stage": (template, step.stage)}[by]]
            row.steps += 1
            row.stage_hours.append((step.sealed - step.activated) / HOUR_MS)
            if step.deadline is not None:
                row.steps_with_deadline += 1
                row.steps_on_time += not step.overdue
    for alert in alerts:
        if alert.severity != "red" or not within(alert.raised):
            continue
        template = template_ids.get(alert.template, alert.template.hex()[:16])
        key = {"agency": (alert.agency,), "template": (template,), "stage": (template, alert.stage or "—")}[by]
        rows[key].overdue += 1
    out = []
    for key, row in sorted(rows.items()):
        stage_avg, stage_p90 = _hours(row.stage_hours)
        values: dict[str, object] = dict(zip(KEY_COLUMNS[by], key, strict=True))
        if by != "stage":
            matter_avg, matter_p90 = _hours(row.matter_hours)
            values |= {
                "matters": row.matters,
                "closed": row.closed,
                "open": row.open,
                "matters_on_time": row.matters_on_time,
                "matters_on_time_rate": _rate(row.matters_on_time, row.closed_with_deadline),
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
