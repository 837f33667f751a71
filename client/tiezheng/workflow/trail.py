"""A matter's process trail: how ``process-step`` statements open a matter, move it through its template, close it.

Pure functions over plain data, shared by the node (which checks each step at
submission and applies it when its block is sealed) and by anyone re-checking a
trail from its statements. Times are the chain's block times; the claimed times
in the statements must agree with the order of the steps.

How a statement takes part in a trail (its fields and meta keys) is laid out in
docs/workflow.md: ``meta.action`` says open or close (a step by default),
``meta.matter`` names the matter by the evidence ID of its opening, ``prev`` the
matter's latest step, so that the steps form a chain of custody.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from ..errors import EvidenceIdError
from ..evidence_id import EvidenceId
from ..statement import DOCUMENT_NUMBER_PATTERN, Statement
from .calendar import Limit, WorkCalendar
from .template import BOOLEAN_STEP_FIELDS, DECISIONS, OWNER, Stage, WorkflowTemplate

KIND: Final = "process-step"
CLOCK_SKEW_MS: Final = 5 * 60 * 1000
#: The outcomes of a matter that reached its end (last stage approved, or a stage rejected), kept for those:
#: a matter closed early under one of them would pass for a completion in the timeline and the reports.
COMPLETION_OUTCOMES: Final = ("completed", "rejected")
Action = Literal["open", "step", "close"]


class StepError(Exception):
    """A process step the template does not allow: ``code`` and ``status`` for the API, ``field`` named."""

    def __init__(self, message: str, code: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.field = field


@dataclass(frozen=True)
class Claim:
    """What a ``process-step`` statement says about its matter, read from its fields and meta."""

    action: Action
    matter: EvidenceId | None = None
    template: bytes | None = None
    parties: dict[str, str] = field(default_factory=dict)
    decision: str | None = None
    next: str | None = None
    outcome: str | None = None


def read_claim(statement: Statement) -> Claim:
    meta = dict(statement.meta or {})
    action = meta.get("action", "step")
    if action not in ("open", "step", "close"):
        raise StepError(
            "meta.action must be open, step or close (or absent for a step)", "bad-action", field="meta.action"
        )
    if statement.subject is None:
        raise StepError("a process step needs a subject (SM3 of the matter's number)", "missing-field", field="subject")
    if action == "open":
        template = meta.get("template")
        if template is None:
            raise StepError("opening a matter names its template", "missing-field", field="meta.template")
        if type(template) is not str or len(template) != 64:
            raise StepError("meta.template must be the template's SM3 hash in hex", "bad-field", field="meta.template")
        try:
            template_hash = bytes.fromhex(template)
        except ValueError:
            raise StepError("meta.template must be hex", "bad-field", field="meta.template") from None
        if statement.stage is not None or statement.prev is not None:
            raise StepError("opening a matter takes no stage and no prev", "bad-field", field="stage")
        if "matter" in meta:
            raise StepError(
                "opening a matter takes no meta.matter: the opening statement's own evidence ID names the matter",
                "bad-field",
                field="meta.matter",
            )
        parties = {k[6:]: v for k, v in meta.items() if k.startswith("party.")}
        if any(type(v) is not str for v in parties.values()):
            raise StepError("meta.party.<role> must be agency codes", "bad-field", field="meta.party")
        return Claim("open", template=template_hash, parties=parties)
    matter_text = meta.get("matter")
    if matter_text is None:
        raise StepError("a step names its matter's evidence ID (meta.matter)", "missing-field", field="meta.matter")
    if type(matter_text) is not str:
        raise StepError("meta.matter must be the matter's evidence ID", "bad-field", field="meta.matter")
    try:
        matter = EvidenceId.parse(matter_text)
    except EvidenceIdError as exc:
        raise StepError(f"meta.matter: {exc.message}", exc.code, field="meta.matter") from None
    if statement.prev is None:
        raise StepError("a step names the matter's latest step as prev", "missing-field", field="prev")
    if action == "close":
        outcome = meta.get("outcome", "withdrawn")
        if type(outcome) is not str or not outcome.strip():
            raise StepError("meta.outcome must be text", "bad-field", field="meta.outcome")
        if outcome.strip().casefold() in COMPLETION_OUTCOMES:  # nor one spelled another way
            raise StepError(
                f"meta.outcome {outcome!r} is what a matter's last stage records; a matter closed before it was "
                "withdrawn, transferred, …",
                "bad-field",
                field="meta.outcome",
            )
        return Claim("close", matter=matter, outcome=outcome)
    if statement.stage is None:
        raise StepError("a step names its stage", "missing-field", field="stage")
    decision = meta.get("decision")
    if decision is None:
        raise StepError("a step carries its decision (meta.decision)", "missing-field", field="meta.decision")
    if decision not in DECISIONS:
        raise StepError("meta.decision must be approve, return or reject", "bad-decision", field="meta.decision")
    following = meta.get("next")
    if following is not None and type(following) is not str:
        raise StepError("meta.next must name a stage", "bad-field", field="meta.next")
    return Claim("step", matter=matter, decision=decision, next=following)


@dataclass(frozen=True)
class StepRecord:
    index: int
    stage: str
    decision: str
    agency: str
    claimed: int
    sealed: int
    activated: int
    deadline: int | None
    next: str | None

    @property
    def overdue(self) -> bool:
        # The deadline is the instant the time runs out (a local midnight): a step sealed at it is late.
        return self.deadline is not None and self.sealed >= self.deadline


@dataclass(frozen=True)
class Matter:
    index: int  # leaf index of the opening statement: the matter's evidence ID names it
    template: bytes
    subject: bytes
    owner: str
    parties: dict[str, str]
    opened: int
    opened_claimed: int
    deadline: int | None  # the whole matter's, if the template sets one
    current: str | None  # the active stage; None once closed
    activated: int  # when the active stage became active
    stage_deadline: int | None
    last_index: int
    last_claimed: int  # the latest time a step claimed (another agency's may claim a little earlier)
    status: Literal["open", "closed"] = "open"
    outcome: str | None = None
    closed: int | None = None
    completed: dict[str, int] = field(default_factory=dict)  # stage → block time of its last completion
    steps: tuple[StepRecord, ...] = ()
    alerts: tuple[int, ...] = ()  # leaf indexes of the alerts raised about it
    # Limits that run from an earlier stage's completion (决定's 90 days from 立案): stage → (start, deadline),
    # watched from that completion until the stage is approved, whatever stage the matter is at meanwhile.
    running: dict[str, tuple[int, int]] = field(default_factory=dict)

    def agency_for(self, stage: Stage) -> str:
        return self.owner if stage.role == OWNER else self.parties.get(stage.role, "")

    def stage_overdue(self, now_ms: int) -> bool:
        """The active stage's time ran out: at its deadline or after (a step sealed at it is late too)."""
        return self.status == "open" and self.stage_deadline is not None and self.stage_deadline <= now_ms

    def later_stage_overdue(self, now_ms: int) -> bool:
        """A limit counted from an earlier stage ran out for a stage the matter has not reached yet."""
        return self.status == "open" and any(
            deadline <= now_ms for stage, (_, deadline) in self.running.items() if stage != self.current
        )

    def matter_overdue(self, now_ms: int) -> bool:
        """The whole matter's time ran out while it is open."""
        return self.status == "open" and self.deadline is not None and self.deadline <= now_ms

    @property
    def completed_late(self) -> bool:
        """It reached its end at or after its overall deadline (the reports count it late)."""
        return (
            self.outcome in COMPLETION_OUTCOMES
            and self.closed is not None
            and self.deadline is not None
            and self.closed >= self.deadline
        )

    def to_value(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "template": self.template,
            "subject": self.subject,
            "owner": self.owner,
            "parties": self.parties,
            "opened": self.opened,
            "opened_claimed": self.opened_claimed,
            "deadline": self.deadline,
            "current": self.current,
            "activated": self.activated,
            "stage_deadline": self.stage_deadline,
            "last_index": self.last_index,
            "last_claimed": self.last_claimed,
            "status": self.status,
            "outcome": self.outcome,
            "closed": self.closed,
            "completed": self.completed,
            "steps": [
                [s.index, s.stage, s.decision, s.agency, s.claimed, s.sealed, s.activated, s.deadline, s.next]
                for s in self.steps
            ],
            "alerts": list(self.alerts),
            "running": {stage: list(times) for stage, times in self.running.items()},
        }

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Matter:
        steps = tuple(StepRecord(*item) for item in value["steps"])
        # A matter stored before running limits were kept has none: a node computes them once as it opens its
        # store (ProcessEngine.keep_running_limits_of_older_matters), and every step after.
        running = {stage: (start, deadline) for stage, (start, deadline) in value.get("running", {}).items()}
        return cls(**{**value, "steps": steps, "alerts": tuple(value["alerts"]), "running": running})


def deadline_for(calendar: WorkCalendar, limit: Limit | None, activated: int, completed: dict[str, int]) -> int | None:
    if limit is None:
        return None
    start = completed.get(limit.since, activated) if limit.since else activated
    return calendar.deadline(start, limit)


def running_limits(
    template: WorkflowTemplate,
    calendar: WorkCalendar,
    current: str | None,
    steps: tuple[StepRecord, ...],
    kept: dict[str, tuple[int, int]],
) -> dict[str, tuple[int, int]]:
    """The limits counted from an earlier stage that run now: stage → (start, deadline).

    A stage's limit with ``since`` runs from the latest approval of that earlier stage until
    a step approves the stage, if the matter at ``current`` can still reach it. A limit
    whose start is unchanged keeps the deadline computed when it started (``kept``), with
    the calendar registered then, as every deadline does.
    """
    if current is None:
        return {}
    reachable = _reachable(template, current)
    running: dict[str, tuple[int, int]] = {}
    for stage in template.stages:
        limit = stage.limit
        if limit is None or limit.since is None or stage.key not in reachable:
            continue
        # Completed: approved. A return from the earlier stage sends the matter back before it; the limit
        # starts when the earlier stage is approved again.
        started = [p for p, step in enumerate(steps) if step.stage == limit.since and step.decision == "approve"]
        if not started:
            continue
        after = steps[started[-1] + 1 :]
        if any(step.stage == stage.key and step.decision == "approve" for step in after):
            continue
        start = steps[started[-1]].sealed
        previous = kept.get(stage.key)
        running[stage.key] = previous if previous and previous[0] == start else (start, calendar.deadline(start, limit))
    return running


def _reachable(template: WorkflowTemplate, key: str) -> set[str]:
    """The stages a matter at ``key`` may still come to, itself included, forward or by returns."""
    found, frontier = {key}, [key]
    while frontier:
        stage = template.by_key[frontier.pop()]
        for target in (*stage.next, *stage.returns):
            if target not in found:
                found.add(target)
                frontier.append(target)
    return found


def open_matter(
    template: WorkflowTemplate,
    calendar: WorkCalendar,
    statement: Statement,
    claim: Claim,
    index: int,
    block_time: int,
) -> Matter:
    missing = [r for r in template.other_roles if r not in claim.parties]
    if missing:
        raise StepError(
            f"template {template.id} needs the agency for role {missing[0]!r} (meta.party.{missing[0]})",
            "missing-party",
            field=f"meta.party.{missing[0]}",
        )
    unknown = [r for r in claim.parties if r not in template.roles or r == OWNER]
    if unknown:
        raise StepError(
            f"template {template.id} has no role {unknown[0]!r}", "unknown-role", field=f"meta.party.{unknown[0]}"
        )
    start = template.start
    assert statement.subject is not None
    return Matter(
        index=index,
        template=template.hash,
        subject=statement.subject,
        owner=statement.agency,
        parties=dict(claim.parties),
        opened=block_time,
        opened_claimed=statement.time,
        deadline=calendar.deadline(block_time, template.limit) if template.limit else None,
        current=start.key,
        activated=block_time,
        stage_deadline=deadline_for(calendar, start.limit, block_time, {}),
        last_index=index,
        last_claimed=statement.time,
    )


def earliest_claim(matter: Matter, agency: str) -> int:
    """The earliest time ``agency`` may claim for the matter's next step.

    Never before its own latest claim (one clock does not go back), and no more than
    CLOCK_SKEW_MS before any agency's latest: clocks of agencies differ a little.
    """
    own = [step.claimed for step in matter.steps if step.agency == agency]
    if not matter.steps and agency == matter.owner:
        own.append(matter.last_claimed)  # the opening's claim
    return max([*own, matter.last_claimed - CLOCK_SKEW_MS])


def check_step(
    matter: Matter, template: WorkflowTemplate, statement: Statement, claim: Claim, chain: str, now_ms: int
) -> Stage:
    """Raise StepError unless this step may follow the matter's state now; the stage it completes."""
    if matter.status != "open":
        raise StepError(f"matter {EvidenceId(chain, matter.index)} is closed ({matter.outcome})", "matter-closed", 409)
    if statement.subject != matter.subject:
        raise StepError("the step's subject is not the matter's", "subject-mismatch", field="subject")
    latest = str(EvidenceId(chain, matter.last_index))
    if statement.prev is None or EvidenceId.parse(statement.prev) != EvidenceId(chain, matter.last_index):
        raise StepError(
            f"prev must be the matter's latest step {latest}: the steps form a chain of custody",
            "wrong-prev",
            409,
            field="prev",
        )
    if statement.time < earliest_claim(matter, statement.agency):
        raise StepError(
            "the step's time is before the previous step's: a step cannot precede the one it follows",
            "time-order",
            field="time",
        )
    if statement.time > now_ms + CLOCK_SKEW_MS:
        raise StepError("the step's time is in the future", "time-order", field="time")
    if claim.action == "close":
        if statement.agency != matter.owner:
            raise StepError("only the agency that opened the matter may close it", "wrong-agency", 403, field="agency")
        assert matter.current is not None
        return template.by_key[matter.current]
    assert matter.current is not None
    current = template.by_key[matter.current]
    if statement.stage != current.key:
        target = template.stage(statement.stage or "")
        if target is None:
            raise StepError(f"{statement.stage!r} is not a stage of {template.id}", "unknown-stage", field="stage")
        raise StepError(
            f"the matter is at {current.key}: a step at {target.key} is out of order (it would skip or repeat stages)",
            "wrong-stage",
            409,
            field="stage",
        )
    responsible = matter.agency_for(current)
    if statement.agency != responsible:
        raise StepError(
            f"stage {current.key} is handled by {responsible} (role {current.role}), not {statement.agency}",
            "wrong-agency",
            403,
            field="agency",
        )
    if claim.decision not in current.decisions:
        raise StepError(
            f"at {current.key} the decision may be {', '.join(current.decisions)}, not {claim.decision}",
            "bad-decision",
            field="meta.decision",
        )
    _check_fields(current, statement, matter, template, claim.decision or "")
    following = _next_stage(template, matter, current, claim, statement)
    if claim.decision == "approve":
        _check_branch(template, current, following, statement)
        if following is not None:
            _check_order(template, matter, current, following)
    return current


def done_since_sent_back(template: WorkflowTemplate, matter: Matter) -> set[str]:
    """The stages a step approved that no later return sent the matter back to, or back before.

    A return to T asks for T and the stages after it again; approvals of stages before T
    still stand (a return to 调查取证 does not undo the 立案).
    """
    done: set[str] = set()
    sent_back: set[str] = set()  # stages a later return asks for again
    for step in reversed(matter.steps):
        if step.decision == "return" and step.next is not None:
            sent_back |= {step.next} | template.ahead_of(step.next)
        elif step.decision == "approve" and step.stage not in sent_back:
            done.add(step.stage)
    return done


def _entry_refusal(template: WorkflowTemplate, matter: Matter, stage: Stage, target: str) -> str | None:
    """Why approving ``stage`` may not move the matter on to ``target``, or None.

    A stage that ``requires`` others is entered only once they are done; and a stage some
    stage requires is not entered twice going forward (stages done in either order, 送达
    and 公示, offer each other as next, and must not alternate). A return asks for what it
    sends the matter back to, and what follows, again.
    """
    done = done_since_sent_back(template, matter) | {stage.key}
    if target in done and target in template.required_somewhere:
        return f"{target} is done already: going forward, a matter passes it once"
    missing = [required for required in template.by_key[target].requires if required not in done]
    if missing:
        return f"{target} follows only once {' and '.join(missing)} is done"
    return None


def _check_order(template: WorkflowTemplate, matter: Matter, stage: Stage, following: str) -> None:
    refusal = _entry_refusal(template, matter, stage, following)
    if refusal is not None:
        raise StepError(refusal, "bad-transition", field="meta.next")


#: Fields that record what a stage put out (the document it issued, its publication): a return puts out neither.
STAGE_OUTPUT_FIELDS: Final = frozenset({"document_no", "published_at"})

#: What each known step field must hold, checked wherever it appears (a stage's ``fields`` make it required).
FIELD_RULES: Final[dict[str, tuple[Callable[[object], bool], str]]] = {
    "before": (lambda v: type(v) is bytes and len(v) == 32, "the SM3 digest (32 bytes) of the document before"),
    "opinion": (lambda v: type(v) is bytes and len(v) == 32, "the SM3 digest (32 bytes) of the written opinion"),
    "hearing": (lambda v: type(v) is bool, "true or false: whether a hearing was requested"),
    "published_at": (lambda v: type(v) is int and v >= 0, "the publication time, ms since 1970"),
    "document_no": (
        lambda v: type(v) is str and DOCUMENT_NUMBER_PATTERN.fullmatch(v) is not None,
        "sm3: and the hex salted SM3 of the document's number (statement.document_number_hash), never the number",
    ),
    "decision": (lambda v: v in DECISIONS, "approve, return or reject"),
    "next": (lambda v: type(v) is str, "the next stage"),
}


def _check_fields(
    stage: Stage, statement: Statement, matter: Matter, template: WorkflowTemplate, decision: str
) -> None:
    meta = dict(statement.meta or {})
    for name in stage.fields:
        if name in BOOLEAN_STEP_FIELDS and decision != "approve":
            continue  # a flag choosing the next stage says nothing on a return or a rejection
        if name in STAGE_OUTPUT_FIELDS and decision == "return":
            continue  # a return sends the matter back: the stage issued no document, published nothing
        if name == "operator":
            if statement.operator is None:
                raise StepError(
                    f"a step at {stage.key} must name its operator (pseudonymous)", "missing-field", field="operator"
                )
        elif name not in meta:
            raise StepError(f"a step at {stage.key} must carry meta.{name}", "missing-field", field=f"meta.{name}")
    for name, value in meta.items():
        rule = FIELD_RULES.get(name)
        if rule is not None and not rule[0](value):
            raise StepError(f"meta.{name} must be {rule[1]}", "bad-field", field=f"meta.{name}")
    # A flag that enters a conditional stage means something only where such a stage may follow.
    successors = {template.by_key[target].entered_when for target in (*stage.next, *stage.returns)}
    flags = {"hearing"} | {s.entered_when for s in template.stages if s.entered_when is not None}
    for name in flags & meta.keys():
        if name not in successors:
            raise StepError(f"meta.{name}: no stage after {stage.key} depends on it", "bad-field", field=f"meta.{name}")
    if "published_at" in meta:
        published = meta["published_at"]
        # What is published is what the stage's time limit runs from (公示: the decision, 决定).
        since = stage.limit.since if stage.limit is not None else None
        decided = max((s.claimed for s in matter.steps if s.stage == since), default=matter.opened_claimed)
        if not decided <= published <= statement.time:
            raise StepError(
                f"meta.published_at must lie between {since or 'the opening'} and this step",
                "time-order",
                field="meta.published_at",
            )


def _check_branch(template: WorkflowTemplate, stage: Stage, following: str | None, statement: Statement) -> None:
    """A stage entered on request (a hearing) follows exactly when the step asks for it: never skipped, never forced."""
    meta = dict(statement.meta or {})
    for target in stage.next:
        flag = template.by_key[target].entered_when
        if flag is None or following is None:
            continue
        if meta.get(flag) is True and following != target:
            raise StepError(
                f"meta.{flag} is true: the matter must go to {target} next, not {following}",
                "bad-transition",
                field="meta.next",
            )
        if meta.get(flag) is not True and following == target:
            raise StepError(f"{target} follows only when meta.{flag} is true", "bad-transition", field="meta.next")


def _next_stage(
    template: WorkflowTemplate, matter: Matter, stage: Stage, claim: Claim, statement: Statement
) -> str | None:
    if claim.decision == "reject":
        return None
    choices = stage.next if claim.decision == "approve" else stage.returns
    if claim.next is not None:
        if claim.next not in choices:
            word = "move on" if claim.decision == "approve" else "return"
            allowed = ", ".join(choices) or "nowhere (this stage ends the matter)"
            raise StepError(
                f"from {stage.key} a step may {word} to {allowed}, not {claim.next}",
                "bad-transition",
                field="meta.next",
            )
        return claim.next
    if len(choices) > 1 and claim.decision == "approve":
        open_choices = tuple(c for c in choices if _entry_refusal(template, matter, stage, c) is None)
        if len(open_choices) == 1:
            return open_choices[0]  # the others done already, or waiting for what is not
        implied = _implied_by_flags(template, open_choices or choices, dict(statement.meta or {}))
        if implied is not None:
            return implied
    if len(choices) > 1:
        raise StepError(
            f"from {stage.key} the next stage must be named (meta.next: one of {', '.join(choices)})",
            "bad-transition",
            field="meta.next",
        )
    return choices[0] if choices else None


def _implied_by_flags(template: WorkflowTemplate, choices: tuple[str, ...], meta: dict[str, object]) -> str | None:
    """Where the choice is only between a conditional stage and going on, the step's flag makes it.

    ``meta.hearing: true`` leads to 听证, its absence (or false) past it; a choice
    between two ordinary stages is still the step's to name in ``meta.next``.
    """
    conditional = [c for c in choices if template.by_key[c].entered_when is not None]
    ordinary = [c for c in choices if template.by_key[c].entered_when is None]
    requested = [c for c in conditional if meta.get(template.by_key[c].entered_when or "") is True]
    if len(requested) == 1:
        return requested[0]
    if not requested and len(ordinary) == 1:
        return ordinary[0]
    return None


def apply_step(
    matter: Matter,
    template: WorkflowTemplate,
    calendar: WorkCalendar,
    statement: Statement,
    claim: Claim,
    index: int,
    block_time: int,
    chain: str,
) -> Matter:
    """The matter after this step (or close), sealed at ``block_time``; StepError if it may not follow."""
    stage = check_step(matter, template, statement, claim, chain, block_time)
    if claim.action == "close":
        return replace(
            matter,
            current=None,
            stage_deadline=None,
            status="closed",
            outcome=claim.outcome,
            closed=block_time,
            last_index=index,
            last_claimed=max(matter.last_claimed, statement.time),
            running={},
        )
    following = _next_stage(template, matter, stage, claim, statement)
    record = StepRecord(
        index=index,
        stage=stage.key,
        decision=claim.decision or "",
        agency=statement.agency,
        claimed=statement.time,
        sealed=block_time,
        activated=matter.activated,
        deadline=matter.stage_deadline,
        next=following,
    )
    completed = {**matter.completed, stage.key: block_time}
    moved = replace(
        matter,
        steps=(*matter.steps, record),
        completed=completed,
        last_index=index,
        last_claimed=max(matter.last_claimed, statement.time),
    )
    if following is None:
        outcome = "rejected" if claim.decision == "reject" else "completed"  # COMPLETION_OUTCOMES
        return replace(
            moved, current=None, stage_deadline=None, status="closed", outcome=outcome, closed=block_time, running={}
        )
    target = template.by_key[following]
    running = running_limits(template, calendar, following, moved.steps, matter.running)
    since_earlier = running.get(following)
    return replace(
        moved,
        current=following,
        activated=block_time,
        stage_deadline=since_earlier[1]
        if since_earlier
        else deadline_for(calendar, target.limit, block_time, completed),
        running=running,
    )


def recalculated(
    matter: Matter, template: WorkflowTemplate, calendar: WorkCalendar, raised: Collection[str] = ()
) -> Matter:
    """An open matter's deadlines computed again with ``calendar``, but those whose red alert was
    raised (``raised`` holds the events, ``Due.key``): those stand.

    A deadline is computed when its time starts, with the calendar then registered; one
    that runs into a year that calendar did not list skipped weekends only. When the
    next year's calendar is registered, the deadlines are computed again from the same
    starts, even one passed meanwhile whose alert has not been raised yet.
    """
    if matter.status != "open":
        return matter
    settled = {(due.scope, due.stage) for due in watched(matter, 0) if due.key in raised}
    deadline = matter.deadline
    if deadline is not None and ("matter", None) not in settled and template.limit is not None:
        deadline = calendar.deadline(matter.opened, template.limit)
    running = dict(matter.running)
    for key, (start, _) in matter.running.items():
        stage = template.stage(key)
        if stage is not None and stage.limit is not None and ("stage", key) not in settled:
            running[key] = (start, calendar.deadline(start, stage.limit))
    stage_deadline = matter.stage_deadline
    current = template.stage(matter.current) if matter.current else None
    if current is not None and current.key in running:
        stage_deadline = running[current.key][1]
    elif stage_deadline is not None and current is not None and ("stage", current.key) not in settled:
        stage_deadline = deadline_for(calendar, current.limit, matter.activated, matter.completed)
    if (deadline, stage_deadline, running) == (matter.deadline, matter.stage_deadline, matter.running):
        return matter
    return replace(matter, deadline=deadline, stage_deadline=stage_deadline, running=running)


@dataclass(frozen=True)
class Due:
    """A deadline the scanner watches: an alert is raised once when ``at`` passes with the matter unchanged."""

    at: int
    matter: int
    severity: Literal["red", "warning"]
    scope: Literal["stage", "matter"]
    stage: str | None
    activated: int
    deadline: int

    @property
    def key(self) -> str:
        """Names the event, so that each is raised once: a stage re-entered after a return is a new event (but
        a limit counted from an earlier stage runs on, until that stage is done again)."""
        return f"{self.severity}:{self.scope}:{self.stage or ''}:{self.activated}"


def watched(matter: Matter, warn_at: float) -> list[Due]:
    """The deadlines (and warnings at ``warn_at`` of each limit, if > 0) an open matter is watched for.

    The active stage's own limit runs from its activation; a limit counted from an earlier
    stage runs from that stage's completion, for the active stage or one still to come
    (``Matter.running``); the whole matter's from its opening. A warning falls at
    ``warn_at`` of the time between the limit's start and its deadline.
    """
    if matter.status != "open":
        return []
    limits: list[tuple[Literal["stage", "matter"], int, int, str | None]] = []
    if matter.stage_deadline is not None and matter.current not in matter.running:
        limits.append(("stage", matter.stage_deadline, matter.activated, matter.current))
    limits.extend(("stage", deadline, start, stage) for stage, (start, deadline) in matter.running.items())
    if matter.deadline is not None:
        limits.append(("matter", matter.deadline, matter.opened, None))
    found = []
    for scope, deadline, start, stage in limits:
        found.append(Due(deadline, matter.index, "red", scope, stage, start, deadline))
        if 0 < warn_at < 1:
            at = start + int((deadline - start) * warn_at)
            found.append(Due(at, matter.index, "warning", scope, stage, start, deadline))
    return found
