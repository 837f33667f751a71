"""The offline verifier: checks every link from a record's bytes to a genesis the verifier trusts.

The chain of checks, in order (each named as in the output of ``tiezheng verify``):

1. ``receipt``       the receipt decodes (strict deterministic CBOR, known version);
2. ``genesis``       the receipt is for this genesis (chain id, chain code, genesis hash);
3. ``evidence-id``   the ID is well-formed, its checksum holds, and it names this chain and leaf;
4. ``statement``     the statement decodes and is well-formed;
5. ``digest``        SM3 of the file equals the statement's digest (when a file or digest is given);
6. ``signatures``    the agency's SM2 signature (and co-signatures) over the statement, or over the
                     batch header, verify under the key the statement names;
7. ``batch-path``    for a batch, the statement's audit path leads to the signed batch root;
8. ``validator-set`` every validator-set hand-over since genesis is sealed by the set in power;
9. ``header``        the consensus header decodes, is for this chain and covers the leaf;
10. ``inclusion``    the inclusion proof leads from the statement's leaf hash to the header's log root;
11. ``seals``        a quorum of the validator set sealed the header with SM2.

The verdict is VALID only if every check passes; otherwise it names the first that failed. A check
that stops at an object of a version this build does not read (a newer receipt, header or
statement format) leaves the verdict undecided rather than INVALID: ``Verdict.decided``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

from .batch import UNANCHORED_COSIGNERS, BatchHeader
from .errors import TiezhengError
from .evidence_id import EvidenceId
from .genesis import Genesis, ValidatorSet
from .gm import sm3_file
from .header import ConsensusHeader, check_seals, follow_transitions
from .merkle import verify_inclusion
from .merkle.rfc9162 import leaf_hash
from .receipt import Receipt
from .schema import FieldError
from .signing import check_signatures
from .statement import Statement

#: The code of a check that stopped at a format newer than this build reads.
UNSUPPORTED: Final = "unsupported-version"

CHECKS: Final = (
    "receipt",
    "genesis",
    "evidence-id",
    "statement",
    "digest",
    "signatures",
    "batch-path",
    "validator-set",
    "header",
    "inclusion",
    "seals",
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    code: str | None = None  # the error code of a check that failed by refusing its input, for machines


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)
    evidence_id: str | None = None
    statement: Statement | None = None
    header: ConsensusHeader | None = None
    validators: ValidatorSet | None = None
    sealed_by: tuple[str, ...] = ()
    #: Whether a record's digest was compared with the anchored one (matching or not). A valid verdict without
    #: it speaks for the receipt alone: that some record was anchored, not that the one at hand is it.
    record_checked: bool = False

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks) and self.checks[-1].name == "seals"

    @property
    def failed(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)

    @property
    def decided(self) -> bool:
        """False when a check stopped at a format newer than this verifier reads (``unsupported-version``): this
        verifier cannot check the receipt, so it gives no verdict; a newer release can. (Not valid either: a
        forger can write a newer version number as easily as anything else.)"""
        failed = self.failed
        return failed is None or failed.code != UNSUPPORTED


class _Failed(Exception):
    pass


T = TypeVar("T")


def verify_receipt_file(
    receipt_path: str | Path, genesis: Genesis, *, record: str | Path | None = None, digest: bytes | None = None
) -> Verdict:
    """Verify a receipt file; ``record`` is the file it proves (hashed with SM3, streaming)."""
    verdict = Verdict()
    try:
        receipt = _step(verdict, "receipt", lambda: Receipt.load(receipt_path), "decodes")
    except _Failed:
        return verdict
    if record is not None:
        try:
            digest = sm3_file(record)
        except OSError as exc:
            verdict.checks.append(Check("digest", False, f"cannot read {record}: {exc.strerror}"))
            return verdict
    return verify_receipt(receipt, genesis, digest=digest, verdict=verdict)


def verify_receipt(
    receipt: Receipt | bytes, genesis: Genesis, *, digest: bytes | None = None, verdict: Verdict | None = None
) -> Verdict:
    """Check a receipt (or a receipt file's bytes, CBOR or JSON) against a trusted genesis and, if given,
    the record's SM3 digest; without one, ``valid`` speaks for the receipt alone (``record_checked`` is False)."""
    verdict = verdict or Verdict()
    with contextlib.suppress(_Failed):
        _verify(receipt, genesis, digest, verdict)
    return verdict


def _verify(receipt_or_bytes: Receipt | bytes, genesis: Genesis, digest: bytes | None, verdict: Verdict) -> None:
    if isinstance(receipt_or_bytes, bytes | bytearray):
        receipt = _step(verdict, "receipt", lambda: Receipt.from_file_bytes(bytes(receipt_or_bytes)), "decodes")
    else:
        receipt = receipt_or_bytes
        if not verdict.checks:
            verdict.checks.append(Check("receipt", True, "decodes"))

    chain = receipt.chain
    _require(
        verdict,
        "genesis",
        chain.genesis_hash == genesis.hash
        and chain.chain_id == genesis.chain_id
        and chain.chain_code == genesis.chain_code,
        f"chain {genesis.chain_code} (id {genesis.chain_id}), genesis {genesis.hash.hex()[:16]}…",
        f"the receipt is for chain {chain.chain_code} (id {chain.chain_id}, genesis {chain.genesis_hash.hex()[:16]}…), "
        f"not the given genesis {genesis.chain_code} (id {genesis.chain_id}, {genesis.hash.hex()[:16]}…)",
    )

    evidence_id = _step(verdict, "evidence-id", lambda: EvidenceId.parse(receipt.evidence_id), None, record=False)
    # The receipt carries the canonical spelling: a reader who accepts "dev-…" for "DEV-…" would let
    # a receipt's bytes change without its verdict changing.
    _require(
        verdict,
        "evidence-id",
        str(evidence_id) == receipt.evidence_id
        and evidence_id.chain == genesis.chain_code
        and evidence_id.index == receipt.leaf_index,
        f"{evidence_id} is leaf {receipt.leaf_index}",
        f"{receipt.evidence_id} is not the canonical evidence ID of leaf {receipt.leaf_index} of chain "
        f"{genesis.chain_code} ({EvidenceId(genesis.chain_code, receipt.leaf_index)})",
    )
    verdict.evidence_id = str(evidence_id)

    statement = _step(verdict, "statement", lambda: Statement.from_cbor(receipt.statement), "well-formed")
    verdict.statement = statement

    if digest is None:
        verdict.checks.append(Check("digest", True, "no file given: the record's bytes were not compared"))
    else:
        verdict.record_checked = True  # compared, whatever the outcome (the browser's fileChecked alike)
        _require(
            verdict,
            "digest",
            digest == statement.digest,
            f"the record's SM3 is {digest.hex()}, the anchored digest",
            f"the record's SM3 {digest.hex()} is not the anchored digest {statement.digest.hex()}",
        )

    if receipt.batch is None:
        _step(
            verdict,
            "signatures",
            lambda: check_signatures(
                receipt.statement,
                receipt.signatures,
                agency_key_id=statement.key,
                cosigners=statement.cosigners,
                what="statement",
            ),
            f"agency {statement.agency} and the {len(statement.cosigners)} co-signer(s) the statement names",
        )
        verdict.checks.append(Check("batch-path", True, "not batched"))
    else:
        batch = receipt.batch

        def batch_signatures() -> BatchHeader:
            header = BatchHeader.from_cbor(batch.header)
            check_signatures(
                batch.header,
                batch.signatures,
                agency_key_id=statement.key,
                cosigners=header.cosigners,
                what="batch header",
            )
            return header

        batch_header = _step(verdict, "signatures", batch_signatures, None, record=False)
        if batch_header.cosigners and not statement.cosigners:  # an older record's header: see BatchProof.check
            detail = (
                f"agency {statement.agency} signed the batch header; the {len(batch_header.cosigners)} co-signer(s) "
                f"it names are {UNANCHORED_COSIGNERS}"
            )
        else:
            detail = (
                f"agency {statement.agency} and the {len(batch_header.cosigners)} co-signer(s) its header names "
                "signed the batch header"
            )
        verdict.checks.append(Check("signatures", True, detail))
        _step(verdict, "batch-path", lambda: batch.check(receipt.statement), f"statement {batch.index} of the batch")

    validators, since = _step(
        verdict,
        "validator-set",
        lambda: follow_transitions(genesis.validators, receipt.transitions, genesis.chain_id, receipt.header_version),
        f"{len(receipt.transitions)} hand-over(s) since genesis",
    )
    verdict.validators = validators

    def decode_header() -> ConsensusHeader:
        header = ConsensusHeader.from_cbor(receipt.header)
        # Each receipt version goes with one header version (a chain's headers all have one): a receipt re-spelt
        # in the other version, over the same header, would be a second encoding of the same receipt.
        if header.version != receipt.header_version:
            raise FieldError(
                f"the consensus header is version {header.version}; a version {receipt.version} receipt carries "
                f"version {receipt.header_version} headers",
                code="header-version",
            )
        return header

    header = _step(verdict, "header", decode_header, None, record=False)
    _require(
        verdict,
        "header",
        header.chain_id == genesis.chain_id
        and header.validators == validators.hash
        and header.height >= since
        and receipt.leaf_index < header.log_size,
        f"block {header.height}, log size {header.log_size}",
        "the consensus header is for another chain, another validator set, or a log that does not yet hold the leaf",
    )
    verdict.header = header

    _require(
        verdict,
        "inclusion",
        verify_inclusion(
            leaf_hash(receipt.statement), receipt.leaf_index, header.log_size, receipt.inclusion, header.log_root
        ),
        f"leaf {receipt.leaf_index} is in the log of {header.log_size} at root {header.log_root.hex()[:16]}…",
        "the inclusion proof does not lead to the header's log root",
    )

    _step(
        verdict,
        "seals",
        lambda: check_seals(receipt.header, receipt.seals, validators),
        f"{len(receipt.seals)} of {len(validators)} validators sealed block {header.height}"
        f" (quorum {validators.quorum})",
    )
    verdict.sealed_by = tuple(validators.validators[s.validator].name for s in receipt.seals)


def _step(verdict: Verdict, name: str, action: Callable[[], T], success: str | None, *, record: bool = True) -> T:
    try:
        result = action()
    except TiezhengError as exc:
        verdict.checks.append(Check(name, False, f"{exc.message} [{exc.code}]", exc.code))
        raise _Failed from None
    if record and success is not None:
        verdict.checks.append(Check(name, True, success))
    return result


def _require(verdict: Verdict, name: str, condition: bool, success: str, failure: str) -> None:
    verdict.checks.append(Check(name, condition, success if condition else failure))
    if not condition:
        raise _Failed
