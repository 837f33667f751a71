"""Building the statements of a process trail: opening a matter, a step, closing it (docs/workflow.md).

The SDK, the CLI and the tests build them here, so every writer follows the one
convention the node checks: ``meta.action`` for open and close, ``meta.matter``
naming the matter by its opening's evidence ID, ``prev`` the latest step.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..statement import KIND_PROCESS_STEP, MetaValue, Statement


def open_statement(
    *,
    template_hash: bytes,
    subject: bytes,
    agency: str,
    key_id: bytes,
    digest: bytes,
    time_ms: int,
    parties: Mapping[str, str] | None = None,
    operator: bytes | None = None,
) -> Statement:
    """Open a matter following the template: ``digest`` is the application (or case file) it starts from."""
    meta: dict[str, MetaValue] = {"action": "open", "template": template_hash.hex()}
    meta.update({f"party.{role}": code for role, code in (parties or {}).items()})
    return Statement(
        kind=KIND_PROCESS_STEP,
        digest=digest,
        agency=agency,
        key=key_id,
        time=time_ms,
        subject=subject,
        operator=operator,
        meta=meta,
    )


def step_statement(
    *,
    matter: str,
    prev: str,
    stage: str,
    decision: str,
    subject: bytes,
    agency: str,
    key_id: bytes,
    after: bytes,
    time_ms: int,
    before: bytes | None = None,
    operator: bytes | None = None,
    next_stage: str | None = None,
    fields: Mapping[str, MetaValue] | None = None,
) -> Statement:
    """One step at ``stage``: ``after`` is SM3 of the document as the step left it, ``before`` as it found it."""
    meta: dict[str, MetaValue] = {"matter": matter, "decision": decision, **(fields or {})}
    if before is not None:
        meta["before"] = before
    if next_stage is not None:
        meta["next"] = next_stage
    return Statement(
        kind=KIND_PROCESS_STEP,
        digest=after,
        agency=agency,
        key=key_id,
        time=time_ms,
        subject=subject,
        operator=operator,
        stage=stage,
        prev=prev,
        meta=meta,
    )


def close_statement(
    *, matter: str, prev: str, subject: bytes, agency: str, key_id: bytes, digest: bytes, time_ms: int, outcome: str
) -> Statement:
    """Close a matter before its last stage (withdrawn, transferred, …); only the opening agency may."""
    return Statement(
        kind=KIND_PROCESS_STEP,
        digest=digest,
        agency=agency,
        key=key_id,
        time=time_ms,
        subject=subject,
        prev=prev,
        meta={"action": "close", "matter": matter, "outcome": outcome},
    )
