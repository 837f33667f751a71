"""Checking an envelope's statements: the bulk of admitting a batch, runnable in a worker process.

This module imports nothing of the node beyond the protocol library, so a
worker process that runs ``check_statements`` starts quickly and small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tiezheng.batch import COSIGNERS_IN_BATCH
from tiezheng.errors import DecodeError
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import get_backend
from tiezheng.merkle.rfc9162 import LEAF_PREFIX, root_from_leaf_hashes
from tiezheng.schema import invisible_character
from tiezheng.statement import decode_statement


@dataclass(frozen=True)
class CheckedStatements:
    """What checking a batch's statements found, in a form cheap to send between processes."""

    leaf_hashes: list[bytes]
    digests: list[bytes]
    kinds: list[str]
    subjects: list[bytes | None]
    root: bytes
    error: tuple[str, str] | None = None  # (message, code) of the first problem
    prevs: dict[int, str] = field(default_factory=dict)  # position → the "prev" a statement names, for the node


def invisible_text(stage: object, meta: object) -> tuple[str, str] | None:
    """(field, U+XXXX) of a statement's first text holding a control or format character, or None.

    Admission refuses them (format characters such as U+202E reorder what a certificate
    shows); decoding does not, so that records logged before still read.
    """
    if type(stage) is str and (found := invisible_character(stage)):
        return "statement.stage", found
    if isinstance(meta, Mapping):
        for name, item in meta.items():
            if type(item) is str and (found := invisible_character(item)):
                return f"statement.meta.{name}", found
    return None


def invisible_refusal(where: str, character: str) -> tuple[str, str]:
    """(message, code) of the refusal of a text holding ``character``."""
    return f"{where} holds {character}, an invisible or direction-changing character", "invisible-character"


def written_refusal(stage: object, meta: object, prev: object) -> tuple[str, str] | None:
    """(message, code) if admission refuses how a decodable statement is written, else None.

    Texts holding invisible characters (:func:`invisible_text`), and a ``prev`` spelled other
    than the chain writes IDs (lower case, spaces, Crockford's aliases): decoding reads both,
    so that records logged before still read; new records are written one way.
    """
    invisible = invisible_text(stage, meta)
    if invisible is not None:
        return invisible_refusal(*invisible)
    if type(prev) is str:
        written = str(EvidenceId.parse(prev))  # decoding parsed it already
        if written != prev:
            return f"statement.prev must be written as {written}", "bad-evidence-id"
    matter = meta.get("matter") if isinstance(meta, Mapping) else None
    if type(matter) is str:  # a process step's matter: written as prev is, or a search for it would miss it
        try:
            written = str(EvidenceId.parse(matter))
        except DecodeError:
            return None  # not an ID at all: the step's own check says so
        if written != matter:
            return f"statement.meta.matter must be written as {written}", "bad-evidence-id"
    return None


def check_statements(
    statements: list[bytes], agency: str, key: bytes, cosigners: list[dict[str, Any]] | None = None
) -> CheckedStatements:
    """Decode and check every statement of an envelope and compute their SM3 Merkle root.

    A pure function of its arguments, so that a worker process can run it: it is
    the bulk of admitting an envelope, and runs beside the block producer on
    another core.
    """
    sm3 = get_backend().sm3
    leaf_hashes: list[bytes] = []
    digests: list[bytes] = []
    kinds: list[str] = []
    subjects: list[bytes | None] = []
    seen: set[bytes] = set()
    prevs: dict[int, str] = {}
    for position, statement in enumerate(statements):
        try:
            value = decode_statement(statement)
        except DecodeError as exc:
            return _refused(f"statement {position}: {exc.message}", exc.code)
        if value["agency"] != agency or value["key"] != key:
            return _refused(f"statement {position} names agency/key other than the batch header's", "batch-mismatch")
        if value.get("cosigners") != cosigners:  # the header's, as CBOR decodes them (None: it names none)
            return _refused(f"statement {position}: {COSIGNERS_IN_BATCH}", "cosigners-in-batch")
        if "stage" in value or "meta" in value or "prev" in value:
            refusal = written_refusal(value.get("stage"), value.get("meta"), value.get("prev"))
            if refusal is not None:
                message, code = refusal
                return _refused(f"statement {position}: {message}", code)
            if "prev" in value:
                prevs[position] = value["prev"]
        leaf = sm3(LEAF_PREFIX + statement)
        if leaf in seen:
            return _refused(f"statement {position} appears twice in the batch", "duplicate-in-batch")
        seen.add(leaf)
        leaf_hashes.append(leaf)
        digests.append(value["digest"])
        kinds.append(value["kind"])
        subjects.append(value.get("subject"))
    root = root_from_leaf_hashes(leaf_hashes, sm3)
    return CheckedStatements(leaf_hashes, digests, kinds, subjects, root, prevs=prevs)


def _refused(message: str, code: str) -> CheckedStatements:
    return CheckedStatements([], [], [], [], b"", (message, code))
