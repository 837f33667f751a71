"""Workflow templates, the working-day calendar and the trail state machine, as pure functions."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.toychain import statement_for
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.statement import Statement, document_number_hash
from tiezheng.workflow import (
    StepError,
    TemplateError,
    WorkCalendar,
    WorkflowTemplate,
    apply_step,
    builtin_calendar,
    builtin_templates,
    open_matter,
    read_claim,
    recalculated,
    watched,
)
from tiezheng.workflow.calendar import CalendarError, Limit
from tiezheng.workflow.trail import Due

CALENDAR = builtin_calendar()
TEMPLATES = {t.id: t for t in builtin_templates()}
PERMIT = TEMPLATES["administrative-permit"]
KEY = SM2PrivateKey(0xC0FFEE)
AGENCY = "91110000MA01TEST0X"


def at(text: str) -> int:
    return int(datetime.fromisoformat(text + "+08:00").timestamp() * 1000)


def day(text: str) -> date:
    return date.fromisoformat(text)


# The calendar


@pytest.mark.parametrize(
    ("when", "working"),
    [
        ("2026-01-01", False),  # 元旦
        ("2026-01-04", True),  # a Sunday made a working day
        ("2026-02-14", True),  # a Saturday made a working day before 春节
        ("2026-02-16", False),  # 春节
        ("2026-02-24", True),
        ("2026-05-09", True),  # Saturday, make-up day for 劳动节
        ("2026-06-19", False),  # 端午节
        ("2026-10-08", True),  # Thursday after 国庆节
        ("2026-10-10", True),  # Saturday made a working day
        ("2026-10-11", False),  # an ordinary Sunday
        ("2025-10-08", False),  # 2025: 国庆 and 中秋 together, eight days
        ("2027-01-01", True),  # outside the covered years only weekends count
    ],
)
def test_working_days_follow_the_state_council_arrangement(when, working):
    assert CALENDAR.is_working_day(day(when)) is working


def test_deadlines_in_working_days_skip_holidays_and_count_make_up_days():
    # A matter accepted on the eve of 国庆节 has one working day: 8 October.
    assert CALENDAR.add_working_days(at("2026-09-30T16:00:00"), 1) == at("2026-10-09T00:00:00")
    # 公示 within 7 working days of a decision on Friday 9 October 2026: the Saturday 10th counts.
    assert CALENDAR.add_working_days(at("2026-10-09T11:00:00"), 7) == at("2026-10-20T00:00:00")
    assert CALENDAR.covers(2026) and not CALENDAR.covers(2027)


@given(st.dates(date(2025, 1, 1), date(2026, 12, 20)), st.integers(1, 30), st.integers(0, 86_399_999))
def test_adding_working_days_lands_after_exactly_that_many(start, count, offset_ms):
    start_ms = CALENDAR.start_of(start) + offset_ms
    deadline = CALENDAR.add_working_days(start_ms, count)
    last = CALENDAR.local_day(deadline - 1)
    assert CALENDAR.is_working_day(last)
    assert CALENDAR.working_days_between(start_ms, deadline - 1) == count
    assert deadline == CALENDAR.start_of(last + timedelta(days=1))


def test_calendar_files_are_checked():
    document = copy.deepcopy(CALENDAR.document)
    document["workdays"].append(document["holidays"][0])
    with pytest.raises(CalendarError, match="both as a holiday"):
        WorkCalendar.from_document(document)
    document = copy.deepcopy(CALENDAR.document) | {"holidays": ["2031-02-01"]}
    with pytest.raises(CalendarError, match="outside the years"):
        WorkCalendar.from_document(document)
    with pytest.raises(CalendarError, match="not valid JSON"):
        WorkCalendar.from_json('{"format": "tiezheng-calendar", "utc_offset_minutes": 480.0}')
    reformatted = WorkCalendar.from_json(json.dumps(CALENDAR.document, sort_keys=True))
    assert reformatted.hash == CALENDAR.hash


# Templates


def test_builtin_templates():
    assert set(TEMPLATES) == {"administrative-permit", "enforcement-case", "newborn-one-thing", "supervision-drill"}
    assert [s.key for s in PERMIT.stages] == ["受理", "初审", "复核", "集体讨论", "审批签发", "结果反馈"]
    enforcement = TEMPLATES["enforcement-case"]
    assert enforcement.by_key["公示"].limit.working_days == 7 and enforcement.by_key["公示"].limit.since == "决定"
    # §61 serves the decision within 7 days of it, working days by §85; publication may come first (either order).
    assert enforcement.by_key["送达"].limit == Limit(working_days=7, since="决定")
    assert enforcement.by_key["执行"].requires == ("送达", "公示")
    # 行政处罚法 §60: the decision within 90 days of filing; §66: the fine paid within 15 days of receiving the
    # decision (calendar days: §85 counts only its 2, 3, 5 and 7 days as working days). No limit on the whole.
    assert enforcement.by_key["决定"].limit == Limit(days=90, since="立案")
    assert enforcement.by_key["执行"].limit == Limit(days=15, since="送达") and enforcement.limit is None
    newborn = TEMPLATES["newborn-one-thing"]
    assert newborn.limit.working_days == 5 and len(newborn.other_roles) == 4
    # Every stage's deadline falls within the service's five working days when the stages before kept theirs.
    assert sum(s.limit.working_days for s in newborn.stages if not s.limit.since) + 1 <= 5
    assert {s.limit.since for s in newborn.stages if s.limit.since} == {"受理"}
    assert all(s.limit.working_days <= 4 for s in newborn.stages if s.limit.since)
    drill = TEMPLATES["supervision-drill"]  # for supervisors to try their alert chain end to end
    assert [s.limit.seconds for s in drill.stages] == [60, 60]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["stages"][0].update(next=["不存在"]), "not a stage"),
        (lambda d: d["stages"][1].update(role="court"), "role must be one"),
        (lambda d: d["stages"][1].update(fields=["name_of_applicant"]), "not a step field"),
        (lambda d: d["stages"][1].update(returns=[]), "lists no stage to return to"),
        (lambda d: d["stages"][1].update(limit={"weeks": 3}), "unknown field"),
        (lambda d: d["stages"][1].update(limit={"days": 3, "hours": 2}), "exactly one of"),
        (lambda d: d["stages"][1].update(limit={"days": 0}), "positive integer"),
        (lambda d: d["stages"].append(dict(d["stages"][1])), "appears twice"),
        (lambda d: d["stages"][-1].update(next=["受理"]), "no stage ends"),
        (lambda d: d["stages"][0].update(next=["复核"]), "cannot be reached"),
        (lambda d: d["stages"][1].update(entered_when="approved"), "entered_when must be a yes/no step field"),
        (lambda d: d["stages"][1].update(entered_when="hearing"), "does not require hearing"),
        (lambda d: d.update(limit={"working_days": 20, "since": "初审"}), "since is for a stage's limit"),
        (lambda d: d["stages"][1].update(limit={"days": 3, "since": "结果反馈"}), "does not come before it"),
        (lambda d: d["stages"][1].update(limit={"days": 3, "since": "初审"}), "does not come before it"),
        (lambda d: d["stages"][1].update(requires=["复核"]), "not a stage before it"),
        (lambda d: d["stages"][1].update(requires=["不存在"]), "not a stage before it"),
        # A stage that reads as another: a zero-width space, a right-to-left override.
        (lambda d: _rename_stage(d, 0, "受理\u200b"), r"stages\[0\]\.key holds U\+200B"),
        (lambda d: d["stages"][1].update(en="\u202eweiver tsrif"), r"\.en holds U\+202E"),
    ],
)
def test_template_errors_name_the_problem(change, message):
    document = copy.deepcopy(PERMIT.document)
    change(document)
    with pytest.raises(TemplateError, match=message):
        WorkflowTemplate.from_document(document)


def _rename_stage(document: dict, position: int, key: str) -> None:
    """Give a stage another key, and every mention of it the same."""
    old = document["stages"][position]["key"]
    text = json.dumps(document, ensure_ascii=False).replace(f'"{old}"', json.dumps(key, ensure_ascii=False))
    document.clear()
    document.update(json.loads(text))


# The trail


class Trail:
    """A permit matter driven step by step, with block times given by the test."""

    def __init__(
        self,
        template: WorkflowTemplate = PERMIT,
        parties: dict[str, str] | None = None,
        *,
        start: str = "2026-11-23T09:00:00",
    ) -> None:
        self.template = template
        self.index = 10
        self.time = at(start)
        meta = {"action": "open", "template": template.hash.hex()}
        meta |= {f"party.{k}": v for k, v in (parties or {}).items()}
        opening = self.statement(meta=meta)
        self.matter = open_matter(template, CALENDAR, opening, read_claim(opening), self.index, self.time)

    def statement(self, **fields) -> Statement:
        agency = fields.pop("agency", AGENCY)
        return statement_for(KEY, b"doc %d" % self.index, agency=agency, kind="process-step",
                             subject=sm3(b"case 1"), time=self.time, **fields)  # fmt: skip

    def step(
        self, stage: str, decision: str = "approve", hours: float = 1, *, by: str = AGENCY, omit: tuple = (), **meta
    ):
        self.time += int(hours * 3_600_000)
        fields = {"operator": sm3(b"official 7"), "before": sm3(b"before"), "opinion": sm3(b"op")}
        fields["document_no"] = document_number_hash("一号", b"agency salt, 16+ bytes")
        body = {"matter": str(EvidenceId("TST", self.matter.index)), "decision": decision} | meta
        for name in self.template.by_key[stage].fields if stage in self.template.by_key else ():
            if name in ("before", "opinion", "document_no", "hearing", "published_at") and name not in body:
                body[name] = fields.get(name, True)
        for name in omit:
            body.pop(name, None)
        statement = self.statement(
            stage=stage,
            prev=str(EvidenceId("TST", self.matter.last_index)),
            operator=fields["operator"],
            meta=body,
            agency=by,
        )
        self.index += 1
        self.matter = apply_step(
            self.matter, self.template, CALENDAR, statement, read_claim(statement), self.index, self.time, "TST"
        )
        return self.matter


def test_a_permit_runs_its_six_stages():
    trail = Trail()
    assert trail.matter.current == "受理" and trail.matter.stage_deadline == at("2026-11-25T00:00:00")
    for stage in ("受理", "初审"):
        trail.step(stage)
    trail.step("复核", next="审批签发")  # 集体讨论 skipped: the template lets 复核 choose
    trail.step("审批签发")
    matter = trail.step("结果反馈")
    assert matter.status == "closed" and matter.outcome == "completed"
    assert [s.stage for s in matter.steps] == ["受理", "初审", "复核", "审批签发", "结果反馈"]
    assert not any(s.overdue for s in matter.steps)


def test_returns_reopen_an_earlier_stage_with_a_new_deadline():
    trail = Trail()
    trail.step("受理")
    trail.step("初审", decision="return")
    assert trail.matter.current == "受理"
    trail.step("受理", hours=30)
    assert trail.matter.current == "初审" and trail.matter.steps[-1].overdue is False


@pytest.mark.parametrize(
    ("act", "code"),
    [
        (lambda t: t.step("复核"), "wrong-stage"),  # skipping 受理 and 初审
        (lambda t: t.step("受理", decision="return"), "bad-decision"),
        (lambda t: t.step("不存在"), "unknown-stage"),
        (lambda t: (t.step("受理"), t.step("初审"), t.step("复核")), "bad-transition"),  # two ways on: name one
        (lambda t: (t.step("受理"), t.step("初审", next="结果反馈")), "bad-transition"),
        (lambda t: t.step("受理", hours=-2), "time-order"),
        (lambda t: t.step("受理", decision="maybe"), "bad-decision"),
        (lambda t: t.step("受理", matter=7), "bad-field"),
        # A known field is checked wherever it appears, not only where the stage requires it.
        (lambda t: t.step("受理", published_at="yesterday"), "bad-field"),
        (lambda t: t.step("受理", before=b"short"), "bad-field"),
        (lambda t: t.step("受理", hearing=True), "bad-field"),  # no hearing can follow 受理
        # A document's number goes on chain salted and hashed, never as itself.
        (
            lambda t: (
                t.step("受理"),
                t.step("初审"),
                t.step("复核", next="审批签发"),
                t.step("审批签发", document_no="京市监许〔2026〕0417号"),
            ),
            "bad-field",
        ),
    ],
)
def test_steps_out_of_order_or_malformed_are_refused(act, code):
    with pytest.raises(StepError) as caught:
        act(Trail())
    assert caught.value.code == code and caught.value.message


def _enforcement_at_notice() -> Trail:
    trail = Trail(TEMPLATES["enforcement-case"])
    for stage in ("立案", "调查取证"):
        trail.step(stage)
    return trail


def test_the_hearing_flag_is_asked_of_a_step_moving_on_only():
    returned = _enforcement_at_notice().step("告知/陈述申辩", decision="return", omit=("hearing",))
    assert returned.current == "调查取证"  # a return goes where it names, whatever a hearing would have been
    with pytest.raises(StepError) as unsaid:
        _enforcement_at_notice().step("告知/陈述申辩", omit=("hearing",))
    assert unsaid.value.code == "missing-field" and unsaid.value.field == "meta.hearing"


def test_a_return_need_not_carry_what_the_stage_would_have_put_out():
    """审批签发 sent back to 复核 issued no permit: it has no document number to carry; an approval must."""

    def at_signing() -> Trail:
        trail = Trail()
        for stage in ("受理", "初审"):
            trail.step(stage)
        trail.step("复核", next="审批签发")
        return trail

    returned = at_signing().step("审批签发", decision="return", omit=("document_no",))
    assert returned.current == "复核"
    with pytest.raises(StepError) as unsaid:
        at_signing().step("审批签发", omit=("document_no",))
    assert unsaid.value.code == "missing-field" and unsaid.value.field == "meta.document_no"
    with pytest.raises(StepError) as rejected:  # a refusal is a decision document too, with its number
        at_signing().step("审批签发", decision="reject", omit=("document_no",))
    assert rejected.value.field == "meta.document_no"
    trail = Trail()
    trail.step("受理")
    with pytest.raises(StepError) as opinionless:  # why it goes back is still written down
        trail.step("初审", decision="return", omit=("opinion",))
    assert opinionless.value.field == "meta.opinion"


def test_a_limit_counted_from_an_earlier_stage_is_watched_from_that_stage_on():
    """决定's 90 days run from 立案 whatever stage the case is at; 公示's 7 working days from 决定."""
    trail = Trail(TEMPLATES["enforcement-case"])
    filed = trail.step("立案")
    started = filed.completed["立案"]
    decision = Due(CALENDAR.deadline(started, Limit(days=90, since="立案")), filed.index, "red", "stage", "决定",
                   started, CALENDAR.deadline(started, Limit(days=90, since="立案")))  # fmt: skip
    assert decision in watched(filed, 0) and filed.current == "调查取证"
    trail.step("调查取证")
    trail.step("告知/陈述申辩", hearing=False)
    returned = trail.step("法制审核", decision="return", next="调查取证")
    assert decision in watched(returned, 0)  # a return does not start it again
    for stage in ("调查取证", "告知/陈述申辩", "法制审核"):
        at_decision = trail.step(stage, **({"hearing": False} if stage == "告知/陈述申辩" else {}))
    stage_dues = [d for d in watched(at_decision, 0.8) if d.scope == "stage"]
    # One limit for 决定, with its warning at 80 % of the 90 days, not of the time left when it became active.
    assert [d for d in stage_dues if d.severity == "red"] == [decision]
    warning = next(d for d in stage_dues if d.severity == "warning")
    assert warning.at == started + int((decision.deadline - started) * 0.8)
    decided = trail.step("决定", next="送达")
    assert set(decided.running) == {"送达", "公示"}  # 7 working days to serve it and to publish it, both from 决定
    assert {start for start, _ in decided.running.values()} == {decided.completed["决定"]}
    assert {d.stage for d in watched(decided, 0)} == {"送达", "公示"}
    served = trail.step("送达")  # 执行 waits for 公示, so the step need not name 公示
    assert served.current == "公示" and served.stage_deadline == decided.running["公示"][1]
    assert set(served.running) == {"公示", "执行"}
    published = trail.step("公示", published_at=trail.time)
    assert published.current == "执行" and set(published.running) == {"执行"}
    assert published.stage_deadline == published.running["执行"][1]
    assert trail.step("执行").running == {}


def test_a_limit_from_an_earlier_stage_starts_when_that_stage_is_approved_not_returned():
    document = {
        "format": "tiezheng-workflow", "version": 1, "id": "review-then-decide", "revision": 1,
        "name": {"zh": "审查决定", "en": "Review then decide"}, "roles": {"owner": {"zh": "机关", "en": "agency"}},
        "stages": [
            {"key": "受理", "limit": {"working_days": 1}, "role": "owner", "next": ["审查"]},
            {"key": "审查", "role": "owner", "decisions": ["approve", "return"], "next": ["决定"], "returns": ["受理"]},
            {"key": "决定", "role": "owner", "limit": {"days": 10, "since": "审查"}, "next": []},
        ],
    }  # fmt: skip
    trail = Trail(WorkflowTemplate.from_document(document))
    trail.step("受理")
    sent_back = trail.step("审查", decision="return")
    assert sent_back.current == "受理" and sent_back.running == {}  # 审查 is to be done again: nothing runs yet
    trail.step("受理")
    reviewed = trail.step("审查")
    assert set(reviewed.running) == {"决定"} and reviewed.running["决定"][0] == reviewed.completed["审查"]


def _template(*stages: dict) -> WorkflowTemplate:
    return WorkflowTemplate.from_document({
        "format": "tiezheng-workflow", "version": 1, "id": "custom", "revision": 1,
        "name": {"zh": "自定义", "en": "Custom"}, "roles": {"owner": {"zh": "机关", "en": "agency"}},
        "stages": list(stages),
    })  # fmt: skip


def test_a_template_may_loop_forward_where_no_stage_requires_another():
    """The pass-once rule is for stages done in either order (named in a requires), not for every loop."""
    looping = _template(
        {"key": "受理", "role": "owner", "next": ["审查"]},
        {"key": "审查", "role": "owner", "next": ["补正", "决定"]},
        {"key": "补正", "role": "owner", "next": ["审查"]},
        {"key": "决定", "role": "owner", "next": []},
    )
    trail = Trail(looping)
    for stage, following in (("受理", None), ("审查", "补正"), ("补正", None), ("审查", "补正"), ("补正", None)):
        trail.step(stage, **({"next": following} if following else {}))
    assert trail.step("审查", next="决定").current == "决定"


def test_a_return_asks_again_only_for_what_it_sends_the_matter_back_to():
    """D requires A; a return from C to B does not undo A, so D can still be entered."""
    template = _template(
        {"key": "A", "role": "owner", "next": ["B"]},
        {"key": "B", "role": "owner", "next": ["C"]},
        {"key": "C", "role": "owner", "decisions": ["approve", "return"], "next": ["D"], "returns": ["B"]},
        {"key": "D", "role": "owner", "requires": ["A"], "next": []},
    )
    trail = Trail(template)
    for stage in ("A", "B"):
        trail.step(stage)
    trail.step("C", decision="return")
    trail.step("B")
    assert trail.step("C").current == "D"


def test_a_stage_cannot_require_one_entered_only_on_request():
    with pytest.raises(TemplateError, match="entered only on request"):
        _template(
            {"key": "A", "role": "owner", "fields": ["hearing"], "next": ["H", "B"]},
            {"key": "H", "role": "owner", "entered_when": "hearing", "next": ["B"]},
            {"key": "B", "role": "owner", "requires": ["H"], "next": []},
        )


def _enforcement_at_decision() -> Trail:
    trail = _enforcement_at_notice()
    trail.step("告知/陈述申辩", hearing=False)
    trail.step("法制审核")
    return trail


def test_service_and_publication_come_in_either_order_and_both_before_execution():
    """公示 runs from 决定, not from 送达: publishing first must be possible, and neither can be skipped."""
    trail = _enforcement_at_decision()
    with pytest.raises(StepError) as unnamed:
        trail.step("决定")
    assert unnamed.value.code == "bad-transition" and "送达, 公示" in unnamed.value.message
    trail.step("决定", next="公示")
    published = trail.step("公示", published_at=trail.time)
    assert published.current == "送达"  # implied: 执行 waits for 送达
    with pytest.raises(StepError) as again:
        trail.step("送达", next="公示")
    assert again.value.code == "bad-transition" and "done already" in again.value.message
    assert trail.step("送达").current == "执行"
    early = _enforcement_at_decision()
    early.step("决定", next="送达")
    with pytest.raises(StepError) as skipped:
        early.step("送达", next="执行")
    assert skipped.value.code == "bad-transition" and "once 公示 is done" in skipped.value.message


def test_a_requested_hearing_comes_before_the_legal_review_and_the_decision():
    with pytest.raises(StepError) as skipped:
        _enforcement_at_notice().step("告知/陈述申辩", hearing=True, next="法制审核")
    assert skipped.value.code == "bad-transition" and "听证" in skipped.value.message
    with pytest.raises(StepError) as unasked:
        _enforcement_at_notice().step("告知/陈述申辩", hearing=False, next="听证")
    assert unasked.value.code == "bad-transition"
    heard = _enforcement_at_notice()
    heard.step("告知/陈述申辩", hearing=True)  # the request alone leads to 听证
    assert heard.matter.current == "听证"
    with pytest.raises(StepError) as early:
        heard.step("决定")  # no decision before the hearing it depends on
    assert early.value.code == "wrong-stage"
    waived = _enforcement_at_notice()
    waived.step("告知/陈述申辩", hearing=False)  # and its absence past it
    assert waived.matter.current == "法制审核"
    returned = _enforcement_at_notice()
    returned.step("告知/陈述申辩", decision="return", hearing=True)  # a return is not bound by the request
    assert returned.matter.current == "调查取证"


@pytest.mark.parametrize("template", ["not hex", 7, "ab" * 31, "zz" * 32])
def test_an_opening_names_its_template_well(template):
    opening = Trail().statement(meta={"action": "open", "template": template})
    with pytest.raises(StepError) as caught:
        read_claim(opening)
    assert caught.value.code == "bad-field" and caught.value.field == "meta.template"
    with pytest.raises(StepError) as absent:
        read_claim(Trail().statement(meta={"action": "open"}))
    assert absent.value.code == "missing-field"


@pytest.mark.parametrize("matter", ["nonsense", 123, "DEV-00000A-B1"])  # even a well-formed ID
def test_an_opening_names_no_matter(matter):
    opening = Trail().statement(meta={"action": "open", "template": "ab" * 32, "matter": matter})
    with pytest.raises(StepError) as caught:
        read_claim(opening)
    assert caught.value.code == "bad-field" and caught.value.field == "meta.matter"


def test_the_stage_decides_which_agency_may_step():
    newborn = TEMPLATES["newborn-one-thing"]
    parties = {"health": "HEALTH-1", "public-security": "POLICE-1"}
    parties |= {"medical-insurance": "MI-1", "social-security": "SS-1"}
    trail = Trail(newborn, parties)
    trail.step("受理")
    with pytest.raises(StepError) as caught:
        trail.step("出生医学证明")  # the service centre cannot sign for the health commission
    assert caught.value.code == "wrong-agency" and caught.value.status == 403
    with pytest.raises(StepError, match="needs the agency for role"):
        Trail(newborn, {"health": "HEALTH-1"})


def test_another_agencys_clock_may_run_a_little_behind_the_previous_step_but_one_agency_cannot():
    parties = {"health": "HEALTH-1", "public-security": "POLICE-1"}
    parties |= {"medical-insurance": "MI-1", "social-security": "SS-1"}
    trail = Trail(TEMPLATES["newborn-one-thing"], parties)
    trail.step("受理")
    accepted = trail.matter.last_claimed
    trail.step("出生医学证明", hours=-2 / 60, by="HEALTH-1")  # two minutes behind the service centre's clock
    assert trail.matter.last_claimed == accepted  # the latest claim stays the bar for what follows
    with pytest.raises(StepError) as caught:
        trail.step("户口登记", hours=-10 / 60, by="POLICE-1")  # far more than clocks drift
    assert caught.value.code == "time-order"
    same = Trail()
    same.step("受理")
    with pytest.raises(StepError) as earlier:
        same.step("初审", hours=-1 / 60)  # one agency's own steps never go back in time
    assert earlier.value.code == "time-order"


def test_an_agency_never_claims_before_its_own_last_step_even_after_another_agencys():
    parties = {"health": "HEALTH-1", "public-security": "POLICE-1"}
    parties |= {"medical-insurance": "MI-1", "social-security": "SS-1"}
    trail = Trail(TEMPLATES["newborn-one-thing"], parties)
    trail.step("受理")
    trail.step("出生医学证明", hours=-1 / 60, by="HEALTH-1")
    for stage, agency in (("户口登记", "POLICE-1"), ("医保参保", "MI-1"), ("社保卡", "SS-1")):
        trail.step(stage, hours=0, by=agency)
    with pytest.raises(StepError) as caught:
        trail.step("办结", hours=0)  # the service centre's own 受理 was a minute later than this
    assert caught.value.code == "time-order"
    trail.step("办结", hours=1 / 60)


def test_an_agency_whose_clock_runs_behind_may_take_two_steps_in_a_row():
    document = copy.deepcopy(TEMPLATES["newborn-one-thing"].document)
    document["stages"][2]["role"] = "health"  # the health commission also registers the household here
    template = WorkflowTemplate.from_document(document)
    parties = {
        "health": "HEALTH-1",
        "public-security": "POLICE-1",
        "medical-insurance": "MI-1",
        "social-security": "SS-1",
    }
    trail = Trail(template, parties)
    trail.step("受理")
    trail.step("出生医学证明", hours=-3 / 60, by="HEALTH-1")
    trail.step("户口登记", hours=1 / 60, by="HEALTH-1")  # still two minutes behind the service centre's 受理
    with pytest.raises(StepError) as caught:
        trail.step("医保参保", hours=-6 / 60, by="MI-1")  # more than clocks drift behind the latest claim
    assert caught.value.code == "time-order"


def test_watched_deadlines_and_warnings():
    trail = Trail()
    due = watched(trail.matter, 0.8)
    kinds = sorted((d.severity, d.scope) for d in due)
    assert kinds == [("red", "matter"), ("red", "stage"), ("warning", "matter"), ("warning", "stage")]
    stage_red = next(d for d in due if d.severity == "red" and d.scope == "stage")
    assert stage_red.at == trail.matter.stage_deadline and stage_red.key.startswith("red:stage:受理:")
    assert watched(trail.matter, 0) and all(d.severity == "red" for d in watched(trail.matter, 0))


@pytest.mark.parametrize(
    ("outcome", "refused"),
    [
        ("withdrawn", False),
        ("移送", False),
        ("completed", True),
        ("rejected", True),
        (" ", True),
        (7, True),
        ("Completed", True),
        ("completed ", True),
        ("REJECTED", True),
    ],
)
def test_a_matter_closed_early_cannot_pass_for_a_completion(outcome, refused):
    matter = str(EvidenceId("TST", 0))
    statement = Statement(
        kind="process-step", digest=sm3(b"withdrawal letter"), agency="A", key=b"k" * 32,
        time=at("2026-11-23 09:00"), subject=sm3(b"case"), prev=matter,
        meta={"action": "close", "matter": matter, "outcome": outcome},
    )  # fmt: skip
    if refused:
        with pytest.raises(StepError) as caught:
            read_claim(statement)
        assert caught.value.code == "bad-field" and caught.value.field == "meta.outcome"
    else:
        assert read_claim(statement).outcome == outcome


def test_a_matter_is_overdue_from_its_deadline_on_until_it_closes():
    trail = Trail()
    matter = trail.matter
    assert matter.stage_deadline is not None and matter.deadline is not None
    assert not matter.stage_overdue(matter.stage_deadline - 1)
    assert matter.stage_overdue(matter.stage_deadline)  # at the deadline: late, as a step sealed then is
    assert not matter.matter_overdue(matter.deadline - 1) and matter.matter_overdue(matter.deadline)
    for stage in ("受理", "初审"):
        trail.step(stage)
    trail.step("复核", next="审批签发")
    trail.step("审批签发")
    closed = trail.step("结果反馈")
    assert closed.status == "closed"
    assert not closed.stage_overdue(matter.deadline) and not closed.matter_overdue(matter.deadline)


@pytest.mark.parametrize(("last_hours", "late"), [(1, False), (24 * 40, True)])
def test_a_matter_completed_after_its_deadline_says_so(last_hours, late):
    trail = Trail()
    for stage in ("受理", "初审"):
        trail.step(stage)
    trail.step("复核", next="审批签发")
    trail.step("审批签发")
    completed = trail.step("结果反馈", hours=last_hours)
    assert completed.outcome == "completed" and completed.completed_late is late


def test_registering_next_years_calendar_recomputes_the_deadlines_still_running():
    """A 30-working-day stage set in November 2026 ran into 2027 skipping weekends only."""
    enforcement = TEMPLATES["enforcement-case"]
    trail = Trail(enforcement, start="2026-11-20T09:00:00")
    trail.step("立案")  # 调查取证 starts 2026-11-20 10:00, with a calendar that lists no 2027
    before = trail.matter
    assert before.current == "调查取证" and before.stage_deadline == at("2027-01-02T00:00:00")
    document = copy.deepcopy(CALENDAR.document)
    document["years"].append(2027)
    document["holidays"].append("2027-01-01")
    next_year = WorkCalendar.from_document(document)
    after = recalculated(before, enforcement, next_year)
    assert after.stage_deadline == at("2027-01-05T00:00:00")  # New Year's Day is no working day
    assert after.activated == before.activated and after.steps == before.steps
    assert recalculated(before, enforcement, CALENDAR) is before  # nothing moved
    stage_alert = next(d.key for d in watched(before, 0) if d.scope == "stage")
    alerted = recalculated(before, enforcement, next_year, raised={stage_alert})
    assert alerted.stage_deadline == before.stage_deadline  # its red alert was raised: it stands, as the alert does
    # 决定's 90 days from 立案 run too, and are computed again as well (calendar days: unmoved by a holiday
    # unless the last one falls on it).
    assert set(after.running) == {"决定"} and after.running["决定"][0] == before.running["决定"][0]


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        ("2026-03-06T15:00:00", 90, "2026-06-05T00:00:00"),  # the 90th day after, a Thursday: its end
        ("2026-09-15T10:00:00", 15, "2026-10-01T00:00:00"),  # the 30th, a working day
        ("2026-09-16T10:00:00", 15, "2026-10-09T00:00:00"),  # 1 October, a holiday: on to the 8th
        ("2026-11-23T10:00:00", 5, "2026-12-01T00:00:00"),  # the 28th is a Saturday: on to Monday the 30th
    ],
)
def test_calendar_days_end_at_the_end_of_the_last_or_the_working_day_after_it(start, days, deadline):
    """民法典 §201, §203: the first day is not counted; a period ending on a rest day ends the day after it."""
    assert CALENDAR.deadline(at(start), Limit(days=days)) == at(deadline)


def test_earlier_revisions_of_the_shipped_templates_are_still_held():
    from tiezheng.workflow import superseded_templates

    earlier = {(t.id, t.revision) for t in superseded_templates()}
    assert earlier == {("enforcement-case", 1), ("enforcement-case", 2), ("newborn-one-thing", 1)}
    current = {t.id: t.revision for t in builtin_templates()}
    assert all(current[identifier] > revision for identifier, revision in earlier)
