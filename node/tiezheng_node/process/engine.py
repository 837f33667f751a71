"""The node's process trail: checks process steps at submission, applies them when sealed, raises overdue alerts.

Three moments:

* **submission** (``check``): a ``process-step`` statement is checked against the
  sealed state of its matter and the registered template — the right stage, the
  responsible agency, the fields the stage asks for, consistent times — and the
  matter is held until the step is sealed, so that two steps cannot race. Every
  refusal names the field and the rule (a 4xx).
* **block** (``raise_due`` before the block is assembled, ``stage``/``advance``
  around its commit): deadlines passed by the block's time become ``alert``
  statements in one batch envelope signed by the node's supervision key and go
  into the block's evidence; the block's process steps and alerts are applied to their matters,
  and every change — matters, the deadline index, alert records, webhook
  deliveries owed — is written in the block's own write batch. An alert is raised
  once: its deadline leaves the index in the batch that logs the alert.
* **reading**: matters, alerts, reports, for the API and the explorer.
"""

from __future__ import annotations

import logging
import re
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from eth.abc import BlockHeaderAPI

from tiezheng import cbor
from tiezheng.batch import BatchEnvelope
from tiezheng.errors import TiezhengError
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import sm3
from tiezheng.statement import KIND_ALERT, KIND_PROCESS_STEP, Statement
from tiezheng.workflow import (
    CLOCK_SKEW_MS,
    Due,
    Matter,
    StepError,
    WorkCalendar,
    WorkflowTemplate,
    apply_step,
    check_step,
    open_matter,
    read_claim,
    recalculated,
    running_limits,
    watched,
)

from ..evidence.admission import EvidenceRejected
from ..evidence.items import Submission
from ..execution.registry import AgencyInfo, TrailView
from ..store import Store
from ..store.keys import (
    ALERT,
    DUE,
    MATTER,
    META_DEADLINE_CALENDAR,
    META_HEAD,
    META_OUTBOX_BY_WEBHOOK,
    META_POSTINGS,
    META_RUNNING_LIMITS,
    META_WARN_AT,
    META_WEBHOOK_NEXT,
    NOT_APPLIED,
    OUTBOX,
    WEBHOOK,
    WEBHOOK_REMOVED,
)
from .library import WorkflowLibrary
from .postings import alert_postings, facet_prefix, matter_postings, newest_first
from .postings import build as build_postings
from .postings import changes as posting_changes
from .records import (
    ALERTS_STOP,
    FENCES,
    MATTER_END,
    OUTBOX_END,
    AlertRecord,
    Webhook,
    alert_key,
    decode_due,
    decode_matter,
    due_key,
    encode_due,
    encode_matter,
    matter_key,
    outbox_key,
    owed_to,
    owed_to_end,
    parse_old_outbox_key,
    removed_webhook_key,
    webhook_key,
)
from .reports import By, format_rows, in_stage_order, is_late_matter_alert, report
from .supervision import DEFAULT_WARN_AT, Supervision
from .tally import ReportTally, whole_days

log = logging.getLogger("tiezheng.process")

STEP_KIND: Final = KIND_PROCESS_STEP
ALERT_KIND: Final = KIND_ALERT
MAX_ALERTS_PER_BLOCK: Final = 2_000
REPORTS_KEPT: Final = 32
#: How long a report whose bounds fall inside a day waits for the one being read.
REPORT_WAIT_SECONDS: Final = 5.0
#: Why a matter cannot move: deadlines need the working-day calendar ProcessTrail names, as a file here.
_NO_CALENDAR: Final = "no working-day calendar is registered in ProcessTrail, or this node lacks its file"


class ReportBusy(Exception):
    """A report that reads every matter is already being computed."""


@dataclass
class StagedProcess:
    height: int = 0
    writes: dict[bytes, bytes | None] = field(default_factory=dict)
    matters: dict[int, Matter] = field(default_factory=dict)  # changed in this block
    before: dict[int, Matter | None] = field(default_factory=dict)  # those matters as the block found them
    alert_records: list[AlertRecord] = field(default_factory=list)  # raised in this block
    applied: set[bytes] = field(default_factory=set)  # hashes of the process statements sealed (their holds end)
    raised: list[str] = field(default_factory=list)  # event keys of alerts logged
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # what to tell subscribers
    new_alerts: list[int] = field(default_factory=list)


class DuplicateWebhook(Exception):
    """A webhook with that URL and those filters is registered already: every alert would reach it twice."""

    def __init__(self, hook_id: int) -> None:
        super().__init__(f"webhook {hook_id} has that URL and those filters already")
        self.hook_id = hook_id


class ProcessEngine:
    def __init__(
        self,
        store: Store,
        library: WorkflowLibrary,
        trail: TrailView,
        *,
        head: Callable[[], BlockHeaderAPI],
        agency: Callable[[str], AgencyInfo | None],
        chain_code: str,
        supervision: Supervision | None,
        warn_at: float = DEFAULT_WARN_AT,
        clock: Callable[[], float],
        commit_lock: threading.Lock | None = None,
    ) -> None:
        if not 0 <= warn_at < 1:
            raise ValueError("warn_at must lie in [0, 1)")
        self._store = store
        missing = {fence: b"" for fence in FENCES if store.get(fence) is None}
        if missing:
            store.commit(missing)
        if store.get(META_POSTINGS) is None:
            self._build_postings()
        if store.get(META_OUTBOX_BY_WEBHOOK) is None:
            self._key_outbox_by_webhook()
        # Alert records change in three places: blocks (raised, resolved), acknowledgements and
        # webhook deliveries. Each reads, changes and commits the record under this lock, which
        # the block producer holds from staging a block to committing it.
        self.commit_lock = commit_lock or threading.Lock()
        self.library = library
        self._trail = trail
        self._head = head
        self._agency = agency
        self.chain_code = chain_code
        self.supervision = supervision
        self.warn_at = warn_at
        self._clock = clock
        self._lock = threading.Lock()
        with store.scan(WEBHOOK_REMOVED) as rows:  # a few at most: webhooks are removed by hand
            self._removed_webhooks: dict[str, int] = {
                str(int.from_bytes(key[len(WEBHOOK_REMOVED) :], "big")): cbor.decode(value, max_size=16)
                for key, value in rows
            }
        self._tally_lock = threading.Lock()
        self._tally: ReportTally | None = None
        self._held: dict[int, bytes] = {}  # matter → leaf hash of its step waiting for a block
        self._raising: set[str] = set()  # "matter:event" of alerts accepted, not yet sealed
        self.on_change: Callable[[list[tuple[str, dict[str, Any]]]], None] = lambda _events: None
        # Reports read every matter; what they read changes only when a block commits.
        self._reports: OrderedDict[tuple[Any, ...], list[dict[str, object]]] = OrderedDict()
        self._scanning_report = threading.Lock()
        self._advanced = 0  # the height of the last block advance() took in (reports are kept by it)
        self._rewatch_if_warnings_changed()

    def _key_outbox_by_webhook(self) -> None:
        """Once: the deliveries a store written before the outbox was kept by webhook still owes, moved to the
        keys that start with their webhook, in one batch with the marker (a crash leaves the one layout or the
        other). Those owed to a webhook removed since are dropped, as its next round would have dropped them."""
        writes: dict[bytes, bytes | None] = {META_OUTBOX_BY_WEBHOOK: b"1"}
        with self._store.scan_range(OUTBOX, OUTBOX_END) as rows:
            for key, value in rows:
                writes[key] = None
                hook_id, at, alert = parse_old_outbox_key(key)
                if self._store.get(webhook_key(hook_id)) is not None:
                    writes[outbox_key(hook_id, at, alert)] = value
        self._store.commit(writes)

    def keep_running_limits_of_older_matters(self) -> None:
        """Once, when the node opens its store (the calendar needs the chain's head): the open matters stored
        before limits counted from an earlier stage were kept (Matter.running) get theirs, and the deadline
        index watches them, so that a case at 调查取证 on its 90th day raises the alert for 决定 then, not at
        its next step. A deadline passed meanwhile is due at the next block."""
        if self._store.get(META_RUNNING_LIMITS) is not None:
            return
        calendar = self.calendar()
        if calendar is None:
            return  # no step can be applied either; tried again at the next start
        writes: dict[bytes, bytes | None] = {}
        given = unheld = 0
        for matter in list(self.matters(status="open")):
            template = self.library.template(matter.template)
            if template is None:
                unheld += 1  # its file may come with --workflow-dir at a later start: not done until then
                continue
            if matter.running or matter.current is None:
                continue
            running = running_limits(template, calendar, matter.current, matter.steps, {})
            if matter.current in running and matter.stage_deadline is not None:
                # The active stage's deadline was computed when it began, with the calendar then (and an alert
                # raised for it stands): kept, not computed again with today's.
                running[matter.current] = (running[matter.current][0], matter.stage_deadline)
            if not running:
                continue
            after = replace(matter, running=running)
            before_watch, after_watch = self._watching(None, matter), self._watching(None, after)
            writes.update({key: None for key in before_watch.keys() - after_watch.keys()})
            writes.update({key: encode_due(after_watch[key]) for key in after_watch.keys() - before_watch.keys()})
            writes[matter_key(matter.index)] = encode_matter(after)
            given += 1
        if not unheld:
            writes[META_RUNNING_LIMITS] = b"\x01"
        self._store.commit(writes)
        if given:
            log.info("limits counted from earlier stages kept for %d open matters stored before them", given)
        if unheld:
            log.warning(
                "%d open matters follow templates whose files this node lacks: their limits counted from earlier "
                "stages are kept once a start finds the files (--workflow-dir)",
                unheld,
            )

    def _rewatch_if_warnings_changed(self) -> None:
        """Rebuild the deadline index if it was built for another ``warn_at`` (or before that was recorded).

        Its entries are due times, and a warning's due time is a share of its limit:
        entries left from another share would raise warnings at the wrong time, or,
        with warnings now off, an entry nothing removes.
        """
        wanted = struct.pack(">d", self.warn_at)
        if self._store.get(META_WARN_AT) == wanted:
            return
        writes: dict[bytes, bytes | None] = {}
        with self._store.scan_range(DUE, DUE + b"\xff" * 8) as rows:
            for key, _ in rows:
                writes[key] = None
        with self._store.scan_range(MATTER, MATTER_END) as rows:
            open_matters = [m for m in (decode_matter(value) for _, value in rows) if m.status == "open"]
        for matter in open_matters:
            for key, due in self._watching(None, matter).items():
                writes[key] = encode_due(due)
        writes[META_WARN_AT] = wanted
        self._store.commit(writes)
        log.info(
            "deadline index rebuilt for warnings at %g of each limit (%d open matters)", self.warn_at, len(open_matters)
        )

    # Reading

    def matter(self, index: int) -> Matter | None:
        raw = self._store.get(matter_key(index))
        return decode_matter(raw) if raw is not None else None

    def matters(
        self,
        *,
        before: int | None = None,
        status: str | None = None,
        templates: Iterable[bytes] | None = None,
        agency: str | None = None,
        subject: bytes | None = None,
    ) -> Iterator[Matter]:
        """Matters newest first, below the cursor ``before`` (a matter index).

        Given a filter, only matters holding the posting of its most selective
        facet are read; the caller checks every filter on what it gets.
        """
        prefixes = (
            [facet_prefix("matter", "subject", subject)]
            if subject is not None
            else [facet_prefix("matter", "agency", agency)]
            if agency is not None
            else [facet_prefix("matter", "template", t) for t in templates]
            if templates is not None
            else [facet_prefix("matter", "status", status)]
            if status is not None
            else None
        )
        if prefixes is None:
            stop = matter_key(before) if before is not None else MATTER_END
            with self._store.scan_range(MATTER, stop, reverse=True) as rows:
                for _, value in rows:
                    yield decode_matter(value)
            return
        for index in newest_first(self._store, prefixes, below=before):
            matter = self.matter(index)
            if matter is not None:
                yield matter

    def template_hashes(self, template_id: str) -> list[bytes]:
        """The hashes of every version of a template (by its id) this node holds or the chain registered."""
        return [h for h, i in self.template_names().items() if i == template_id]

    def template_of(self, matter: Matter) -> WorkflowTemplate | None:
        return self.library.template(matter.template)

    def template_name(self, template_hash: bytes) -> str:
        """A template's id: from its file, else from the chain's registry (a node started without the file
        still names it as the chain does), else its hash in hex."""
        template = self.library.template(template_hash)
        if template is not None:
            return template.id
        registered = self._trail.template(template_hash, self._head())
        return registered.id if registered is not None else template_hash.hex()

    def template_names(self) -> dict[bytes, str]:
        """Hash → id of every template the chain registered or this node holds a file of."""
        return {info.hash: info.id for info in self._trail.templates(self._head())} | self.library.template_ids

    def alert(self, index: int) -> AlertRecord | None:
        raw = self._store.get(alert_key(index))
        return self._as_read(AlertRecord.decode(raw)) if raw is not None else None

    def _as_read(self, record: AlertRecord) -> AlertRecord:
        """An alert with each delivery owed to a webhook since removed marked withdrawn, when it was removed."""
        for hook, state in record.deliveries.items():
            removed = self._removed_webhooks.get(hook)
            if removed is not None and "delivered" not in state:
                state["withdrawn"] = removed
                state.pop("error", None)  # an error says why it is still owed, which it no longer is
        return record

    def alerts(
        self,
        *,
        before: int | None = None,
        status: str | None = None,
        severity: str | None = None,
        agency: str | None = None,
        templates: Iterable[bytes] | None = None,
    ) -> Iterator[AlertRecord]:
        """Alerts newest first, below ``before``; a filter narrows the reading as for ``matters``."""
        prefixes = (
            [facet_prefix("alert", "agency", agency)]
            if agency is not None
            else [facet_prefix("alert", "template", t) for t in templates]
            if templates is not None
            else [facet_prefix("alert", "status", status)]
            if status is not None
            else [facet_prefix("alert", "severity", severity)]
            if severity is not None
            else None
        )
        if prefixes is None:
            stop = alert_key(before) if before is not None else ALERTS_STOP
            with self._store.scan_range(ALERT, stop, reverse=True) as rows:
                for _, value in rows:
                    yield self._as_read(AlertRecord.decode(value))
            return
        for index in newest_first(self._store, prefixes, below=before):
            record = self.alert(index)
            if record is not None:
                yield record

    def _build_postings(self) -> None:
        """Give a store written before postings existed a posting for every matter and alert, once."""
        with self._store.snapshot() as snapshot:
            matters = (decode_matter(v) for v in snapshot.iterator(start=MATTER, stop=MATTER_END, include_key=False))
            alerts = (
                AlertRecord.decode(v) for v in snapshot.iterator(start=ALERT, stop=ALERTS_STOP, include_key=False)
            )
            writes = dict(build_postings(matters, alerts))
        self._store.commit({**writes, META_POSTINGS: b"1"})

    def report(self, by: By, *, start: int | None = None, stop: int | None = None) -> list[dict[str, object]]:
        """A supervision report (process.reports), computed once per block and kept for the next readers.

        Kept by the height of the last block :meth:`advance` added to the totals (not by the
        head, which moves first: a report read in between would be kept without its block).
        One report is computed at a time, so that requests varying their bounds take one core
        at most, never the producer's; and the totals' lock is held only to copy their rows.
        """
        key = (self._advanced, by, start, stop)
        cached = self._cached_report(key)
        if cached is not None:
            return cached
        if not self._scanning_report.acquire(timeout=REPORT_WAIT_SECONDS):
            raise ReportBusy("another report is being computed; retry shortly")
        try:
            cached = self._cached_report(key)  # computed by the reader this one waited for
            if cached is not None:
                return cached
            rows = self._compute_report(by, start, stop)
        finally:
            self._scanning_report.release()
        with self._lock:
            self._reports[key] = rows
            while len(self._reports) > REPORTS_KEPT:
                self._reports.popitem(last=False)
        return rows

    def _cached_report(self, key: tuple[Any, ...]) -> list[dict[str, object]] | None:
        with self._lock:
            if key in self._reports:
                self._reports.move_to_end(key)
                return self._reports[key]
        return None

    def _compute_report(self, by: By, start: int | None, stop: int | None) -> list[dict[str, object]]:
        template_ids = self.template_names()
        all_time = start is None and stop is None
        days = whole_days(start, stop)
        if all_time or days is not None:
            totals = self._totals()
            with self._tally_lock:  # the producer adds to the totals as blocks commit
                chosen = totals.rows(by) if all_time else totals.days_rows(by, *days)
            rows = format_rows(chosen, template_ids, by=by)
        else:
            # Bounds inside a day read every matter and alert.
            rows = report(self.matters(), self.alerts(), template_ids, by=by, start=start, stop=stop)
        if by == "stage":
            rows = in_stage_order(rows, self.library.stage_positions())
        return rows

    def _totals(self) -> ReportTally:
        """The whole-history report totals, built from a snapshot of the store on first use.

        Built under the lock ``advance`` takes: a block committed before the
        snapshot is in it and is then skipped by height; one committed after is
        added by ``advance`` once the build is done."""
        with self._tally_lock:
            if self._tally is None:
                with self._store.snapshot() as snapshot:
                    raw = snapshot.get(META_HEAD)
                    matters = (
                        decode_matter(value)
                        for value in snapshot.iterator(start=MATTER, stop=MATTER_END, include_key=False)
                    )
                    alerts = (
                        AlertRecord.decode(value)
                        for value in snapshot.iterator(start=ALERT, stop=ALERTS_STOP, include_key=False)
                    )
                    height = int.from_bytes(raw, "big") if raw else 0
                    self._tally = ReportTally.build(height, matters, alerts)
            return self._tally

    def not_applied(self, index: int) -> str | None:
        raw = self._store.get(NOT_APPLIED + index.to_bytes(8, "big"))
        return raw.decode() if raw is not None else None

    def webhooks(self) -> list[Webhook]:
        with self._store.scan(WEBHOOK) as rows:
            return [Webhook.decode(value) for _, value in rows]

    def calendar(self) -> WorkCalendar | None:
        registered = self._trail.calendar(self._head())
        return self.library.calendar(registered) if registered is not None else None

    def calendar_gap(self, now_ms: int) -> str | None:
        """A warning if the registered calendar does not cover this year (or, in December, the next).

        Outside its years only weekends are skipped: public holidays would count as
        working days and deadlines falling after them would be raised early.
        """
        year = self.uncovered_year(now_ms)
        calendar = self.calendar()
        if year is None or calendar is None:
            return None
        return (
            f"the working-day calendar {calendar.id} does not cover {year}: register one that lists "
            f"{year}'s holidays and make-up days, or deadlines in {year} skip weekends only"
        )

    def uncovered_year(self, now_ms: int) -> int | None:
        """This year, or in December the next, if the registered calendar lacks its holidays; else None."""
        calendar = self.calendar()
        if calendar is None:
            return None
        today = calendar.local_day(now_ms)
        for year in (today.year, today.year + 1) if today.month == 12 else (today.year,):
            if not calendar.covers(year):
                return year
        return None

    def next_due(self) -> int | None:
        """The earliest watched deadline or warning point (for the block producer to wake up for)."""
        with self._store.scan_range(DUE, DUE + b"\xff" * 8) as rows:
            first = next(rows, None)
        return int.from_bytes(first[0][1:9], "big") if first else None

    # Submission

    def check(self, statement: Statement, alone: bool) -> Callable[[], None] | None:
        """Admission's check of a process statement; a release for the hold it takes, or None for other kinds."""
        if statement.kind == ALERT_KIND:
            raise EvidenceRejected("alerts are raised by the chain's supervision, not submitted", "reserved-kind", 403)
        if statement.kind != STEP_KIND:
            return None
        if not alone:
            raise EvidenceRejected(
                "process steps are submitted one at a time (each follows the one before)", "process-step-in-batch", 422
            )
        try:
            claim = read_claim(statement)
            if claim.action == "open":
                self._check_open(statement, claim.template or b"", claim.parties)
                return lambda: None
            assert claim.matter is not None
            if claim.matter.chain != self.chain_code:
                raise StepError("meta.matter names a matter of another chain", "unknown-matter", 404, "meta.matter")
            matter = self.matter(claim.matter.index)
            if matter is None:
                raise StepError(f"no matter {claim.matter} on this chain", "unknown-matter", 404, "meta.matter")
            with self._lock:
                if matter.index in self._held:
                    raise StepError(
                        "the matter's previous step is not sealed yet; send this one after the next block",
                        "step-pending",
                        409,
                    )
            template = self.library.template(matter.template)
            if template is None:
                raise StepError("this node does not hold the matter's template file", "unknown-template", 503)
            if self.calendar() is None:  # the step's block could not set its next deadline, nor apply it
                raise StepError(_NO_CALENDAR, "no-calendar", 503)
            check_step(matter, template, statement, claim, self.chain_code, int(self._clock() * 1000))
        except StepError as exc:
            # "(field …)", not "[…]": the command line ends its line with "[code]", and two tags read as one list.
            # A message that names its field already ("meta.next: one of …") does not name it twice.
            named = not exc.field or re.search(rf"(?<![\w.]){re.escape(exc.field)}:", exc.message)
            message = exc.message if named else f"{exc.message} (field {exc.field})"
            raise EvidenceRejected(message, exc.code, exc.status) from None
        with self._lock:
            if matter.index in self._held:
                raise EvidenceRejected(
                    "the matter's previous step is not sealed yet; send this one after the next block",
                    "step-pending",
                    409,
                )
            self._held[matter.index] = statement.hash

        def release() -> None:
            with self._lock:
                if self._held.get(matter.index) == statement.hash:
                    del self._held[matter.index]

        return release

    def _check_open(self, statement: Statement, template_hash: bytes, parties: dict[str, str]) -> None:
        if statement.time > int(self._clock() * 1000) + CLOCK_SKEW_MS:
            # Every later step must not claim an earlier time: a future opening would lock the matter.
            raise StepError("the opening's time is in the future", "time-order", 422, "time")
        info = self._trail.template(template_hash, self._head())
        if info is None:
            raise StepError("meta.template is not registered in ProcessTrail", "unknown-template", 422, "meta.template")
        if not info.active:
            raise StepError(f"template {info.id} r{info.revision} is retired", "template-retired", 422, "meta.template")
        template = self.library.template(template_hash)
        if template is None:
            raise StepError(f"this node does not hold template {info.id} r{info.revision}", "unknown-template", 503)
        if self.calendar() is None:
            raise StepError(_NO_CALENDAR, "no-calendar", 503)
        for role in template.other_roles:
            if role not in parties:
                raise StepError(
                    f"template {template.id} needs the agency for role {role!r}",
                    "missing-party",
                    422,
                    f"meta.party.{role}",
                )
        for role in parties:
            if role not in template.other_roles:
                raise StepError(
                    f"template {template.id} has no role {role!r}", "unknown-role", 422, f"meta.party.{role}"
                )
        self._check_parties(template, statement.agency, parties)

    def _check_parties(self, template: WorkflowTemplate, opener: str, parties: dict[str, str]) -> None:
        """Each agency an opening names is active and, unless it is the opener, bound to its role.

        Checked at admission and again when the opening's block applies it, against that
        block's parent: an unbinding or a revocation sealed in between is not undone.
        """
        for role, code in parties.items():
            found = self._agency(code)
            if found is None or not found.active:
                raise StepError(f"{code} is not an active agency", "unknown-party", 422, f"meta.party.{role}")
            if code != opener and not self._trail.is_bound(template.id, role, code, self._head()):
                # Naming an agency makes it answer for the stage, and take its overdue alerts: only an
                # admin's binding lets one agency's opening do that to another.
                raise StepError(
                    f"{code} is not bound to role {role!r} of template {template.id}: an admin binds it "
                    "(ProcessTrail.bindRole, or tiezheng admin role bind)",
                    "unbound-party",
                    422,
                    f"meta.party.{role}",
                )

    def restore(self, submissions: Iterable[Submission]) -> None:
        """Holds and alerts in flight, from the submissions still pending after a restart.

        Read as leniently as the submission was: a pending statement this engine
        would not have held (an open, or one anchored by another way in an older
        version) is passed over, never allowed to stop the node from starting.
        """
        for submission in submissions:
            for entry in submission.entries:
                if entry.kind == STEP_KIND:
                    statement = Statement.from_cbor(entry.statement)
                    held = _held_matter(statement, self.chain_code)
                    if held is not None:
                        self._held[held] = statement.hash
                elif entry.kind == ALERT_KIND:
                    raising = _raised_event(Statement.from_cbor(entry.statement))
                    if raising is not None:
                        self._raising.add(raising)

    # Block production

    def due_by(self, block_time: int) -> list[Due]:
        """The watched deadlines passed by ``block_time`` whose alerts are not raised yet, earliest first.

        A deadline is the instant the time runs out: a block at it raises the alert, as a step
        sealed at it is late (StepRecord.overdue).

        One range scan of the deadline index, stopped after MAX_ALERTS_PER_BLOCK: its
        cost follows the deadlines that passed, not the matters that are open (a
        backlog after downtime drains over the next blocks).
        """
        found: list[Due] = []
        with self._lock:
            raising = set(self._raising)
        with self._store.scan_range(DUE, DUE + (block_time + 1).to_bytes(8, "big")) as rows:
            for _, value in rows:
                due = decode_due(value)
                if raising and (
                    f"{due.matter}:{due.key}" in raising
                    or (due.severity != "red" and f"{due.matter}:{replace(due, severity='red').key}" in raising)
                ):
                    continue  # in flight, or a warning its red alert in flight makes pointless
                found.append(due)
                if len(found) == MAX_ALERTS_PER_BLOCK:
                    break
        return found

    def raise_due(self, block_time: int) -> RaisingAlerts | None:
        """One batch envelope of alert statements for the deadlines passed by ``block_time`` not raised yet.

        One SM2 signature over the batch root, whatever the burst: signing each
        alert on its own cost more than everything else a busy alert block does.
        From here on they are in flight, not due again, until sealed, or handed
        back with :meth:`not_raised` if they could not be queued.
        """
        if self.supervision is None:
            return None
        due: list[Due] = []
        statements: list[Statement] = []
        for item in self.due_by(block_time):
            matter = self.matter(item.matter)
            if matter is not None:
                due.append(item)
                statements.append(self._alert_statement(matter, item, block_time))
        if not statements:
            return None
        envelope = BatchEnvelope.build(statements, self.supervision.key, block_time).to_cbor()
        events = frozenset(f"{item.matter}:{item.key}" for item in due)
        with self._lock:
            self._raising.update(events)
        return RaisingAlerts(envelope, events)

    def not_raised(self, raising: RaisingAlerts) -> None:
        """Alerts :meth:`raise_due` made that were never queued: due again at the next block."""
        with self._lock:
            self._raising.difference_update(raising.events)

    def _alert_statement(self, matter: Matter, due: Due, block_time: int) -> Statement:
        assert self.supervision is not None
        key = self.supervision.key
        template = self.library.template(matter.template)
        payload = {
            "matter": str(EvidenceId(self.chain_code, matter.index)),
            "event": due.key,
            "severity": due.severity,
            "scope": due.scope,
            "deadline": due.deadline,
            "template": template.id if template else matter.template.hex(),
        }
        return Statement(
            kind=ALERT_KIND,
            digest=sm3(cbor.encode(payload)),
            agency=self.supervision.agency,
            key=key.public_key().key_id,
            time=block_time,
            subject=matter.subject,
            stage=due.stage,
            prev=str(EvidenceId(self.chain_code, matter.last_index)),
            meta=payload,
        )

    def stage(self, submissions: list[Submission], block_time: int, height: int) -> StagedProcess:
        """Apply block ``height``'s process steps and alerts; every write goes into the block's batch."""
        staged = StagedProcess(height)
        calendar = self.calendar()
        if calendar is not None:
            self._follow_calendar(staged, calendar)
        hooks = self.webhooks()  # once per block, not once per alert: a busy block carries a thousand
        for submission in submissions:
            for offset, entry in enumerate(submission.entries):
                if entry.kind not in (STEP_KIND, ALERT_KIND):
                    continue
                index = submission.first_index + offset
                statement = Statement.from_cbor(entry.statement)
                try:
                    if entry.kind == STEP_KIND:
                        self._apply_step(staged, statement, index, block_time, calendar)
                    else:
                        self._apply_alert(staged, statement, index, block_time, hooks)
                except (StepError, TiezhengError) as exc:
                    reason = exc.message if isinstance(exc, StepError | TiezhengError) else str(exc)
                    staged.writes[NOT_APPLIED + index.to_bytes(8, "big")] = reason.encode()
                    log.warning("process statement %s not applied: %s", index, reason)
                    refused = _raised_event(statement) if entry.kind == ALERT_KIND else None
                    if refused is not None:
                        staged.raised.append(refused)  # no longer in flight: due again when its time comes
                staged.applied.add(statement.hash)
        return staged

    def behind_calendar(self) -> bool:
        """A calendar was registered that the open matters' deadlines were not computed with yet."""
        calendar = self.calendar()
        if calendar is None:
            return False
        followed = self._store.get(META_DEADLINE_CALENDAR)
        if followed is None and next(self.matters(status="open"), None) is None:
            # A new chain (or one without open matters): no deadline to move, and no block needed to say so.
            self._store.commit({META_DEADLINE_CALENDAR: calendar.hash})
            return False
        return followed != calendar.hash

    def _follow_calendar(self, staged: StagedProcess, calendar: WorkCalendar) -> None:
        """The first block after a calendar is registered computes the running deadlines again with it.

        Once a year (next year's holidays), so every open matter is read: a deadline set
        in November that runs into January skipped weekends only, New Year's Day included.
        """
        if self._store.get(META_DEADLINE_CALENDAR) == calendar.hash:
            return
        moved = 0
        unheld: set[bytes] = set()
        for matter in self.matters(status="open"):
            template = self.library.template(matter.template)
            if template is None:
                unheld.add(matter.template)
                continue
            raised = self._raised_events(staged, matter)  # red alerts raised stand
            after = recalculated(matter, template, calendar, raised)
            if after is not matter:
                self._move(staged, matter, after)
                moved += 1
        staged.writes[META_DEADLINE_CALENDAR] = calendar.hash
        if moved:
            log.info("calendar %s in force: the deadlines of %d open matters computed again", calendar.id, moved)
        if unheld:
            # Their steps cannot be checked here either (503 unknown-template): the operator must add the files.
            log.warning(
                "calendar %s in force, but this node lacks the files of templates %s: their open matters keep "
                "the deadlines computed before",
                calendar.id,
                ", ".join(sorted(h.hex()[:16] for h in unheld)),
            )

    def _current(self, staged: StagedProcess, index: int) -> Matter | None:
        return staged.matters.get(index) or self.matter(index)

    def _move(self, staged: StagedProcess, before: Matter | None, after: Matter) -> None:
        """Stage a matter's change and the change of what the deadline index watches for it.

        Only the difference is written: a deadline watched before and after the change
        keeps its entry as it is, and one whose alert was raised is watched by neither,
        so no step can put a raised alert's deadline back (it would be raised again).
        """
        old = self._watching(staged, before) if before is not None else {}
        new = self._watching(staged, after)
        for key in old.keys() - new.keys():
            staged.writes[key] = None
        for key in new.keys() - old.keys():
            staged.writes[key] = encode_due(new[key])
        self._changing(staged, before, after)

    def _watching(self, staged: StagedProcess | None, matter: Matter) -> dict[bytes, Due]:
        """The deadline index entries of a matter: what ``watched`` names, less the events already raised.

        A warning whose red alert was raised is not watched either: it can only be late
        (a restart that lowered ``warn_at`` past it), and would say less than the alert did.
        Nor is a deadline an alert of the same severity was raised for under another event
        (a matter stored before its limits counted from earlier stages were kept apart).
        """
        records = self._raised_records(staged, matter)
        raised = {record.event for record in records}
        told = {(record.severity, record.scope, record.stage, record.deadline) for record in records}
        return {
            due_key(d): d
            for d in watched(matter, self.warn_at)
            if d.key not in raised
            and replace(d, severity="red").key not in raised  # no warning after the red alert
            and (d.severity, d.scope, d.stage, d.deadline) not in told
        }

    def _raised_events(self, staged: StagedProcess | None, matter: Matter) -> set[str]:
        return {record.event for record in self._raised_records(staged, matter)}

    def _raised_records(self, staged: StagedProcess | None, matter: Matter) -> list[AlertRecord]:
        records = []
        for alert_index in matter.alerts:
            record = self._pending_alert(staged, alert_index) if staged is not None else self.alert(alert_index)
            if record is not None:
                records.append(record)
        return records

    @staticmethod
    def _changing(staged: StagedProcess, before: Matter | None, after: Matter) -> None:
        """Stage a matter's new state, remembering the state the block found it in."""
        if after.index not in staged.matters:
            staged.before[after.index] = before
        staged.writes[matter_key(after.index)] = encode_matter(after)
        staged.writes.update(posting_changes(matter_postings(before) if before else set(), matter_postings(after)))
        staged.matters[after.index] = after

    def _apply_step(
        self, staged: StagedProcess, statement: Statement, index: int, block_time: int, calendar: WorkCalendar | None
    ) -> None:
        claim = read_claim(statement)
        if calendar is None:
            raise StepError(_NO_CALENDAR, "no-calendar")
        if claim.action == "open":
            info = self._trail.template(claim.template or b"", self._head())
            template = self.library.template(claim.template or b"")
            if info is None or not info.active or template is None:
                raise StepError(
                    "meta.template is not an active registered template this node holds", "unknown-template"
                )
            self._check_parties(template, statement.agency, claim.parties)
            matter = open_matter(template, calendar, statement, claim, index, block_time)
            self._move(staged, None, matter)
            staged.events.append(("matter", self._matter_event(matter, "opened")))
            return
        assert claim.matter is not None
        before = self._current(staged, claim.matter.index) if claim.matter.chain == self.chain_code else None
        if before is None:
            raise StepError(f"no matter {claim.matter}", "unknown-matter")
        template = self.library.template(before.template)
        if template is None:
            raise StepError("the matter's template file is missing", "unknown-template")
        after = apply_step(before, template, calendar, statement, claim, index, block_time, self.chain_code)
        self._move(staged, before, after)
        self._resolve(staged, before, after, block_time)
        staged.events.append(("matter", self._matter_event(after, "closed" if after.status == "closed" else "step")))

    def _resolve(self, staged: StagedProcess, before: Matter, after: Matter, block_time: int) -> None:
        """Alerts about a stage end when the stage is left (one whose limit runs from an earlier stage:
        when it is approved); alerts about the matter when it closes."""
        for alert_index in after.alerts:
            record = self._pending_alert(staged, alert_index)
            if record is None or record.status == "resolved":
                continue
            if record.scope == "stage" and record.stage in before.running:
                limit = after.running.get(record.stage)
                stage_done = limit is None or limit[1] != record.deadline
            else:
                stage_done = record.scope == "stage" and (
                    after.current != record.stage or after.activated != before.activated
                )
            if stage_done or after.status == "closed":
                held = alert_postings(record)
                record.status, record.resolved_at = "resolved", block_time
                staged.writes[alert_key(alert_index)] = record.encode()
                staged.writes.update(posting_changes(held, alert_postings(record)))
                staged.events.append(("alert", self.alert_event(record)))

    def _pending_alert(self, staged: StagedProcess, index: int) -> AlertRecord | None:
        raw = staged.writes.get(alert_key(index)) or self._store.get(alert_key(index))
        return AlertRecord.decode(raw) if raw else None

    def _apply_alert(
        self, staged: StagedProcess, statement: Statement, index: int, block_time: int, hooks: list[Webhook]
    ) -> None:
        registered = self._agency(statement.agency)
        if (
            self.supervision is None
            or statement.agency != self.supervision.agency
            or registered is None
            or sm3(registered.public_key) != statement.key
        ):
            raise StepError("an alert must come from the chain's supervision key", "not-supervision")
        meta = dict(statement.meta or {})
        matter_id = EvidenceId.parse(str(meta.get("matter")))
        matter = self._current(staged, matter_id.index)
        if matter is None:
            raise StepError("the alert names no matter", "unknown-matter")
        event = meta.get("event")
        # An event raised already (an alert in flight over a restart that changed ``warn_at``, say) is not due twice.
        watching = self._watching(staged, matter)
        due = next((d for d in watching.values() if d.key == event), None)
        if due is not None and due.at > block_time:
            # Whoever holds the supervision key cannot raise an alert ahead of its time.
            raise StepError("the alert was raised before its deadline (or warning point) passed", "early-alert")
        template = self.library.template(matter.template)
        # The stage from the alert itself: a step sealed just ahead of it in the same block moved the
        # matter on (``due`` is None then), and the alert is still that stage's agency's.
        stage = template.stage(statement.stage) if template and statement.stage else None
        charged = stage
        held = _stage_held_after(matter, template, statement.prev) if template else None
        if stage is not None and template and stage.limit and stage.limit.since and held not in (None, stage.key):
            # A limit counted from an earlier stage, run out before its stage came: whoever held the matter
            # when the alert was raised is behind, not the agency of a stage it had not reached. Read from the
            # alert's prev (the matter's latest step then): steps sealed since may have handed it on.
            charged = template.stage(held or "") or stage
        record = AlertRecord(
            index=index,
            matter=matter.index,
            severity=str(meta.get("severity")),
            scope=str(meta.get("scope")),
            stage=statement.stage,
            deadline=int(meta.get("deadline", 0)),
            raised=block_time,
            event=str(meta.get("event")),
            agency=matter.agency_for(charged) if charged else matter.owner,
            template=matter.template,
        )
        if due is None:
            record.status, record.resolved_at = "resolved", block_time  # the matter moved on meanwhile
        staged.raised.append(f"{matter.index}:{record.event}")
        template_id = template.id if template else ""
        for hook in hooks:
            if hook.wants(record, template_id):
                staged.writes[outbox_key(hook.id, block_time, index)] = cbor.encode([0, None])
                record.deliveries[str(hook.id)] = {"attempts": 0}
        staged.writes[alert_key(index)] = record.encode()
        staged.writes.update(posting_changes(set(), alert_postings(record)))
        alerted = replace(matter, alerts=(*matter.alerts, index))
        self._unwatch(staged, watching, alerted, record.event)
        self._changing(staged, matter, alerted)
        staged.new_alerts.append(index)
        staged.alert_records.append(record)
        staged.events.append(("alert", self.alert_event(record)))

    def _unwatch(self, staged: StagedProcess, watching: dict[bytes, Due], alerted: Matter, event: str) -> None:
        """Take out of the deadline index what the alert just staged ends: its own entry, and a
        warning its red alert makes pointless; an entry left behind would be raised as a stray alert.

        The event's own entry goes even when it was no longer watched (raised already, the
        entry left behind by an earlier version of this rule).
        """
        for key in watching.keys() - self._watching(staged, alerted).keys():
            staged.writes[key] = None
        for due in watched(alerted, self.warn_at):
            if due.key == event:
                staged.writes[due_key(due)] = None

    def advance(self, staged: StagedProcess) -> None:
        """After the block's commit: end the holds of applied steps, forget raised alerts, add to the
        report totals, tell subscribers."""
        with self._lock:
            for name in staged.raised:
                self._raising.discard(name)
            for matter, held in list(self._held.items()):
                if held in staged.applied:
                    del self._held[matter]
        with self._tally_lock:
            tally = self._tally
            if tally is not None and staged.height > tally.height:
                # Alerts first: a matter late and closed in the block its late alert is raised in is counted
                # late once, by the alert, or by its closing if it was completed late (as reports.late_time).
                for record in staged.alert_records:
                    # Only a late alert asks after its matter: a burst of 2,000 alerts need not read 2,000 matters.
                    closed = (
                        (staged.matters.get(record.matter) or self.matter(record.matter))
                        if is_late_matter_alert(record)
                        else None
                    )
                    tally.alert_raised(record, completed_late=closed is not None and closed.completed_late)
                for index, after in staged.matters.items():
                    tally.matter_changed(staged.before[index], after)
                tally.height = staged.height
            # Only now: a report kept for this block must find it in the totals.
            self._advanced = staged.height
        if staged.events:
            self.on_change(staged.events)

    # Supervisors

    def acknowledge(
        self, index: int, by: str, at_ms: int, *, also: Mapping[bytes, bytes | None] | None = None
    ) -> AlertRecord:
        """Acknowledge an open alert; ``also`` goes in the same write (the admin line it spends)."""
        with self.commit_lock:
            record = self.alert(index)
            if record is None:
                raise KeyError(index)
            if record.status != "open":
                return record  # acknowledged or resolved already: nothing changes, nothing to announce
            held = alert_postings(record)
            record.status, record.acknowledged_by, record.acknowledged_at = "acknowledged", by, at_ms
            self._store.commit(
                {**(also or {}), alert_key(index): record.encode(), **posting_changes(held, alert_postings(record))}
            )
        self.on_change([("alert", self.alert_event(record))])
        return record

    def add_webhook(
        self,
        url: str,
        *,
        severities: list[str],
        agencies: list[str],
        templates: list[str],
        by: str,
        also: Mapping[bytes, bytes | None] | None = None,
    ) -> Webhook:
        with self._lock:
            for hook in self.webhooks():
                if hook.url == url and all(
                    sorted(mine) == sorted(theirs)
                    for mine, theirs in (
                        (severities, hook.severities), (agencies, hook.agencies), (templates, hook.templates)
                    )
                ):  # fmt: skip
                    raise DuplicateWebhook(hook.id)
            raw = self._store.get(META_WEBHOOK_NEXT)
            hook_id = int.from_bytes(raw, "big") if raw else 1
            hook = Webhook(hook_id, url, severities, agencies, templates, int(self._clock() * 1000), by)
            following = (hook_id + 1).to_bytes(4, "big")
            self._store.commit({**(also or {}), webhook_key(hook_id): hook.encode(), META_WEBHOOK_NEXT: following})
        return hook

    def remove_webhook(self, hook_id: int, *, also: Mapping[bytes, bytes | None] | None = None) -> bool:
        """Remove a webhook with the deliveries still owed to it: under the lock blocks are built with, so that
        none raised meanwhile is owed to it afterwards."""
        with self.commit_lock, self._lock:  # in the order blocks take them
            if self._store.get(webhook_key(hook_id)) is None:
                return False
            with self._store.scan_range(owed_to(hook_id), owed_to_end(hook_id)) as rows:
                owed = dict.fromkeys((key for key, _ in rows), None)
            # The alerts it was still owed read as withdrawn from now on (see alert()): marked once here,
            # not by rewriting each of them, which for a receiver down a long while would hold up blocks.
            withdrawn = int(self._clock() * 1000)
            marker = {removed_webhook_key(hook_id): cbor.encode(withdrawn)}
            self._store.commit({**(also or {}), **owed, **marker, webhook_key(hook_id): None})
            self._removed_webhooks[str(hook_id)] = withdrawn
        return True

    # Events

    def alert_event(self, record: AlertRecord) -> dict[str, Any]:
        return {
            "id": str(EvidenceId(self.chain_code, record.index)),
            "matter": str(EvidenceId(self.chain_code, record.matter)),
            "severity": record.severity,
            "scope": record.scope,
            "stage": record.stage,
            "agency": record.agency,
            "template": self.template_name(record.template),
            "template_hash": record.template.hex(),
            "deadline": record.deadline,
            "raised": record.raised,
            "status": record.status,
        }

    def _matter_event(self, matter: Matter, what: str) -> dict[str, Any]:
        return {
            "matter": str(EvidenceId(self.chain_code, matter.index)),
            "event": what,
            "stage": matter.current,
            "status": matter.status,
            "deadline": matter.stage_deadline,
        }


@dataclass(frozen=True)
class RaisingAlerts:
    """The alert envelope :meth:`ProcessEngine.raise_due` signed, and the "matter:event" names it raises."""

    envelope: bytes
    events: frozenset[str]


def _stage_held_after(matter: Matter, template: WorkflowTemplate, prev: str | None) -> str | None:
    """The stage the matter was at once its step ``prev`` (an evidence ID) was applied, or None if unknown."""
    if prev is None:
        return None
    try:
        index = EvidenceId.parse(prev).index
    except TiezhengError:
        return None
    if index == matter.index:
        return template.start.key
    return next((step.next for step in matter.steps if step.index == index), None)


def _held_matter(statement: Statement, chain_code: str) -> int | None:
    """The matter a pending step holds, as ``check`` took the hold; None for an open, or a step it refuses."""
    try:
        claim = read_claim(statement)
    except StepError:
        return None
    if claim.matter is None or claim.matter.chain != chain_code:
        return None
    return claim.matter.index


def _raised_event(statement: Statement) -> str | None:
    """The "matter:event" an alert in flight raises, or None if its meta does not name them."""
    meta = dict(statement.meta or {})
    matter, event = meta.get("matter"), meta.get("event")
    if type(matter) is not str or type(event) is not str:
        return None
    try:
        return f"{EvidenceId.parse(matter).index}:{event}"
    except TiezhengError:
        return None
