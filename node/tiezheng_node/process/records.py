"""How the process trail is stored: matters, the deadline index, alerts, webhooks and their outbox.

| prefix | key | value |
| --- | --- | --- |
| ``M`` | matter (leaf index of its opening, 8) | CBOR of the matter's state (tiezheng.workflow.Matter) |
| ``Q`` | due time (8) ‖ matter (8) ‖ SM3(event)[:8] | CBOR of the watched deadline (tiezheng.workflow.Due) |
| ``R`` | alert (leaf index of its statement, 8) | CBOR of the alert record (status, acknowledgement, deliveries) |
| ``N`` | leaf index (8) | why a process-step in the log was not applied to its matter (text) |
| ``W`` | webhook id (4) | CBOR of a registered webhook |
| ``O`` | webhook id (4) ‖ next attempt (8) ‖ alert (8) | CBOR [attempts, last error]: a delivery still owed |
| ``V`` | alert (8) ‖ webhook id (4) | CBOR [time, attempts]: a delivery made, not yet written into its alert record |
| ``I`` | kind ‖ facet ‖ value (8) ‖ index (8) | empty: a filtered list's posting (process/postings.py) |

The deadline index is ordered by time, so finding what is due at a block is
one range scan from the start of the keyspace to the block's time: its cost
grows with the deadlines that passed, not with the matters that are open.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Final

import cbor2

from tiezheng import cbor
from tiezheng.gm import sm3
from tiezheng.workflow import Due, Matter

from ..store.keys import ADMIN_LINE, ALERT, DELIVERED, DUE, MATTER, OUTBOX, WEBHOOK, WEBHOOK_REMOVED

# Live keys closing the matter, outbox and admin-line keyspaces. The pending keyspace ``P``
# that follows the first two is a long run of deleted keys (every record passes through it),
# as is ``V`` after the admin lines (every delivery passes through it), and
# LevelDB steps over deleted keys one by one until compaction drops them: a reverse
# scan of the matters, or a forward scan reaching the outbox's end, would pay for
# every record ever anchored. A scan that stops at a fence never walks into ``P``.
MATTER_END: Final = MATTER + b"\xff"
OUTBOX_END: Final = OUTBOX + b"\xff"
# Before ``V``: a scan of the admin lines (``U``) with no live line left stops here, not past the markers.
ADMIN_LINES_END: Final = ADMIN_LINE + b"\xff"
FENCES: Final = (MATTER_END, OUTBOX_END, ADMIN_LINES_END)


def _stored(raw: bytes) -> Any:
    """Decode a record this node wrote into its own store.

    Not outside input: the strict decoder's canonical-form checks (tiezheng.cbor)
    guard what arrives over the network and would triple the cost of the
    supervision reports, which read every matter.
    """
    return cbor2.loads(raw)


def matter_key(index: int) -> bytes:
    return MATTER + index.to_bytes(8, "big")


def encode_matter(matter: Matter) -> bytes:
    return cbor.encode(matter.to_value())


def decode_matter(raw: bytes) -> Matter:
    return Matter.from_value(_stored(raw))


def due_key(due: Due) -> bytes:
    return DUE + due.at.to_bytes(8, "big") + due.matter.to_bytes(8, "big") + sm3(due.key.encode())[:8]


def encode_due(due: Due) -> bytes:
    return cbor.encode([due.at, due.matter, due.severity, due.scope, due.stage, due.activated, due.deadline])


def decode_due(raw: bytes) -> Due:
    return Due(*_stored(raw))


def alert_key(index: int) -> bytes:
    return ALERT + index.to_bytes(8, "big")


#: Past every alert's key: the stop of a scan over all alerts.
ALERTS_STOP: Final = ALERT + b"\xff" * 8


@dataclass
class AlertRecord:
    """An alert the chain raised: where it stands for the supervisors, and its webhook deliveries."""

    index: int
    matter: int
    severity: str  # "red" (deadline passed) or "warning" (the warning point of the limit passed)
    scope: str  # "stage" or "matter"
    stage: str | None
    deadline: int
    raised: int  # block time
    event: str
    agency: str  # the agency responsible when it was raised
    template: bytes
    status: str = "open"  # open, acknowledged, resolved
    acknowledged_by: str | None = None
    acknowledged_at: int | None = None
    resolved_at: int | None = None
    deliveries: dict[str, Any] = field(default_factory=dict)  # webhook id → {"delivered": ms} or {"attempts", "error"}

    def encode(self) -> bytes:
        # A shallow dict of the fields, not asdict(), which deep-copies: a busy block writes a thousand.
        return cbor.encode({name: getattr(self, name) for name in _ALERT_FIELDS})

    @classmethod
    def decode(cls, raw: bytes) -> AlertRecord:
        return cls(**_stored(raw))


_ALERT_FIELDS: Final = tuple(f.name for f in fields(AlertRecord))


@dataclass
class Webhook:
    id: int
    url: str
    severities: list[str]  # empty: all
    agencies: list[str]  # empty: all
    templates: list[str]  # template ids; empty: all
    created: int
    created_by: str

    def encode(self) -> bytes:
        return cbor.encode(asdict(self))

    @classmethod
    def decode(cls, raw: bytes) -> Webhook:
        return cls(**_stored(raw))

    def wants(self, alert: AlertRecord, template_id: str) -> bool:
        return (
            (not self.severities or alert.severity in self.severities)
            and (not self.agencies or alert.agency in self.agencies)
            and (not self.templates or template_id in self.templates)
        )


def webhook_key(hook: int) -> bytes:
    return WEBHOOK + hook.to_bytes(4, "big")


def removed_webhook_key(hook: int) -> bytes:
    return WEBHOOK_REMOVED + hook.to_bytes(4, "big")


def outbox_key(hook: int, at: int, alert: int) -> bytes:
    return owed_to(hook) + at.to_bytes(8, "big") + alert.to_bytes(8, "big")


def parse_outbox_key(key: bytes) -> tuple[int, int, int]:
    """(webhook id, next attempt, alert) of an outbox key."""
    return int.from_bytes(key[1:5], "big"), int.from_bytes(key[5:13], "big"), int.from_bytes(key[13:21], "big")


def owed_to(hook: int) -> bytes:
    """The start of one webhook's deliveries in the outbox, oldest attempt first.

    Kept by webhook so that one receiver's backlog (a supervision platform down
    for a day) is read only when it is that receiver's turn, never by every
    round of every other webhook."""
    return OUTBOX + hook.to_bytes(4, "big")


def owed_to_by(hook: int, now_ms: int) -> bytes:
    """Where one webhook's deliveries due by ``now_ms`` end (exclusive)."""
    return owed_to(hook) + (now_ms + 1).to_bytes(8, "big")


def owed_to_end(hook: int) -> bytes:
    return owed_to(hook) + b"\xff" * 16


def parse_old_outbox_key(key: bytes) -> tuple[int, int, int]:
    """(webhook id, next attempt, alert) of an outbox key as stores written before the outbox was kept by
    webhook have it: next attempt (8) ‖ alert (8) ‖ webhook id (4)."""
    return int.from_bytes(key[17:21], "big"), int.from_bytes(key[1:9], "big"), int.from_bytes(key[9:17], "big")


def delivered_key(alert: int, hook: int) -> bytes:
    return DELIVERED + alert.to_bytes(8, "big") + hook.to_bytes(4, "big")


def parse_delivered_key(key: bytes) -> tuple[int, int]:
    return int.from_bytes(key[1:9], "big"), int.from_bytes(key[9:13], "big")


#: Past every delivery marker: the stop of a scan over all of them.
DELIVERED_STOP: Final = DELIVERED + b"\xff" * 12
