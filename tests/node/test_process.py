"""The process trail in the node: steps checked at submission, applied in blocks, overdue alerts raised once.

The node runs in-process on a real store with a clock the tests move, so a
deadline of working days passes in a test's instant. (Webhooks, SSE, the CLI and
restarts of real processes: tests/integration/test_process_trail.py.)
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.support.desk import TEMPLATES, Clock, Desk
from tests.support.nodekit import LocalChain
from tests.support.receiver import Receiver
from tests.support.waiting import eventually
from tiezheng import cbor
from tiezheng.batch import BatchEnvelope
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.signed_statement import SignedStatement
from tiezheng.statement import Statement
from tiezheng.verifier import verify_receipt
from tiezheng.workflow import close_statement, open_statement, watched
from tiezheng.workflow.calendar import Limit
from tiezheng_node.api.app import create_app
from tiezheng_node.evidence.admission import EvidenceRejected
from tiezheng_node.evidence.log import DAY_OFFSET_MS
from tiezheng_node.execution.addresses import AGENCY_REGISTRY, PROCESS_TRAIL
from tiezheng_node.node import ALERTS_RETRY_SECONDS, Node
from tiezheng_node.process.library import WorkflowLibrary
from tiezheng_node.process.records import OUTBOX_END, delivered_key, outbox_key, parse_outbox_key
from tiezheng_node.process.reports import in_stage_order, report
from tiezheng_node.process.tally import DAY_MS, whole_days

DAY = 86_400


@pytest.fixture
def chain(tmp_path):
    local = LocalChain(tmp_path / "node", clock=Clock())
    yield local
    local.close()


@pytest.fixture
def desk(chain) -> Desk:
    return Desk(chain, chain.agency_key, chain.agency_code)


def rejected(call) -> EvidenceRejected:
    with pytest.raises(EvidenceRejected) as caught:
        call()
    return caught.value


def test_a_permit_from_acceptance_to_feedback(chain, desk):
    matter = desk.open("administrative-permit", "京市监许〔2026〕0417")
    for stage in ("受理", "初审"):
        desk.step(matter, stage)
    desk.step(matter, "复核", next_stage="审批签发")
    desk.step(matter, "审批签发")
    desk.step(matter, "结果反馈")
    state = chain.node.process.matter(EvidenceId.parse(matter).index)
    assert state.status == "closed" and state.outcome == "completed"
    assert [s.stage for s in state.steps] == ["受理", "初审", "复核", "审批签发", "结果反馈"]
    assert state.alerts == () and chain.node.process.next_due() is None
    # Each step is an ordinary record of the log, chained to the one before by prev.
    last = chain.node.evidence.view(state.last_index)
    assert last.statement.stage == "结果反馈" and last.statement.prev == str(EvidenceId("DEV", state.steps[-2].index))


def test_a_refusal_names_its_field_once(chain, desk):
    matter = desk.open("administrative-permit", "case named once")
    for stage in ("受理", "初审"):
        desk.step(matter, stage)
    unnamed = rejected(lambda: desk.step(matter, "复核"))  # two stages may follow: the step must say which
    assert unnamed.code == "bad-transition" and "(meta.next: one of" in unnamed.message
    assert "(field meta.next)" not in unnamed.message


def test_steps_are_checked_at_submission_and_nothing_is_held_after_a_refusal(chain, desk):
    matter = desk.open("administrative-permit", "case 2")
    skipped = rejected(lambda: desk.step(matter, "复核"))
    assert skipped.code == "wrong-stage" and skipped.status == 409 and "skip" in skipped.message
    other = desk.open("administrative-permit", "case 2b")  # a record of the chain, not this matter's last step
    assert rejected(lambda: desk.step(matter, "受理", prev=other)).code == "wrong-prev"
    assert rejected(lambda: desk.step(matter, "受理", prev=str(EvidenceId("DEV", 999)))).code == "unknown-prev"
    missing = rejected(lambda: desk.step(matter, "受理", operator=None))
    assert missing.code == "missing-field" and "(field operator)" in missing.message
    assert rejected(lambda: desk.step(matter, "受理", decision="return")).code == "bad-decision"
    early = rejected(lambda: desk.step(matter, "受理", time_ms=desk.now_ms() - 3_600_000))
    assert early.code == "time-order"
    # A step waits for the one before it to be sealed.
    desk.step(matter, "受理", seal=False)
    assert rejected(lambda: desk.step(matter, "初审")).code == "step-pending"
    chain.node.produce_block()
    desk.step(matter, "初审")
    assert chain.node.process.matter(EvidenceId.parse(matter).index).current == "复核"


def test_a_step_names_its_matter_as_the_chain_writes_ids(chain, desk):
    """prev in another spelling is refused; so is meta.matter, or a search for the matter's steps would miss it."""
    matter = desk.open("administrative-permit", "case spelled")
    refused = rejected(lambda: desk.step(matter.lower(), "受理"))
    assert refused.code == "bad-evidence-id" and f"must be written as {matter}" in refused.message
    desk.step(matter, "受理")


def test_process_statements_do_not_travel_in_batches_and_alerts_are_not_submitted(chain, desk):
    statement = open_statement(
        template_hash=TEMPLATES["administrative-permit"].hash,
        subject=sm3(b"x"),
        agency=desk.code,
        key_id=desk.key.public_key().key_id,
        digest=sm3(b"x"),
        time_ms=desk.now_ms(),
    )
    envelope = BatchEnvelope.build([statement], desk.key, time=1)
    refused = rejected(lambda: chain.node.evidence.admission.envelope(envelope.to_cbor()))
    assert refused.code == "process-step-in-batch" and refused.status == 422
    forged = Statement(kind="alert", digest=sm3(b"a"), agency=desk.code, key=desk.key.public_key().key_id, time=1)
    assert rejected(lambda: desk.submit(forged)).code == "reserved-kind"
    in_batch = BatchEnvelope.build([forged], desk.key, time=1)
    refused = rejected(lambda: chain.node.evidence.admission.envelope(in_batch.to_cbor()))
    assert (refused.code, refused.status) == ("reserved-kind", 403)  # not a process step: never submitted at all
    unregistered = open_statement(
        template_hash=sm3(b"not a registered template"),
        subject=sm3(b"x"),
        agency=desk.code,
        key_id=desk.key.public_key().key_id,
        digest=sm3(b"y"),
        time_ms=desk.now_ms(),
    )
    assert rejected(lambda: desk.submit(unregistered)).code == "unknown-template"
    future = open_statement(
        template_hash=TEMPLATES["administrative-permit"].hash,
        subject=sm3(b"future"),
        agency=desk.code,
        key_id=desk.key.public_key().key_id,
        digest=sm3(b"z"),
        time_ms=desk.now_ms() + 365 * DAY * 1000,  # no later step could claim a time after it
    )
    assert rejected(lambda: desk.submit(future)).code == "time-order"


def test_overdue_stage_raises_one_red_alert_and_completing_it_resolves_it(chain, desk):
    matter = desk.open("administrative-permit", "case 3")
    index = EvidenceId.parse(matter).index
    deadline = chain.node.process.matter(index).stage_deadline
    chain.clock.now = deadline / 1000 + 60  # a minute past 受理's deadline
    block = chain.node.produce_block()  # nothing else to do: the passed deadline is the work
    assert block is not None and block.records >= 2  # the warning and the red alert, as statements
    alerts = list(chain.node.process.alerts())
    assert sorted((a.severity, a.scope, a.stage) for a in alerts) == [
        ("red", "stage", "受理"),
        ("warning", "stage", "受理"),
    ]
    red = next(a for a in alerts if a.severity == "red")
    assert red.deadline == deadline and red.agency == desk.code and red.status == "open"
    statement = chain.node.evidence.view(red.index).statement
    assert statement.kind == "alert" and statement.agency == chain.supervision.agency
    assert dict(statement.meta)["matter"] == matter and statement.prev == matter
    # Raised once: more blocks, no more alerts about it.
    chain.clock.now += 3600
    chain.node.produce_block()
    assert len(list(chain.node.process.alerts())) == 2
    desk.step(matter, "受理")
    assert {a.status for a in chain.node.process.alerts()} == {"resolved"}
    state = chain.node.process.matter(index)
    assert state.steps[0].overdue and set(state.alerts) == {a.index for a in alerts}


def test_a_burst_of_alerts_goes_into_one_block_under_one_signature_and_each_verifies(chain, desk):
    matters = [desk.open("administrative-permit", f"burst {n}") for n in range(12)]
    latest = max(chain.node.process.matter(EvidenceId.parse(m).index).stage_deadline for m in matters)
    chain.clock.now = latest / 1000 + 60
    block = chain.node.produce_block()
    alerts = list(chain.node.process.alerts())
    assert len(alerts) == 2 * len(matters)  # a warning and a red alert each
    assert block.records == len(alerts)
    assert sorted(a.matter for a in alerts) == sorted(EvidenceId.parse(m).index for m in matters for _ in range(2))
    batch_headers = set()
    for alert in alerts:
        receipt = chain.node.evidence.receipt(alert.index)
        verdict = verify_receipt(receipt, chain.genesis)
        assert verdict.valid, verdict.checks
        assert receipt.batch is not None and not receipt.signatures
        assert receipt.batch.signatures[0].public_key.key_id == chain.supervision.key.public_key().key_id
        batch_headers.add(receipt.batch.header)
    assert len(batch_headers) == 1


def test_alerts_wait_while_the_supervision_agency_is_revoked_and_blocks_go_on(chain, desk, caplog):
    matter = desk.open("administrative-permit", "case revoked supervision")
    sent = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "revoke", chain.supervision.agency)
    assert sent.ok
    deadline = chain.node.process.matter(EvidenceId.parse(matter).index).stage_deadline
    chain.clock.now = deadline / 1000 + 60
    with caplog.at_level("ERROR", logger="tiezheng"):
        assert chain.node.produce_block() is None  # nothing to seal: the alerts could not be raised
    assert "overdue alerts could not be raised" in caplog.text and "agency-revoked" in caplog.text
    assert list(chain.node.process.alerts()) == []
    assert "agency-revoked" in chain.node.alerts_error
    with TestClient(create_app(chain.node)) as client:
        assert "agency-revoked" in client.get("/healthz").json()["alerts_error"]
    assert not chain.node._deadline_passed()  # no work for the producer until it is time to try again
    chain.clock.now += ALERTS_RETRY_SECONDS + 1
    assert chain.node._deadline_passed()
    caplog.clear()
    with caplog.at_level("ERROR", logger="tiezheng"):
        assert chain.node.produce_block() is None
    assert "agency-revoked" in caplog.text  # tried again, still refused
    assert chain.transact(chain.agency, "AgencyRegistry", AGENCY_REGISTRY, "isAdmin", b"\x00" * 20).ok
    desk.step(matter, "受理", decision="reject")  # the matter closes: nothing is overdue any more
    chain.clock.now += ALERTS_RETRY_SECONDS + 1
    chain.node.produce_block()
    assert chain.node.alerts_error is None  # /healthz no longer reports a problem that has no effect


def test_working_day_limits_and_the_whole_matters_limit(chain, desk):
    matter = desk.open("administrative-permit", "case 4")
    state = chain.node.process.matter(EvidenceId.parse(matter).index)
    calendar = chain.node.process.calendar()
    assert state.stage_deadline == calendar.add_working_days(state.activated, 1)
    assert state.deadline == calendar.add_working_days(state.opened, 20)
    # The alert for the whole matter (20 working days) comes even if every stage was on time.
    for stage in ("受理", "初审"):
        desk.step(matter, stage)
    chain.clock.now = state.deadline / 1000 + 1
    chain.node.produce_block()
    scopes = {(a.scope, a.severity) for a in chain.node.process.alerts()}
    assert ("matter", "red") in scopes and ("stage", "red") in scopes


def register_newborn_parties(chain) -> dict[str, tuple[SM2PrivateKey, str]]:
    """The four departments of the newborn service besides the owner, registered: role → (key, code)."""
    keys = {}
    for role in ("health", "public-security", "medical-insurance", "social-security"):
        key = SM2PrivateKey.generate()
        code = f"11000000{role.upper().replace('-', '')[:8]}"[:18]
        keys[role] = (key, code)
        sent = chain.transact(
            chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "register", code, role, key.public_key().to_bytes(),
            "0x" + ("%040x" % (len(keys) + 7)),
        )  # fmt: skip
        assert sent.ok, code
        bound = chain.transact(
            chain.admin, "ProcessTrail", PROCESS_TRAIL, "bindRole", "newborn-one-thing", role, code, True
        )
        assert bound.ok, (role, code)
    return keys


def test_a_matter_names_another_agency_for_a_role_only_once_an_admin_bound_it(chain, desk):
    keys = register_newborn_parties(chain)
    parties = {role.replace("-", "_"): code for role, (_, code) in keys.items()}
    health = keys["health"][1]
    assert chain.transact(
        chain.admin, "ProcessTrail", PROCESS_TRAIL, "bindRole", "newborn-one-thing", "health", health, False
    ).ok
    before = chain.node.evidence.pending.next_index
    unbound = rejected(lambda: desk.open("newborn-one-thing", "出生 unbound", **parties))
    assert unbound.code == "unbound-party" and unbound.status == 422 and "meta.party.health" in unbound.message
    assert chain.node.evidence.pending.next_index == before  # nothing reserved for a refused opening
    # Bound to another role is not bound to this one.
    assert chain.transact(
        chain.admin, "ProcessTrail", PROCESS_TRAIL, "bindRole", "newborn-one-thing", "public-security", health, True
    ).ok
    again = rejected(lambda: desk.open("newborn-one-thing", "出生 unbound", **parties))
    assert again.code == "unbound-party"
    # The opener may name itself: it answers for the stage anyway.
    matter = desk.open("newborn-one-thing", "出生 self", **(parties | {"health": desk.code}))
    assert chain.node.process.matter(EvidenceId.parse(matter).index).parties["health"] == desk.code
    # Bound again: opened; unbound later: the open matter keeps its party.
    assert chain.transact(
        chain.admin, "ProcessTrail", PROCESS_TRAIL, "bindRole", "newborn-one-thing", "health", health, True
    ).ok
    opened = desk.open("newborn-one-thing", "出生 bound", **parties)
    assert chain.transact(
        chain.admin, "ProcessTrail", PROCESS_TRAIL, "bindRole", "newborn-one-thing", "health", health, False
    ).ok
    desk.step(opened, "受理")
    Desk(chain, *keys["health"]).step(opened, "出生医学证明")


def test_cross_department_steps_are_taken_by_the_agency_of_each_stage(chain, desk):
    keys = register_newborn_parties(chain)
    parties = {role.replace("-", "_"): code for role, (_, code) in keys.items()}
    matter = desk.open("newborn-one-thing", "出生 2026-11-23 #7", **parties)
    desk.step(matter, "受理")
    wrong = rejected(lambda: desk.step(matter, "出生医学证明"))
    assert wrong.code == "wrong-agency" and wrong.status == 403 and keys["health"][1] in wrong.message
    for stage, role in (("出生医学证明", "health"), ("户口登记", "public-security"), ("医保参保", "medical-insurance"),
                        ("社保卡", "social-security")):  # fmt: skip
        Desk(chain, *keys[role]).step(matter, stage)
    desk.step(matter, "办结")
    state = chain.node.process.matter(EvidenceId.parse(matter).index)
    assert state.status == "closed" and [s.agency for s in state.steps][1:5] == [c for _, c in keys.values()]
    missing = rejected(lambda: desk.open("newborn-one-thing", "another", health=keys["health"][1]))
    assert missing.code == "missing-party"


def test_matters_stored_before_running_limits_were_kept_get_them_at_the_next_start(chain, desk):
    """A case filed and investigated under a node that did not keep limits from earlier stages is watched for
    决定's 90 days from the first start of one that does, not from its next step."""
    from tiezheng_node.process.records import due_key, matter_key
    from tiezheng_node.store.keys import META_RUNNING_LIMITS

    matter = desk.open("enforcement-case", "京市监罚〔2026〕1126")
    index = EvidenceId.parse(matter).index
    desk.step(matter, "立案")
    kept = chain.node.process.matter(index)
    start, deadline = kept.running["决定"]
    # As an older node stored it: no running limits, and nothing in the deadline index for them.
    older = kept.to_value()
    del older["running"]
    running_dues = [d for d in watched(kept, chain.node.process.warn_at) if d.stage == "决定"]
    chain.node.store.commit(
        {**{due_key(d): None for d in running_dues}, META_RUNNING_LIMITS: None,
         matter_key(index): cbor.encode(older)}
    )  # fmt: skip
    assert chain.node.process.matter(index).running == {}
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    assert chain.node.process.matter(index).running == {"决定": (start, deadline)}
    chain.clock.now = deadline / 1000 + 60
    chain.node.produce_block()
    assert [a.severity for a in chain.node.process.alerts() if a.stage == "决定"].count("red") == 1


def test_the_running_limits_pass_keeps_stored_deadlines_and_waits_for_missing_template_files(chain, desk, monkeypatch):
    from tiezheng_node.process.library import WorkflowLibrary
    from tiezheng_node.process.records import due_key, matter_key
    from tiezheng_node.store.keys import META_RUNNING_LIMITS

    matter = desk.open("enforcement-case", "京市监罚〔2026〕1127")
    index = EvidenceId.parse(matter).index
    for stage in ("立案", "调查取证"):
        desk.step(matter, stage)
    desk.step(matter, "告知/陈述申辩", fields={"hearing": False})
    desk.step(matter, "法制审核")
    kept = chain.node.process.matter(index)
    assert kept.current == "决定"
    # Stored by an older node, its stage deadline computed with the calendar then (here: a minute later).
    older = kept.to_value() | {"stage_deadline": kept.stage_deadline + 60_000}
    del older["running"]
    chain.node.store.commit(
        {**{due_key(d): None for d in watched(kept, chain.node.process.warn_at)}, META_RUNNING_LIMITS: None,
         matter_key(index): cbor.encode(older)}
    )  # fmt: skip
    held = WorkflowLibrary.template
    monkeypatch.setattr(WorkflowLibrary, "template", lambda self, digest: None)  # started without the file
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    assert chain.node.process.matter(index).running == {} and chain.node.store.get(META_RUNNING_LIMITS) is None
    monkeypatch.setattr(WorkflowLibrary, "template", held)
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    reopened = chain.node.process.matter(index)
    assert reopened.running["决定"][1] == reopened.stage_deadline == kept.stage_deadline + 60_000


def test_a_template_without_its_file_here_is_named_as_the_chain_registered_it(chain, desk, monkeypatch):
    from tiezheng_node.process.library import WorkflowLibrary

    permit = TEMPLATES["administrative-permit"].hash
    monkeypatch.setattr(WorkflowLibrary, "template", lambda self, digest: None)  # started without the file
    monkeypatch.setattr(WorkflowLibrary, "template_ids", property(lambda self: {}))
    process = chain.node.process
    assert process.template_name(permit) == "administrative-permit"
    assert process.template_names()[permit] == "administrative-permit"
    assert process.template_name(b"\x01" * 32) == "01" * 32  # registered nowhere: its hash


def test_a_running_limit_is_shown_by_the_api_and_the_explorer(chain, desk):
    matter = desk.open("enforcement-case", "京市监罚〔2026〕1125")
    desk.step(matter, "立案")
    start, deadline = chain.node.process.matter(EvidenceId.parse(matter).index).running["决定"]
    with TestClient(create_app(chain.node)) as client:
        body = client.get(f"/v1/matters/{matter}").json()
        assert body["running"] == [
            {
                "stage": "决定",
                "since": "立案",
                "start": start,
                "deadline": deadline,
                "overdue": deadline <= time.time() * 1000,
            }
        ]
        page = client.get(f"/matters/{matter}", params={"lang": "en"}).text
    assert page.count('class="running-limit') == 1 and "Decision due" in page and "counted from Case filing" in page


def newborn_at_household_registration(chain, desk, case: str) -> tuple[dict[str, tuple[SM2PrivateKey, str]], str]:
    """The parties' keys and a newborn matter the health commission has handed to public security."""
    keys = register_newborn_parties(chain)
    parties = {role.replace("-", "_"): code for role, (_, code) in keys.items()}
    matter = desk.open("newborn-one-thing", case, **parties)
    desk.step(matter, "受理")
    Desk(chain, *keys["health"]).step(matter, "出生医学证明")
    return keys, matter


def test_a_later_stages_limit_run_out_early_is_charged_to_the_agency_holding_the_matter(chain, desk):
    """社保卡 and 办结 are due 4 working days after 受理: a matter stuck at 户口登记 makes public security late."""
    keys, matter = newborn_at_household_registration(chain, desk, "出生 2026-11-23 #8")
    index = EvidenceId.parse(matter).index
    state = chain.node.process.matter(index)
    assert state.current == "户口登记" and set(state.running) == {"社保卡", "办结"}
    chain.clock.now = state.running["办结"][1] / 1000 + 60
    chain.node.produce_block()
    red = {a.stage: a for a in chain.node.process.alerts() if a.severity == "red" and a.scope == "stage"}
    assert set(red) == {"户口登记", "社保卡", "办结"}
    assert {a.agency for a in red.values()} == {keys["public-security"][1]}
    for stage, role in (("户口登记", "public-security"), ("医保参保", "medical-insurance")):
        Desk(chain, *keys[role]).step(matter, stage)
    status = {stage: chain.node.process.alert(a.index).status for stage, a in red.items()}
    assert status == {"户口登记": "resolved", "社保卡": "open", "办结": "open"}  # still to be done
    Desk(chain, *keys["social-security"]).step(matter, "社保卡")
    assert chain.node.process.alert(red["社保卡"].index).status == "resolved"
    desk.step(matter, "办结")
    assert {chain.node.process.alert(a.index).status for a in red.values()} == {"resolved"}


def test_a_later_stages_limit_is_charged_to_the_holder_even_when_it_hands_the_matter_on_in_that_block(chain, desk):
    keys, matter = newborn_at_household_registration(chain, desk, "出生 2026-11-23 #9")
    index = EvidenceId.parse(matter).index
    chain.clock.now = chain.node.process.matter(index).running["办结"][1] / 1000 + 60
    # Public security hands the matter on late, sealed in the block that raises the alerts ahead of it.
    Desk(chain, *keys["public-security"]).step(matter, "户口登记", seal=False)
    chain.node.produce_block()
    assert chain.node.process.matter(index).current == "医保参保"
    red = {a.stage: a for a in chain.node.process.alerts() if a.severity == "red" and a.scope == "stage"}
    assert {red[s].agency for s in ("社保卡", "办结")} == {keys["public-security"][1]}


def test_an_opening_whose_party_is_unbound_before_its_block_is_not_applied(chain, desk, monkeypatch):
    keys = register_newborn_parties(chain)
    parties = {role: code for role, (_, code) in keys.items()}
    statement = open_statement(
        template_hash=TEMPLATES["newborn-one-thing"].hash,
        subject=sm3(b"unbound in between"),
        agency=desk.code,
        key_id=desk.key.public_key().key_id,
        digest=sm3(b"application unbound in between"),
        time_ms=desk.now_ms(),
        parties=parties,
    )
    index = desk.submit(statement)  # admitted while every party is bound
    # An unbinding sealed before this opening's block: the block's parent no longer binds health.
    trail = chain.node.process._trail
    bound = trail.is_bound
    monkeypatch.setattr(trail, "is_bound", lambda template, role, agency, at: role != "health" and bound(
        template, role, agency, at))  # fmt: skip
    chain.node.produce_block()
    assert chain.node.process.matter(index) is None
    assert "not bound to role 'health'" in (chain.node.process.not_applied(index) or "")


def test_enforcement_publication_is_due_seven_working_days_after_the_decision(chain, desk):
    matter = desk.open("enforcement-case", "京市监罚〔2026〕1123")
    for stage in ("立案", "调查取证"):
        desk.step(matter, stage)
    skipped = rejected(lambda: desk.step(matter, "告知/陈述申辩", next_stage="法制审核", fields={"hearing": True}))
    assert skipped.code == "bad-transition"  # a requested hearing cannot be skipped
    desk.step(matter, "告知/陈述申辩", fields={"hearing": True})  # the flag alone leads to 听证
    assert chain.node.process.matter(EvidenceId.parse(matter).index).current == "听证"
    for stage in ("听证", "法制审核"):
        desk.step(matter, stage)
    desk.step(matter, "决定", next_stage="送达")
    state = chain.node.process.matter(EvidenceId.parse(matter).index)
    decided = state.completed["决定"]
    seven_working_days = chain.node.process.calendar().add_working_days(decided, 7)
    assert state.stage_deadline == seven_working_days  # 送达 (§61, working days by §85)
    chain.clock.now += 2 * DAY
    desk.step(matter, "送达")
    state = chain.node.process.matter(EvidenceId.parse(matter).index)
    assert state.current == "公示"
    assert state.stage_deadline == seven_working_days  # from the decision, not from the service
    decision_claimed = next(s.claimed for s in state.steps if s.stage == "决定")
    too_early = rejected(lambda: desk.step(matter, "公示", fields={"published_at": decision_claimed - 1}))
    assert too_early.code == "time-order"
    desk.step(matter, "公示", fields={"published_at": desk.now_ms() - 1000})
    desk.step(matter, "执行")
    assert chain.node.process.matter(EvidenceId.parse(matter).index).outcome == "completed"


def test_the_decisions_ninety_days_from_filing_are_watched_while_the_case_goes_round_returns(chain, desk):
    """行政处罚法 §60: 决定 within 90 days of 立案, however many times 法制审核 sends the case back."""
    matter = desk.open("enforcement-case", "京市监罚〔2026〕1124")
    index = EvidenceId.parse(matter).index
    desk.step(matter, "立案")
    state = chain.node.process.matter(index)
    filed = state.completed["立案"]
    start, deadline = state.running["决定"]
    assert start == filed and deadline == chain.node.process.calendar().deadline(filed, Limit(days=90, since="立案"))
    for _ in range(4):  # every stage on time, the case going round: ~80 days
        chain.clock.now += 20 * DAY
        desk.step(matter, "调查取证")
        chain.clock.now += 3600
        desk.step(matter, "告知/陈述申辩", fields={"hearing": False})
        chain.clock.now += 3600
        desk.step(matter, "法制审核", "return", next_stage="调查取证")
    assert chain.node.process.matter(index).running["决定"] == (start, deadline)  # returns do not restart it
    chain.clock.now = deadline / 1000 + 60
    chain.node.produce_block()
    decision_alerts = [a for a in chain.node.process.alerts() if a.stage == "决定"]
    assert sorted(a.severity for a in decision_alerts) == ["red", "warning"]  # raised at the time, not at 决定
    red = next(a for a in decision_alerts if a.severity == "red")
    assert red.deadline == deadline and red.raised < deadline + 120_000 and red.agency == desk.code
    assert chain.node.process.matter(index).current == "调查取证"
    chain.clock.now += 3600
    for stage in ("调查取证", "告知/陈述申辩", "法制审核"):
        desk.step(matter, stage, fields={"hearing": False} if stage == "告知/陈述申辩" else {})
        assert chain.node.process.alert(red.index).status == "open"  # other stages moving on do not end it
    state = chain.node.process.matter(index)
    assert state.current == "决定" and state.stage_deadline == deadline
    chain.clock.now += 3600
    chain.node.produce_block()
    assert len([a for a in chain.node.process.alerts() if a.stage == "决定"]) == 2  # not raised again at 决定
    desk.step(matter, "决定", next_stage="公示")
    assert chain.node.process.alert(red.index).status == "resolved"
    state = chain.node.process.matter(index)
    assert state.steps[-1].overdue and set(state.running) == {"送达", "公示"}  # 7 working days each, from 决定


def test_an_alert_sealed_just_after_the_late_step_is_charged_to_the_stages_agency(chain, desk):
    keys = register_newborn_parties(chain)
    health = keys["health"][1]
    hook = chain.node.process.add_webhook(
        "http://127.0.0.1:9/health-supervisor", severities=["red"], agencies=[health], templates=[], by="0xadmin"
    )
    matter = desk.open("newborn-one-thing", "出生 late", **{r.replace("-", "_"): c for r, (_, c) in keys.items()})
    desk.step(matter, "受理")
    state = chain.node.process.matter(EvidenceId.parse(matter).index)
    chain.clock.now = state.stage_deadline / 1000 + 30  # the health commission is 30 s late
    Desk(chain, *keys["health"]).step(matter, "出生医学证明", seal=False)
    chain.node.produce_block()  # the step and, after it in the block, the red alert of its stage
    red = next(a for a in chain.node.process.alerts() if a.severity == "red" and a.scope == "stage")
    assert red.status == "resolved" and red.stage == "出生医学证明"
    assert red.agency == health and str(hook.id) in red.deliveries
    overdue = {r["agency"]: r["overdue"] for r in chain.node.process.report("agency")}
    assert overdue.get(health) == 1 and not overdue.get(chain.agency_code)


def test_a_deadline_is_the_instant_time_runs_out(chain, desk):
    process = chain.node.process
    at_deadline = desk.open("administrative-permit", "sealed at the deadline")
    idle = desk.open("administrative-permit", "idle at the deadline")
    before = desk.open("administrative-permit", "sealed a millisecond before")
    state = process.matter(EvidenceId.parse(at_deadline).index)
    assert {process.matter(EvidenceId.parse(m).index).stage_deadline for m in (idle, before)} == {state.stage_deadline}
    chain.clock.now = (state.stage_deadline - 1) / 1000
    desk.step(before, "受理", seal=False)
    assert chain.node.produce_block().sealed.header.time == state.stage_deadline - 1
    assert not process.matter(EvidenceId.parse(before).index).steps[0].overdue
    assert not [a for a in process.alerts() if a.severity == "red"]  # not yet
    chain.clock.now = state.stage_deadline / 1000  # a block at exactly the deadline
    desk.step(at_deadline, "受理", seal=False)
    assert chain.node.produce_block().sealed.header.time == state.stage_deadline
    assert process.matter(state.index).steps[0].overdue  # late, as the alert the same block raises says
    reds = {a.matter: a.status for a in process.alerts() if a.severity == "red" and a.scope == "stage"}
    assert reds == {state.index: "resolved", EvidenceId.parse(idle).index: "open"}


def test_steps_after_a_matters_overdue_alert_do_not_raise_it_again(chain, desk):
    matter = desk.open("administrative-permit", "case overdue as a whole")
    index = EvidenceId.parse(matter).index
    chain.clock.now = chain.node.process.matter(index).deadline / 1000 + 60  # past the 20 working days
    chain.node.produce_block()
    raised = sorted(a.event for a in chain.node.process.alerts())
    assert {(e.split(":")[0], e.split(":")[1]) for e in raised} == {
        ("red", "matter"), ("warning", "matter"), ("red", "stage"), ("warning", "stage"),
    }  # fmt: skip
    for stage in ("受理", "初审"):
        desk.step(matter, stage)  # each step moves the stage's deadlines, not the matter's
        chain.clock.now += 60
        chain.node.produce_block()
    events = [a.event for a in chain.node.process.alerts()]
    assert len(events) == len(set(events)), events  # every event raised once
    assert sorted(e for e in events if ":matter:" in e) == sorted(e for e in raised if ":matter:" in e)
    assert chain.node.produce_block() is None  # and nothing left due makes blocks


def test_a_restart_with_another_warning_share_rewatches_and_never_raises_a_stale_warning(chain, desk):
    matter = desk.open("administrative-permit", "case warn share")
    index = EvidenceId.parse(matter).index
    state = chain.node.process.matter(index)
    chain.node.close()
    chain.node_options["warn_at"] = 0.0  # warnings off
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    assert chain.node.process.next_due() == state.stage_deadline  # the 80 % warning point is no longer watched
    chain.clock.now = state.stage_deadline / 1000 + 60
    chain.node.produce_block()
    assert [(a.severity, a.scope) for a in chain.node.process.alerts()] == [("red", "stage")]
    chain.clock.now += 60
    assert chain.node.produce_block() is None  # no entry is left that no alert removes
    assert [(a.severity, a.scope) for a in chain.node.process.alerts()] == [("red", "stage")]
    chain.node.close()
    chain.node_options["warn_at"] = 0.5
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    halfway = state.opened + (state.deadline - state.opened) // 2
    assert chain.node.process.next_due() == halfway  # the whole matter's warning, at the new share
    chain.clock.now = halfway / 1000 + 1
    chain.node.produce_block()
    chain.clock.now += 60
    assert chain.node.produce_block() is None
    assert sorted((a.severity, a.scope) for a in chain.node.process.alerts()) == [
        ("red", "stage"), ("warning", "matter"),
    ]  # fmt: skip


def test_an_alert_sealed_before_its_deadline_is_logged_but_not_applied(chain, desk):
    from tiezheng.workflow import watched

    process = chain.node.process
    matter = process.matter(EvidenceId.parse(desk.open("administrative-permit", "case early")).index)
    red = next(d for d in watched(matter, 0.8) if d.severity == "red" and d.scope == "stage")
    now = desk.now_ms()
    assert red.at > now
    early = process._alert_statement(matter, red, now)  # what only the supervision key could sign, too soon
    envelope = BatchEnvelope.build([early], chain.supervision.key, now).to_cbor()
    evidence = chain.node.evidence
    accepted = evidence.accept(evidence.admission.envelope(envelope, reserved=("process-step",)))
    accepted.durable.result(timeout=10)
    chain.node.produce_block()
    assert list(process.alerts()) == []  # no alert record, the deadline still watched
    assert "before its deadline" in process.not_applied(accepted.indexes[0])
    assert process.next_due() is not None and process.next_due() <= red.at


def test_a_warning_refused_as_early_after_a_restart_is_raised_when_its_new_time_comes(chain, desk):
    matter = desk.open("administrative-permit", "case warning in flight")
    index = EvidenceId.parse(matter).index
    state = chain.node.process.matter(index)
    span = state.stage_deadline - state.activated
    chain.clock.now = (state.activated + span * 0.85) / 1000  # past the 80 % warning point of the stage
    chain.node._raise_alerts(int(chain.clock.now * 1000))  # the warning is queued, then the node stops
    chain.node.close()
    chain.node_options["warn_at"] = 0.95
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    chain.node.produce_block()  # seals the queued warning: too early for the new share, so refused
    assert list(chain.node.process.alerts()) == []
    chain.clock.now = (state.activated + span * 0.96) / 1000
    chain.node.produce_block()
    chain.clock.now += 1
    chain.node.produce_block()
    assert [(a.severity, a.scope) for a in chain.node.process.alerts()] == [("warning", "stage")]


def test_a_red_alert_in_flight_keeps_a_late_warning_from_being_raised(chain, desk):
    matter = desk.open("administrative-permit", "case red in flight")
    index = EvidenceId.parse(matter).index
    chain.node.close()
    chain.node_options["warn_at"] = 0.0
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    state = chain.node.process.matter(index)
    chain.clock.now = state.stage_deadline / 1000 + 5
    chain.node._raise_alerts(int(chain.clock.now * 1000))  # the red alert is queued, then the node stops
    chain.node.close()
    chain.node_options["warn_at"] = 0.8  # warnings back on: the stage's warning point passed long ago
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    for _ in range(3):
        chain.node.produce_block()
        chain.clock.now += 1
    assert [(a.severity, a.scope) for a in chain.node.process.alerts()] == [("red", "stage")]
    left = chain.node.process.due_by(state.deadline + 1)
    assert sorted((d.severity, d.scope) for d in left) == [("red", "matter"), ("warning", "matter")]


def test_alerts_in_flight_survive_a_restart_and_are_not_raised_twice(chain, desk, tmp_path):
    matter = desk.open("administrative-permit", "case 5")
    index = EvidenceId.parse(matter).index
    chain.clock.now = chain.node.process.matter(index).stage_deadline / 1000 + 5
    chain.node._raise_alerts(int(chain.clock.now * 1000))  # queued and durable, but no block yet
    pending = chain.node.evidence.pending.pending_leaves
    assert pending == 2
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    assert chain.node.evidence.pending.pending_leaves == 2
    chain.node.produce_block()
    chain.node.produce_block()
    assert len(list(chain.node.process.alerts())) == 2


def test_pending_process_statements_naming_no_real_matter_never_stop_a_restart(chain):
    # Neither shape passes /v1/evidence now; queued another way (by an older version, say), they
    # once made every later start of the node fail while they waited for a block.
    key, code = chain.agency_key, chain.agency_code
    odd = [
        Statement(kind="process-step", digest=sm3(b"open"), agency=code, key=key.public_key().key_id,
                  time=int(chain.clock.now * 1000), subject=sm3(b"case"),
                  meta={"action": "open", "template": "00" * 32, "matter": "nonsense"}),
        Statement(kind="alert", digest=sm3(b"alert"), agency=code, key=key.public_key().key_id,
                  time=int(chain.clock.now * 1000), meta={"matter": 123, "event": "stage"}),
    ]  # fmt: skip
    for statement in odd:
        admitted = chain.node.evidence.admission.from_chain(SignedStatement.sign(statement, key).to_cbor())
        chain.node.evidence.accept(admitted).durable.result(timeout=30)
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    assert chain.node.evidence.pending.pending_leaves == 2
    assert chain.node.produce_block() is not None
    assert chain.node.evidence.log.size >= 2 and chain.node.evidence.pending.pending_leaves == 0
    explorer = TestClient(create_app(chain.node))
    for index in range(chain.node.evidence.log.size - 2, chain.node.evidence.log.size):
        page = explorer.get(f"/evidence/{chain.node.evidence.evidence_id(index)}")
        assert page.status_code == 200, page.text


PERMIT_TEMPLATE = TEMPLATES["administrative-permit"]


def red_webhook(chain, url: str):
    """A webhook for every red alert, registered as an admin would."""
    return chain.node.process.add_webhook(url, severities=["red"], agencies=[], templates=[], by="0xadmin")


def overdue(chain, desk, *cases: str) -> list[str]:
    """Permit matters opened for ``cases``, then a block sealed just past their first stage's deadlines."""
    matters = [desk.open("administrative-permit", case) for case in cases]
    latest = max(chain.node.process.matter(EvidenceId.parse(m).index).stage_deadline for m in matters)
    chain.clock.now = latest / 1000 + 1
    chain.node.produce_block()
    return matters


def test_webhook_deliveries_are_owed_in_the_same_batch_as_the_alert(chain, desk):
    process = chain.node.process
    hook = red_webhook(chain, "http://127.0.0.1:9/hook")
    process.add_webhook(
        "http://127.0.0.1:9/other", severities=[], agencies=["SOMEONE-ELSE"], templates=[], by="0xadmin"
    )
    overdue(chain, desk, "case 6")
    red = next(a for a in process.alerts() if a.severity == "red")
    warning = next(a for a in process.alerts() if a.severity == "warning")
    assert red.deliveries == {str(hook.id): {"attempts": 0}} and warning.deliveries == {}
    with chain.node.store.scan_range(b"O", OUTBOX_END) as rows:
        owed = list(rows)
    assert len(owed) == 1


def test_a_delivery_is_recorded_the_moment_its_receiver_answers_even_while_a_block_is_built(chain, desk):
    """The alert record waits for the block being built; that no delivery is owed any more does not."""
    receiver = Receiver(chain.supervision.key.public_key())
    process = chain.node.process
    hook = red_webhook(chain, receiver.url)
    overdue(chain, desk, "case answered")
    delivered: list[int] = []
    with process.commit_lock:  # as a block being built holds it
        worker = threading.Thread(target=lambda: delivered.append(chain.node.webhooks.deliver_due()), daemon=True)
        worker.start()

        def recorded() -> bool:
            with (
                chain.node.store.scan_range(b"O", OUTBOX_END) as owed,
                chain.node.store.scan_range(b"V", b"V" + b"\xff" * 12) as delivered_rows,
            ):
                return list(owed) == [] and len(list(delivered_rows)) == 1

        eventually(recorded, "the delivery recorded and no longer owed (a crash now would not repeat it)", 20)
    worker.join(timeout=20)
    assert delivered == [1]
    red = next(a for a in process.alerts() if a.severity == "red")
    assert red.deliveries[str(hook.id)]["attempts"] == 1 and "delivered" in red.deliveries[str(hook.id)]
    with chain.node.store.scan_range(b"V", b"V" + b"\xff" * 12) as rows:
        assert list(rows) == []
    receiver.close()


def test_deliveries_a_crash_left_unwritten_reach_their_alert_records_at_start(chain, desk):
    process = chain.node.process
    hook = red_webhook(chain, "http://127.0.0.1:9/hook")
    overdue(chain, desk, "case folded")
    red = next(a for a in process.alerts() if a.severity == "red")
    with chain.node.store.scan_range(b"O", OUTBOX_END) as rows:
        (owed,) = [key for key, _ in rows]
    # What _settle writes at once, as a crash before the alert record was written would leave it.
    chain.node.store.commit({owed: None, delivered_key(red.index, hook.id): cbor.encode([1234, 2])})
    chain.node.webhooks.fold_deliveries()
    red = process.alert(red.index)
    assert red is not None and red.deliveries[str(hook.id)] == {"delivered": 1234, "attempts": 2}


class EndlessAnswer:
    """A webhook endpoint that answers 200 and then sends a body without end, as fast as it is read."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.sent = 0
        self.closed = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.settimeout(0.5)
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n")
                chunk = b"x" * 65536
                while not self.closed.is_set():
                    connection.sendall(chunk)
                    self.sent += len(chunk)
            except OSError:
                pass

    def close(self) -> None:
        self.closed.set()
        self.listener.close()


def test_a_webhooks_endless_answer_body_is_left_unread(chain, desk):
    """The status is the answer: a receiver that sends a body without end neither holds nor fills the node."""
    endpoint = EndlessAnswer()
    process = chain.node.process
    hook = red_webhook(chain, endpoint.url)
    overdue(chain, desk, "case endless")
    delivered: list[int] = []
    started = time.monotonic()
    worker = threading.Thread(target=lambda: delivered.append(chain.node.webhooks.deliver_due()), daemon=True)
    worker.start()
    worker.join(timeout=20)
    endpoint.close()
    worker.join(timeout=30)
    assert delivered == [1], (
        f"still reading the answer after {time.monotonic() - started:.0f} s ({endpoint.sent:,} bytes)"
    )
    red = next(a for a in process.alerts() if a.severity == "red")
    assert "delivered" in red.deliveries[str(hook.id)]


class Unanswering:
    """A webhook endpoint that takes connections and never answers: a supervisor's server that hangs."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


def test_a_hanging_webhook_delays_neither_the_others_nor_more_than_one_of_its_own_attempts(chain, desk):
    hanging = Unanswering()
    healthy = Receiver(chain.supervision.key.public_key())
    process = chain.node.process
    try:
        stuck = red_webhook(chain, hanging.url)
        red_webhook(chain, healthy.url)
        overdue(chain, desk, *(f"case hang {n}" for n in range(3)))
        started = time.monotonic()
        chain.node.webhooks.deliver_due(wait=False)
        while len(healthy.acknowledged()) < 3:
            assert time.monotonic() - started < 5, healthy.received  # not behind the hanging one's timeouts
            time.sleep(0.05)
        eventually(lambda: hanging.connections, "the attempt on the hanging webhook")
        assert len(hanging.connections) == 1  # one attempt hangs; the other two wait for its next round
        chain.node.webhooks.deliver_due(wait=False)  # while it hangs, that webhook is not tried again
        time.sleep(0.3)
        assert len(hanging.connections) == 1
        owed = [a.deliveries.get(str(stuck.id)) for a in process.alerts() if a.severity == "red"]
        assert owed == [{"attempts": 0}] * 3  # nothing lost: all three still owed to it
    finally:
        hanging.close()
        healthy.close()


class Trickling:
    """A webhook endpoint that answers a status line, then one byte of headers every tenth of a second, forever."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.closed = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.closed.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not self.closed.wait(0.1):
                    connection.sendall(b"x")
            except OSError:
                pass

    def close(self) -> None:
        self.closed.set()
        self.listener.close()


def test_an_attempt_is_bounded_as_a_whole_and_a_closing_node_abandons_it(chain, desk, monkeypatch):
    from tiezheng_node.process import webhooks as webhook_module

    monkeypatch.setattr(webhook_module, "ATTEMPT_SECONDS", 1.0)
    trickling = Trickling()
    process = chain.node.process
    try:
        hook = red_webhook(chain, trickling.url)
        overdue(chain, desk, "case trickled")
        started = time.monotonic()
        assert chain.node.webhooks.deliver_due() == 0  # each read is quick; the whole is not
        assert time.monotonic() - started < 5
        red = next(a for a in process.alerts() if a.severity == "red")
        assert red.deliveries[str(hook.id)] == {"attempts": 1, "error": "no answer within 1 s"}
        monkeypatch.setattr(webhook_module, "ATTEMPT_SECONDS", 600.0)
        chain.clock.now += 60
        chain.node.webhooks.deliver_due(wait=False)
        time.sleep(0.5)  # the second attempt is under way
        started = time.monotonic()
        chain.node.webhooks.close()
        assert time.monotonic() - started < 3
        red = next(a for a in process.alerts() if a.severity == "red")
        assert red.deliveries[str(hook.id)]["attempts"] == 1  # abandoned, not counted: still owed
    finally:
        trickling.close()


def test_the_sdk_follows_short_and_empty_alert_pages_to_the_end(chain, desk, monkeypatch):
    from tiezheng.sdk import Client
    from tiezheng_node.api import paging

    for n in range(4):
        matter = desk.open("administrative-permit", f"paged {n}")
    chain.clock.now = chain.node.process.matter(EvidenceId.parse(matter).index).stage_deadline / 1000 + 60
    chain.node.produce_block()
    raised = list(chain.node.process.alerts())
    # Pages read at most this many alerts (10,000 in service): a filter may then fill a page with none.
    monkeypatch.setattr(paging.page_of, "__kwdefaults__", {"scan_limit": 2})
    with TestClient(create_app(chain.node)) as http, Client("http://testserver", http=http) as client:
        warnings_here = {"agency": chain.agency_code, "severity": "warning"}
        first = http.get("/v1/alerts", params=warnings_here).json()
        assert first["items"] == [] and first["next"] is not None  # the two read were red alerts
        warnings = client.alerts(**warnings_here)
        reds = client.alerts(agency=chain.agency_code, severity="red", page_size=1)
    assert sorted(a["id"] for a in reds + warnings) == sorted(str(EvidenceId("DEV", a.index)) for a in raised)
    assert len(reds) == len(warnings) == len(raised) // 2


def _attempts(process, hook) -> list[int]:
    return sorted(a.deliveries[str(hook.id)]["attempts"] for a in process.alerts() if a.severity == "red")


def test_an_unreachable_webhook_rests_with_its_deliveries_for_the_failed_ones_backoff(chain, desk):
    refusing = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{refusing.getsockname()[1]}/hook"
    refusing.close()  # nothing listens there: every connection is refused at once
    process = chain.node.process
    hook = red_webhook(chain, url)
    overdue(chain, desk, *(f"case refused {n}" for n in range(3)))
    webhooks = chain.node.webhooks
    assert webhooks.deliver_due() == 0
    assert _attempts(process, hook) == [0, 0, 1]  # the first refusal stops the round
    assert webhooks.deliver_due() == 0
    assert _attempts(process, hook) == [0, 0, 1]  # resting: the other two are not tried one after the other
    assert 0 < webhooks._seconds_to_next() <= 1.0
    chain.clock.now += 1.01
    webhooks.deliver_due()
    assert _attempts(process, hook) == [0, 1, 1]
    assert 1.0 < webhooks._seconds_to_next() <= 2.0  # unreachable a second round in a row: a longer rest
    chain.clock.now += 1.01
    assert webhooks.deliver_due() == 0 and _attempts(process, hook) == [0, 1, 1]


def test_a_burst_of_alerts_to_one_webhook_shares_one_connection(chain, desk):
    receiver = Receiver(chain.supervision.key.public_key())
    try:
        red_webhook(chain, receiver.url)
        overdue(chain, desk, *(f"case burst {n}" for n in range(4)))
        assert chain.node.webhooks.deliver_due() == 4
        assert len(receiver.acknowledged()) == 4
        assert len({r["connection"] for r in receiver.received}) == 1
    finally:
        receiver.close()


def test_a_round_takes_a_bounded_share_of_a_webhooks_backlog(chain, desk, monkeypatch):
    from tiezheng_node.process import webhooks as webhook_module

    monkeypatch.setattr(webhook_module, "MAX_ROUND", 2)
    receiver = Receiver(chain.supervision.key.public_key())
    try:
        red_webhook(chain, receiver.url)
        overdue(chain, desk, *(f"case backlog {n}" for n in range(3)))
        assert chain.node.webhooks.deliver_due() == 2
        assert chain.node.webhooks.deliver_due() == 1  # the rest, the next round
        assert chain.node.webhooks.deliver_due() == 0 and len(receiver.acknowledged()) == 3
    finally:
        receiver.close()


def test_a_delivery_settled_after_the_outbox_was_read_is_not_sent_again(chain, desk):
    receiver = Receiver(chain.supervision.key.public_key())
    try:
        hook = red_webhook(chain, receiver.url)
        overdue(chain, desk, "case settled")
        with chain.node.store.scan_range(b"O", OUTBOX_END) as rows:
            read_before = list(rows)  # what a round read just before the round ahead of it settled them
        assert chain.node.webhooks.deliver_due() == 1
        assert chain.node.webhooks._deliver_to(hook.id, read_before) == 0
        assert len(receiver.received) == 1
    finally:
        receiver.close()


def _owed(chain) -> list[tuple[int, int, int]]:
    """(webhook id, next attempt, alert) of every delivery the outbox holds."""
    with chain.node.store.scan_range(b"O", OUTBOX_END) as rows:
        return [parse_outbox_key(key) for key, _ in rows]


def test_an_outbox_keyed_by_time_first_is_rekeyed_by_webhook_at_the_next_start(chain, desk):
    from tiezheng_node.store.keys import META_OUTBOX_BY_WEBHOOK

    kept = red_webhook(chain, "http://127.0.0.1:9/kept")
    removed = red_webhook(chain, "http://127.0.0.1:9/removed")
    overdue(chain, desk, "case rekeyed")
    owed = _owed(chain)
    assert sorted(hook for hook, _, _ in owed) == [kept.id, removed.id]
    # As a store written before the outbox was kept by webhook holds them: next attempt ‖ alert ‖ webhook id.
    older = {
        b"O" + at.to_bytes(8, "big") + alert.to_bytes(8, "big") + hook.to_bytes(4, "big"): cbor.encode([3, "refused"])
        for hook, at, alert in owed
    }
    chain.node.store.commit(
        {**dict.fromkeys((outbox_key(*o) for o in owed), None), **older, META_OUTBOX_BY_WEBHOOK: None,
         b"W" + removed.id.to_bytes(4, "big"): None}
    )  # fmt: skip
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    assert _owed(chain) == [o for o in owed if o[0] == kept.id]  # what the removed webhook was owed is dropped
    with chain.node.store.scan_range(b"O", OUTBOX_END) as rows:
        assert [cbor.decode(value, max_size=64) for _, value in rows] == [[3, "refused"]]
    assert chain.node.store.get(META_OUTBOX_BY_WEBHOOK) is not None


def test_removing_a_webhook_removes_what_it_was_owed(chain, desk):
    kept = red_webhook(chain, "http://127.0.0.1:9/kept")
    removed = red_webhook(chain, "http://127.0.0.1:9/removed")
    overdue(chain, desk, "case removed 1", "case removed 2")
    assert sorted(hook for hook, _, _ in _owed(chain)) == [kept.id] * 2 + [removed.id] * 2
    assert chain.node.process.remove_webhook(removed.id)
    assert [hook for hook, _, _ in _owed(chain)] == [kept.id] * 2
    # The alerts say the removed webhook will not get them, rather than look owed for ever.
    alerts = [a for a in chain.node.process.alerts() if str(removed.id) in a.deliveries]
    assert len(alerts) == 2
    for alert in alerts:
        assert alert.deliveries[str(removed.id)]["withdrawn"] > 0
        assert (
            "withdrawn" not in alert.deliveries[str(kept.id)] and "delivered" not in alert.deliveries[str(removed.id)]
        )
        assert chain.node.process.alert(alert.index).deliveries == alert.deliveries  # read one by one alike
    # And so after a restart.
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    again = {a.index: a.deliveries for a in chain.node.process.alerts() if str(removed.id) in a.deliveries}
    assert again == {a.index: a.deliveries for a in alerts}


def test_a_webhook_removed_during_an_attempt_is_owed_nothing_after_it(chain, desk):
    hook = red_webhook(chain, "http://127.0.0.1:9/gone")  # refused: the attempt fails
    overdue(chain, desk, "case gone")
    with chain.node.store.scan_range(b"O", OUTBOX_END) as rows:
        read = list(rows)
    chain.node.process.remove_webhook(hook.id)
    chain.node.store.commit(dict(read))  # as the round read them before the removal
    assert chain.node.webhooks._deliver_to(hook.id, read) == 0
    assert _owed(chain) == []


def test_a_resting_webhooks_backlog_waits_while_another_receiver_gets_its_alerts(chain, desk):
    receiver = Receiver(chain.supervision.key.public_key())
    webhooks = chain.node.webhooks

    def attempts_at_the_down_one() -> list[int]:
        reds = [a for a in chain.node.process.alerts() if a.severity == "red"]
        return sorted(a.deliveries[str(down.id)]["attempts"] for a in reds)

    try:
        down = red_webhook(chain, "http://127.0.0.1:9/down")
        red_webhook(chain, receiver.url)
        overdue(chain, desk, "case down 1", "case down 2")
        assert webhooks.deliver_due() == 2  # to the receiver; the refused one rests after one attempt
        assert attempts_at_the_down_one() == [0, 1]
        assert 0.5 < webhooks._seconds_to_next() <= 1.0  # its backlog is due, but it rests for a second
        assert webhooks.deliver_due() == 0 and attempts_at_the_down_one() == [0, 1]
        chain.clock.now += 1.5
        assert webhooks._seconds_to_next() == 0.0
        assert webhooks.deliver_due() == 0 and attempts_at_the_down_one() == [1, 1]  # its oldest first
        assert len(receiver.received) == 2
    finally:
        receiver.close()


def _from_every_matter(chain, by, *, start=None, stop=None):
    """The report read from every matter, its stage rows in process order as the node serves them."""
    process = chain.node.process
    rows = report(process.matters(), process.alerts(), process.library.template_ids, by=by, start=start, stop=stop)
    return in_stage_order(rows, process.library.stage_positions()) if by == "stage" else rows


def test_a_report_read_as_the_head_moves_is_not_kept_without_that_block(chain, desk):
    desk.open("administrative-permit", "report race 1")
    process, trail = chain.node.process, chain.node.trail
    process.report("template")  # the totals are built: from here on blocks add to them
    on_block = trail.on_block

    def report_between_head_and_totals(header, receipts):
        process.report("template")  # the head has moved; the totals have not taken the block in yet
        on_block(header, receipts)

    trail.on_block = report_between_head_and_totals
    desk.open("administrative-permit", "report race 2")
    trail.on_block = on_block
    assert process.report("template") == _from_every_matter(chain, "template")


def test_a_matter_completed_in_the_block_that_raises_its_late_alert_counts_late_once(chain, desk):
    permit = desk.open("administrative-permit", "late in the last block")
    process = chain.node.process
    process.report("template")  # the totals follow the blocks from here
    for stage in ("受理", "初审"):
        desk.step(permit, stage)
    desk.step(permit, "复核", next_stage="审批签发")
    desk.step(permit, "审批签发")
    chain.clock.now = process.matter(EvidenceId.parse(permit).index).deadline / 1000 + 60
    desk.step(permit, "结果反馈", seal=False)  # completes it, in the block that finds its deadline passed
    chain.node.produce_block()
    state = process.matter(EvidenceId.parse(permit).index)
    assert state.status != "open" and state.completed_late
    late = [a for a in process.alerts() if a.matter == state.index and a.severity == "red" and a.scope == "matter"]
    assert len(late) == 1
    (row,) = process.report("template")
    assert (row["matters_late"], row["matters_on_time"], row["matters_on_time_rate"]) == (1, 0, 0.0)
    assert process.report("template") == _from_every_matter(chain, "template")
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    assert chain.node.process.report("template") == [row]  # built again from the store: the same


def test_reports_are_formatted_outside_the_lock_block_production_takes(chain, desk, monkeypatch):
    from tiezheng_node.process import engine

    desk.open("administrative-permit", "report lock")
    process = chain.node.process
    held: list[bool] = []

    def formatting(*args, **kwargs):
        held.append(process._tally_lock.locked())
        return engine_format_rows(*args, **kwargs)

    engine_format_rows = engine.format_rows
    monkeypatch.setattr(engine, "format_rows", formatting)
    midnight = (int(chain.clock.now * 1000) + DAY_OFFSET_MS) // DAY_MS * DAY_MS - DAY_OFFSET_MS
    process.report("agency")
    process.report("agency", start=midnight - 3 * DAY_MS, stop=midnight + DAY_MS - 1)
    assert held == [False, False]


def test_report_totals_kept_block_by_block_equal_reports_read_from_every_matter(chain, desk):
    """The whole-history report follows the blocks (process.tally); reading every matter is the oracle."""
    permits = [desk.open("administrative-permit", f"totals {n}") for n in range(3)]
    process = chain.node.process
    advance = process.advance

    def first_report_between_commit_and_advance(staged):
        process.report("agency")  # builds the totals from a snapshot that already holds this block
        advance(staged)  # which must then not add it a second time

    process.advance = first_report_between_commit_and_advance
    enforcement = desk.open("enforcement-case", "totals enforcement")
    process.advance = advance
    for by in ("agency", "template", "stage"):
        assert chain.node.process.report(by) == _from_every_matter(chain, by)

    def agree() -> None:
        for by in ("agency", "template", "stage"):
            assert chain.node.process.report(by) == _from_every_matter(chain, by), by
        # Whole days (UTC+08:00) come from the per-day totals; any other period from the matters.
        process = chain.node.process
        midnight = (int(chain.clock.now * 1000) + DAY_OFFSET_MS) // DAY_MS * DAY_MS - DAY_OFFSET_MS
        days = [midnight + n * DAY_MS for n in range(-12, 2)]
        periods = [(a, b - 1) for a in days for b in days if a < b] + [(None, days[5] - 1), (days[8], None)]
        for by in ("agency", "template", "stage"):
            for start, stop in periods:
                expected = _from_every_matter(chain, by, start=start, stop=stop)
                assert whole_days(start, stop) is not None
                assert process.report(by, start=start, stop=stop) == expected, (by, start, stop)

    desk.step(permits[0], "受理")
    agree()
    for stage in ("初审",):
        desk.step(permits[0], stage)
    desk.step(permits[0], "复核", next_stage="审批签发")
    desk.step(permits[0], "审批签发")
    desk.step(permits[0], "结果反馈")  # closes it: matters open − 1, closed + 1
    agree()
    desk.step(enforcement, "立案")
    state = chain.node.process.matter(EvidenceId.parse(permits[1]).index)
    chain.clock.now = state.stage_deadline / 1000 + 60  # overdue: red alerts and warnings, one block
    chain.node.produce_block()
    assert any(a.severity == "red" for a in chain.node.process.alerts())
    agree()
    desk.step(permits[1], "受理", seal=False)
    desk.open("administrative-permit", "opened in the same block")  # seals both
    agree()
    # Past the permits' 20 working days: late, counted against the on-time rate, once and for good.
    before_late = int(chain.clock.now * 1000)
    chain.clock.now = chain.node.process.matter(EvidenceId.parse(permits[2]).index).deadline / 1000 + 60
    chain.node.produce_block()
    agree()
    late_permits = [
        m for m in chain.node.process.matters(status="open") if m.matter_overdue(int(chain.clock.now * 1000))
    ]

    def permit_row(**period) -> dict:
        rows = chain.node.process.report("template", **period)
        return next(r for r in rows if r["template"] == "administrative-permit")

    assert permit_row()["matters_late"] == len(late_permits) >= 2
    assert permit_row()["matters_on_time_rate"] == round(
        permit_row()["matters_on_time"] / (permit_row()["matters_on_time"] + len(late_permits)), 4
    )  # the one completed permit was on time; the late ones count against it
    earlier = permit_row(stop=before_late)
    assert earlier["matters_late"] == 0 and earlier["matters_on_time_rate"] == 1.0  # not late yet then
    state = chain.node.process.matter(EvidenceId.parse(permits[2]).index)
    desk.submit(
        close_statement(
            matter=permits[2], prev=str(EvidenceId("DEV", state.last_index)), subject=state.subject, agency=desk.code,
            key_id=desk.key.public_key().key_id, digest=sm3(b"withdrawn late"), time_ms=desk.now_ms(),
            outcome="withdrawn",
        )
    )  # fmt: skip
    chain.node.produce_block()
    agree()
    # Withdrawn after its deadline: still late (closing an overdue matter does not raise the rate), no longer open.
    assert permit_row()["matters_late"] == len(late_permits)
    assert permit_row()["open"] == permit_row()["matters"] - permit_row()["closed"]
    assert permit_row(stop=before_late) == earlier  # a past period's report does not change
    # After a restart the totals are built again from the store: the same rows.
    rows = {by: chain.node.process.report(by) for by in ("agency", "template", "stage")}
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    assert {by: chain.node.process.report(by) for by in ("agency", "template", "stage")} == rows
    agree()


def _filtered_equals_scanned(process) -> None:
    """Every filtered list equals the full list filtered by hand: postings narrow, never change, the answer."""
    every_matter = list(process.matters())
    every_alert = list(process.alerts())
    below = [None, *(m.index for m in every_matter[1::2])]
    for before in below:
        older = [m for m in every_matter if before is None or m.index < before]
        for status in ("open", "closed"):
            assert list(process.matters(before=before, status=status)) == [m for m in older if m.status == status]
        for template in {m.template for m in every_matter} | {b"\x00" * 32}:
            expected = [m for m in older if m.template == template]
            assert list(process.matters(before=before, templates=[template])) == expected
        for code in {m.owner for m in every_matter} | {"NOBODY"}:
            expected = [m for m in older if code in (m.owner, *m.parties.values())]
            assert list(process.matters(before=before, agency=code)) == expected
        for subject in {m.subject for m in every_matter}:
            assert list(process.matters(before=before, subject=subject)) == [m for m in older if m.subject == subject]
    for status in ("open", "acknowledged", "resolved"):
        assert list(process.alerts(status=status)) == [a for a in every_alert if a.status == status]
    for severity in ("red", "warning"):
        assert list(process.alerts(severity=severity)) == [a for a in every_alert if a.severity == severity]
    for code in {a.agency for a in every_alert}:
        assert list(process.alerts(agency=code)) == [a for a in every_alert if a.agency == code]
    templates = list({a.template for a in every_alert})
    assert list(process.alerts(templates=templates)) == every_alert


def test_filtered_lists_follow_every_change_and_survive_a_rebuild(chain, desk, tmp_path):
    permits = [desk.open("administrative-permit", f"filtered {n}") for n in range(4)]
    case = desk.open("enforcement-case", "filtered case")
    desk.step(permits[0], "受理")
    desk.step(permits[1], "受理")
    desk.step(permits[1], "初审", "reject")  # closed
    chain.clock.now += 10 * DAY  # every open stage overdue: warnings and red alerts
    chain.node.produce_block()
    raised = list(chain.node.process.alerts())
    assert {a.severity for a in raised} == {"red", "warning"}
    waiting = EvidenceId.parse(permits[2]).index
    chain.node.process.acknowledge(next(a.index for a in raised if a.matter == waiting), "0x" + "11" * 20, 1)
    desk.step(case, "立案")  # resolves the case's stage alerts
    process = chain.node.process
    assert {a.status for a in process.alerts()} == {"open", "acknowledged", "resolved"}
    assert {m.status for m in process.matters()} == {"open", "closed"}
    _filtered_equals_scanned(process)
    # A store written before postings existed gets them at start-up.
    from tiezheng_node.store.keys import META_POSTINGS, POSTING

    store = chain.node.store
    with store.scan(POSTING) as rows:
        store.commit({key: None for key, _ in rows} | {META_POSTINGS: None})
    assert list(process.matters(status="open")) == []  # nothing to walk
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, chain.validator_key, **chain.node_options)
    _filtered_equals_scanned(chain.node.process)


def test_the_node_warns_when_its_calendar_does_not_cover_the_year(chain):
    calendar = chain.node.process.calendar()
    last = max(calendar.years)
    chain.clock.now = calendar.start_of(date(last, 6, 1)) / 1000
    assert chain.node.calendar_warning() is None
    chain.clock.now = calendar.start_of(date(last, 12, 1)) / 1000  # the next year's arrangement is due
    assert str(last + 1) in chain.node.calendar_warning()
    chain.clock.now = calendar.start_of(date(last + 1, 3, 1)) / 1000
    warning = chain.node.calendar_warning()
    assert str(last + 1) in warning and "weekends only" in warning
    with TestClient(create_app(chain.node)) as client:
        health = client.get("/healthz").json()
    assert health["calendar_warning"] == warning and health["status"] == "ok"  # a warning, not a failure


def test_a_step_is_refused_while_the_node_lacks_the_registered_calendar(chain, desk):
    """Accepted, it would never be applied (its block sets the next deadline): refused instead, 503 no-calendar."""
    from tiezheng.gm import sm3
    from tiezheng_node.execution.addresses import PROCESS_TRAIL

    matter = desk.open("administrative-permit", "case calendar")
    registered = chain.node.trail.calendar(chain.node.head.execution)
    unknown = chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "setCalendar", sm3(b"cn 2027"), "cn-2027")
    assert unknown.ok
    with pytest.raises(EvidenceRejected) as refused:
        desk.step(matter, "受理", seal=False)
    assert refused.value.code == "no-calendar" and refused.value.status == 503
    again = chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "setCalendar", registered, "cn")
    assert again.ok
    desk.step(matter, "受理")
    assert chain.node.process.matter(EvidenceId.parse(matter).index).current == "初审"


def _with_next_calendar(tmp_path, calendar):
    """A chain whose node holds next year's calendar file, not yet registered: it makes the first
    working day after now a holiday. The clock, that holiday, the file's calendar, the chain."""
    import json
    from datetime import timedelta

    from tiezheng.workflow import WorkCalendar

    clock = Clock()
    holiday = calendar.local_day(int(clock.now * 1000)) + timedelta(days=1)
    while not calendar.is_working_day(holiday):
        holiday += timedelta(days=1)
    document = json.loads(json.dumps(calendar.document))
    document["id"] = "cn-mainland-next"
    document["holidays"].append(holiday.isoformat())
    document["years"] = sorted({*document["years"], holiday.year})
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "next.calendar.json").write_text(json.dumps(document, ensure_ascii=False))
    chain = LocalChain(tmp_path / "node", clock=clock, workflows=WorkflowLibrary([folder]))
    return clock, holiday, WorkCalendar.from_document(document), chain


def test_a_calendar_registered_later_moves_the_deadlines_still_running(tmp_path):
    """Next year's holidays, registered in December, apply to the deadlines set in November that run into them.

    Here the new calendar makes the next working day after the opening a holiday: the
    first stage's deadline and the matter's move one working day later.
    """

    from tiezheng.workflow import builtin_calendar
    from tiezheng_node.execution.addresses import PROCESS_TRAIL

    calendar = builtin_calendar()
    clock, holiday, updated, chain = _with_next_calendar(tmp_path, calendar)
    try:
        desk = Desk(chain, chain.agency_key, chain.agency_code)
        matter = desk.open("administrative-permit", "case next year")
        index = EvidenceId.parse(matter).index
        before = chain.node.process.matter(index)
        assert calendar.local_day(before.activated) < holiday  # opened before it (not across a midnight)
        limit = PERMIT_TEMPLATE.stages[0].limit
        assert before.stage_deadline == calendar.deadline(before.activated, limit)
        registered = chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "setCalendar", updated.hash, updated.id)
        assert registered.ok
        desk.open("administrative-permit", "the next block's work")  # the first block under the new calendar
        after = chain.node.process.matter(index)
        assert after.stage_deadline == updated.deadline(before.activated, limit) > before.stage_deadline
        assert after.deadline == updated.deadline(before.opened, PERMIT_TEMPLATE.limit) > before.deadline
        clock.now = before.stage_deadline / 1000 + 1  # the old deadline passes: no red alert, it moved
        chain.node.produce_block()
        assert "red" not in [a.severity for a in chain.node.process.alerts() if a.matter == index]
    finally:
        chain.close()


def test_a_new_calendar_says_which_open_matters_it_cannot_move(tmp_path, monkeypatch, caplog):
    """A node without a template's file cannot compute its matters' deadlines again: it keeps them, and says so."""
    import logging

    from tiezheng.workflow import builtin_calendar
    from tiezheng_node.execution.addresses import PROCESS_TRAIL

    calendar = builtin_calendar()
    _, _, updated, chain = _with_next_calendar(tmp_path, calendar)
    try:
        desk = Desk(chain, chain.agency_key, chain.agency_code)
        index = EvidenceId.parse(desk.open("administrative-permit", "case of a lost file")).index
        before = chain.node.process.matter(index)
        registered = chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "setCalendar", updated.hash, updated.id)
        assert registered.ok
        monkeypatch.setattr(chain.node.process.library, "template", lambda template_hash: None)
        with caplog.at_level(logging.WARNING):
            assert chain.node.produce_block() is not None
        assert f"lacks the files of templates {before.template.hex()[:16]}" in caplog.text
        assert chain.node.process.matter(index).stage_deadline == before.stage_deadline
        assert not chain.node.process.behind_calendar()  # said once, not at every block
    finally:
        chain.close()


def test_a_node_holds_the_earlier_revisions_of_the_shipped_templates():
    """Matters opened under enforcement-case r1 on an existing chain go on, though new chains register r2."""
    from tiezheng.workflow import superseded_templates
    from tiezheng_node.process.library import WorkflowLibrary

    library = WorkflowLibrary()
    for template in [*superseded_templates(), *TEMPLATES.values()]:
        assert library.template(template.hash) == template
    assert library.stage_positions()["enforcement-case"]["决定"] == 5  # listed in the current revision's order


def test_a_deadline_a_new_calendar_moves_raises_no_alert_from_the_index_before_it(tmp_path):
    """On a quiet chain the first block after a calendar is registered may be one a passed deadline wakes:
    it moves the deadlines first, and raises alerts from the moved index (with the next block), never
    a red alert about a deadline that no longer is one."""

    from tiezheng.workflow import builtin_calendar
    from tiezheng_node.execution.addresses import PROCESS_TRAIL

    calendar = builtin_calendar()
    clock, _, updated, chain = _with_next_calendar(tmp_path, calendar)
    try:
        desk = Desk(chain, chain.agency_key, chain.agency_code)
        matter = desk.open("administrative-permit", "case quiet chain")
        index = EvidenceId.parse(matter).index
        before = chain.node.process.matter(index)
        registered = chain.transact(chain.admin, "ProcessTrail", PROCESS_TRAIL, "setCalendar", updated.hash, updated.id)
        assert registered.ok and chain.node.process.behind_calendar()
        clock.now = before.stage_deadline / 1000 + 1  # the old deadline passes with nothing else to do
        assert chain.node.produce_block() is not None  # moving the deadlines is a block's work
        assert not chain.node.process.behind_calendar()
        chain.node.produce_block()
        alerts = [a for a in chain.node.process.alerts() if a.matter == index]
        assert "red" not in [a.severity for a in alerts], alerts
        assert chain.node.process.matter(index).stage_deadline > before.stage_deadline
    finally:
        chain.close()
