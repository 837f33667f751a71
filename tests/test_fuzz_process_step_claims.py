"""Fuzzing how a process step is read: any meta a statement may carry, and any evidence ID text.

A ``process-step`` statement's meta (action, template, matter, decision, next,
parties, outcome) comes from agencies; ``read_claim`` must refuse what does not
fit with a StepError naming the field. Evidence IDs (meta.matter, prev, URLs)
must parse to an ID that formats back, or give an EvidenceIdError.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tiezheng.errors import EvidenceIdError
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import SM2PrivateKey
from tiezheng.statement import KIND_PROCESS_STEP, StatementError
from tiezheng.workflow.trail import Claim, StepError, read_claim

from .support.toychain import statement_for

AGENCY_KEY = SM2PrivateKey.generate()
MATTER = str(EvidenceId("TST", 4))
META_KEYS = st.sampled_from(
    ["action", "template", "matter", "decision", "next", "outcome", "party.owner", "party.review", "hearing", "before"]
)
META_VALUES = st.one_of(
    st.sampled_from(["open", "step", "close", "approve", "return", "reject", "0" * 64, " 0" * 32, MATTER, "TST-4-00"]),
    st.text(min_size=1, max_size=70),
    st.binary(max_size=64),
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    meta=st.dictionaries(META_KEYS, META_VALUES, min_size=1, max_size=6),
    subject=st.none() | st.just(b"\x01" * 32),
    stage=st.none() | st.sampled_from(["受理", "初审"]),
    prev=st.none() | st.just(str(EvidenceId("TST", 9))),
)
def test_any_meta_is_a_claim_or_a_step_error_naming_the_field(meta, subject, stage, prev):
    try:
        statement = statement_for(
            AGENCY_KEY, b"step", kind=KIND_PROCESS_STEP, meta=meta, subject=subject, stage=stage, prev=prev
        )
    except StatementError:
        assume(False)  # not a statement at all: the statement decoder's own fuzz tests cover that
    try:
        claim = read_claim(statement)
    except StepError as exc:
        assert exc.code and exc.message and 400 <= exc.status < 500
        return
    assert isinstance(claim, Claim) and claim.action in ("open", "step", "close")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"\s*[0-9A-Za-z]{2,8}-[0-9A-Za-z]{6,13}-[0-9A-Za-z]{2}\s*", fullmatch=True))
def test_any_text_is_an_evidence_id_that_formats_back_or_an_evidence_id_error(text):
    try:
        parsed = EvidenceId.parse(text)
    except EvidenceIdError as exc:
        assert exc.code in ("bad-evidence-id", "evidence-id-checksum")
        return
    assert EvidenceId.parse(str(parsed)) == parsed
