"""Supervision reports (办结时长): on-time rates, time per stage and per matter, overdue counts.

Computed from the matters' recorded steps and the alert records, per responsible
agency, per template or per stage of a template, over a period of block time.
A step is *on time* when its block time is within the stage's deadline; times
are hours between the stage becoming active and the step sealing it (for matter
rows: between opening and closing).
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


@dataclass
class _Row:
    matters: int = 0
    closed: int = 0
    open: int = 0
    steps: int = 0
    with_deadline: int = 0
    on_time: int = 0
    overdue: int = 0
    hours: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (the value at rank ⌈share·n⌉), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(
    matters: Iterable[Matter],
    alerts: Iterable[AlertRecord],
    template_ids: dict[bytes, str],
    *,
    by: By,
    start: int | None = None,
    stop: int | None = None,
) -> list[dict[str, object]]:
    """Rows keyed by agency, template or (template, stage), for block times in [start, stop]."""

    def within(time_ms: int | None) -> bool:
        return time_ms is not None and (start is None or time_ms >= start) and (stop is None or time_ms <= stop)

    rows: defaultdict[tuple[str, ...], _Row] = defaultdict(_Row)
    for matter in matters:
        template = template_ids.get(matter.template, matter.template.hex()[:16])
        if within(matter.opened) and by != "stage":
            row = rows[(matter.owner,) if by == "agency" else (template,)]
            row.matters += 1
            row.closed += matter.status == "closed"
            row.open += matter.status == "open"
            if by == "template" and matter.closed is not None:
                row.hours.append((matter.closed - matter.opened) / HOUR_MS)
        for step in matter.steps:
            if not within(step.sealed):
                continue
            key = {"agency": (step.agency,), "template": (template,), "stage": (template, step.stage)}[by]
            row = rows[key]
            row.steps += 1
            if step.deadline is not None:
                row.with_deadline += 1
                row.on_time += not step.overdue
            if by != "template":
                row.hours.append((step.sealed - step.activated) / HOUR_MS)
    for alert in alerts:
        if alert.severity != "red" or not within(alert.raised):
            continue
        template = template_ids.get(alert.template, alert.template.hex()[:16])
        key = {"agency": (alert.agency,), "template": (template,), "stage": (template, alert.stage or "—")}[by]
        rows[key].overdue += 1
    out = []
    for key, row in sorted(rows.items()):
        named: dict[str, object] = (
            {"agency": key[0]} if by == "agency" else {"template": key[0]} if by == "template" else
            {"template": key[0], "stage": key[1]}
        )  # fmt: skip
        counts = {"matters": row.matters, "closed": row.closed, "open": row.open} if by != "stage" else {}
        out.append(
            named
            | counts
            | {
                "steps": row.steps,
                "on_time": row.on_time,
                "on_time_rate": round(row.on_time / row.with_deadline, 4) if row.with_deadline else None,
                "overdue": row.overdue,
                "average_hours": round(sum(row.hours) / len(row.hours), 2) if row.hours else None,
                "p90_hours": round(p90, 2) if (p90 := percentile(row.hours, 0.9)) is not None else None,
            }
        )
    return out
