"""The report totals (process.tally) against the report read from every matter (process.reports.report).

Property-based: matters opened, closed (completed, rejected or withdrawn) and
alerted late at random block times, the late alert in the block of the matter's
closing or a later one too (a burst of alerts spills over the per-block cap).
Block by block the totals take each block's alerts, then its matters, as the
engine does; built at once, they read the final matters and alerts. Both must
give the rows the oracle gives for every period of whole days, and for all time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng.workflow import Matter
from tiezheng_node.evidence.log import DAY_OFFSET_MS
from tiezheng_node.process.records import AlertRecord
from tiezheng_node.process.reports import format_rows, report
from tiezheng_node.process.tally import DAY_MS, ReportTally, whole_days

HOUR_MS = 3_600_000
FIRST_DAY = 20_000 * DAY_MS - DAY_OFFSET_MS  # a midnight in UTC+08:00
TEMPLATES = (b"\x01" * 32, b"\x02" * 32)


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Matters as a block history: when each opens, its deadline, whether and how it closes, its late alert."""
    matters = []
    for index in range(1, draw(st.integers(1, 8)) + 1):
        opened = FIRST_DAY + draw(st.integers(0, 72)) * HOUR_MS
        deadline = opened + draw(st.integers(1, 48)) * HOUR_MS if draw(st.booleans()) else None
        closed = opened + draw(st.integers(1, 72)) * HOUR_MS if draw(st.booleans()) else None
        outcome = draw(st.sampled_from(("completed", "rejected", "withdrawn")))
        alert = None
        if deadline is not None and (closed is None or closed >= deadline) and draw(st.booleans()):
            # Raised once the deadline passed, while open, or in the closing block or a later one.
            latest = (closed if closed is not None else deadline + 72 * HOUR_MS) + 2 * HOUR_MS
            alert = draw(st.integers(deadline // HOUR_MS, latest // HOUR_MS).map(lambda h: h * HOUR_MS))
            alert = max(alert, deadline)
        matters.append(
            {"index": index, "opened": opened, "deadline": deadline, "closed": closed, "outcome": outcome,
             "alert": alert, "owner": draw(st.sampled_from("AB")), "template": draw(st.sampled_from(TEMPLATES))}
        )  # fmt: skip
    return matters


def _opening(m: dict[str, Any]) -> Matter:
    return Matter(
        index=m["index"], template=m["template"], subject=b"s" * 32, owner=m["owner"], parties={},
        opened=m["opened"], opened_claimed=m["opened"], deadline=m["deadline"], current="s1",
        activated=m["opened"], stage_deadline=None, last_index=m["index"], last_claimed=m["opened"],
    )  # fmt: skip


def _closing(m: dict[str, Any]) -> Matter:
    return replace(_opening(m), status="closed", outcome=m["outcome"], closed=m["closed"], current=None)


def _alert(m: dict[str, Any]) -> AlertRecord:
    return AlertRecord(
        index=100 + m["index"], matter=m["index"], severity="red", scope="matter", stage=None,
        deadline=m["deadline"], raised=m["alert"], event="matter", agency=m["owner"], template=m["template"],
    )  # fmt: skip


def _block_by_block(history: list[dict[str, Any]]) -> ReportTally:
    blocks: defaultdict[int, dict[str, list[Any]]] = defaultdict(lambda: {"alerts": [], "matters": []})
    for m in history:
        blocks[m["opened"]]["matters"].append((None, _opening(m)))
        if m["closed"] is not None:
            blocks[m["closed"]]["matters"].append((_opening(m), _closing(m)))
        if m["alert"] is not None:
            blocks[m["alert"]]["alerts"].append(m)
    tally = ReportTally(0)
    for time in sorted(blocks):
        for m in blocks[time]["alerts"]:  # the engine's order: a block's alerts, then its matters
            closed_by_then = m["closed"] is not None and m["closed"] <= time
            state = _closing(m) if closed_by_then else _opening(m)
            tally.alert_raised(_alert(m), completed_late=state.completed_late)
        for before, after in blocks[time]["matters"]:
            tally.matter_changed(before, after)
    return tally


PERIODS = (
    [(None, None)]
    + [(FIRST_DAY + a * DAY_MS, FIRST_DAY + b * DAY_MS - 1) for a in range(6) for b in range(a + 1, 8)]
    + [(FIRST_DAY + a * DAY_MS, None) for a in range(6)]
    + [(None, FIRST_DAY + b * DAY_MS - 1) for b in range(1, 8)]
)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_totals_block_by_block_and_built_at_once_equal_the_report_read_from_every_matter(history):
    finals = [_closing(m) if m["closed"] is not None else _opening(m) for m in history]
    alerts = [_alert(m) for m in history if m["alert"] is not None]
    followed, built = _block_by_block(history), ReportTally.build(0, finals, alerts)
    for by in ("agency", "template"):
        for start, stop in PERIODS:
            expected = report(finals, alerts, {}, by=by, start=start, stop=stop)
            for totals in (followed, built):
                days = whole_days(start, stop)
                assert days is not None
                rows = totals.rows(by) if start is None and stop is None else totals.days_rows(by, *days)
                got = [r for r in format_rows(rows, {}, by=by) if any(r[c] for c in ("matters", "closed", "overdue",
                                                                                 "matters_late"))]  # fmt: skip
                assert got == expected, (by, start, stop, totals is built)


def _one(outcome: str, alert_hours: int) -> list[dict[str, Any]]:
    """One matter: due an hour after it opened, closed (``outcome``) five hours after, its late alert then."""
    matter = {"index": 1, "opened": FIRST_DAY, "deadline": FIRST_DAY + HOUR_MS, "closed": FIRST_DAY + 5 * HOUR_MS}
    return [matter | {"outcome": outcome, "alert": FIRST_DAY + alert_hours * HOUR_MS, "owner": "A",
                      "template": TEMPLATES[0]}]  # fmt: skip


def test_a_matter_withdrawn_in_the_block_that_raises_its_late_alert_counts_late():
    (row,) = format_rows(_block_by_block(_one("withdrawn", 5)).rows("template"), {}, by="template")
    assert (row["matters_late"], row["matters_on_time"], row["matters_on_time_rate"]) == (1, 0, 0.0)


def test_a_late_alert_after_a_late_completion_does_not_count_the_matter_twice():
    followed = _block_by_block(_one("completed", 30))
    (row,) = format_rows(followed.rows("template"), {}, by="template")
    assert row["matters_late"] == 1
    first_day = followed.days_rows("template", *whole_days(FIRST_DAY, FIRST_DAY + DAY_MS - 1))
    assert format_rows(first_day, {}, by="template")[0]["matters_late"] == 1  # on its completion's day
